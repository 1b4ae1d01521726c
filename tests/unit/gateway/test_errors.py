"""The one exception -> wire error mapping (STYLE §6)."""

from __future__ import annotations

from lakestack.core.errors import AwsError, NotImplementedOperation
from lakestack.gateway.context import RequestContext
from lakestack.gateway.errors import error_details
from lakestack.gateway.http import HttpRequest
from lakestack.gateway.protocols.common import MalformedXML
from lakestack.gateway.specs import load_service_model


def _ctx(service: str = "s3") -> RequestContext:
    return RequestContext(HttpRequest("GET", "/"), "REQ1", service=load_service_model(service))


class NoSuchBucket(AwsError):
    code = "NoSuchBucket"


class EntityNotFoundException(AwsError):
    code = "EntityNotFoundException"


class Teapot(AwsError):
    code = "Teapot"
    status = 418


def test_status_comes_from_the_class_first() -> None:
    assert error_details(Teapot("x"), _ctx()).status == 418


def test_status_comes_from_the_model_error_shape() -> None:
    assert error_details(NoSuchBucket(), _ctx("s3")).status == 404
    details = error_details(EntityNotFoundException("no table"), _ctx("glue"))
    assert (details.code, details.status, details.message) == (
        "EntityNotFoundException",
        400,
        "no table",
    )


def test_unknown_code_defaults_to_400_with_fields() -> None:
    details = error_details(AwsError("bad", code="Whatever", BucketName="b"), _ctx())
    assert (details.status, details.fields) == (400, {"BucketName": "b"})


def test_protocol_error_keeps_its_code() -> None:
    details = error_details(MalformedXML("not xml"), _ctx())
    assert (details.code, details.status) == ("MalformedXML", 400)


def test_not_implemented_operation_is_501_naming_it() -> None:
    details = error_details(NotImplementedOperation("s3", "GetBucketWebsite"), _ctx())
    assert details.status == 501 and "s3.GetBucketWebsite" in details.message


def test_bug_becomes_500_internal_failure_with_request_id() -> None:
    details = error_details(ZeroDivisionError("oops"), _ctx())
    assert (details.code, details.status, details.sender_fault) == ("InternalFailure", 500, False)
    assert "REQ1" in details.message
