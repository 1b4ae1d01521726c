"""The data dir is the owner's alone: after objects, an Athena query and a Glue job ran
through the live endpoint, no file in it is readable and no directory enterable by
group or others (databases, their -wal/-shm, blobs, adopted files, logs, results)."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path
from typing import Any

from lakestack.emulator import Emulator

ROLE = "arn:aws:iam::000000000000:role/glue"
# A Python shell job that reaches the lake through the signed internal routes, and hands
# over a file whose mode its writer chose (0644, as Spark's output usually is).
SCRIPT = """\
import os
from awsglue._lake import Lake

lake = Lake()
found = lake.files("s3://lake/csv/")
directory = lake.staging_dir()
path = os.path.join(directory, "part-0.txt")
with open(path, "w") as f:
    f.write(str(len(found)))
os.chmod(path, 0o644)
lake.adopt(directory, "s3://lake/adopted/")
print("adopted", len(found))
"""


def _exposed(root: Path) -> list[str]:
    """Every path below ``root`` (and root) that group or others may read or enter."""
    bad = []
    for directory, dirs, files in os.walk(root):
        for name in [directory, *(os.path.join(directory, n) for n in dirs + files)]:
            try:
                mode = os.lstat(name).st_mode
            except FileNotFoundError:  # removed while we walked (temp files)
                continue
            if stat.S_ISLNK(mode):
                continue
            if mode & 0o077:
                bad.append(f"{oct(stat.S_IMODE(mode))} {name}")
    return sorted(set(bad))


def _wait_query(athena: Any, qid: str) -> str:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        state = athena.get_query_execution(QueryExecutionId=qid)["QueryExecution"]["Status"]
        if state["State"] in ("SUCCEEDED", "FAILED", "CANCELLED"):
            return str(state["State"])
        time.sleep(0.05)
    raise TimeoutError(qid)


def _wait_run(glue: Any, job: str, run_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        run = glue.get_job_run(JobName=job, RunId=run_id)["JobRun"]
        if run["JobRunState"] not in ("STARTING", "RUNNING", "STOPPING", "WAITING"):
            return dict(run)
        time.sleep(0.1)
    raise TimeoutError(run_id)


def test_nothing_in_the_data_dir_is_readable_by_others(lakestack: Emulator) -> None:
    s3 = lakestack.client("s3")
    glue = lakestack.client("glue")
    athena = lakestack.client("athena")
    s3.create_bucket(Bucket="lake")
    s3.put_object(Bucket="lake", Key="csv/a.csv", Body=b"1,a\n2,b\n")
    upload = s3.create_multipart_upload(Bucket="lake", Key="big.bin")["UploadId"]
    part = s3.upload_part(
        Bucket="lake", Key="big.bin", UploadId=upload, PartNumber=1, Body=b"x" * 1024
    )
    s3.complete_multipart_upload(
        Bucket="lake",
        Key="big.bin",
        UploadId=upload,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]},
    )
    s3.copy_object(Bucket="lake", Key="copy.bin", CopySource={"Bucket": "lake", "Key": "big.bin"})

    glue.create_database(DatabaseInput={"Name": "perm"})
    glue.create_table(
        DatabaseName="perm",
        TableInput={
            "Name": "t",
            "StorageDescriptor": {
                "Columns": [{"Name": "id", "Type": "int"}, {"Name": "v", "Type": "string"}],
                "Location": "s3://lake/csv/",
                "InputFormat": "org.apache.hadoop.mapred.TextInputFormat",
                "SerdeInfo": {
                    "SerializationLibrary": "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
                    "Parameters": {"field.delim": ","},
                },
            },
        },
    )
    qid = athena.start_query_execution(
        QueryString="SELECT v, count(*) AS n FROM t GROUP BY v",
        QueryExecutionContext={"Database": "perm"},
        ResultConfiguration={"OutputLocation": "s3://lake/results/"},
    )["QueryExecutionId"]
    assert _wait_query(athena, qid) == "SUCCEEDED"

    s3.put_object(Bucket="lake", Key="jobs/adopt.py", Body=SCRIPT.encode())
    glue.create_job(
        Name="adopter",
        Role=ROLE,
        Command={"Name": "pythonshell", "ScriptLocation": "s3://lake/jobs/adopt.py"},
    )
    run_id = glue.start_job_run(JobName="adopter")["JobRunId"]
    run = _wait_run(glue, "adopter", run_id)
    assert run["JobRunState"] == "SUCCEEDED", run
    adopted = s3.get_object(Bucket="lake", Key="adopted/part-0.txt")["Body"].read()
    assert adopted == b"1"

    lakestack.meter.flush()
    assert _exposed(lakestack.config.data_dir) == []
