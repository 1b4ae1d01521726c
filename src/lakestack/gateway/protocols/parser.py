"""Request parsers: HTTP request + botocore model -> (operation, input params).

Owns reading the four AWS protocols lakestack speaks (query, json, rest-json,
rest-xml) into dicts keyed by input-shape member names, typed as botocore's
client would have given them. Knows botocore shapes and HTTP, no AWS semantics:
required members are not validated here (engines do that).

Class hierarchy (quirk subclasses are picked from ``PARSERS`` by ``create_parser``)::

    RequestParser                 scalar text + JSON value conversion by shape type
    ├── QueryRequestParser        Action=..., Foo.member.N / Map.entry.N.key
    ├── JSONRequestParser         X-Amz-Target + JSON body
    └── BaseRestRequestParser     method + requestUri routing, uri/querystring/header(s)
        ├── RestJSONRequestParser JSON body or payload member
        └── RestXMLRequestParser  XML body or payload member
            └── S3RequestParser   virtual-host buckets, copy-source selects Copy ops
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Callable
from functools import cache
from typing import Any
from urllib.parse import parse_qsl
from xml.etree import ElementTree

from botocore.model import (
    OperationModel,
    OperationNotFoundError,
    ServiceModel,
    Shape,
    StructureShape,
)

from lakestack.core import checksums
from lakestack.gateway.http import HttpRequest
from lakestack.gateway.protocols.common import MalformedXML, ProtocolError, UnknownOperation
from lakestack.gateway.protocols.routes import RestRouter
from lakestack.gateway.protocols.values import TimestampError, parse_bool, parse_timestamp

Params = dict[str, Any]


def _local(tag: str) -> str:
    """An XML tag without its namespace.

    >>> _local("{http://s3.amazonaws.com/doc/2006-03-01/}Key")
    'Key'
    """
    return tag.rpartition("}")[2]


class RequestParser:
    """Base parser: finds the operation (subclasses) and converts values by shape type."""

    #: error code for a value that does not fit its shape
    INVALID_VALUE_CODE = "SerializationException"

    def __init__(self, service: ServiceModel) -> None:
        self.service = service

    def parse(self, request: HttpRequest) -> tuple[OperationModel, Params]:
        raise NotImplementedError

    def _operation(self, name: str) -> OperationModel:
        try:
            return self.service.operation_model(name)
        except OperationNotFoundError:
            raise UnknownOperation(f"unknown operation {name!r}") from None

    # -- scalars from text (query strings, headers, uri labels, XML text) --------------

    def _parse_text(self, shape: Shape, text: str) -> Any:
        try:
            return _TEXT_PARSERS.get(shape.type_name, _parse_string)(shape, text)
        except (ValueError, TimestampError, binascii.Error, RecursionError) as exc:
            raise ProtocolError(
                f"invalid value for {shape.name}: {text[:200]!r}", code=self.INVALID_VALUE_CODE
            ) from exc

    # -- JSON values (json and rest-json bodies) ---------------------------------------

    def _json_value(self, shape: Shape, value: Any) -> Any:
        handler = getattr(self, f"_json_{shape.type_name}", None)
        if handler is None:
            return value
        try:
            return handler(shape, value)
        except RecursionError as exc:
            raise ProtocolError(f"invalid value for {shape.name}: nested too deeply") from exc
        except (ValueError, TypeError, AttributeError, binascii.Error) as exc:
            raise ProtocolError(
                f"invalid value for {shape.name}: {value!r}", code="SerializationException"
            ) from exc

    def _json_structure(self, shape: StructureShape, value: Any) -> Any:
        if shape.serialization.get("document") or getattr(shape, "is_document_type", False):
            return value
        if not isinstance(value, dict):
            raise TypeError("expected an object")
        out: Params = {}
        for name, member in shape.members.items():
            key = member.serialization.get("name", name)
            item = value.get(key)
            if item is not None:
                out[name] = self._json_value(member, item)
        return out

    def _json_list(self, shape: Any, value: Any) -> list[Any]:
        if not isinstance(value, list):
            raise TypeError("expected a list")
        return [self._json_value(shape.member, v) for v in value]

    def _json_map(self, shape: Any, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise TypeError("expected an object")
        return {k: self._json_value(shape.value, v) for k, v in value.items()}

    def _json_timestamp(self, shape: Shape, value: Any) -> Any:
        return parse_timestamp(value)

    def _json_blob(self, shape: Shape, value: Any) -> bytes:
        return base64.b64decode(value, validate=True)

    def _json_float(self, shape: Shape, value: Any) -> float:
        return float(value)

    _json_double = _json_float

    def _read_json_object(self, request: HttpRequest) -> dict[str, Any]:
        raw = request.body.read_all()
        if not raw.strip():
            return {}
        data = load_json(raw)
        if not isinstance(data, dict):
            raise ProtocolError("the JSON body must be an object")
        return data


def load_json(raw: bytes) -> Any:
    """A JSON body, every failure a ``ProtocolError`` (a 100,000-deep one included).

    >>> load_json(b"[" * 100_000)
    Traceback (most recent call last):
    ...
    lakestack.gateway.protocols.common.ProtocolError: malformed JSON body: nested too deeply
    """
    try:
        return json.loads(raw)
    except RecursionError as exc:
        raise ProtocolError("malformed JSON body: nested too deeply") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise ProtocolError(f"malformed JSON body: {exc}") from exc


def _parse_string(shape: Shape, text: str) -> Any:
    if shape.serialization.get("jsonvalue"):
        return json.loads(base64.b64decode(text))
    return text


def _parse_list_text(shape: Any, text: str) -> list[Any]:
    # A list in a header is comma separated (botocore joins with ",").
    parse = _TEXT_PARSERS.get(shape.member.type_name, _parse_string)
    return [parse(shape.member, part.strip()) for part in text.split(",") if part.strip()]


_TEXT_PARSERS: dict[str, Callable[[Any, str], Any]] = {
    "string": _parse_string,
    "integer": lambda s, t: int(t),
    "long": lambda s, t: int(t),
    "float": lambda s, t: float(t),
    "double": lambda s, t: float(t),
    "boolean": lambda s, t: parse_bool(t),
    "timestamp": lambda s, t: parse_timestamp(t),
    "blob": lambda s, t: base64.b64decode(t, validate=True),
    "list": _parse_list_text,
}


class QueryRequestParser(RequestParser):
    """``Action=Publish&Foo.member.1=...`` in the query string or a form body."""

    INVALID_VALUE_CODE = "InvalidParameterValue"

    def parse(self, request: HttpRequest) -> tuple[OperationModel, Params]:
        params = dict(request.query_params())
        raw = request.body.read_all()
        if raw:
            try:
                params.update(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
            except UnicodeDecodeError as exc:
                raise ProtocolError("malformed form body", code="MalformedQueryString") from exc
        action = params.get("Action")
        if not action:
            raise UnknownOperation("no Action parameter", code="MissingAction")
        try:
            operation = self.service.operation_model(action)
        except OperationNotFoundError:
            raise UnknownOperation(f"unknown action {action!r}", code="InvalidAction") from None
        if operation.input_shape is None:
            return operation, {}
        prefixes = _prefixes(params)
        return operation, self._query_structure(operation.input_shape, params, "", prefixes)

    def _query_value(self, shape: Any, params: dict[str, str], key: str, pre: set[str]) -> Any:
        kind = shape.type_name
        if kind == "structure":
            if key and key not in pre:
                return None
            return self._query_structure(shape, params, key, pre)
        if kind == "list":
            return self._query_list(shape, params, key, pre)
        if kind == "map":
            return self._query_map(shape, params, key, pre)
        text = params.get(key)
        return None if text is None else self._parse_text(shape, text)

    def _query_structure(
        self, shape: Any, params: dict[str, str], prefix: str, pre: set[str]
    ) -> Params:
        out: Params = {}
        for name, member in shape.members.items():
            part = member.serialization.get("queryName") or member.serialization.get("name", name)
            value = self._query_value(member, params, f"{prefix}.{part}" if prefix else part, pre)
            if value is not None:
                out[name] = value
        return out

    def _query_list(
        self, shape: Any, params: dict[str, str], key: str, pre: set[str]
    ) -> list[Any] | None:
        if params.get(key) == "":
            return []
        member_name = shape.member.serialization.get("name")
        candidates = [f"{key}.{member_name or 'member'}", key]
        if member_name and shape.serialization.get("flattened"):
            candidates.insert(0, ".".join([*key.split(".")[:-1], member_name]))
        for list_prefix in candidates:
            if f"{list_prefix}.1" in pre:
                return self._query_items(shape.member, params, list_prefix, pre)
        return None

    def _query_items(
        self, member: Any, params: dict[str, str], prefix: str, pre: set[str]
    ) -> list[Any]:
        items = []
        index = 1
        while f"{prefix}.{index}" in pre:
            items.append(self._query_value(member, params, f"{prefix}.{index}", pre))
            index += 1
        return items

    def _query_map(
        self, shape: Any, params: dict[str, str], key: str, pre: set[str]
    ) -> dict[str, Any] | None:
        key_name = shape.key.serialization.get("name", "key")
        value_name = shape.value.serialization.get("name", "value")
        for entry_prefix in (f"{key}.entry", key):
            if f"{entry_prefix}.1" not in pre:
                continue
            out: dict[str, Any] = {}
            index = 1
            while f"{entry_prefix}.{index}" in pre:
                base = f"{entry_prefix}.{index}"
                map_key = params.get(f"{base}.{key_name}")
                if map_key is not None:
                    out[map_key] = self._query_value(
                        shape.value, params, f"{base}.{value_name}", pre
                    )
                index += 1
            return out
        return None


def _prefixes(params: dict[str, str]) -> set[str]:
    """Every dotted prefix of every key, for O(1) "is anything under X" checks.

    >>> sorted(_prefixes({"A.member.1": "x"}))
    ['A', 'A.member', 'A.member.1']
    """
    found: set[str] = set()
    for key in params:
        start = 0
        while True:
            dot = key.find(".", start)
            if dot < 0:
                found.add(key)
                break
            found.add(key[:dot])
            start = dot + 1
    return found


class JSONRequestParser(RequestParser):
    """``X-Amz-Target: <targetPrefix>.<Operation>`` with a JSON object body."""

    def parse(self, request: HttpRequest) -> tuple[OperationModel, Params]:
        target = request.headers.get("x-amz-target")
        if not target:
            raise UnknownOperation("missing X-Amz-Target header")
        prefix, _, name = target.rpartition(".")
        expected = self.service.metadata.get("targetPrefix")
        if expected and prefix != expected:
            raise UnknownOperation(f"unknown target {target!r}")
        operation = self._operation(name)
        data = self._read_json_object(request)
        if operation.input_shape is None:
            return operation, {}
        return operation, self._json_structure(operation.input_shape, data)


class _RestPlan:
    """Where each input member of one operation lives, computed once per operation."""

    __slots__ = (
        "uri",
        "query",
        "query_map",
        "headers",
        "prefixed",
        "payload",
        "body_members",
        "payload_kind",
        "header_names",
    )

    def __init__(self, operation: OperationModel) -> None:
        self.uri: list[tuple[str, Shape]] = []
        self.query: list[tuple[str, Any, str]] = []
        self.query_map: tuple[str, Any] | None = None
        self.headers: list[tuple[str, Shape, str]] = []
        self.prefixed: list[tuple[str, Any, str]] = []
        self.payload: tuple[str, Shape] | None = None
        self.payload_kind = ""
        self.body_members = False
        self.header_names: frozenset[str] = frozenset()
        shape = operation.input_shape
        if shape is None:
            return
        for name, member in shape.members.items():
            location = member.serialization.get("location")
            wire = member.serialization.get("name", name)
            if location == "uri":
                self.uri.append((name, member))
            elif location == "querystring":
                if member.type_name == "map":
                    self.query_map = (name, member)
                else:
                    self.query.append((name, member, wire))
            elif location == "header":
                self.headers.append((name, member, wire.lower()))
            elif location == "headers":
                self.prefixed.append((name, member, wire.lower()))
            elif location is None and name != shape.serialization.get("payload"):
                self.body_members = True
        self.header_names = frozenset(wire for _, _, wire in self.headers)
        payload = shape.serialization.get("payload")
        if payload:
            member = shape.members[payload]
            self.payload = (payload, member)
            if member.serialization.get("streaming"):
                self.payload_kind = "stream"
            else:
                self.payload_kind = member.type_name


class BaseRestRequestParser(RequestParser):
    """Routes by method + ``requestUri`` and reads uri, querystring and header members."""

    #: operations never matched by routing; a subclass selects them (S3 copy ops)
    EXCLUDED_OPERATIONS: frozenset[str] = frozenset()

    def __init__(self, service: ServiceModel) -> None:
        super().__init__(service)
        self._router = RestRouter(service, self.EXCLUDED_OPERATIONS)
        self._plans: dict[str, _RestPlan] = {}

    def parse(self, request: HttpRequest) -> tuple[OperationModel, Params]:
        query: dict[str, list[str]] = {}
        for key, value in request.query_params():
            query.setdefault(key, []).append(value)
        path = self._routing_path(request)
        found = self._router.match(request.method, path, query)
        if found is None:
            raise UnknownOperation(f"no operation matches {request.method} {path}")
        route, labels = found
        operation = self._select_operation(route.operation, request)
        plan = self._plans.get(operation.name)
        if plan is None:
            plan = self._plans[operation.name] = _RestPlan(operation)
        params: Params = {}
        for name, shape in plan.uri:
            if name in labels:
                params[name] = self._parse_text(shape, labels[name])
        if query:
            self._read_query(plan, query, params, {k for k, _ in route.literal_query})
        if plan.headers or plan.prefixed:
            self._read_headers(plan, request.headers, params)
        if plan.payload is not None:
            self._read_payload(plan, request, params)
        elif plan.body_members and operation.input_shape is not None:
            self._read_body(operation.input_shape, request, params)
        return operation, params

    def _routing_path(self, request: HttpRequest) -> str:
        return request.raw_path or "/"

    def _select_operation(self, operation: OperationModel, request: HttpRequest) -> OperationModel:
        return operation

    def _read_query(
        self, plan: _RestPlan, query: dict[str, list[str]], params: Params, literal: set[str]
    ) -> None:
        used = set(literal)
        for name, shape, wire in plan.query:
            values = query.get(wire)
            if values is None:
                continue
            used.add(wire)
            if shape.type_name == "list":
                member = shape.member
                params[name] = [self._parse_text(member, v) for v in values]
            else:
                params[name] = self._parse_text(shape, values[0])
        if plan.query_map is not None:
            name, shape = plan.query_map
            value_shape = shape.value
            rest = {k: v for k, v in query.items() if k not in used}
            if value_shape.type_name == "list":
                params[name] = {
                    k: [self._parse_text(value_shape.member, x) for x in v] for k, v in rest.items()
                }
            else:
                params[name] = {k: self._parse_text(value_shape, v[0]) for k, v in rest.items()}

    def _read_headers(self, plan: _RestPlan, headers: dict[str, str], params: Params) -> None:
        for name, shape, wire in plan.headers:
            text = headers.get(wire)
            if text is not None:
                params[name] = self._parse_text(shape, text)
        for name, shape, prefix in plan.prefixed:
            value_shape = shape.value
            found = {
                k[len(prefix) :]: self._parse_text(value_shape, v)
                for k, v in headers.items()
                if k.startswith(prefix)
            }
            if found:
                params[name] = found

    def _read_payload(self, plan: _RestPlan, request: HttpRequest, params: Params) -> None:
        assert plan.payload is not None
        name, shape = plan.payload
        kind = plan.payload_kind
        if kind == "stream":
            params[name] = request.body
            return
        raw = request.body.read_all()
        self._check_payload(request, raw, plan)
        if not raw:
            return
        if kind == "blob":
            params[name] = raw
        elif kind == "string":
            params[name] = raw.decode("utf-8")
        else:
            params[name] = self._parse_body_value(shape, raw)

    def _read_body(self, shape: StructureShape, request: HttpRequest, params: Params) -> None:
        raw = request.body.read_all()
        if raw.strip():
            params.update(self._parse_body_value(shape, raw))

    def _parse_body_value(self, shape: Shape, raw: bytes) -> Any:
        raise NotImplementedError

    def _check_payload(self, request: HttpRequest, raw: bytes, plan: _RestPlan) -> None:
        """Integrity checks of a payload read whole (none by default)."""


class RestJSONRequestParser(BaseRestRequestParser):
    """rest-json (Lambda): JSON body members; timestamps default to epoch seconds."""

    def _parse_body_value(self, shape: Shape, raw: bytes) -> Any:
        return self._json_value(shape, load_json(raw))


class RestXMLRequestParser(BaseRestRequestParser):
    """rest-xml: the body (or structure payload) is one XML document."""

    INVALID_VALUE_CODE = "InvalidArgument"

    def _check_payload(self, request: HttpRequest, raw: bytes, plan: _RestPlan) -> None:
        """A ``Content-MD5`` header (RFC 1864) or an ``x-amz-checksum-<algorithm>`` header
        must match the payload read whole (DeleteObjects, PutBucketPolicy, ...): S3 refuses
        a malformed value and a mismatch. Streamed payloads (PutObject, UploadPart) are
        checked by the engine as they land, and a checksum header the operation takes as a
        member (CompleteMultipartUpload's object checksum) is the engine's to check.
        """
        headers = request.headers
        sent = headers.get("content-md5")
        if sent is not None:
            digest = checksums.decode(sent)
            if digest is None or len(digest) != 16:
                raise ProtocolError(
                    "The Content-MD5 you specified was invalid.", code="InvalidDigest"
                )
            if hashlib.md5(raw).digest() != digest:
                raise ProtocolError(
                    "The Content-MD5 you specified did not match what we received.",
                    code="BadDigest",
                )
        for name, value in headers.items():
            if not name.startswith("x-amz-checksum-") or name in plan.header_names:
                continue
            algorithm = name[len("x-amz-checksum-") :].upper()
            if not checksums.supported(algorithm):
                continue  # the operation's own handling names it
            digest = checksums.decode(value)
            if digest is None or len(digest) != checksums.digest_size(algorithm):
                raise ProtocolError(f"Value for {name} header is invalid.", code="InvalidRequest")
            if checksums.checksum(algorithm, raw) != checksums.encode(digest):
                raise ProtocolError(
                    f"The {algorithm} you specified did not match the calculated checksum.",
                    code="BadDigest",
                )

    def _parse_body_value(self, shape: Shape, raw: bytes) -> Any:
        try:
            root = ElementTree.fromstring(raw)
        except ElementTree.ParseError as exc:
            raise MalformedXML(
                "The XML you provided was not well-formed or did not validate against "
                "our published schema"
            ) from exc
        return self._xml_value(shape, root)

    def _xml_value(self, shape: Any, node: ElementTree.Element) -> Any:
        kind = shape.type_name
        if kind == "structure":
            return self._xml_structure(shape, node)
        if kind == "list":
            item = shape.member.serialization.get("name", "member")
            return [self._xml_value(shape.member, c) for c in node if _local(c.tag) == item]
        if kind == "map":
            return self._xml_map_entries(shape, [c for c in node if _local(c.tag) == "entry"])
        return self._parse_text(shape, node.text or "")

    def _xml_structure(self, shape: Any, node: ElementTree.Element) -> Params:
        children: dict[str, list[ElementTree.Element]] = {}
        for child in node:
            children.setdefault(_local(child.tag), []).append(child)
        out: Params = {}
        for name, member in shape.members.items():
            serialized = member.serialization.get("name", name)
            if member.serialization.get("xmlAttribute"):
                local = serialized.rpartition(":")[2]
                for attr, text in node.attrib.items():
                    if _local(attr) == local:
                        out[name] = self._parse_text(member, text)
                continue
            nodes = children.get(serialized)
            flattened = member.serialization.get("flattened")
            if flattened and member.type_name == "list":
                nodes = nodes or children.get(member.member.serialization.get("name", ""))
                if nodes:
                    out[name] = [self._xml_value(member.member, n) for n in nodes]
            elif flattened and member.type_name == "map":
                if nodes:
                    out[name] = self._xml_map_entries(member, nodes)
            elif nodes:
                out[name] = self._xml_value(member, nodes[0])
        return out

    def _xml_map_entries(self, shape: Any, entries: list[ElementTree.Element]) -> dict[str, Any]:
        key_name = shape.key.serialization.get("name", "key")
        value_name = shape.value.serialization.get("name", "value")
        out: dict[str, Any] = {}
        for entry in entries:
            key = value = None
            for child in entry:
                tag = _local(child.tag)
                if tag == key_name:
                    key = child.text or ""
                elif tag == value_name:
                    value = self._xml_value(shape.value, child)
            if key is not None:
                out[key] = value
        return out


# Virtual-host addressing: <bucket>.localhost, <bucket>.s3.localhost,
# <bucket>.s3[.-]<region>.amazonaws.com, <bucket>.s3.amazonaws.com (bucket may hold dots).
# https://docs.aws.amazon.com/AmazonS3/latest/userguide/VirtualHosting.html
_S3_VHOST = re.compile(
    r"^(?P<bucket>.+?)\.(?:s3(?:[.-]dualstack)?(?:[.-][a-z0-9-]+)?\.amazonaws\.com"
    r"|s3(?:\.[a-z0-9-]+)?\.localhost|localhost)$"
)
_S3_PLAIN_HOSTS = re.compile(r"^s3(?:[.-][a-z0-9-]+)*\.(?:amazonaws\.com|localhost)$")


def s3_bucket_from_host(host: str) -> str | None:
    """The bucket named by a virtual-host style Host header, else None (path style).

    >>> s3_bucket_from_host("my.bucket.s3.us-west-2.amazonaws.com:443")
    'my.bucket'
    >>> s3_bucket_from_host("b1.localhost:4566"), s3_bucket_from_host("127.0.0.1:4566")
    ('b1', None)
    >>> s3_bucket_from_host("s3.localhost"), s3_bucket_from_host("localhost")
    (None, None)
    """
    host = host.strip().lower()
    if host.startswith("["):
        return None  # IPv6 literal: path style
    host = host.rsplit(":", 1)[0] if ":" in host else host
    if _S3_PLAIN_HOSTS.match(host):
        return None
    found = _S3_VHOST.match(host)
    return found.group("bucket") if found else None


class S3RequestParser(RestXMLRequestParser):
    """S3 quirks: virtual-host buckets; ``x-amz-copy-source`` turns Put into Copy."""

    #: routed operation -> (header that selects the alternative, alternative)
    HEADER_ALTERNATIVES = {
        "PutObject": ("x-amz-copy-source", "CopyObject"),
        "UploadPart": ("x-amz-copy-source", "UploadPartCopy"),
    }
    EXCLUDED_OPERATIONS = frozenset(alt for _, alt in HEADER_ALTERNATIVES.values())

    def _routing_path(self, request: HttpRequest) -> str:
        bucket = s3_bucket_from_host(request.headers.get("host", ""))
        path = request.raw_path or "/"
        if bucket is None:
            return path
        return f"/{bucket}{path}" if path.startswith("/") else f"/{bucket}/{path}"

    def _select_operation(self, operation: OperationModel, request: HttpRequest) -> OperationModel:
        alternative = self.HEADER_ALTERNATIVES.get(operation.name)
        if alternative is not None and alternative[0] in request.headers:
            return self.service.operation_model(alternative[1])
        return operation


PARSERS: dict[str, type[RequestParser]] = {
    "query": QueryRequestParser,
    "json": JSONRequestParser,
    "rest-json": RestJSONRequestParser,
    "rest-xml": RestXMLRequestParser,
}
#: quirk subclasses by service name, looked up before the protocol table
SERVICE_PARSERS: dict[str, type[RequestParser]] = {"s3": S3RequestParser}


@cache
def create_parser(service: ServiceModel, protocol: str | None = None) -> RequestParser:
    """The (cached) parser for ``service``; ``protocol`` overrides the model's.

    ``protocol`` lets a service that accepts two protocols (SQS: json and query)
    be parsed with the other one.
    """
    protocol = protocol or service.protocol
    if protocol == service.protocol and service.service_name in SERVICE_PARSERS:
        return SERVICE_PARSERS[service.service_name](service)
    try:
        return PARSERS[protocol](service)
    except KeyError:
        raise NotImplementedError(f"protocol {protocol!r} is not supported") from None
