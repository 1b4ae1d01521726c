"""Blobs as plain files under one directory, written crash-safely.

Owns the file layout ``<root>/blobs/<2 hex>/<32 hex><suffix>`` and ``<root>/tmp/``:
a write streams into a temp file (hashing as it goes), is optionally fsynced and
is renamed into place; ``sweep`` deletes files nobody references. Paths handed out
are relative to ``<root>/blobs``. Knows nothing of buckets, keys or metadata:
callers decide names only through a *suffix*, never through a key, so no caller
input ever becomes a path. Directories are 0700 and blob files 0600 (``private``),
adopted files included. Names come from ``secrets`` rather than the injectable
id source because a seeded id source repeats after a restart.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import shutil
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

from lakestack.core.checksums import Hasher, new_hasher
from lakestack.core.hashing import BackgroundHash
from lakestack.core.storage.private import make_private, private_dir, private_open

_EXT = re.compile(r"[A-Za-z0-9]{1,10}")
_CHUNK = 1 << 20
# Replaced and deleted blobs stay readable this long, so a GET that resolved the old
# version just before an overwrite can still send it (S3 never fails such a read).
DELETE_GRACE_SECONDS = 10.0


class Readable(Protocol):
    def read(self, n: int = -1, /) -> bytes: ...


def suffix_for(name: str, max_parts: int = 2) -> str:
    """The safe trailing extension(s) of a name, for tools that sniff them.

    >>> suffix_for("t/dt=2026/part-0.snappy.parquet"), suffix_for("x.json.gz")
    ('.snappy.parquet', '.json.gz')
    >>> suffix_for("../../etc/passwd"), suffix_for("a/b.c d"), suffix_for("a.")
    ('', '', '')
    """
    base = name.rsplit("/", 1)[-1]
    parts = base.split(".")
    if len(parts) < 2 or not parts[0]:
        return ""
    exts: list[str] = []
    for part in reversed(parts[1:]):
        if len(exts) == max_parts or not _EXT.fullmatch(part):
            break
        exts.append(part)
    if not exts or not _EXT.fullmatch(parts[-1]):
        return ""
    return "".join("." + e for e in reversed(exts))


class BlobWriter:
    """A temp file being written; ``commit`` moves it into the store.

    ``md5`` and ``digests`` (algorithm -> digest bytes) are the running hashes of
    everything written with :meth:`write` / :meth:`write_from`.
    """

    def __init__(self, store: BlobStore, algorithms: Iterable[str], md5: bool) -> None:
        self._store = store
        self.tmp_path = os.path.join(store.tmp_dir, secrets.token_hex(16))
        self._file = private_open(self.tmp_path, "xb")
        # the MD5 (the ETag) of large chunks is computed on the other core during the write
        self._md5 = BackgroundHash(hashlib.md5(usedforsecurity=False)) if md5 else None
        self._hashers: dict[str, Hasher] = {a: new_hasher(a) for a in algorithms}
        self.size = 0
        self.committed: str | None = None

    def write(self, data: bytes) -> None:
        if self._md5 is not None:
            self._md5.update(data)
        self._file.write(data)
        self.size += len(data)
        for h in self._hashers.values():
            h.update(data)

    def write_from(self, source: Readable, limit: int | None = None) -> int:
        """Copy ``source`` until EOF (or ``limit`` bytes); returns bytes copied."""
        copied = 0
        while limit is None or copied < limit:
            want = _CHUNK if limit is None else min(_CHUNK, limit - copied)
            data = source.read(want)
            if not data:
                break
            self.write(data)
            copied += len(data)
        return copied

    def append_file(self, path: str, offset: int = 0, length: int | None = None) -> None:
        """Append a stored blob's bytes (or a range) without hashing them.

        Uses ``os.copy_file_range`` where the kernel offers it.
        """
        src_path = self._store.path(path)
        if length is None:
            length = os.path.getsize(src_path) - offset
        self._file.flush()
        with open(src_path, "rb") as src:
            left, pos = length, offset
            fd_out = self._file.fileno()
            while left > 0:
                try:
                    n = os.copy_file_range(src.fileno(), fd_out, left, pos)
                except (AttributeError, OSError):
                    src.seek(pos)
                    data = src.read(min(_CHUNK, left))
                    n = len(data)
                    self._file.write(data)
                    self._file.flush()
                if n == 0:
                    raise OSError(f"{src_path} is shorter than expected")
                left -= n
                pos += n
        self._file.seek(0, os.SEEK_END)
        self.size += length

    def digest_of(self, algorithm: str) -> bytes:
        """Hash everything written so far with an algorithm not chosen up front."""
        self._file.flush()
        h = new_hasher(algorithm)
        with open(self.tmp_path, "rb") as f:
            while chunk := f.read(_CHUNK):
                h.update(chunk)
        return h.digest()

    @property
    def md5(self) -> bytes:
        assert self._md5 is not None
        return self._md5.digest()

    @property
    def digests(self) -> dict[str, bytes]:
        return {a: h.digest() for a, h in self._hashers.items()}

    def commit(self, suffix: str = "") -> str:
        """Make the bytes durable (if configured) and visible; returns the blob path."""
        self._file.flush()
        if self._store.fsync:
            os.fsync(self._file.fileno())
        self._file.close()
        self.committed = self._store._place(self.tmp_path, suffix)
        return self.committed

    def close(self) -> None:
        if not self._file.closed:
            self._file.close()
        if self.committed is None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.tmp_path)


class BlobStore:
    """Immutable files under ``root``: written once, linked, deleted, never edited.

    >>> import tempfile
    >>> s = BlobStore(Path(tempfile.mkdtemp()))
    >>> with s.writer() as w:
    ...     w.write(b"hi"); p = w.commit(".txt")
    >>> Path(s.path(p)).read_bytes(), w.md5.hex()[:8], p.endswith(".txt")
    (b'hi', '49f68a5c', True)
    """

    def __init__(
        self, root: Path, fsync: bool = False, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.root = root
        self.blob_dir = root / "blobs"
        self.tmp_dir = str(root / "tmp")
        self.staging_root = str(root / "staging")
        self.fsync = fsync
        private_dir(self.blob_dir)
        for transient in (self.tmp_dir, self.staging_root):
            shutil.rmtree(transient, ignore_errors=True)
            private_dir(transient)
        self._blob_dir = str(self.blob_dir)
        self._shards: set[str] = set()
        self._clock = clock
        self._doomed: deque[tuple[float, str]] = deque()

    @contextmanager
    def writer(self, algorithms: Iterable[str] = (), md5: bool = True) -> Iterator[BlobWriter]:
        """A temp file with running hashes; uncommitted writes vanish on exit."""
        w = BlobWriter(self, algorithms, md5)
        try:
            yield w
        finally:
            w.close()

    def path(self, blob: str) -> str:
        """Absolute path of a stored blob."""
        return os.path.join(self._blob_dir, blob)

    def link(self, blob: str, suffix: str = "") -> str:
        """A new blob with the same bytes (a hard link where possible)."""
        tmp = os.path.join(self.tmp_dir, secrets.token_hex(16))
        try:
            os.link(self.path(blob), tmp)
        except OSError:
            shutil.copyfile(self.path(blob), tmp)
            make_private(tmp)
        return self._place(tmp, suffix)

    def staging_dir(self) -> str:
        """A new empty directory on the store's file system, for a writer outside this
        process (a Spark job) to fill; its files then enter the store by :meth:`adopt`.
        Left-over staging directories are removed when the store opens."""
        path = os.path.join(self.staging_root, secrets.token_hex(16))
        private_dir(path)
        return path

    def is_staged(self, path: str) -> bool:
        """Whether ``path`` lies inside a staging directory (and may be adopted)."""
        real = os.path.realpath(path)
        return real.startswith(os.path.realpath(self.staging_root) + os.sep)

    def adopt(self, path: str, suffix: str = "") -> tuple[str, bytes]:
        """Move a staged file into the store (a rename: no copy); returns the blob path
        and the file's MD5.

        Raises:
            ValueError: ``path`` is not a regular file inside a staging directory.
        """
        if not self.is_staged(path) or os.path.islink(path) or not os.path.isfile(path):
            raise ValueError(f"{path} is not a staged file")
        make_private(path)  # the writer's umask decided its mode
        md5 = hashlib.md5(usedforsecurity=False)
        with open(path, "rb") as f:
            while chunk := f.read(_CHUNK):
                md5.update(chunk)
            if self.fsync:
                os.fsync(f.fileno())
        return self._place(path, suffix), md5.digest()

    def delete(self, blob: str | None) -> None:
        """Remove a blob now (it was never visible, e.g. a failed write)."""
        if blob:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.path(blob))

    def delete_later(self, blob: str | None) -> None:
        """Remove a blob that readers may still be sending, after a grace period.

        Due deletions run on later calls; a crash leaves them to :meth:`sweep`.
        """
        if blob:
            now = self._clock()
            self._doomed.append((now + DELETE_GRACE_SECONDS, blob))
            self.purge(now)

    def purge(self, now: float | None = None) -> None:
        """Delete the blobs whose grace period has passed (all of them with ``inf``)."""
        now = self._clock() if now is None else now
        doomed = self._doomed
        while doomed and doomed[0][0] <= now:
            try:
                _, blob = doomed.popleft()
            except IndexError:  # another thread took it
                return
            self.delete(blob)

    def sweep(self, referenced: set[str]) -> int:
        """Delete blob files not in ``referenced``; returns how many went."""
        removed = 0
        for shard in self.blob_dir.iterdir():
            if not shard.is_dir():
                shard.unlink()
                removed += 1
                continue
            for f in shard.iterdir():
                if f"{shard.name}/{f.name}" not in referenced:
                    f.unlink(missing_ok=True)
                    removed += 1
        return removed

    def _place(self, tmp: str, suffix: str) -> str:
        name = secrets.token_hex(16)
        shard = os.path.join(self._blob_dir, name[:2])
        if shard not in self._shards:
            private_dir(shard)
            self._shards.add(shard)
        os.rename(tmp, os.path.join(shard, name + suffix))
        if self.fsync:
            _fsync_dir(shard)
        return f"{name[:2]}/{name}{suffix}"


def _fsync_dir(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
