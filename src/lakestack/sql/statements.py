"""Typed Athena statements: what :func:`lakestack.sql.ddl.parse_statement` returns.

Snake_case equivalents of what the Athena engine needs to act on the Glue
catalog (``CreateTable`` carries a ``TableInput``'s content) or to run a query
(``Query``, ``CreateTableAs``, ``InsertInto``, ``Unload`` keep their query
text for :func:`lakestack.sql.translate.translate`). Names are lower-case.

Must not know: parsing, the catalog store, DuckDB, HTTP.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lakestack.sql.formats import StorageFormat


@dataclass(frozen=True)
class TableName:
    """A table reference; ``database`` is None when the query context supplies it."""

    database: str | None
    name: str

    def qualified(self, default_database: str) -> tuple[str, str]:
        return (self.database or default_database, self.name)


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    comment: str | None = None


@dataclass(frozen=True)
class CreateDatabase:
    name: str
    if_not_exists: bool = False
    comment: str | None = None
    location: str | None = None
    properties: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class DropDatabase:
    name: str
    if_exists: bool = False
    cascade: bool = False


@dataclass(frozen=True)
class CreateTable:
    """``CREATE EXTERNAL TABLE``: everything Glue's ``TableInput`` needs."""

    table: TableName
    columns: tuple[Column, ...]
    partition_keys: tuple[Column, ...]
    location: str | None
    storage: StorageFormat
    parameters: dict[str, str]
    if_not_exists: bool = False
    comment: str | None = None
    bucket_columns: tuple[str, ...] = ()
    number_of_buckets: int = -1
    table_type: str = "EXTERNAL_TABLE"


@dataclass(frozen=True)
class DropTable:
    table: TableName
    if_exists: bool = False


@dataclass(frozen=True)
class PartitionSpec:
    """One ``PARTITION (k='v', ...)`` clause; values kept as written (``07`` stays ``07``)."""

    values: dict[str, str]
    location: str | None = None


@dataclass(frozen=True)
class AddPartitions:
    table: TableName
    partitions: tuple[PartitionSpec, ...]
    if_not_exists: bool = False


@dataclass(frozen=True)
class DropPartitions:
    table: TableName
    partitions: tuple[PartitionSpec, ...]
    if_exists: bool = False


@dataclass(frozen=True)
class SetTableProperties:
    table: TableName
    properties: dict[str, str]


@dataclass(frozen=True)
class RepairTable:
    table: TableName


@dataclass(frozen=True)
class ShowDatabases:
    like: str | None = None


@dataclass(frozen=True)
class ShowTables:
    database: str | None = None
    pattern: str | None = None


@dataclass(frozen=True)
class ShowPartitions:
    table: TableName


@dataclass(frozen=True)
class ShowColumns:
    table: TableName


@dataclass(frozen=True)
class ShowCreateTable:
    table: TableName


@dataclass(frozen=True)
class ShowViews:
    database: str | None = None
    pattern: str | None = None


@dataclass(frozen=True)
class Describe:
    table: TableName
    formatted: bool = False


@dataclass(frozen=True)
class CreateView:
    view: TableName
    query: str
    replace: bool = False


@dataclass(frozen=True)
class DropView:
    view: TableName
    if_exists: bool = False


@dataclass(frozen=True)
class CreateTableAs:
    """CTAS. ``properties`` are the ``WITH (...)`` options, values as Python values."""

    table: TableName
    query: str
    properties: dict[str, object] = field(default_factory=dict)
    if_not_exists: bool = False
    with_data: bool = True


@dataclass(frozen=True)
class InsertInto:
    table: TableName
    query: str
    columns: tuple[str, ...] = ()


@dataclass(frozen=True)
class Unload:
    query: str
    location: str
    properties: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Query:
    """A SELECT (or WITH / VALUES / EXPLAIN) statement, for :func:`translate`."""

    query: str


Statement = (
    CreateDatabase
    | DropDatabase
    | CreateTable
    | DropTable
    | AddPartitions
    | DropPartitions
    | SetTableProperties
    | RepairTable
    | ShowDatabases
    | ShowTables
    | ShowPartitions
    | ShowColumns
    | ShowCreateTable
    | ShowViews
    | Describe
    | CreateView
    | DropView
    | CreateTableAs
    | InsertInto
    | Unload
    | Query
)

DDL_TYPES = (
    CreateDatabase,
    DropDatabase,
    CreateTable,
    DropTable,
    AddPartitions,
    DropPartitions,
    SetTableProperties,
    RepairTable,
    CreateView,
    DropView,
)
UTILITY_TYPES = (
    ShowDatabases,
    ShowTables,
    ShowPartitions,
    ShowColumns,
    ShowCreateTable,
    ShowViews,
    Describe,
)


def statement_type(statement: Statement) -> str:
    """Athena's ``StatementType`` for a parsed statement: DDL, DML or UTILITY.

    >>> statement_type(ShowTables()), statement_type(Query("SELECT 1"))
    ('UTILITY', 'DML')
    """
    if isinstance(statement, DDL_TYPES):
        return "DDL"
    if isinstance(statement, UTILITY_TYPES):
        return "UTILITY"
    return "DML"
