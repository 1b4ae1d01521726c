"""One process per data dir: an exclusive ``flock`` on ``<data_dir>/lock`` held for the
life of the process that serves it, with that process's pid written inside.

Two processes writing the same SQLite files and object tree would corrupt each other's
view of the lake; the second one is refused with :class:`DataDirInUse` naming the
holder. The kernel drops the lock when its holder dies, so a crashed server never
leaves a stale lock behind. Knows files and pids, nothing of services.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path

LOCK_NAME = "lock"


class DataDirInUse(Exception):
    """Another live process holds the data dir's lock."""

    def __init__(self, data_dir: Path, pid: int | None) -> None:
        self.data_dir = data_dir
        self.pid = pid
        holder = f"pid {pid}" if pid else "another process"
        super().__init__(f"data dir {data_dir} is in use by {holder}")


class DataDirLock:
    """The exclusive lock on one data dir.

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> first = DataDirLock(d).acquire()
    >>> try:
    ...     DataDirLock(d).acquire()
    ... except DataDirInUse as err:
    ...     err.pid == os.getpid()
    True
    >>> first.release(); DataDirLock(d).acquire().release()
    """

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.path = self.data_dir / LOCK_NAME
        self._fd: int | None = None

    def acquire(self) -> DataDirLock:
        """Take the lock (the data dir must exist).

        Raises:
            DataDirInUse: another process (or another ``DataDirLock`` here) holds it.
        """
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pid = _read_pid(fd)
            os.close(fd)
            raise DataDirInUse(self.data_dir, pid) from None
        except BaseException:
            os.close(fd)
            raise
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd
        return self

    def release(self) -> None:
        """Drop the lock; the file stays (removing it would race with a new holder)."""
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, 0)
            os.close(self._fd)  # closing the descriptor releases the flock
            self._fd = None

    @property
    def held(self) -> bool:
        return self._fd is not None


def _read_pid(fd: int) -> int | None:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None
