"""LogsProvider: botocore-shaped kwargs in, LogsEngine call, botocore-shaped dict out."""

from __future__ import annotations

from typing import Any

from lakestack.gateway.context import RequestContext
from lakestack.services.logs.engine import LogsEngine
from lakestack.services.logs.errors import InvalidParameterException
from lakestack.services.logs.models import LogGroup, LogStream, OutputEvent

Wire = dict[str, Any]


class LogsProvider:
    def __init__(self, engine: LogsEngine) -> None:
        self.engine = engine

    # -- groups ------------------------------------------------------------------------
    def create_log_group(
        self,
        context: RequestContext,
        log_group_name: str,
        kms_key_id: str | None = None,
        tags: dict[str, str] | None = None,
        log_group_class: str | None = None,
    ) -> Wire:
        self.engine.create_log_group(
            context.account_id, context.region, log_group_name, kms_key_id, tags, log_group_class
        )
        return {}

    def delete_log_group(self, context: RequestContext, log_group_name: str) -> Wire:
        self.engine.delete_log_group(context.account_id, context.region, log_group_name)
        return {}

    def describe_log_groups(
        self,
        context: RequestContext,
        log_group_name_prefix: str | None = None,
        log_group_name_pattern: str | None = None,
        next_token: str | None = None,
        limit: int | None = None,
        log_group_class: str | None = None,
        log_group_identifiers: list[str] | None = None,
    ) -> Wire:
        groups, token = self.engine.describe_log_groups(
            context.account_id,
            context.region,
            log_group_name_prefix,
            log_group_name_pattern,
            next_token,
            limit,
            log_group_class,
            log_group_identifiers,
        )
        return _with_token({"logGroups": [_group(g) for g in groups]}, token)

    def put_retention_policy(
        self, context: RequestContext, log_group_name: str, retention_in_days: int
    ) -> Wire:
        self.engine.put_retention_policy(
            context.account_id, context.region, log_group_name, retention_in_days
        )
        return {}

    def delete_retention_policy(self, context: RequestContext, log_group_name: str) -> Wire:
        self.engine.delete_retention_policy(context.account_id, context.region, log_group_name)
        return {}

    # -- tags --------------------------------------------------------------------------
    def tag_resource(
        self, context: RequestContext, resource_arn: str, tags: dict[str, str]
    ) -> Wire:
        name = self.engine.group_for_arn(context.account_id, context.region, resource_arn)
        self.engine.tag_log_group(context.account_id, context.region, name, tags)
        return {}

    def untag_resource(
        self, context: RequestContext, resource_arn: str, tag_keys: list[str]
    ) -> Wire:
        name = self.engine.group_for_arn(context.account_id, context.region, resource_arn)
        self.engine.untag_log_group(context.account_id, context.region, name, tag_keys)
        return {}

    def list_tags_for_resource(self, context: RequestContext, resource_arn: str) -> Wire:
        name = self.engine.group_for_arn(context.account_id, context.region, resource_arn)
        return {"tags": self.engine.get_log_group(context.account_id, context.region, name).tags}

    def tag_log_group(
        self, context: RequestContext, log_group_name: str, tags: dict[str, str]
    ) -> Wire:
        self.engine.tag_log_group(context.account_id, context.region, log_group_name, tags)
        return {}

    def untag_log_group(
        self, context: RequestContext, log_group_name: str, tags: list[str]
    ) -> Wire:
        self.engine.untag_log_group(context.account_id, context.region, log_group_name, tags)
        return {}

    def list_tags_log_group(self, context: RequestContext, log_group_name: str) -> Wire:
        group = self.engine.get_log_group(context.account_id, context.region, log_group_name)
        return {"tags": group.tags}

    # -- streams -----------------------------------------------------------------------
    def create_log_stream(
        self, context: RequestContext, log_group_name: str, log_stream_name: str
    ) -> Wire:
        self.engine.create_log_stream(
            context.account_id, context.region, log_group_name, log_stream_name
        )
        return {}

    def delete_log_stream(
        self, context: RequestContext, log_group_name: str, log_stream_name: str
    ) -> Wire:
        self.engine.delete_log_stream(
            context.account_id, context.region, log_group_name, log_stream_name
        )
        return {}

    def describe_log_streams(
        self,
        context: RequestContext,
        log_group_name: str | None = None,
        log_group_identifier: str | None = None,
        log_stream_name_prefix: str | None = None,
        order_by: str | None = None,
        descending: bool = False,
        next_token: str | None = None,
        limit: int | None = None,
    ) -> Wire:
        streams, token = self.engine.describe_log_streams(
            context.account_id,
            context.region,
            _identifier(log_group_name, log_group_identifier),
            log_stream_name_prefix,
            order_by,
            descending,
            next_token,
            limit,
        )
        return _with_token({"logStreams": [_stream(s) for s in streams]}, token)

    # -- events ------------------------------------------------------------------------
    def put_log_events(
        self,
        context: RequestContext,
        log_group_name: str,
        log_stream_name: str,
        log_events: list[Wire],
    ) -> Wire:
        # sequenceToken is accepted and ignored (members.json), as CloudWatch Logs does.
        token, rejected = self.engine.put_log_events(
            context.account_id,
            context.region,
            log_group_name,
            log_stream_name,
            [(e["timestamp"], e["message"]) for e in log_events],
        )
        out: Wire = {"nextSequenceToken": token}
        if rejected.any:
            info = {
                "tooNewLogEventStartIndex": rejected.too_new_start,
                "tooOldLogEventEndIndex": rejected.too_old_end,
                "expiredLogEventEndIndex": rejected.expired_end,
            }
            out["rejectedLogEventsInfo"] = {k: v for k, v in info.items() if v is not None}
        return out

    def get_log_events(
        self,
        context: RequestContext,
        log_stream_name: str,
        log_group_name: str | None = None,
        log_group_identifier: str | None = None,
        start_time: int | None = None,
        end_time: int | None = None,
        next_token: str | None = None,
        limit: int | None = None,
        start_from_head: bool = False,
    ) -> Wire:
        page = self.engine.get_log_events(
            context.account_id,
            context.region,
            _identifier(log_group_name, log_group_identifier),
            log_stream_name,
            start_time,
            end_time,
            next_token,
            limit,
            start_from_head,
        )
        return {
            "events": [
                {"timestamp": e.timestamp, "message": e.message, "ingestionTime": e.ingestion_time}
                for e in page.events
            ],
            "nextForwardToken": page.next_forward_token,
            "nextBackwardToken": page.next_backward_token,
        }

    def filter_log_events(
        self,
        context: RequestContext,
        log_group_name: str | None = None,
        log_group_identifier: str | None = None,
        log_stream_names: list[str] | None = None,
        log_stream_name_prefix: str | None = None,
        start_time: int | None = None,
        end_time: int | None = None,
        filter_pattern: str | None = None,
        next_token: str | None = None,
        limit: int | None = None,
    ) -> Wire:
        found = self.engine.filter_log_events(
            context.account_id,
            context.region,
            _identifier(log_group_name, log_group_identifier),
            log_stream_names,
            log_stream_name_prefix,
            start_time,
            end_time,
            filter_pattern,
            next_token,
            limit,
        )
        out: Wire = {
            "events": [_filtered(e) for e in found.events],
            "searchedLogStreams": [
                {"logStreamName": name, "searchedCompletely": found.next_token is None}
                for name in found.searched_streams
            ],
        }
        return _with_token(out, found.next_token)


def _identifier(name: str | None, identifier: str | None) -> str:
    if (name is None) == (identifier is None):
        raise InvalidParameterException(
            "Should provide either logGroupName or logGroupIdentifier, but not both."
        )
    return name if name is not None else str(identifier)


def _with_token(out: Wire, token: str | None) -> Wire:
    if token is not None:
        out["nextToken"] = token
    return out


def _group(group: LogGroup) -> Wire:
    out: Wire = {
        "logGroupName": group.name,
        "creationTime": group.creation_time,
        "metricFilterCount": 0,
        "arn": f"{group.arn}:*",
        "logGroupArn": group.arn,
        "storedBytes": 0,
        "logGroupClass": group.log_group_class,
    }
    if group.retention_in_days is not None:
        out["retentionInDays"] = group.retention_in_days
    if group.kms_key_id is not None:
        out["kmsKeyId"] = group.kms_key_id
    return out


def _stream(stream: LogStream) -> Wire:
    out: Wire = {
        "logStreamName": stream.name,
        "creationTime": stream.creation_time,
        "arn": stream.arn,
        "storedBytes": 0,
        "uploadSequenceToken": f"{stream.upload_sequence_token:056d}",
    }
    if stream.first_event_timestamp is not None:
        out["firstEventTimestamp"] = stream.first_event_timestamp
        out["lastEventTimestamp"] = stream.last_event_timestamp
        out["lastIngestionTime"] = stream.last_ingestion_time
    return out


def _filtered(event: OutputEvent) -> Wire:
    return {
        "logStreamName": event.stream,
        "timestamp": event.timestamp,
        "message": event.message,
        "ingestionTime": event.ingestion_time,
        "eventId": event.event_id,
    }
