"""RequestContext: what the gateway knows about one request as it moves down the chain.

Providers receive it; engines never do (STYLE.md §13). Knows no service semantics.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from botocore.model import OperationModel, ServiceModel

from lakestack.gateway.http import HttpRequest, HttpResponse

DEFAULT_ACCOUNT = "000000000000"
DEFAULT_REGION = "us-east-1"


@dataclass(slots=True)
class RequestContext:
    """One request's journey through ``gateway.app``.

    Attributes:
        request: the HTTP request as received.
        request_id: generated once; appears in the response, any error and log lines.
        service: the botocore service model, once routing found it.
        operation: the botocore operation model, once the parser matched it.
        params: the parsed input, PascalCase keys as in the botocore input shape.
        account_id: from the access key (12 digits -> that account, else 000000000000).
        region: from the SigV4 credential scope (default us-east-1).
        access_key_id: the access key the request was signed with, if any.
        signing_name: the SigV4 service name from the credential scope, if any.
        auth: the verified signature (``gateway.auth.AuthResult``), None when unsigned.
        anonymous: the request carried no signature at all: AWS's anonymous principal.
            ``access_key_id`` is None and ``account_id`` empty; only S3 serves such
            requests, and only what a bucket policy or ACL grants to everyone.
        response: set by the handler that answers the request.
        started: monotonic start time, for the one-line request log.
        internal_route: the name of the internal route (``/_lakestack/<name>``) asked for;
            such requests log as ``internal.<name>``.
    """

    request: HttpRequest
    request_id: str
    service: ServiceModel | None = None
    operation: OperationModel | None = None
    params: dict[str, Any] = field(default_factory=dict)
    account_id: str = DEFAULT_ACCOUNT
    region: str = DEFAULT_REGION
    access_key_id: str | None = None
    signing_name: str | None = None
    auth: Any = None
    anonymous: bool = False
    response: HttpResponse | None = None
    started: float = 0.0
    internal_route: str | None = None

    @property
    def service_name(self) -> str:
        if self.service is not None:
            return str(self.service.service_name)
        return "internal" if self.internal_route is not None else "-"

    @property
    def operation_name(self) -> str:
        if self.operation is not None:
            return str(self.operation.name)
        return self.internal_route or "-"
