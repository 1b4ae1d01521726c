"""THE exception -> wire-error mapping (STYLE.md §6). Nothing else builds error details.

1. ``AwsError`` -> as is; status from the class, else the botocore error shape's
   ``httpStatusCode``, else 400.
2. Parser failures (``ProtocolError``) -> the protocol's client error.
3. ``NotImplementedError`` -> 501 naming service and operation.
4. Anything else -> 500 ``InternalFailure``, logged with traceback and request id.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from botocore.model import ServiceModel

from lakestack.core.errors import AwsError
from lakestack.gateway.context import RequestContext
from lakestack.gateway.protocols.common import ErrorDetails, ProtocolError

LOG = logging.getLogger(__name__)


def _model_status(service: ServiceModel | None, code: str) -> int | None:
    if service is None:
        return None
    try:
        shape = service.shape_for(code)
    except Exception:  # noqa: BLE001 - botocore raises NoShapeFoundError
        return None
    error = shape.metadata.get("error") or {}
    status = error.get("httpStatusCode")
    return int(status) if status else None


def error_details(exc: BaseException, context: RequestContext) -> ErrorDetails:
    """Map any exception raised while handling ``context`` to what goes on the wire."""
    if isinstance(exc, AwsError):
        status = exc.status or _model_status(context.service, exc.code) or 400
        return ErrorDetails(
            exc.code, exc.message, status, exc.sender_fault, exc.fields, exc.headers
        )
    if isinstance(exc, ProtocolError):
        return ErrorDetails(exc.code, exc.message, exc.status, True)
    if isinstance(exc, NotImplementedError):
        what = f"{context.service_name}.{context.operation_name}"
        return ErrorDetails("InternalFailure", f"{what} is not implemented: {exc}", 501, False)
    LOG.error(
        "request %s (%s.%s) failed",
        context.request_id,
        context.service_name,
        context.operation_name,
        exc_info=exc,
    )
    return ErrorDetails(
        "InternalFailure", f"Internal error (request id {context.request_id})", 500, False
    )
