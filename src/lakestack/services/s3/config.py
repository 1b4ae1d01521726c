"""Validation of bucket configurations S3 stores verbatim: notification, lifecycle,
CORS, tagging (bucket policies: ``policy.py``).

Pure functions over the botocore-shaped dicts (PascalCase as AWS defines the
documents); they raise S3 errors and never touch storage.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lakestack.services.s3.errors import (
    InvalidArgument,
    InvalidRequest,
    InvalidTag,
    MalformedXML,
)
from lakestack.services.s3.rules import tag_set_to_dict

EVENTS = frozenset(
    {
        "s3:ReducedRedundancyLostObject",
        "s3:ObjectCreated:*",
        "s3:ObjectCreated:Put",
        "s3:ObjectCreated:Post",
        "s3:ObjectCreated:Copy",
        "s3:ObjectCreated:CompleteMultipartUpload",
        "s3:ObjectRemoved:*",
        "s3:ObjectRemoved:Delete",
        "s3:ObjectRemoved:DeleteMarkerCreated",
        "s3:ObjectRestore:*",
        "s3:ObjectRestore:Post",
        "s3:ObjectRestore:Completed",
        "s3:ObjectRestore:Delete",
        "s3:Replication:*",
        "s3:Replication:OperationFailedReplication",
        "s3:Replication:OperationNotTracked",
        "s3:Replication:OperationMissedThreshold",
        "s3:Replication:OperationReplicatedAfterThreshold",
        "s3:LifecycleTransition",
        "s3:IntelligentTiering",
        "s3:ObjectAcl:Put",
        "s3:LifecycleExpiration:*",
        "s3:LifecycleExpiration:Delete",
        "s3:LifecycleExpiration:DeleteMarkerCreated",
        "s3:ObjectTagging:*",
        "s3:ObjectTagging:Put",
        "s3:ObjectTagging:Delete",
    }
)
NOTIFICATION_KINDS = ("TopicConfigurations", "QueueConfigurations", "LambdaFunctionConfigurations")
AMBIGUOUS = (
    "Configuration is ambiguously defined. Cannot have overlapping suffixes in two "
    "rules if the prefixes are overlapping for the same event type."
)


def events_overlap(a: str, b: str) -> bool:
    """Same event, or a wildcard covering the other.

    >>> events_overlap("s3:ObjectCreated:*", "s3:ObjectCreated:Put")
    True
    >>> events_overlap("s3:ObjectCreated:Put", "s3:ObjectCreated:Copy")
    False
    """
    if a == b:
        return True
    if a.endswith(":*") and b.startswith(a[:-1]):
        return True
    return b.endswith(":*") and a.startswith(b[:-1])


def _filter(config: dict[str, Any]) -> tuple[str, str]:
    prefix = suffix = None
    for rule in config.get("Filter", {}).get("Key", {}).get("FilterRules", []):
        name = str(rule.get("Name", "")).lower()
        if name not in ("prefix", "suffix"):
            raise InvalidArgument(
                "filter rule name must be either prefix or suffix",
                ArgumentName="FilterRule.Name",
                ArgumentValue=rule.get("Name"),
            )
        if (prefix if name == "prefix" else suffix) is not None:
            raise InvalidArgument(
                f"Cannot specify more than one {name} rule in a filter.",
                ArgumentName="FilterRule.Name",
                ArgumentValue=rule.get("Name"),
            )
        if name == "prefix":
            prefix = rule.get("Value", "")
        else:
            suffix = rule.get("Value", "")
    return prefix or "", suffix or ""


def validate_notification(config: dict[str, Any], new_id: Callable[[], str]) -> dict[str, Any]:
    """Check event names and S3's overlap rule; fill in missing ``Id``s as S3 does.

    Two configurations (of any destination type) conflict when they share an event
    type and both their prefixes and their suffixes overlap (one starts/ends with
    the other; an empty filter overlaps everything).
    """
    seen: list[tuple[str, str, str]] = []
    for kind in NOTIFICATION_KINDS:
        for item in config.get(kind, []):
            if not item.get("Id"):
                item["Id"] = new_id()
            prefix, suffix = _filter(item)
            events = item.get("Events") or []
            for event in events:
                if event not in EVENTS:
                    raise InvalidArgument(
                        "The event is not supported for notifications",
                        ArgumentName="Event",
                        ArgumentValue=event,
                    )
            for event in dict.fromkeys(events):
                for other_event, other_prefix, other_suffix in seen:
                    if (
                        events_overlap(event, other_event)
                        and (prefix.startswith(other_prefix) or other_prefix.startswith(prefix))
                        and (suffix.endswith(other_suffix) or other_suffix.endswith(suffix))
                    ):
                        raise InvalidArgument(AMBIGUOUS, ArgumentName="Event", ArgumentValue=event)
            seen.extend((event, prefix, suffix) for event in dict.fromkeys(events))
    return config


def validate_lifecycle(config: dict[str, Any], new_id: Callable[[], str]) -> dict[str, Any]:
    """``Status`` required, ≤ 1000 rules, unique IDs of ≤ 255 characters."""
    rules = config.get("Rules")
    if not rules:
        raise MalformedXML()
    if len(rules) > 1000:
        raise InvalidRequest(
            "The number of lifecycle rules should not exceed allowed limit of 1000 rules"
        )
    ids: set[str] = set()
    for rule in rules:
        if rule.get("Status") not in ("Enabled", "Disabled"):
            raise MalformedXML()
        if "Filter" not in rule and "Prefix" not in rule:
            raise MalformedXML()
        rule_id = rule.get("ID") or new_id()
        if len(rule_id) > 255:
            raise InvalidArgument(
                "ID length should not exceed allowed limit of 255",
                ArgumentName="ID",
                ArgumentValue=rule_id,
            )
        if rule_id in ids:
            raise InvalidArgument(
                "Rule ID must be unique. Found same ID for more than one rule",
                ArgumentName="ID",
                ArgumentValue=rule_id,
            )
        ids.add(rule_id)
        rule["ID"] = rule_id
    return config


def validate_cors(config: dict[str, Any]) -> dict[str, Any]:
    rules = config.get("CORSRules") or []
    if not rules:
        raise MalformedXML()
    if len(rules) > 100:
        raise InvalidRequest(
            "The number of CORS rules should not exceed allowed limit of 100 rules."
        )
    for rule in rules:
        if not rule.get("AllowedMethods") or not rule.get("AllowedOrigins"):
            raise MalformedXML()
        for method in rule["AllowedMethods"]:
            if method not in ("GET", "PUT", "HEAD", "POST", "DELETE"):
                raise InvalidRequest(
                    f"Found unsupported HTTP method in CORS config. Unsupported method is {method}"
                )
    return config


def validate_bucket_tagging(config: dict[str, Any]) -> dict[str, Any]:
    tags = tag_set_to_dict(config.get("TagSet") or [])
    if len(tags) > 50:
        raise InvalidTag("Bucket tag count cannot be greater than 50")
    for k, v in tags.items():
        if len(k) > 128 or k.startswith("aws:"):
            raise InvalidTag("The TagKey you have provided is invalid")
        if len(v) > 256:
            raise InvalidTag("The TagValue you have provided is invalid")
    return config
