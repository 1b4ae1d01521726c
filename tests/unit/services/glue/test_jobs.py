"""Glue jobs and job runs on the engine: definitions, errors, real pythonshell runs in a
subprocess (tiny scripts), timeouts, stops, restart recovery and DPU billing."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from glue_helpers import WHERE, RecordingMeter

from lakestack.core.clock import FixedClock
from lakestack.core.errors import AwsError
from lakestack.core.ids import Ids
from lakestack.services.glue.errors import (
    AlreadyExistsException,
    ConcurrentRunsExceededException,
    EntityNotFoundException,
    InvalidInputException,
)
from lakestack.services.glue.job_models import Job, JobCommand
from lakestack.services.glue.jobs import GlueJobsEngine


class NoSuchKey(AwsError):
    code = "NoSuchKey"
    message = "The specified key does not exist."


@dataclasses.dataclass
class Blob:
    path: str
    offset: int
    length: int


class Scripts:
    """A tiny object store: s3://bucket/key -> a file."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def put(self, key: str, text: str) -> str:
        path = self.root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return f"s3://scripts/{key}"

    def get_object(self, account: str, region: str, bucket: str, key: str) -> Blob:
        path = self.root / key
        if bucket != "scripts" or not path.exists():
            raise NoSuchKey()
        return Blob(str(path), 0, path.stat().st_size)


@pytest.fixture
def scripts(tmp_path: Path) -> Scripts:
    return Scripts(tmp_path / "s3")


@pytest.fixture
def meter() -> RecordingMeter:
    return RecordingMeter()


def _engine(
    data: Path, scripts: Scripts, meter: RecordingMeter, clock: FixedClock | None = None
) -> GlueJobsEngine:
    return GlueJobsEngine(
        data,
        clock or FixedClock(),
        Ids(seed=3),
        meter,
        scripts=scripts,
        endpoint=lambda: "http://127.0.0.1:9",
    )


@pytest.fixture
def glue(tmp_path: Path, scripts: Scripts, meter: RecordingMeter) -> Iterator[GlueJobsEngine]:
    engine = _engine(tmp_path / "data", scripts, meter)
    yield engine
    engine.close()


def _job(
    location: str,
    name: str = "nightly",
    command: str = "pythonshell",
    role: str = "arn:aws:iam::111122223333:role/glue",
    **kw: object,
) -> Job:
    return Job(name, role, JobCommand(command, location), **kw)  # type: ignore[arg-type]


def test_create_job_fills_pythonshell_defaults(glue: GlueJobsEngine) -> None:
    job = glue.create_job(*WHERE, _job("s3://scripts/a.py"))
    assert (job.max_capacity, job.timeout, job.glue_version) == (0.0625, 2880, "3.0")
    assert glue.get_job(*WHERE, "nightly").command.script_location == "s3://scripts/a.py"
    assert [j.name for j in glue.get_jobs(*WHERE).items] == ["nightly"]


def test_create_job_twice_raises_already_exists(glue: GlueJobsEngine) -> None:
    glue.create_job(*WHERE, _job("s3://scripts/a.py"))
    with pytest.raises(AlreadyExistsException):
        glue.create_job(*WHERE, _job("s3://scripts/a.py"))


@pytest.mark.parametrize(
    "job",
    [
        _job("s3://scripts/a.py", role=""),
        _job("s3://scripts/a.py", command="gluestreaming"),
        _job("/local/a.py"),
        _job("s3://scripts/a.py", max_capacity=2.0),
        _job("s3://scripts/a.py", worker_type="G.1X", number_of_workers=2),
        _job(
            "s3://scripts/a.py",
            command="glueetl",
            worker_type="G.1X",
            number_of_workers=2,
            max_capacity=10.0,
        ),
        _job("s3://scripts/a.py", timeout=0),
    ],
)
def test_create_job_invalid_definition_raises_invalid_input(glue: GlueJobsEngine, job: Job) -> None:
    with pytest.raises(InvalidInputException):
        glue.create_job(*WHERE, job)


def test_update_job_replaces_definition_keeps_created_on(glue: GlueJobsEngine) -> None:
    created = glue.create_job(*WHERE, _job("s3://scripts/a.py", default_arguments={"--a": "1"}))
    updated = glue.update_job(*WHERE, "nightly", _job("s3://scripts/b.py", max_capacity=1.0))
    assert updated.created_on == created.created_on
    got = glue.get_job(*WHERE, "nightly")
    assert (got.command.script_location, got.max_capacity, got.default_arguments) == (
        "s3://scripts/b.py",
        1.0,
        {},
    )


def test_missing_job_operations_raise_entity_not_found(glue: GlueJobsEngine) -> None:
    for call in (
        lambda: glue.get_job(*WHERE, "nosuch"),
        lambda: glue.start_job_run(*WHERE, "nosuch"),
        lambda: glue.get_job_runs(*WHERE, "nosuch"),
        lambda: glue.update_job(*WHERE, "nosuch", _job("s3://scripts/a.py")),
    ):
        with pytest.raises(EntityNotFoundException):
            call()
    glue.create_job(*WHERE, _job("s3://scripts/a.py"))
    with pytest.raises(EntityNotFoundException):
        glue.get_job_run(*WHERE, "nightly", "jr_nosuch")
    assert glue.delete_job(*WHERE, "nosuch") == "nosuch"


def test_run_pythonshell_succeeds_with_glue_argv_and_env(
    glue: GlueJobsEngine, scripts: Scripts, meter: RecordingMeter
) -> None:
    loc = scripts.put(
        "ok.py", "import os, sys\nprint(sys.argv[1:])\nprint(os.environ['AWS_ENDPOINT_URL'])\n"
    )
    glue.create_job(*WHERE, _job(loc, default_arguments={"--day": "01", "--env": "dev"}))
    run = glue.start_job_run(*WHERE, "nightly", {"--env": "prod"})
    assert run.job_run_state == "STARTING" and run.id.startswith("jr_")
    done = glue.wait_job_run(*WHERE, "nightly", run.id)
    assert done.job_run_state == "SUCCEEDED", Path(done.stderr_path or "").read_text()
    out = Path(done.stdout_path or "").read_text().splitlines()
    assert out == [
        f"['--JOB_NAME', 'nightly', '--JOB_RUN_ID', '{run.id}', '--day', '01', '--env', 'prod']",
        "http://127.0.0.1:9",
    ]
    assert done.arguments == {"--env": "prod"} and done.completed_on is not None
    assert (done.execution_time, done.dpu_seconds) == (0, 3.75)  # fixed clock: 1-min minimum
    assert ("glue", "JobRun", "DPU-Seconds", 3.75, "DPU-Seconds", *WHERE) in meter.records


def test_run_raising_script_fails_with_exception_line(
    glue: GlueJobsEngine, scripts: Scripts
) -> None:
    loc = scripts.put("bad.py", "print('working')\nraise ValueError('boom')\n")
    glue.create_job(*WHERE, _job(loc))
    done = glue.wait_job_run(*WHERE, "nightly", glue.start_job_run(*WHERE, "nightly").id)
    assert (done.job_run_state, done.error_message) == ("FAILED", "ValueError: boom")
    assert "Traceback" in Path(done.stderr_path or "").read_text()
    assert Path(done.stdout_path or "").read_text() == "working\n"


def test_run_missing_script_fails_naming_location(glue: GlueJobsEngine) -> None:
    glue.create_job(*WHERE, _job("s3://scripts/nosuch.py"))
    done = glue.wait_job_run(*WHERE, "nightly", glue.start_job_run(*WHERE, "nightly").id)
    assert done.job_run_state == "FAILED"
    assert "s3://scripts/nosuch.py" in (done.error_message or "")
    assert "NoSuchKey" in (done.error_message or "")


def test_run_past_timeout_is_killed_as_timeout(glue: GlueJobsEngine, scripts: Scripts) -> None:
    loc = scripts.put("slow.py", "import time\ntime.sleep(30)\n")
    glue.create_job(*WHERE, _job(loc))
    run = glue.start_job_run(*WHERE, "nightly", timeout_seconds=0.3)
    done = glue.wait_job_run(*WHERE, "nightly", run.id, timeout=10)
    assert done.job_run_state == "TIMEOUT" and "timed out" in (done.error_message or "")


def test_batch_stop_job_run_kills_to_stopped(glue: GlueJobsEngine, scripts: Scripts) -> None:
    loc = scripts.put("slow.py", "import time\ntime.sleep(30)\n")
    glue.create_job(*WHERE, _job(loc))
    run = glue.start_job_run(*WHERE, "nightly")
    ok, errors = glue.batch_stop_job_run(*WHERE, "nightly", [run.id, "jr_nosuch"])
    assert ok == [run.id]
    assert [(e.job_run_id, e.error_code) for e in errors] == [
        ("jr_nosuch", "EntityNotFoundException")
    ]
    assert glue.wait_job_run(*WHERE, "nightly", run.id, timeout=10).job_run_state == "STOPPED"
    _, errors = glue.batch_stop_job_run(*WHERE, "nightly", [run.id])
    assert errors[0].error_code == "InvalidInputException"


def test_start_job_run_beyond_max_concurrent_runs_raises(
    glue: GlueJobsEngine, scripts: Scripts
) -> None:
    glue.create_job(*WHERE, _job(scripts.put("slow.py", "import time\ntime.sleep(30)\n")))
    run = glue.start_job_run(*WHERE, "nightly")
    with pytest.raises(ConcurrentRunsExceededException):
        glue.start_job_run(*WHERE, "nightly")
    glue.batch_stop_job_run(*WHERE, "nightly", [run.id])
    glue.wait_job_run(*WHERE, "nightly", run.id, timeout=10)


def test_glueetl_run_without_its_script_fails_naming_the_location(glue: GlueJobsEngine) -> None:
    glue.create_job(
        *WHERE,
        _job("s3://scripts/etl.py", command="glueetl", worker_type="G.1X", number_of_workers=2),
    )
    run = glue.start_job_run(*WHERE, "nightly")
    done = glue.wait_job_run(*WHERE, "nightly", run.id, timeout=10)
    assert done.job_run_state == "FAILED"
    assert done.error_message is not None
    assert done.error_message.startswith("Failed to download the script from s3://scripts/etl.py")


def test_get_job_runs_newest_first_paged(glue: GlueJobsEngine) -> None:
    glue.create_job(*WHERE, _job("s3://scripts/etl.py", command="glueetl"))
    ids = []
    for _ in range(3):  # one at a time: MaxConcurrentRuns is 1
        ids.append(glue.start_job_run(*WHERE, "nightly").id)
        glue.wait_job_run(*WHERE, "nightly", ids[-1], timeout=10)
    first = glue.get_job_runs(*WHERE, "nightly", max_results=2)
    second = glue.get_job_runs(*WHERE, "nightly", next_token=first.next_token)
    assert [r.id for r in first.items + second.items] == ids[::-1]
    assert second.next_token is None


def test_runs_survive_restart_and_active_ones_fail(
    tmp_path: Path, scripts: Scripts, meter: RecordingMeter
) -> None:
    engine = _engine(tmp_path / "data", scripts, meter)
    engine.create_job(*WHERE, _job(scripts.put("slow.py", "import time\ntime.sleep(30)\n")))
    run = engine.start_job_run(*WHERE, "nightly")
    engine.close()  # kills the process; the run is recorded as abandoned
    again = _engine(tmp_path / "data", scripts, meter)
    try:
        got = again.get_job_run(*WHERE, "nightly", run.id)
        assert got.job_run_state == "FAILED" and "lakestack stopped" in (got.error_message or "")
    finally:
        again.close()


def test_delete_job_removes_job_and_runs(glue: GlueJobsEngine) -> None:
    glue.create_job(*WHERE, _job("s3://scripts/etl.py", command="glueetl"))
    glue.start_job_run(*WHERE, "nightly")
    assert glue.delete_job(*WHERE, "nightly") == "nightly"
    with pytest.raises(EntityNotFoundException):
        glue.get_job(*WHERE, "nightly")


def test_create_glueetl_job_without_versions_gets_aws_defaults(glue: GlueJobsEngine) -> None:
    job = glue.create_job(*WHERE, _job("s3://scripts/etl.py", command="glueetl"))
    assert (job.glue_version, job.max_capacity, job.allocated_capacity) == ("0.9", 10.0, 10)
    assert (job.timeout, job.max_retries, job.max_concurrent_runs) == (2880, 0, 1)
    assert (job.worker_type, job.number_of_workers) == (None, None)


def test_create_job_reports_capacity_of_its_workers_and_takes_allocated_capacity(
    glue: GlueJobsEngine,
) -> None:
    workers = glue.create_job(
        *WHERE,
        _job(
            "s3://s/a.py",
            "w",
            "glueetl",
            glue_version="4.0",
            worker_type="G.2X",
            number_of_workers=5,
        ),
    )
    assert (workers.allocated_capacity, workers.max_capacity, workers.timeout) == (10, None, 2880)
    legacy = glue.create_job(*WHERE, _job("s3://s/a.py", "l", "glueetl", allocated_capacity=5))
    assert (legacy.max_capacity, legacy.allocated_capacity) == (5.0, 5)
    newest = glue.create_job(*WHERE, _job("s3://s/a.py", "n", "glueetl", glue_version="5.0"))
    assert newest.timeout == 480


def test_finished_run_is_billed_with_its_reason_and_logs_one_line(
    glue: GlueJobsEngine,
    scripts: Scripts,
    meter: RecordingMeter,
    caplog: pytest.LogCaptureFixture,
) -> None:
    glue.create_job(*WHERE, _job(scripts.put("ok.py", "pass\n")))
    caplog.set_level("INFO", logger="lakestack.services.glue.jobs")
    run = glue.wait_job_run(*WHERE, "nightly", glue.start_job_run(*WHERE, "nightly").id)
    assert run.job_run_state == "SUCCEEDED"
    assert meter.notes == ["0.0625 DPU x 1-minute minimum (Python shell)"]
    lines = [r.getMessage() for r in caplog.records if r.levelname == "INFO"]
    assert lines == [
        f"Glue job nightly run {run.id} SUCCEEDED after 0.0 s: 3.75 DPU-seconds, $0.0005"
    ]


def test_failed_zero_second_glue_0_9_run_costs_ten_minutes_of_ten_dpus(
    glue: GlueJobsEngine, meter: RecordingMeter
) -> None:
    glue.create_job(*WHERE, _job("s3://scripts/nosuch.py", command="glueetl"))
    run = glue.wait_job_run(*WHERE, "nightly", glue.start_job_run(*WHERE, "nightly").id)
    assert (run.job_run_state, run.dpu_seconds, run.allocated_capacity) == ("FAILED", 6000, 10)
    assert meter.notes == ["10 DPU x 10-minute minimum (Glue 0.9)"]
