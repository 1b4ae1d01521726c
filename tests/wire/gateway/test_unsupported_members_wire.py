"""A request member lakestack does not handle answers 501 ``NotImplemented`` naming it,
through boto3, instead of vanishing; members clients send by default still work."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError

CASES = [
    (
        "s3",
        "put_object",
        {
            "Bucket": "bkt",
            "Key": "k",
            "Body": b"x",
            "ObjectLockMode": "GOVERNANCE",
            "ObjectLockRetainUntilDate": datetime(2030, 1, 1, tzinfo=UTC),
        },
        "ObjectLock",
    ),
    (
        "s3",
        "list_objects_v2",
        {"Bucket": "bkt", "OptionalObjectAttributes": ["RestoreStatus"]},
        "OptionalObjectAttributes",
    ),
    ("glue", "get_tables", {"DatabaseName": "db", "TransactionId": "t1"}, "TransactionId"),
    (
        "athena",
        "start_query_execution",
        {
            "QueryString": "SELECT 1",
            "ResultReuseConfiguration": {"ResultReuseByAgeConfiguration": {"Enabled": True}},
        },
        "ResultReuseConfiguration",
    ),
]


@pytest.mark.parametrize(
    ("service", "call", "kwargs", "member"), CASES, ids=[f"{c[0]}.{c[1]}" for c in CASES]
)
def test_unhandled_member_answers_not_implemented_naming_it(
    lakestack_client: Callable[..., Any],
    service: str,
    call: str,
    kwargs: dict[str, Any],
    member: str,
) -> None:
    if service == "s3":
        lakestack_client("s3").create_bucket(Bucket="bkt")
    with pytest.raises(ClientError) as info:
        getattr(lakestack_client(service), call)(**kwargs)
    error = info.value.response["Error"]
    assert error["Code"] == "NotImplemented"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert f"the member {member}" in error["Message"]
    assert f"of {service} " in error["Message"]


def test_nothing_is_stored_when_a_member_is_refused(lakestack_client: Callable[..., Any]) -> None:
    s3 = lakestack_client("s3")
    s3.create_bucket(Bucket="bkt")
    with pytest.raises(ClientError):
        s3.put_object(Bucket="bkt", Key="k", Body=b"x", ObjectLockLegalHoldStatus="ON")
    assert s3.list_objects_v2(Bucket="bkt")["KeyCount"] == 0


def test_members_sdks_send_by_default_are_accepted(lakestack_client: Callable[..., Any]) -> None:
    s3 = lakestack_client("s3")
    s3.create_bucket(Bucket="bkt")
    s3.put_bucket_versioning(Bucket="bkt", VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket="bkt", Key="k", Body=b"x", ExpectedBucketOwner="000000000000")
    s3.delete_objects(Bucket="bkt", Delete={"Objects": [{"Key": "k"}]})  # ChecksumAlgorithm
    assert s3.get_bucket_versioning(Bucket="bkt")["Status"] == "Enabled"
