"""Private files and directories: modes are set explicitly, not left to the umask (which
usually lets group and others read)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from lakestack.core.sqlite import SqliteDatabase
from lakestack.core.storage import BlobStore
from lakestack.core.storage.private import (
    make_private,
    private_dir,
    private_file,
    private_open,
)


def mode(path: Path | str) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_private_dir_creates_every_missing_level_0700(tmp_path: Path) -> None:
    leaf = private_dir(tmp_path / "a" / "b" / "c")
    for d in (leaf, leaf.parent, leaf.parent.parent):
        assert mode(d) == 0o700


def test_private_dir_tightens_an_existing_directory(tmp_path: Path) -> None:
    existing = tmp_path / "old"
    existing.mkdir(mode=0o755)
    os.chmod(existing, 0o755)
    private_dir(existing)
    assert mode(existing) == 0o700


def test_private_file_and_open_create_0600(tmp_path: Path) -> None:
    assert mode(private_file(tmp_path / "db")) == 0o600
    with private_open(tmp_path / "log", "ab") as f:
        f.write(b"x")
    assert mode(tmp_path / "log") == 0o600


def test_make_private_fixes_a_foreign_file(tmp_path: Path) -> None:
    path = tmp_path / "spark-output"
    path.write_bytes(b"x")
    os.chmod(path, 0o644)
    make_private(path)
    assert mode(path) == 0o600


def test_sqlite_database_and_its_wal_and_shm_are_0600(tmp_path: Path) -> None:
    db = SqliteDatabase(tmp_path / "meta" / "m.sqlite", "CREATE TABLE t (v)")
    with db.transaction() as c:
        c.execute("INSERT INTO t VALUES (1)")
    files = sorted(p.name for p in (tmp_path / "meta").iterdir())
    assert {"m.sqlite", "m.sqlite-wal", "m.sqlite-shm"} <= set(files)
    assert {name: mode(tmp_path / "meta" / name) for name in files} == dict.fromkeys(files, 0o600)
    assert mode(tmp_path / "meta") == 0o700
    db.close()


def test_blob_store_files_and_directories_are_private(tmp_path: Path) -> None:
    store = BlobStore(tmp_path / "s3")
    with store.writer() as w:
        w.write(b"hello")
        blob = w.commit(".txt")
    linked = store.link(blob)
    staged = Path(store.staging_dir())
    (staged / "part-0").write_bytes(b"spark")
    os.chmod(staged / "part-0", 0o666)
    adopted, _ = store.adopt(str(staged / "part-0"))
    for name in (blob, linked, adopted):
        assert mode(store.path(name)) == 0o600
    for directory, _dirs, _files in os.walk(tmp_path / "s3"):
        assert mode(directory) == 0o700, directory
