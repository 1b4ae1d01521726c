"""Which service a request is for: SigV4 credential scope, then ``X-Amz-Target``, then path.

The served services come from the registry (``Router(rows)``); the gateway never lists
them. Knows request shapes, never a service's semantics. Unsigned requests that match
nothing else are S3's (browsers, presigned-less ``curl``), as on AWS's S3 endpoint.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from botocore.model import ServiceModel

from lakestack.gateway.http import HttpRequest
from lakestack.gateway.specs import (
    load_service_model,
    service_for_signing_name,
    service_for_target_prefix,
)

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


class Router:
    """Routes requests among the served services, given as ``(name, signing name,
    X-Amz-Target prefix)`` rows (built from the service registry by the emulator).

    A request signed for, or targeted at, a service lakestack does not serve gets that
    service's model all the same (any botocore service), so that the error saying it is
    not served is written in the protocol its client speaks.

    >>> router = Router([("glue", "glue", "AWSGlue")])
    >>> router.route(HttpRequest("POST", "/", headers={"x-amz-target": "AWSGlue.GetTables"}))[
    ...     0].service_name
    'glue'
    """

    def __init__(
        self,
        served: Iterable[tuple[str, str, str | None]],
        shared: Iterable[tuple[str, str, str, str]] = (),
    ) -> None:
        rows = list(served)
        self.served = frozenset(name for name, _, _ in rows)
        self._by_signing_name: dict[str, str] = {}
        for name, signing, _ in rows:  # the first service with a signing name owns it
            self._by_signing_name.setdefault(signing, name)
        self._by_target_prefix = {prefix: name for name, _, prefix in rows if prefix}
        self._rest_prefixes: tuple[tuple[str, str], ...] | None = None
        # Services signing with another's name (S3 Control signs as "s3"): told apart by a
        # path prefix and a header only their requests carry.
        self._shared: dict[str, list[tuple[str, str, str]]] = {}
        for signing, path, header, name in shared:
            self._shared.setdefault(signing, []).append((path, header, name))

    def route(self, request: HttpRequest) -> tuple[ServiceModel, tuple[str, str, str] | None]:
        """The botocore model of the service this request is for, and its credential scope."""
        scope = credential_scope(request)
        name = None
        if scope is not None:
            name = self._by_signing_name.get(scope[2]) or service_for_signing_name(scope[2])
            for path, header, sharer in self._shared.get(scope[2], ()):
                if request.raw_path.startswith(path) and header in request.headers:
                    name = sharer
        if name is None:
            target = request.headers.get("x-amz-target")
            if target:
                prefix = target.split(".", 1)[0]
                name = self._by_target_prefix.get(prefix) or service_for_target_prefix(prefix)
        if name is None:
            path = request.raw_path
            for prefix, service in self.rest_path_prefixes():
                if path.startswith(prefix):
                    name = service
                    break
        return load_service_model(name or DEFAULT_SERVICE), scope

    def rest_path_prefixes(self) -> tuple[tuple[str, str], ...]:
        """First path segments of the served rest-json services (``/2015-03-31/`` -> lambda)."""
        if self._rest_prefixes is None:
            self._rest_prefixes = _rest_path_prefixes(tuple(sorted(self.served)))
        return self._rest_prefixes


@lru_cache(maxsize=16)
def _rest_path_prefixes(names: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    out: dict[str, str] = {}
    for name in names:
        model = load_service_model(name)
        if model.protocol != "rest-json":
            continue
        for op_name in model.operation_names:
            uri = model.operation_model(op_name).http.get("requestUri", "/")
            segment = "/" + uri.lstrip("/").split("/", 1)[0].split("?", 1)[0] + "/"
            if "{" not in segment and segment != "//":
                out.setdefault(segment, name)
    return tuple(sorted(out.items(), key=lambda kv: -len(kv[0])))
