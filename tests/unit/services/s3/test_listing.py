from __future__ import annotations

import pytest
from s3_engine_helpers import ACCOUNT, REGION, put

from lakestack.services.s3 import errors
from lakestack.services.s3.engine import S3Engine
from lakestack.services.s3.listing import url_encode

KEYS = ["a", "a/b", "a/c/d", "a0", "b/x", "b/y", "c", "é", "\x01ctl", "x//y", "/lead", "k" * 1024]


@pytest.fixture
def filled(s3: S3Engine, bucket: str) -> str:
    for k in KEYS:
        put(s3, bucket, k)
    return bucket


def _utf8_sorted(keys: list[str]) -> list[str]:
    return sorted(keys, key=lambda k: k.encode())


def _all_v2(s3: S3Engine, bucket: str, **kw: object) -> tuple[list[str], list[str]]:
    keys: list[str] = []
    prefixes: list[str] = []
    token = None
    while True:
        r = s3.list_objects_v2(ACCOUNT, REGION, bucket, continuation_token=token, **kw)
        assert r.key_count <= r.max_keys
        keys += [v.key for v in r.contents]
        prefixes += r.common_prefixes
        if not r.is_truncated:
            assert r.next_continuation_token is None
            return keys, prefixes
        token = r.next_continuation_token


def test_list_objects_v2_utf8_binary_order(s3: S3Engine, filled: str) -> None:
    r = s3.list_objects_v2(ACCOUNT, REGION, filled)
    assert [v.key for v in r.contents] == _utf8_sorted(KEYS)
    assert not r.is_truncated and r.key_count == len(KEYS)


@pytest.mark.parametrize("page", [1, 2, 3, 1000])
def test_list_objects_v2_pagination_with_delimiter(s3: S3Engine, filled: str, page: int) -> None:
    keys, prefixes = _all_v2(s3, filled, delimiter="/", max_keys=page)
    assert keys == _utf8_sorted(["a", "a0", "c", "é", "\x01ctl", "k" * 1024])
    assert prefixes == ["/", "a/", "b/", "x/"]


@pytest.mark.parametrize("page", [1, 4])
def test_list_objects_v2_prefix_and_delimiter(s3: S3Engine, filled: str, page: int) -> None:
    keys, prefixes = _all_v2(s3, filled, prefix="a/", delimiter="/", max_keys=page)
    assert keys == ["a/b"] and prefixes == ["a/c/"]
    keys, prefixes = _all_v2(s3, filled, prefix="a", max_keys=page)
    assert keys == ["a", "a/b", "a/c/d", "a0"] and prefixes == []


def test_list_objects_v2_multichar_delimiter(s3: S3Engine, filled: str) -> None:
    keys, prefixes = _all_v2(s3, filled, delimiter="//")
    assert prefixes == ["x//"] and "x//y" not in keys


def test_list_objects_v2_start_after(s3: S3Engine, filled: str) -> None:
    keys, prefixes = _all_v2(s3, filled, start_after="a/b", delimiter="/")
    assert prefixes == ["b/", "x/"]  # a/ is not greater than a/b
    assert keys == ["a0", "c", "k" * 1024, "é"]
    keys, _ = _all_v2(s3, filled, start_after="b/x")
    assert keys == _utf8_sorted([k for k in KEYS if k.encode() > b"b/x"])


def test_list_objects_v2_max_keys_zero(s3: S3Engine, filled: str) -> None:
    r = s3.list_objects_v2(ACCOUNT, REGION, filled, max_keys=0)
    assert r.contents == [] and not r.is_truncated


def test_list_objects_v2_bad_token_raises_invalid_argument(s3: S3Engine, filled: str) -> None:
    with pytest.raises(errors.InvalidArgument):
        s3.list_objects_v2(ACCOUNT, REGION, filled, continuation_token="garbage!")
    with pytest.raises(errors.InvalidArgument):
        s3.list_objects_v2(ACCOUNT, REGION, filled, encoding_type="base64")


def test_list_objects_v1_next_marker_only_with_delimiter(s3: S3Engine, filled: str) -> None:
    r = s3.list_objects(ACCOUNT, REGION, filled, max_keys=2)
    assert r.is_truncated and r.next_marker is None
    r = s3.list_objects(ACCOUNT, REGION, filled, max_keys=2, delimiter="/")
    assert r.is_truncated and r.next_marker == "/"  # "\x01ctl" then "/" (a common prefix)
    r2 = s3.list_objects(ACCOUNT, REGION, filled, max_keys=2, delimiter="/", marker=r.next_marker)
    assert [v.key for v in r2.contents] == ["a", "a0"][:1] and r2.common_prefixes == ["a/"]


def test_list_objects_missing_bucket_raises(s3: S3Engine) -> None:
    with pytest.raises(errors.NoSuchBucket):
        s3.list_objects_v2(ACCOUNT, REGION, "nobkt")


def test_url_encode_encodes_control_and_unicode() -> None:
    assert url_encode("\x01ctl é+ /x") == "%01ctl%20%C3%A9%2B%20/x"


def test_list_objects_v2_10000_keys_in_pages(s3: S3Engine, bucket: str) -> None:
    from lakestack.services.s3.models import ObjectVersion

    rows = [
        ObjectVersion(
            bucket=bucket,
            key=f"d{i % 10}/k{i:05d}",
            version_id="null",
            is_latest=True,
            is_delete_marker=False,
            last_modified=0.0,
            etag='"e"',
        )
        for i in range(10_000)
    ]
    store = s3._store
    for v in rows:  # fast fill without blobs: listing only reads metadata
        store.insert_version(v, None, keep_versions=False)
    keys, _ = _all_v2(s3, bucket)
    assert len(keys) == 10_000 and keys == sorted(keys)
    _, prefixes = _all_v2(s3, bucket, delimiter="/", max_keys=3)
    assert prefixes == [f"d{i}/" for i in range(10)]
