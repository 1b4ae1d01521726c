"""Unknown input members fail loudly: the dispatcher passes a provider method only the
members it takes, drops the ones its service accepts and ignores, and refuses the rest
with 501 ``NotImplemented`` naming the member."""

from __future__ import annotations

import functools
from typing import Any

import pytest

from lakestack.gateway.context import RequestContext
from lakestack.gateway.dispatch import Dispatcher, MemberPolicy, UnsupportedMember
from lakestack.gateway.http import HttpRequest
from lakestack.gateway.specs import load_service_model

POLICY = MemberPolicy.from_json(
    {
        "kwargs": {"PutObject": ["ContentType"]},
        "ignored": {
            "*": {"ExpectedBucketOwner": "one owner per bucket here"},
            "PutObject": {"RequestPayer": "nothing is billed to requesters"},
        },
    }
)


def _wrapped(method: Any) -> Any:
    @functools.wraps(method)
    def run(self: Any, context: Any, **kw: Any) -> Any:
        return method(self, context, **kw)

    return run


class Provider:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    @_wrapped
    def put_object(self, context: Any, bucket: str, key: str, **kw: Any) -> dict[str, Any]:
        self.calls.append({"bucket": bucket, "key": key, **kw})
        return {}

    def get_object(self, context: Any, bucket: str, key: str) -> dict[str, Any]:
        self.calls.append({"bucket": bucket, "key": key})
        return {}

    def head_object(self, context: Any, bucket: str, **kw: Any) -> dict[str, Any]:
        self.calls.append({"bucket": bucket, **kw})
        return {}


def _dispatch(operation: str, params: dict[str, Any]) -> Provider:
    provider = Provider()
    model = load_service_model("s3")
    context = RequestContext(HttpRequest("PUT", "/b/k"), "REQ")
    context.service, context.operation = model, model.operation_model(operation)
    context.params = params
    Dispatcher({"s3": provider}, lambda service: POLICY).dispatch(context)
    return provider


def test_members_the_method_takes_are_passed() -> None:
    got = _dispatch("PutObject", {"Bucket": "b", "Key": "k", "ContentType": "text/plain"})
    assert got.calls == [{"bucket": "b", "key": "k", "content_type": "text/plain"}]


def test_ignored_members_are_dropped() -> None:
    params = {"Bucket": "b", "Key": "k", "ExpectedBucketOwner": "1", "RequestPayer": "requester"}
    assert _dispatch("PutObject", params).calls == [{"bucket": "b", "key": "k"}]
    assert _dispatch("GetObject", {"Bucket": "b", "Key": "k", "ExpectedBucketOwner": "1"}).calls


@pytest.mark.parametrize(
    ("operation", "member", "value"),
    [
        ("PutObject", "SSEKMSKeyId", "alias/key"),  # a **kw method that does not read it
        ("PutObject", "ObjectLockMode", "GOVERNANCE"),
        ("GetObject", "SSECustomerAlgorithm", "AES256"),  # a method without **kw
        ("GetObject", "RequestPayer", "requester"),  # ignored for PutObject only
    ],
)
def test_unhandled_member_is_refused_naming_it(operation: str, member: str, value: str) -> None:
    with pytest.raises(UnsupportedMember) as info:
        _dispatch(operation, {"Bucket": "b", "Key": "k", member: value})
    assert (info.value.code, info.value.status) == ("NotImplemented", 501)
    assert f"the member {member} of s3 {operation}" in info.value.message


def test_kw_method_without_declared_members_is_strict_too() -> None:
    with pytest.raises(UnsupportedMember):
        _dispatch("HeadObject", {"Bucket": "b", "Key": "k"})
