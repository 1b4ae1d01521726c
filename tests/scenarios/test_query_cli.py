"""``lakestack query`` and the AWS CLI's ``aws athena`` against the endpoint (issue 3)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lakestack.cli.main import main
from lakestack.emulator import Emulator


def test_query_command_prints_rows_bytes_and_cost(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(
            [
                "query",
                "SELECT 7 / 2 AS half, 'a' || 'b' AS ab",
                "--embedded",
                "--data-dir",
                str(tmp_path),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    lines = [[cell.strip() for cell in line.split(" | ")] for line in out.splitlines()]
    assert lines[0] == ["half", "ab"]
    assert lines[2] == ["3", "ab"]  # Trino integer division: 7 / 2 = 3
    assert "bytes scanned" in out and "$" in out


def test_query_command_reports_failure(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", "SELECT * FROM nowhere", "--embedded", "--data-dir", str(tmp_path)]) == 1
    assert "FAILED" in capsys.readouterr().err


def _aws(emu: Emulator, *args: str) -> dict:  # type: ignore[type-arg]
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "awscli",
            *args,
            "--endpoint-url",
            emu.endpoint_url,
            "--output",
            "json",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout) if proc.stdout.strip() else {}


def test_aws_cli_athena_start_and_get_results(lakestack: Emulator) -> None:
    lakestack.client("s3").create_bucket(Bucket="cli-results")
    qid = _aws(
        lakestack,
        "athena",
        "start-query-execution",
        "--query-string",
        "SELECT x, x * x AS sq FROM (VALUES 1, 2, 3) AS t(x) ORDER BY x",
        "--result-configuration",
        "OutputLocation=s3://cli-results/q/",
    )["QueryExecutionId"]
    deadline = time.monotonic() + 30
    while True:
        state = _aws(lakestack, "athena", "get-query-execution", "--query-execution-id", qid)[
            "QueryExecution"
        ]["Status"]["State"]
        if state in ("SUCCEEDED", "FAILED", "CANCELLED") or time.monotonic() > deadline:
            break
    assert state == "SUCCEEDED"
    rows = _aws(lakestack, "athena", "get-query-results", "--query-execution-id", qid)["ResultSet"][
        "Rows"
    ]
    values = [[d.get("VarCharValue") for d in r["Data"]] for r in rows]
    assert values == [["x", "sq"], ["1", "1"], ["2", "4"], ["3", "9"]]
