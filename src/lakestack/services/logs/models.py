"""CloudWatch Logs resources as plain dataclasses. Times are epoch milliseconds.

Knows no storage and no wire format.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class LogGroup:
    name: str
    arn: str
    creation_time: int
    retention_in_days: int | None = None
    kms_key_id: str | None = None
    log_group_class: str = "STANDARD"
    tags: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class LogStream:
    name: str
    arn: str
    creation_time: int
    first_event_timestamp: int | None = None
    last_event_timestamp: int | None = None
    last_ingestion_time: int | None = None
    upload_sequence_token: int = 1


@dataclass(frozen=True, slots=True)
class OutputEvent:
    """A stored event as the read operations return it."""

    event_id: str
    stream: str
    timestamp: int
    message: str
    ingestion_time: int


@dataclass(frozen=True, slots=True)
class RejectedEvents:
    """Indexes PutLogEvents reports for events it dropped (None: none dropped)."""

    too_new_start: int | None = None
    too_old_end: int | None = None
    expired_end: int | None = None

    @property
    def any(self) -> bool:
        return (self.too_new_start, self.too_old_end, self.expired_end) != (None, None, None)


@dataclass(frozen=True, slots=True)
class EventsPage:
    """GetLogEvents' answer: events oldest first and the two paging tokens."""

    events: list[OutputEvent]
    next_forward_token: str
    next_backward_token: str


@dataclass(frozen=True, slots=True)
class FilteredEvents:
    """FilterLogEvents' answer; ``next_token`` is None once nothing is left."""

    events: list[OutputEvent]
    searched_streams: list[str]
    next_token: str | None
