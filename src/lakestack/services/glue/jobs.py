"""Glue jobs and job runs: CreateJob/GetJob(s)/UpdateJob/DeleteJob, StartJobRun,
GetJobRun(s), BatchStopJobRun.

Part of :class:`lakestack.services.glue.engine.GlueEngine`; knows no HTTP. Jobs and
runs live in the catalog's SQLite file, in tables this module creates. A run is a
state machine (``job_models.TRANSITIONS``): ``pythonshell`` scripts are fetched from
S3 through the injected :class:`ScriptSource` and run by a watcher thread per run, which
waits on the script (the engine never sleeps) and enforces the timeout: ``pythonshell``
scripts in their own process, ``glueetl`` scripts on a warm Spark driver
(``spark_drivers``; the job argument ``--lakestack-spark-master`` or the environment's
``LAKESTACK_SPARK_MASTER`` picks the Spark master, ``local[*]`` by default).
Runs active when lakestack stopped are failed on the next start.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lakestack.core.clock import Clock
from lakestack.core.errors import AwsError
from lakestack.core.ids import Ids
from lakestack.core.sqlite import SqliteDatabase
from lakestack.metering.meter import UsageSink
from lakestack.services.glue import job_runner
from lakestack.services.glue.catalog_base import (
    SERVICE,
    CatalogBase,
    check_max_results,
    decode_token,
    encode_token,
    validation_error,
)
from lakestack.services.glue.errors import (
    AlreadyExistsException,
    ConcurrentRunsExceededException,
    EntityNotFoundException,
    InvalidInputException,
)
from lakestack.services.glue.job_models import (
    ACTIVE,
    FAILED,
    RUNNING,
    STARTING,
    STOPPED,
    STOPPING,
    SUCCEEDED,
    TIMEOUT,
    Job,
    JobRun,
    ScriptSource,
    StopError,
    can_move,
)
from lakestack.services.glue.models import Page
from lakestack.services.glue.spark_drivers import DriverError, DriverPool, SparkDriver
from lakestack.services.glue.store import dump, load

LOG = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs(
  account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, body TEXT NOT NULL,
  PRIMARY KEY(account, region, name));
CREATE TABLE IF NOT EXISTS job_runs(
  account TEXT NOT NULL, region TEXT NOT NULL, job TEXT NOT NULL, id TEXT NOT NULL,
  seq INTEGER NOT NULL, state TEXT NOT NULL, body TEXT NOT NULL,
  PRIMARY KEY(account, region, id));
CREATE INDEX IF NOT EXISTS job_runs_seq ON job_runs(account, region, job, seq);
"""
COMMANDS = ("pythonshell", "glueetl")
WORKER_DPUS = {
    "G.025X": 0.25,
    "G.1X": 1.0,
    "G.2X": 2.0,
    "G.4X": 4.0,
    "G.8X": 8.0,
    "Z.2X": 2.0,
    "Standard": 1.0,
}
MAX_TIMEOUT = 10_080
MAX_JOBS_PAGE = 1000
MAX_RUNS_PAGE = 200
MASTER_ARGUMENT = "--lakestack-spark-master"
INTERRUPTED = "lakestack stopped while this run was in progress; the run was abandoned."
_JOB_NAME = re.compile("[\u0020-\ud7ff\ue000-\ufffd\t]{1,255}")


class _ExtraMissing(Exception):
    """An ``--extra-py-files`` / ``--extra-files`` object could not be fetched."""


class JobStore(SqliteDatabase):
    """Jobs and runs as JSON rows, next to the catalog in ``catalog.sqlite``."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, _SCHEMA)

    def get_job(self, account: str, region: str, name: str) -> Job | None:
        rows = self.query(
            "SELECT body FROM jobs WHERE account=? AND region=? AND name=?", (account, region, name)
        )
        return load(Job, rows[0][0]) if rows else None

    def list_jobs(self, account: str, region: str, after: str, limit: int) -> list[Job]:
        rows = self.query(
            "SELECT body FROM jobs WHERE account=? AND region=? AND name>? ORDER BY name LIMIT ?",
            (account, region, after, limit),
        )
        return [load(Job, r[0]) for r in rows]

    def put_job(self, account: str, region: str, job: Job) -> None:
        self.execute(
            "INSERT OR REPLACE INTO jobs VALUES(?,?,?,?)", (account, region, job.name, dump(job))
        )

    def delete_job(self, account: str, region: str, name: str) -> None:
        with self.transaction() as c:
            c.execute(
                "DELETE FROM job_runs WHERE account=? AND region=? AND job=?",
                (account, region, name),
            )
            c.execute(
                "DELETE FROM jobs WHERE account=? AND region=? AND name=?", (account, region, name)
            )

    def get_run(self, account: str, region: str, run_id: str) -> JobRun | None:
        rows = self.query(
            "SELECT body FROM job_runs WHERE account=? AND region=? AND id=?",
            (account, region, run_id),
        )
        return load(JobRun, rows[0][0]) if rows else None

    def list_runs(
        self, account: str, region: str, job: str, before: int, limit: int
    ) -> list[tuple[int, JobRun]]:
        """(seq, run), newest first, with seq below ``before``."""
        rows = self.query(
            "SELECT seq, body FROM job_runs WHERE account=? AND region=? "
            "AND job=? AND seq<? ORDER BY seq DESC LIMIT ?",
            (account, region, job, before, limit),
        )
        return [(r[0], load(JobRun, r[1])) for r in rows]

    def count_active(self, account: str, region: str, job: str) -> int:
        marks = ",".join("?" * len(ACTIVE))
        rows = self.query(
            f"SELECT COUNT(*) FROM job_runs WHERE account=? AND region=? "
            f"AND job=? AND state IN ({marks})",
            (account, region, job, *ACTIVE),
        )
        return int(rows[0][0])

    def active_runs(self) -> list[tuple[str, str, JobRun]]:
        marks = ",".join("?" * len(ACTIVE))
        rows = self.query(
            f"SELECT account, region, body FROM job_runs WHERE state IN ({marks})", tuple(ACTIVE)
        )
        return [(r[0], r[1], load(JobRun, r[2])) for r in rows]

    def insert_run(self, account: str, region: str, run: JobRun) -> None:
        self.execute(
            "INSERT INTO job_runs SELECT ?,?,?,?,COALESCE(MAX(seq),0)+1,?,? FROM job_runs",
            (account, region, run.job_name, run.id, run.job_run_state, dump(run)),
        )

    def update_run(self, account: str, region: str, run: JobRun) -> None:
        self.execute(
            "UPDATE job_runs SET state=?, body=? WHERE account=? AND region=? AND id=?",
            (run.job_run_state, dump(run), account, region, run.id),
        )


@dataclasses.dataclass
class _Live:
    """A run this process is executing: its watcher, its process, stop/shutdown flags."""

    account: str
    region: str
    run_id: str
    done: threading.Event = dataclasses.field(default_factory=threading.Event)
    thread: threading.Thread | None = None
    proc: job_runner.ScriptProcess | SparkDriver | None = None
    stop_requested: bool = False
    shutdown: bool = False


class JobOps(CatalogBase):
    """Job definitions and runs. Extra constructor dependencies: ``scripts`` (the S3
    engine's ``get_object``), ``endpoint`` (the URL scripts' boto3 calls go to, asked
    when a run starts) and ``warm_spark`` (start a Spark driver as soon as a glueetl job
    is created, so its first run finds Spark up)."""

    def __init__(
        self,
        data_dir: Path,
        clock: Clock,
        ids: Ids,
        meter: UsageSink,
        *,
        scripts: ScriptSource | None = None,
        endpoint: Callable[[], str | None] | None = None,
        warm_spark: bool = False,
    ) -> None:
        self._scripts = scripts
        self._warm_spark = warm_spark
        self._endpoint = endpoint or (lambda: None)
        self._live: dict[str, _Live] = {}
        self._live_lock = threading.Lock()
        super().__init__(data_dir, clock, ids, meter)
        self._drivers = DriverPool(self._root / "spark-drivers")

    def _open(self) -> None:
        super()._open()
        self._jobs = JobStore(self._root / "catalog.sqlite")
        self._fail_interrupted_runs()

    def close(self) -> None:
        self._abandon_live_runs()
        self._drivers.close()
        self._jobs.close()
        super().close()

    def reset(self) -> None:
        """Kill every running job and forget all jobs, runs and the catalog."""
        self._abandon_live_runs()
        self._jobs.close()
        super().reset()

    # -- jobs ---------------------------------------------------------------------------

    def create_job(self, account: str, region: str, job: Job) -> Job:
        """Define a job.

        Raises:
            InvalidInputException: a missing Role, an unknown command, bad capacity.
            AlreadyExistsException: a job of that name exists.
        """
        now = self._clock.utcnow()
        job = _validated(job, now, now)
        with self._jobs.lock:
            if self._jobs.get_job(account, region, job.name) is not None:
                raise AlreadyExistsException(f"{job.name} already exists.")
            self._jobs.put_job(account, region, job)
        if job.command.name == "glueetl":
            self._prestart_driver(region, job.default_arguments)
        return job

    def get_job(self, account: str, region: str, name: str) -> Job:
        """Raises: EntityNotFoundException ("Job <name> not found")."""
        job = self._jobs.get_job(account, region, name)
        if job is None:
            raise EntityNotFoundException(f"Job {name} not found")
        return job

    def get_jobs(
        self,
        account: str,
        region: str,
        max_results: int | None = None,
        next_token: str | None = None,
    ) -> Page[Job]:
        limit = check_max_results(max_results, MAX_JOBS_PAGE)
        rows = self._jobs.list_jobs(account, region, decode_token(next_token) or "", limit + 1)
        token = encode_token(rows[limit - 1].name) if len(rows) > limit else None
        return Page(rows[:limit], token)

    def update_job(self, account: str, region: str, name: str, update: Job) -> Job:
        """Replace a job's definition entirely (as Glue does); name and CreatedOn stay.

        Raises:
            EntityNotFoundException: no such job. InvalidInputException: as CreateJob.
        """
        with self._jobs.lock:
            old = self.get_job(account, region, name)
            job = _validated(
                dataclasses.replace(update, name=name), old.created_on, self._clock.utcnow()
            )
            self._jobs.put_job(account, region, job)
        return job

    def delete_job(self, account: str, region: str, name: str) -> str:
        """Delete a job and its runs (running ones are killed); a missing job is no error."""
        with self._live_lock:
            doomed = [
                live
                for live in self._live.values()
                if (live.account, live.region) == (account, region)
                and self._run_job_name(live) == name
            ]
        for live in doomed:
            self._kill(live, shutdown=True)
        self._jobs.delete_job(account, region, name)
        return name

    # -- runs ---------------------------------------------------------------------------

    def start_job_run(
        self,
        account: str,
        region: str,
        job_name: str,
        arguments: dict[str, str] | None = None,
        *,
        timeout: int | None = None,
        max_capacity: float | None = None,
        worker_type: str | None = None,
        number_of_workers: int | None = None,
        timeout_seconds: float | None = None,
    ) -> JobRun:
        """Start a run: the script gets the job's DefaultArguments overlaid by ``arguments``
        (NonOverridableArguments win); the run reports ``arguments`` as given.

        Args:
            timeout: minutes, overriding the job's Timeout.
            timeout_seconds: lakestack-only override in seconds (tests, demos).

        Raises:
            EntityNotFoundException: no such job.
            ConcurrentRunsExceededException: MaxConcurrentRuns runs are active.
            InvalidInputException: a Timeout out of range.
        """
        job = self.get_job(account, region, job_name)
        if timeout is not None and not 1 <= timeout <= MAX_TIMEOUT:
            raise validation_error(
                str(timeout), "timeout", f"Member must be between 1 and {MAX_TIMEOUT}"
            )
        now = self._clock.utcnow()
        run_id = "jr_" + self._ids.hex(32)
        run_dir = self._root / "job-runs" / run_id
        run = JobRun(
            run_id,
            job.name,
            STARTING,
            now,
            now,
            arguments=dict(arguments or {}),
            timeout=timeout or job.timeout,
            max_capacity=max_capacity if max_capacity is not None else job.max_capacity,
            worker_type=worker_type or job.worker_type,
            number_of_workers=number_of_workers or job.number_of_workers,
            glue_version=job.glue_version,
            stdout_path=str(run_dir / "stdout"),
            stderr_path=str(run_dir / "stderr"),
        )
        with self._jobs.lock:
            if self._jobs.count_active(account, region, job.name) >= job.max_concurrent_runs:
                raise ConcurrentRunsExceededException(f"Concurrent runs exceeded for {job.name}")
            self._jobs.insert_run(account, region, run)
        merged = {**job.default_arguments, **run.arguments, **job.non_overridable_arguments}
        seconds = timeout_seconds if timeout_seconds is not None else (run.timeout or 0) * 60
        live = _Live(account, region, run_id)
        live.thread = threading.Thread(
            target=self._watch,
            args=(live, job, merged, seconds),
            name=f"glue-{run_id[:12]}",
            daemon=True,
        )
        with self._live_lock:
            self._live[run_id] = live
        live.thread.start()
        return run

    def get_job_run(self, account: str, region: str, job_name: str, run_id: str) -> JobRun:
        """Raises: EntityNotFoundException (no such job, or no such run of it)."""
        self.get_job(account, region, job_name)
        run = self._jobs.get_run(account, region, run_id)
        if run is None or run.job_name != job_name:
            raise EntityNotFoundException(f"Job Run {run_id} not found")
        return run

    def get_job_runs(
        self,
        account: str,
        region: str,
        job_name: str,
        max_results: int | None = None,
        next_token: str | None = None,
    ) -> Page[JobRun]:
        """A job's runs, newest first. Raises: EntityNotFoundException."""
        self.get_job(account, region, job_name)
        limit = check_max_results(max_results, MAX_RUNS_PAGE)
        before = decode_token(next_token)
        rows = self._jobs.list_runs(
            account, region, job_name, int(before) if before else 2**62, limit + 1
        )
        token = encode_token(str(rows[limit - 1][0])) if len(rows) > limit else None
        return Page([r for _, r in rows[:limit]], token)

    def batch_stop_job_run(
        self, account: str, region: str, job_name: str, run_ids: list[str]
    ) -> tuple[list[str], list[StopError]]:
        """Ask runs to stop; each goes STOPPING, then STOPPED once its process is gone.

        Returns:
            (run ids accepted, errors for missing or finished runs).
        """
        stopped: list[str] = []
        errors: list[StopError] = []
        for run_id in run_ids:
            run = self._jobs.get_run(account, region, run_id)
            if run is None or run.job_name != job_name:
                errors.append(
                    StopError(run_id, "EntityNotFoundException", f"Job Run {run_id} not found")
                )
            elif run.finished or run.job_run_state == STOPPING:
                errors.append(
                    StopError(
                        run_id,
                        "InvalidInputException",
                        f"Job Run {run_id} is {run.job_run_state} and cannot be stopped",
                    )
                )
            else:
                self._request_stop(account, region, run_id)
                stopped.append(run_id)
        return stopped, errors

    def wait_job_run(
        self, account: str, region: str, job_name: str, run_id: str, timeout: float | None = 30.0
    ) -> JobRun:
        """The run once it has finished (or after ``timeout`` seconds, whatever its state)."""
        with self._live_lock:
            live = self._live.get(run_id)
        if live is not None:
            live.done.wait(timeout)
        return self.get_job_run(account, region, job_name, run_id)

    # -- the watcher -----------------------------------------------------------------------

    def _watch(
        self, live: _Live, job: Job, arguments: dict[str, str], timeout_seconds: float
    ) -> None:
        try:
            self._execute(live, job, arguments, timeout_seconds)
        except Exception as exc:  # noqa: BLE001 - a watcher must record, not die
            LOG.exception("job run %s failed inside lakestack", live.run_id)
            self._move(
                live.account,
                live.region,
                live.run_id,
                FAILED,
                f"lakestack could not run the job: {exc}",
            )
        finally:
            with self._live_lock:
                self._live.pop(live.run_id, None)
            live.done.set()

    def _execute(
        self, live: _Live, job: Job, arguments: dict[str, str], timeout_seconds: float
    ) -> None:
        where = (live.account, live.region, live.run_id)
        run_dir = self._root / "job-runs" / live.run_id
        run_dir.mkdir(parents=True, exist_ok=True)
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
        except _ExtraMissing as exc:
            self._move(*where, FAILED, str(exc))
            return
        argv = job_runner.script_argv(str(script), job.name, live.run_id, arguments)
        env = job_runner.script_env(self._endpoint(), live.region)
        if python_path:
            env["PYTHONPATH"] = os.pathsep.join(
                [*python_path, *filter(None, [env.get("PYTHONPATH")])]
            )
        if job.command.name == "glueetl":
            self._execute_spark(live, script, argv, env, arguments, timeout_seconds, python_path)
            return
        with self._live_lock:
            if live.stop_requested or live.shutdown:
                self._finish_stopped(live)
                return
            live.proc = job_runner.ScriptProcess(
                argv, env, run_dir, run_dir / "stdout", run_dir / "stderr"
            )
        self._move(*where, RUNNING)
        code = live.proc.wait(timeout_seconds)
        if code is None:
            live.proc.kill()
        if live.stop_requested or live.shutdown:
            self._finish_stopped(live)
        elif code is None:
            self._move(*where, TIMEOUT, _timed_out(timeout_seconds))
        elif code == 0:
            self._move(*where, SUCCEEDED)
        else:
            tail = job_runner.read_tail(run_dir / "stderr")
            self._move(*where, FAILED, job_runner.failure_message(tail, code))

    def _execute_spark(
        self,
        live: _Live,
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
        with self._live_lock:
            stop = live.stop_requested or live.shutdown
            if not stop:
                live.proc = driver
        if stop:
            self._drivers.release(driver)
            self._finish_stopped(live)
            return
        try:
            driver.ensure_ready(max(1.0, timeout_seconds))
        except DriverError as exc:
            if live.stop_requested or live.shutdown:
                self._finish_stopped(live)
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
            self._finish_stopped(live)
        elif reply is None:
            driver.kill()
            self._move(*where, TIMEOUT, _timed_out(timeout_seconds))
        elif reply.get("ok"):
            self._drivers.release(driver)
            self._move(*where, SUCCEEDED)
        else:
            self._drivers.release(driver)
            self._move(*where, FAILED, str(reply.get("error") or "the script failed"))

    def _finish_stopped(self, live: _Live) -> None:
        """A run whose script was killed: STOPPED when asked to stop, else (lakestack is
        shutting down or the job was deleted) FAILED as interrupted."""
        self._move(
            live.account,
            live.region,
            live.run_id,
            STOPPED if live.stop_requested else FAILED,
            None if live.stop_requested else INTERRUPTED,
        )

    def _prestart_driver(self, region: str, arguments: dict[str, str]) -> None:
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
        run_dir.mkdir(parents=True, exist_ok=True)
        target = run_dir / (Path(key).name or "script.py")
        target.write_bytes(data)
        return target

    def _fetch_extras(self, live: _Live, arguments: dict[str, str], run_dir: Path) -> list[str]:
        """``--extra-files`` into the script's working directory and ``--extra-py-files``
        (``.py``, ``.zip``, ``.whl``, ``.egg``) onto its ``sys.path``, as Glue does; returns
        the path entries to add.

        Raises:
            _ExtraMissing: a listed object cannot be read (the run fails naming it).
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
                    raise _ExtraMissing(
                        f"Failed to download {argument[2:]} {location}: {exc.code}: {exc.message}"
                    ) from None
                if argument == "--extra-py-files":
                    entry = str(path.parent if path.suffix == ".py" else path)
                    if entry not in entries:
                        entries.append(entry)
        return entries

    # -- state changes -------------------------------------------------------------------

    def _move(
        self,
        account: str,
        region: str,
        run_id: str,
        state: str,
        error: str | None = None,
        bill: bool = True,
    ) -> JobRun:
        """Move a run along TRANSITIONS; finishing sets CompletedOn, times and DPU-seconds
        and records usage. An illegal move (e.g. after DeleteJob) changes nothing."""
        with self._jobs.lock:
            run = self._jobs.get_run(account, region, run_id)
            if run is None or not can_move(run.job_run_state, state):
                return run  # type: ignore[return-value]
            now = self._clock.utcnow()
            run.job_run_state, run.last_modified_on = state, now
            run.error_message = error or run.error_message
            if run.finished:
                run.completed_on = now
                run.execution_time = max(0, round((now - run.started_on).total_seconds()))
                if bill:
                    self._bill_run(account, region, run)
            self._jobs.update_run(account, region, run)
        if run.job_run_state in (FAILED, TIMEOUT):
            self._log_failure(run)
        return run

    @staticmethod
    def _log_failure(run: JobRun) -> None:
        """Show a failed run's error and the end of its stderr in lakestack's log."""
        tail = job_runner.read_tail(Path(run.stderr_path)) if run.stderr_path else ""
        lines = [ln for ln in tail.splitlines() if ln.strip()][-15:]
        LOG.warning(
            "Glue job %s run %s %s: %s\n  stdout: %s\n  stderr: %s%s",
            run.job_name,
            run.id,
            run.job_run_state,
            run.error_message,
            run.stdout_path,
            run.stderr_path,
            "".join(f"\n    {ln}" for ln in lines),
        )

    def _bill_run(self, account: str, region: str, run: JobRun) -> None:
        dpus = run.max_capacity or 0.0
        if run.worker_type and run.number_of_workers:
            dpus = WORKER_DPUS.get(run.worker_type, 1.0) * run.number_of_workers
        job = self._jobs.get_job(account, region, run.job_name)
        command = job.command.name if job else "pythonshell"
        run.dpu_seconds = job_runner.billed_dpu_seconds(
            dpus, run.execution_time, run.glue_version, command
        )
        self._meter.record(
            SERVICE,
            "JobRun",
            "DPU-Seconds",
            run.dpu_seconds,
            "DPU-Seconds",
            account,
            region,
            run.job_name,
        )

    def _request_stop(self, account: str, region: str, run_id: str) -> None:
        with self._live_lock:
            live = self._live.get(run_id)
        if live is None:  # not ours to run (e.g. left from before a restart)
            self._move(account, region, run_id, STOPPED)
            return
        self._move(account, region, run_id, STOPPING)
        self._kill(live, shutdown=False)

    def _kill(self, live: _Live, shutdown: bool) -> None:
        with self._live_lock:
            if shutdown:
                live.shutdown = True
            else:
                live.stop_requested = True
            proc = live.proc
        if proc is not None:
            proc.kill()

    def _run_job_name(self, live: _Live) -> str | None:
        run = self._jobs.get_run(live.account, live.region, live.run_id)
        return run.job_name if run else None

    def _abandon_live_runs(self) -> None:
        """Kill every run of this process and wait for the watchers to record it."""
        with self._live_lock:
            lives = list(self._live.values())
        for live in lives:
            self._kill(live, shutdown=True)
        for live in lives:
            if live.thread is not None:
                live.thread.join()

    def _fail_interrupted_runs(self) -> None:
        for account, region, run in self._jobs.active_runs():
            if run.id not in self._live:
                self._move(
                    account,
                    region,
                    run.id,
                    STOPPED if run.job_run_state == STOPPING else FAILED,
                    INTERRUPTED,
                )


def _timed_out(seconds: float) -> str:
    """
    >>> _timed_out(60)
    "Job run timed out after 60 seconds (the job's Timeout)"
    """
    return f"Job run timed out after {seconds:g} seconds (the job's Timeout)"


def _validated(job: Job, created_on: Any, now: Any) -> Job:
    """The job with Glue's defaults filled in, or InvalidInputException."""
    if not isinstance(job.name, str) or not _JOB_NAME.fullmatch(job.name):
        raise validation_error(
            str(job.name), "name", "Member must have length between 1 and 255 and be a single line"
        )
    if not job.role:
        raise InvalidInputException("Role is required")
    command = job.command.name if job.command else None
    if command not in COMMANDS:
        raise InvalidInputException(
            f"Command name {command} is not supported by lakestack "
            f"(supported: {', '.join(COMMANDS)})"
        )
    if not (job.command.script_location or "").startswith("s3://"):
        raise InvalidInputException("ScriptLocation must be an s3:// URI")
    if job.timeout is not None and not 1 <= job.timeout <= MAX_TIMEOUT:
        raise validation_error(
            str(job.timeout), "timeout", f"Member must be between 1 and {MAX_TIMEOUT}"
        )
    job = dataclasses.replace(job, created_on=created_on, last_modified_on=now)
    if command == "pythonshell":
        _pythonshell_capacity(job)
    else:
        _spark_capacity(job)
    if job.timeout is None:
        job.timeout = 480 if (job.glue_version or "0") >= "5.0" else 2880
    return job


def _pythonshell_capacity(job: Job) -> None:
    if job.worker_type or job.number_of_workers:
        raise InvalidInputException(
            "WorkerType and NumberOfWorkers are not supported for "
            "pythonshell jobs; use MaxCapacity (0.0625 or 1)"
        )
    if job.max_capacity is None:
        job.max_capacity = job_runner.PYTHONSHELL_DPUS[0]
    if job.max_capacity not in job_runner.PYTHONSHELL_DPUS:
        raise InvalidInputException("MaxCapacity for pythonshell jobs must be 0.0625 or 1")
    job.command.python_version = job.command.python_version or "3.9"
    job.glue_version = job.glue_version or "3.0"


def _spark_capacity(job: Job) -> None:
    if job.worker_type and job.max_capacity is not None:
        raise InvalidInputException(
            "Please do not set Max Capacity if using Worker Type and Number of Workers."
        )
    if bool(job.worker_type) != bool(job.number_of_workers):
        raise InvalidInputException("Both WorkerType and NumberOfWorkers must be set")
    if job.worker_type and job.worker_type not in WORKER_DPUS:
        raise InvalidInputException(f"Unknown WorkerType {job.worker_type}")
    if not job.worker_type and job.max_capacity is None:
        job.max_capacity = 10.0
    job.command.python_version = job.command.python_version or "3"
    job.glue_version = job.glue_version or "0.9"
