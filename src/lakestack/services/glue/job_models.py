"""Glue jobs and job runs as plain dataclasses, the job-run lifecycle (``core.lifecycle``),
and the small protocol through which the job engine reads scripts from S3.

Engines and models use snake_case; the provider maps them to botocore's members.
Knows no HTTP and imports no other service (the S3 engine satisfies
:class:`ScriptSource` structurally; ``emulator.py`` passes it in).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from lakestack.core.lifecycle import Lifecycle

# -- job-run states ------------------------------------------------------------------------

STARTING, RUNNING, STOPPING = "STARTING", "RUNNING", "STOPPING"
SUCCEEDED, FAILED, TIMEOUT, STOPPED = "SUCCEEDED", "FAILED", "TIMEOUT", "STOPPED"

LIFECYCLE: Lifecycle[str] = Lifecycle(
    {
        STARTING: frozenset({RUNNING, FAILED, STOPPING, STOPPED}),
        RUNNING: frozenset({SUCCEEDED, FAILED, TIMEOUT, STOPPING}),
        STOPPING: frozenset({STOPPED, FAILED}),
        SUCCEEDED: frozenset(),
        FAILED: frozenset(),
        TIMEOUT: frozenset(),
        STOPPED: frozenset(),
    },
    recovery={STARTING: FAILED, RUNNING: FAILED, STOPPING: STOPPED},
)
"""Allowed moves of ``JobRunState``; a state with no exits is final. A run a stopped
lakestack left active is failed on the next start (one being stopped is STOPPED)."""

ACTIVE = LIFECYCLE.active


def can_move(current: str, new: str) -> bool:
    """Whether a run may go from ``current`` to ``new``.

    >>> can_move("RUNNING", "SUCCEEDED"), can_move("SUCCEEDED", "RUNNING")
    (True, False)
    """
    return LIFECYCLE.can_move(current, new)


# -- resources -----------------------------------------------------------------------------


@dataclass(slots=True)
class JobCommand:
    name: str
    script_location: str | None = None
    python_version: str | None = None
    runtime: str | None = None


@dataclass(slots=True)
class Job:
    """A job definition (CreateJob's members; the engine fills the defaults)."""

    name: str
    role: str
    command: JobCommand
    description: str | None = None
    default_arguments: dict[str, str] = field(default_factory=dict)
    non_overridable_arguments: dict[str, str] = field(default_factory=dict)
    max_concurrent_runs: int = 1
    max_retries: int = 0
    timeout: int | None = None
    max_capacity: float | None = None
    worker_type: str | None = None
    number_of_workers: int | None = None
    glue_version: str | None = None
    execution_class: str | None = None
    allocated_capacity: int | None = None
    """Deprecated twin of MaxCapacity that Glue still reports (whole DPUs)."""
    created_on: datetime | None = None
    last_modified_on: datetime | None = None
    other: dict[str, Any] = field(default_factory=dict)
    """Wire members lakestack keeps but does not interpret (Connections, LogUri, ...)."""


@dataclass(slots=True)
class JobRun:
    """One run of a job. ``stdout_path``/``stderr_path`` are the script's output files."""

    id: str
    job_name: str
    job_run_state: str
    started_on: datetime
    last_modified_on: datetime
    attempt: int = 0
    arguments: dict[str, str] = field(default_factory=dict)
    completed_on: datetime | None = None
    error_message: str | None = None
    execution_time: int = 0
    timeout: int | None = None
    max_capacity: float | None = None
    worker_type: str | None = None
    number_of_workers: int | None = None
    glue_version: str | None = None
    allocated_capacity: int | None = None
    dpu_seconds: float | None = None
    stdout_path: str | None = None
    stderr_path: str | None = None

    @property
    def finished(self) -> bool:
        return LIFECYCLE.is_terminal(self.job_run_state)


@dataclass(slots=True)
class StopError:
    job_run_id: str
    error_code: str
    error_message: str


# -- what the job engine needs from S3 -----------------------------------------------------


class ScriptObject(Protocol):
    """Where an object's bytes are: a file, an offset and a length."""

    @property
    def path(self) -> str: ...

    @property
    def offset(self) -> int: ...

    @property
    def length(self) -> int: ...


class ScriptSource(Protocol):
    """The S3 engine's ``get_object`` (same signature); raises an ``AwsError`` if missing."""

    def get_object(self, account: str, region: str, bucket: str, key: str) -> ScriptObject: ...
