"""Which S3 folders a Glue crawler makes tables and which partitions, and the catalog
definitions it writes for them.

Pure functions over keys and :class:`FileSchema`s: no catalog, no S3 engine, no clock.
Tables and partitions follow "How does a crawler determine when to create partitions?"
(https://docs.aws.amazon.com/glue/latest/dg/crawler-s3-folder-table-partition.html): a
folder is a table when every file below it has one format, sits at the same depth and the
majority of its members (sub-folders and files) have similar schemas; the folders below it
are partitions, keyed by the ``k`` of Hive-style ``k=v`` names, else ``partition_0``,
``partition_1`` ... Otherwise each sub-folder is tried as a table, and a file directly in a
folder that is no table becomes a table of its own. Table names are folder names with
every character but ``[a-z0-9_]`` made ``_`` (``year=2017`` -> ``year_2017``).
"""

from __future__ import annotations

import copy
import dataclasses
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from lakestack.services.glue.crawler_infer import FileSchema, HiveType, merge_fields, similar
from lakestack.services.glue.models import (
    Column,
    SerDeInfo,
    StorageDescriptor,
    TableInput,
)
from lakestack.sql import formats

_NAME_CHARS = re.compile(r"[^a-z0-9_]")


# -- exclusions --------------------------------------------------------------------------


def glob_regex(pattern: str) -> str:
    """A Glue exclude pattern as a regex over keys relative to the include path: ``*`` stays
    in a folder, ``**`` crosses folders, ``?``, ``[..]``/``[!..]`` and ``{a,b}`` as in globs.

    >>> glob_regex("part*"), glob_regex("year=2025/**"), glob_regex("{a,b}?")
    ('part[^/]*', 'year=2025/.*', '(?:a|b)[^/]')
    """
    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "\\" and i + 1 < len(pattern):
            i += 1
            out.append(re.escape(pattern[i]))
        elif c == "[" and "]" in pattern[i + 1 :]:
            end = pattern.index("]", i + 2 if pattern[i + 1 : i + 2] == "!" else i + 1)
            body = pattern[i + 1 : end]
            out.append("[" + ("^" + body[1:] if body.startswith("!") else body) + "]")
            i = end
        elif c == "{" and "}" in pattern[i:]:
            end = pattern.index("}", i)
            parts = pattern[i + 1 : end].split(",")
            out.append("(?:" + "|".join(glob_regex(p) for p in parts) + ")")
            i = end
        else:
            out.append(re.escape(c))
        i += 1
    return "".join(out)


def excluder(patterns: Sequence[str] | None) -> Callable[[str], bool]:
    """A test of relative keys against a target's ``Exclusions``."""
    compiled = [re.compile(glob_regex(p)) for p in patterns or ()]
    return lambda rel: any(p.fullmatch(rel) for p in compiled)


# -- tables and partitions ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FoundFile:
    """A classified object: its key relative to the include path, size and schema."""

    rel: str
    size: int
    schema: FileSchema

    @property
    def folders(self) -> tuple[str, ...]:
        return tuple(self.rel.split("/")[:-1])


@dataclass(slots=True)
class TablePlan:
    """One table a crawl found: where, what format, its columns and partitions."""

    name: str
    location: str
    schema: FileSchema
    columns: list[tuple[str, str]]
    partition_keys: list[str] = field(default_factory=list)
    partitions: list[tuple[tuple[str, ...], str]] = field(default_factory=list)
    object_count: int = 0
    size: int = 0


def table_name(raw: str) -> str:
    """A folder or file name as the crawler names its table.

    >>> table_name("Year=2017"), table_name("my-data.v2")
    ('year_2017', 'my_data_v2')
    """
    return _NAME_CHARS.sub("_", raw.lower())


@dataclass
class _Node:
    segs: tuple[str, ...]
    files: list[FoundFile] = field(default_factory=list)
    children: dict[str, _Node] = field(default_factory=dict)

    def all_files(self) -> list[FoundFile]:
        return [*self.files, *(f for c in self.children.values() for f in c.all_files())]


def plan_tables(
    bucket: str,
    prefix: str,
    files: Sequence[FoundFile],
    *,
    combine: bool = False,
    table_level: int | None = None,
) -> list[TablePlan]:
    """The tables under ``s3://bucket/prefix`` (``prefix`` empty or ending in ``/``).

    Args:
        combine: the crawler's ``CombineCompatibleSchemas`` grouping: the include path is
            one table whenever its files share a format and depth.
        table_level: the crawler's ``TableLevelConfiguration``: tables sit at this absolute
            folder level (1 = a top-level folder of the bucket).
    """
    root = _Node(())
    for f in sorted(files, key=lambda f: f.rel):
        node = root
        for seg in f.folders:
            node = node.children.setdefault(seg, _Node((*node.segs, seg)))
        node.files.append(f)
    base = f"s3://{bucket}/{prefix}"
    own_name = prefix.rstrip("/").rsplit("/", 1)[-1] or bucket
    plans: list[TablePlan] = []
    if table_level is None:
        _decide(root, base, own_name, plans, combine=combine)
    else:
        include_level = len(prefix.rstrip("/").split("/")) if prefix else 0
        _at_level(root, max(table_level - include_level, 0), base, own_name, plans)
    return plans


def _at_level(node: _Node, depth: int, base: str, own_name: str, plans: list[TablePlan]) -> None:
    """Tables forced at ``depth`` folders below ``node``; files above it are tables alone."""
    if depth == 0:
        _decide(node, base, own_name, plans, force=True)
        return
    for f in node.files:
        plans.append(_single(f, base))
    for child in node.children.values():
        _at_level(child, depth - 1, base, own_name, plans)


def _decide(
    node: _Node,
    base: str,
    own_name: str,
    plans: list[TablePlan],
    *,
    force: bool = False,
    combine: bool = False,
) -> None:
    files = node.all_files()
    if not files:
        return
    same_format = len({f.schema.format_key for f in files}) == 1
    same_depth = len({len(f.folders) for f in files}) == 1
    if same_format and same_depth and (force or combine or _mostly_similar(node)):
        name = own_name if not node.segs else node.segs[-1]
        plans.append(_plan(table_name(name), base + "".join(s + "/" for s in node.segs), node))
        return
    for f in node.files:
        plans.append(_single(f, base))
    for child in node.children.values():
        _decide(child, base, own_name, plans)


def _single(f: FoundFile, base: str) -> TablePlan:
    """A file that belongs to no folder table: a table of its own, located at the file."""
    return _plan(table_name(f.rel.rsplit("/", 1)[-1]), base + f.rel, _Node(f.folders, [f]))


def _mostly_similar(node: _Node) -> bool:
    """Whether most members of a folder (its sub-folders and files) share one schema."""
    members = [
        frozenset(n for f in c.all_files() for n in f.schema.names) for c in node.children.values()
    ]
    members += [f.schema.names for f in node.files]
    best = max(sum(similar(m, other) for other in members) for m in members)
    return best * 2 > len(members)


def _plan(name: str, location: str, node: _Node) -> TablePlan:
    files = node.all_files()
    depth = len(files[0].folders) - len(node.segs)
    levels = [[f.folders[len(node.segs) + i] for f in files] for i in range(depth)]
    keys = [_partition_key(i, segs) for i, segs in enumerate(levels)]
    hive = [k != f"partition_{i}" for i, k in enumerate(keys)]
    fields: list[tuple[str, HiveType]] = []
    for f in files:
        fields = merge_fields(fields, f.schema.columns)
    columns = [(n, str(t)) for n, t in fields if n not in keys]
    schema = replace(files[0].schema, quoted=any(f.schema.quoted for f in files))
    partitions: dict[tuple[str, ...], str] = {}
    for f in files:
        segs = f.folders[len(node.segs) :]
        values = tuple(s.partition("=")[2] if hive[i] else s for i, s in enumerate(segs))
        partitions.setdefault(values, location + "".join(s + "/" for s in segs))
    return TablePlan(
        name,
        location,
        schema,
        columns,
        keys,
        sorted(partitions.items()) if depth else [],
        len(files),
        sum(f.size for f in files),
    )


def _partition_key(level: int, segs: Sequence[str]) -> str:
    """``k`` when every folder at this level is named ``k=...``, else ``partition_<level>``.

    >>> _partition_key(0, ["year=2025", "Year=2026"]), _partition_key(1, ["a", "b=1"])
    ('year', 'partition_1')
    """
    keys = {s.partition("=")[0].lower() if "=" in s else None for s in segs}
    if len(keys) == 1 and None not in keys:
        return table_name(keys.pop() or f"partition_{level}")
    return f"partition_{level}"


# -- the storage descriptor Glue writes ---------------------------------------------------------


def storage_format(schema: FileSchema, columns: Sequence[str]) -> formats.StorageFormat:
    """Input/output formats, SerDe and parameters the crawler sets for a format, as Athena
    reads them (``lakestack.sql.formats`` names).

    >>> storage_format(FileSchema("csv", (), "|", True), ["a"]).serde_parameters
    {'field.delim': '|'}
    """
    if schema.classification == "parquet":
        return formats.stored_as("PARQUET")
    text = (formats.TEXT_INPUT, formats.TEXT_OUTPUT)
    if schema.classification == "json":
        return formats.StorageFormat(
            *text, formats.OPENX_JSON, {"paths": ",".join(columns)}, "json"
        )
    if schema.quoted:
        params = {"separatorChar": schema.delimiter or ",", "quoteChar": '"', "escapeChar": "\\"}
        return formats.StorageFormat(*text, formats.OPEN_CSV, params, "csv")
    return formats.StorageFormat(
        *text, formats.LAZY_SIMPLE, {"field.delim": schema.delimiter or ","}, "csv"
    )


def table_parameters(schema: FileSchema) -> dict[str, str]:
    """The table parameters a crawler sets for a format (besides its bookkeeping).

    >>> table_parameters(FileSchema("csv", (), ",", True))["skip.header.line.count"]
    '1'
    """
    params = {
        "classification": schema.classification,
        "compressionType": "none",
        "typeOfData": "file",
    }
    if schema.classification == "csv":
        params |= {
            "delimiter": schema.delimiter or ",",
            "columnsOrdered": "true",
            "areColumnsQuoted": str(schema.quoted).lower(),
        }
        if schema.header:
            params["skip.header.line.count"] = "1"
    return params


def split_path(path: str) -> tuple[str, str]:
    """An S3 target path as (bucket, prefix ending in ``/`` or empty).

    >>> split_path("s3://lake/raw/events"), split_path("s3://lake")
    (('lake', 'raw/events/'), ('lake', ''))
    """
    bucket, _, key = path.removeprefix("s3://").partition("/")
    key = key.lstrip("/")
    return bucket, key if not key or key.endswith("/") else key + "/"


def readable(rel: str) -> bool:
    """Crawlers (like Athena) skip hidden files (``_SUCCESS``, ``.crc``) and folder markers."""
    if not rel or rel.endswith("/") or rel.endswith("_$folder$"):
        return False
    return not any(part.startswith(("_", ".")) for part in rel.split("/"))


def grouping(configuration: str | None) -> tuple[bool, int | None]:
    """(CombineCompatibleSchemas?, TableLevelConfiguration) from a crawler's Configuration.

    >>> grouping('{"Version": 1.0, "Grouping": {"TableLevelConfiguration": 2}}')
    (False, 2)
    """
    group = (json.loads(configuration) if configuration else {}).get("Grouping") or {}
    level = group.get("TableLevelConfiguration")
    combine = group.get("TableGroupingPolicy") == "CombineCompatibleSchemas"
    return combine, int(level) if level else None


def table_input(crawler: str, name: str, plan: TablePlan) -> TableInput:
    """The table a crawler writes for a plan (TableType EXTERNAL_TABLE, keys as strings)."""
    fmt = storage_format(plan.schema, [c for c, _ in plan.columns])
    params = {
        **table_parameters(plan.schema),
        "UPDATED_BY_CRAWLER": crawler,
        "CrawlerSchemaDeserializerVersion": "1.0",
        "CrawlerSchemaSerializerVersion": "1.0",
        "objectCount": str(plan.object_count),
        "sizeKey": str(plan.size),
    }
    sd = StorageDescriptor(
        columns=[Column(n, t) for n, t in plan.columns],
        location=plan.location,
        input_format=fmt.input_format,
        output_format=fmt.output_format,
        compressed=False,
        number_of_buckets=-1,
        serde_info=SerDeInfo(
            serialization_library=fmt.serde_library, parameters=dict(fmt.serde_parameters)
        ),
        bucket_columns=[],
        sort_columns=[],
        parameters=dict(params),
        stored_as_sub_directories=False,
    )
    return TableInput(
        name,
        owner="owner",
        retention=0,
        storage_descriptor=sd,
        partition_keys=[Column(k, "string") for k in plan.partition_keys],
        table_type="EXTERNAL_TABLE",
        parameters=params,
    )


def location_of(t: TableInput) -> str:
    """A table's location, ending in ``/`` (as targets and plans compare them).

    >>> location_of(TableInput("t", storage_descriptor=StorageDescriptor(location="s3://b/k")))
    's3://b/k/'
    """
    sd = t.storage_descriptor
    return ((sd.location or "") if sd else "").rstrip("/") + "/"


def located(sd: StorageDescriptor | None, location: str) -> StorageDescriptor:
    """A copy of the table's storage descriptor for a partition at ``location``."""
    return dataclasses.replace(copy.deepcopy(sd or StorageDescriptor()), location=location)


def differs(old: TableInput, new: TableInput) -> bool:
    """Whether a crawl changes a table's shape (columns, keys, format, location)."""

    def shape(t: TableInput) -> tuple[object, ...]:
        sd = t.storage_descriptor or StorageDescriptor()
        serde = sd.serde_info or SerDeInfo()
        return (
            [(c.name, c.type) for c in sd.columns or []],
            [(c.name, c.type) for c in t.partition_keys],
            sd.input_format,
            serde.serialization_library,
            serde.parameters or {},
            (sd.location or "").rstrip("/"),
        )

    return shape(old) != shape(new)
