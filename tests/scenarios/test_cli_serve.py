"""``lakestack serve`` as a user runs it: status, credentials, strict auth, reset, bill,
restart with state on disk, and one log line per request."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import botocore.exceptions
import pytest

from tests.conftest import ServeProcess, boto_client


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lakestack.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_status_reports_a_running_endpoint_and_a_stopped_one(serve_process: ServeProcess) -> None:
    serve_process.start()
    out = cli("status", "--endpoint", serve_process.url)
    assert out.returncode == 0 and "running" in out.stdout
    serve_process.stop()
    assert cli("status", "--endpoint", serve_process.url).returncode == 1


def test_state_survives_restart_and_reset_clears_it(serve_process: ServeProcess) -> None:
    serve_process.start()
    s3 = boto_client("s3", serve_process.url)
    s3.create_bucket(Bucket="kept")  # type: ignore[attr-defined]
    s3.put_object(Bucket="kept", Key="a/b.json", Body=b"{}")  # type: ignore[attr-defined]
    serve_process.stop()
    serve_process.start()
    s3 = boto_client("s3", serve_process.url)
    assert s3.get_object(Bucket="kept", Key="a/b.json")["Body"].read() == b"{}"  # type: ignore[attr-defined]
    assert cli("reset", "--endpoint", serve_process.url).returncode == 0
    assert s3.list_buckets()["Buckets"] == []  # type: ignore[attr-defined]


def test_credentials_added_by_cli_work_in_strict_mode(tmp_path: Path) -> None:
    data = tmp_path / "data"
    added = cli(
        "credentials",
        "add",
        "AKIASTRICT01",
        "s3cr3t",
        "--account",
        "123456789012",
        "--data-dir",
        str(data),
    )
    assert added.returncode == 0 and "123456789012" in added.stdout
    server = ServeProcess(data, "--auth", "strict").start()
    try:
        ok = boto_client(
            "s3", server.url, aws_access_key_id="AKIASTRICT01", aws_secret_access_key="s3cr3t"
        )
        ok.create_bucket(Bucket="strict-ok")  # type: ignore[attr-defined]
        bad = boto_client(
            "s3", server.url, aws_access_key_id="AKIAUNKNOWN1", aws_secret_access_key="x"
        )
        with pytest.raises(botocore.exceptions.ClientError) as exc:
            bad.list_buckets()  # type: ignore[attr-defined]
        assert exc.value.response["Error"]["Code"] == "InvalidAccessKeyId"
    finally:
        server.stop()


def test_serve_logs_one_line_per_request_and_bill_reads_usage(tmp_path: Path) -> None:
    data = tmp_path / "data"
    server = ServeProcess(data, quiet=False).start()
    s3 = boto_client("s3", server.url)
    s3.create_bucket(Bucket="logged")  # type: ignore[attr-defined]
    for i in range(3):
        s3.put_object(Bucket="logged", Key=f"k{i}", Body=b"x")  # type: ignore[attr-defined]
    server.stop()  # SIGTERM: usage is flushed on the way out
    log = [line for line in server.log.read_text().splitlines() if "s3.PutObject" in line]
    assert len(log) == 3 and all(" 200 " in line and line.endswith("ms") for line in log)
    bill = cli("bill", "--embedded", "--data-dir", str(data))  # no server: read the data dir
    assert bill.returncode == 0
    put_line = next(line for line in bill.stdout.splitlines() if "PutObject" in line)
    assert " 3 " in put_line and "Requests-Tier1" in put_line
