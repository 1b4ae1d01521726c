"""Which service a request is for: SigV4 credential scope, then ``X-Amz-Target``, then path.

Knows request shapes, never a service's semantics. Unsigned requests that match
nothing else are S3's (browsers, presigned-less ``curl``), as on AWS's S3 endpoint.
"""

from __future__ import annotations

import re
from functools import lru_cache

from botocore.model import ServiceModel

from lakestack.gateway.http import HttpRequest
from lakestack.gateway.specs import load_service_model

# SigV4 signing name -> botocore service name, for the services lakestack serves.
SERVED_BY_SIGNING_NAME = {
    "s3": "s3",
    "glue": "glue",
    "athena": "athena",
    "lambda": "lambda",
    "states": "stepfunctions",
    "redshift": "redshift",
    "redshift-data": "redshift-data",
    "sns": "sns",
    "sqs": "sqs",
    "sts": "sts",
}
SERVED_BY_TARGET_PREFIX = {
    "AWSGlue": "glue",
    "AmazonAthena": "athena",
    "AWSStepFunctions": "stepfunctions",
    "RedshiftData": "redshift-data",
    "AmazonSQS": "sqs",
}
DEFAULT_SERVICE = "s3"

_SCOPE = re.compile(r"Credential=([^/,\s]*)/(\d{8})/([^/]*)/([^/]*)/aws4_request")


def credential_scope(request: HttpRequest) -> tuple[str, str, str] | None:
    """``(access_key_id, region, signing_name)`` from the header or presigned form.

    >>> r = HttpRequest("GET", "/", headers={"authorization":
    ...     "AWS4-HMAC-SHA256 Credential=AK/20260101/eu-west-1/glue/aws4_request, S=..."})
    >>> credential_scope(r)
    ('AK', 'eu-west-1', 'glue')
    """
    auth = request.headers.get("authorization")
    if auth:
        m = _SCOPE.search(auth)
    elif "X-Amz-Credential=" in request.query:
        cred = dict(request.query_params()).get("X-Amz-Credential", "")
        m = _SCOPE.search("Credential=" + cred)
    else:
        return None
    if m is None:
        return None
    return m.group(1), m.group(3), m.group(4)


@lru_cache(maxsize=1)
def _rest_path_prefixes() -> tuple[tuple[str, str], ...]:
    """First path segments of the rest-json services we serve (``/2015-03-31/`` -> lambda)."""
    out: dict[str, str] = {}
    for name in set(SERVED_BY_SIGNING_NAME.values()):
        model = load_service_model(name)
        if model.protocol != "rest-json":
            continue
        for op_name in model.operation_names:
            uri = model.operation_model(op_name).http.get("requestUri", "/")
            segment = "/" + uri.lstrip("/").split("/", 1)[0].split("?", 1)[0] + "/"
            if "{" not in segment and segment != "//":
                out.setdefault(segment, name)
    return tuple(sorted(out.items(), key=lambda kv: -len(kv[0])))


def route_service(request: HttpRequest) -> tuple[ServiceModel, tuple[str, str, str] | None]:
    """The botocore model of the service this request is for, and its credential scope."""
    scope = credential_scope(request)
    name = None
    if scope is not None:
        name = SERVED_BY_SIGNING_NAME.get(scope[2])
    if name is None:
        target = request.headers.get("x-amz-target")
        if target:
            name = SERVED_BY_TARGET_PREFIX.get(target.split(".", 1)[0])
    if name is None:
        path = request.raw_path
        for prefix, service in _rest_path_prefixes():
            if path.startswith(prefix):
                name = service
                break
    return load_service_model(name or DEFAULT_SERVICE), scope
