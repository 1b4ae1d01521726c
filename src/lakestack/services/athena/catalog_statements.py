"""Athena DDL and utility statements executed against the Data Catalog.

CREATE/DROP DATABASE, CREATE EXTERNAL TABLE, DROP TABLE, CREATE/DROP VIEW, ALTER
TABLE ADD/DROP PARTITION and SET TBLPROPERTIES, MSCK REPAIR TABLE (lists the table
location through the object store and adds missing Hive-style ``k=v/`` partitions),
SHOW DATABASES/TABLES/VIEWS/PARTITIONS/COLUMNS/CREATE TABLE and DESCRIBE. DDL scans
nothing and costs nothing; its output is Athena's ``.txt`` result.

Failures are :class:`QueryFailed` with the Hive-style messages Athena shows for DDL
(``FAILED: SemanticException ...``). Views are stored as Athena stores them in Glue
(``/* Presto View: <base64 JSON> */``) so the Glue API and other clients see the same.

Must not know: HTTP, Glue's models, DuckDB.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from lakestack.core.errors import AwsError
from lakestack.services.athena.errors import QueryFailed
from lakestack.services.athena.models import ResultColumn
from lakestack.services.athena.ports import (
    Catalog,
    CatalogColumn,
    CatalogDatabase,
    CatalogPartition,
    CatalogTable,
)
from lakestack.services.athena.scan import Lister, split_uri
from lakestack.sql import statements as st
from lakestack.sql.types import from_engine_type

_NOT_FOUND = "EntityNotFoundException"
DEFAULT_DATABASE = "default"
_EXISTS = "AlreadyExistsException"
_VIEW_PREFIX = "/* Presto View: "
_VIEW_SUFFIX = " */"


@dataclass(slots=True)
class StatementResult:
    """What a statement produced: ``kind`` csv|txt|update, columns, rows, counts."""

    kind: str
    columns: list[ResultColumn] = field(default_factory=list)
    rows: list[list[str | None]] = field(default_factory=list)
    update_count: int | None = None
    scanned: int = 0
    manifest: list[str] | None = None
    input_rows: int = 0


def _txt(name: str, rows: Sequence[Sequence[str]]) -> StatementResult:
    names = name.split(",")
    return StatementResult(
        "txt", [ResultColumn(n, "varchar") for n in names], [list(r) for r in rows]
    )


def ddl_failed(text: str) -> QueryFailed:
    """A DDL failure as Athena words it.

    >>> ddl_failed("SemanticException [Error 10001]: Table not found db.t").reason
    'FAILED: SemanticException [Error 10001]: Table not found db.t'
    """
    return QueryFailed(text, code="HIVE_DDL_ERROR", reason=f"FAILED: {text}")


def encode_view(sql: str, database: str, columns: Sequence[tuple[str, str]]) -> str:
    """The ``ViewOriginalText`` Athena stores for a view.

    >>> decode_view(encode_view("SELECT 1 AS a", "db", [("a", "integer")]))
    'SELECT 1 AS a'
    """
    body = {
        "originalSql": sql,
        "catalog": "awsdatacatalog",
        "schema": database,
        "columns": [{"name": n, "type": t} for n, t in columns],
    }
    payload = base64.b64encode(json.dumps(body).encode()).decode()
    return f"{_VIEW_PREFIX}{payload}{_VIEW_SUFFIX}"


def decode_view(text: str | None) -> str:
    """The SQL of a stored view (Athena's Presto view or plain ``ViewOriginalText``)."""
    text = (text or "").strip()
    if text.startswith(_VIEW_PREFIX) and text.endswith(_VIEW_SUFFIX):
        payload = text[len(_VIEW_PREFIX) : -len(_VIEW_SUFFIX)]
        return str(json.loads(base64.b64decode(payload))["originalSql"])
    return text


def _hive_type(athena_type: str) -> str:
    """The Hive type Glue stores for an Athena (Trino) type.

    >>> _hive_type("varchar"), _hive_type("integer"), _hive_type("array(varchar)")
    ('string', 'int', 'array<string>')
    >>> _hive_type("row(a timestamp(3), b map(varchar, real))"), _hive_type("unknown")
    ('struct<a:timestamp,b:map<string,float>>', 'string')
    """
    return str(from_engine_type(athena_type, "trino"))


hive_type = _hive_type


class CatalogStatements:
    """Runs one parsed DDL/utility statement for one caller."""

    def __init__(
        self, catalog: Catalog, account: str, region: str, database: str, lister: Lister
    ) -> None:
        self._catalog = catalog
        self._account = account
        self._region = region
        self._database = database
        self._lister = lister

    def run(self, statement: st.Statement) -> StatementResult:
        handler: Callable[[CatalogStatements, st.Statement], StatementResult] = _HANDLERS[
            type(statement)
        ]
        return handler(self, statement)

    # -- catalog access with Hive's messages ------------------------------------------

    def _db(self, name: str) -> CatalogDatabase:
        try:
            return self._catalog.get_database(self._account, self._region, name)
        except AwsError as err:
            if err.code == _NOT_FOUND and name == DEFAULT_DATABASE:
                # Athena's catalog always has ``default``; Glue makes it on first use.
                default = CatalogDatabase(DEFAULT_DATABASE, "Default Hive database")
                self._catalog.create_database(self._account, self._region, default)
                return default
            if err.code == _NOT_FOUND:
                raise ddl_failed(
                    f"SemanticException [Error 10072]: Database does not exist: {name}"
                ) from err
            raise

    def table(self, name: st.TableName) -> CatalogTable:
        database, table = name.qualified(self._database)
        self._db(database)
        try:
            return self._catalog.get_table(self._account, self._region, database, table)
        except AwsError as err:
            if err.code == _NOT_FOUND:
                raise ddl_failed(
                    f"SemanticException [Error 10001]: Table not found {database}.{table}"
                ) from err
            raise

    def _exists(self, database: str, table: str) -> bool:
        try:
            self._catalog.get_table(self._account, self._region, database, table)
            return True
        except AwsError as err:
            if err.code == _NOT_FOUND:
                return False
            raise

    def create_table(self, table: CatalogTable, if_not_exists: bool) -> None:
        self._db(table.database)
        try:
            self._catalog.create_table(self._account, self._region, table)
        except AwsError as err:
            if err.code == _EXISTS and if_not_exists:
                return
            if err.code == _EXISTS:
                raise ddl_failed(
                    f"AlreadyExistsException(message:Table {table.name} already exists)"
                ) from err
            raise

    # -- databases ------------------------------------------------------------------------

    def _create_database(self, s: st.CreateDatabase) -> StatementResult:
        try:
            self._catalog.create_database(
                self._account,
                self._region,
                CatalogDatabase(s.name, s.comment, s.location, dict(s.properties)),
            )
        except AwsError as err:
            if err.code != _EXISTS:
                raise
            if not s.if_not_exists:
                raise ddl_failed(
                    f"AlreadyExistsException(message:Database {s.name} already exists)"
                ) from err
        return StatementResult("txt")

    def _drop_database(self, s: st.DropDatabase) -> StatementResult:
        try:
            self._catalog.get_database(self._account, self._region, s.name)
        except AwsError as err:
            if err.code == _NOT_FOUND and s.if_exists:
                return StatementResult("txt")
            if err.code == _NOT_FOUND:
                raise ddl_failed(
                    f"SemanticException [Error 10072]: Database does not exist: {s.name}"
                ) from err
            raise
        tables = self._catalog.list_tables(self._account, self._region, s.name)
        if tables and not s.cascade:
            raise ddl_failed(
                f"InvalidOperationException(message:Database {s.name} is not "
                "empty. One or more tables exist.)"
            )
        for t in tables:
            self._catalog.delete_table(self._account, self._region, s.name, t.name)
        self._catalog.delete_database(self._account, self._region, s.name)
        return StatementResult("txt")

    # -- tables and views ---------------------------------------------------------------

    def _create_table(self, s: st.CreateTable) -> StatementResult:
        database, name = s.table.qualified(self._database)
        if s.location is not None:
            split_uri(s.location)
        table = CatalogTable(
            database,
            name,
            [CatalogColumn(c.name, c.type, c.comment) for c in s.columns],
            [CatalogColumn(c.name, c.type, c.comment) for c in s.partition_keys],
            s.location,
            s.storage.input_format,
            s.storage.output_format,
            s.storage.serde_library,
            dict(s.storage.serde_parameters),
            dict(s.parameters),
            s.table_type,
            description=s.comment,
        )
        self.create_table(table, s.if_not_exists)
        return StatementResult("txt")

    def _drop_table(self, s: st.DropTable | st.DropView) -> StatementResult:
        name = s.table if isinstance(s, st.DropTable) else s.view
        database, table = name.qualified(self._database)
        if not self._exists(database, table):
            if s.if_exists:
                return StatementResult("txt")
            kind = "Table" if isinstance(s, st.DropTable) else "View"
            raise ddl_failed(
                f"SemanticException [Error 10001]: {kind} not found {database}.{table}"
            )
        self._catalog.delete_table(self._account, self._region, database, table)
        return StatementResult("txt")

    def create_view(self, s: st.CreateView, columns: Sequence[tuple[str, str]]) -> None:
        database, name = s.view.qualified(self._database)
        self._db(database)
        view = CatalogTable(
            database,
            name,
            [CatalogColumn(n, _hive_type(t)) for n, t in columns],
            table_type="VIRTUAL_VIEW",
            parameters={"presto_view": "true", "comment": "Presto View"},
            view_original_text=encode_view(s.query, database, columns),
            view_expanded_text="/* Presto View */",
        )
        if self._exists(database, name):
            if not s.replace:
                raise ddl_failed(
                    f"AlreadyExistsException(message:View {database}.{name} already exists)"
                )
            self._catalog.update_table(self._account, self._region, view)
            return
        self._catalog.create_table(self._account, self._region, view)

    def _set_properties(self, s: st.SetTableProperties) -> StatementResult:
        t = self.table(s.table)
        t.parameters = {**t.parameters, **s.properties}
        self._catalog.update_table(self._account, self._region, t)
        return StatementResult("txt")

    # -- partitions -----------------------------------------------------------------------

    def _partition_values(self, t: CatalogTable, spec: st.PartitionSpec) -> list[str]:
        keys = [c.name for c in t.partition_keys]
        if not keys:
            raise ddl_failed(
                f"SemanticException [Error 10241]: Table is not partitioned but "
                f"partition spec exists: {spec.values}"
            )
        if sorted(spec.values) != sorted(keys):
            raise ddl_failed(f"SemanticException [Error 10006]: Partition not found {spec.values}")
        return [spec.values[k] for k in keys]

    def _add_partitions(self, s: st.AddPartitions) -> StatementResult:
        t = self.table(s.table)
        wanted = []
        for spec in s.partitions:
            values = self._partition_values(t, spec)
            location = spec.location or _hive_location(t, values)
            wanted.append(CatalogPartition(values, location))
        errors = self._catalog.create_partitions(self._account, self._region, t, wanted)
        failed = [values for values, code in errors if code != _EXISTS or not s.if_not_exists]
        if failed:
            raise ddl_failed(
                f"AlreadyExistsException(message:Partition already exists: "
                f"{_spec_text(t, failed[0])})"
            )
        return StatementResult("txt")

    def _drop_partitions(self, s: st.DropPartitions) -> StatementResult:
        t = self.table(s.table)
        values = [self._partition_values(t, spec) for spec in s.partitions]
        errors = self._catalog.delete_partitions(
            self._account, self._region, t.database, t.name, values
        )
        if errors and not s.if_exists:
            raise ddl_failed(
                f"SemanticException [Error 10006]: Partition not found "
                f"{_spec_text(t, errors[0][0])}"
            )
        return StatementResult("txt")

    def _repair(self, s: st.RepairTable) -> StatementResult:
        t = self.table(s.table)
        keys = [c.name for c in t.partition_keys]
        if not keys or not t.location:
            return StatementResult("txt")
        known = {
            tuple(p.values)
            for p in self._catalog.iter_partitions(self._account, self._region, t.database, t.name)
        }
        base = t.location if t.location.endswith("/") else t.location + "/"
        found: dict[tuple[str, ...], str] = {}
        for f in self._lister.files(base):
            values = _hive_values(f.uri[len(base) :], keys)
            if values is not None and values not in known and values not in found:
                found[values] = (
                    base + "/".join(f"{k}={v}" for k, v in zip(keys, values, strict=True)) + "/"
                )
        new = [CatalogPartition(list(v), loc) for v, loc in found.items()]
        for i in range(0, len(new), 100):
            self._catalog.create_partitions(self._account, self._region, t, new[i : i + 100])
        lines = [
            f"Partitions not in metastore:\t{t.name}:"
            + "/".join(f"{k}={v}" for k, v in zip(keys, values, strict=True))
            for values in found
        ]
        lines += [
            f"Repair: Added partition to metastore {t.name}:"
            + "/".join(f"{k}={v}" for k, v in zip(keys, values, strict=True))
            for values in found
        ]
        return _txt("result", [[line] for line in lines])

    # -- SHOW / DESCRIBE ------------------------------------------------------------------

    def _show_databases(self, s: st.ShowDatabases) -> StatementResult:
        names = sorted(d.name for d in self._catalog.list_databases(self._account, self._region))
        return _txt("database_name", [[n] for n in names if _like(s.like, n)])

    def _show_tables(self, s: st.ShowTables | st.ShowViews) -> StatementResult:
        database = s.database or self._database
        self._db(database)
        views_only = isinstance(s, st.ShowViews)
        tables = self._catalog.list_tables(self._account, self._region, database)
        names = sorted(t.name for t in tables if not views_only or t.is_view)
        return _txt(
            "views" if views_only else "tab_name", [[n] for n in names if _like(s.pattern, n)]
        )

    def _show_partitions(self, s: st.ShowPartitions) -> StatementResult:
        t = self.table(s.table)
        if not t.partition_keys:
            raise ddl_failed(
                f"SemanticException [Error 10241]: Table {t.name} is not a partitioned table"
            )
        keys = [c.name for c in t.partition_keys]
        rows = sorted(
            "/".join(f"{k}={v}" for k, v in zip(keys, p.values, strict=True))
            for p in self._catalog.iter_partitions(self._account, self._region, t.database, t.name)
        )
        return _txt("partition", [[r] for r in rows])

    def _show_columns(self, s: st.ShowColumns) -> StatementResult:
        t = self.table(s.table)
        return _txt("field", [[c.name] for c in (*t.columns, *t.partition_keys)])

    def _show_create(self, s: st.ShowCreateTable) -> StatementResult:
        t = self.table(s.table)
        return _txt("createtab_stmt", [[line] for line in show_create(t).split("\n")])

    def _describe(self, s: st.Describe) -> StatementResult:
        t = self.table(s.table)
        rows = [[c.name, c.type, c.comment or ""] for c in t.columns]
        if t.partition_keys:
            rows += [
                ["", "", ""],
                ["# Partition Information", "", ""],
                ["# col_name", "data_type", "comment"],
                ["", "", ""],
            ]
            rows += [[c.name, c.type, c.comment or ""] for c in t.partition_keys]
        return _txt("col_name,data_type,comment", rows)


def _like(pattern: str | None, name: str) -> bool:
    """Hive's SHOW pattern: ``*`` any run, ``|`` alternatives, case-insensitive.

    >>> _like("ev*|x", "events"), _like("ev*", "sales"), _like(None, "a")
    (True, False, True)
    """
    if not pattern:
        return True
    regex = "|".join(re.escape(p.strip()).replace(r"\*", ".*") for p in pattern.split("|"))
    return re.fullmatch(regex, name, re.IGNORECASE) is not None


def _hive_location(t: CatalogTable, values: Sequence[str]) -> str:
    base = (t.location or "").rstrip("/")
    return (
        base
        + "/"
        + "/".join(f"{c.name}={v}" for c, v in zip(t.partition_keys, values, strict=True))
        + "/"
    )


def _spec_text(t: CatalogTable, values: Sequence[str]) -> str:
    return (
        "{"
        + ", ".join(f"{c.name}={v}" for c, v in zip(t.partition_keys, values, strict=True))
        + "}"
    )


def _hive_values(relative: str, keys: Sequence[str]) -> tuple[str, ...] | None:
    """Partition values from a path below the table location, if Hive-style in key order.

    >>> _hive_values("year=2026/month=07/part-0.parquet", ["year", "month"])
    ('2026', '07')
    >>> _hive_values("2026/07/x", ["year", "month"]) is None
    True
    """
    parts = relative.split("/")
    if len(parts) <= len(keys):
        return None
    values = []
    for key, part in zip(keys, parts, strict=False):
        name, sep, value = part.partition("=")
        if not sep or name.lower() != key or not value or ":" in value:
            return None
        values.append(value)
    return tuple(values)


def show_create(t: CatalogTable) -> str:
    """``SHOW CREATE TABLE`` text for a table."""
    if t.is_view:
        return f"CREATE VIEW {t.database}.{t.name} AS\n{decode_view(t.view_original_text)}"
    cols = ",\n".join(
        f"  `{c.name}` {c.type}" + (f" COMMENT '{c.comment}'" if c.comment else "")
        for c in t.columns
    )
    lines = [f"CREATE EXTERNAL TABLE `{t.database}`.`{t.name}`(", cols + ")"]
    if t.partition_keys:
        parts = ",\n".join(f"  `{c.name}` {c.type}" for c in t.partition_keys)
        lines += ["PARTITIONED BY (", parts + ")"]
    lines += ["ROW FORMAT SERDE", f"  '{t.serde_library}'"]
    if t.serde_parameters:
        props = ",\n".join(f"  '{k}'='{v}'" for k, v in t.serde_parameters.items())
        lines += ["WITH SERDEPROPERTIES (", props + ")"]
    lines += [
        "STORED AS INPUTFORMAT",
        f"  '{t.input_format}'",
        "OUTPUTFORMAT",
        f"  '{t.output_format}'",
        "LOCATION",
        f"  '{t.location}'",
    ]
    if t.parameters:
        props = ",\n".join(f"  '{k}'='{v}'" for k, v in sorted(t.parameters.items()))
        lines += ["TBLPROPERTIES (", props + ")"]
    return "\n".join(lines)


_HANDLERS: dict[type, Callable[..., StatementResult]] = {
    st.CreateDatabase: CatalogStatements._create_database,
    st.DropDatabase: CatalogStatements._drop_database,
    st.CreateTable: CatalogStatements._create_table,
    st.DropTable: CatalogStatements._drop_table,
    st.DropView: CatalogStatements._drop_table,
    st.SetTableProperties: CatalogStatements._set_properties,
    st.AddPartitions: CatalogStatements._add_partitions,
    st.DropPartitions: CatalogStatements._drop_partitions,
    st.RepairTable: CatalogStatements._repair,
    st.ShowDatabases: CatalogStatements._show_databases,
    st.ShowTables: CatalogStatements._show_tables,
    st.ShowViews: CatalogStatements._show_tables,
    st.ShowPartitions: CatalogStatements._show_partitions,
    st.ShowColumns: CatalogStatements._show_columns,
    st.ShowCreateTable: CatalogStatements._show_create,
    st.Describe: CatalogStatements._describe,
}
