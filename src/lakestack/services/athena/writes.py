"""CTAS, INSERT INTO and UNLOAD: run the query on DuckDB into local files, store them
through the object store, register tables and partitions in the catalog, and list
every written object in the data manifest (``<id>-manifest.csv``, written by the
execution layer from :attr:`StatementResult.manifest`).

Formats: PARQUET (default for CTAS), JSON and TEXTFILE; ``write_compression`` GZIP
(Athena's default), SNAPPY, ZSTD or NONE. ``partitioned_by`` columns must come last,
as Athena requires. ORC and AVRO output need extensions DuckDB does not ship, so they
fail with NOT_SUPPORTED. ``bucketed_by`` is accepted and ignored (logged).

Must not know: HTTP, Glue's models, the execution lifecycle.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Sequence
from typing import TYPE_CHECKING
from urllib.parse import unquote

from lakestack.core.errors import AwsError, translating
from lakestack.core.storage.private import private_dir
from lakestack.services.athena.catalog_statements import (
    CatalogStatements,
    StatementResult,
)
from lakestack.services.athena.errors import ENGINE_ERRORS, QueryFailed
from lakestack.services.athena.ports import (
    CatalogColumn,
    CatalogPartition,
    CatalogTable,
)
from lakestack.services.athena.scan import split_uri, table_kind
from lakestack.sql import formats
from lakestack.sql import statements as st
from lakestack.sql.errors import TableNotFound
from lakestack.sql.projection import is_enabled
from lakestack.sql.quoting import quote_identifier, quote_literal
from lakestack.sql.types import from_engine_type, to_duckdb

if TYPE_CHECKING:
    from lakestack.services.athena.runner import Prepared, QueryRunner, RunContext

LOG = logging.getLogger(__name__)
_ERRORS = ENGINE_ERRORS
_COMPRESSION = {
    "GZIP": "gzip",
    "SNAPPY": "snappy",
    "ZSTD": "zstd",
    "NONE": "uncompressed",
    "UNCOMPRESSED": "uncompressed",
    "LZ4": "lz4_raw",
}
_STORED = {"PARQUET": "PARQUET", "JSON": "JSON", "TEXTFILE": "TEXTFILE"}


def run_write(
    runner: QueryRunner, ctx: RunContext, statement: st.CreateTableAs | st.InsertInto | st.Unload
) -> StatementResult:
    if isinstance(statement, st.CreateTableAs):
        return _ctas(runner, ctx, statement)
    if isinstance(statement, st.InsertInto):
        return _insert(runner, ctx, statement)
    return _unload(runner, ctx, statement)


def _option(props: dict[str, object], *names: str, default: str = "") -> str:
    for name in names:
        if name in props:
            return str(props[name])
    return default


def _partition_columns(props: dict[str, object]) -> list[str]:
    value = props.get("partitioned_by") or []
    return [str(c).lower() for c in value] if isinstance(value, list) else []


def _format(props: dict[str, object], default: str) -> tuple[str, str]:
    fmt = _option(props, "format", default=default).upper()
    if fmt not in _STORED:
        raise QueryFailed(
            f"Writing {fmt} is not supported by lakestack (PARQUET, JSON, TEXTFILE are)",
            code="NOT_SUPPORTED",
        )
    compression = _option(
        props, "write_compression", "parquet_compression", "compression", default="GZIP"
    ).upper()
    if compression not in _COMPRESSION:
        raise QueryFailed(f"Unsupported compression {compression}", code="INVALID_TABLE_PROPERTY")
    if "bucketed_by" in props:
        LOG.warning("bucketed_by is ignored by lakestack: %s", props["bucketed_by"])
    return fmt, compression


def _ensure_empty(runner: QueryRunner, ctx: RunContext, location: str, table: str) -> None:
    if runner.lister(ctx).files(location):
        raise QueryFailed(
            f"Target directory for table '{table}' already exists: {location}. You may need "
            f"to manually clean the data at location '{location}' before retrying. Athena "
            "will not delete data in your account.",
            code="HIVE_PATH_ALREADY_EXISTS",
        )


def _described(ctx: RunContext, sql: str) -> list[tuple[str, str]]:
    with translating(_ERRORS):
        rows = ctx.cursor.execute(f"DESCRIBE {sql}").fetchall()
    return [(str(r[0]), str(r[1])) for r in rows]


def _hive_of(duckdb_type: str) -> str:
    """The Hive type Glue stores for a DuckDB result type.

    >>> _hive_of("VARCHAR"), _hive_of("DECIMAL(10,2)"), _hive_of("BIGINT"), _hive_of("INTEGER[]")
    ('string', 'decimal(10,2)', 'bigint', 'array<int>')
    """
    return str(from_engine_type(duckdb_type, "duckdb"))


def _ctas(runner: QueryRunner, ctx: RunContext, s: st.CreateTableAs) -> StatementResult:
    database, name = s.table.qualified(ctx.database)
    statements = CatalogStatements(
        runner.catalog, ctx.account, ctx.region, ctx.database, runner.lister(ctx)
    )
    if _exists(runner, ctx, database, name):
        if s.if_not_exists:
            return StatementResult("update", update_count=0)
        raise QueryFailed(
            f"line 1:1: Destination table '{database}.{name}' already exists",
            code="TABLE_ALREADY_EXISTS",
        )
    fmt, compression = _format(s.properties, "PARQUET")
    partitioned = _partition_columns(s.properties)
    location = _option(s.properties, "external_location") or (
        f"{ctx.output_dir}tables/{ctx.query_id}/"
    )
    location = location if location.endswith("/") else location + "/"
    _ensure_empty(runner, ctx, location, f"{database}.{name}")
    prepared = runner.prepare(ctx, s.query)
    runner.check_cutoff(ctx, prepared)
    with runner.bound(ctx, prepared):
        described = _described(ctx, prepared.translated.sql)
        _check_partition_order([n for n, _ in described], partitioned)
        written, count, scanned = _write(
            runner,
            ctx,
            prepared,
            prepared.translated.sql,
            location,
            fmt,
            compression,
            partitioned,
            s.properties,
            with_data=s.with_data,
        )
    storage = formats.stored_as(fmt)
    columns = [CatalogColumn(n, _hive_of(t)) for n, t in described if n not in partitioned]
    keys = [CatalogColumn(n, _hive_of(t)) for n, t in described if n in partitioned]
    serde_params = dict(storage.serde_parameters)
    if fmt == "TEXTFILE":
        serde_params["field.delim"] = _option(s.properties, "field_delimiter", default="\x01")
    table = CatalogTable(
        database,
        name,
        columns,
        keys,
        location,
        storage.input_format,
        storage.output_format,
        storage.serde_library,
        serde_params,
        {"classification": (storage.classification or fmt.lower()), "has_encrypted_data": "false"},
        "EXTERNAL_TABLE",
    )
    statements.create_table(table, False)
    _register(runner, ctx, table, written)
    return StatementResult(
        "update", update_count=count, scanned=scanned, manifest=[uri for uri, _ in written]
    )


def _exists(runner: QueryRunner, ctx: RunContext, database: str, name: str) -> bool:
    try:
        runner.catalog.get_table(ctx.account, ctx.region, database, name)
        return True
    except AwsError as err:
        if err.code != "EntityNotFoundException":
            raise
        return False


def _insert(runner: QueryRunner, ctx: RunContext, s: st.InsertInto) -> StatementResult:
    database, name = s.table.qualified(ctx.database)
    try:
        table = runner.catalog.get_table(ctx.account, ctx.region, database, name)
    except AwsError as err:
        if err.code != "EntityNotFoundException":
            raise
        raise TableNotFound(f"Table 'awsdatacatalog.{database}.{name}' does not exist") from err
    kind = table_kind(table)
    fmt = {"parquet": "PARQUET", "json": "JSON", "csv": "TEXTFILE"}.get(kind)
    if fmt is None or not table.location:
        raise QueryFailed(
            f"Inserting into a {kind} table is not supported by lakestack", code="NOT_SUPPORTED"
        )
    target = [*table.columns, *table.partition_keys]
    if s.columns and [c.lower() for c in s.columns] != [c.name for c in target]:
        raise QueryFailed(
            "INSERT with a column list is supported only when it names every column in table order",
            code="NOT_SUPPORTED",
        )
    prepared = runner.prepare(ctx, s.query)
    runner.check_cutoff(ctx, prepared)
    with runner.bound(ctx, prepared):
        described = _described(ctx, prepared.translated.sql)
        if len(described) != len(target):
            raise QueryFailed(
                f"Insert query has mismatched column types: Table: "
                f"[{', '.join(c.type for c in target)}], Query: "
                f"[{', '.join(_hive_of(t) for _, t in described)}]",
                code="TYPE_MISMATCH",
            )
        aliases = ", ".join(f'"c{i}"' for i in range(len(target)))
        casts = ", ".join(
            f'CAST("c{i}" AS {to_duckdb(c.type)}) AS {quote_identifier(c.name)}'
            if c not in table.partition_keys
            else f'CAST("c{i}" AS VARCHAR) AS {quote_identifier(c.name)}'
            for i, c in enumerate(target)
        )
        sql = f"SELECT {casts} FROM ({prepared.translated.sql}) AS __q({aliases})"
        props: dict[str, object] = {
            "field_delimiter": table.serde_parameters.get("field.delim", "\x01")
        }
        keys = [c.name for c in table.partition_keys]
        written, count, scanned = _write(
            runner,
            ctx,
            prepared,
            sql,
            _slash(table.location),
            fmt,
            "GZIP",
            keys,
            props,
            with_data=True,
            template=table.parameters.get("storage.location.template"),
        )
    if not is_enabled(table.parameters):
        _register(runner, ctx, table, written)
    return StatementResult(
        "update", update_count=count, scanned=scanned, manifest=[uri for uri, _ in written]
    )


def _unload(runner: QueryRunner, ctx: RunContext, s: st.Unload) -> StatementResult:
    fmt, compression = _format(s.properties, "TEXTFILE")
    partitioned = _partition_columns(s.properties)
    location = _slash(s.location)
    _ensure_empty(runner, ctx, location, location)
    prepared = runner.prepare(ctx, s.query)
    runner.check_cutoff(ctx, prepared)
    with runner.bound(ctx, prepared):
        if partitioned:
            names = [n for n, _ in _described(ctx, prepared.translated.sql)]
            _check_partition_order(names, partitioned)
        written, count, scanned = _write(
            runner,
            ctx,
            prepared,
            prepared.translated.sql,
            location,
            fmt,
            compression,
            partitioned,
            s.properties,
            with_data=True,
        )
    return StatementResult(
        "update", update_count=count, scanned=scanned, manifest=[uri for uri, _ in written]
    )


def _check_partition_order(names: Sequence[str], partitioned: Sequence[str]) -> None:
    """``partitioned_by`` must name the query's last columns, in order (Athena's rule)."""
    if partitioned and list(names[-len(partitioned) :]) != list(partitioned):
        raise QueryFailed(
            f"Partition keys must be the last columns in the table and in the "
            f"same order as the table properties: {list(partitioned)}",
            code="HIVE_COLUMN_ORDER_MISMATCH",
        )


def _slash(location: str) -> str:
    return location if location.endswith("/") else location + "/"


def _write(
    runner: QueryRunner,
    ctx: RunContext,
    prepared: Prepared,
    sql: str,
    location: str,
    fmt: str,
    compression: str,
    partitioned: Sequence[str],
    props: dict[str, object],
    *,
    with_data: bool,
    template: str | None = None,
) -> tuple[list[tuple[str, tuple[str, ...]]], int, int]:
    """COPY the query into a temp dir and upload every file.

    Returns:
        ((uri, partition values) per object written, rows written, bytes scanned).
    """
    if not with_data:
        return [], 0, 0
    # DuckDB may write only inside the staging directory (see lakestack.sql.session).
    private_dir(runner.staging)
    tmp = tempfile.mkdtemp(prefix="query-", dir=runner.staging)
    try:
        target = tmp if partitioned else os.path.join(tmp, "data_0")
        options = _copy_options(fmt, compression, partitioned, props)
        with translating(_ERRORS):
            row = ctx.cursor.execute(
                f"COPY ({sql}) TO {quote_literal(target)} ({options})"
            ).fetchone()
        scanned, _ = runner.scanned(ctx, prepared)
        written = _upload(runner, ctx, tmp, location, fmt, compression, template)
        return written, int(row[0]) if row else 0, scanned
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _copy_options(
    fmt: str, compression: str, partitioned: Sequence[str], props: dict[str, object]
) -> str:
    options = [f"FORMAT {'CSV' if fmt == 'TEXTFILE' else fmt}"]
    if fmt == "PARQUET":
        options.append(f"COMPRESSION {_COMPRESSION[compression]}")
    elif compression == "GZIP":
        options.append("COMPRESSION gzip")
    if fmt == "TEXTFILE":
        delim = _option(props, "field_delimiter", default="\x01")
        options += [f"DELIMITER {quote_literal(delim)}", "HEADER false", "QUOTE ''"]
    if partitioned:
        options.append("PARTITION_BY (" + ", ".join(map(quote_identifier, partitioned)) + ")")
        options.append("OVERWRITE_OR_IGNORE")
    return ", ".join(options)


def _upload(
    runner: QueryRunner,
    ctx: RunContext,
    tmp: str,
    location: str,
    fmt: str,
    compression: str,
    template: str | None,
) -> list[tuple[str, tuple[str, ...]]]:
    ext = ".gz" if fmt != "PARQUET" and compression == "GZIP" else ""
    written: list[tuple[str, tuple[str, ...]]] = []
    n = 0
    for folder, _, names in sorted(os.walk(tmp)):
        relative = os.path.relpath(folder, tmp)
        parts = [] if relative == "." else relative.split(os.sep)
        pairs = [(k, unquote(v)) for k, _, v in (p.partition("=") for p in parts)]
        values = tuple(v for _, v in pairs)
        prefix = location + "".join(f"{k}={v}/" for k, v in pairs)
        if template and pairs:
            prefix = _slash(_fill(template, dict(pairs)))
        for _ in sorted(names):
            uri = f"{prefix}{ctx.query_id}_{n:05d}{ext}"
            bucket, key = split_uri(uri)
            with open(os.path.join(folder, _), "rb") as body:
                runner.objects.put_object(ctx.account, ctx.region, bucket, key, body)
            written.append((uri, values))
            n += 1
    return written


def _fill(template: str, values: dict[str, str]) -> str:
    """A ``storage.location.template`` with the values put in.

    >>> _fill("s3://b/t/${y}/x=${m}", {"y": "2026", "m": "07"})
    's3://b/t/2026/x=07'
    """
    out = template
    for key, value in values.items():
        out = out.replace("${" + key + "}", value)
    return out


def _register(
    runner: QueryRunner,
    ctx: RunContext,
    table: CatalogTable,
    written: Sequence[tuple[str, tuple[str, ...]]],
) -> None:
    """Register the partitions the files landed in (existing ones stay)."""
    if not table.partition_keys:
        return
    seen: dict[tuple[str, ...], str] = {}
    for uri, values in written:
        seen.setdefault(values, uri[: uri.rfind("/") + 1])
    partitions = [CatalogPartition(list(v), loc) for v, loc in seen.items()]
    for i in range(0, len(partitions), 100):
        runner.catalog.create_partitions(ctx.account, ctx.region, table, partitions[i : i + 100])
