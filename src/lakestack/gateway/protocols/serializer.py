"""Response serializers: operation output dict / ErrorDetails -> HttpResponse.

Owns writing the four AWS protocols (query, json, rest-json, rest-xml) from
botocore output shapes, including each protocol's error envelope and request-id
headers. Writes only members of the output shape (others are dropped with a
debug log). Knows botocore shapes and HTTP, no AWS semantics.

Class hierarchy (quirk subclasses are picked from ``SERVICE_SERIALIZERS``)::

    ResponseSerializer                  JSON values by shape type, error fields
    ├── QueryResponseSerializer         <OpResponse><OpResult>..  / <ErrorResponse>
    ├── JSONResponseSerializer          application/x-amz-json-1.x, __type errors,
    │                                   x-amzn-query-error for awsQueryCompatible models
    └── BaseRestResponseSerializer      status / header / headers / payload members
        ├── RestJSONResponseSerializer  JSON body, x-amzn-ErrorType
        └── RestXMLResponseSerializer   XML body, <ErrorResponse><Error>
            └── S3ResponseSerializer    <Error> envelope, x-amz-request-id/x-amz-id-2,
                                        GetBucketLocation body, 206 for ranged GetObject

Errors only, for services lakestack does not serve (their clients still parse them):
``EC2ErrorSerializer`` (a query envelope) and ``RpcV2CborErrorSerializer`` (CBOR).
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
from functools import cache
from typing import Any

from botocore.model import OperationModel, ServiceModel, Shape

from lakestack.gateway.http import FileRange, HttpResponse, Payload, StreamPayload
from lakestack.gateway.protocols.common import ErrorDetails
from lakestack.gateway.protocols.values import format_timestamp, xml_escape
from lakestack.gateway.protocols.xml_writer import XmlWriter, namespace_attr, scalar_text

LOG = logging.getLogger(__name__)

XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'


def _field_text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if hasattr(value, "isoformat"):
        return str(format_timestamp(value, "iso8601"))
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class ResponseSerializer:
    """Base serializer: shared JSON value writing; subclasses own the envelopes."""

    #: timestamp format of JSON bodies when the member does not say
    JSON_TIMESTAMP_FORMAT = "unixTimestamp"

    def __init__(self, service: ServiceModel) -> None:
        self.service = service

    def serialize_response(
        self, operation: OperationModel, output: dict[str, Any], request_id: str
    ) -> HttpResponse:
        raise NotImplementedError

    def serialize_error(
        self, operation: OperationModel | None, error: ErrorDetails, request_id: str
    ) -> HttpResponse:
        raise NotImplementedError

    # -- JSON values ---------------------------------------------------------------

    def _json_value(self, shape: Any, value: Any) -> Any:
        kind = shape.type_name
        if kind == "structure":
            if getattr(shape, "is_document_type", False):
                return value
            return self._json_structure(shape, value, top_level=False)
        if kind == "list":
            return [self._json_value(shape.member, v) for v in value]
        if kind == "map":
            return {k: self._json_value(shape.value, v) for k, v in value.items()}
        if kind == "timestamp":
            fmt = shape.serialization.get("timestampFormat", self.JSON_TIMESTAMP_FORMAT)
            return format_timestamp(value, fmt)
        if kind == "blob":
            raw = value.encode("utf-8") if isinstance(value, str) else bytes(value)
            return base64.b64encode(raw).decode("ascii")
        if kind in ("float", "double") and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        return value

    def _json_structure(self, shape: Any, value: dict[str, Any], top_level: bool) -> dict[str, Any]:
        out: dict[str, Any] = {}
        members = shape.members
        for key, item in value.items():
            member = members.get(key)
            if member is None:
                LOG.debug("dropping non-member %s of %s", key, shape.name)
                continue
            if item is None or (top_level and member.serialization.get("location")):
                continue
            out[member.serialization.get("name", key)] = self._json_value(member, item)
        return out

    def _json_body(self, shape: Any, value: dict[str, Any], top_level: bool = True) -> bytes:
        data = self._json_structure(shape, value, top_level) if shape is not None else {}
        return json.dumps(data, separators=(",", ":")).encode("utf-8")


class JSONResponseSerializer(ResponseSerializer):
    """json protocol (Glue, Athena, Step Functions, SQS)."""

    def __init__(self, service: ServiceModel) -> None:
        super().__init__(service)
        version = service.metadata.get("jsonVersion", "1.0")
        self.content_type = f"application/x-amz-json-{version}"
        self.query_compatible = "awsQueryCompatible" in service.metadata
        self._error_types = _error_types_by_code(service) if self.query_compatible else {}

    def serialize_response(
        self, operation: OperationModel, output: dict[str, Any], request_id: str
    ) -> HttpResponse:
        body = self._json_body(operation.output_shape, output)
        return HttpResponse(200, self._headers(request_id), body)

    def serialize_error(
        self, operation: OperationModel | None, error: ErrorDetails, request_id: str
    ) -> HttpResponse:
        headers = self._headers(request_id)
        error_type = error.code
        if self.query_compatible:
            # Query-compatible services (SQS) name the modeled shape in __type and the
            # legacy query code in a header, which botocore reports as Error.Code.
            error_type = self._error_types.get(error.code, error.code)
            fault = "Sender" if error.sender_fault else "Receiver"
            headers.append(("x-amzn-query-error", f"{error.code};{fault}"))
        data: dict[str, Any] = {"__type": error_type, "message": error.message}
        data.update({k: _field_text(v) for k, v in error.fields.items()})
        return HttpResponse(error.status, headers, json.dumps(data).encode("utf-8"))

    def _headers(self, request_id: str) -> list[tuple[str, str]]:
        return [("Content-Type", self.content_type), ("x-amzn-RequestId", request_id)]


def _error_types_by_code(service: ServiceModel) -> dict[str, str]:
    """Modeled error shape names by their (query) error code, for query-compatible JSON."""
    found: dict[str, str] = {}
    for shape in service.error_shapes:
        code = shape.metadata.get("error", {}).get("code")
        if code:
            found[code] = shape.name
    return found


class QueryResponseSerializer(ResponseSerializer):
    """query protocol (SNS, Redshift, STS): XML envelopes named after the operation."""

    def __init__(self, service: ServiceModel) -> None:
        super().__init__(service)
        self._xml = XmlWriter(query=True)
        self._namespace = service.metadata.get("xmlNamespace")

    def serialize_response(
        self, operation: OperationModel, output: dict[str, Any], request_id: str
    ) -> HttpResponse:
        ns = f' xmlns="{xml_escape(self._namespace)}"' if self._namespace else ""
        out = [f"<{operation.name}Response{ns}>"]
        shape = operation.output_shape
        if shape is not None:
            wrapper = shape.serialization.get("resultWrapper", f"{operation.name}Result")
            out.append(f"<{wrapper}>")
            self._xml.structure_content(shape)(output, out)
            out.append(f"</{wrapper}>")
        out.append(
            f"<ResponseMetadata><RequestId>{xml_escape(request_id)}</RequestId>"
            f"</ResponseMetadata></{operation.name}Response>"
        )
        return HttpResponse(200, self._headers(request_id), "".join(out).encode("utf-8"))

    def serialize_error(
        self, operation: OperationModel | None, error: ErrorDetails, request_id: str
    ) -> HttpResponse:
        ns = f' xmlns="{xml_escape(self._namespace)}"' if self._namespace else ""
        fields = "".join(
            f"<{k}>{xml_escape(_field_text(v))}</{k}>" for k, v in error.fields.items()
        )
        body = (
            f"<ErrorResponse{ns}><Error><Type>{'Sender' if error.sender_fault else 'Receiver'}"
            f"</Type><Code>{xml_escape(error.code)}</Code><Message>{xml_escape(error.message)}"
            f"</Message>{fields}</Error><RequestId>{xml_escape(request_id)}</RequestId>"
            "</ErrorResponse>"
        )
        return HttpResponse(error.status, self._headers(request_id), body.encode("utf-8"))

    def _headers(self, request_id: str) -> list[tuple[str, str]]:
        return [("Content-Type", "text/xml"), ("x-amzn-RequestId", request_id)]


class _OutputPlan:
    """Where each output member of one operation goes, computed once per operation."""

    __slots__ = ("status", "headers", "prefixed", "payload", "payload_kind", "has_body")

    def __init__(self, operation: OperationModel) -> None:
        self.status: str | None = None
        self.headers: list[tuple[str, str, Shape]] = []
        self.prefixed: list[tuple[str, str, Shape]] = []
        self.payload: tuple[str, Shape] | None = None
        self.payload_kind = ""
        self.has_body = False
        shape = operation.output_shape
        if shape is None:
            return
        for name, member in shape.members.items():
            location = member.serialization.get("location")
            if location == "statusCode":
                self.status = name
            elif location == "header":
                self.headers.append((name, member.serialization.get("name", name), member))
            elif location == "headers":
                self.prefixed.append((name, member.serialization.get("name", ""), member))
            elif location is None:
                self.has_body = True
        payload = shape.serialization.get("payload")
        if payload:
            member = shape.members[payload]
            self.payload = (payload, member)
            streaming = member.serialization.get("streaming")
            self.payload_kind = "stream" if streaming else member.type_name


class BaseRestResponseSerializer(ResponseSerializer):
    """Writes status, header and prefixed-header members; subclasses write the body."""

    def __init__(self, service: ServiceModel) -> None:
        super().__init__(service)
        self._plans: dict[str, _OutputPlan] = {}

    def _plan(self, operation: OperationModel) -> _OutputPlan:
        plan = self._plans.get(operation.name)
        if plan is None:
            plan = self._plans[operation.name] = _OutputPlan(operation)
        return plan

    def serialize_response(
        self, operation: OperationModel, output: dict[str, Any], request_id: str
    ) -> HttpResponse:
        plan = self._plan(operation)
        status = int(operation.http.get("responseCode", 200))
        if plan.status is not None and output.get(plan.status) is not None:
            status = int(output[plan.status])
        headers = self._request_id_headers(request_id)
        self._write_headers(plan, output, headers)
        body: Payload = b""
        if plan.payload is not None:
            body = self._payload_body(plan, output, headers)
        elif plan.has_body:
            body = self._body(operation, output, headers)
        return HttpResponse(status, headers, body)

    def _write_headers(
        self, plan: _OutputPlan, output: dict[str, Any], headers: list[tuple[str, str]]
    ) -> None:
        for name, wire, shape in plan.headers:
            value = output.get(name)
            if value is not None:
                headers.append((wire, _header_text(shape, value)))
        for name, prefix, _shape in plan.prefixed:
            for key, value in (output.get(name) or {}).items():
                headers.append((prefix + key, str(value)))

    def _payload_body(
        self, plan: _OutputPlan, output: dict[str, Any], headers: list[tuple[str, str]]
    ) -> Payload:
        assert plan.payload is not None
        name, shape = plan.payload
        value = output.get(name)
        if value is None:
            return b""
        if isinstance(value, bytes | FileRange | StreamPayload):
            return value
        if isinstance(value, bytearray | memoryview):
            return bytes(value)
        if isinstance(value, str):
            return value.encode("utf-8")
        if plan.payload_kind == "structure":
            return self._structure_payload(name, shape, value, headers)
        raise TypeError(f"unsupported payload value {type(value).__name__} for {name}")

    def _structure_payload(
        self, name: str, shape: Shape, value: Any, headers: list[tuple[str, str]]
    ) -> bytes:
        raise NotImplementedError

    def _body(
        self, operation: OperationModel, output: dict[str, Any], headers: list[tuple[str, str]]
    ) -> bytes:
        raise NotImplementedError

    def _request_id_headers(self, request_id: str) -> list[tuple[str, str]]:
        return [("x-amzn-RequestId", request_id)]


def _header_text(shape: Any, value: Any) -> str:
    kind = shape.type_name
    if kind == "list":
        return ",".join(_header_text(shape.member, v) for v in value)
    if kind == "string" and shape.serialization.get("jsonvalue"):
        raw = json.dumps(value, separators=(",", ":")).encode("utf-8")
        return base64.b64encode(raw).decode("ascii")
    return scalar_text(shape, value, default_timestamp="rfc822")


class RestJSONResponseSerializer(BaseRestResponseSerializer):
    """rest-json (Lambda): JSON body or payload member, ``x-amzn-ErrorType`` errors."""

    def _body(
        self, operation: OperationModel, output: dict[str, Any], headers: list[tuple[str, str]]
    ) -> bytes:
        headers.append(("Content-Type", "application/json"))
        return self._json_body(operation.output_shape, output)

    def _structure_payload(
        self, name: str, shape: Shape, value: Any, headers: list[tuple[str, str]]
    ) -> bytes:
        headers.append(("Content-Type", "application/json"))
        return self._json_body(shape, value, top_level=False)

    def serialize_error(
        self, operation: OperationModel | None, error: ErrorDetails, request_id: str
    ) -> HttpResponse:
        headers = self._request_id_headers(request_id)
        headers += [("x-amzn-ErrorType", error.code), ("Content-Type", "application/json")]
        data: dict[str, Any] = {
            "Type": "User" if error.sender_fault else "Service",
            "message": error.message,
        }
        data.update({k: _field_text(v) for k, v in error.fields.items()})
        return HttpResponse(error.status, headers, json.dumps(data).encode("utf-8"))


class RestXMLResponseSerializer(BaseRestResponseSerializer):
    """rest-xml: one XML document named after the output shape (or payload member)."""

    def __init__(self, service: ServiceModel) -> None:
        super().__init__(service)
        self._xml = XmlWriter()
        self._namespace = service.metadata.get("xmlNamespace")

    def _body(
        self, operation: OperationModel, output: dict[str, Any], headers: list[tuple[str, str]]
    ) -> bytes:
        shape = operation.output_shape
        assert shape is not None
        root = shape.serialization.get("name", shape.name)
        out = [XML_DECLARATION, f"<{root}{namespace_attr(shape, self._namespace)}>"]
        self._xml.structure_content(shape, top_level=True)(output, out)
        out.append(f"</{root}>")
        headers.append(("Content-Type", "application/xml"))
        return "".join(out).encode("utf-8")

    def _structure_payload(
        self, name: str, shape: Shape, value: Any, headers: list[tuple[str, str]]
    ) -> bytes:
        root = shape.serialization.get("name", shape.name)
        out = [XML_DECLARATION]
        self._xml.element(shape, root, self._root_namespace(shape))(value, out)
        headers.append(("Content-Type", "application/xml"))
        return "".join(out).encode("utf-8")

    def _root_namespace(self, shape: Shape) -> str:
        if shape.serialization.get("xmlNamespace") or not self._namespace:
            return ""  # the element writer adds the shape's own namespace
        return f' xmlns="{xml_escape(self._namespace)}"'

    def serialize_error(
        self, operation: OperationModel | None, error: ErrorDetails, request_id: str
    ) -> HttpResponse:
        headers = self._request_id_headers(request_id)
        if operation is not None and operation.http.get("method") == "HEAD":
            return HttpResponse(error.status, headers, b"")
        headers.append(("Content-Type", "application/xml"))
        return HttpResponse(error.status, headers, self._error_body(error, request_id))

    def _error_fields(self, error: ErrorDetails) -> str:
        return "".join(f"<{k}>{xml_escape(_field_text(v))}</{k}>" for k, v in error.fields.items())

    def _error_body(self, error: ErrorDetails, request_id: str) -> bytes:
        fault = "Sender" if error.sender_fault else "Receiver"
        body = (
            f"{XML_DECLARATION}<ErrorResponse><Error><Type>{fault}</Type>"
            f"<Code>{xml_escape(error.code)}</Code><Message>{xml_escape(error.message)}"
            f"</Message>{self._error_fields(error)}</Error>"
            f"<RequestId>{xml_escape(request_id)}</RequestId></ErrorResponse>"
        )
        return body.encode("utf-8")


def host_id(request_id: str) -> str:
    """S3's ``x-amz-id-2``: an opaque token, derived from the request id so logs line up.

    >>> len(host_id("abc"))
    44
    """
    return base64.b64encode(hashlib.sha256(request_id.encode("utf-8")).digest()).decode("ascii")


class S3ResponseSerializer(RestXMLResponseSerializer):
    """S3 quirks: ``<Error>`` envelope with HostId, request-id headers, GetBucketLocation."""

    def serialize_response(
        self, operation: OperationModel, output: dict[str, Any], request_id: str
    ) -> HttpResponse:
        if operation.name == "GetBucketLocation":
            return self._bucket_location(output, request_id)
        response = super().serialize_response(operation, output, request_id)
        # A ranged GetObject answers 206; the model has no status member for it.
        if operation.name == "GetObject" and output.get("ContentRange"):
            response.status = 206
        return response

    def _bucket_location(self, output: dict[str, Any], request_id: str) -> HttpResponse:
        # The body is the bare element, empty for us-east-1:
        # https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketLocation.html
        ns = f' xmlns="{xml_escape(self._namespace)}"' if self._namespace else ""
        region = output.get("LocationConstraint")
        element = (
            f"<LocationConstraint{ns}>{xml_escape(region)}</LocationConstraint>"
            if region
            else f"<LocationConstraint{ns}/>"
        )
        headers = self._request_id_headers(request_id)
        headers.append(("Content-Type", "application/xml"))
        return HttpResponse(200, headers, (XML_DECLARATION + element).encode("utf-8"))

    def _request_id_headers(self, request_id: str) -> list[tuple[str, str]]:
        return [("x-amz-request-id", request_id), ("x-amz-id-2", host_id(request_id))]

    def _error_body(self, error: ErrorDetails, request_id: str) -> bytes:
        body = (
            f"{XML_DECLARATION}<Error><Code>{xml_escape(error.code)}</Code>"
            f"<Message>{xml_escape(error.message)}</Message>{self._error_fields(error)}"
            f"<RequestId>{xml_escape(request_id)}</RequestId>"
            f"<HostId>{host_id(request_id)}</HostId></Error>"
        )
        return body.encode("utf-8")


class EC2ErrorSerializer(QueryResponseSerializer):
    """ec2 protocol, errors only (no EC2 operation is served): botocore's EC2 parser
    reads the query protocol's ``<ErrorResponse><Error>`` envelope."""

    def serialize_response(
        self, operation: OperationModel, output: dict[str, Any], request_id: str
    ) -> HttpResponse:
        raise NotImplementedError("the ec2 protocol serves errors only")


class RpcV2CborErrorSerializer(ResponseSerializer):
    """smithy-rpc-v2-cbor protocol, errors only (for services whose SDKs speak nothing
    else): a CBOR map ``{"__type", "message"}``."""

    def serialize_response(
        self, operation: OperationModel, output: dict[str, Any], request_id: str
    ) -> HttpResponse:
        raise NotImplementedError("the smithy-rpc-v2-cbor protocol serves errors only")

    def serialize_error(
        self, operation: OperationModel | None, error: ErrorDetails, request_id: str
    ) -> HttpResponse:
        body = cbor_text_map({"__type": error.code, "message": error.message})
        headers = [
            ("Content-Type", "application/cbor"),
            ("smithy-protocol", "rpc-v2-cbor"),
            ("x-amzn-RequestId", request_id),
        ]
        return HttpResponse(error.status, headers, body)


def cbor_text_map(items: dict[str, str]) -> bytes:
    """A CBOR (RFC 8949) map of text strings.

    >>> cbor_text_map({"a": "b"}).hex()
    'a161616162'
    """

    def head(major: int, length: int) -> bytes:
        if length < 24:
            return bytes([major << 5 | length])
        for extra, size in ((24, 1), (25, 2), (26, 4)):
            if length < 1 << (8 * size):
                return bytes([major << 5 | extra]) + length.to_bytes(size, "big")
        raise ValueError("text too long for CBOR head")

    out = bytearray(head(5, len(items)))
    for key, value in items.items():
        for text in (key, value):
            raw = text.encode("utf-8")
            out += head(3, len(raw)) + raw
    return bytes(out)


SERIALIZERS: dict[str, type[ResponseSerializer]] = {
    "query": QueryResponseSerializer,
    "json": JSONResponseSerializer,
    "rest-json": RestJSONResponseSerializer,
    "rest-xml": RestXMLResponseSerializer,
    "ec2": EC2ErrorSerializer,
    "smithy-rpc-v2-cbor": RpcV2CborErrorSerializer,
}
#: quirk subclasses by service name, looked up before the protocol table
SERVICE_SERIALIZERS: dict[str, type[ResponseSerializer]] = {"s3": S3ResponseSerializer}


@cache
def create_serializer(service: ServiceModel, protocol: str | None = None) -> ResponseSerializer:
    """The (cached) serializer for ``service``; ``protocol`` overrides the model's.

    ``protocol`` lets SQS answer an old query-protocol client in kind.
    """
    protocol = protocol or service.protocol
    if protocol == service.protocol and service.service_name in SERVICE_SERIALIZERS:
        return SERVICE_SERIALIZERS[service.service_name](service)
    try:
        return SERIALIZERS[protocol](service)
    except KeyError:
        raise NotImplementedError(f"protocol {protocol!r} is not supported") from None
