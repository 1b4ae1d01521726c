"""Routing: SigV4 credential scope first, then X-Amz-Target, then path, else S3."""

from __future__ import annotations

import pytest

from lakestack.gateway.http import HttpRequest
from lakestack.gateway.routing import Router, credential_scope

# What the registry gives the router (lambda stands for a served rest-json service here).
ROUTER = Router(
    [
        ("s3", "s3", None),
        ("glue", "glue", "AWSGlue"),
        ("athena", "athena", "AmazonAthena"),
        ("sts", "sts", None),
        ("lambda", "lambda", None),
    ]
)
route_service = ROUTER.route


def _signed(service: str, region: str = "us-east-1") -> dict[str, str]:
    return {
        "authorization": f"AWS4-HMAC-SHA256 Credential=AKID/20260101/{region}/{service}/"
        "aws4_request, SignedHeaders=host, Signature=00"
    }


@pytest.mark.parametrize(
    ("signing", "service"),
    [
        ("s3", "s3"),
        ("glue", "glue"),
        ("athena", "athena"),
        ("states", "stepfunctions"),
        ("lambda", "lambda"),
        ("sqs", "sqs"),
        ("sns", "sns"),
        ("redshift-data", "redshift-data"),
    ],
)
def test_route_by_signing_name(signing: str, service: str) -> None:
    model, scope = route_service(HttpRequest("POST", "/", headers=_signed(signing, "eu-west-1")))
    assert model.service_name == service
    assert scope == ("AKID", "eu-west-1", signing)


def test_route_by_target_when_unsigned() -> None:
    req = HttpRequest("POST", "/", headers={"x-amz-target": "AWSGlue.GetDatabases"})
    assert route_service(req)[0].service_name == "glue"


def test_route_by_rest_path_when_unsigned() -> None:
    assert route_service(HttpRequest("GET", "/2015-03-31/functions/"))[0].service_name == "lambda"


def test_unsigned_unknown_request_is_s3() -> None:
    assert route_service(HttpRequest("GET", "/bucket/key"))[0].service_name == "s3"


def test_rest_path_of_a_service_not_served_is_s3() -> None:
    router = Router([("s3", "s3", None)])
    assert router.route(HttpRequest("GET", "/2015-03-31/functions/"))[0].service_name == "s3"


@pytest.mark.parametrize(
    ("signing", "service"),
    [("dynamodb", "dynamodb"), ("iam", "iam"), ("ec2", "ec2"), ("route53", "route53")],
)
def test_service_not_served_still_routes_to_its_model(signing: str, service: str) -> None:
    model, _ = route_service(HttpRequest("POST", "/", headers=_signed(signing)))
    assert model.service_name == service
    assert service not in ROUTER.served


def test_unsigned_target_of_a_service_not_served_routes_to_its_model() -> None:
    req = HttpRequest("POST", "/", headers={"x-amz-target": "DynamoDB_20120810.ListTables"})
    assert route_service(req)[0].service_name == "dynamodb"


def test_presigned_query_scope_is_read() -> None:
    req = HttpRequest(
        "GET",
        "/b/k",
        query="X-Amz-Credential=AK%2F20260101%2Fus-west-2%2Fs3%2Faws4_request&X-Amz-Signature=00",
    )
    assert credential_scope(req) == ("AK", "us-west-2", "s3")


def test_a_service_sharing_a_signing_name_is_told_apart_by_path_and_header() -> None:
    router = Router(
        [("s3", "s3", None), ("s3control", "s3", None)],
        [("s3", "/v20180820/", "x-amz-account-id", "s3control")],
    )
    control = {**_signed("s3"), "x-amz-account-id": "111111111111"}
    path = "/v20180820/configuration/publicAccessBlock"
    assert router.route(HttpRequest("GET", path, headers=control))[0].service_name == "s3control"
    # the same path without the header is an S3 bucket named v20180820
    assert router.route(HttpRequest("GET", path, headers=_signed("s3")))[0].service_name == "s3"
    assert router.route(HttpRequest("GET", "/bkt/k", headers=control))[0].service_name == "s3"
