from __future__ import annotations

import base64
import hashlib
import os
import zlib
from datetime import UTC, datetime, timedelta

import pytest
from s3_engine_helpers import ACCOUNT, REGION, Body, Harness, put, read

from lakestack.core import checksums
from lakestack.core.events import ObjectCreated, ObjectRemoved
from lakestack.core.storage.directory import DELETE_GRACE_SECONDS
from lakestack.services.s3 import errors
from lakestack.services.s3.engine import S3Engine
from lakestack.services.s3.models import ObjectMetadata

POLICY = (
    '{"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:DeleteBucket", '
    '"Resource": "arn:aws:s3:::bkt"}]}'
)
TRICKY = [
    "a",
    "a/b",
    "a/b/",
    "é/ü/日本",
    "k" * 1024,
    "../../etc/passwd",
    "a/../../b",
    "/leading",
    "x//y",
    "ctl\x01\x1f\x7fchar",
    "sp ace+plus%pct",
    "a.tar.gz",
    "..",
    ".",
]


def _b64md5(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data).digest()).decode()


def test_put_object_then_get_returns_bytes_and_md5_etag(s3: S3Engine, bucket: str) -> None:
    v = put(s3, bucket, "k.parquet", b"hello")
    assert v.etag == f'"{hashlib.md5(b"hello").hexdigest()}"'
    assert v.version_id == "null" and v.size == 5
    assert v.blob.endswith(".parquet")
    assert read(s3, bucket, "k.parquet") == b"hello"
    d = s3.head_object(ACCOUNT, REGION, bucket, "k.parquet")
    assert d.version.content_type == "binary/octet-stream"
    assert d.length == 5 and d.content_range is None


def test_put_object_metadata_roundtrips(s3: S3Engine, bucket: str) -> None:
    expires = datetime(2030, 1, 1, tzinfo=UTC)
    meta = ObjectMetadata(
        content_type="text/csv",
        content_encoding="gzip",
        content_disposition="attachment",
        content_language="en",
        cache_control="no-cache",
        expires=expires,
        user={"a": "1"},
    )
    put(s3, bucket, "k", metadata=meta, tags={"t": "v"})
    v = s3.head_object(ACCOUNT, REGION, bucket, "k").version
    assert v.metadata == meta
    assert v.tags == {"t": "v"}


def test_put_object_missing_bucket_raises_no_such_bucket(s3: S3Engine) -> None:
    with pytest.raises(errors.NoSuchBucket):
        put(s3, "nobkt", "k")


def test_put_object_key_too_long_raises(s3: S3Engine, bucket: str) -> None:
    with pytest.raises(errors.KeyTooLongError):
        put(s3, bucket, "é" * 513)


@pytest.mark.parametrize("key", TRICKY)
def test_put_object_tricky_keys_roundtrip_inside_data_dir(
    h: Harness, s3: S3Engine, bucket: str, key: str
) -> None:
    v = put(s3, bucket, key, key.encode())
    assert read(s3, bucket, key) == key.encode()
    assert os.path.realpath(v.blob).startswith(os.path.realpath(h.root) + os.sep)
    for dirpath, _, files in os.walk(h.root):
        for f in files:
            assert os.path.realpath(os.path.join(dirpath, f)).startswith(os.path.realpath(h.root))


def test_get_object_missing_key_raises_no_such_key(s3: S3Engine, bucket: str) -> None:
    with pytest.raises(errors.NoSuchKey) as e:
        s3.get_object(ACCOUNT, REGION, bucket, "nope")
    assert e.value.fields == {"Key": "nope"} and not e.value.delete_marker


def test_put_object_content_md5_mismatch_raises_bad_digest(
    h: Harness, s3: S3Engine, bucket: str
) -> None:
    with pytest.raises(errors.BadDigest):
        put(s3, bucket, "k", b"data", content_md5=_b64md5(b"other"))
    with pytest.raises(errors.InvalidDigest):
        put(s3, bucket, "k", b"data", content_md5="bm90bWQ1")
    put(s3, bucket, "k", b"data", content_md5=_b64md5(b"data"))
    _assert_only_referenced_blobs(h, 1)


def _assert_only_referenced_blobs(h: Harness, n: int) -> None:
    h.clock.advance(DELETE_GRACE_SECONDS)  # replaced blobs go after their grace period
    h.engine.housekeeping()
    blobs = [f for _, _, fs in os.walk(h.root / "s3" / "blobs") for f in fs]
    assert len(blobs) == n
    assert os.listdir(h.root / "s3" / "tmp") == []


@pytest.mark.parametrize("algo", ["CRC32", "CRC32C", "SHA1", "SHA256"])
def test_put_object_checksum_header_verified(
    h: Harness, s3: S3Engine, bucket: str, algo: str
) -> None:
    good = checksums.checksum(algo, b"data")
    v = put(s3, bucket, "k", b"data", checksums_given={algo: good})
    assert v.checksum.algorithm == algo and v.checksum.value == good
    bad = checksums.checksum(algo, b"datb")
    with pytest.raises(errors.BadDigest) as e:
        put(s3, bucket, "k2", b"data", checksums_given={algo: bad})
    assert e.value.message == f"The {algo} you specified did not match the calculated checksum."
    with pytest.raises(errors.NoSuchKey):
        s3.head_object(ACCOUNT, REGION, bucket, "k2")
    _assert_only_referenced_blobs(h, 1)


def test_put_object_checksum_trailer_verified(h: Harness, s3: S3Engine, bucket: str) -> None:
    crc = base64.b64encode(zlib.crc32(b"data").to_bytes(4, "big")).decode()
    v = s3.put_object(
        ACCOUNT,
        REGION,
        bucket,
        "k",
        Body(b"data", {"x-amz-checksum-crc32": crc}),
        checksum_algorithm="CRC32",
    )
    assert v.checksum.value == crc
    # trailer naming an algorithm that was not announced is still verified
    v = s3.put_object(
        ACCOUNT,
        REGION,
        bucket,
        "k",
        Body(b"data", {"x-amz-checksum-sha256": checksums.checksum("SHA256", b"data")}),
    )
    assert v.checksum.algorithm == "SHA256"
    with pytest.raises(errors.BadDigest):
        s3.put_object(
            ACCOUNT,
            REGION,
            bucket,
            "k2",
            Body(b"data", {"x-amz-checksum-crc32": "AAAAAA=="}),
            checksum_algorithm="CRC32",
        )
    with pytest.raises(errors.NoSuchKey):
        s3.head_object(ACCOUNT, REGION, bucket, "k2")


def test_put_object_checksum_invalid_value_raises_invalid_request(
    s3: S3Engine, bucket: str
) -> None:
    with pytest.raises(errors.InvalidRequest, match="x-amz-checksum-crc32 header is invalid"):
        put(s3, bucket, "k", checksums_given={"CRC32": "!!"})
    with pytest.raises(errors.InvalidRequest, match="Multiple checksum"):
        put(s3, bucket, "k", checksums_given={"CRC32": "AAAAAA==", "SHA1": "AAAAAA=="})


def test_put_object_unknown_checksum_algorithm_raises(s3: S3Engine, bucket: str) -> None:
    with pytest.raises(errors.InvalidRequest, match="ADLER32 is not supported"):
        put(s3, bucket, "k", checksum_algorithm="ADLER32")


def test_put_object_if_none_match_star_on_existing_raises(s3: S3Engine, bucket: str) -> None:
    put(s3, bucket, "k", if_none_match="*")
    with pytest.raises(errors.PreconditionFailed) as e:
        put(s3, bucket, "k", b"2", if_none_match="*")
    assert e.value.status == 412
    assert read(s3, bucket, "k") == b"x"
    with pytest.raises(errors.NotImplementedHeader):
        put(s3, bucket, "k", if_none_match='"abc"')


def test_put_object_if_match(s3: S3Engine, bucket: str) -> None:
    with pytest.raises(errors.NoSuchKey):
        put(s3, bucket, "k", if_match='"abc"')
    v = put(s3, bucket, "k")
    with pytest.raises(errors.PreconditionFailed):
        put(s3, bucket, "k", b"2", if_match='"abc"')
    put(s3, bucket, "k", b"2", if_match=v.etag)
    assert read(s3, bucket, "k") == b"2"


@pytest.mark.parametrize(
    ("spec", "expected", "content_range"),
    [
        ("bytes=0-3", b"0123", "bytes 0-3/10"),
        ("bytes=7-", b"789", "bytes 7-9/10"),
        ("bytes=-2", b"89", "bytes 8-9/10"),
        ("bytes=5-100", b"56789", "bytes 5-9/10"),
        ("bytes=-100", b"0123456789", "bytes 0-9/10"),
        ("bytes=5-2", b"0123456789", None),
        ("chars=1-2", b"0123456789", None),
        ("bytes=1-2,4-5", b"0123456789", None),
    ],
)
def test_get_object_range(
    s3: S3Engine, bucket: str, spec: str, expected: bytes, content_range: str | None
) -> None:
    put(s3, bucket, "k", b"0123456789")
    d = s3.get_object(ACCOUNT, REGION, bucket, "k", range=spec)
    assert read(s3, bucket, "k", range=spec) == expected
    assert d.content_range == content_range


@pytest.mark.parametrize("spec", ["bytes=10-", "bytes=10-20", "bytes=-0"])
def test_get_object_unsatisfiable_range_raises_invalid_range(
    s3: S3Engine, bucket: str, spec: str
) -> None:
    put(s3, bucket, "k", b"0123456789")
    with pytest.raises(errors.InvalidRange) as e:
        s3.get_object(ACCOUNT, REGION, bucket, "k", range=spec)
    assert e.value.status == 416


def test_get_object_conditions(h: Harness, s3: S3Engine, bucket: str) -> None:
    v = put(s3, bucket, "k")
    lm = v.last_modified_dt
    before, after = lm - timedelta(seconds=10), lm + timedelta(seconds=10)

    def get(**kw: object) -> None:
        s3.get_object(ACCOUNT, REGION, bucket, "k", **kw)

    get(if_match=v.etag)
    get(if_match="*")
    with pytest.raises(errors.PreconditionFailed):
        get(if_match='"nope"')
    with pytest.raises(errors.NotModified) as e:
        get(if_none_match=v.etag)
    assert e.value.status == 304
    get(if_none_match='"other"')
    with pytest.raises(errors.NotModified):
        get(if_modified_since=after)
    get(if_modified_since=before)
    with pytest.raises(errors.PreconditionFailed):
        get(if_unmodified_since=before)
    get(if_unmodified_since=after)
    # precedence: If-Match true wins over If-Unmodified-Since false
    get(if_match=v.etag, if_unmodified_since=before)
    # If-None-Match false + If-Modified-Since true(not modified) -> still 200 per RFC order
    get(if_none_match='"other"', if_modified_since=after)
    with pytest.raises(errors.NotModified):
        get(if_none_match=v.etag, if_modified_since=before)
    with pytest.raises(errors.PreconditionFailed):
        s3.head_object(ACCOUNT, REGION, bucket, "k", if_match='"nope"')


def test_overwritten_object_stays_readable_by_a_get_in_flight(
    h: Harness, s3: S3Engine, bucket: str
) -> None:
    put(s3, bucket, "k", b"old")
    in_flight = s3.get_object(ACCOUNT, REGION, bucket, "k")  # resolved, not yet sent
    put(s3, bucket, "k", b"new")
    s3.delete_object(ACCOUNT, REGION, bucket, "k")
    with open(in_flight.path, "rb") as f:
        assert f.read() == b"old"
    _assert_only_referenced_blobs(h, 0)


def test_delete_object_unversioned_removes_and_missing_is_ok(
    h: Harness, s3: S3Engine, bucket: str
) -> None:
    put(s3, bucket, "k")
    r = s3.delete_object(ACCOUNT, REGION, bucket, "k")
    assert not r.delete_marker and r.version_id is None
    with pytest.raises(errors.NoSuchKey):
        s3.get_object(ACCOUNT, REGION, bucket, "k")
    s3.delete_object(ACCOUNT, REGION, bucket, "k")
    _assert_only_referenced_blobs(h, 0)


def test_delete_objects_quiet_and_errors(s3: S3Engine, bucket: str) -> None:
    put(s3, bucket, "a")
    put(s3, bucket, "b")
    r = s3.delete_objects(
        ACCOUNT, REGION, bucket, [("a", None), ("b", None), ("c", None), ("k" * 2000, None)]
    )
    assert [d.key for d in r.deleted] == ["a", "b", "c"]
    assert [(e.key[:1], e.code) for e in r.errors] == [("k", "KeyTooLongError")]
    with pytest.raises(errors.MalformedXML):
        s3.delete_objects(ACCOUNT, REGION, bucket, [])


def test_put_object_overwrite_deletes_old_blob_after_grace(
    h: Harness, s3: S3Engine, bucket: str
) -> None:
    old = put(s3, bucket, "k", b"1")
    new = put(s3, bucket, "k", b"2")
    assert os.path.exists(old.blob) and os.path.exists(new.blob)  # a GET may still send it
    _assert_only_referenced_blobs(h, 1)
    assert not os.path.exists(old.blob)


def test_put_object_publishes_events(h: Harness, s3: S3Engine, bucket: str) -> None:
    v = put(s3, bucket, "k", b"abc")
    s3.delete_object(ACCOUNT, REGION, bucket, "k")
    created, removed = h.seen
    assert isinstance(created, ObjectCreated) and isinstance(removed, ObjectRemoved)
    assert (created.bucket, created.key, created.size, created.etag, created.event_name) == (
        bucket,
        "k",
        3,
        v.etag.strip('"'),
        "ObjectCreated:Put",
    )
    assert removed.event_name == "ObjectRemoved:Delete"
    assert created.sequencer < removed.sequencer


def test_copy_object_copies_bytes_and_metadata(s3: S3Engine, bucket: str) -> None:
    src = put(
        s3,
        bucket,
        "src.json",
        b"{}",
        metadata=ObjectMetadata(content_type="a/json", user={"m": "1"}),
        tags={"t": "1"},
    )
    new, source = s3.copy_object(
        ACCOUNT, REGION, bucket, "dst.json", source_bucket=bucket, source_key="src.json"
    )
    assert new.etag == src.etag and source.version_id == "null"
    assert new.metadata.user == {"m": "1"} and new.tags == {"t": "1"}
    assert read(s3, bucket, "dst.json") == b"{}"
    new, _ = s3.copy_object(
        ACCOUNT,
        REGION,
        bucket,
        "dst2",
        source_bucket=bucket,
        source_key="src.json",
        metadata_directive="REPLACE",
        metadata=ObjectMetadata(content_type="text/plain"),
        tagging_directive="REPLACE",
        tags={},
    )
    assert new.metadata.user == {} and new.content_type == "text/plain" and new.tags == {}
    s3.delete_object(ACCOUNT, REGION, bucket, "src.json")
    assert read(s3, bucket, "dst.json") == b"{}"


def test_copy_object_onto_itself_requires_replace(s3: S3Engine, bucket: str) -> None:
    put(s3, bucket, "k")
    with pytest.raises(errors.InvalidRequest, match="copy an object to itself"):
        s3.copy_object(ACCOUNT, REGION, bucket, "k", source_bucket=bucket, source_key="k")
    new, _ = s3.copy_object(
        ACCOUNT,
        REGION,
        bucket,
        "k",
        source_bucket=bucket,
        source_key="k",
        metadata_directive="REPLACE",
        metadata=ObjectMetadata(user={"n": "2"}),
    )
    assert new.metadata.user == {"n": "2"}
    assert read(s3, bucket, "k") == b"x"


def test_copy_object_source_conditions_raise_precondition_failed(s3: S3Engine, bucket: str) -> None:
    v = put(s3, bucket, "k")
    kw = dict(source_bucket=bucket, source_key="k")
    with pytest.raises(errors.PreconditionFailed):
        s3.copy_object(ACCOUNT, REGION, bucket, "d", copy_source_if_match='"x"', **kw)
    with pytest.raises(errors.PreconditionFailed):
        s3.copy_object(ACCOUNT, REGION, bucket, "d", copy_source_if_none_match=v.etag, **kw)
    with pytest.raises(errors.PreconditionFailed):
        s3.copy_object(
            ACCOUNT,
            REGION,
            bucket,
            "d",
            copy_source_if_modified_since=v.last_modified_dt + timedelta(1),
            **kw,
        )
    s3.copy_object(ACCOUNT, REGION, bucket, "d", copy_source_if_match=v.etag, **kw)


def test_copy_object_missing_source_raises_no_such_key(s3: S3Engine, bucket: str) -> None:
    with pytest.raises(errors.NoSuchKey):
        s3.copy_object(ACCOUNT, REGION, bucket, "d", source_bucket=bucket, source_key="nope")


def test_put_object_tagging_roundtrip(s3: S3Engine, bucket: str) -> None:
    put(s3, bucket, "k")
    s3.put_object_tagging(ACCOUNT, REGION, bucket, "k", {"a": "1", "b": "2"})
    assert s3.get_object_tagging(ACCOUNT, REGION, bucket, "k") == ("null", {"a": "1", "b": "2"})
    s3.delete_object_tagging(ACCOUNT, REGION, bucket, "k")
    assert s3.get_object_tagging(ACCOUNT, REGION, bucket, "k")[1] == {}
    with pytest.raises(errors.BadRequest):
        s3.put_object_tagging(ACCOUNT, REGION, bucket, "k", {str(i): "" for i in range(11)})
    with pytest.raises(errors.NoSuchKey):
        s3.get_object_tagging(ACCOUNT, REGION, bucket, "nope")


def test_reopen_engine_keeps_state_and_sweeps_litter(h: Harness, s3: S3Engine, bucket: str) -> None:
    for key in TRICKY:
        put(s3, bucket, key, key.encode())
    s3.put_bucket_policy(ACCOUNT, REGION, bucket, POLICY)
    (h.root / "s3" / "tmp" / "half-written").write_bytes(b"partial")
    orphan = h.root / "s3" / "blobs" / "zz"
    orphan.mkdir()
    (orphan / "deadbeef.parquet").write_bytes(b"renamed but never committed")
    s3 = h.reopen()
    for key in TRICKY:
        assert read(s3, bucket, key) == key.encode()
    assert s3.get_bucket_policy(ACCOUNT, REGION, bucket) == POLICY
    assert os.listdir(h.root / "s3" / "tmp") == []
    assert not (orphan / "deadbeef.parquet").exists()
    _assert_only_referenced_blobs(h, len(TRICKY))


def test_get_object_attributes(s3: S3Engine, bucket: str) -> None:
    put(s3, bucket, "k", b"abc", checksum_algorithm="CRC32")
    v = s3.get_object_attributes(ACCOUNT, REGION, bucket, "k")
    assert v.size == 3 and v.checksum.algorithm == "CRC32"
