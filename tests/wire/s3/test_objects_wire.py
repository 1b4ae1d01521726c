"""S3 objects through boto3 against the live endpoint: put/get/head/copy/delete, ranges,
conditions, metadata, tagging, checksums, batch delete."""

from __future__ import annotations

import base64
import hashlib
import zlib
from datetime import UTC, datetime, timedelta
from typing import Any

import botocore.exceptions
import crc32c
import pytest


def _code(exc: pytest.ExceptionInfo[botocore.exceptions.ClientError]) -> tuple[str, int]:
    r = exc.value.response
    return r["Error"]["Code"], r["ResponseMetadata"]["HTTPStatusCode"]


@pytest.fixture
def s3(lakestack_client: Any) -> Any:
    client = lakestack_client("s3")
    client.create_bucket(Bucket="obj")
    return client


def test_put_get_head_object_with_metadata(s3: Any) -> None:
    md5 = hashlib.md5(b'{"a":1}').hexdigest()
    put = s3.put_object(
        Bucket="obj",
        Key="dir/a.json",
        Body=b'{"a":1}',
        ContentType="application/json",
        ContentEncoding="identity",
        ContentDisposition="attachment",
        CacheControl="max-age=60",
        Metadata={"Owner": "data-team", "x": "1"},
    )
    assert put["ETag"] == f'"{md5}"'
    got = s3.get_object(Bucket="obj", Key="dir/a.json")
    assert got["Body"].read() == b'{"a":1}'
    assert got["ContentType"] == "application/json"
    assert got["ContentDisposition"] == "attachment"
    assert got["CacheControl"] == "max-age=60"
    assert got["ContentEncoding"] == "identity"
    assert got["Metadata"] == {"owner": "data-team", "x": "1"}
    head = s3.head_object(Bucket="obj", Key="dir/a.json")
    assert head["ContentLength"] == 7 and head["ETag"] == put["ETag"]
    assert isinstance(head["LastModified"], datetime)


def test_put_object_default_content_type(s3: Any) -> None:
    s3.put_object(Bucket="obj", Key="k", Body=b"x")
    assert s3.head_object(Bucket="obj", Key="k")["ContentType"] == "binary/octet-stream"


def test_get_missing_key_raises_no_such_key(s3: Any) -> None:
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        s3.get_object(Bucket="obj", Key="missing")
    assert _code(exc) == ("NoSuchKey", 404)
    assert exc.value.response["Error"]["Key"] == "missing"


def test_put_into_missing_bucket_raises_no_such_bucket(s3: Any) -> None:
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        s3.put_object(Bucket="nobucket", Key="k", Body=b"x")
    assert _code(exc) == ("NoSuchBucket", 404)


def test_keys_a_and_a_slash_b_coexist(s3: Any) -> None:
    s3.put_object(Bucket="obj", Key="a", Body=b"1")
    s3.put_object(Bucket="obj", Key="a/b", Body=b"2")
    assert s3.get_object(Bucket="obj", Key="a")["Body"].read() == b"1"
    assert s3.get_object(Bucket="obj", Key="a/b")["Body"].read() == b"2"


@pytest.mark.parametrize(
    ("header", "expected", "status"),
    [
        ("bytes=0-3", b"0123", 206),
        ("bytes=5-", b"56789", 206),
        ("bytes=-3", b"789", 206),
        ("bytes=8-100", b"89", 206),
    ],
)
def test_range_get(s3: Any, header: str, expected: bytes, status: int) -> None:
    s3.put_object(Bucket="obj", Key="r", Body=b"0123456789")
    got = s3.get_object(Bucket="obj", Key="r", Range=header)
    assert got["ResponseMetadata"]["HTTPStatusCode"] == status
    assert got["Body"].read() == expected
    assert got["ContentRange"].endswith("/10")


def test_range_get_unsatisfiable_raises_invalid_range(s3: Any) -> None:
    s3.put_object(Bucket="obj", Key="r", Body=b"0123456789")
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        s3.get_object(Bucket="obj", Key="r", Range="bytes=20-30")
    assert _code(exc) == ("InvalidRange", 416)


def test_conditional_get(s3: Any) -> None:
    etag = s3.put_object(Bucket="obj", Key="c", Body=b"v1")["ETag"]
    assert s3.get_object(Bucket="obj", Key="c", IfMatch=etag)["Body"].read() == b"v1"
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        s3.get_object(Bucket="obj", Key="c", IfMatch='"0000"')
    assert _code(exc) == ("PreconditionFailed", 412)
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        s3.get_object(Bucket="obj", Key="c", IfNoneMatch=etag)
    assert _code(exc)[1] == 304
    future = datetime.now(UTC) + timedelta(days=1)
    past = datetime.now(UTC) - timedelta(days=1)
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        s3.get_object(Bucket="obj", Key="c", IfModifiedSince=future)
    assert _code(exc)[1] == 304
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        s3.get_object(Bucket="obj", Key="c", IfUnmodifiedSince=past)
    assert _code(exc) == ("PreconditionFailed", 412)
    # precedence: If-Match true wins over If-Unmodified-Since false
    got = s3.get_object(Bucket="obj", Key="c", IfMatch=etag, IfUnmodifiedSince=past)
    assert got["Body"].read() == b"v1"


def test_conditional_head(s3: Any) -> None:
    etag = s3.put_object(Bucket="obj", Key="h", Body=b"v1")["ETag"]
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        s3.head_object(Bucket="obj", Key="h", IfNoneMatch=etag)
    assert _code(exc)[1] == 304
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        s3.head_object(Bucket="obj", Key="h", IfMatch='"nope"')
    assert _code(exc)[1] == 412


def test_conditional_writes(s3: Any) -> None:
    s3.put_object(Bucket="obj", Key="w", Body=b"v1", IfNoneMatch="*")
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        s3.put_object(Bucket="obj", Key="w", Body=b"v2", IfNoneMatch="*")
    assert _code(exc) == ("PreconditionFailed", 412)
    etag = s3.head_object(Bucket="obj", Key="w")["ETag"]
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        s3.put_object(Bucket="obj", Key="w", Body=b"v2", IfMatch='"bad"')
    assert _code(exc) == ("PreconditionFailed", 412)
    s3.put_object(Bucket="obj", Key="w", Body=b"v2", IfMatch=etag)
    assert s3.get_object(Bucket="obj", Key="w")["Body"].read() == b"v2"


def test_copy_object_copies_or_replaces_metadata(s3: Any) -> None:
    s3.put_object(
        Bucket="obj", Key="src", Body=b"data", Metadata={"a": "1"}, ContentType="text/plain"
    )
    s3.copy_object(Bucket="obj", Key="dst1", CopySource={"Bucket": "obj", "Key": "src"})
    h1 = s3.head_object(Bucket="obj", Key="dst1")
    assert h1["Metadata"] == {"a": "1"} and h1["ContentType"] == "text/plain"
    s3.copy_object(
        Bucket="obj",
        Key="dst2",
        CopySource="obj/src",
        MetadataDirective="REPLACE",
        Metadata={"b": "2"},
        ContentType="application/octet-stream",
    )
    h2 = s3.head_object(Bucket="obj", Key="dst2")
    assert h2["Metadata"] == {"b": "2"} and h2["ContentType"] == "application/octet-stream"
    assert s3.get_object(Bucket="obj", Key="dst2")["Body"].read() == b"data"


def test_copy_object_onto_itself_without_change_is_invalid(s3: Any) -> None:
    s3.put_object(Bucket="obj", Key="self", Body=b"d")
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        s3.copy_object(Bucket="obj", Key="self", CopySource="obj/self")
    assert _code(exc) == ("InvalidRequest", 400)


def test_copy_object_missing_source_raises_no_such_key(s3: Any) -> None:
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        s3.copy_object(Bucket="obj", Key="d", CopySource="obj/none")
    assert _code(exc) == ("NoSuchKey", 404)


def test_object_tagging(s3: Any) -> None:
    s3.put_object(Bucket="obj", Key="t", Body=b"x", Tagging="a=1&b=two")
    tags = s3.get_object_tagging(Bucket="obj", Key="t")["TagSet"]
    assert sorted((t["Key"], t["Value"]) for t in tags) == [("a", "1"), ("b", "two")]
    s3.put_object_tagging(Bucket="obj", Key="t", Tagging={"TagSet": [{"Key": "c", "Value": "3"}]})
    assert s3.get_object_tagging(Bucket="obj", Key="t")["TagSet"] == [{"Key": "c", "Value": "3"}]
    s3.delete_object_tagging(Bucket="obj", Key="t")
    assert s3.get_object_tagging(Bucket="obj", Key="t")["TagSet"] == []


def test_delete_object_is_idempotent(s3: Any) -> None:
    s3.put_object(Bucket="obj", Key="d", Body=b"x")
    assert s3.delete_object(Bucket="obj", Key="d")["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert s3.delete_object(Bucket="obj", Key="d")["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_delete_objects_batch(s3: Any) -> None:
    for k in ("x1", "x2", "x3"):
        s3.put_object(Bucket="obj", Key=k, Body=b"x")
    resp = s3.delete_objects(
        Bucket="obj", Delete={"Objects": [{"Key": "x1"}, {"Key": "x2"}, {"Key": "never"}]}
    )
    assert sorted(d["Key"] for d in resp["Deleted"]) == ["never", "x1", "x2"]
    quiet = s3.delete_objects(Bucket="obj", Delete={"Objects": [{"Key": "x3"}], "Quiet": True})
    assert "Deleted" not in quiet
    assert "Contents" not in s3.list_objects_v2(Bucket="obj")


def test_default_upload_path_sends_crc32_trailer_and_it_is_verified(s3: Any) -> None:
    body = b"checksummed body" * 1000
    resp = s3.put_object(Bucket="obj", Key="crc", Body=body)
    expected = base64.b64encode(zlib.crc32(body).to_bytes(4, "big")).decode()
    assert resp["ChecksumCRC32"] == expected
    head = s3.head_object(Bucket="obj", Key="crc", ChecksumMode="ENABLED")
    assert head["ChecksumCRC32"] == expected


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


CHECKSUMS = {  # algorithm -> checksum of b"hello", computed independently of lakestack
    "CRC32": _b64(zlib.crc32(b"hello").to_bytes(4, "big")),
    "CRC32C": _b64(crc32c.crc32c(b"hello").to_bytes(4, "big")),
    "SHA1": _b64(hashlib.sha1(b"hello").digest()),
    "SHA256": _b64(hashlib.sha256(b"hello").digest()),
}


@pytest.mark.parametrize("algo", ["CRC32", "SHA1", "SHA256"])
def test_checksum_algorithm_computed_by_boto3_is_stored_and_returned(s3: Any, algo: str) -> None:
    resp = s3.put_object(Bucket="obj", Key=f"c-{algo}", Body=b"hello", ChecksumAlgorithm=algo)
    assert resp[f"Checksum{algo}"] == CHECKSUMS[algo]
    got = s3.get_object(Bucket="obj", Key=f"c-{algo}", ChecksumMode="ENABLED")
    assert got[f"Checksum{algo}"] == CHECKSUMS[algo]


@pytest.mark.parametrize("algo", sorted(CHECKSUMS))
def test_explicit_checksum_values_are_verified_and_returned(s3: Any, algo: str) -> None:
    # an explicit value is sent as a header; boto3 needs awscrt only to *compute* CRC32C
    resp = s3.put_object(
        Bucket="obj", Key=f"x-{algo}", Body=b"hello", **{f"Checksum{algo}": CHECKSUMS[algo]}
    )
    assert resp[f"Checksum{algo}"] == CHECKSUMS[algo]
    head = s3.head_object(Bucket="obj", Key=f"x-{algo}", ChecksumMode="ENABLED")
    assert head[f"Checksum{algo}"] == CHECKSUMS[algo]


def test_wrong_sha256_checksum_raises_and_stores_nothing(s3: Any) -> None:
    wrong = base64.b64encode(hashlib.sha256(b"other").digest()).decode()
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        s3.put_object(Bucket="obj", Key="bad", Body=b"hello", ChecksumSHA256=wrong)
    assert _code(exc)[0] in ("BadDigest", "InvalidRequest")
    assert _code(exc)[1] == 400
    assert "Contents" not in s3.list_objects_v2(Bucket="obj")


def test_wrong_content_md5_raises_bad_digest(s3: Any) -> None:
    wrong = base64.b64encode(hashlib.md5(b"other").digest()).decode()
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        s3.put_object(Bucket="obj", Key="bad", Body=b"hello", ContentMD5=wrong)
    assert _code(exc) == ("BadDigest", 400)
    assert "Contents" not in s3.list_objects_v2(Bucket="obj")


def test_unicode_and_long_keys(s3: Any) -> None:
    keys = ["日本/データ.parquet", "emoji 🙂/x", "k" * 1024]
    for k in keys:
        s3.put_object(Bucket="obj", Key=k, Body=k.encode())
        assert s3.get_object(Bucket="obj", Key=k)["Body"].read() == k.encode()
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        s3.put_object(Bucket="obj", Key="k" * 1025, Body=b"x")
    assert _code(exc) == ("KeyTooLongError", 400)
