"""The AWS CLI (awscli from PyPI) against the endpoint: iam create-role/get-role and
sts assume-role, with the CLI's own JSON output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

from lakestack.emulator import Emulator

TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "glue.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)


def aws(emu: Emulator, *args: str, env: dict[str, str] | None = None) -> Any:
    environment = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        **(env or {}),
    }
    if "AWS_SESSION_TOKEN" not in (env or {}):
        environment.pop("AWS_SESSION_TOKEN", None)
    proc = subprocess.run(
        [sys.executable, "-m", "awscli", *args, "--endpoint-url", emu.endpoint_url],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout) if proc.stdout.strip() else None


def test_cli_create_role_then_assume_it(lakestack: Emulator) -> None:
    role = aws(
        lakestack,
        "iam",
        "create-role",
        "--role-name",
        "GlueJobRole",
        "--assume-role-policy-document",
        TRUST,
    )["Role"]
    assert role["Arn"] == "arn:aws:iam::000000000000:role/GlueJobRole"
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Action"] == "sts:AssumeRole"
    aws(
        lakestack,
        "iam",
        "attach-role-policy",
        "--role-name",
        "GlueJobRole",
        "--policy-arn",
        "arn:aws:iam::aws:policy/service-role/AWSGlueServiceRole",
    )
    listed = aws(lakestack, "iam", "list-attached-role-policies", "--role-name", "GlueJobRole")
    assert [p["PolicyName"] for p in listed["AttachedPolicies"]] == ["AWSGlueServiceRole"]

    creds = aws(
        lakestack,
        "sts",
        "assume-role",
        "--role-arn",
        role["Arn"],
        "--role-session-name",
        "cli-session",
    )["Credentials"]
    identity = aws(
        lakestack,
        "sts",
        "get-caller-identity",
        env={
            "AWS_ACCESS_KEY_ID": creds["AccessKeyId"],
            "AWS_SECRET_ACCESS_KEY": creds["SecretAccessKey"],
            "AWS_SESSION_TOKEN": creds["SessionToken"],
        },
    )
    assert identity["Arn"] == "arn:aws:sts::000000000000:assumed-role/GlueJobRole/cli-session"
