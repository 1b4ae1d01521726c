"""Athena resources as plain dataclasses: work groups, named queries, query executions
(with their state machine's transitions table), statistics and result pages.

snake_case only; no HTTP, no JSON, no SQL. Timestamps are aware ``datetime``s.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Generic, TypeVar

T = TypeVar("T")

PRIMARY = "primary"
ENGINE_VERSION = "Athena engine version 3"


class QueryState(StrEnum):
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"


# The query lifecycle (STYLE §4): which state may follow which. Terminal states have none.
TRANSITIONS: dict[QueryState, frozenset[QueryState]] = {
    QueryState.QUEUED: frozenset({QueryState.RUNNING, QueryState.FAILED, QueryState.CANCELLED}),
    QueryState.RUNNING: frozenset({QueryState.SUCCEEDED, QueryState.FAILED, QueryState.CANCELLED}),
    QueryState.SUCCEEDED: frozenset(),
    QueryState.FAILED: frozenset(),
    QueryState.CANCELLED: frozenset(),
}


def is_terminal(state: QueryState) -> bool:
    """True when no state may follow.

    >>> is_terminal(QueryState.CANCELLED), is_terminal(QueryState.QUEUED)
    (True, False)
    """
    return not TRANSITIONS[state]


@dataclass(slots=True)
class WorkGroup:
    name: str
    state: str = "ENABLED"
    description: str | None = None
    output_location: str | None = None
    expected_bucket_owner: str | None = None
    encryption: dict[str, str] | None = None
    enforce_configuration: bool = True
    publish_metrics: bool = True
    bytes_scanned_cutoff: int | None = None
    requester_pays: bool = False
    engine_version: str = "AUTO"
    creation_time: datetime | None = None
    tags: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class NamedQuery:
    id: str
    name: str
    database: str
    query_string: str
    work_group: str = PRIMARY
    description: str | None = None


@dataclass(slots=True)
class AthenaError:
    """``Status.AthenaError``: category 1 system, 2 user, 3 other."""

    category: int
    type: int
    retryable: bool
    message: str


@dataclass(slots=True)
class Statistics:
    engine_ms: int = 0
    data_scanned: int = 0
    total_ms: int = 0
    queue_ms: int = 0
    planning_ms: int = 0
    processing_ms: int = 0
    manifest_location: str | None = None
    input_rows: int = 0
    output_rows: int = 0
    output_bytes: int = 0


@dataclass(slots=True)
class QueryExecution:
    id: str
    query: str
    statement_type: str
    work_group: str
    output_location: str | None
    database: str | None
    catalog: str
    submitted: datetime
    state: QueryState = QueryState.QUEUED
    substatement_type: str | None = None
    state_change_reason: str | None = None
    completed: datetime | None = None
    error: AthenaError | None = None
    statistics: Statistics = field(default_factory=Statistics)
    execution_parameters: list[str] = field(default_factory=list)
    client_request_token: str | None = None
    encryption: dict[str, str] | None = None
    expected_bucket_owner: str | None = None
    result_kind: str | None = None
    """``csv`` (a SELECT: header row), ``txt`` (SHOW/DESCRIBE/DDL), ``update`` (CTAS,
    INSERT: UpdateCount) or None (nothing written)."""
    update_count: int | None = None


@dataclass(frozen=True, slots=True)
class ResultColumn:
    """One ``ColumnInfo``: name, Athena type name, precision/scale for decimals."""

    name: str
    type: str
    precision: int = 0
    scale: int = 0
    nullable: str = "UNKNOWN"


@dataclass(slots=True)
class ResultPage:
    """One GetQueryResults page; rows are lists of strings with None for NULL."""

    columns: list[ResultColumn]
    rows: list[list[str | None]]
    next_token: str | None = None
    update_count: int | None = None


@dataclass(slots=True)
class Page(Generic[T]):
    items: list[T]
    next_token: str | None = None
