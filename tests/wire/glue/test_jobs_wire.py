"""Glue jobs and job runs through boto3 against the live endpoint: pythonshell scripts
really run and reach S3 through ``AWS_ENDPOINT_URL``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import botocore.exceptions
import pytest

from lakestack.emulator import Emulator

ACCOUNT, REGION = "000000000000", "us-east-1"
ROLE = "arn:aws:iam::000000000000:role/glue"
WRITER = """\
import sys
import boto3

args = dict(zip(sys.argv[1::2], sys.argv[2::2]))
boto3.client("s3").put_object(Bucket=args["--bucket"], Key="out/" + args["--JOB_NAME"],
                              Body=args["--JOB_RUN_ID"].encode())
print("wrote", args["--bucket"])
"""


@pytest.fixture
def glue(lakestack_client: Any) -> Any:
    return lakestack_client("glue")


@pytest.fixture
def s3(lakestack_client: Any) -> Any:
    client = lakestack_client("s3")
    client.create_bucket(Bucket="code")
    return client


def _create(glue: Any, s3: Any, script: str, name: str = "writer", **extra: Any) -> None:
    s3.put_object(Bucket="code", Key=f"jobs/{name}.py", Body=script.encode())
    glue.create_job(
        Name=name,
        Role=ROLE,
        Command={
            "Name": "pythonshell",
            "ScriptLocation": f"s3://code/jobs/{name}.py",
            "PythonVersion": "3.9",
        },
        **extra,
    )


def _finish(emu: Emulator, glue: Any, name: str, run_id: str) -> dict[str, Any]:
    emu.glue.jobs.wait_job_run(ACCOUNT, REGION, name, run_id, timeout=15)
    return dict(glue.get_job_run(JobName=name, RunId=run_id)["JobRun"])


def test_pythonshell_script_writes_to_s3_and_succeeds(
    lakestack: Emulator, glue: Any, s3: Any
) -> None:
    s3.create_bucket(Bucket="lake")
    _create(glue, s3, WRITER, DefaultArguments={"--bucket": "nowhere"})
    run_id = glue.start_job_run(JobName="writer", Arguments={"--bucket": "lake"})["JobRunId"]
    run = _finish(lakestack, glue, "writer", run_id)
    assert run["JobRunState"] == "SUCCEEDED", run
    assert s3.get_object(Bucket="lake", Key="out/writer")["Body"].read() == run_id.encode()
    assert run["Arguments"] == {"--bucket": "lake"} and run["MaxCapacity"] == 0.0625
    assert isinstance(run["StartedOn"], datetime) and isinstance(run["CompletedOn"], datetime)
    assert run["DPUSeconds"] >= 3.75 and run["Attempt"] == 0
    lakestack.meter.flush()
    billed = [u for u in lakestack.usage() if u.service == "glue" and u.operation == "JobRun"]
    assert [(u.resource, u.dimension) for u in billed] == [("writer", "DPU-Seconds")]


def test_failing_script_run_failed_with_exception_message(
    lakestack: Emulator, glue: Any, s3: Any
) -> None:
    _create(glue, s3, "raise KeyError('no-such-column')\n", name="broken")
    run_id = glue.start_job_run(JobName="broken")["JobRunId"]
    run = _finish(lakestack, glue, "broken", run_id)
    assert (run["JobRunState"], run["ErrorMessage"]) == ("FAILED", "KeyError: 'no-such-column'")
    runs = glue.get_job_runs(JobName="broken")["JobRuns"]
    assert [r["Id"] for r in runs] == [run_id]


def test_job_definition_round_trip(glue: Any, s3: Any) -> None:
    _create(
        glue,
        s3,
        "print(1)\n",
        DefaultArguments={"--a": "1"},
        Timeout=5,
        MaxCapacity=1.0,
        GlueVersion="3.0",
        Description="d",
    )
    job = glue.get_job(JobName="writer")["Job"]
    assert (
        job["Role"],
        job["Timeout"],
        job["MaxCapacity"],
        job["DefaultArguments"],
        job["Command"]["Name"],
        job["GlueVersion"],
    ) == (ROLE, 5, 1.0, {"--a": "1"}, "pythonshell", "3.0")
    glue.update_job(
        JobName="writer",
        JobUpdate={
            "Role": ROLE,
            "Command": {"Name": "pythonshell", "ScriptLocation": "s3://code/jobs/other.py"},
        },
    )
    job = glue.get_job(JobName="writer")["Job"]
    assert job["Command"]["ScriptLocation"] == "s3://code/jobs/other.py"
    assert [j["Name"] for j in glue.get_jobs()["Jobs"]] == ["writer"]
    assert glue.delete_job(JobName="writer")["JobName"] == "writer"
    assert glue.get_jobs()["Jobs"] == []


@pytest.mark.parametrize(
    "call",
    [
        lambda g: g.get_job(JobName="nosuch"),
        lambda g: g.start_job_run(JobName="nosuch"),
        lambda g: g.get_job_run(JobName="nosuch", RunId="jr_x"),
        lambda g: g.get_job_runs(JobName="nosuch"),
        lambda g: g.update_job(
            JobName="nosuch",
            JobUpdate={
                "Role": ROLE,
                "Command": {"Name": "pythonshell", "ScriptLocation": "s3://code/x.py"},
            },
        ),
    ],
)
def test_missing_job_raises_entity_not_found(glue: Any, call: Any) -> None:
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        call(glue)
    assert exc.value.response["Error"]["Code"] == "EntityNotFoundException"
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_create_job_errors(glue: Any, s3: Any) -> None:
    _create(glue, s3, "print(1)\n")
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        _create(glue, s3, "print(1)\n")
    assert exc.value.response["Error"]["Code"] == "AlreadyExistsException"
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        glue.create_job(
            Name="x",
            Role=ROLE,
            MaxCapacity=3.0,
            Command={"Name": "pythonshell", "ScriptLocation": "s3://code/x.py"},
        )
    assert exc.value.response["Error"]["Code"] == "InvalidInputException"


def test_batch_stop_job_run_stops_running_script(lakestack: Emulator, glue: Any, s3: Any) -> None:
    _create(glue, s3, "import time\ntime.sleep(30)\n", name="slow")
    run_id = glue.start_job_run(JobName="slow")["JobRunId"]
    out = glue.batch_stop_job_run(JobName="slow", JobRunIds=[run_id, "jr_missing"])
    assert out["SuccessfulSubmissions"] == [{"JobName": "slow", "JobRunId": run_id}]
    assert out["Errors"][0]["ErrorDetail"]["ErrorCode"] == "EntityNotFoundException"
    assert _finish(lakestack, glue, "slow", run_id)["JobRunState"] == "STOPPED"


def test_pythonshell_extra_py_files_are_importable(lakestack: Emulator, glue: Any, s3: Any) -> None:
    s3.put_object(Bucket="code", Key="libs/util.py", Body=b"VALUE = 'from util'\n")
    script = (
        "import sys, boto3, util\n"
        "boto3.client('s3').put_object(Bucket='code', Key='out/util', Body=util.VALUE.encode())\n"
    )
    _create(glue, s3, script, name="withlib")
    run_id = glue.start_job_run(
        JobName="withlib", Arguments={"--extra-py-files": "s3://code/libs/util.py"}
    )["JobRunId"]
    assert _finish(lakestack, glue, "withlib", run_id)["JobRunState"] == "SUCCEEDED"
    assert s3.get_object(Bucket="code", Key="out/util")["Body"].read() == b"from util"


def test_glueetl_job_without_glue_version_gets_aws_defaults_and_an_explained_bill(
    lakestack: Emulator, glue: Any
) -> None:
    from lakestack.metering.pricing import format_bill, price_rows

    glue.create_job(
        Name="legacy",
        Role=ROLE,
        Command={"Name": "glueetl", "ScriptLocation": "s3://code/jobs/missing.py"},
    )
    job = glue.get_job(JobName="legacy")["Job"]
    assert (job["GlueVersion"], job["MaxCapacity"], job["AllocatedCapacity"]) == ("0.9", 10.0, 10)
    assert (job["Timeout"], job["MaxRetries"]) == (2880, 0)
    assert "WorkerType" not in job and "NumberOfWorkers" not in job
    run_id = glue.start_job_run(JobName="legacy")["JobRunId"]
    run = _finish(lakestack, glue, "legacy", run_id)
    assert (run["JobRunState"], run["DPUSeconds"], run["AllocatedCapacity"]) == ("FAILED", 6000, 10)
    bill = format_bill(price_rows(lakestack.usage()))
    assert "10 DPU x 10-minute minimum (Glue 0.9)" in bill
    assert "$    0.733333" in bill


WHOAMI = """\
import boto3

print(boto3.client("sts").get_caller_identity()["Arn"])
print(boto3.client("s3").get_object(Bucket="own-lake", Key="k")["Body"].read().decode())
"""


def test_script_acts_as_its_job_role_in_the_job_account(lakestack: Emulator) -> None:
    # Account 111111111111's job reads that account's private bucket: its script signs as
    # the job's role there (GlueJobRunnerSession), not as the default account.
    other = {"aws_access_key_id": "111111111111", "aws_secret_access_key": "x"}
    s3 = lakestack.client("s3", **other)
    glue = lakestack.client("glue", **other)
    s3.create_bucket(Bucket="own-code")
    s3.create_bucket(Bucket="own-lake")
    s3.put_object(Bucket="own-lake", Key="k", Body=b"private data")
    s3.put_object(Bucket="own-code", Key="whoami.py", Body=WHOAMI.encode())
    glue.create_job(
        Name="whoami",
        Role="arn:aws:iam::111111111111:role/service-role/EtlRole",
        Command={"Name": "pythonshell", "ScriptLocation": "s3://own-code/whoami.py"},
    )
    run_id = glue.start_job_run(JobName="whoami")["JobRunId"]
    lakestack.glue.jobs.wait_job_run("111111111111", REGION, "whoami", run_id, timeout=15)
    run = glue.get_job_run(JobName="whoami", RunId=run_id)["JobRun"]
    assert run["JobRunState"] == "SUCCEEDED", run
    logs = lakestack.client("logs", **other)
    lines = [
        e["message"]
        for e in logs.get_log_events(logGroupName="/aws-glue/jobs/output", logStreamName=run_id)[
            "events"
        ]
    ]
    assert "arn:aws:sts::111111111111:assumed-role/EtlRole/GlueJobRunnerSession" in lines
    assert "private data" in lines
