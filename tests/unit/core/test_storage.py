from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from lakestack.core.storage import BlobStore, suffix_for


def test_writer_commit_hashes_and_places_file(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    with store.writer(["CRC32", "SHA256"]) as w:
        w.write(b"abc")
        path = w.commit(".json.gz")
    assert Path(store.path(path)).read_bytes() == b"abc"
    assert w.md5 == hashlib.md5(b"abc").digest()
    assert w.digests["SHA256"] == hashlib.sha256(b"abc").digest()
    assert path.endswith(".json.gz") and os.listdir(tmp_path / "tmp") == []


def test_writer_without_commit_leaves_nothing(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    with pytest.raises(RuntimeError), store.writer() as w:
        w.write(b"abc")
        raise RuntimeError
    assert os.listdir(tmp_path / "tmp") == [] and os.listdir(tmp_path / "blobs") == []


def test_append_file_and_link(tmp_path: Path) -> None:
    store = BlobStore(tmp_path, fsync=True)
    with store.writer() as w:
        w.write(b"0123456789")
        a = w.commit()
    with store.writer(md5=False) as w:
        w.append_file(a)
        w.append_file(a, 2, 3)
        b = w.commit()
    assert Path(store.path(b)).read_bytes() == b"0123456789234"
    c = store.link(b, ".bin")
    store.delete(b)
    assert Path(store.path(c)).read_bytes() == b"0123456789234"


def test_sweep_removes_unreferenced_and_open_clears_tmp(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    with store.writer() as w:
        w.write(b"keep")
        keep = w.commit()
    with store.writer() as w:
        w.write(b"drop")
        w.commit()
    (tmp_path / "tmp" / "partial").write_bytes(b"x")
    store = BlobStore(tmp_path)
    assert os.listdir(tmp_path / "tmp") == []
    assert store.sweep({keep}) == 1
    assert os.path.exists(store.path(keep))


@pytest.mark.parametrize(
    ("name", "suffix"),
    [
        ("a/b/part-0000.snappy.parquet", ".snappy.parquet"),
        ("x.json.gz", ".json.gz"),
        ("a.b.c.csv", ".c.csv"),
        ("noext", ""),
        ("../../etc/passwd", ""),
        (".hidden", ""),
        ("a.toolongextension", ""),
        ("a.p/arq", ""),
        ("a.cs v", ""),
        ("dir.d/", ""),
        ("a.ünï", ""),
    ],
)
def test_suffix_for(name: str, suffix: str) -> None:
    assert suffix_for(name) == suffix
