from __future__ import annotations

import os

import pytest
from s3_engine_helpers import ACCOUNT, REGION, Harness, put, read

from lakestack.core.storage.directory import DELETE_GRACE_SECONDS
from lakestack.services.s3 import errors
from lakestack.services.s3.engine import S3Engine


@pytest.fixture
def versioned(s3: S3Engine, bucket: str) -> str:
    s3.put_bucket_versioning(ACCOUNT, REGION, bucket, "Enabled")
    return bucket


def test_put_object_versioned_keeps_versions(s3: S3Engine, versioned: str) -> None:
    v1 = put(s3, versioned, "k", b"1")
    v2 = put(s3, versioned, "k", b"2")
    assert v1.version_id != v2.version_id != "null"
    assert read(s3, versioned, "k") == b"2"
    assert read(s3, versioned, "k", version_id=v1.version_id) == b"1"
    with pytest.raises(errors.NoSuchVersion):
        s3.get_object(ACCOUNT, REGION, versioned, "k", version_id="nope")


def test_delete_object_versioned_creates_delete_marker(
    h: Harness, s3: S3Engine, versioned: str
) -> None:
    v1 = put(s3, versioned, "k", b"1")
    r = s3.delete_object(ACCOUNT, REGION, versioned, "k")
    assert r.delete_marker and r.version_id
    with pytest.raises(errors.NoSuchKey) as e:
        s3.get_object(ACCOUNT, REGION, versioned, "k")
    assert e.value.delete_marker
    with pytest.raises(errors.MethodNotAllowed) as e2:
        s3.get_object(ACCOUNT, REGION, versioned, "k", version_id=r.version_id)
    assert e2.value.status == 405
    assert read(s3, versioned, "k", version_id=v1.version_id) == b"1"
    assert s3.list_objects_v2(ACCOUNT, REGION, versioned).contents == []
    assert h.seen[-1].event_name == "ObjectRemoved:DeleteMarkerCreated"
    # deleting the marker brings the object back
    r2 = s3.delete_object(ACCOUNT, REGION, versioned, "k", version_id=r.version_id)
    assert r2.delete_marker
    assert read(s3, versioned, "k") == b"1"


def test_delete_object_by_version_promotes_previous(
    h: Harness, s3: S3Engine, versioned: str
) -> None:
    put(s3, versioned, "k", b"1")
    v2 = put(s3, versioned, "k", b"2")
    s3.delete_object(ACCOUNT, REGION, versioned, "k", version_id=v2.version_id)
    assert read(s3, versioned, "k") == b"1"
    h.clock.advance(DELETE_GRACE_SECONDS)
    s3.housekeeping()
    assert not os.path.exists(v2.blob)


def test_get_object_unversioned_null_version(s3: S3Engine, bucket: str) -> None:
    put(s3, bucket, "k", b"1")
    assert read(s3, bucket, "k", version_id="null") == b"1"


def test_put_object_suspended_replaces_null_version(s3: S3Engine, versioned: str) -> None:
    v1 = put(s3, versioned, "k", b"1")
    s3.put_bucket_versioning(ACCOUNT, REGION, versioned, "Suspended")
    n1 = put(s3, versioned, "k", b"2")
    n2 = put(s3, versioned, "k", b"3")
    assert n1.version_id == n2.version_id == "null"
    r = s3.list_object_versions(ACCOUNT, REGION, versioned)
    assert [(v.version_id, v.is_latest) for v in r.versions] == [
        ("null", True),
        (v1.version_id, False),
    ]


def test_list_object_versions_paging_with_markers(s3: S3Engine, versioned: str) -> None:
    expected = []
    for key in ["a", "b/1", "b/2", "c"]:
        vs = [put(s3, versioned, key, str(i).encode()) for i in range(3)]
        expected += [(key, v.version_id) for v in reversed(vs)]
    s3.delete_object(ACCOUNT, REGION, versioned, "c")
    got: list[tuple[str, str]] = []
    km = vm = None
    while True:
        r = s3.list_object_versions(
            ACCOUNT, REGION, versioned, max_keys=2, key_marker=km, version_id_marker=vm
        )
        got += [(v.key, v.version_id) for v in r.versions]
        if not r.is_truncated:
            break
        km, vm = r.next_key_marker, r.next_version_id_marker
    assert [g for g in got if g[0] != "c"] == [e for e in expected if e[0] != "c"]
    c_versions = [g for g in got if g[0] == "c"]
    assert len(c_versions) == 4  # the marker first, then three versions
    r = s3.list_object_versions(ACCOUNT, REGION, versioned, delimiter="/")
    assert r.common_prefixes == ["b/"]
    assert r.versions[0].is_latest and r.versions[-4].is_delete_marker


def test_list_object_versions_never_versioned_shows_null(s3: S3Engine, bucket: str) -> None:
    put(s3, bucket, "a")
    r = s3.list_object_versions(ACCOUNT, REGION, bucket)
    assert [(v.key, v.version_id, v.is_latest) for v in r.versions] == [("a", "null", True)]
    with pytest.raises(errors.InvalidArgument):
        s3.list_object_versions(ACCOUNT, REGION, bucket, version_id_marker="x")


def test_copy_object_by_version(s3: S3Engine, versioned: str) -> None:
    v1 = put(s3, versioned, "k", b"1")
    put(s3, versioned, "k", b"2")
    new, src = s3.copy_object(
        ACCOUNT,
        REGION,
        versioned,
        "k2",
        source_bucket=versioned,
        source_key="k",
        source_version_id=v1.version_id,
    )
    assert src.version_id == v1.version_id
    assert read(s3, versioned, "k2") == b"1"
