"""Operation -> provider method. Top-level input members become snake_case kwargs.

Unknown input members fail loudly: a member the request carries must be a parameter
of the provider method, or be named by the service's :class:`MemberPolicy` (members a
``**kw`` method reads, members accepted and ignored); any other member answers 501
``NotImplemented`` naming it, so an unsupported option (SSE-KMS, Object Lock, ...) is
never dropped silently. Knows botocore's naming rule (``xform_name``) and nothing
about what providers do.
"""

from __future__ import annotations

import functools
import inspect
import io
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import parse_qsl

if TYPE_CHECKING:
    from botocore.model import OperationModel, ServiceModel
    from botocore.validate import ParamValidator

    from lakestack.gateway.protocols.routes import RestRouter

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


class UnsupportedMember(AwsError):
    """A request member the model defines that lakestack does not handle."""

    code = "NotImplemented"
    sender_fault = False
    status = 501

    def __init__(self, service: str, operation: str, member: str) -> None:
        super().__init__(
            f"lakestack does not support the member {member} of {service} {operation}; "
            "see docs/coverage.md"
        )


@dataclass(frozen=True)
class MemberPolicy:
    """Which request members a service takes beyond its methods' parameters.

    ``kwargs``: per operation, the members a method that takes ``**kw`` reads from it
    (its signature cannot say); under ``"*"``, members a wrapper taking ``**kw`` reads
    (and removes) before the method it wraps runs. ``ignored``: per operation (``"*"``:
    every operation), the members accepted and ignored, each with the reason
    (docs/coverage.md lists them).

    >>> policy = MemberPolicy.from_json({"ignored": {"*": {"ExpectedBucketOwner": "why"}}})
    >>> policy.ignores("PutObject", "ExpectedBucketOwner"), policy.ignores("PutObject", "ACL")
    (True, False)
    """

    kwargs: Mapping[str, frozenset[str]] = field(default_factory=dict)
    ignored: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> MemberPolicy:
        return cls(
            {op: frozenset(members) for op, members in data.get("kwargs", {}).items()},
            {op: dict(members) for op, members in data.get("ignored", {}).items()},
        )

    def reads(self, operation: str, member: str, wrapped: bool = False) -> bool:
        """Whether a ``**kw`` reads ``member``; ``wrapped``: the method sits in a wrapper
        taking ``**kw`` (which reads the ``"*"`` members)."""
        return member in self.kwargs.get(operation, ()) or (
            wrapped and member in self.kwargs.get("*", ())
        )

    def ignores(self, operation: str, member: str) -> bool:
        return member in self.ignored.get(operation, {}) or member in self.ignored.get("*", {})


_NO_POLICY = MemberPolicy()


class Dispatcher:
    """Calls ``provider.<xform_name(operation)>(context, **kwargs)``.

    >>> class P:
    ...     def list_buckets(self, context, **kw): return {"Buckets": [], "kw": kw}
    >>> Dispatcher({"s3": P()}).has_operation("s3", "ListBuckets")
    True
    """

    def __init__(
        self,
        providers: Mapping[str, object],
        policies: Callable[[str], MemberPolicy] | None = None,
    ) -> None:
        self.providers = providers
        self._policies = policies or (lambda service: _NO_POLICY)
        self._taken: dict[tuple[str, str], _Taken] = {}

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
        kwargs = self.kwargs(service, operation, method, context.params)
        result: dict[str, Any] = method(context, **kwargs)
        return result if result is not None else {}

    def kwargs(
        self, service: str, operation: str, method: Callable[..., Any], params: dict[str, Any]
    ) -> dict[str, Any]:
        """The method's keyword arguments: every member it takes, none it does not.

        Raises:
            UnsupportedMember: a member neither taken nor accepted-and-ignored.
        """
        key = (service, operation)
        if key not in self._taken:
            self._taken[key] = _parameters(method)
        taken = self._taken[key]
        policy = self._policies(service)
        kwargs: dict[str, Any] = {}
        for member, value in params.items():
            name = xform_name(member)
            if name in taken.names or policy.reads(operation, member, taken.wrapper_kwargs):
                kwargs[name] = value
            elif policy.ignores(operation, member):
                continue
            else:
                raise UnsupportedMember(service, operation, member)
        return kwargs

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
        report = _validator().validate(context.params, shape)
        if report.has_errors():
            raise InvalidParameters(
                report.generate_report(), code=_VALIDATION_CODES.get(context.service.protocol)
            )


class _Taken(NamedTuple):
    names: frozenset[str]  # the keyword parameters the method names after ``context``
    kwargs: bool  # the method takes ``**kw``
    wrapper_kwargs: bool  # what the provider exposes (maybe a wrapper) takes ``**kw``


def _parameters(method: Callable[..., Any]) -> _Taken:
    """What ``method`` takes; decorators that keep ``__wrapped__`` are seen through, and
    a ``**kw`` takes only the members the service's :class:`MemberPolicy` names."""
    inner = inspect.signature(method).parameters.values()
    outer = inspect.signature(method, follow_wrapped=False).parameters.values()
    named = {p.name for p in inner if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
    return _Taken(
        frozenset(named - {"context"}),
        any(p.kind is p.VAR_KEYWORD for p in inner),
        any(p.kind is p.VAR_KEYWORD for p in outer),
    )


@functools.cache
def xform_name(name: str) -> str:
    """botocore's ``xform_name`` (``GetObject`` -> ``get_object``), imported on first use;
    cached, as it runs for every member of every request (names come from the models,
    so the cache is bounded by them)."""
    from botocore import xform_name as xform

    return str(xform(name))


@functools.cache
def _validator() -> ParamValidator:
    from botocore.validate import ParamValidator

    return ParamValidator()


def _named_operation(context: RequestContext) -> OperationModel | None:
    """The operation a request names without parsing its body: the ``X-Amz-Target``
    suffix (json), the ``Action`` parameter (query, ec2), the method and path (rest)."""
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
    if context.service.protocol in ("rest-json", "rest-xml"):
        query: dict[str, list[str]] = {}
        for key, value in request.query_params():
            query.setdefault(key, []).append(value)
        found = _rest_router(context.service).match(request.method, request.raw_path or "/", query)
        return found[0].operation if found is not None else None
    return None


@functools.lru_cache(maxsize=32)
def _rest_router(service: ServiceModel) -> RestRouter:
    from lakestack.gateway.protocols.routes import RestRouter

    return RestRouter(service)
