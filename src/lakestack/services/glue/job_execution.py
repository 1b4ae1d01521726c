"""How a Glue job run executes, from its watcher thread: fetch the script and extra files
from S3 into the run's directory, then run a ``pythonshell`` script in its own process
or a ``glueetl`` script on a warm Spark driver (``spark_drivers``), enforcing the
timeout and honouring stop and shutdown requests.

:class:`RunExecutor` is built by the jobs engine with explicit collaborators (the
script source, the endpoint, the driver pool, the child-process registry, the lock
guarding live runs) and reports every state change through the engine's ``move``
callback; it keeps no state of its own. Knows no SQLite, HTTP or other service.
"""

from __future__ import annotations

import dataclasses
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from lakestack.core.credentials import CredentialStore
from lakestack.core.errors import AwsError
from lakestack.core.storage.private import private_dir, private_open
from lakestack.services.glue import job_runner
from lakestack.services.glue.children import ChildProcesses
from lakestack.services.glue.errors import InvalidInputException
from lakestack.services.glue.job_identity import role_credentials
from lakestack.services.glue.job_models import (
    FAILED,
    RUNNING,
    STOPPED,
    SUCCEEDED,
    TIMEOUT,
    Job,
    ScriptSource,
)
from lakestack.services.glue.spark_drivers import DriverError, DriverPool, SparkDriver

MASTER_ARGUMENT = "--lakestack-spark-master"
INTERRUPTED = "lakestack stopped while this run was in progress; the run was abandoned."

Move = Callable[..., object]
"""``move(account, region, run_id, state, error=None)``: the engine's state change."""


class ExtraMissing(Exception):
    """An ``--extra-py-files`` / ``--extra-files`` object could not be fetched."""


@dataclasses.dataclass
class Live:
    """A run this process is executing: its watcher, its process, stop/shutdown flags."""

    account: str
    region: str
    run_id: str
    thread: threading.Thread | None = None
    proc: job_runner.ScriptProcess | SparkDriver | None = None
    stop_requested: bool = False
    shutdown: bool = False


class RunExecutor:
    """Runs job scripts for the jobs engine (see the module docstring)."""

    def __init__(
        self,
        root: Path,
        scripts: ScriptSource | None,
        endpoint: Callable[[], str | None],
        drivers: DriverPool,
        children: ChildProcesses,
        lock: threading.Lock,
        move: Move,
        warm_spark: bool = False,
        credentials: CredentialStore | None = None,
    ) -> None:
        self._root = root
        self._credentials = credentials
        self._scripts = scripts
        self._endpoint = endpoint
        self._drivers = drivers
        self._children = children
        self._lock = lock
        self._move = move
        self._warm_spark = warm_spark

    def execute(
        self, live: Live, job: Job, arguments: dict[str, str], timeout_seconds: float
    ) -> None:
        where = (live.account, live.region, live.run_id)
        run_dir = self._root / "job-runs" / live.run_id
        private_dir(run_dir)
        try:
            script = self._fetch_script(
                live.account, live.region, job.command.script_location or "", run_dir
            )
        except AwsError as exc:
            self._move(
                *where,
                FAILED,
                f"Failed to download the script from "
                f"{job.command.script_location}: {exc.code}: {exc.message}",
            )
            return
        try:
            python_path = self._fetch_extras(live, arguments, run_dir)
        except ExtraMissing as exc:
            self._move(*where, FAILED, str(exc))
            return
        argv = job_runner.script_argv(str(script), job.name, live.run_id, arguments)
        env = job_runner.script_env(
            self._endpoint(),
            live.region,
            credentials=role_credentials(self._credentials, live.account, job.role)
            if self._credentials is not None
            else None,
        )
        if python_path:
            env["PYTHONPATH"] = os.pathsep.join(
                [*python_path, *filter(None, [env.get("PYTHONPATH")])]
            )
        if job.command.name == "glueetl":
            self._execute_spark(live, script, argv, env, arguments, timeout_seconds, python_path)
            return
        with self._lock:
            if live.stop_requested or live.shutdown:
                self.finish_stopped(live)
                return
            live.proc = job_runner.ScriptProcess(
                argv, env, run_dir, run_dir / "stdout", run_dir / "stderr", self._children
            )
        self._move(*where, RUNNING)
        code = live.proc.wait(timeout_seconds)
        if code is None:
            live.proc.kill()
        if live.stop_requested or live.shutdown:
            self.finish_stopped(live)
        elif code is None:
            self._move(*where, TIMEOUT, _timed_out(timeout_seconds))
        elif code == 0:
            self._move(*where, SUCCEEDED)
        else:
            tail = job_runner.read_tail(run_dir / "stderr")
            self._move(*where, FAILED, job_runner.failure_message(tail, code))

    def _execute_spark(
        self,
        live: Live,
        script: Path,
        argv: list[str],
        env: dict[str, str],
        arguments: dict[str, str],
        timeout_seconds: float,
        python_path: list[str],
    ) -> None:
        """Run a glueetl script on a warm driver; a stop or timeout kills the driver."""
        where = (live.account, live.region, live.run_id)
        run_dir = script.parent
        started = time.monotonic()
        driver = self._drivers.acquire(arguments.get(MASTER_ARGUMENT), env)
        with self._lock:
            stop = live.stop_requested or live.shutdown
            if not stop:
                live.proc = driver
        if stop:
            self._drivers.release(driver)
            self.finish_stopped(live)
            return
        try:
            driver.ensure_ready(max(1.0, timeout_seconds))
        except DriverError as exc:
            if live.stop_requested or live.shutdown:
                self.finish_stopped(live)
            else:
                self._move(*where, FAILED, f"Spark could not start for this run: {exc}")
            return
        self._move(*where, RUNNING)
        request = {
            "run_id": live.run_id,
            "script": str(script),
            "argv": argv,
            "cwd": str(run_dir),
            "stdout": str(run_dir / "stdout"),
            "stderr": str(run_dir / "stderr"),
            "env": {k: v for k, v in env.items() if k.startswith("AWS_")},
            "python_path": python_path,
        }
        left = max(0.001, timeout_seconds - (time.monotonic() - started))
        try:
            reply = driver.run(request, left)
        except DriverError as exc:
            reply = {"ok": False, "error": f"The Spark driver died during the run: {exc}"}
        if live.stop_requested or live.shutdown:
            driver.kill()
            self.finish_stopped(live)
        elif reply is None:
            driver.kill()
            self._move(*where, TIMEOUT, _timed_out(timeout_seconds))
        elif reply.get("ok"):
            self._drivers.release(driver)
            self._move(*where, SUCCEEDED)
        else:
            self._drivers.release(driver)
            self._move(*where, FAILED, str(reply.get("error") or "the script failed"))

    def finish_stopped(self, live: Live) -> None:
        """A run whose script was killed: STOPPED when asked to stop, else (lakestack is
        shutting down or the job was deleted) FAILED as interrupted."""
        self._move(
            live.account,
            live.region,
            live.run_id,
            STOPPED if live.stop_requested else FAILED,
            None if live.stop_requested else INTERRUPTED,
        )

    def prestart_driver(self, region: str, arguments: dict[str, str]) -> None:
        """Warm a Spark driver as soon as a glueetl job exists (when the endpoint is up)."""
        endpoint = self._endpoint()
        if endpoint and self._warm_spark:
            self._drivers.prestart(
                arguments.get(MASTER_ARGUMENT), job_runner.script_env(endpoint, region)
            )

    def _fetch_script(self, account: str, region: str, location: str, run_dir: Path) -> Path:
        """Copy an object (the script, an extra file) out of S3 into ``run_dir`` (a later
        PutObject does not change this run)."""
        if self._scripts is None:
            raise InvalidInputException("lakestack was built without an object store")
        bucket, _, key = location.removeprefix("s3://").partition("/")
        obj = self._scripts.get_object(account, region, bucket, key)
        with open(obj.path, "rb") as f:
            f.seek(obj.offset)
            data = f.read(obj.length)
        private_dir(run_dir)
        target = run_dir / (Path(key).name or "script.py")
        with private_open(target, "wb") as f:
            f.write(data)
        return target

    def _fetch_extras(self, live: Live, arguments: dict[str, str], run_dir: Path) -> list[str]:
        """``--extra-files`` into the script's working directory and ``--extra-py-files``
        (``.py``, ``.zip``, ``.whl``, ``.egg``) onto its ``sys.path``, as Glue does; returns
        the path entries to add.

        Raises:
            ExtraMissing: a listed object cannot be read (the run fails naming it).
        """
        entries: list[str] = []
        for argument, target in (
            ("--extra-py-files", run_dir / "extra-py"),
            ("--extra-files", run_dir),
        ):
            for location in filter(
                None, (p.strip() for p in arguments.get(argument, "").split(","))
            ):
                try:
                    path = self._fetch_script(live.account, live.region, location, target)
                except AwsError as exc:
                    raise ExtraMissing(
                        f"Failed to download {argument[2:]} {location}: {exc.code}: {exc.message}"
                    ) from None
                if argument == "--extra-py-files":
                    entry = str(path.parent if path.suffix == ".py" else path)
                    if entry not in entries:
                        entries.append(entry)
        return entries


def _timed_out(seconds: float) -> str:
    """
    >>> _timed_out(60)
    "Job run timed out after 60 seconds (the job's Timeout)"
    """
    return f"Job run timed out after {seconds:g} seconds (the job's Timeout)"
