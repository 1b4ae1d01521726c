"""IAM roles and users, their keys, STS sessions and CloudWatch Logs events survive a
restart of ``lakestack serve`` on the same data dir (strict auth: only known keys work)."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import ServeProcess, boto_client

TRUST = json.dumps(
    {"Statement": {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}}
)


def _client(service: str, url: str, **creds: Any) -> Any:
    return boto_client(service, url, **creds)


def test_identities_and_logs_survive_restart(serve_process: ServeProcess) -> None:
    serve_process.extra = (*serve_process.extra, "--auth", "strict")
    serve_process.start()
    iam = _client("iam", serve_process.url)
    role_arn = iam.create_role(RoleName="keeper", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
    iam.create_user(UserName="erin")
    key = iam.create_access_key(UserName="erin")["AccessKey"]
    creds = _client("sts", serve_process.url).assume_role(
        RoleArn=role_arn, RoleSessionName="long-job"
    )["Credentials"]
    logs = _client("logs", serve_process.url)
    logs.create_log_group(logGroupName="/kept")
    logs.create_log_stream(logGroupName="/kept", logStreamName="s")
    logs.put_log_events(
        logGroupName="/kept",
        logStreamName="s",
        logEvents=[
            {
                "timestamp": int(creds["Expiration"].timestamp() * 1000) - 3_600_000,
                "message": "kept",
            }
        ],
    )

    serve_process.stop()
    serve_process.start()

    iam = _client("iam", serve_process.url)
    assert iam.get_role(RoleName="keeper")["Role"]["Arn"] == role_arn
    as_erin = _client(
        "sts",
        serve_process.url,
        aws_access_key_id=key["AccessKeyId"],
        aws_secret_access_key=key["SecretAccessKey"],
    )
    assert as_erin.get_caller_identity()["Arn"].endswith(":user/erin")
    as_role = _client(
        "sts",
        serve_process.url,
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )
    assert as_role.get_caller_identity()["Arn"].endswith(":assumed-role/keeper/long-job")
    events = _client("logs", serve_process.url).get_log_events(
        logGroupName="/kept", logStreamName="s"
    )["events"]
    assert [e["message"] for e in events] == ["kept"]
