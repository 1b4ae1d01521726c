"""Glue Data Catalog resources as plain dataclasses: databases, tables, partitions,
their inputs, and the per-entry results of batch operations.

``<Thing>Input`` is what a caller gives (Glue's ``DatabaseInput``, ``TableInput``,
``PartitionInput``); ``<Thing>`` adds what the catalog adds (database name, create
time, catalog id, version). snake_case only; timestamps are aware ``datetime``s.
No HTTP, no JSON, no SQL.

``other`` fields keep input members lakestack does not interpret (``SkewedInfo``,
``TargetTable``, ``ViewDefinition`` ...) exactly as the caller sent them, so a
round trip loses nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

T = TypeVar("T")


@dataclass(slots=True)
class Column:
    name: str
    type: str | None = None
    comment: str | None = None
    parameters: dict[str, str] | None = None


@dataclass(slots=True)
class SerDeInfo:
    name: str | None = None
    serialization_library: str | None = None
    parameters: dict[str, str] | None = None


@dataclass(slots=True)
class SortColumn:
    """Glue's ``Order``: a column and 1 (ascending) or 0 (descending)."""

    column: str
    sort_order: int


@dataclass(slots=True)
class StorageDescriptor:
    """Where and how a table's (or partition's) data is stored; ``None`` = not given."""

    columns: list[Column] | None = None
    location: str | None = None
    additional_locations: list[str] | None = None
    input_format: str | None = None
    output_format: str | None = None
    compressed: bool | None = None
    number_of_buckets: int | None = None
    serde_info: SerDeInfo | None = None
    bucket_columns: list[str] | None = None
    sort_columns: list[SortColumn] | None = None
    parameters: dict[str, str] | None = None
    stored_as_sub_directories: bool | None = None
    other: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class DatabaseInput:
    name: str
    description: str | None = None
    location_uri: str | None = None
    parameters: dict[str, str] | None = None
    other: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Database(DatabaseInput):
    catalog_id: str = ""
    create_time: datetime | None = None


@dataclass(slots=True)
class TableInput:
    name: str
    description: str | None = None
    owner: str | None = None
    last_access_time: datetime | None = None
    last_analyzed_time: datetime | None = None
    retention: int | None = None
    storage_descriptor: StorageDescriptor | None = None
    partition_keys: list[Column] = field(default_factory=list)
    view_original_text: str | None = None
    view_expanded_text: str | None = None
    table_type: str | None = None
    parameters: dict[str, str] | None = None
    other: dict[str, Any] = field(default_factory=dict)

    @property
    def is_view(self) -> bool:
        return self.table_type == "VIRTUAL_VIEW"


@dataclass(slots=True)
class Table(TableInput):
    database_name: str = ""
    catalog_id: str = ""
    create_time: datetime | None = None
    update_time: datetime | None = None
    created_by: str | None = None
    version_id: str = "0"
    is_registered_with_lake_formation: bool = False

    @property
    def partition_key_names(self) -> list[str]:
        return [c.name for c in self.partition_keys]


@dataclass(slots=True)
class PartitionInput:
    values: list[str] = field(default_factory=list)
    last_access_time: datetime | None = None
    last_analyzed_time: datetime | None = None
    storage_descriptor: StorageDescriptor | None = None
    parameters: dict[str, str] | None = None


@dataclass(slots=True)
class Partition(PartitionInput):
    database_name: str = ""
    table_name: str = ""
    catalog_id: str = ""
    creation_time: datetime | None = None


@dataclass(slots=True)
class Segment:
    """One of ``total_segments`` disjoint slices of a table's partitions (parallel reads)."""

    segment_number: int
    total_segments: int


@dataclass(slots=True)
class EntryError:
    """One failed entry of a batch call: which one (values or table name) and why."""

    key: list[str] | str
    error_code: str
    error_message: str


@dataclass(slots=True)
class Page(Generic[T]):
    """One page of a listing; ``next_token`` is ``None`` on the last page."""

    items: list[T]
    next_token: str | None = None


@dataclass(slots=True)
class BatchGetResult:
    partitions: list[Partition]
    unprocessed_keys: list[list[str]] = field(default_factory=list)
