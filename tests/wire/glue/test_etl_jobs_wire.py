"""Glue ETL (glueetl) jobs through boto3 against the live endpoint: the seed's PySpark
script runs verbatim on real Spark, reading the catalog and writing the lake.

AWS behaviour checked: the seed's ApplyMapping keeps only its four mapped fields, so the
write partitioned by year/month/day fails (Glue fails such a run); with the partition
columns mapped the run succeeds and writes Hive-partitioned snappy Parquet; bookmarks
(``--job-bookmark-option job-bookmark-enable``, saved by ``job.commit()``) make the next
run read only new files of a source with a ``transformation_ctx``; a Python exception
fails the run with ``<Type>: <message>``.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import botocore.exceptions
import pyarrow.parquet as pq
import pytest

from lakestack.emulator import Emulator
from tests.conftest import seed_code_block

ACCOUNT, REGION = "000000000000", "us-east-1"
ROLE = "arn:aws:iam::000000000000:role/glue"
BUCKET = "lake"
MAPPING_FIX = (
    '        ("timestamp", "string", "event_ts", "timestamp"),\n',
    '        ("timestamp", "string", "event_ts", "timestamp"),\n'
    '        ("year", "string", "year", "string"),\n'
    '        ("month", "string", "month", "string"),\n'
    '        ("day", "string", "day", "string"),\n',
)
CTX_FIX = (
    "    push_down_predicate=\"year='2026' AND month='02'\"  # Partition pruning\n",
    "    push_down_predicate=\"year='2026' AND month='02'\",  # Partition pruning\n"
    '    transformation_ctx="source_frame",\n',
)


def seed_glue_script() -> str:
    """The seed's "PySpark Job Pattern", verbatim."""
    return seed_code_block("import sys\nfrom awsglue.transforms import *") + "\n"


COLUMNS = ("event_id", "user_id", "event_type", "timestamp")
SERDE = {"SerializationLibrary": "org.openx.data.jsonserde.JsonSerDe"}


def _events(month: str, day: str, n: int = 4) -> list[dict[str, Any]]:
    return [
        {
            "event_id": f"e-{month}{day}-{i}",
            "user_id": f"u{i % 3}",
            "event_type": None if i == 0 else ("click", "view")[i % 2],
            "timestamp": f"2026-{month}-{day}T1{i}:30:00Z",
        }
        for i in range(n)
    ]


def _land(s3: Any, glue: Any, month: str, day: str, name: str = "part-0.json") -> None:
    prefix = f"raw/events/year=2026/month={month}/day={day}/"
    body = "".join(json.dumps(e) + "\n" for e in _events(month, day))
    s3.put_object(Bucket=BUCKET, Key=prefix + name, Body=body.encode())
    cols = [{"Name": c, "Type": "string"} for c in COLUMNS]
    try:
        glue.create_partition(
            DatabaseName="raw",
            TableName="events",
            PartitionInput={
                "Values": ["2026", month, day],
                "StorageDescriptor": {
                    "Location": f"s3://{BUCKET}/{prefix}",
                    "Columns": cols,
                    "SerdeInfo": SERDE,
                },
            },
        )
    except glue.exceptions.AlreadyExistsException:
        pass


@pytest.fixture
def lake(lakestack_client: Any) -> tuple[Any, Any]:
    """A raw JSON events table partitioned by year/month/day, with January and February."""
    s3, glue = lakestack_client("s3"), lakestack_client("glue")
    s3.create_bucket(Bucket=BUCKET)
    glue.create_database(DatabaseInput={"Name": "raw"})
    glue.create_table(
        DatabaseName="raw",
        TableInput={
            "Name": "events",
            "TableType": "EXTERNAL_TABLE",
            "Parameters": {"classification": "json"},
            "PartitionKeys": [{"Name": k, "Type": "string"} for k in ("year", "month", "day")],
            "StorageDescriptor": {
                "Columns": [{"Name": c, "Type": "string"} for c in COLUMNS],
                "Location": f"s3://{BUCKET}/raw/events/",
                "SerdeInfo": SERDE,
            },
        },
    )
    for month, day in (("01", "31"), ("02", "01"), ("02", "02")):
        _land(s3, glue, month, day)
    return s3, glue


def _job(s3: Any, glue: Any, name: str, script: str, bookmarks: bool = False) -> None:
    s3.put_object(Bucket=BUCKET, Key=f"scripts/{name}.py", Body=script.encode())
    arguments = {
        "--SOURCE_DATABASE": "raw",
        "--SOURCE_TABLE": "events",
        "--OUTPUT_PATH": f"s3://{BUCKET}/curated/events/",
    }
    if bookmarks:
        arguments["--job-bookmark-option"] = "job-bookmark-enable"
    glue.create_job(
        Name=name,
        Role=ROLE,
        GlueVersion="4.0",
        WorkerType="G.1X",
        NumberOfWorkers=2,
        DefaultArguments=arguments,
        Command={"Name": "glueetl", "ScriptLocation": f"s3://{BUCKET}/scripts/{name}.py"},
    )


def _run(emu: Emulator, glue: Any, name: str, **kwargs: Any) -> dict[str, Any]:
    run_id = glue.start_job_run(JobName=name, **kwargs)["JobRunId"]
    emu.glue.jobs.wait_job_run(ACCOUNT, REGION, name, run_id, timeout=240)
    return dict(glue.get_job_run(JobName=name, RunId=run_id)["JobRun"])


def _curated(s3: Any) -> list[dict[str, Any]]:
    rows = []
    listing = s3.list_objects_v2(Bucket=BUCKET, Prefix="curated/events/").get("Contents", [])
    for obj in listing:
        body = s3.get_object(Bucket=BUCKET, Key=obj["Key"])["Body"].read()
        parts = dict(p.split("=", 1) for p in obj["Key"].split("/")[2:-1])
        for row in pq.read_table(io.BytesIO(body)).to_pylist():
            rows.append({**row, **parts})
    return sorted(rows, key=lambda r: r["event_id"])


def test_seed_script_verbatim_fails_naming_missing_partition_keys(
    lakestack: Emulator, lake: tuple[Any, Any]
) -> None:
    s3, glue = lake
    _job(s3, glue, "seed", seed_glue_script())
    run = _run(lakestack, glue, "seed")
    assert run["JobRunState"] == "FAILED", run
    message = run["ErrorMessage"]
    assert "year, month, day" in message and "not found" in message
    assert "event_id, user_id, event_type, event_ts" in message
    assert s3.list_objects_v2(Bucket=BUCKET, Prefix="curated/").get("KeyCount") == 0
    assert run["DPUSeconds"] == 2 * 60  # G.1X x 2, the 1-minute minimum of Glue 2.0+
    assert run["LogGroupName"] == "/aws-glue/jobs"


def test_seed_script_with_partition_mappings_writes_february_row_by_row(
    lakestack: Emulator, lake: tuple[Any, Any]
) -> None:
    s3, glue = lake
    script = seed_glue_script().replace(*MAPPING_FIX)
    _job(s3, glue, "seed-fixed", script)
    run = _run(lakestack, glue, "seed-fixed")
    assert run["JobRunState"] == "SUCCEEDED", run.get("ErrorMessage")
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET, Prefix="curated/")["Contents"]]
    assert all(k.endswith(".snappy.parquet") for k in keys)
    assert {k.split("/")[2:5] == ["year=2026", "month=02", k.split("/")[4]] for k in keys} == {True}
    expected = [
        {
            "event_id": e["event_id"],
            "user_id": e["user_id"],
            "event_type": e["event_type"],
            "event_ts": e["timestamp"].replace("T", " ").replace("Z", ""),
            "year": "2026",
            "month": "02",
            "day": day,
        }
        for day in ("01", "02")
        for e in _events("02", day)
        if e["event_type"] is not None  # the seed's Filter drops null event types
    ]
    got = [{**r, "event_ts": r["event_ts"].strftime("%Y-%m-%d %H:%M:%S")} for r in _curated(s3)]
    assert got == sorted(expected, key=lambda r: r["event_id"])


def test_bookmark_second_run_processes_only_new_files(
    lakestack: Emulator, lake: tuple[Any, Any]
) -> None:
    s3, glue = lake
    script = seed_glue_script().replace(*MAPPING_FIX).replace(*CTX_FIX)
    _job(s3, glue, "incremental", script, bookmarks=True)
    first = _run(lakestack, glue, "incremental")
    assert first["JobRunState"] == "SUCCEEDED", first.get("ErrorMessage")
    assert len(_curated(s3)) == 6
    entry = glue.get_job_bookmark(JobName="incremental")["JobBookmarkEntry"]
    assert entry["Run"] == 1 and entry["RunId"] == first["Id"]

    _land(s3, glue, "02", "03")
    second = _run(lakestack, glue, "incremental")
    assert second["JobRunState"] == "SUCCEEDED", second.get("ErrorMessage")
    rows = _curated(s3)
    assert len(rows) == 9  # 6 from run 1 (not rewritten) + 3 from the new day
    assert sorted(r["day"] for r in rows).count("03") == 3
    entry = glue.get_job_bookmark(JobName="incremental")["JobBookmarkEntry"]
    assert (entry["Run"], entry["RunId"], entry["PreviousRunId"]) == (2, second["Id"], first["Id"])

    third = _run(lakestack, glue, "incremental")  # nothing new: nothing written
    assert third["JobRunState"] == "SUCCEEDED" and len(_curated(s3)) == 9

    glue.reset_job_bookmark(JobName="incremental")
    _run(lakestack, glue, "incremental")  # after a reset everything is read again
    assert len(_curated(s3)) == 18


def test_bookmark_disabled_by_default_reprocesses_everything(
    lakestack: Emulator, lake: tuple[Any, Any]
) -> None:
    s3, glue = lake
    script = seed_glue_script().replace(*MAPPING_FIX).replace(*CTX_FIX)
    _job(s3, glue, "full", script)
    _run(lakestack, glue, "full")
    _run(lakestack, glue, "full")
    assert len(_curated(s3)) == 12
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        glue.get_job_bookmark(JobName="full")
    assert exc.value.response["Error"]["Code"] == "EntityNotFoundException"


def test_failing_script_fails_run_with_readable_error_and_log(
    lakestack: Emulator, lake: tuple[Any, Any]
) -> None:
    s3, glue = lake
    script = "from awsglue.utils import getResolvedOptions\nimport sys\n" + (
        "args = getResolvedOptions(sys.argv, ['JOB_NAME'])\n"
        "print('starting', args['JOB_NAME'])\n"
        "raise KeyError('no_such_column')\n"
    )
    _job(s3, glue, "broken", script)
    run = _run(lakestack, glue, "broken")
    assert run["JobRunState"] == "FAILED"
    assert run["ErrorMessage"] == "KeyError: 'no_such_column'"
    stored = lakestack.glue.jobs.get_job_run(ACCOUNT, REGION, "broken", run["Id"])
    assert "starting broken" in Path(stored.stdout_path).read_text()
    assert "Traceback" in Path(stored.stderr_path).read_text()


def test_push_down_predicate_opens_only_matching_partitions(
    lakestack: Emulator, lake: tuple[Any, Any]
) -> None:
    s3, glue = lake
    script = (
        "import sys\nfrom awsglue.context import GlueContext\n"
        "from pyspark.context import SparkContext\nimport boto3\n"
        "gc = GlueContext(SparkContext())\n"
        "df = gc.create_dynamic_frame.from_catalog(database='raw', table_name='events',\n"
        "    push_down_predicate=\"month='02' AND day='02'\").toDF()\n"
        "boto3.client('s3').put_object(Bucket='lake', Key='report.json', Body=__import__('json')"
        ".dumps({'files': df.inputFiles(), 'rows': df.count()}).encode())\n"
    )
    _job(s3, glue, "pruned", script)
    run = _run(lakestack, glue, "pruned")
    assert run["JobRunState"] == "SUCCEEDED", run.get("ErrorMessage")
    report = json.loads(s3.get_object(Bucket=BUCKET, Key="report.json")["Body"].read())
    assert len(report["files"]) == 1 and "month=02/day=02/" in report["files"][0]
    assert report["rows"] == 4


PID_SCRIPT = (
    "import os, sys, boto3\n"
    "from pyspark.context import SparkContext\n"
    "sc = SparkContext()\n"
    "sc.stop()  # scripts may stop the context; the warm driver keeps it\n"
    "key = 'pids/' + sys.argv[sys.argv.index('--JOB_RUN_ID') + 1]\n"
    "boto3.client('s3').put_object(Bucket='lake', Key=key, Body=str(os.getpid()).encode())\n"
)


def test_second_run_reuses_the_warm_spark_driver(
    lakestack: Emulator, lake: tuple[Any, Any]
) -> None:
    s3, glue = lake
    _job(s3, glue, "pid", PID_SCRIPT)
    runs = [_run(lakestack, glue, "pid") for _ in range(2)]
    assert [r["JobRunState"] for r in runs] == ["SUCCEEDED", "SUCCEEDED"]
    pids = {s3.get_object(Bucket=BUCKET, Key=f"pids/{r['Id']}")["Body"].read() for r in runs}
    assert len(pids) == 1  # the same driver process ran both scripts


def test_stopping_a_spark_run_kills_its_driver_and_the_next_run_works(
    lakestack: Emulator, lake: tuple[Any, Any]
) -> None:
    s3, glue = lake
    _job(s3, glue, "slow", "import time\ntime.sleep(120)\n")
    run_id = glue.start_job_run(JobName="slow")["JobRunId"]
    for _ in range(600):  # wait (bounded) until the script is running on Spark
        if glue.get_job_run(JobName="slow", RunId=run_id)["JobRun"]["JobRunState"] == "RUNNING":
            break
        lakestack.glue.jobs.wait_job_run(ACCOUNT, REGION, "slow", run_id, timeout=0.2)
    out = glue.batch_stop_job_run(JobName="slow", JobRunIds=[run_id])
    assert out["SuccessfulSubmissions"] == [{"JobName": "slow", "JobRunId": run_id}]
    lakestack.glue.jobs.wait_job_run(ACCOUNT, REGION, "slow", run_id, timeout=60)
    assert glue.get_job_run(JobName="slow", RunId=run_id)["JobRun"]["JobRunState"] == "STOPPED"
    _job(s3, glue, "after", PID_SCRIPT)
    assert _run(lakestack, glue, "after")["JobRunState"] == "SUCCEEDED"


def test_spark_run_past_its_timeout_is_timeout(lakestack: Emulator, lake: tuple[Any, Any]) -> None:
    s3, glue = lake
    _job(s3, glue, "sleepy", "import time\ntime.sleep(120)\n")
    run = lakestack.glue.jobs.start_job_run(ACCOUNT, REGION, "sleepy", timeout_seconds=20)
    lakestack.glue.jobs.wait_job_run(ACCOUNT, REGION, "sleepy", run.id, timeout=120)
    got = glue.get_job_run(JobName="sleepy", RunId=run.id)["JobRun"]
    assert got["JobRunState"] == "TIMEOUT" and "timed out" in got["ErrorMessage"]


def test_bad_spark_master_fails_the_run_with_the_reason(
    lakestack: Emulator, lake: tuple[Any, Any]
) -> None:
    s3, glue = lake
    _job(s3, glue, "remote", PID_SCRIPT)
    run = _run(
        lakestack, glue, "remote", Arguments={"--lakestack-spark-master": "nosuch://master:1"}
    )
    assert run["JobRunState"] == "FAILED"
    assert "Spark could not start" in run["ErrorMessage"]


EXTRAS_SCRIPT = (
    "import json, sys, boto3\n"
    "import helpers\n"
    "from mypkg import answer\n"
    "config = json.load(open('settings.json'))\n"
    "body = json.dumps([helpers.greet(), answer(), config['mode']]).encode()\n"
    "boto3.client('s3').put_object(Bucket='lake', Key='extras.json', Body=body)\n"
)


def _zip(files: dict[str, str]) -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def test_extra_py_files_and_extra_files_reach_the_script(
    lakestack: Emulator, lake: tuple[Any, Any]
) -> None:
    # Glue: --extra-py-files puts .py/.zip on the Python path, --extra-files copies files
    # into the script's working directory (aws-glue-programming-etl-glue-arguments).
    s3, glue = lake
    s3.put_object(Bucket=BUCKET, Key="libs/helpers.py", Body=b"def greet():\n    return 'hi'\n")
    s3.put_object(
        Bucket=BUCKET,
        Key="libs/mypkg.zip",
        Body=_zip({"mypkg/__init__.py": "def answer():\n    return 42\n"}),
    )
    s3.put_object(Bucket=BUCKET, Key="conf/settings.json", Body=b'{"mode": "test"}')
    _job(s3, glue, "extras", EXTRAS_SCRIPT)
    arguments = {
        "--extra-py-files": f"s3://{BUCKET}/libs/helpers.py,s3://{BUCKET}/libs/mypkg.zip",
        "--extra-files": f"s3://{BUCKET}/conf/settings.json",
    }
    run = _run(lakestack, glue, "extras", Arguments=arguments)
    assert run["JobRunState"] == "SUCCEEDED", run.get("ErrorMessage")
    assert json.loads(s3.get_object(Bucket=BUCKET, Key="extras.json")["Body"].read()) == [
        "hi",
        42,
        "test",
    ]
    missing = _run(
        lakestack, glue, "extras", Arguments={"--extra-py-files": f"s3://{BUCKET}/libs/nope.py"}
    )
    assert missing["JobRunState"] == "FAILED"
    assert missing["ErrorMessage"].startswith(
        f"Failed to download extra-py-files s3://{BUCKET}/libs/nope.py: NoSuchKey"
    )
