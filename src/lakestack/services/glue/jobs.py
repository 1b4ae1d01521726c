"""The Glue jobs engine: CreateJob/GetJob(s)/UpdateJob/DeleteJob, StartJobRun,
GetJobRun(s), BatchStopJobRun, and job bookmarks (``bookmarks.JobBookmarks``).

:class:`GlueJobsEngine` knows no HTTP and no catalog. Jobs, runs and bookmarks live in
``<data_dir>/glue/jobs.sqlite`` (``job_store``), a file this engine alone opens. A run
follows ``job_models.LIFECYCLE``: a watcher thread per run hands it to
``job_execution.RunExecutor``, which fetches the script from S3 through the injected
:class:`ScriptSource`, waits on it (the engine never sleeps) and enforces the timeout:
``pythonshell`` scripts in their own process, ``glueetl`` scripts on a warm Spark driver
(``spark_drivers``; the job argument ``--lakestack-spark-master`` or the environment's
``LAKESTACK_SPARK_MASTER`` picks the Spark master, ``local[*]`` by default). Child
processes are recorded and reaped by ``children.ChildProcesses``. A finished run is
billed with the reason for its price and logs one INFO line. Runs active when lakestack
stopped are failed on the next start.
"""

from __future__ import annotations

import dataclasses
import logging
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

from lakestack.core.clock import Clock
from lakestack.core.credentials import CredentialStore
from lakestack.core.ids import Ids
from lakestack.core.lifecycle import Waiters
from lakestack.core.logs import LogWriter, file_events
from lakestack.core.storage.private import private_dir
from lakestack.metering.meter import UsageSink
from lakestack.metering.pricing import usd
from lakestack.services.glue import job_runner
from lakestack.services.glue.bookmarks import JobBookmarkEntry, JobBookmarks
from lakestack.services.glue.catalog_base import (
    SERVICE,
    check_max_results,
    decode_token,
    encode_token,
    remove_database_files,
    validation_error,
)
from lakestack.services.glue.children import ChildProcesses
from lakestack.services.glue.errors import (
    AlreadyExistsException,
    ConcurrentRunsExceededException,
    EntityNotFoundException,
)
from lakestack.services.glue.job_definitions import MAX_TIMEOUT, capacity, validated_job
from lakestack.services.glue.job_execution import INTERRUPTED, Live, RunExecutor
from lakestack.services.glue.job_models import (
    FAILED,
    LIFECYCLE,
    STARTING,
    STOPPED,
    STOPPING,
    TIMEOUT,
    Job,
    JobRun,
    ScriptSource,
    StopError,
    can_move,
)
from lakestack.services.glue.job_store import JOBS_FILE, JobStore
from lakestack.services.glue.models import Page
from lakestack.services.glue.spark_drivers import DriverPool

LOG = logging.getLogger(__name__)
LOG_GROUP_OUTPUT = "/aws-glue/jobs/output"
LOG_GROUP_ERROR = "/aws-glue/jobs/error"

MAX_JOBS_PAGE = 1000
MAX_RUNS_PAGE = 200


class GlueJobsEngine:
    """``GlueJobsEngine(data_dir, clock, ids, meter, *, scripts=None, endpoint=None,
    warm_spark=False)``: the jobs, runs and bookmarks of every account and region.

    Args:
        scripts: reads scripts and extra files from S3 (the S3 engine's ``get_object``).
        endpoint: the URL scripts' boto3 calls go to, asked when a run starts.
        warm_spark: start a Spark driver as soon as a glueetl job is created, so its
            first run finds Spark up.

    Thread-safe: the store's lock makes check-then-write steps atomic.
    """

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
        logs: LogWriter | None = None,
        credentials: CredentialStore | None = None,
    ) -> None:
        self._root = Path(data_dir) / "glue"
        self._logs = logs
        self._clock = clock
        self._ids = ids
        self._meter = meter
        self._endpoint = endpoint or (lambda: None)
        self._live: dict[str, Live] = {}
        self._live_lock = threading.Lock()
        self._waiters: Waiters[str] = Waiters()
        private_dir(self._root)
        self._children = ChildProcesses(self._root / "children")
        self._children.reap()
        self._drivers = DriverPool(self._root / "spark-drivers", self._children)
        self._runs = RunExecutor(
            self._root,
            scripts,
            self._endpoint,
            self._drivers,
            self._children,
            self._live_lock,
            self._move,
            warm_spark,
            credentials,
        )
        self._open()

    def _open(self) -> None:
        private_dir(self._root)
        self._jobs = JobStore(self._root / JOBS_FILE)
        self._bookmarks = JobBookmarks(self._jobs)
        self._fail_interrupted_runs()

    def close(self) -> None:
        """Kill every run and Spark driver of this process; close the store."""
        self._abandon_live_runs()
        self._drivers.close()
        self._children.close()
        self._jobs.close()

    def reset(self) -> None:
        """Kill every running job and forget all jobs, runs and bookmarks."""
        self._abandon_live_runs()
        self._jobs.close()
        remove_database_files(self._root / JOBS_FILE)
        shutil.rmtree(self._root / "job-runs", ignore_errors=True)
        self._open()

    # -- jobs ---------------------------------------------------------------------------

    def create_job(self, account: str, region: str, job: Job) -> Job:
        """Define a job.

        Raises:
            InvalidInputException: a missing Role, an unknown command, bad capacity.
            AlreadyExistsException: a job of that name exists.
        """
        now = self._clock.utcnow()
        job = validated_job(job, now, now)
        with self._jobs.lock:
            if self._jobs.get_job(account, region, job.name) is not None:
                raise AlreadyExistsException(f"{job.name} already exists.")
            self._jobs.put_job(account, region, job)
        if job.command.name == "glueetl":
            self._runs.prestart_driver(region, job.default_arguments)
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
            job = validated_job(
                dataclasses.replace(update, name=name), old.created_on, self._clock.utcnow()
            )
            self._jobs.put_job(account, region, job)
        return job

    def delete_job(self, account: str, region: str, name: str) -> str:
        """Delete a job, its runs (running ones are killed) and its bookmark; a missing job
        is no error."""
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
        run.allocated_capacity = int(
            capacity(run.max_capacity, run.worker_type, run.number_of_workers)
        )
        with self._jobs.lock:
            if self._jobs.count_active(account, region, job.name) >= job.max_concurrent_runs:
                raise ConcurrentRunsExceededException(f"Concurrent runs exceeded for {job.name}")
            self._jobs.insert_run(account, region, run)
        merged = {**job.default_arguments, **run.arguments, **job.non_overridable_arguments}
        seconds = timeout_seconds if timeout_seconds is not None else (run.timeout or 0) * 60
        live = Live(account, region, run_id)
        live.thread = threading.Thread(
            target=self._watch,
            args=(live, job, merged, seconds),
            name=f"glue-{run_id[:12]}",
            daemon=True,
        )
        with self._live_lock:
            self._live[run_id] = live
        self._waiters.begin(run_id)
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
        self._waiters.wait(run_id, timeout)
        return self.get_job_run(account, region, job_name, run_id)

    # -- bookmarks ---------------------------------------------------------------------------

    def get_job_bookmark(self, account: str, region: str, job_name: str) -> JobBookmarkEntry:
        """Raises: EntityNotFoundException (no such job, or it never committed a bookmark)."""
        self.get_job(account, region, job_name)
        return self._bookmarks.get(account, region, job_name)

    def reset_job_bookmark(
        self, account: str, region: str, job_name: str, run_id: str | None = None
    ) -> JobBookmarkEntry:
        """Forget what the bookmark has seen, or rewind it to the state run ``run_id`` left.

        Raises:
            EntityNotFoundException: no such job, bookmark or run.
        """
        with self._jobs.lock:
            self.get_job(account, region, job_name)
            return self._bookmarks.reset(account, region, job_name, run_id)

    def load_job_bookmark(
        self, account: str, region: str, job_name: str, run_id: str | None = None
    ) -> str:
        """The bookmark state a run starts from (``Job.init``); ``{}`` when none."""
        return self._bookmarks.load(account, region, job_name, run_id)

    def commit_job_bookmark(
        self, account: str, region: str, job_name: str, run_id: str, state: str
    ) -> JobBookmarkEntry:
        """Save the state a run commits (``Job.commit``)."""
        return self._bookmarks.commit(account, region, job_name, run_id, state)

    # -- the watcher -----------------------------------------------------------------------

    def _watch(
        self, live: Live, job: Job, arguments: dict[str, str], timeout_seconds: float
    ) -> None:
        try:
            self._runs.execute(live, job, arguments, timeout_seconds)
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
            self._write_logs(live)
            self._waiters.settle(live.run_id)

    def _write_logs(self, live: Live) -> None:
        """Send a finished run's stdout and stderr to CloudWatch Logs, as Glue does:
        groups ``/aws-glue/jobs/output`` and ``/aws-glue/jobs/error``, stream = run id."""
        if self._logs is None:
            return
        run_dir = self._root / "job-runs" / live.run_id
        now = int(self._clock.now() * 1000)
        for name, group in (("stdout", LOG_GROUP_OUTPUT), ("stderr", LOG_GROUP_ERROR)):
            try:
                for events in file_events(run_dir / name, now):
                    self._logs.write(live.account, live.region, group, live.run_id, events)
            except Exception:  # noqa: BLE001 - logs are a copy; the run's state stands
                LOG.exception(
                    "could not send %s of job run %s to CloudWatch Logs", name, live.run_id
                )

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
        """Move a run along LIFECYCLE; finishing sets CompletedOn, times and DPU-seconds
        and records usage. An illegal move (e.g. after DeleteJob) changes nothing."""
        with self._jobs.lock:
            run = self._jobs.get_run(account, region, run_id)
            if run is None or not can_move(run.job_run_state, state):
                return run  # type: ignore[return-value]
            now = self._clock.utcnow()
            run.job_run_state, run.last_modified_on = state, now
            run.error_message = error or run.error_message
            seconds = max(0.0, (now - run.started_on).total_seconds())
            if run.finished:
                run.completed_on = now
                run.execution_time = max(0, round(seconds))
                if bill:
                    self._bill_run(account, region, run)
            self._jobs.update_run(account, region, run)
        if run.job_run_state in (FAILED, TIMEOUT):
            self._log_failure(run)
        if run.finished:
            LOG.info(
                "Glue job %s run %s %s after %.1f s: %g DPU-seconds, $%.4f",
                run.job_name,
                run.id,
                run.job_run_state,
                seconds,
                run.dpu_seconds or 0,
                usd(SERVICE, "DPU-Seconds", run.dpu_seconds or 0),
            )
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
        dpus = capacity(run.max_capacity, run.worker_type, run.number_of_workers)
        job = self._jobs.get_job(account, region, run.job_name)
        command = job.command.name if job else "pythonshell"
        run.dpu_seconds, why = job_runner.billing(
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
            note=why,
        )

    def _request_stop(self, account: str, region: str, run_id: str) -> None:
        with self._live_lock:
            live = self._live.get(run_id)
        if live is None:  # not ours to run (e.g. left from before a restart)
            self._move(account, region, run_id, STOPPED)
            return
        self._move(account, region, run_id, STOPPING)
        self._kill(live, shutdown=False)

    def _kill(self, live: Live, shutdown: bool) -> None:
        with self._live_lock:
            if shutdown:
                live.shutdown = True
            else:
                live.stop_requested = True
            proc = live.proc
        if proc is not None:
            proc.kill()

    def _run_job_name(self, live: Live) -> str | None:
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
        """Runs a previous process left active end as ``LIFECYCLE.recovery`` says."""
        LIFECYCLE.recover(
            [row for row in self._jobs.active_runs() if row[2].id not in self._live],
            lambda row: row[2].job_run_state,
            lambda row, state: self._move(row[0], row[1], row[2].id, state, INTERRUPTED),
        )
