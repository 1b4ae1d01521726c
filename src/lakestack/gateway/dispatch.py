"""Operation -> provider method. Top-level input members become snake_case kwargs.

Knows botocore's naming rule (``xform_name``) and nothing about what providers do.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl

from botocore import xform_name
from botocore.model import OperationModel
from botocore.validate import ParamValidator

from lakestack.core.errors import AwsError, NotImplementedOperation
from lakestack.gateway.context import RequestContext
from lakestack.gateway.http import RequestBody

# What each protocol calls a request that breaks its model's constraints.
_VALIDATION_CODES = {
    "json": "ValidationException",
    "rest-json": "ValidationException",
    "query": "ValidationError",
    "rest-xml": "InvalidArgument",
}
_VALIDATOR = ParamValidator()
_MAX_FORM = 1 << 20  # a form body read to name the operation of a service not served


class InvalidParameters(AwsError):
    """Input that breaks the model (missing required members, wrong types, too short)."""

    code = "ValidationException"
    status = 400


class ServiceNotServed(AwsError):
    """A request for an AWS service lakestack does not serve, answered in its protocol."""

    code = "NotImplemented"
    sender_fault = False
    status = 501

    def __init__(self, service: str, operation: str | None, served: Iterable[str]) -> None:
        what = f"{service} {operation}" if operation else service
        super().__init__(
            f"lakestack does not serve {service} (request: {what}); it serves "
            f"{', '.join(sorted(served))}. See docs/coverage.md"
        )


class Dispatcher:
    """Calls ``provider.<xform_name(operation)>(context, **kwargs)``.

    >>> class P:
    ...     def list_buckets(self, context, **kw): return {"Buckets": [], "kw": kw}
    >>> Dispatcher({"s3": P()}).has_operation("s3", "ListBuckets")
    True
    """

    def __init__(self, providers: Mapping[str, object]) -> None:
        self.providers = providers

    def serves(self, service: str) -> bool:
        """Whether a provider is registered for ``service`` (never builds one)."""
        return service in self.providers

    def check_served(self, context: RequestContext) -> None:
        """Refuse a request for a service no provider is registered for, naming it (and
        its operation when the request names one the model knows).

        Raises:
            ServiceNotServed: 501, serialized in the service's own protocol.
        """
        assert context.service is not None
        name = context.service.service_name
        if self.serves(name):
            return
        if context.operation is None:
            context.operation = _named_operation(context)
        operation = context.operation.name if context.operation is not None else None
        raise ServiceNotServed(name, operation, self.providers)

    def has_operation(self, service: str, operation: str) -> bool:
        provider = self.providers.get(service) if service in self.providers else None
        return provider is not None and callable(getattr(provider, xform_name(operation), None))

    def dispatch(self, context: RequestContext) -> dict[str, Any]:
        assert context.service is not None and context.operation is not None
        service, operation = context.service.service_name, context.operation.name
        provider = self.providers.get(service) if service in self.providers else None
        method = getattr(provider, xform_name(operation), None) if provider else None
        if method is None:
            raise NotImplementedOperation(service, operation)
        self.validate(context)
        kwargs = {xform_name(k): v for k, v in context.params.items()}
        result: dict[str, Any] = method(context, **kwargs)
        return result if result is not None else {}

    @staticmethod
    def validate(context: RequestContext) -> None:
        """Check the parsed input against the model's constraints, as AWS does before any
        work: required members, types, minimum lengths and values (botocore's validator,
        the same rules the SDKs apply on the client side).

        Raises:
            InvalidParameters: with the protocol's validation error code.
        """
        assert context.operation is not None and context.service is not None
        shape = context.operation.input_shape
        if shape is None:
            return
        report = _VALIDATOR.validate(context.params, shape)
        if report.has_errors():
            raise InvalidParameters(
                report.generate_report(), code=_VALIDATION_CODES.get(context.service.protocol)
            )


def _named_operation(context: RequestContext) -> OperationModel | None:
    """The operation a request names without parsing its body: the ``X-Amz-Target``
    suffix (json) or the ``Action`` query parameter (query, ec2)."""
    assert context.service is not None
    request = context.request
    target = request.headers.get("x-amz-target", "")
    name = target.rsplit(".", 1)[-1] if target else dict(request.query_params()).get("Action")
    form = request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded")
    if not name and form and request.body.length <= _MAX_FORM:
        data = request.body.read_all()
        request.body = RequestBody(io.BytesIO(data), len(data))
        name = dict(parse_qsl(data.decode("utf-8", "replace"))).get("Action")
    if name and name in context.service.operation_names:
        return context.service.operation_model(name)
    return None
