"""LogsEngine driven directly: groups, streams, PutLogEvents rules, GetLogEvents paging,
FilterLogEvents, retention, tags and the in-process writer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from lakestack.core.clock import FixedClock
from lakestack.core.logs import LogEvent
from lakestack.services.logs.engine import LogsEngine
from lakestack.services.logs.errors import (
    InvalidParameterException,
    ResourceAlreadyExistsException,
    ResourceNotFoundException,
)

ACC, REG = "111122223333", "eu-west-1"
DAY_MS = 86_400_000


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def logs(tmp_path: Path, clock: FixedClock) -> Iterator[LogsEngine]:
    engine = LogsEngine(tmp_path, clock)
    yield engine
    engine.close()


def _now(clock: FixedClock) -> int:
    return int(clock.now() * 1000)


def _stream(logs: LogsEngine, group: str = "/app", stream: str = "s1") -> None:
    if not logs.describe_log_groups(ACC, REG, prefix=group)[0]:
        logs.create_log_group(ACC, REG, group)
    logs.create_log_stream(ACC, REG, group, stream)


def _put(logs: LogsEngine, start: int, n: int, stream: str = "s1", prefix: str = "m") -> None:
    events = [(start + i, f"{prefix}{i}") for i in range(n)]
    logs.put_log_events(ACC, REG, "/app", stream, events)


# -- groups and streams --------------------------------------------------------------------
def test_create_log_group_twice_raises_already_exists(logs: LogsEngine) -> None:
    group = logs.create_log_group(ACC, REG, "/aws-glue/jobs/output")
    assert group.arn == f"arn:aws:logs:{REG}:{ACC}:log-group:/aws-glue/jobs/output"
    with pytest.raises(ResourceAlreadyExistsException):
        logs.create_log_group(ACC, REG, "/aws-glue/jobs/output")


@pytest.mark.parametrize("name", ["has space", "a:b", "x" * 513, ""])
def test_create_log_group_bad_name_raises_invalid_parameter(logs: LogsEngine, name: str) -> None:
    with pytest.raises(InvalidParameterException):
        logs.create_log_group(ACC, REG, name)


def test_groups_are_per_account_and_region(logs: LogsEngine) -> None:
    logs.create_log_group(ACC, REG, "/g")
    assert logs.describe_log_groups(ACC, "us-east-1")[0] == []
    with pytest.raises(ResourceNotFoundException):
        logs.get_log_group("000000000000", REG, "/g")


def test_describe_log_groups_prefix_pattern_and_paging(logs: LogsEngine) -> None:
    for name in ("/aws-glue/jobs/output", "/aws-glue/jobs/error", "/aws/lambda/Fn", "app"):
        logs.create_log_group(ACC, REG, name)
    names = [g.name for g in logs.describe_log_groups(ACC, REG, prefix="/aws-glue/")[0]]
    assert names == ["/aws-glue/jobs/error", "/aws-glue/jobs/output"]
    assert [g.name for g in logs.describe_log_groups(ACC, REG, pattern="LAMBDA")[0]] == [
        "/aws/lambda/Fn"
    ]
    page, token = logs.describe_log_groups(ACC, REG, limit=3)
    assert len(page) == 3 and token is not None
    rest, end = logs.describe_log_groups(ACC, REG, next_token=token, limit=3)
    assert [g.name for g in rest] == ["app"] and end is None
    arn = f"arn:aws:logs:{REG}:{ACC}:log-group:app:*"
    picked = logs.describe_log_groups(ACC, REG, identifiers=["/aws/lambda/Fn", arn, "/nope"])[0]
    assert [g.name for g in picked] == ["/aws/lambda/Fn", "app"]
    with pytest.raises(InvalidParameterException, match="mutually exclusive"):
        logs.describe_log_groups(ACC, REG, prefix="/a", pattern="b")
    with pytest.raises(InvalidParameterException):
        logs.describe_log_groups(ACC, REG, prefix="/a", identifiers=["app"])
    with pytest.raises(InvalidParameterException):
        logs.describe_log_groups(ACC, REG, limit=51)
    with pytest.raises(InvalidParameterException):
        logs.describe_log_groups(ACC, REG, next_token="bogus")


def test_create_stream_needs_group_and_unique_name(logs: LogsEngine) -> None:
    with pytest.raises(ResourceNotFoundException, match="log group does not exist"):
        logs.create_log_stream(ACC, REG, "/nope", "s")
    _stream(logs)
    with pytest.raises(ResourceAlreadyExistsException):
        logs.create_log_stream(ACC, REG, "/app", "s1")
    with pytest.raises(InvalidParameterException):
        logs.create_log_stream(ACC, REG, "/app", "a:b")


def test_describe_log_streams_orders_by_name_or_last_event(
    logs: LogsEngine, clock: FixedClock
) -> None:
    for name in ("b", "a", "c"):
        _stream(logs, stream=name)
    now = _now(clock)
    logs.put_log_events(ACC, REG, "/app", "c", [(now - 3000, "x")])
    logs.put_log_events(ACC, REG, "/app", "a", [(now - 1000, "x")])
    logs.put_log_events(ACC, REG, "/app", "b", [(now - 2000, "x")])
    by_name = logs.describe_log_streams(ACC, REG, "/app")[0]
    assert [s.name for s in by_name] == ["a", "b", "c"]
    latest = logs.describe_log_streams(ACC, REG, "/app", order_by="LastEventTime", descending=True)
    assert [s.name for s in latest[0]] == ["a", "b", "c"]
    assert latest[0][0].last_event_timestamp == now - 1000
    page, token = logs.describe_log_streams(ACC, REG, "/app", limit=2)
    assert [s.name for s in page] == ["a", "b"]
    assert [s.name for s in logs.describe_log_streams(ACC, REG, "/app", next_token=token)[0]] == [
        "c"
    ]
    with pytest.raises(InvalidParameterException, match="LastEventTime"):
        logs.describe_log_streams(ACC, REG, "/app", prefix="a", order_by="LastEventTime")


def test_delete_stream_and_group_remove_their_events(logs: LogsEngine, clock: FixedClock) -> None:
    _stream(logs)
    _put(logs, _now(clock), 3)
    logs.delete_log_stream(ACC, REG, "/app", "s1")
    with pytest.raises(ResourceNotFoundException, match="log stream does not exist"):
        logs.get_log_events(ACC, REG, "/app", "s1")
    logs.delete_log_group(ACC, REG, "/app")
    with pytest.raises(ResourceNotFoundException):
        logs.delete_log_group(ACC, REG, "/app")


# -- PutLogEvents ----------------------------------------------------------------------------
def test_put_log_events_out_of_order_raises(logs: LogsEngine, clock: FixedClock) -> None:
    _stream(logs)
    now = _now(clock)
    with pytest.raises(InvalidParameterException, match="chronological order"):
        logs.put_log_events(ACC, REG, "/app", "s1", [(now, "b"), (now - 1, "a")])


def test_put_log_events_span_count_and_size_limits(logs: LogsEngine, clock: FixedClock) -> None:
    _stream(logs)
    now = _now(clock)
    with pytest.raises(InvalidParameterException, match="24 hours"):
        logs.put_log_events(ACC, REG, "/app", "s1", [(now - DAY_MS - 1, "a"), (now, "b")])
    with pytest.raises(InvalidParameterException):
        logs.put_log_events(ACC, REG, "/app", "s1", [(now, "x")] * 10_001)
    with pytest.raises(InvalidParameterException, match="Upload too large"):
        logs.put_log_events(ACC, REG, "/app", "s1", [(now, "x" * 200_000)] * 6)
    assert logs.get_log_events(ACC, REG, "/app", "s1").events == []


def test_put_log_events_missing_stream_raises_not_found(
    logs: LogsEngine, clock: FixedClock
) -> None:
    logs.create_log_group(ACC, REG, "/app")
    with pytest.raises(ResourceNotFoundException):
        logs.put_log_events(ACC, REG, "/app", "nope", [(_now(clock), "x")])


def test_put_log_events_reports_and_drops_too_old_and_too_new(
    logs: LogsEngine, clock: FixedClock
) -> None:
    _stream(logs)
    now = _now(clock)
    events = [
        (now - 15 * DAY_MS + 1000, "ancient"),
        (now - 14 * DAY_MS - 1, "old"),
        (now - 14 * DAY_MS + 10, "kept"),
        (now + 3 * 3600 * 1000, "future"),
    ]
    with pytest.raises(InvalidParameterException):  # spans more than 24 hours
        logs.put_log_events(ACC, REG, "/app", "s1", events)
    token, rejected = logs.put_log_events(
        ACC, REG, "/app", "s1", [(now - 14 * DAY_MS - 1, "old"), (now - 14 * DAY_MS + 10, "kept")]
    )
    assert rejected.too_old_end == 0 and rejected.too_new_start is None
    _, rejected = logs.put_log_events(
        ACC, REG, "/app", "s1", [(now, "kept2"), (now + 3 * 3600 * 1000, "future")]
    )
    assert rejected.too_new_start == 1
    messages = [e.message for e in logs.get_log_events(ACC, REG, "/app", "s1").events]
    assert messages == ["kept", "kept2"]
    assert len(token) == 56


def test_sequence_tokens_are_ignored(logs: LogsEngine, clock: FixedClock) -> None:
    _stream(logs)
    first, _ = logs.put_log_events(ACC, REG, "/app", "s1", [(_now(clock), "a")])
    second, _ = logs.put_log_events(ACC, REG, "/app", "s1", [(_now(clock), "b")])
    assert first != second


# -- GetLogEvents paging -------------------------------------------------------------------------
def test_get_log_events_without_token_returns_the_newest(
    logs: LogsEngine, clock: FixedClock
) -> None:
    _stream(logs)
    _put(logs, _now(clock) - 100, 10)
    page = logs.get_log_events(ACC, REG, "/app", "s1", limit=3)
    assert [e.message for e in page.events] == ["m7", "m8", "m9"]
    head = logs.get_log_events(ACC, REG, "/app", "s1", limit=3, start_from_head=True)
    assert [e.message for e in head.events] == ["m0", "m1", "m2"]


def test_forward_paging_ends_with_the_same_token(logs: LogsEngine, clock: FixedClock) -> None:
    _stream(logs)
    _put(logs, _now(clock) - 100, 5)
    seen: list[str] = []
    page = logs.get_log_events(ACC, REG, "/app", "s1", limit=2, start_from_head=True)
    while page.events:
        seen += [e.message for e in page.events]
        token = page.next_forward_token
        page = logs.get_log_events(ACC, REG, "/app", "s1", limit=2, next_token=token)
    assert seen == ["m0", "m1", "m2", "m3", "m4"]
    assert page.next_forward_token == token
    _put(logs, _now(clock), 1, prefix="late")
    later = logs.get_log_events(ACC, REG, "/app", "s1", next_token=token)
    assert [e.message for e in later.events] == ["late0"]


def test_backward_paging_reaches_the_start(logs: LogsEngine, clock: FixedClock) -> None:
    _stream(logs)
    _put(logs, _now(clock) - 100, 5)
    page = logs.get_log_events(ACC, REG, "/app", "s1", limit=2)
    assert [e.message for e in page.events] == ["m3", "m4"]
    back = logs.get_log_events(ACC, REG, "/app", "s1", limit=2, next_token=page.next_backward_token)
    assert [e.message for e in back.events] == ["m1", "m2"]
    back = logs.get_log_events(ACC, REG, "/app", "s1", limit=2, next_token=back.next_backward_token)
    assert [e.message for e in back.events] == ["m0"]
    end = logs.get_log_events(ACC, REG, "/app", "s1", next_token=back.next_backward_token)
    assert end.events == [] and end.next_backward_token == back.next_backward_token


def test_get_log_events_time_window_and_bad_token(logs: LogsEngine, clock: FixedClock) -> None:
    _stream(logs)
    start = _now(clock) - 100
    _put(logs, start, 5)
    page = logs.get_log_events(
        ACC, REG, "/app", "s1", start_time=start + 1, end_time=start + 3, start_from_head=True
    )
    assert [e.message for e in page.events] == ["m1", "m2"]  # end time is exclusive
    with pytest.raises(InvalidParameterException, match="nextToken"):
        logs.get_log_events(ACC, REG, "/app", "s1", next_token="f/123/s")
    with pytest.raises(InvalidParameterException):
        logs.get_log_events(ACC, REG, "/app", "s1", limit=10_001)


def test_events_are_read_in_timestamp_order_across_batches(
    logs: LogsEngine, clock: FixedClock
) -> None:
    _stream(logs)
    now = _now(clock)
    logs.put_log_events(ACC, REG, "/app", "s1", [(now - 10, "later")])
    logs.put_log_events(ACC, REG, "/app", "s1", [(now - 20, "earlier")])
    assert [e.message for e in logs.get_log_events(ACC, REG, "/app", "s1").events] == [
        "earlier",
        "later",
    ]


# -- FilterLogEvents ---------------------------------------------------------------------------
def test_filter_log_events_across_streams_with_pattern(logs: LogsEngine, clock: FixedClock) -> None:
    _stream(logs, stream="web-1")
    _stream(logs, stream="web-2")
    _stream(logs, stream="db")
    now = _now(clock)
    logs.put_log_events(ACC, REG, "/app", "web-1", [(now - 30, "ERROR a"), (now - 10, "INFO b")])
    logs.put_log_events(ACC, REG, "/app", "web-2", [(now - 20, "ERROR c")])
    logs.put_log_events(ACC, REG, "/app", "db", [(now - 25, "ERROR d")])
    found = logs.filter_log_events(ACC, REG, "/app", filter_pattern="ERROR")
    assert [(e.stream, e.message) for e in found.events] == [
        ("web-1", "ERROR a"),
        ("db", "ERROR d"),
        ("web-2", "ERROR c"),
    ]
    assert found.next_token is None
    web = logs.filter_log_events(ACC, REG, "/app", stream_prefix="web-", filter_pattern="ERROR")
    assert [e.message for e in web.events] == ["ERROR a", "ERROR c"]
    named = logs.filter_log_events(ACC, REG, "/app", stream_names=["db"], end_time=now - 25)
    assert [e.message for e in named.events] == ["ERROR d"]  # end time is inclusive
    with pytest.raises(InvalidParameterException, match="mutually exclusive"):
        logs.filter_log_events(ACC, REG, "/app", stream_names=["db"], stream_prefix="w")


def test_filter_log_events_pages_with_next_token(logs: LogsEngine, clock: FixedClock) -> None:
    _stream(logs)
    _put(logs, _now(clock) - 100, 7)
    seen: list[str] = []
    token = None
    while True:
        page = logs.filter_log_events(ACC, REG, "/app", limit=3, next_token=token)
        seen += [e.message for e in page.events]
        token = page.next_token
        if token is None:
            break
    assert seen == [f"m{i}" for i in range(7)]
    with pytest.raises(InvalidParameterException):
        logs.filter_log_events(ACC, REG, "/app", next_token="nope")


# -- retention and tags --------------------------------------------------------------------------
@pytest.mark.parametrize("days", [0, 2, 4000, -1])
def test_put_retention_policy_invalid_value_raises(logs: LogsEngine, days: int) -> None:
    logs.create_log_group(ACC, REG, "/app")
    with pytest.raises(InvalidParameterException, match="enum value set"):
        logs.put_retention_policy(ACC, REG, "/app", days)


def test_retention_hides_old_events_and_can_be_removed(logs: LogsEngine, clock: FixedClock) -> None:
    _stream(logs)
    now = _now(clock)
    logs.put_log_events(ACC, REG, "/app", "s1", [(now - 3 * DAY_MS, "old")])
    logs.put_log_events(ACC, REG, "/app", "s1", [(now - DAY_MS, "new")])
    logs.put_retention_policy(ACC, REG, "/app", 1)
    assert logs.get_log_group(ACC, REG, "/app").retention_in_days == 1
    clock.advance(1)
    assert [e.message for e in logs.get_log_events(ACC, REG, "/app", "s1").events] == []
    _, rejected = logs.put_log_events(ACC, REG, "/app", "s1", [(now - 2 * DAY_MS, "expired")])
    assert rejected.expired_end == 0
    logs.delete_retention_policy(ACC, REG, "/app")
    assert [e.message for e in logs.get_log_events(ACC, REG, "/app", "s1").events] == [
        "old",
        "new",
    ]


def test_tags_by_arn_and_by_name(logs: LogsEngine) -> None:
    group = logs.create_log_group(ACC, REG, "/app", tags={"team": "data"})
    name = logs.group_for_arn(ACC, REG, group.arn + ":*")
    logs.tag_log_group(ACC, REG, name, {"env": "dev"})
    logs.untag_log_group(ACC, REG, name, ["team"])
    assert logs.get_log_group(ACC, REG, "/app").tags == {"env": "dev"}
    with pytest.raises(InvalidParameterException):
        logs.group_for_arn(ACC, REG, "arn:aws:s3:::bucket")
    with pytest.raises(ResourceNotFoundException):
        logs.group_for_arn(ACC, REG, f"arn:aws:logs:{REG}:{ACC}:log-group:/missing")


# -- the in-process writer ---------------------------------------------------------------------
def test_write_creates_group_and_stream_and_sorts(logs: LogsEngine) -> None:
    logs.write(ACC, REG, "/aws-glue/jobs/output", "jr_1", [LogEvent(20, "b"), LogEvent(10, "a")])
    logs.write(ACC, REG, "/aws-glue/jobs/output", "jr_1", [LogEvent(30, "c")])
    page = logs.get_log_events(ACC, REG, "/aws-glue/jobs/output", "jr_1", start_from_head=True)
    assert [(e.timestamp, e.message) for e in page.events] == [(10, "a"), (20, "b"), (30, "c")]


def test_write_with_no_events_still_creates_the_stream(logs: LogsEngine) -> None:
    logs.write(ACC, REG, "/aws-glue/jobs/error", "jr_1", [])
    assert [s.name for s in logs.describe_log_streams(ACC, REG, "/aws-glue/jobs/error")[0]] == [
        "jr_1"
    ]


def test_events_survive_reopen(tmp_path: Path, clock: FixedClock) -> None:
    first = LogsEngine(tmp_path, clock)
    first.write(ACC, REG, "/g", "s", [LogEvent(5, "kept")])
    first.close()
    again = LogsEngine(tmp_path, clock)
    assert [e.message for e in again.get_log_events(ACC, REG, "/g", "s").events] == ["kept"]
    again.reset()
    assert again.describe_log_groups(ACC, REG)[0] == []
    again.close()


class _Sink:
    def __init__(self) -> None:
        self.records: list[tuple[object, ...]] = []

    def record(self, *args: object, **kwargs: object) -> None:
        self.records.append(args)


def test_ingested_bytes_are_metered(tmp_path: Path, clock: FixedClock) -> None:
    sink = _Sink()
    engine = LogsEngine(tmp_path, clock, sink)  # type: ignore[arg-type]
    engine.create_log_group(ACC, REG, "/g")
    engine.create_log_stream(ACC, REG, "/g", "s")
    engine.put_log_events(ACC, REG, "/g", "s", [(_now(clock), "abcd"), (_now(clock), "ef")])
    engine.write(ACC, REG, "/g", "s", [LogEvent(_now(clock), "x")])
    assert sink.records == [
        ("logs", "PutLogEvents", "DataProcessing-Bytes", 58, "Bytes", ACC, REG, "/g"),
        ("logs", "PutLogEvents", "DataProcessing-Bytes", 27, "Bytes", ACC, REG, "/g"),
    ]
    engine.close()
