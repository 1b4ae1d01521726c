"""Versioned and suspended buckets through boto3: versions, delete markers, by-version ops."""

from __future__ import annotations

from typing import Any

import botocore.exceptions
import pytest


def _code(exc: pytest.ExceptionInfo[botocore.exceptions.ClientError]) -> tuple[str, int]:
    r = exc.value.response
    return r["Error"]["Code"], r["ResponseMetadata"]["HTTPStatusCode"]


@pytest.fixture
def s3(lakestack_client: Any) -> Any:
    client = lakestack_client("s3")
    client.create_bucket(Bucket="ver")
    client.put_bucket_versioning(Bucket="ver", VersioningConfiguration={"Status": "Enabled"})
    return client


def test_versions_and_delete_markers(s3: Any) -> None:
    v1 = s3.put_object(Bucket="ver", Key="k", Body=b"one")["VersionId"]
    v2 = s3.put_object(Bucket="ver", Key="k", Body=b"two")["VersionId"]
    assert v1 != v2 and "null" not in (v1, v2)
    assert s3.get_object(Bucket="ver", Key="k")["Body"].read() == b"two"
    assert s3.get_object(Bucket="ver", Key="k", VersionId=v1)["Body"].read() == b"one"
    assert s3.head_object(Bucket="ver", Key="k", VersionId=v1)["ContentLength"] == 3

    deleted = s3.delete_object(Bucket="ver", Key="k")
    assert deleted["DeleteMarker"] is True
    marker = deleted["VersionId"]
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        s3.get_object(Bucket="ver", Key="k")
    assert _code(exc) == ("NoSuchKey", 404)
    assert exc.value.response["ResponseMetadata"]["HTTPHeaders"]["x-amz-delete-marker"] == "true"
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        s3.get_object(Bucket="ver", Key="k", VersionId=marker)
    assert _code(exc) == ("MethodNotAllowed", 405)

    listing = s3.list_object_versions(Bucket="ver")
    assert [(v["VersionId"], v["IsLatest"]) for v in listing["Versions"]] == [
        (v2, False),
        (v1, False),
    ]
    assert [(m["VersionId"], m["IsLatest"]) for m in listing["DeleteMarkers"]] == [(marker, True)]
    assert "Contents" not in s3.list_objects_v2(Bucket="ver")

    s3.delete_object(Bucket="ver", Key="k", VersionId=marker)  # removing the marker restores
    assert s3.get_object(Bucket="ver", Key="k")["Body"].read() == b"two"


def test_get_missing_version_raises_no_such_version(s3: Any) -> None:
    s3.put_object(Bucket="ver", Key="k", Body=b"x")
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        s3.get_object(Bucket="ver", Key="k", VersionId="AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
    assert _code(exc)[0] in ("NoSuchVersion", "InvalidArgument")
    assert _code(exc)[1] in (400, 404)


def test_copy_by_version_id(s3: Any) -> None:
    v1 = s3.put_object(Bucket="ver", Key="k", Body=b"one")["VersionId"]
    s3.put_object(Bucket="ver", Key="k", Body=b"two")
    s3.copy_object(
        Bucket="ver", Key="copy", CopySource={"Bucket": "ver", "Key": "k", "VersionId": v1}
    )
    assert s3.get_object(Bucket="ver", Key="copy")["Body"].read() == b"one"


def test_permanent_delete_of_a_version(s3: Any) -> None:
    v1 = s3.put_object(Bucket="ver", Key="k", Body=b"one")["VersionId"]
    v2 = s3.put_object(Bucket="ver", Key="k", Body=b"two")["VersionId"]
    s3.delete_object(Bucket="ver", Key="k", VersionId=v2)
    assert s3.get_object(Bucket="ver", Key="k")["Body"].read() == b"one"
    assert [v["VersionId"] for v in s3.list_object_versions(Bucket="ver")["Versions"]] == [v1]


def test_suspended_bucket_writes_null_version_replacing_previous_null(s3: Any) -> None:
    v1 = s3.put_object(Bucket="ver", Key="k", Body=b"one")["VersionId"]
    s3.put_bucket_versioning(Bucket="ver", VersioningConfiguration={"Status": "Suspended"})
    s3.put_object(Bucket="ver", Key="k", Body=b"n1")
    s3.put_object(Bucket="ver", Key="k", Body=b"n2")
    versions = s3.list_object_versions(Bucket="ver")["Versions"]
    assert sorted(v["VersionId"] for v in versions) == sorted(["null", v1])
    assert s3.get_object(Bucket="ver", Key="k", VersionId="null")["Body"].read() == b"n2"


def test_delete_objects_with_versions_in_versioned_bucket(s3: Any) -> None:
    v1 = s3.put_object(Bucket="ver", Key="a", Body=b"1")["VersionId"]
    resp = s3.delete_objects(
        Bucket="ver", Delete={"Objects": [{"Key": "a", "VersionId": v1}, {"Key": "b"}]}
    )
    by_key = {d["Key"]: d for d in resp["Deleted"]}
    assert by_key["a"]["VersionId"] == v1
    assert by_key["b"]["DeleteMarker"] is True
    assert "Versions" not in s3.list_object_versions(Bucket="ver")
