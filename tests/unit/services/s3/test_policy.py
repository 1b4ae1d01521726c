"""Bucket policy parsing and evaluation (``services/s3/policy.py``), without HTTP."""

from __future__ import annotations

import json
from typing import Any

import pytest

from lakestack.services.s3.errors import MalformedPolicy
from lakestack.services.s3.models import Principal
from lakestack.services.s3.policy import Policy, parse_policy

A = Principal.root("111111111111")
B = Principal.root("222222222222")
ANON = Principal(None)
USER = Principal("222222222222", "arn:aws:iam::222222222222:user/alice")
SESSION = Principal("222222222222", "arn:aws:sts::222222222222:assumed-role/etl/run-1")


def _policy(*statements: dict[str, Any], bucket: str = "b") -> Policy:
    document = {"Version": "2012-10-17", "Statement": list(statements)}
    return parse_policy(json.dumps(document), bucket)


def _st(effect: str = "Allow", **fields: Any) -> dict[str, Any]:
    return {
        "Effect": effect,
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::b/*",
        **fields,
    }


def test_evaluate_allow_deny_and_no_match() -> None:
    p = _policy(_st(), _st("Deny", Resource="arn:aws:s3:::b/secret/*"))
    assert p.evaluate(A, "s3:GetObject", "arn:aws:s3:::b/x", {}) == "Allow"
    assert p.evaluate(A, "s3:GetObject", "arn:aws:s3:::b/secret/x", {}) == "Deny"
    assert p.evaluate(A, "s3:PutObject", "arn:aws:s3:::b/x", {}) is None
    assert p.has_deny and p.public


@pytest.mark.parametrize(
    ("principal", "matches"),
    [
        ("*", [A, B, ANON, USER, SESSION]),
        ({"AWS": "*"}, [A, B, ANON, USER, SESSION]),
        ({"AWS": "222222222222"}, [B, USER, SESSION]),
        ({"AWS": "arn:aws:iam::222222222222:root"}, [B, USER, SESSION]),
        ({"AWS": "arn:aws:iam::222222222222:user/alice"}, [USER]),
        ({"AWS": "arn:aws:iam::222222222222:role/etl"}, [SESSION]),
        ({"Service": "glue.amazonaws.com"}, []),
    ],
)
def test_principal_forms(principal: Any, matches: list[Principal]) -> None:
    p = _policy(_st(Principal=principal))
    for who in (A, B, ANON, USER, SESSION):
        got = p.evaluate(who, "s3:GetObject", "arn:aws:s3:::b/k", {}) == "Allow"
        assert got == (who in matches), (principal, who)


def test_not_principal_action_wildcards_and_not_action() -> None:
    p = _policy(
        {
            "Effect": "Deny",
            "NotPrincipal": {"AWS": "111111111111"},
            "NotAction": ["s3:Get*", "s3:List*"],
            "Resource": "arn:aws:s3:::b/*",
        }
    )
    assert p.evaluate(B, "s3:PutObject", "arn:aws:s3:::b/k", {}) == "Deny"
    assert p.evaluate(B, "s3:getobjectversion", "arn:aws:s3:::b/k", {}) is None
    assert p.evaluate(A, "s3:PutObject", "arn:aws:s3:::b/k", {}) is None


def test_resource_wildcards_are_case_sensitive_and_not_resource() -> None:
    p = _policy(_st(Resource="arn:aws:s3:::b/logs/20??/*"))
    assert p.evaluate(A, "s3:GetObject", "arn:aws:s3:::b/logs/2026/x", {}) == "Allow"
    assert p.evaluate(A, "s3:GetObject", "arn:aws:s3:::b/LOGS/2026/x", {}) is None
    statement = {k: v for k, v in _st().items() if k != "Resource"}
    p = _policy({**statement, "NotResource": "arn:aws:s3:::b/private/*"})
    assert p.evaluate(A, "s3:GetObject", "arn:aws:s3:::b/public/x", {}) == "Allow"
    assert p.evaluate(A, "s3:GetObject", "arn:aws:s3:::b/private/x", {}) is None
    with pytest.raises(MalformedPolicy):
        _policy({**_st(), "NotResource": "arn:aws:s3:::b/private/*"})


@pytest.mark.parametrize(
    ("condition", "context", "holds"),
    [
        ({"StringEquals": {"s3:prefix": "a/"}}, {"s3:prefix": ["a/"]}, True),
        ({"StringEquals": {"s3:prefix": "a/"}}, {}, False),
        ({"StringNotEquals": {"s3:prefix": "a/"}}, {}, True),
        ({"StringNotEquals": {"s3:prefix": ["a/", "b/"]}}, {"s3:prefix": ["b/"]}, False),
        (
            {"StringEqualsIgnoreCase": {"s3:x-amz-acl": "PRIVATE"}},
            {"s3:x-amz-acl": ["private"]},
            True,
        ),
        ({"StringLike": {"s3:prefix": "home/*"}}, {"s3:prefix": ["home/u/"]}, True),
        ({"StringNotLike": {"s3:prefix": "home/*"}}, {"s3:prefix": ["tmp/"]}, True),
        ({"StringEqualsIfExists": {"s3:x-amz-acl": "private"}}, {}, True),
        ({"Bool": {"aws:SecureTransport": "false"}}, {"aws:securetransport": ["false"]}, True),
        ({"Bool": {"aws:SecureTransport": True}}, {"aws:securetransport": ["false"]}, False),
        ({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}, {"aws:sourceip": ["10.1.2.3"]}, True),
        ({"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}, {"aws:sourceip": ["127.0.0.1"]}, True),
        ({"NumericLessThanEquals": {"s3:max-keys": "10"}}, {"s3:max-keys": ["5"]}, True),
        ({"NumericGreaterThan": {"s3:max-keys": 10}}, {"s3:max-keys": ["5"]}, False),
        (
            {"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}},
            {"aws:currenttime": ["2026-01-01T00:00:00Z"]},
            True,
        ),
        ({"Null": {"s3:x-amz-acl": "true"}}, {}, True),
        ({"Null": {"s3:x-amz-acl": "false"}}, {}, False),
        (
            {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/etl-*"}},
            {"aws:principalarn": ["arn:aws:iam::1:role/etl-a"]},
            True,
        ),
        (
            {"ForAnyValue:StringEquals": {"s3:x": ["a", "b"]}},
            {"s3:x": ["c", "b"]},
            True,
        ),
        ({"ForAllValues:StringEquals": {"s3:x": ["a", "b"]}}, {"s3:x": ["a", "c"]}, False),
        ({"ForAllValues:StringEquals": {"s3:x": ["a", "b"]}}, {}, True),
        ({"ForAnyValue:StringEquals": {"s3:x": ["a"]}}, {}, False),
        ({"StringEquals": {"S3:Prefix": "a/"}}, {"s3:prefix": ["a/"]}, True),
    ],
)
def test_condition_operators(
    condition: dict[str, Any], context: dict[str, list[str]], holds: bool
) -> None:
    p = _policy(_st(Condition=condition))
    got = p.evaluate(A, "s3:GetObject", "arn:aws:s3:::b/k", context) == "Allow"
    assert got == holds


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        ({**_st(), "Effect": "Perhaps"}, "Invalid effect: Perhaps"),
        ({k: v for k, v in _st().items() if k != "Principal"}, "Missing required field Principal"),
        ({k: v for k, v in _st().items() if k != "Action"}, "Missing required field Action"),
        ({k: v for k, v in _st().items() if k != "Resource"}, "Missing required field Resource"),
        (_st(Action="iam:PassRole"), "Policy has invalid action"),
        (_st(Resource="arn:aws:s3:::other/*"), "Policy has invalid resource"),
        (_st(Resource="arn:aws:sqs:us-east-1:1:q"), "Policy has invalid resource"),
        (_st(Condition={"StringEqualz": {"a": "b"}}), "Invalid Condition type : StringEqualz"),
        (_st(Condition={"ForSomeValues:StringEquals": {"a": "b"}}), "Invalid Condition type"),
        (_st(Condition={"IpAddress": {"aws:SourceIp": "not-an-ip"}}), "Invalid IP address"),
        (_st(Principal={"AWS": "alice"}), "Invalid principal in policy"),
        ({**_st(), "Color": "blue"}, "Unknown field Color"),
    ],
)
def test_malformed_statements(statement: dict[str, Any], message: str) -> None:
    with pytest.raises(MalformedPolicy) as exc:
        _policy(statement)
    assert message in str(exc.value)


@pytest.mark.parametrize(
    "text", ["", "[1]", "{", '{"Version": "2012-10-17"}', '{"Statement": []}', " x"]
)
def test_malformed_documents(text: str) -> None:
    with pytest.raises(MalformedPolicy):
        parse_policy(text, "b")


def test_resource_with_bucket_wildcard_is_valid() -> None:
    p = _policy(_st(Resource=["arn:aws:s3:::b*", "arn:aws:s3:::b*/*", "*"]))
    assert p.evaluate(A, "s3:GetObject", "arn:aws:s3:::b/k", {}) == "Allow"


@pytest.mark.parametrize(
    ("fields", "public"),
    [
        ({}, True),
        ({"Principal": {"AWS": "111111111111"}}, False),
        ({"Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}, False),
        ({"Condition": {"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}}, True),
        ({"Condition": {"StringEquals": {"aws:PrincipalAccount": "111111111111"}}}, False),
        ({"Condition": {"StringLike": {"aws:PrincipalAccount": "*"}}}, True),
        ({"Condition": {"StringEquals": {"s3:prefix": "a"}}}, True),
        ({"Effect": "Deny"}, False),
    ],
)
def test_public_policy_rule(fields: dict[str, Any], public: bool) -> None:
    assert _policy(_st(**fields)).public is public


def test_statement_ids_must_be_unique() -> None:
    with pytest.raises(MalformedPolicy):
        _policy({**_st(), "Sid": "a"}, {**_st(), "Sid": "a"})
    assert len(_policy({**_st(), "Sid": "a"}, {**_st(), "Sid": "b"}).statements) == 2


@pytest.mark.parametrize(
    "statement",
    [
        {**_st(), "Sid": {"not": "a string"}},
        {**_st(), "Effect": ["Allow"]},
        {**_st(), "Action": [["s3:GetObject"]]},
        {**_st(), "Principal": {"AWS": [{"nested": 1}]}},
        {**_st(), "Condition": {"StringEquals": {"s3:prefix": {"nested": 1}}}},
        {**_st(), "Condition": ["StringEquals"]},
    ],
)
def test_wrongly_typed_fields_are_malformed_not_crashes(statement: dict[str, Any]) -> None:
    with pytest.raises(MalformedPolicy):
        _policy(statement, {**statement, "Sid": "x"})


def test_deeply_nested_document_is_malformed() -> None:
    with pytest.raises(MalformedPolicy):
        parse_policy('{"Statement": ' + "[" * 100_000, "b")
