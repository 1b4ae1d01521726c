"""The request lifecycle as one explicit list of verb-named handlers.

Each handler takes the ``RequestContext`` and may set ``context.response`` to answer;
the chain stops at the first answer. Any exception goes to ``serialize_error``.
Knows HTTP, botocore models and the provider registry, never AWS semantics.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from lakestack.core.credentials import CredentialStore
from lakestack.core.errors import AwsError
from lakestack.core.ids import Ids
from lakestack.gateway.auth import SigV4Verifier
from lakestack.gateway.chunked import decode_aws_chunked
from lakestack.gateway.context import RequestContext
from lakestack.gateway.dispatch import Dispatcher
from lakestack.gateway.errors import error_details
from lakestack.gateway.http import HttpRequest, HttpResponse
from lakestack.gateway.protocols.parser import create_parser
from lakestack.gateway.protocols.serializer import create_serializer
from lakestack.gateway.routing import route_service

LOG = logging.getLogger("lakestack.requests")

Handler = Callable[[RequestContext], None]

# How non-S3 protocols name S3's authentication errors (AWS "Common Errors" pages).
_JSON_AUTH_CODES = {
    "SignatureDoesNotMatch": "InvalidSignatureException",
    "InvalidAccessKeyId": "UnrecognizedClientException",
}
_AUTH_CODES = {
    "json": _JSON_AUTH_CODES,
    "rest-json": _JSON_AUTH_CODES,
    "query": {"InvalidAccessKeyId": "InvalidClientTokenId"},
}
InternalRoute = Callable[[HttpRequest], HttpResponse]
INTERNAL_PREFIX = "/_lakestack/"


class Gateway:
    """The WSGI-free app the HTTP server calls: ``HttpRequest -> HttpResponse``."""

    def __init__(
        self,
        dispatcher: Dispatcher,
        verifier: SigV4Verifier,
        credentials: CredentialStore,
        ids: Ids,
        internal_routes: dict[str, InternalRoute] | None = None,
        log_requests: bool = False,
    ) -> None:
        self.dispatcher = dispatcher
        self.verifier = verifier
        self.credentials = credentials
        self.ids = ids
        self.internal_routes = internal_routes or {}
        self.log_requests = log_requests
        self.handlers: list[Handler] = [
            self.serve_internal_route,
            self.parse_service_name,
            self.authenticate,
            self.decode_body,
            self.parse_request,
            self.dispatch_operation,
        ]

    def __call__(self, request: HttpRequest) -> HttpResponse:
        context = RequestContext(request, self.ids.request_id(), started=time.perf_counter())
        try:
            for handler in self.handlers:
                handler(context)
                if context.response is not None:
                    break
        except BaseException as exc:  # noqa: BLE001 - every failure becomes a wire error
            if isinstance(exc, KeyboardInterrupt | SystemExit):
                raise
            self.serialize_error(context, exc)
        response = context.response or HttpResponse(500)
        if self.log_requests:
            self.log_request(context, response)
        return response

    # -- the chain ---------------------------------------------------------------------
    def serve_internal_route(self, context: RequestContext) -> None:
        path = context.request.raw_path
        if path.startswith(INTERNAL_PREFIX):
            route = self.internal_routes.get(path[len(INTERNAL_PREFIX) :].strip("/"))
            context.response = route(context.request) if route else HttpResponse(404)

    def parse_service_name(self, context: RequestContext) -> None:
        context.service, scope = route_service(context.request)
        if scope is not None:
            context.access_key_id, region, context.signing_name = scope
            context.region = region or context.region

    def authenticate(self, context: RequestContext) -> None:
        try:
            result = self.verifier.verify(context.request)
        except AwsError as err:
            assert context.service is not None
            err.code = _AUTH_CODES.get(context.service.protocol, {}).get(err.code, err.code)
            raise
        if result is not None:
            context.access_key_id = result.access_key_id
            context.region = result.region or context.region
        if context.access_key_id:
            context.account_id = self.credentials.account_for(context.access_key_id)
        context.auth = result

    def decode_body(self, context: RequestContext) -> None:
        decode_aws_chunked(context.request, context.auth)

    def parse_request(self, context: RequestContext) -> None:
        assert context.service is not None
        context.operation, context.params = create_parser(context.service).parse(context.request)

    def dispatch_operation(self, context: RequestContext) -> None:
        assert context.service is not None
        output = self.dispatcher.dispatch(context)
        context.response = create_serializer(context.service).serialize_response(
            context.operation, output, context.request_id
        )

    # -- outside the chain -------------------------------------------------------------
    def serialize_error(self, context: RequestContext, exc: BaseException) -> None:
        details = error_details(exc, context)
        if details.status < 400:  # 304 Not Modified and friends carry no body
            context.response = HttpResponse(
                details.status, _header_fields(details.fields) + list(details.headers.items())
            )
            return
        service = context.service or route_service(context.request)[0]
        context.response = create_serializer(service).serialize_error(
            context.operation, details, context.request_id
        )
        context.response.headers.extend(details.headers.items())

    def log_request(self, context: RequestContext, response: HttpResponse) -> None:
        ms = (time.perf_counter() - context.started) * 1000
        LOG.info(
            "%s %s.%s %d %.1fms",
            context.request.method,
            context.service_name,
            context.operation_name,
            response.status,
            ms,
        )


def _header_fields(fields: dict[str, Any]) -> list[tuple[str, str]]:
    """Fields of a bodiless error that belong in headers (e.g. ETag on a 304)."""
    return [(k, str(v)) for k, v in fields.items() if k in ("ETag", "Last-Modified")]
