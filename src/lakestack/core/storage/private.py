"""Files and directories only their owner can read: everything lakestack keeps in its
data directory (objects, metadata databases, credentials, logs) is created this way.

Directories are ``0700`` and files ``0600``, set explicitly at creation rather than
through the process umask (a library must not change the umask of the process that
imports it). Child processes lakestack starts run with :data:`CHILD_UMASK`, so the
files they write into the data directory are private too. Knows nothing of what the
files hold.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import IO, Any

DIR_MODE = 0o700
FILE_MODE = 0o600
# The umask of processes lakestack starts (Glue scripts, Spark drivers and their JVMs).
CHILD_UMASK = 0o077


def private_dir(path: str | os.PathLike[str]) -> Path:
    """Make ``path`` (and any missing parents) a directory with mode 0700; an existing
    ``path`` is tightened to 0700, existing parents are left alone.

    >>> import tempfile, stat
    >>> d = private_dir(Path(tempfile.mkdtemp()) / "a" / "b")
    >>> oct(stat.S_IMODE(d.stat().st_mode)), oct(stat.S_IMODE(d.parent.stat().st_mode))
    ('0o700', '0o700')
    """
    target = Path(path)
    missing: list[Path] = []
    current = target
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for directory in reversed(missing):
        with contextlib.suppress(FileExistsError):
            os.mkdir(directory, DIR_MODE)
        os.chmod(directory, DIR_MODE)  # mkdir honours the umask, which may drop bits
    if not missing:
        os.chmod(target, DIR_MODE)
    return target


def private_file(path: str | os.PathLike[str]) -> Path:
    """Make sure ``path`` exists as a file with mode 0600 (created empty if missing),
    e.g. before SQLite opens it (its ``-wal``/``-shm`` files take the database's mode).
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)
    return Path(path)


def private_open(path: str | os.PathLike[str], mode: str = "wb", **kwargs: Any) -> IO[Any]:
    """``open(path, mode)``, creating the file with mode 0600 (an existing file keeps its
    mode, as ``open`` would).

    >>> import tempfile, stat
    >>> p = Path(tempfile.mkdtemp()) / "f"
    >>> with private_open(p, "w") as f:
    ...     _ = f.write("x")
    >>> oct(stat.S_IMODE(p.stat().st_mode))
    '0o600'
    """

    def opener(name: str, flags: int) -> int:
        return os.open(name, flags | os.O_CLOEXEC, FILE_MODE)

    return open(path, mode, opener=opener, **kwargs)  # noqa: SIM115 - the caller closes it


def make_private(path: str | os.PathLike[str]) -> None:
    """Set mode 0600 on a file that someone else created (e.g. a file Spark wrote)."""
    os.chmod(path, FILE_MODE)
