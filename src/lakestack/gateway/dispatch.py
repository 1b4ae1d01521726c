"""Operation -> provider method. Top-level input members become snake_case kwargs.

Knows botocore's naming rule (``xform_name``) and nothing about what providers do.
"""

from __future__ import annotations

from typing import Any

from botocore import xform_name

from lakestack.core.errors import NotImplementedOperation
from lakestack.gateway.context import RequestContext


class Dispatcher:
    """Calls ``provider.<xform_name(operation)>(context, **kwargs)``.

    >>> class P:
    ...     def list_buckets(self, context, **kw): return {"Buckets": [], "kw": kw}
    >>> Dispatcher({"s3": P()}).has_operation("s3", "ListBuckets")
    True
    """

    def __init__(self, providers: dict[str, object]) -> None:
        self.providers = providers

    def has_operation(self, service: str, operation: str) -> bool:
        provider = self.providers.get(service)
        return provider is not None and callable(getattr(provider, xform_name(operation), None))

    def dispatch(self, context: RequestContext) -> dict[str, Any]:
        assert context.service is not None and context.operation is not None
        service, operation = context.service.service_name, context.operation.name
        provider = self.providers.get(service)
        method = getattr(provider, xform_name(operation), None) if provider else None
        if method is None:
            raise NotImplementedOperation(service, operation)
        kwargs = {xform_name(k): v for k, v in context.params.items()}
        result: dict[str, Any] = method(context, **kwargs)
        return result if result is not None else {}
