"""How a Python shell job's script runs: its command line and environment as Glue
gives them, one OS process group per run (started and recorded by
``children.ChildProcesses``), the error message Glue reports for a failed script, and
the DPU-seconds Glue bills with the reason why.

Pure helpers plus :class:`ScriptProcess`; knows no SQLite, HTTP or other service.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from lakestack.core.storage.private import private_open
from lakestack.services.glue.children import ChildProcesses, kill_group

PYTHONSHELL_DPUS = (0.0625, 1.0)
MIN_BILLED_SECONDS = 60  # Glue 2.0+ Spark and Python shell: per second, 1-minute minimum
LEGACY_MIN_BILLED_SECONDS = 600  # Glue 0.9/1.0 Spark: 10-minute minimum
_STDERR_TAIL = 64 * 1024


def script_argv(script: str, job_name: str, run_id: str, arguments: Mapping[str, str]) -> list[str]:
    """``sys.argv`` of a Glue script: the script, then ``--JOB_NAME``/``--JOB_RUN_ID``
    and every job argument as ``--key value``.

    >>> script_argv("s.py", "j", "jr_1", {"--day": "01"})
    ['s.py', '--JOB_NAME', 'j', '--JOB_RUN_ID', 'jr_1', '--day', '01']
    """
    argv = [script, "--JOB_NAME", job_name, "--JOB_RUN_ID", run_id]
    for key, value in arguments.items():
        argv += [key if key.startswith("--") else f"--{key}", value]
    return argv


def script_env(
    endpoint: str | None,
    region: str,
    base: Mapping[str, str] | None = None,
    credentials: tuple[str, str] | None = None,
) -> dict[str, str]:
    """The script's environment: boto3 finds the endpoint, a region and the credentials of
    the job's role (``(access key id, secret)``; the default pair when none are given).

    >>> env = script_env("http://127.0.0.1:1", "eu-west-1", {"AWS_PROFILE": "p"}, ("AK", "S"))
    >>> env["AWS_ENDPOINT_URL"], env["AWS_DEFAULT_REGION"], "AWS_PROFILE" in env
    ('http://127.0.0.1:1', 'eu-west-1', False)
    >>> env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"]
    ('AK', 'S')
    """
    key, secret = credentials or ("test", "test")
    env = {
        k: v for k, v in (os.environ if base is None else base).items() if not k.startswith("AWS_")
    }
    env.update(
        {
            "AWS_ACCESS_KEY_ID": key,
            "AWS_SECRET_ACCESS_KEY": secret,
            "AWS_DEFAULT_REGION": region,
            "AWS_REGION": region,
            "PYTHONUNBUFFERED": "1",
        }
    )
    if endpoint:
        env["AWS_ENDPOINT_URL"] = endpoint
    return env


def failure_message(stderr: str, returncode: int) -> str:
    """Glue's ErrorMessage for a failed script: the exception line of the traceback,
    else the exit code.

    >>> failure_message('Traceback (most recent call last):\\n  File "s.py"\\n'
    ...                 'ValueError: boom\\n', 1)
    'ValueError: boom'
    >>> failure_message("", 3)
    'Command failed with exit code 3'
    """
    if "Traceback (most recent call last):" in stderr:
        tail = stderr.rsplit("Traceback (most recent call last):", 1)[1]
        lines = [ln for ln in tail.splitlines() if ln.strip() and not ln[0].isspace()]
        if lines:
            return lines[-1].strip()
    return f"Command failed with exit code {returncode}"


def billed_dpu_seconds(
    dpus: float, seconds: float, glue_version: str | None, command: str
) -> float:
    """DPU-seconds Glue bills: per second with a 1-minute minimum (Glue 2.0+ and Python
    shell) or a 10-minute one (Spark on Glue 0.9/1.0).

    >>> billed_dpu_seconds(0.0625, 5, "3.0", "pythonshell")
    3.75
    >>> billed_dpu_seconds(10, 90, "1.0", "glueetl")
    6000
    """
    return billing(dpus, seconds, glue_version, command)[0]


def billing(
    dpus: float, seconds: float, glue_version: str | None, command: str
) -> tuple[float, str]:
    """The DPU-seconds Glue bills for a run, and why (the bill shows it).

    >>> billing(10, 0, "0.9", "glueetl")
    (6000, '10 DPU x 10-minute minimum (Glue 0.9)')
    >>> billing(2, 75, "4.0", "glueetl")
    (150, '2 DPU x run time, per second (Glue 4.0, 1-minute minimum)')
    >>> billing(0.0625, 5, "3.0", "pythonshell")
    (3.75, '0.0625 DPU x 1-minute minimum (Python shell)')
    """
    legacy = command != "pythonshell" and glue_version in (None, "0.9", "1.0")
    minimum = LEGACY_MIN_BILLED_SECONDS if legacy else MIN_BILLED_SECONDS
    kind = "Python shell" if command == "pythonshell" else f"Glue {glue_version or '0.9'}"
    rule = f"{minimum // 60}-minute minimum"
    if seconds < minimum:
        why = f"{dpus:g} DPU x {rule} ({kind})"
    else:
        why = f"{dpus:g} DPU x run time, per second ({kind}, {rule})"
    return dpus * max(seconds, minimum), why


def read_tail(path: Path) -> str:
    """The last 64 KiB of a text file (where a traceback ends)."""
    try:
        with open(path, "rb") as f:
            f.seek(max(0, f.seek(0, os.SEEK_END) - _STDERR_TAIL))
            return f.read().decode("utf-8", "replace")
    except OSError:
        return ""


class ScriptProcess:
    """A script in its own process group, stdout/stderr going to files."""

    def __init__(
        self,
        argv: list[str],
        env: dict[str, str],
        cwd: Path,
        stdout: Path,
        stderr: Path,
        children: ChildProcesses,
    ) -> None:
        self._children = children
        with private_open(stdout, "wb") as out, private_open(stderr, "wb") as err:
            self._proc = children.spawn(
                [sys.executable, *argv],
                "python shell script",
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
            )

    def wait(self, timeout: float | None) -> int | None:
        """The exit code, or None when ``timeout`` seconds passed first."""
        try:
            code = self._proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None
        self._children.forget(self._proc.pid)
        return code

    def kill(self) -> None:
        """Kill the whole process group (the script and anything it started)."""
        kill_group(self._proc)
        self._children.forget(self._proc.pid)
