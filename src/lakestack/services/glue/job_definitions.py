"""What a Glue job definition is allowed to be, and the defaults Glue fills in when a
member is left out (AWS Glue API, ``Job``): GlueVersion 0.9 for Spark jobs, MaxCapacity
10 DPUs (Spark) or 0.0625 (Python shell) unless WorkerType/NumberOfWorkers are given,
AllocatedCapacity reported beside it, Timeout 2,880 minutes (480 from Glue 5.0),
MaxRetries 0, one concurrent run.

Pure functions over ``job_models``; knows no storage, HTTP or other service.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from lakestack.services.glue import job_runner
from lakestack.services.glue.catalog_base import validation_error
from lakestack.services.glue.errors import InvalidInputException
from lakestack.services.glue.job_models import Job

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
_JOB_NAME = re.compile("[\u0020-\ud7ff\ue000-\ufffd\t]{1,255}")


def validated_job(job: Job, created_on: Any, now: Any) -> Job:
    """The job with Glue's defaults filled in (CreateJob and UpdateJob), or
    InvalidInputException."""
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
    if job.max_capacity is None and not job.worker_type and job.allocated_capacity is not None:
        job.max_capacity = float(job.allocated_capacity)  # the deprecated name of MaxCapacity
    if command == "pythonshell":
        _pythonshell_capacity(job)
    else:
        _spark_capacity(job)
    job.allocated_capacity = int(capacity(job.max_capacity, job.worker_type, job.number_of_workers))
    if job.timeout is None:
        job.timeout = 480 if _version(job.glue_version) >= (5, 0) else 2880
    return job


def capacity(max_capacity: float | None, worker_type: str | None, workers: int | None) -> float:
    """The DPUs a job or run uses: its workers' DPUs, else MaxCapacity.

    >>> capacity(None, "G.2X", 5), capacity(10.0, None, None), capacity(None, None, None)
    (10.0, 10.0, 0.0)
    """
    if worker_type and workers:
        return WORKER_DPUS.get(worker_type, 1.0) * workers
    return max_capacity or 0.0


def _version(glue_version: str | None) -> tuple[int, ...]:
    """
    >>> _version("4.0") < _version("5.0") < _version("10.0"), _version(None)
    (True, (0, 9))
    """
    try:
        return tuple(int(p) for p in (glue_version or "0.9").split("."))
    except ValueError:
        return (0,)


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
