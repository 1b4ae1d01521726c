"""Operation -> provider method. Top-level input members become snake_case kwargs.

Knows botocore's naming rule (``xform_name``) and nothing about what providers do.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from botocore import xform_name
from botocore.validate import ParamValidator

from lakestack.core.errors import AwsError, NotImplementedOperation
from lakestack.gateway.context import RequestContext

# What each protocol calls a request that breaks its model's constraints.
_VALIDATION_CODES = {
    "json": "ValidationException",
    "rest-json": "ValidationException",
    "query": "ValidationError",
    "rest-xml": "InvalidArgument",
}
_VALIDATOR = ParamValidator()


class InvalidParameters(AwsError):
    """Input that breaks the model (missing required members, wrong types, too short)."""

    code = "ValidationException"
    status = 400


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
