"""CloudWatch Logs through boto3 against the live endpoint (json protocol)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from lakestack.emulator import Emulator


@pytest.fixture
def logs(lakestack_client: Callable[..., Any]) -> Any:
    return lakestack_client("logs")


def _now(emu: Emulator) -> int:
    return int(emu.clock.now() * 1000)


def _code(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return str(exc.value.response["Error"]["Code"])


def _stream(logs: Any, group: str = "/app/web", stream: str = "i-1") -> None:
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName=stream)


def test_groups_streams_and_events_round_trip(lakestack: Emulator, logs: Any) -> None:
    _stream(logs)
    now = _now(lakestack)
    put = logs.put_log_events(
        logGroupName="/app/web",
        logStreamName="i-1",
        logEvents=[{"timestamp": now - 10 + i, "message": f"line {i}"} for i in range(3)],
    )
    assert "rejectedLogEventsInfo" not in put and put["nextSequenceToken"]
    got = logs.get_log_events(logGroupName="/app/web", logStreamName="i-1", startFromHead=True)
    assert [e["message"] for e in got["events"]] == ["line 0", "line 1", "line 2"]
    assert got["nextForwardToken"].startswith("f/") and got["nextBackwardToken"].startswith("b/")
    again = logs.get_log_events(
        logGroupName="/app/web", logStreamName="i-1", nextToken=got["nextForwardToken"]
    )
    assert again["events"] == [] and again["nextForwardToken"] == got["nextForwardToken"]

    group = logs.describe_log_groups(logGroupNamePrefix="/app/")["logGroups"][0]
    assert group["arn"] == "arn:aws:logs:us-east-1:000000000000:log-group:/app/web:*"
    stream = logs.describe_log_streams(logGroupName="/app/web")["logStreams"][0]
    assert stream["lastEventTimestamp"] == now - 8 and stream["firstEventTimestamp"] == now - 10


def test_put_log_events_sequence_token_is_ignored(lakestack: Emulator, logs: Any) -> None:
    _stream(logs)
    logs.put_log_events(
        logGroupName="/app/web",
        logStreamName="i-1",
        logEvents=[{"timestamp": _now(lakestack), "message": "a"}],
        sequenceToken="stale-token",
    )


def test_get_log_events_token_loop_and_filter_paginator(lakestack: Emulator, logs: Any) -> None:
    _stream(logs)
    now = _now(lakestack)
    events = [{"timestamp": now - 100 + i, "message": f"e{i}"} for i in range(25)]
    logs.put_log_events(logGroupName="/app/web", logStreamName="i-1", logEvents=events)
    arn = "arn:aws:logs:us-east-1:000000000000:log-group:/app/web"
    seen: list[str] = []
    kwargs: dict[str, Any] = {"startFromHead": True, "limit": 10}
    while True:
        page = logs.get_log_events(logGroupIdentifier=arn, logStreamName="i-1", **kwargs)
        if kwargs.get("nextToken") == page["nextForwardToken"]:
            break
        seen += [e["message"] for e in page["events"]]
        kwargs = {"nextToken": page["nextForwardToken"], "limit": 10}
    assert seen == [f"e{i}" for i in range(25)]
    pages = logs.get_paginator("filter_log_events").paginate(
        logGroupName="/app/web", PaginationConfig={"PageSize": 7}
    )
    assert [e["message"] for p in pages for e in p["events"]] == [f"e{i}" for i in range(25)]


def test_filter_log_events_with_patterns(lakestack: Emulator, logs: Any) -> None:
    _stream(logs)
    logs.create_log_stream(logGroupName="/app/web", logStreamName="i-2")
    now = _now(lakestack)
    logs.put_log_events(
        logGroupName="/app/web",
        logStreamName="i-1",
        logEvents=[
            {"timestamp": now - 3, "message": '{"level": "ERROR", "ms": 950}'},
            {"timestamp": now - 1, "message": "WARN disk 91%"},
        ],
    )
    logs.put_log_events(
        logGroupName="/app/web",
        logStreamName="i-2",
        logEvents=[{"timestamp": now - 2, "message": '{"level": "INFO", "ms": 20}'}],
    )

    def messages(**kwargs: Any) -> list[str]:
        found = logs.filter_log_events(logGroupName="/app/web", **kwargs)["events"]
        return [e["message"] for e in found]

    assert len(messages()) == 3
    assert messages(filterPattern="?WARN ?ERROR") == [
        '{"level": "ERROR", "ms": 950}',
        "WARN disk 91%",
    ]
    assert messages(filterPattern='{ $.ms > 100 && $.level = "ERR*" }') == [
        '{"level": "ERROR", "ms": 950}'
    ]
    assert messages(filterPattern="WARN -disk") == []
    assert messages(logStreamNames=["i-2"]) == ['{"level": "INFO", "ms": 20}']
    with pytest.raises(ClientError) as exc:
        logs.filter_log_events(logGroupName="/app/web", filterPattern='{ $.ms > "x" }')
    assert _code(exc) == "InvalidParameterException"


def test_retention_and_tags(logs: Any) -> None:
    logs.create_log_group(logGroupName="/app/web", tags={"team": "data"})
    logs.put_retention_policy(logGroupName="/app/web", retentionInDays=14)
    assert logs.describe_log_groups()["logGroups"][0]["retentionInDays"] == 14
    logs.delete_retention_policy(logGroupName="/app/web")
    assert "retentionInDays" not in logs.describe_log_groups()["logGroups"][0]
    arn = "arn:aws:logs:us-east-1:000000000000:log-group:/app/web"
    logs.tag_resource(resourceArn=arn, tags={"env": "dev"})
    logs.untag_resource(resourceArn=arn, tagKeys=["team"])
    assert logs.list_tags_for_resource(resourceArn=arn)["tags"] == {"env": "dev"}
    logs.tag_log_group(logGroupName="/app/web", tags={"legacy": "yes"})
    assert logs.list_tags_log_group(logGroupName="/app/web")["tags"] == {
        "env": "dev",
        "legacy": "yes",
    }


def test_invalid_retention_is_invalid_parameter(logs: Any) -> None:
    logs.create_log_group(logGroupName="/app/web")
    with pytest.raises(ClientError) as exc:
        logs.put_retention_policy(logGroupName="/app/web", retentionInDays=2)
    assert _code(exc) == "InvalidParameterException"
    assert logs.exceptions.InvalidParameterException is type(exc.value)


def test_unordered_events_are_invalid_parameter(lakestack: Emulator, logs: Any) -> None:
    _stream(logs)
    now = _now(lakestack)
    with pytest.raises(ClientError) as exc:
        logs.put_log_events(
            logGroupName="/app/web",
            logStreamName="i-1",
            logEvents=[{"timestamp": now, "message": "b"}, {"timestamp": now - 5, "message": "a"}],
        )
    assert _code(exc) == "InvalidParameterException"
    assert "chronological order" in exc.value.response["Error"]["Message"]


def test_too_old_events_are_reported_not_stored(lakestack: Emulator, logs: Any) -> None:
    _stream(logs)
    now = _now(lakestack)
    answer = logs.put_log_events(
        logGroupName="/app/web",
        logStreamName="i-1",
        logEvents=[
            {"timestamp": now - 15 * 86_400_000, "message": "old"},
            {"timestamp": now - 15 * 86_400_000 + 1000, "message": "old too"},
        ],
    )
    assert answer["rejectedLogEventsInfo"] == {"tooOldLogEventEndIndex": 1}
    assert logs.get_log_events(logGroupName="/app/web", logStreamName="i-1")["events"] == []


def test_missing_and_duplicate_resources(logs: Any) -> None:
    with pytest.raises(ClientError) as exc:
        logs.create_log_stream(logGroupName="/missing", logStreamName="s")
    assert _code(exc) == "ResourceNotFoundException"
    logs.create_log_group(logGroupName="/dup")
    with pytest.raises(ClientError) as exc:
        logs.create_log_group(logGroupName="/dup")
    assert _code(exc) == "ResourceAlreadyExistsException"
    with pytest.raises(ClientError) as exc:
        logs.get_log_events(logGroupName="/dup", logStreamName="nope")
    assert _code(exc) == "ResourceNotFoundException"
    logs.delete_log_group(logGroupName="/dup")
    assert logs.describe_log_groups()["logGroups"] == []
