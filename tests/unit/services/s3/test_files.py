"""Direct file access (``FileOps``): the files behind a prefix, and staged files adopted
as objects exactly as a PutObject of the same bytes would store them."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from s3_engine_helpers import ACCOUNT, REGION, Harness, put, read

from lakestack.core.events import ObjectCreated
from lakestack.services.s3.errors import InvalidRequest, NoSuchBucket


@pytest.fixture
def h(tmp_path: Path) -> Harness:
    harness = Harness(tmp_path)
    harness.engine.create_bucket(ACCOUNT, REGION, "lake")
    return harness


def test_object_files_lists_current_objects_under_prefix_with_paths(h: Harness) -> None:
    put(h.engine, "lake", "raw/a.json", b"aa")
    put(h.engine, "lake", "raw/sub/b.json", b"bbb")
    put(h.engine, "lake", "rawer/c.json", b"c")
    put(h.engine, "lake", "raw/a.json", b"AAAA")  # overwritten: only the latest is listed
    files = h.engine.object_files("lake", "raw/")
    assert [(f.key, f.size) for f in files] == [("raw/a.json", 4), ("raw/sub/b.json", 3)]
    assert Path(files[0].path).read_bytes() == b"AAAA"
    assert files[0].etag == f'"{hashlib.md5(b"AAAA").hexdigest()}"'


def test_object_files_skips_deleted_objects(h: Harness) -> None:
    put(h.engine, "lake", "raw/a.json")
    h.engine.delete_object(ACCOUNT, REGION, "lake", "raw/a.json")
    assert h.engine.object_files("lake", "raw/") == []


def test_object_files_missing_bucket_is_no_such_bucket(h: Harness) -> None:
    with pytest.raises(NoSuchBucket):
        h.engine.object_files("nosuch", "")


def test_adopt_files_moves_staged_files_into_objects_with_md5_etags(h: Harness) -> None:
    staging = h.engine.staging_dir()
    os.makedirs(os.path.join(staging, "day=01"))
    path = os.path.join(staging, "day=01", "part-0.parquet")
    Path(path).write_bytes(b"parquet bytes")
    [v] = h.engine.adopt_files(ACCOUNT, REGION, "lake", [("out/day=01/part-0.parquet", path)])
    assert not os.path.exists(path)  # moved, not copied
    assert v.etag == f'"{hashlib.md5(b"parquet bytes").hexdigest()}"' and v.size == 13
    assert read(h.engine, "lake", "out/day=01/part-0.parquet") == b"parquet bytes"
    listed = h.engine.list_objects_v2(ACCOUNT, REGION, "lake", prefix="out/")
    assert [o.key for o in listed.contents] == ["out/day=01/part-0.parquet"]
    assert [e.key for e in h.seen if isinstance(e, ObjectCreated)] == ["out/day=01/part-0.parquet"]
    assert ("s3", "PutObject", "Requests-Tier1") in [r[:3] for r in h.meter.records]


def test_adopt_files_refuses_paths_outside_staging_and_stores_nothing(
    h: Harness, tmp_path: Path
) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_bytes(b"do not take")
    staged = Path(h.engine.staging_dir()) / "ok.txt"
    staged.write_bytes(b"ok")
    with pytest.raises(InvalidRequest):
        h.engine.adopt_files(ACCOUNT, REGION, "lake", [("a", str(staged)), ("b", str(outside))])
    assert outside.read_bytes() == b"do not take" and staged.exists()
    assert h.engine.object_files("lake") == []


def test_staging_directories_are_cleared_when_the_store_opens(h: Harness) -> None:
    staging = Path(h.engine.staging_dir())
    (staging / "left-over").write_bytes(b"x")
    h.reopen()
    assert not staging.exists()
