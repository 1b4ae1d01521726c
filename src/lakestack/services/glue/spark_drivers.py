"""Warm Spark drivers for ``glueetl`` runs: processes (``python -m awsglue._runner``) that
keep a SparkSession started and run job scripts one after another.

A driver serves one run at a time; an idle driver is reused for the next run on the same
Spark master, so only the first run pays for the JVM start. Stopping or timing out a run
kills its driver (a script cannot be interrupted reliably inside a shared JVM); the
next run starts a new one. Knows processes and JSON lines, nothing of jobs or S3.
"""

from __future__ import annotations

import json
import logging
import select
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from lakestack.core.storage.private import private_dir, private_open
from lakestack.services.glue.children import ChildProcesses, kill_group

LOG = logging.getLogger(__name__)
START_TIMEOUT_SECONDS = 300.0
IDLE_LIMIT = 2  # idle drivers kept per master


class DriverError(Exception):
    """A driver could not start or died during a run."""


class SparkDriver:
    """One warm driver process."""

    def __init__(
        self, master: str | None, env: dict[str, str], log_path: Path, children: ChildProcesses
    ) -> None:
        self.master = master
        self._children = children
        argv = [sys.executable, "-m", "awsglue._runner"]
        if master:
            argv += ["--master", master]
        private_dir(log_path.parent)
        with private_open(log_path, "ab") as log:
            self._proc = children.spawn(
                argv,
                "spark driver",
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                env=env,
            )
        self._log_path = log_path
        self._ready_lock = threading.Lock()
        self.ready = False

    def ensure_ready(self, timeout: float = START_TIMEOUT_SECONDS) -> bool:
        """Block until Spark is up; whether it already was (a warm driver).

        Raises: DriverError (no Java, a bad master, a crash while starting).
        """
        with self._ready_lock:
            if self.ready:
                return True
            if not self.alive:
                raise DriverError(f"the Spark driver is gone (log: {self._log_path})")
            reply = self._read(timeout)
            if reply is None:
                self.kill()
                raise DriverError(
                    f"Spark did not start within {timeout:g} s (log: {self._log_path})"
                )
            if not reply.get("ready"):
                self.kill()
                raise DriverError(f"Spark could not start: {reply.get('error')}")
            self.ready = True
            return False

    def run(self, request: dict[str, Any], timeout: float | None) -> dict[str, Any] | None:
        """Run one script; its reply, or None when ``timeout`` seconds passed first.

        Raises: DriverError when the driver died (killed, or the JVM crashed).
        """
        assert self._proc.stdin is not None
        try:
            self._proc.stdin.write((json.dumps(request) + "\n").encode())
            self._proc.stdin.flush()
        except (OSError, ValueError) as exc:  # ValueError: killed meanwhile (pipe closed)
            raise DriverError(f"the Spark driver is gone: {exc}") from None
        return self._read(timeout)

    def _read(self, timeout: float | None) -> dict[str, Any] | None:
        try:
            return self._read_line(timeout)
        except (OSError, ValueError) as exc:  # the driver was killed while we waited
            raise DriverError(f"the Spark driver was stopped: {exc}") from None

    def _read_line(self, timeout: float | None) -> dict[str, Any] | None:
        assert self._proc.stdout is not None
        fd = self._proc.stdout.fileno()
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            readable, _, _ = select.select([fd], [], [], left)
            if not readable:
                return None
            line = self._proc.stdout.readline()
            if not line:
                code = self._proc.wait()
                raise DriverError(f"the Spark driver exited with code {code}")
            try:
                return dict(json.loads(line))
            except ValueError:
                LOG.warning("driver said %r", line[:200])

    @property
    def alive(self) -> bool:
        return self._proc.poll() is None

    def kill(self) -> None:
        """Kill the driver and everything it started (the JVM)."""
        kill_group(self._proc)
        self._children.forget(self._proc.pid)
        for stream in (self._proc.stdin, self._proc.stdout):
            if stream is not None:
                stream.close()


class DriverPool:
    """Idle drivers by master; ``acquire`` reuses one or starts one."""

    def __init__(self, log_dir: Path, children: ChildProcesses) -> None:
        self._log_dir = log_dir
        self._children = children
        self._idle: dict[str | None, list[SparkDriver]] = {}
        self._lock = threading.Lock()
        self._closed = False
        self._count = 0

    def acquire(self, master: str | None, env: dict[str, str]) -> SparkDriver:
        """An idle live driver for ``master`` (maybe still starting), else a new one;
        call ``ensure_ready`` before running on it."""
        with self._lock:
            idle = self._idle.get(master, [])
            while idle:
                driver = idle.pop(0)
                if driver.alive:
                    return driver
                driver.kill()  # reaps it and drops its record
            self._count += 1
            log = self._log_dir / f"driver-{self._count}.log"
        return SparkDriver(master, env, log, self._children)

    def release(self, driver: SparkDriver) -> None:
        """Give a driver back after a run that ended normally."""
        with self._lock:
            idle = self._idle.setdefault(driver.master, [])
            if self._closed or not driver.alive or len(idle) >= IDLE_LIMIT:
                keep = False
            else:
                idle.append(driver)
                keep = True
        if not keep:
            driver.kill()

    def prestart(self, master: str | None, env: dict[str, str]) -> None:
        """Start a driver now, idle in the pool, so the next run finds it warm (a run
        that takes it while it is still starting waits for it)."""
        with self._lock:
            if self._closed or any(d.alive for d in self._idle.get(master, [])):
                return
            self._count += 1
            driver = SparkDriver(
                master, env, self._log_dir / f"driver-{self._count}.log", self._children
            )
            self._idle.setdefault(master, []).append(driver)

        def start() -> None:
            try:
                driver.ensure_ready()
            except DriverError as exc:
                LOG.warning("could not pre-start a Spark driver: %s", exc)

        threading.Thread(target=start, name="spark-prestart", daemon=True).start()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            drivers = [d for idle in self._idle.values() for d in idle]
            self._idle.clear()
        for driver in drivers:
            driver.kill()
