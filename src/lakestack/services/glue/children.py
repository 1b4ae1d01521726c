"""The OS processes Glue runs start (Python-shell scripts, Spark drivers and their JVMs),
kept from outliving the server.

Three defences:

- each child leads its own process group, recorded as a file in
  ``<data_dir>/glue/children/`` while it lives;
- on Linux each child gets a parent-death signal (``PR_SET_PDEATHSIG`` = SIGKILL), so
  a server killed with SIGKILL takes its children along. The kernel sends it when the
  *thread* that forked the child ends, so every child is started from one spawner
  thread that lives as long as the engine;
- when the engine opens, the groups a previous server recorded and left behind (its
  JVMs, anything a script started) are killed whole, and their records removed.

A recorded group is killed only while it is provably ours: its leader is gone (Linux
never hands out a pid still used as a process group id) or is the same process (same
start time in ``/proc``). Knows processes and files, nothing of jobs or S3.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import logging
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from lakestack.core.storage.private import CHILD_UMASK, private_dir, private_open

LOG = logging.getLogger(__name__)
_PR_SET_PDEATHSIG = 1

Spawn = Callable[..., "subprocess.Popen[bytes]"]
"""``subprocess.Popen``'s signature; the child leads a new session (process group)."""


def _load_prctl() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


_PRCTL = _load_prctl()  # resolved here: the forked child must not load libraries


def _die_with_parent() -> None:  # runs in the child between fork and exec
    _PRCTL(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def start_time(pid: int) -> str | None:
    """The kernel's start time of a live process (field 22 of ``/proc/<pid>/stat``).

    >>> start_time(os.getpid()) is not None or not sys.platform.startswith("linux")
    True
    """
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


class ChildProcesses:
    """Starts, records and reaps the engine's child process groups."""

    def __init__(self, directory: Path) -> None:
        self._dir = directory
        self._spawner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="glue-spawner")

    def spawn(self, argv: list[str], what: str, **popen: Any) -> subprocess.Popen[bytes]:
        """``Popen(argv, start_new_session=True, **popen)`` from the spawner thread, with
        the parent-death signal set; the group is recorded until :meth:`forget`."""
        popen["start_new_session"] = True
        popen.setdefault("umask", CHILD_UMASK)  # what it writes in the data dir is private
        if _PRCTL is not None:
            popen["preexec_fn"] = _die_with_parent
        proc = self._spawner.submit(_popen, argv, popen).result()
        self._record(proc.pid, what)
        return proc

    def forget(self, pid: int) -> None:
        """The group led by ``pid`` is gone (waited for or killed): drop its record."""
        with contextlib.suppress(FileNotFoundError):
            (self._dir / str(pid)).unlink()

    def reap(self) -> int:
        """Kill every recorded group a previous server left running; how many were."""
        return reap_recorded(self._dir)

    def close(self) -> None:
        self._spawner.shutdown(wait=True)

    def _record(self, pid: int, what: str) -> None:
        private_dir(self._dir)
        body = json.dumps({"pgid": pid, "start": start_time(pid), "what": what})
        tmp = self._dir / f".{pid}.tmp"
        with private_open(tmp, "w") as f:
            f.write(body)
        os.replace(tmp, self._dir / str(pid))


def children_dir(data_dir: Path) -> Path:
    """Where the Glue engines of ``data_dir`` record their child process groups."""
    return Path(data_dir) / "glue" / "children"


def reap_recorded(directory: Path) -> int:
    """Kill every process group recorded in ``directory`` that is still ours and drop the
    records; how many groups were killed. Call it only while holding the data dir (a
    live server's children are recorded there too)."""
    killed = 0
    for path in sorted(directory.glob("[0-9]*")):
        try:
            record = json.loads(path.read_text())
            pgid, started = int(record["pgid"]), record.get("start")
        except (OSError, ValueError, KeyError, TypeError):
            path.unlink(missing_ok=True)
            continue
        now = start_time(pgid)
        if now is None or now == started:
            try:
                os.killpg(pgid, signal.SIGKILL)
                killed += 1
                LOG.warning("killed %s (process group %d) left by a previous server", record, pgid)
            except (ProcessLookupError, PermissionError):
                pass
        path.unlink(missing_ok=True)
    return killed


def _popen(argv: list[str], popen: dict[str, Any]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(argv, **popen)


def kill_group(proc: subprocess.Popen[bytes]) -> None:
    """Kill a child's whole process group (it and everything it started) and reap it."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()
