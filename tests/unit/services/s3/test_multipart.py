from __future__ import annotations

import hashlib
import os

import pytest
from s3_engine_helpers import ACCOUNT, REGION, Body, Harness, put, read

from lakestack.core import checksums
from lakestack.services.s3 import errors
from lakestack.services.s3.engine import CompletedPart, S3Engine
from lakestack.services.s3.multipart import MIN_PART_SIZE

P1 = b"a" * MIN_PART_SIZE
P2 = b"tail"


def _upload(s3: S3Engine, bucket: str, key: str = "big.parquet", **kw: object) -> str:
    return s3.create_multipart_upload(ACCOUNT, REGION, bucket, key, **kw).upload_id


def _part(
    s3: S3Engine, bucket: str, uid: str, n: int, data: bytes, key: str = "big.parquet", **kw: object
) -> CompletedPart:
    p = s3.upload_part(ACCOUNT, REGION, bucket, key, uid, n, Body(data), **kw)
    return CompletedPart(n, p.etag)


def test_complete_multipart_upload_concatenates(h: Harness, s3: S3Engine, bucket: str) -> None:
    uid = _upload(s3, bucket)
    parts = [_part(s3, bucket, uid, 1, P1), _part(s3, bucket, uid, 2, P2)]
    v = s3.complete_multipart_upload(ACCOUNT, REGION, bucket, "big.parquet", uid, parts)
    md5s = hashlib.md5(P1).digest() + hashlib.md5(P2).digest()
    assert v.etag == f'"{hashlib.md5(md5s).hexdigest()}-2"'
    assert v.size == len(P1) + len(P2) and v.parts_count == 2
    assert read(s3, bucket, "big.parquet") == P1 + P2
    assert v.blob.endswith(".parquet")
    with pytest.raises(errors.NoSuchUpload):
        s3.list_parts(ACCOUNT, REGION, bucket, "big.parquet", uid)
    blobs = [f for _, _, fs in os.walk(h.root / "s3" / "blobs") for f in fs]
    assert len(blobs) == 1
    assert h.seen[-1].event_name == "ObjectCreated:CompleteMultipartUpload"


def test_upload_part_reupload_overwrites(s3: S3Engine, bucket: str) -> None:
    uid = _upload(s3, bucket)
    _part(s3, bucket, uid, 1, b"old")
    p = _part(s3, bucket, uid, 1, b"new")
    r = s3.list_parts(ACCOUNT, REGION, bucket, "big.parquet", uid)
    assert [(x.part_number, x.etag) for x in r.parts] == [(1, p.etag)]
    s3.complete_multipart_upload(ACCOUNT, REGION, bucket, "big.parquet", uid, [p])
    assert read(s3, bucket, "big.parquet") == b"new"


@pytest.mark.parametrize("n", [0, 10001])
def test_upload_part_bad_number_raises_invalid_argument(s3: S3Engine, bucket: str, n: int) -> None:
    uid = _upload(s3, bucket)
    with pytest.raises(errors.InvalidArgument, match="between 1 and 10000"):
        _part(s3, bucket, uid, n, b"x")


def test_complete_multipart_upload_rules(s3: S3Engine, bucket: str) -> None:
    uid = _upload(s3, bucket)
    p1 = _part(s3, bucket, uid, 1, b"small")
    p2 = _part(s3, bucket, uid, 2, P2)

    def complete(parts: list[CompletedPart]) -> object:
        return s3.complete_multipart_upload(ACCOUNT, REGION, bucket, "big.parquet", uid, parts)

    with pytest.raises(errors.InvalidPartOrder):
        complete([p2, p1])
    with pytest.raises(errors.InvalidPart):
        complete([p1, CompletedPart(3, p2.etag)])
    with pytest.raises(errors.InvalidPart):
        complete([p1, CompletedPart(2, '"0000"')])
    with pytest.raises(errors.EntityTooSmall):
        complete([p1, p2])
    with pytest.raises(errors.MalformedXML):
        complete([])
    complete([p2])  # a single small part is fine


def test_upload_part_unknown_upload_raises_no_such_upload(s3: S3Engine, bucket: str) -> None:
    with pytest.raises(errors.NoSuchUpload):
        _part(s3, bucket, "nope", 1, b"x")


def test_abort_multipart_upload_removes_parts(h: Harness, s3: S3Engine, bucket: str) -> None:
    uid = _upload(s3, bucket)
    _part(s3, bucket, uid, 1, b"x")
    s3.abort_multipart_upload(ACCOUNT, REGION, bucket, "big.parquet", uid)
    with pytest.raises(errors.NoSuchUpload):
        s3.abort_multipart_upload(ACCOUNT, REGION, bucket, "big.parquet", uid)
    assert [f for _, _, fs in os.walk(h.root / "s3" / "blobs") for f in fs] == []


def test_upload_part_copy_with_range(s3: S3Engine, bucket: str) -> None:
    put(s3, bucket, "src", b"0123456789")
    uid = _upload(s3, bucket)
    part, src = s3.upload_part_copy(
        ACCOUNT,
        REGION,
        bucket,
        "big.parquet",
        uid,
        1,
        source_bucket=bucket,
        source_key="src",
        copy_source_range="bytes=2-5",
    )
    assert part.size == 4 and part.etag == f'"{hashlib.md5(b"2345").hexdigest()}"'
    with pytest.raises(errors.InvalidRange):
        s3.upload_part_copy(
            ACCOUNT,
            REGION,
            bucket,
            "big.parquet",
            uid,
            2,
            source_bucket=bucket,
            source_key="src",
            copy_source_range="bytes=5-10",
        )
    s3.complete_multipart_upload(
        ACCOUNT, REGION, bucket, "big.parquet", uid, [CompletedPart(1, part.etag)]
    )
    assert read(s3, bucket, "big.parquet") == b"2345"


def test_complete_multipart_upload_composite_checksum(s3: S3Engine, bucket: str) -> None:
    uid = _upload(s3, bucket, checksum_algorithm="CRC32")
    parts = [
        _part(s3, bucket, uid, 1, P1, checksum_algorithm="CRC32"),
        _part(s3, bucket, uid, 2, P2),
    ]
    v = s3.complete_multipart_upload(ACCOUNT, REGION, bucket, "big.parquet", uid, parts)
    expected = checksums.composite(
        "CRC32", [checksums.checksum("CRC32", P1), checksums.checksum("CRC32", P2)]
    )
    assert (v.checksum.value, v.checksum.type) == (expected, "COMPOSITE")


def test_complete_multipart_upload_full_object_checksum(s3: S3Engine, bucket: str) -> None:
    uid = _upload(s3, bucket, checksum_algorithm="CRC32C", checksum_type="FULL_OBJECT")
    parts = [_part(s3, bucket, uid, 1, P1), _part(s3, bucket, uid, 2, P2)]
    v = s3.complete_multipart_upload(ACCOUNT, REGION, bucket, "big.parquet", uid, parts)
    assert v.checksum.value == checksums.checksum("CRC32C", P1 + P2)
    with pytest.raises(errors.InvalidRequest):
        _upload(s3, bucket, checksum_algorithm="SHA256", checksum_type="FULL_OBJECT")


def test_upload_part_checksum_algorithm_mismatch_raises(s3: S3Engine, bucket: str) -> None:
    uid = _upload(s3, bucket, checksum_algorithm="CRC32")
    with pytest.raises(errors.InvalidRequest, match="Checksum Type mismatch"):
        _part(s3, bucket, uid, 1, b"x", checksum_algorithm="SHA256")


def test_complete_multipart_upload_if_none_match(s3: S3Engine, bucket: str) -> None:
    put(s3, bucket, "big.parquet")
    uid = _upload(s3, bucket)
    p = _part(s3, bucket, uid, 1, b"x")
    with pytest.raises(errors.PreconditionFailed):
        s3.complete_multipart_upload(
            ACCOUNT, REGION, bucket, "big.parquet", uid, [p], if_none_match="*"
        )


def test_list_multipart_uploads_with_delimiter(s3: S3Engine, bucket: str) -> None:
    a = _upload(s3, bucket, "a/1")
    _upload(s3, bucket, "a/2")
    c = _upload(s3, bucket, "c")
    r = s3.list_multipart_uploads(ACCOUNT, REGION, bucket, delimiter="/")
    assert r.common_prefixes == ["a/"] and [u.upload_id for u in r.uploads] == [c]
    r = s3.list_multipart_uploads(ACCOUNT, REGION, bucket, max_uploads=1)
    assert r.is_truncated and r.uploads[0].upload_id == a
    r2 = s3.list_multipart_uploads(
        ACCOUNT,
        REGION,
        bucket,
        max_uploads=5,
        key_marker=r.next_key_marker,
        upload_id_marker=r.next_upload_id_marker,
    )
    assert [u.key for u in r2.uploads] == ["a/2", "c"]


def test_reopen_engine_keeps_uploads_and_parts(h: Harness, s3: S3Engine, bucket: str) -> None:
    uid = _upload(s3, bucket)
    p = _part(s3, bucket, uid, 1, b"part")
    s3 = h.reopen()
    s3.complete_multipart_upload(ACCOUNT, REGION, bucket, "big.parquet", uid, [p])
    assert read(s3, bucket, "big.parquet") == b"part"
