"""The request lifecycle as one explicit list of verb-named handlers.

Each handler takes the ``RequestContext`` and may set ``context.response`` to answer;
the chain stops at the first answer. Any exception goes to ``serialize_error``.
Knows HTTP, botocore models and the provider registry, never AWS semantics.

Internal routes (``/_lakestack/<name>``) pass the same SigV4 check as AWS requests,
except ``health``; any request to them whose ``Origin`` is not a loopback origin is
refused, so a web page cannot drive them. Their signing name is ``lakestack``
(:data:`INTERNAL_SIGNING_NAME`); a route receives the authenticated context, so the
account is the signer's. Their errors are ``{"error": {"code", "message"}}`` JSON.

Unsigned requests are AWS's anonymous principal: S3 receives them with
``context.anonymous`` set (its access checks decide), every other service answers
its protocol's ``MissingAuthenticationToken`` error, except operations the service
model declares unsigned (STS ``AssumeRoleWithWebIdentity``/``AssumeRoleWithSAML``).
"""

from __future__ import annotations

import io
import json
import logging
import re
import time
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from lakestack.core.credentials import CredentialStore
from lakestack.core.errors import AwsError
from lakestack.core.ids import Ids
from lakestack.gateway.auth import AnonymousRefused, RequestTimeTooSkewed, SigV4Verifier
from lakestack.gateway.chunked import decode_aws_chunked
from lakestack.gateway.context import RequestContext
from lakestack.gateway.dispatch import Dispatcher
from lakestack.gateway.errors import error_details
from lakestack.gateway.http import HttpRequest, HttpResponse, RequestBody
from lakestack.gateway.routing import Router
from lakestack.gateway.specs import load_service_model

if TYPE_CHECKING:
    from botocore.model import ServiceModel

LOG = logging.getLogger("lakestack.requests")

Handler = Callable[[RequestContext], None]

# How non-S3 protocols name S3's authentication errors (AWS "Common Errors" pages).
_JSON_AUTH_CODES = {
    "SignatureDoesNotMatch": "InvalidSignatureException",
    "InvalidAccessKeyId": "UnrecognizedClientException",
    "InvalidToken": "UnrecognizedClientException",
    "ExpiredToken": "ExpiredTokenException",
}
_AUTH_CODES = {
    "json": _JSON_AUTH_CODES,
    "rest-json": _JSON_AUTH_CODES,
    "query": {"InvalidAccessKeyId": "InvalidClientTokenId", "InvalidToken": "InvalidClientTokenId"},
}
# How each protocol says that a request is dated too far from the server's clock.
_SKEW_ERRORS = {
    "json": ("InvalidSignatureException", 400),
    "rest-json": ("InvalidSignatureException", 403),
    "query": ("SignatureDoesNotMatch", 403),
}
# The error of an unsigned request to a service that has no anonymous access.
_MISSING_TOKEN = {
    "json": ("MissingAuthenticationTokenException", "Missing Authentication Token"),
    "rest-json": ("MissingAuthenticationTokenException", "Missing Authentication Token"),
    "query": ("MissingAuthenticationToken", "Request is missing Authentication Token"),
}
# Protocols whose services serve anonymous requests (S3's rest-xml).
_ANONYMOUS_PROTOCOLS = frozenset({"rest-xml"})
InternalRoute = Callable[[RequestContext], HttpResponse]
INTERNAL_PREFIX = "/_lakestack/"
INTERNAL_SIGNING_NAME = "lakestack"
# The one internal route that needs no signature; it reveals no paths.
PUBLIC_INTERNAL_ROUTES = frozenset({"health"})
_LOOPBACK_ORIGIN = re.compile(r"https?://(?:127\.0\.0\.1|localhost|\[::1\])(?::\d{1,5})?/?")
_MAX_FORM = 1 << 20


class Gateway:
    """The WSGI-free app the HTTP server calls: ``HttpRequest -> HttpResponse``."""

    def __init__(
        self,
        dispatcher: Dispatcher,
        verifier: SigV4Verifier,
        credentials: CredentialStore,
        ids: Ids,
        internal_routes: Mapping[str, InternalRoute] | None = None,
        log_requests: bool = False,
        router: Router | None = None,
    ) -> None:
        self.dispatcher = dispatcher
        self.verifier = verifier
        self.credentials = credentials
        self.ids = ids
        self.internal_routes = internal_routes if internal_routes is not None else {}
        self.log_requests = log_requests
        self.router = router or Router([])
        self.handlers: list[Handler] = [
            self.serve_internal_route,
            self.parse_service_name,
            self.authenticate,
            self.decode_body,
            self.reject_unserved_service,
            self.parse_request,
            self.check_anonymous_operation,
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
        if not path.startswith(INTERNAL_PREFIX):
            return
        name = path[len(INTERNAL_PREFIX) :].strip("/")
        context.internal_route = name
        origin = context.request.headers.get("origin")
        if origin is not None and not is_loopback_origin(origin):
            context.response = internal_error(
                403, "AccessDenied", "lakestack's internal routes refuse cross-origin requests"
            )
            return
        if name not in PUBLIC_INTERNAL_ROUTES:
            try:
                result = self.verifier.verify(context.request)
            except AwsError as err:
                context.response = internal_error(err.status or 403, err.code, err.message)
                return
            if result is None:
                code, message = _MISSING_TOKEN["json"]
                context.response = internal_error(403, code, message)
                return
            context.auth = result
            context.access_key_id = result.access_key_id
            context.region = result.region or context.region
            context.account_id = self.credentials.account_for(result.access_key_id)
        route = self.internal_routes.get(name)
        context.response = route(context) if route else HttpResponse(404)

    def parse_service_name(self, context: RequestContext) -> None:
        context.service, scope = self.router.route(context.request)
        if scope is not None:
            context.access_key_id, region, context.signing_name = scope
            context.region = region or context.region

    def authenticate(self, context: RequestContext) -> None:
        assert context.service is not None
        protocol = context.service.protocol
        try:
            result = self.verifier.verify(context.request)
        except RequestTimeTooSkewed as err:
            if protocol not in _SKEW_ERRORS:
                raise
            code, status = _SKEW_ERRORS[protocol]
            raise AwsError(err.signature_message, code=code, status=status) from None
        except AnonymousRefused:
            if protocol in _ANONYMOUS_PROTOCOLS:
                raise
            raise _missing_token(context.service) from None
        except AwsError as err:
            err.code = _AUTH_CODES.get(protocol, {}).get(err.code, err.code)
            raise
        context.auth = result
        if result is None:
            self._anonymous(context)
            return
        context.access_key_id = result.access_key_id
        context.region = result.region or context.region
        context.account_id = self.credentials.account_for(result.access_key_id)

    def _anonymous(self, context: RequestContext) -> None:
        """An unsigned request: S3's anonymous principal, an unsigned operation, or an error."""
        assert context.service is not None
        context.anonymous = True
        context.access_key_id = None
        context.account_id = ""
        if context.service.protocol in _ANONYMOUS_PROTOCOLS:
            query_service = _query_service_of(context, self.dispatcher.providers)
            if query_service is None:
                return  # S3 itself
            context.service = query_service
        if not _unsigned_operations(context.service.service_name):
            raise _missing_token(context.service)

    def check_anonymous_operation(self, context: RequestContext) -> None:
        """An unsigned request to a signed-only operation of a service with unsigned ones."""
        assert context.service is not None and context.operation is not None
        if (
            context.anonymous
            and context.service.protocol not in _ANONYMOUS_PROTOCOLS
            and context.operation.name not in _unsigned_operations(context.service.service_name)
        ):
            raise _missing_token(context.service)

    def decode_body(self, context: RequestContext) -> None:
        decode_aws_chunked(context.request, context.auth)

    def reject_unserved_service(self, context: RequestContext) -> None:
        """A service lakestack does not serve answers 501 in its own protocol."""
        self.dispatcher.check_served(context)

    def parse_request(self, context: RequestContext) -> None:
        assert context.service is not None
        from lakestack.gateway.protocols.parser import create_parser

        context.operation, context.params = create_parser(context.service).parse(context.request)

    def dispatch_operation(self, context: RequestContext) -> None:
        assert context.service is not None
        output = self.dispatcher.dispatch(context)
        from lakestack.gateway.protocols.serializer import create_serializer

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
        service = context.service or self.router.route(context.request)[0]
        from lakestack.gateway.protocols.serializer import create_serializer

        context.response = create_serializer(service).serialize_error(
            context.operation, details, context.request_id
        )
        context.response.headers.extend(details.headers.items())

    def log_request(self, context: RequestContext, response: HttpResponse) -> None:
        ms = (time.perf_counter() - context.started) * 1000
        service, operation = context.service_name, context.operation_name
        path = context.request.raw_path
        if path.startswith(INTERNAL_PREFIX):  # internal.<route>, e.g. internal.reset
            service, operation = "internal", path[len(INTERNAL_PREFIX) :].strip("/") or "-"
        elif context.service is None:  # refused before routing finished: name where it went
            try:
                service = self.router.route(context.request)[0].service_name
            except Exception:  # noqa: BLE001 - a log line must not fail the request
                service = "-"
        LOG.info(
            "%s %s.%s %d %.1fms", context.request.method, service, operation, response.status, ms
        )


def is_loopback_origin(origin: str) -> bool:
    """Whether a browser's ``Origin`` is a page served from this machine's loopback.

    >>> [is_loopback_origin(o) for o in ("http://127.0.0.1:8080", "http://localhost",
    ...     "http://[::1]:3000", "http://evil.example", "null", "http://127.0.0.1.evil.io")]
    [True, True, True, False, False, False]
    """
    return _LOOPBACK_ORIGIN.fullmatch(origin.strip()) is not None


def internal_error(status: int, code: str, message: str) -> HttpResponse:
    """An internal route's error: ``{"error": {"code", "message"}}`` with ``status``."""
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    return HttpResponse(status, [("Content-Type", "application/json")], body)


def _missing_token(service: ServiceModel) -> AwsError:
    code, message = _MISSING_TOKEN.get(service.protocol, _MISSING_TOKEN["json"])
    return AwsError(message, code=code, status=403)


@lru_cache(maxsize=64)
def _unsigned_operations(service_name: str) -> frozenset[str]:
    """Operations the service model lets callers send unsigned (``authtype: none``)."""
    model = load_service_model(service_name)
    return frozenset(
        name
        for name in model.operation_names
        if model.operation_model(name).auth_type == "none"
        or "smithy.api#noAuth" in (model.operation_model(name).metadata.get("auth") or ())
    )


@lru_cache(maxsize=16)
def _query_services(served: tuple[str, ...]) -> tuple[ServiceModel, ...]:
    """The served services that speak the query protocol."""
    models = [load_service_model(name) for name in served]
    return tuple(model for model in models if model.protocol == "query")


def _query_service_of(context: RequestContext, served: Iterable[str]) -> ServiceModel | None:
    """The query-protocol service an unsigned ``POST /`` form is for, if it is one.

    Signed requests name their service in the credential scope; unsigned ones reach
    S3 by default, but a form ``POST /`` with an ``Action`` is no S3 request.
    """
    request = context.request
    if (
        request.method != "POST"
        or request.raw_path not in ("", "/")
        or request.query
        or not request.headers.get("content-type", "").startswith(
            "application/x-www-form-urlencoded"
        )
        or request.body.length > _MAX_FORM
    ):
        return None
    data = request.body.read_all()
    request.body = RequestBody(io.BytesIO(data), len(data))
    try:
        action = dict(parse_qsl(data.decode("utf-8"))).get("Action")
    except UnicodeDecodeError:
        return None
    if not action:
        return None
    services = _query_services(tuple(sorted(served)))
    for model in services:
        if action in model.operation_names:
            return model
    return services[0] if services else None


def _header_fields(fields: dict[str, Any]) -> list[tuple[str, str]]:
    """Fields of a bodiless error that belong in headers (e.g. ETag on a 304)."""
    return [(k, str(v)) for k, v in fields.items() if k in ("ETag", "Last-Modified")]
