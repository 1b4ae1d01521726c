"""A service lakestack does not serve answers 501 ``NotImplemented`` in that service's own
protocol, so its client (boto3, the AWS CLI) reports the error instead of failing to parse."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from lakestack.emulator import Emulator

# (service, call, kwargs): one per protocol the clients speak.
CASES = [
    ("dynamodb", "list_tables", {}),  # json 1.0
    ("kinesis", "list_streams", {}),  # json 1.1
    ("cloudwatch", "list_metrics", {}),  # model lists smithy-rpc-v2-cbor first; boto3 sends json
    ("cloudformation", "list_stacks", {}),  # query
    ("ec2", "describe_instances", {}),  # ec2
    ("apigateway", "get_rest_apis", {}),  # rest-json
    ("route53", "list_hosted_zones", {}),  # rest-xml
    ("cloudfront", "list_distributions", {}),  # rest-xml
    ("partnercentral-marketing", "list_campaigns", {"Catalog": "AWS"}),  # cbor only
]


@pytest.mark.parametrize(("service", "call", "kwargs"), CASES, ids=[c[0] for c in CASES])
def test_service_not_served_answers_in_its_protocol(
    lakestack_client: Callable[..., Any], service: str, call: str, kwargs: dict[str, Any]
) -> None:
    client = lakestack_client(service)
    with pytest.raises(ClientError) as info:
        getattr(client, call)(**kwargs)
    response = info.value.response
    assert response["Error"]["Code"] == "NotImplemented"
    assert f"lakestack does not serve {service}" in response["Error"]["Message"]
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert response["ResponseMetadata"]["RequestId"]


@pytest.mark.parametrize(
    ("service", "call", "named"),
    [
        ("cloudformation", "list_stacks", "cloudformation ListStacks"),  # query: Action
        ("dynamodb", "list_tables", "dynamodb ListTables"),  # json: X-Amz-Target
        ("lambda", "list_functions", "lambda ListFunctions"),  # rest-json: method and path
        ("route53", "list_hosted_zones", "route53 ListHostedZones"),  # rest-xml
    ],
)
def test_message_names_the_operation(
    lakestack_client: Callable[..., Any], service: str, call: str, named: str
) -> None:
    with pytest.raises(ClientError) as info:
        getattr(lakestack_client(service), call)()
    assert named in info.value.response["Error"]["Message"]


def test_unsigned_target_of_a_service_not_served_is_not_s3(lakestack: Emulator) -> None:
    import urllib.error
    import urllib.request

    request = urllib.request.Request(
        lakestack.endpoint_url + "/",
        data=b"{}",
        headers={
            "X-Amz-Target": "DynamoDB_20120810.ListTables",
            "Content-Type": "application/x-amz-json-1.0",
        },
        method="POST",
    )
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(request)
    assert info.value.headers["Content-Type"].startswith("application/x-amz-json")
    assert b"<Error>" not in info.value.read()


def test_aws_cli_reports_the_service_as_not_served(lakestack: Emulator) -> None:
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_MAX_ATTEMPTS": "1",
    }
    proc = subprocess.run(
        [sys.executable, "-m", "awscli", "dynamodb", "list-tables"]
        + ["--endpoint-url", lakestack.endpoint_url],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode != 0
    assert "(NotImplemented) when calling the ListTables operation" in proc.stderr
    assert "lakestack does not serve dynamodb" in proc.stderr
