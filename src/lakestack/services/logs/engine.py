"""LogsEngine: CloudWatch Logs' groups, streams and events. Knows Logs' rules, never HTTP.

Events are kept in SQLite per (account, region) and read back in timestamp order.
Modern Logs semantics: sequence tokens are returned but ignored on input (never
``InvalidSequenceTokenException``). Retention hides events older than the
group's retention from reads. Other engines write through :meth:`write`, the
:class:`lakestack.core.logs.LogWriter` port, which creates groups and streams.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path

from lakestack.core.arns import arn
from lakestack.core.clock import Clock
from lakestack.core.logs import LogEvent
from lakestack.core.pagination import BadToken, decode_token, encode_token
from lakestack.metering.meter import UsageSink
from lakestack.services.logs.errors import (
    InvalidParameterException,
    LimitExceededException,
    ResourceAlreadyExistsException,
    ResourceNotFoundException,
)
from lakestack.services.logs.filter_pattern import compile_pattern
from lakestack.services.logs.models import (
    EventsPage,
    FilteredEvents,
    LogGroup,
    LogStream,
    OutputEvent,
    RejectedEvents,
)
from lakestack.services.logs.store import EventRow, LogsStore

RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192,
    2557, 2922, 3288, 3653,
)  # fmt: skip
LOG_GROUP_CLASSES = ("STANDARD", "INFREQUENT_ACCESS", "DELIVERY")
MAX_BATCH_EVENTS = 10_000
MAX_BATCH_BYTES = 1_048_576
EVENT_OVERHEAD_BYTES = 26
MAX_EVENT_BYTES = 262_144
MAX_SPAN_MS = 24 * 3600 * 1000
TOO_OLD_MS = 14 * 24 * 3600 * 1000
TOO_NEW_MS = 2 * 3600 * 1000
MAX_TAGS = 50
_DAY_MS = 24 * 3600 * 1000
_FAR_FUTURE = 2**62
_GROUP_NAME = re.compile(r"[.\-_/#A-Za-z0-9]{1,512}")
_STREAM_NAME = re.compile(r"[^:*]{1,512}")
_TOKEN = re.compile(r"([fb])/(\d{56})/s")
_FILTER_SCAN_ROWS = 100_000
_SCAN_BATCH = 2_000


def event_id(ts: int, seq: int) -> str:
    """A 56-digit event id ordering as events do (timestamp, then arrival).

    >>> event_id(5, 7)[-3:], len(event_id(5, 7))
    ('007', 56)
    """
    return f"{ts:036d}{seq:020d}"


def _position(digits: str) -> tuple[int, int]:
    return int(digits[:36]), int(digits[36:])


def _invalid(value: object, member: str, constraint: str) -> InvalidParameterException:
    return InvalidParameterException(
        f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy "
        f"constraint: Member must {constraint}"
    )


class LogsEngine:
    """CloudWatch Logs for every (account, region)."""

    def __init__(self, data_dir: Path, clock: Clock, meter: UsageSink | None = None) -> None:
        self._store = LogsStore(data_dir / "logs" / "logs.sqlite")
        self._clock = clock
        self._meter = meter

    def close(self) -> None:
        self._store.close()

    def reset(self) -> None:
        self._store.reset()

    def _now_ms(self) -> int:
        return int(self._clock.now() * 1000)

    # -- groups ------------------------------------------------------------------------
    def create_log_group(
        self,
        account: str,
        region: str,
        name: str,
        kms_key_id: str | None = None,
        tags: dict[str, str] | None = None,
        log_group_class: str | None = None,
    ) -> LogGroup:
        """Create a log group.

        Raises:
            InvalidParameterException: bad name, class or tags.
            ResourceAlreadyExistsException: the group exists.
        """
        _check_group_name(name)
        if log_group_class is not None and log_group_class not in LOG_GROUP_CLASSES:
            raise _invalid(
                log_group_class,
                "logGroupClass",
                "satisfy enum value set: [STANDARD, INFREQUENT_ACCESS, DELIVERY]",
            )
        _check_tags(tags or {})
        with self._store.lock:
            if self._store.get_group(account, region, name) is not None:
                raise ResourceAlreadyExistsException("The specified log group already exists")
            group = LogGroup(
                name=name,
                arn=arn("logs", region, account, f"log-group:{name}"),
                creation_time=self._now_ms(),
                kms_key_id=kms_key_id,
                log_group_class=log_group_class or "STANDARD",
                tags=dict(tags or {}),
            )
            self._store.put_group(account, region, group)
        return group

    def get_log_group(self, account: str, region: str, identifier: str) -> LogGroup:
        """The group named (or with the ARN) ``identifier``.

        Raises:
            ResourceNotFoundException: no such group.
        """
        name = _group_name(identifier)
        group = self._store.get_group(account, region, name)
        if group is None:
            raise ResourceNotFoundException("The specified log group does not exist.")
        return group

    def delete_log_group(self, account: str, region: str, name: str) -> None:
        with self._store.lock:
            self.get_log_group(account, region, name)
            self._store.delete_group(account, region, name)

    def describe_log_groups(
        self,
        account: str,
        region: str,
        prefix: str | None = None,
        pattern: str | None = None,
        next_token: str | None = None,
        limit: int | None = None,
        log_group_class: str | None = None,
        identifiers: list[str] | None = None,
    ) -> tuple[list[LogGroup], str | None]:
        """Groups in name order, filtered by prefix, (case-insensitive) substring, or
        names/ARNs (``identifiers``).

        Raises:
            InvalidParameterException: more than one kind of filter, bad limit or token.
        """
        if prefix is not None and pattern is not None:
            raise InvalidParameterException(
                "LogGroupNamePrefix and LogGroupNamePattern are mutually exclusive parameters."
            )
        if identifiers is not None and (prefix is not None or pattern is not None):
            raise InvalidParameterException(
                "logGroupIdentifiers cannot be combined with logGroupNamePrefix or "
                "logGroupNamePattern."
            )
        wanted = {_group_name(i) for i in identifiers} if identifiers is not None else None
        size = _limit(limit, 50)
        after = _decode(next_token, "groups")
        out: list[LogGroup] = []
        for group in self._store.list_groups(account, region, after):
            if prefix is not None and not group.name.startswith(prefix):
                continue
            if pattern is not None and pattern.lower() not in group.name.lower():
                continue
            if log_group_class is not None and group.log_group_class != log_group_class:
                continue
            if wanted is not None and group.name not in wanted:
                continue
            if len(out) == size:
                return out, encode_token("logs:groups", out[-1].name)
            out.append(group)
        return out, None

    def put_retention_policy(self, account: str, region: str, name: str, days: int) -> None:
        if days not in RETENTION_DAYS:
            raise _invalid(
                days,
                "retentionInDays",
                f"satisfy enum value set: [{', '.join(map(str, RETENTION_DAYS))}]",
            )
        with self._store.lock:
            group = self.get_log_group(account, region, name)
            group.retention_in_days = days
            self._store.put_group(account, region, group)

    def delete_retention_policy(self, account: str, region: str, name: str) -> None:
        with self._store.lock:
            group = self.get_log_group(account, region, name)
            group.retention_in_days = None
            self._store.put_group(account, region, group)

    # -- tags --------------------------------------------------------------------------
    def tag_log_group(self, account: str, region: str, name: str, tags: dict[str, str]) -> None:
        _check_tags(tags)
        with self._store.lock:
            group = self.get_log_group(account, region, name)
            merged = {**group.tags, **tags}
            if len(merged) > MAX_TAGS:
                raise LimitExceededException(f"A resource can have at most {MAX_TAGS} tags.")
            group.tags = merged
            self._store.put_group(account, region, group)

    def untag_log_group(self, account: str, region: str, name: str, keys: list[str]) -> None:
        with self._store.lock:
            group = self.get_log_group(account, region, name)
            group.tags = {k: v for k, v in group.tags.items() if k not in keys}
            self._store.put_group(account, region, group)

    def group_for_arn(self, account: str, region: str, resource_arn: str) -> str:
        """The name of the log group ``resource_arn`` names in this account and region.

        Raises:
            InvalidParameterException: not a log group ARN.
            ResourceNotFoundException: another account/region, or no such group.
        """
        parts = resource_arn.split(":", 6)
        if len(parts) < 7 or parts[:3] != ["arn", "aws", "logs"] or parts[5] != "log-group":
            raise InvalidParameterException(f"Invalid resource arn: {resource_arn}")
        name = parts[6].removesuffix(":*")
        if (parts[3], parts[4]) != (region, account):
            raise ResourceNotFoundException("The specified log group does not exist.")
        return self.get_log_group(account, region, name).name

    # -- streams -----------------------------------------------------------------------
    def create_log_stream(self, account: str, region: str, group: str, name: str) -> LogStream:
        """Raises ResourceNotFoundException (group), ResourceAlreadyExistsException,
        InvalidParameterException (name)."""
        if not _STREAM_NAME.fullmatch(name):
            raise _invalid(name, "logStreamName", r"satisfy regular expression pattern: [^:*]*")
        with self._store.lock:
            log_group = self.get_log_group(account, region, group)
            if self._store.get_stream(account, region, log_group.name, name) is not None:
                raise ResourceAlreadyExistsException("The specified log stream already exists")
            stream = LogStream(
                name=name,
                arn=f"{log_group.arn}:log-stream:{name}",
                creation_time=self._now_ms(),
            )
            self._store.insert_stream(account, region, log_group.name, stream)
        return stream

    def get_log_stream(self, account: str, region: str, group: str, name: str) -> LogStream:
        log_group = self.get_log_group(account, region, group)
        stream = self._store.get_stream(account, region, log_group.name, name)
        if stream is None:
            raise ResourceNotFoundException("The specified log stream does not exist.")
        return stream

    def delete_log_stream(self, account: str, region: str, group: str, name: str) -> None:
        with self._store.lock:
            self.get_log_stream(account, region, group, name)
            self._store.delete_stream(account, region, _group_name(group), name)

    def describe_log_streams(
        self,
        account: str,
        region: str,
        group: str,
        prefix: str | None = None,
        order_by: str | None = None,
        descending: bool = False,
        next_token: str | None = None,
        limit: int | None = None,
    ) -> tuple[list[LogStream], str | None]:
        """Streams ordered by name or by last event time.

        Raises:
            ResourceNotFoundException: no such group.
            InvalidParameterException: prefix with LastEventTime order, bad limit or token.
        """
        order = order_by or "LogStreamName"
        if order not in ("LogStreamName", "LastEventTime"):
            raise _invalid(
                order, "orderBy", "satisfy enum value set: [LogStreamName, LastEventTime]"
            )
        if order == "LastEventTime" and prefix is not None:
            raise InvalidParameterException(
                "Cannot order by LastEventTime with a logStreamNamePrefix."
            )
        size = _limit(limit, 50)
        log_group = self.get_log_group(account, region, group)
        streams = [
            s
            for s in self._store.list_streams(account, region, log_group.name)
            if prefix is None or s.name.startswith(prefix)
        ]
        if order == "LastEventTime":
            streams.sort(key=lambda s: (s.last_event_timestamp or 0, s.name))
        if descending:
            streams.reverse()
        start = _decode(next_token, "streams")
        offset = 0
        if start is not None:
            if not start.isdigit():
                raise InvalidParameterException("The specified nextToken is invalid.")
            offset = int(start)
        page = streams[offset : offset + size]
        more = offset + size < len(streams)
        return page, encode_token("logs:streams", str(offset + size)) if more else None

    # -- events ------------------------------------------------------------------------
    def put_log_events(
        self, account: str, region: str, group: str, stream: str, events: list[tuple[int, str]]
    ) -> tuple[str, RejectedEvents]:
        """Append a batch; events too old, too new or past retention are dropped and reported.

        Args:
            events: ``(timestamp ms, message)`` pairs in chronological order.

        Returns:
            The next sequence token (informational only) and the rejected ranges.

        Raises:
            ResourceNotFoundException: no such group or stream.
            InvalidParameterException: order, span, count or size limits broken.
        """
        _check_batch(events)
        now = self._now_ms()
        with self._store.lock:
            log_group = self.get_log_group(account, region, group)
            self.get_log_stream(account, region, group, stream)
            oldest = now - TOO_OLD_MS
            expired_before = (
                now - log_group.retention_in_days * _DAY_MS if log_group.retention_in_days else None
            )
            too_new = next((i for i, (ts, _) in enumerate(events) if ts > now + TOO_NEW_MS), None)
            too_old = _last_index(events, lambda ts: ts < oldest)
            expired = (
                _last_index(events, lambda ts: ts < expired_before)
                if expired_before is not None
                else None
            )
            keep = [
                (ts, msg)
                for ts, msg in events
                if oldest <= ts <= now + TOO_NEW_MS
                and (expired_before is None or ts >= expired_before)
            ]
            self._store.append(account, region, log_group.name, stream, keep, now)
            after = self._store.get_stream(account, region, log_group.name, stream)
            assert after is not None
        self._bill_ingestion(account, region, log_group.name, events)
        return f"{after.upload_sequence_token:056d}", RejectedEvents(too_new, too_old, expired)

    def write(
        self, account: str, region: str, group: str, stream: str, events: Sequence[LogEvent]
    ) -> None:
        """Append events from inside lakestack (the ``LogWriter`` port): the group and
        stream are created when missing, events are stored in timestamp order, and
        messages longer than CloudWatch's event limit are truncated."""
        with self._store.lock:
            if self._store.get_group(account, region, group) is None:
                self.create_log_group(account, region, group)
            if self._store.get_stream(account, region, group, stream) is None:
                self.create_log_stream(account, region, group, stream)
            ordered = sorted((e.timestamp, _truncate(e.message)) for e in events if e.message)
            now = self._now_ms()
            for start in range(0, max(len(ordered), 1), MAX_BATCH_EVENTS):
                self._store.append(
                    account, region, group, stream, ordered[start : start + MAX_BATCH_EVENTS], now
                )
        self._bill_ingestion(account, region, group, ordered)

    def get_log_events(
        self,
        account: str,
        region: str,
        group: str,
        stream: str,
        start_time: int | None = None,
        end_time: int | None = None,
        next_token: str | None = None,
        limit: int | None = None,
        start_from_head: bool = False,
    ) -> EventsPage:
        """A page of one stream's events, oldest first, with AWS's paging tokens.

        Without a token the page is the newest events (or the oldest with
        ``start_from_head``). ``f/…`` tokens page forward, ``b/…`` backward; at either
        end the same token comes back with no events.

        Raises:
            ResourceNotFoundException: no such group or stream.
            InvalidParameterException: a bad token or limit.
        """
        size = _limit(limit, MAX_BATCH_EVENTS, MAX_BATCH_EVENTS)
        log_group = self.get_log_group(account, region, group)
        self.get_log_stream(account, region, group, stream)
        window = self._window(log_group, start_time, end_time)
        direction, position = _parse_events_token(next_token)
        forward = direction == "f" if direction else start_from_head
        rows = self._store.stream_events(
            account, region, log_group.name, stream, window, position, forward, size
        )
        rows = _within_bytes(rows)  # nearest first: a cut drops the farthest events
        if not forward:
            rows.reverse()
        events = [_event(r) for r in rows]
        if events:
            first, last = rows[0], rows[-1]
            return EventsPage(
                events,
                f"f/{event_id(last[2], last[0])}/s",
                f"b/{event_id(first[2], first[0])}/s",
            )
        here = event_id(*position) if position is not None else event_id(0, 0)
        forward_token = next_token if direction == "f" else f"f/{here}/s"
        backward_token = next_token if direction == "b" else f"b/{here}/s"
        return EventsPage([], forward_token or f"f/{here}/s", backward_token or f"b/{here}/s")

    def filter_log_events(
        self,
        account: str,
        region: str,
        group: str,
        stream_names: list[str] | None = None,
        stream_prefix: str | None = None,
        start_time: int | None = None,
        end_time: int | None = None,
        filter_pattern: str | None = None,
        next_token: str | None = None,
        limit: int | None = None,
    ) -> FilteredEvents:
        """Matching events of a group's streams, in timestamp order.

        Raises:
            ResourceNotFoundException: no such group.
            InvalidParameterException: names and prefix together, a bad pattern, token
                or limit.
        """
        if stream_names is not None and stream_prefix is not None:
            raise InvalidParameterException(
                "logStreamNames and logStreamNamePrefix are mutually exclusive parameters."
            )
        if stream_names is not None and len(stream_names) > 100:
            raise _invalid(stream_names, "logStreamNames", "have length less than or equal to 100")
        size = _limit(limit, MAX_BATCH_EVENTS, MAX_BATCH_EVENTS)
        matches = compile_pattern(filter_pattern)
        log_group = self.get_log_group(account, region, group)
        lo, hi = self._window(log_group, start_time, None)
        window = (lo, end_time if end_time is not None else _FAR_FUTURE)
        wanted = set(stream_names) if stream_names is not None else None
        searched = [
            s.name
            for s in self._store.list_streams(account, region, log_group.name)
            if (wanted is None or s.name in wanted)
            and (stream_prefix is None or s.name.startswith(stream_prefix))
        ]
        chosen = set(searched)
        position = _parse_filter_token(next_token)
        found: list[EventRow] = []
        scanned = 0
        exhausted = False
        while True:
            rows = self._store.group_events(
                account, region, log_group.name, window, position, _SCAN_BATCH
            )
            stop_at = None
            for i, row in enumerate(rows):
                position = (row[2], row[0])
                scanned += 1
                if row[1] in chosen and matches(row[3]):
                    found.append(row)
                    if len(found) == size:
                        stop_at = i
                        break
            if len(rows) < _SCAN_BATCH and stop_at in (None, len(rows) - 1):
                exhausted = True
                break
            if stop_at is not None or scanned >= _FILTER_SCAN_ROWS:
                break
        kept = _within_bytes(found)
        if len(kept) < len(found):
            exhausted = False
            position = (kept[-1][2], kept[-1][0])
        token = None
        if not exhausted and position is not None:
            token = encode_token("logs:filter", event_id(*position))
        return FilteredEvents([_event(r) for r in kept], searched, token)

    def _bill_ingestion(
        self, account: str, region: str, group: str, events: Sequence[tuple[int, str]]
    ) -> None:
        """CloudWatch Logs bills ingested bytes: messages plus 26 bytes per event."""
        if self._meter is None or not events:
            return
        size = sum(len(msg.encode()) + EVENT_OVERHEAD_BYTES for _, msg in events)
        self._meter.record(
            "logs", "PutLogEvents", "DataProcessing-Bytes", size, "Bytes", account, region, group
        )

    def _window(
        self, group: LogGroup, start_time: int | None, end_time: int | None
    ) -> tuple[int, int]:
        """``[start, end)`` in ms, start raised to the retention horizon."""
        lo = start_time or 0
        if group.retention_in_days:
            lo = max(lo, self._now_ms() - group.retention_in_days * _DAY_MS)
        return lo, end_time if end_time is not None else _FAR_FUTURE


def _check_group_name(name: str) -> None:
    if not _GROUP_NAME.fullmatch(name):
        raise _invalid(
            name, "logGroupName", r"satisfy regular expression pattern: [\.\-_/#A-Za-z0-9]+"
        )


def _group_name(identifier: str) -> str:
    """A group name from a name or an ARN (``…:log-group:NAME`` with or without ``:*``).

    >>> _group_name("arn:aws:logs:us-east-1:1:log-group:/aws-glue/jobs/output:*")
    '/aws-glue/jobs/output'
    """
    if identifier.startswith("arn:"):
        _, _, rest = identifier.partition(":log-group:")
        return rest.removesuffix(":*")
    return identifier


def _check_tags(tags: dict[str, str]) -> None:
    if len(tags) > MAX_TAGS:
        raise _invalid(tags, "tags", f"have length less than or equal to {MAX_TAGS}")
    for key, value in tags.items():
        if not 1 <= len(key) <= 128 or key.startswith("aws:"):
            raise _invalid(key, "tags", "have length less than or equal to 128")
        if len(value) > 256:
            raise _invalid(value, "tags", "have length less than or equal to 256")


def _check_batch(events: list[tuple[int, str]]) -> None:
    if not 1 <= len(events) <= MAX_BATCH_EVENTS:
        raise _invalid(
            len(events), "logEvents", f"have length less than or equal to {MAX_BATCH_EVENTS}"
        )
    size = sum(len(msg.encode()) + EVENT_OVERHEAD_BYTES for _, msg in events)
    if size > MAX_BATCH_BYTES:
        raise InvalidParameterException(
            f"Upload too large: {size} bytes exceeds limit of {MAX_BATCH_BYTES}"
        )
    if any(len(msg.encode()) + EVENT_OVERHEAD_BYTES > MAX_EVENT_BYTES for _, msg in events):
        raise InvalidParameterException(
            f"Log event too large: an event exceeds the limit of {MAX_EVENT_BYTES} bytes"
        )
    stamps = [ts for ts, _ in events]
    if any(b < a for a, b in zip(stamps, stamps[1:], strict=False)):
        raise InvalidParameterException(
            "Log events in a single PutLogEvents request must be in chronological order."
        )
    if stamps[-1] - stamps[0] > MAX_SPAN_MS:
        raise InvalidParameterException(
            "The batch of log events in a single PutLogEvents request cannot span more than "
            "24 hours."
        )


def _last_index(events: list[tuple[int, str]], test: Callable[[int], bool]) -> int | None:
    found = None
    for i, (ts, _) in enumerate(events):
        if test(ts):
            found = i
    return found


def _truncate(message: str) -> str:
    limit = MAX_EVENT_BYTES - EVENT_OVERHEAD_BYTES
    data = message.encode()
    return message if len(data) <= limit else data[:limit].decode(errors="ignore")


def _limit(limit: int | None, default: int, maximum: int | None = None) -> int:
    top = maximum or default
    if limit is None:
        return default
    if not 1 <= limit <= top:
        raise _invalid(limit, "limit", f"have value less than or equal to {top}")
    return limit


def _decode(token: str | None, kind: str) -> str | None:
    try:
        return decode_token(f"logs:{kind}", token)
    except BadToken:
        raise InvalidParameterException("The specified nextToken is invalid.") from None


def _parse_events_token(token: str | None) -> tuple[str | None, tuple[int, int] | None]:
    if not token:
        return None, None
    m = _TOKEN.fullmatch(token)
    if m is None:
        raise InvalidParameterException("The specified nextToken is invalid.")
    return m.group(1), _position(m.group(2))


def _parse_filter_token(token: str | None) -> tuple[int, int] | None:
    digits = _decode(token, "filter")
    if digits is None:
        return None
    if len(digits) != 56 or not digits.isdigit():
        raise InvalidParameterException("The specified nextToken is invalid.")
    return _position(digits)


def _within_bytes(rows: list[EventRow]) -> list[EventRow]:
    """The leading rows whose messages fit a 1 MB response, at least one."""
    total = 0
    for i, row in enumerate(rows):
        total += len(row[3].encode()) + EVENT_OVERHEAD_BYTES
        if total > MAX_BATCH_BYTES and i > 0:
            return rows[:i]
    return rows


def _event(row: EventRow) -> OutputEvent:
    seq, stream, ts, message, ingest = row
    return OutputEvent(event_id(ts, seq), stream, ts, message, ingest)
