"""Which files a query reads, and the DuckDB relation that reads them.

For each catalog table a query names: the candidate partitions come from partition
projection (:mod:`lakestack.sql.projection`) when ``projection.enabled``, else from the
registered partitions pruned by the query's partition predicates, else the table
location itself. Only the chosen partitions' prefixes are listed (one listing of their
common prefix when there are many), so a one-day query never lists the other days. Many
projected candidates are not enumerated: each listed file is matched to its candidate
(:func:`lakestack.sql.projection.projected_layout`).

The relation hands DuckDB an explicit list of blob paths (no globbing, no copying),
with partition values added as string literals exactly as in the path (``07`` stays
``07``; a non-string partition key is cast to its type), using ``read_parquet``,
``read_csv`` or ``read_json`` per the table's SerDe.

Must not know: HTTP, Glue's models (it sees :mod:`ports` dataclasses), DuckDB connections.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lakestack.services.athena.errors import QueryFailed
from lakestack.services.athena.hive_mirror import HiveMirror
from lakestack.services.athena.ports import CatalogPartition, CatalogTable, ObjectStore
from lakestack.sql.predicates import TRUE, Predicate
from lakestack.sql.projection import ProjectedLayout, is_enabled, project, projected_layout, prune
from lakestack.sql.quoting import quote_identifier as _ident
from lakestack.sql.quoting import quote_list
from lakestack.sql.quoting import quote_literal as _literal
from lakestack.sql.types import is_string_type, to_duckdb

# Above this many candidate partitions one listing of their common prefix is cheaper
# than one listing each.
_BULK_LISTING = 48
_FILE_COLUMN = '"__lakestack_file"'


@dataclass(frozen=True, slots=True)
class ScanFile:
    uri: str
    path: str
    size: int


@dataclass(slots=True)
class TableScan:
    """The files of one table a query reads, grouped by partition values."""

    table: CatalogTable
    kind: str
    groups: list[tuple[tuple[str, ...], list[ScanFile]]]

    @property
    def files(self) -> list[ScanFile]:
        return [f for _, files in self.groups for f in files]

    @property
    def object_bytes(self) -> int:
        return sum(f.size for f in self.files)


def split_uri(uri: str) -> tuple[str, str]:
    """``s3://bucket/key`` -> (bucket, key).

    >>> split_uri("s3://lake/curated/events/"), split_uri("s3a://b")
    (('lake', 'curated/events/'), ('b', ''))
    """
    scheme, sep, rest = uri.partition("://")
    if not sep or scheme.lower() not in ("s3", "s3a", "s3n"):
        raise QueryFailed(f"Invalid S3 location: {uri}", code="HIVE_INVALID_METADATA")
    bucket, _, key = rest.partition("/")
    return bucket, key


def table_kind(table: CatalogTable) -> str:
    """parquet, orc, csv, opencsv or json, from the table's SerDe and input format.

    >>> from lakestack.sql import formats
    >>> table_kind(CatalogTable("d", "t", serde_library=formats.OPEN_CSV))
    'opencsv'
    """
    serde = (table.serde_library or "").lower()
    input_format = (table.input_format or "").lower()
    if "parquet" in serde or "parquet" in input_format:
        return "parquet"
    if "orc" in serde or "orc" in input_format:
        return "orc"
    if "opencsv" in serde:
        return "opencsv"
    if "json" in serde:
        return "json"
    if "avro" in serde or "avro" in input_format:
        return "avro"
    return "csv"


class Lister:
    """Lists S3 prefixes through the object store, for one caller."""

    def __init__(self, objects: ObjectStore, account: str, region: str) -> None:
        self._objects = objects
        self._account = account
        self._region = region
        self.calls = 0

    def files(self, uri: str) -> list[ScanFile]:
        """Every readable object under ``uri`` (recursively), hidden ones skipped."""
        bucket, prefix = split_uri(uri)
        found: list[ScanFile] = []
        token: str | None = None
        while True:
            self.calls += 1
            try:
                page = self._objects.list_objects_v2(
                    self._account, self._region, bucket, prefix=prefix, continuation_token=token
                )
            except Exception as exc:  # an AwsError from the store: the bucket is missing
                if getattr(exc, "code", "") == "NoSuchBucket":
                    raise QueryFailed(
                        f"The specified bucket does not exist: {bucket}",
                        code="HIVE_FILESYSTEM_ERROR",
                    ) from exc
                raise
            for obj in page.contents:
                if obj.blob and _readable(obj.key[len(prefix) :]) and obj.size > 0:
                    found.append(ScanFile(f"s3://{bucket}/{obj.key}", obj.blob, obj.size))
            token = page.next_continuation_token
            if not token:
                return found


def _readable(relative: str) -> bool:
    """Athena skips hidden files and folder markers.

    >>> _readable("year=2026/part-0.parquet"), _readable("_SUCCESS"), _readable("a/.crc")
    (True, False, False)
    """
    if not relative or relative.endswith("/") or relative.endswith("_$folder$"):
        return False
    return not any(part.startswith(("_", ".")) for part in relative.split("/"))


def plan_scan(
    table: CatalogTable,
    predicate: Predicate,
    lister: Lister,
    *,
    now: datetime,
    partitions: Callable[[], Iterable[CatalogPartition]],
) -> TableScan:
    """The files of ``table`` a query with partition ``predicate`` must read.

    Raises:
        QueryFailed: bad projection configuration, unreadable format, missing bucket.
        AthenaQueryError: from projection (HIVE_METASTORE_ERROR, CONSTRAINT_VIOLATION).
    """
    kind = table_kind(table)
    keys = [c.name for c in table.partition_keys]
    if not keys:
        if not table.location:
            return TableScan(table, kind, [])
        return TableScan(table, kind, [((), lister.files(table.location))])
    key_types = {c.name: c.type for c in table.partition_keys}
    if is_enabled(table.parameters):
        return TableScan(table, kind, _projected(table, predicate, lister, now, key_types))
    registered = {tuple(p.values): p.location for p in partitions()}
    named = [dict(zip(keys, values, strict=True)) for values in registered]
    kept = prune(named, predicate, key_types) if predicate != TRUE else named
    candidates = []
    for values in kept:
        tup = tuple(values[k] for k in keys)
        location = registered[tup] or _default_location(table, keys, tup)
        candidates.append((tup, location))
    return TableScan(table, kind, _list_candidates(candidates, lister))


def _projected(
    table: CatalogTable,
    predicate: Predicate,
    lister: Lister,
    now: datetime,
    key_types: dict[str, str],
) -> list[tuple[tuple[str, ...], list[ScanFile]]]:
    """A projected table's files: many candidates (the seed's 4,092 without a filter) are
    matched against one listing instead of enumerated; a few are listed one by one."""
    name, keys = f"{table.database}.{table.name}", [c.name for c in table.partition_keys]
    location, params = table.location or "", table.parameters
    layout = projected_layout(
        name,
        params,
        keys,
        location,
        predicate,
        now=now,
        key_types=key_types,
        more_than=_BULK_LISTING,
    )
    if layout is not None:
        return _list_layout(layout, lister)
    found = project(name, params, keys, location, predicate, now=now, key_types=key_types)
    return _list_candidates([(p.values, p.location) for p in found], lister)


def _default_location(table: CatalogTable, keys: Sequence[str], values: Sequence[str]) -> str:
    base = (table.location or "").rstrip("/")
    return base + "/" + "/".join(f"{k}={v}" for k, v in zip(keys, values, strict=True)) + "/"


def _list_candidates(
    candidates: list[tuple[tuple[str, ...], str]], lister: Lister
) -> list[tuple[tuple[str, ...], list[ScanFile]]]:
    if len(candidates) <= _BULK_LISTING:
        groups = [(values, lister.files(location)) for values, location in candidates]
        return [(v, files) for v, files in groups if files]
    wanted = {_slash(loc): values for values, loc in candidates}
    common = _common_prefix(list(wanted))
    by_location: dict[str, list[ScanFile]] = {}
    for f in lister.files(common):
        location = _owner(f.uri, wanted)
        if location is not None:
            by_location.setdefault(location, []).append(f)
    return [(wanted[loc], by_location[loc]) for loc in wanted if loc in by_location]


def _list_layout(
    layout: ProjectedLayout, lister: Lister
) -> list[tuple[tuple[str, ...], list[ScanFile]]]:
    """Many projected candidates: one listing of their common prefix, each file matched
    to its candidate, groups in projection order (what :func:`_list_candidates` returns
    for the enumerated candidates, without enumerating them)."""
    groups: dict[tuple[str, ...], list[ScanFile]] = {}
    for f in lister.files(layout.prefix):
        values = layout.match(f.uri)
        if values is not None:
            groups.setdefault(values, []).append(f)
    return sorted(groups.items(), key=lambda group: layout.order(group[0]))


def _slash(location: str) -> str:
    return location if location.endswith("/") else location + "/"


def _common_prefix(locations: list[str]) -> str:
    """The longest common prefix ending at a ``/``.

    >>> _common_prefix(["s3://b/t/y=1/m=2/", "s3://b/t/y=1/m=3/"])
    's3://b/t/y=1/'
    """
    first, last = min(locations), max(locations)
    i = 0
    while i < min(len(first), len(last)) and first[i] == last[i]:
        i += 1
    return first[: first.rfind("/", 0, i) + 1]


def _owner(uri: str, wanted: dict[str, tuple[str, ...]]) -> str | None:
    """The candidate location a file belongs to (the longest prefix that is one)."""
    cut = len(uri)
    while True:
        cut = uri.rfind("/", 0, cut)
        if cut < 0:
            return None
        if uri[: cut + 1] in wanted:
            return uri[: cut + 1]


# -- the DuckDB relation -----------------------------------------------------------------


def _paths(files: Sequence[ScanFile]) -> str:
    return quote_list(f.path for f in files)


def _is_string(hive_type: str) -> bool:
    return is_string_type(hive_type)


def _partition_value(value: str, hive_type: str) -> str:
    if _is_string(hive_type):
        return _literal(value)
    return f"TRY_CAST({_literal(value)} AS {to_duckdb(hive_type)})"


def orc_table(scan: TableScan) -> Any:
    """An ORC table's rows as one Arrow table, partition values as string columns.

    pyarrow reads ORC; DuckDB would need an extension it cannot download offline.
    Columns match the table's by name, case-insensitively; missing ones are NULL.
    """
    import pyarrow as pa  # type: ignore[import-untyped]
    from pyarrow import orc

    names = [c.name for c in scan.table.columns]
    keys = [k.name for k in scan.table.partition_keys]
    parts = []
    for values, files in scan.groups:
        for f in files:
            data = orc.read_table(f.path)
            found = {n.lower(): n for n in data.column_names}
            arrays = [
                data.column(found[n]) if n in found else pa.nulls(data.num_rows) for n in names
            ]
            arrays += [pa.array([v] * data.num_rows, pa.string()) for v in values]
            parts.append(pa.table(arrays, names=names + keys))
    return pa.concat_tables(parts, promote_options="permissive")


def relation_sql(
    scan: TableScan, mirror: HiveMirror | None = None, arrow_name: str | None = None
) -> str:
    """SQL for one table's rows: its files, columns and partition values.

    >>> from lakestack.sql import formats
    >>> t = CatalogTable("d", "t", [], [], serde_library=formats.PARQUET_SERDE)
    >>> from lakestack.services.athena.ports import CatalogColumn
    >>> t.columns = [CatalogColumn("a", "int")]; t.partition_keys = [CatalogColumn("m", "string")]
    >>> print(relation_sql(TableScan(t, "parquet", [(("07",), [ScanFile("s3://b/k", "/p", 1)])])))
    SELECT "a", '07' AS "m" FROM read_parquet(['/p'], binary_as_string=true)
    >>> print(relation_sql(TableScan(t, "parquet", [])))
    SELECT CAST(NULL AS INTEGER) AS "a", CAST(NULL AS VARCHAR) AS "m" WHERE false
    """
    table = scan.table
    if not scan.groups:
        cols = [*table.columns, *table.partition_keys]
        return (
            "SELECT "
            + ", ".join(f"CAST(NULL AS {to_duckdb(c.type)}) AS {_ident(c.name)}" for c in cols)
            + " WHERE false"
        )
    if arrow_name is not None:  # rows already in an Arrow table (ORC)
        keys = [
            _cast_key(_ident(k.name), k.type) + f" AS {_ident(k.name)}"
            for k in table.partition_keys
        ]
        return f"SELECT {', '.join(_data_columns(scan) + keys)} FROM {_ident(arrow_name)}"
    if len(scan.groups) > 1:
        return _hive(scan, mirror) or _joined(scan)
    values, files = scan.groups[0]
    projections = _data_columns(scan)
    projections += [
        f"{_partition_value(v, c.type)} AS {_ident(c.name)}"
        for v, c in zip(values, table.partition_keys, strict=True)
    ]
    return f"SELECT {', '.join(projections)} FROM {_reader(scan, files)}"


def _hive(scan: TableScan, mirror: HiveMirror | None) -> str | None:
    """Many partitions read through a Hive-style tree of links: DuckDB fills in each
    file's partition values as constants (as fast as a plain scan). None when the
    mirror cannot name the partitions (odd characters) or there is none."""
    if mirror is None or scan.kind not in ("parquet", "json", "csv", "opencsv"):
        return None
    keys = scan.table.partition_keys
    paths = mirror.paths(
        [k.name for k in keys], [(values, [f.path for f in files]) for values, files in scan.groups]
    )
    if paths is None:
        return None
    links = [ScanFile(f.uri, p, f.size) for f, p in zip(scan.files, paths, strict=True)]
    types = ", ".join(f"{_literal(k.name)}: {_literal(to_duckdb(k.type))}" for k in keys)
    hive = f", hive_partitioning=true, hive_types={{{types}}}, hive_types_autocast=false"
    reader = _reader(scan, links)[:-1] + hive + ")"
    names = [_ident(k.name) for k in keys]
    return f"SELECT {', '.join(_data_columns(scan) + names)} FROM {reader}"


def _joined(scan: TableScan) -> str:
    """Many partitions: one reader over every file, partition values joined by file name.

    A UNION ALL of one reader per partition costs ~3x a single scan on DuckDB 2.0; the
    join with a small VALUES list of (file, values) stays within ~10% of it.
    """
    keys = scan.table.partition_keys
    files = scan.files
    rows = ", ".join(
        "(" + ", ".join([_literal(f.path), *(_literal(v) for v in values)]) + ")"
        for values, group in scan.groups
        for f in group
    )
    names = ", ".join([_FILE_COLUMN, *(_ident(f"__p{i}") for i in range(len(keys)))])
    data = ", ".join(_data_columns(scan, prefix="d."))
    parts = ", ".join(
        f"{_cast_key(f'm.__p{i}', c.type)} AS {_ident(c.name)}" for i, c in enumerate(keys)
    )
    return (
        f"SELECT {data}, {parts} FROM {_reader(scan, files, with_file=True)} AS d "
        f"JOIN (VALUES {rows}) AS m({names}) ON d.{_FILE_COLUMN} = m.{_FILE_COLUMN}"
    )


def _cast_key(ref: str, hive_type: str) -> str:
    return ref if _is_string(hive_type) else f"TRY_CAST({ref} AS {to_duckdb(hive_type)})"


def _data_columns(scan: TableScan, prefix: str = "") -> list[str]:
    """The table's data columns as read from its files (text columns cast to their type).

    Parquet is read by column name, as Athena does: a catalog column no file has is
    NULL (a table whose writer dropped a column still answers)."""
    if scan.kind == "parquet":
        present, _ = parquet_columns(scan.files)
        return [
            f"{prefix}{_ident(c.name)}"
            if present is None or c.name.lower() in present
            else f"CAST(NULL AS {to_duckdb(c.type)}) AS {_ident(c.name)}"
            for c in scan.table.columns
        ]
    if scan.kind in ("csv", "opencsv"):
        return [
            f"{prefix}{_ident(c.name)}"
            if _is_string(c.type)
            else f"TRY_CAST({prefix}{_ident(c.name)} AS {to_duckdb(c.type)}) AS {_ident(c.name)}"
            for c in scan.table.columns
        ]
    if scan.kind == "json":
        keys = json_keys(scan)
        return [
            f"{prefix}{_ident(keys[c.name])}"
            + ("" if keys[c.name] == c.name else f" AS {_ident(c.name)}")
            for c in scan.table.columns
        ]
    return [f"{prefix}{_ident(c.name)}" for c in scan.table.columns]


_JSON_KEYS: dict[str, tuple[str, ...]] = {}
_JSON_SAMPLE_BYTES = 64 * 1024


def json_keys(scan: TableScan) -> dict[str, str]:
    """Each catalog column's key as the files spell it: Hive's JSON SerDes (Athena's)
    match keys case-insensitively, DuckDB's reader does not. Taken from the top-level
    keys of each file's first 64 KiB (read once per file: blob files never change)."""
    import json

    spelled: dict[str, str] = {}
    for f in scan.files:
        if f.path not in _JSON_KEYS:
            found: dict[str, None] = {}
            try:
                with open(f.path, "rb") as handle:
                    head = handle.read(_JSON_SAMPLE_BYTES)
            except OSError:
                head = b""
            for line in head.splitlines()[:-1] or head.splitlines():
                try:
                    record = json.loads(line)
                except ValueError:
                    continue
                if isinstance(record, dict):
                    found.update(dict.fromkeys(k for k in record if isinstance(k, str)))
            _JSON_KEYS[f.path] = tuple(found)
        for key in _JSON_KEYS[f.path]:
            spelled.setdefault(key.lower(), key)
    return {c.name: spelled.get(c.name.lower(), c.name) for c in scan.table.columns}


_PARQUET_NAMES: dict[str, frozenset[str] | None] = {}


def parquet_columns(files: Sequence[ScanFile]) -> tuple[frozenset[str] | None, bool]:
    """The lower-cased column names the files have between them (None when no footer is
    readable: DuckDB will report why), and whether every file has the same ones. Footers
    are read once per file: blob files never change."""
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    seen: set[frozenset[str]] = set()
    for f in files:
        if f.path not in _PARQUET_NAMES:
            try:
                names = frozenset(n.lower() for n in pq.read_schema(f.path).names)
            except (OSError, ValueError):
                names = None
            _PARQUET_NAMES[f.path] = names
        found = _PARQUET_NAMES[f.path]
        if found is not None:
            seen.add(found)
    if not seen:
        return None, True
    return frozenset().union(*seen), len(seen) == 1


def _reader(scan: TableScan, files: Sequence[ScanFile], with_file: bool = False) -> str:
    table = scan.table
    extra = f", filename={_literal(_FILE_COLUMN[1:-1])}" if with_file else ""
    if scan.kind == "parquet":
        _, uniform = parquet_columns(files)
        union = "" if uniform else ", union_by_name=true"
        return f"read_parquet({_paths(files)}, binary_as_string=true{union}{extra})"
    if scan.kind == "json":
        keys = json_keys(scan)
        columns = ", ".join(
            f"{_literal(keys[c.name])}: {_literal(to_duckdb(c.type))}" for c in table.columns
        )
        return (
            f"read_json({_paths(files)}, format='newline_delimited', "
            f"columns={{{columns}}}, ignore_errors=true{extra})"
        )
    if scan.kind in ("csv", "opencsv"):
        return _csv_reader(table, files, opencsv=scan.kind == "opencsv")[:-1] + extra + ")"
    raise QueryFailed(
        f"Table {table.database}.{table.name} is stored as {scan.kind}, "
        "which lakestack cannot read",
        code="NOT_SUPPORTED",
    )


def _csv_reader(table: CatalogTable, files: Sequence[ScanFile], *, opencsv: bool) -> str:
    params = table.serde_parameters
    if opencsv:
        delim = params.get("separatorChar", ",")
        quote = params.get("quoteChar", '"')
        escape = params.get("escapeChar", "\\")
    else:
        delim = params.get("field.delim", params.get("serialization.format", "\x01"))
        if delim == "1" and "field.delim" not in params:
            delim = "\x01"
        quote, escape = "", params.get("escape.delim", "")
    skip = table.parameters.get("skip.header.line.count", "0").strip() or "0"
    if not skip.isdigit() or len(skip) > 9:
        raise QueryFailed(
            f"Invalid value for table property skip.header.line.count: {skip}",
            code="HIVE_INVALID_METADATA",
        )
    null = params.get("serialization.null.format", "\\N")
    columns = ", ".join(f"{_literal(c.name)}: 'VARCHAR'" for c in table.columns)
    return (
        f"read_csv({_paths(files)}, delim={_literal(delim)}, quote={_literal(quote)}, "
        f"escape={_literal(escape)}, header=false, skip={int(skip)}, "
        f"nullstr={_literal(null)}, columns={{{columns}}}, auto_detect=false, "
        "null_padding=true, strict_mode=false)"
    )
