"""A Glue Python-shell job run's stdout and stderr land in CloudWatch Logs, as Glue's do:
``/aws-glue/jobs/output`` and ``/aws-glue/jobs/error``, one stream named by the run id,
readable with boto3 and with ``aws logs get-log-events``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

from lakestack.emulator import Emulator

SCRIPT = """\
import sys

print("rows read: 3")
print("rows written: 3")
print("warning: late partition", file=sys.stderr)
"""


def _run_job(emu: Emulator) -> str:
    s3, glue = emu.client("s3"), emu.client("glue")
    s3.create_bucket(Bucket="code")
    s3.put_object(Bucket="code", Key="jobs/load.py", Body=SCRIPT.encode())
    glue.create_job(
        Name="load",
        Role="arn:aws:iam::000000000000:role/glue",
        Command={"Name": "pythonshell", "ScriptLocation": "s3://code/jobs/load.py"},
    )
    run_id = str(glue.start_job_run(JobName="load")["JobRunId"])
    emu.glue.jobs.wait_job_run("000000000000", "us-east-1", "load", run_id, timeout=30)
    run = glue.get_job_run(JobName="load", RunId=run_id)["JobRun"]
    assert run["JobRunState"] == "SUCCEEDED", run
    assert run["LogGroupName"] == "/aws-glue/jobs"
    return run_id


def _aws(emu: Emulator, *args: str) -> Any:
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }
    env.pop("AWS_SESSION_TOKEN", None)
    proc = subprocess.run(
        [sys.executable, "-m", "awscli", *args, "--endpoint-url", emu.endpoint_url],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_glue_run_output_and_errors_are_log_streams(lakestack: Emulator) -> None:
    run_id = _run_job(lakestack)
    logs = lakestack.client("logs")
    output = logs.get_log_events(
        logGroupName="/aws-glue/jobs/output", logStreamName=run_id, startFromHead=True
    )
    assert [e["message"] for e in output["events"]] == ["rows read: 3", "rows written: 3"]
    error = logs.get_log_events(logGroupName="/aws-glue/jobs/error", logStreamName=run_id)
    assert "warning: late partition" in [e["message"] for e in error["events"]]
    streams = logs.describe_log_streams(logGroupName="/aws-glue/jobs/output")["logStreams"]
    assert [s["logStreamName"] for s in streams] == [run_id]


def test_aws_cli_get_log_events_reads_a_glue_run(lakestack: Emulator) -> None:
    run_id = _run_job(lakestack)
    answer = _aws(
        lakestack,
        "logs",
        "get-log-events",
        "--log-group-name",
        "/aws-glue/jobs/output",
        "--log-stream-name",
        run_id,
        "--start-from-head",
    )
    assert [e["message"] for e in answer["events"]] == ["rows read: 3", "rows written: 3"]
    found = _aws(
        lakestack,
        "logs",
        "filter-log-events",
        "--log-group-name",
        "/aws-glue/jobs/output",
        "--filter-pattern",
        "written",
    )
    assert [e["logStreamName"] for e in found["events"]] == [run_id]
