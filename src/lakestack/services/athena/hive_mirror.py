"""A Hive-style tree of symlinks to blob files, so DuckDB reads partition values from
paths (``hive_partitioning``) instead of joining them in per file.

Blob files are named by id, not by key, so a multi-partition scan otherwise needs a
join of every row with a (file -> partition values) table, which costs ~2x the scan.
A link ``<root>/year=2026/month=03/day=15/<blob file name>`` makes each file's values
constants DuckDB fills in while reading. Blob names are unique and never reused, so a
link, once made, stays right; links to deleted blobs are simply never read again.

Knows file paths and Hive naming, nothing of Athena or S3.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Sequence
from pathlib import Path

from lakestack.core.storage.private import private_dir

# Only plain names and values become directories; anything else uses the join instead.
_SAFE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]{0,127}")


class HiveMirror:
    """Makes (and remembers) links under ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._made: set[str] = set()
        self._lock = threading.Lock()

    def paths(
        self, keys: Sequence[str], groups: Sequence[tuple[Sequence[str], Sequence[str]]]
    ) -> list[str] | None:
        """Link paths for ``(partition values, blob paths)`` groups, or None when a key or
        value cannot be a path segment.

        >>> import tempfile
        >>> m = HiveMirror(Path(tempfile.mkdtemp()))
        >>> blob = m.root / "blob.parquet"; _ = blob.write_bytes(b"x")
        >>> [p] = m.paths(["year", "month"], [(["2026", "07"], [str(blob)])])
        >>> p.endswith("year=2026/month=07/blob.parquet"), Path(p).read_bytes()
        (True, b'x')
        >>> m.paths(["k"], [(["a/b"], [str(blob)])]) is None
        True
        """
        if not all(_SAFE.fullmatch(k) for k in keys):
            return None
        out: list[str] = []
        for values, blobs in groups:
            if not all(_SAFE.fullmatch(v) for v in values):
                return None
            directory = os.path.join(
                self.root, *(f"{k}={v}" for k, v in zip(keys, values, strict=True))
            )
            for blob in blobs:
                link = os.path.join(directory, os.path.basename(blob))
                self._link(directory, link, blob)
                out.append(link)
        return out

    def _link(self, directory: str, link: str, target: str) -> None:
        if link in self._made:
            return
        with self._lock:
            private_dir(directory)
            try:
                os.symlink(target, link)
            except FileExistsError:
                if os.readlink(link) != target:  # same name, other blob: cannot happen, but
                    os.unlink(link)  # never read the wrong bytes if it does
                    os.symlink(target, link)
            self._made.add(link)

    def clear(self) -> None:
        with self._lock:
            self._made.clear()
            shutil.rmtree(self.root, ignore_errors=True)
