"""What the Athena engine needs from other services, as small protocols that
``emulator.py`` satisfies: an :class:`ObjectStore` (the S3 engine, structurally) and a
:class:`Catalog` (the Glue Data Catalog, through an adapter the emulator builds).

The catalog speaks in the plain dataclasses below, so Athena never imports Glue's
models (STYLE §2). Catalog errors are ``AwsError``s whose ``code`` says what happened
(``EntityNotFoundException``, ``AlreadyExistsException``); the engine reads only the code.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from lakestack.core.objects import ObjectListing

# -- object store (S3) ----------------------------------------------------------------------


class ObjectRead(Protocol):
    @property
    def path(self) -> str: ...

    @property
    def length(self) -> int: ...


class Readable(Protocol):
    def read(self, n: int = -1, /) -> bytes: ...


class ObjectStore(Protocol):
    """The S3 engine's read/list/write calls Athena makes (same signatures)."""

    def list_objects_v2(
        self,
        account: str,
        region: str,
        bucket: str,
        *,
        prefix: str | None = None,
        delimiter: str | None = None,
        max_keys: int | None = None,
        continuation_token: str | None = None,
        start_after: str | None = None,
        encoding_type: str | None = None,
    ) -> ObjectListing: ...

    def get_object(self, account: str, region: str, bucket: str, key: str) -> ObjectRead: ...

    def put_object(
        self, account: str, region: str, bucket: str, key: str, body: Readable
    ) -> object: ...


# -- catalog (Glue) -------------------------------------------------------------------------


@dataclass(slots=True)
class CatalogColumn:
    name: str
    type: str
    comment: str | None = None


@dataclass(slots=True)
class CatalogDatabase:
    name: str
    description: str | None = None
    location: str | None = None
    parameters: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class CatalogTable:
    """A table or view as Athena reads it from the catalog."""

    database: str
    name: str
    columns: list[CatalogColumn] = field(default_factory=list)
    partition_keys: list[CatalogColumn] = field(default_factory=list)
    location: str | None = None
    input_format: str | None = None
    output_format: str | None = None
    serde_library: str | None = None
    serde_parameters: dict[str, str] = field(default_factory=dict)
    parameters: dict[str, str] = field(default_factory=dict)
    table_type: str | None = "EXTERNAL_TABLE"
    view_original_text: str | None = None
    view_expanded_text: str | None = None
    description: str | None = None
    create_time: datetime | None = None
    last_access_time: datetime | None = None

    @property
    def is_view(self) -> bool:
        return self.table_type == "VIRTUAL_VIEW"


@dataclass(slots=True)
class CatalogPartition:
    values: list[str]
    location: str | None = None


class Catalog(Protocol):
    """The Data Catalog operations Athena DDL and queries use (one catalog for all)."""

    def get_database(self, account: str, region: str, name: str) -> CatalogDatabase: ...

    def list_databases(self, account: str, region: str) -> list[CatalogDatabase]: ...

    def create_database(self, account: str, region: str, database: CatalogDatabase) -> None: ...

    def delete_database(self, account: str, region: str, name: str) -> None: ...

    def get_table(self, account: str, region: str, database: str, name: str) -> CatalogTable: ...

    def list_tables(self, account: str, region: str, database: str) -> list[CatalogTable]: ...

    def create_table(self, account: str, region: str, table: CatalogTable) -> None: ...

    def update_table(self, account: str, region: str, table: CatalogTable) -> None: ...

    def delete_table(self, account: str, region: str, database: str, name: str) -> None: ...

    def iter_partitions(
        self, account: str, region: str, database: str, table: str
    ) -> Iterator[CatalogPartition]: ...

    def create_partitions(
        self, account: str, region: str, table: CatalogTable, partitions: Sequence[CatalogPartition]
    ) -> list[tuple[list[str], str]]:
        """Register partitions with the table's format; returns (values, error code) failures."""
        ...

    def delete_partitions(
        self, account: str, region: str, database: str, table: str, values: Sequence[Sequence[str]]
    ) -> list[tuple[list[str], str]]: ...
