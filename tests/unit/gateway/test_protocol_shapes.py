"""Every shape type through every protocol, on a small synthetic botocore model.

botocore's own request serializer and response parser are the oracle; the model
is built here so each type (string, enum, integer, long, boolean, float, double,
timestamp, blob, list, flattened list, map, nested structure) and each rest
location (uri, querystring incl. lists and maps, header incl. lists, jsonvalue and
timestamps, prefixed headers, body) appears at least once.
"""

from __future__ import annotations

import copy
import io
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import botocore.parsers
import botocore.serialize
import pytest
from botocore.awsrequest import HeadersDict
from botocore.model import ServiceModel

from lakestack.gateway.http import HttpRequest, RequestBody
from lakestack.gateway.protocols.parser import create_parser
from lakestack.gateway.protocols.serializer import create_serializer

T0 = datetime(2024, 2, 3, 4, 5, 6, tzinfo=UTC)

_SCALARS = {
    "Str": {"type": "string"},
    "Enum": {"type": "string", "enum": ["A", "B"]},
    "Int": {"type": "integer"},
    "Long": {"type": "long"},
    "Bool": {"type": "boolean"},
    "Float": {"type": "float"},
    "Double": {"type": "double"},
    "Ts": {"type": "timestamp"},
    "Blob": {"type": "blob"},
    "JsonDoc": {"type": "string", "jsonvalue": True},
    "StrList": {"type": "list", "member": {"shape": "Str"}},
    "FlatList": {
        "type": "list",
        "member": {"shape": "Str", "locationName": "Item"},
        "flattened": True,
    },
    "StrMap": {"type": "map", "key": {"shape": "Str"}, "value": {"shape": "Str"}},
    "Nested": {
        "type": "structure",
        "members": {
            "Name": {"shape": "Str"},
            "When": {"shape": "Ts"},
            "Children": {"shape": "NestedList"},
            "Ratio": {"shape": "Double"},
        },
    },
    "NestedList": {"type": "list", "member": {"shape": "Leaf"}},
    "Leaf": {"type": "structure", "members": {"Value": {"shape": "Int"}, "On": {"shape": "Bool"}}},
}
_BODY_MEMBERS = {
    "Str": {"shape": "Str"},
    "Enum": {"shape": "Enum"},
    "Int": {"shape": "Int"},
    "Long": {"shape": "Long"},
    "Bool": {"shape": "Bool"},
    "Float": {"shape": "Float"},
    "Double": {"shape": "Double"},
    "Ts": {"shape": "Ts"},
    "Blob": {"shape": "Blob"},
    "List": {"shape": "StrList"},
    "Flat": {"shape": "FlatList"},
    "Map": {"shape": "StrMap"},
    "Nested": {"shape": "Nested"},
}
_REST_MEMBERS = {
    "Id": {"shape": "Str", "location": "uri", "locationName": "Id"},
    "Path": {"shape": "Str", "location": "uri", "locationName": "Path"},
    "Count": {"shape": "Int", "location": "querystring", "locationName": "count"},
    "Tags": {"shape": "StrList", "location": "querystring", "locationName": "tag"},
    "Since": {"shape": "Ts", "location": "querystring", "locationName": "since"},
    "Extra": {"shape": "StrMap", "location": "querystring"},
    "When": {"shape": "Ts", "location": "header", "locationName": "x-when"},
    "Flag": {"shape": "Bool", "location": "header", "locationName": "x-flag"},
    "Ratio": {"shape": "Double", "location": "header", "locationName": "x-ratio"},
    "Big": {"shape": "Long", "location": "header", "locationName": "x-big"},
    "Doc": {"shape": "JsonDoc", "location": "header", "locationName": "x-doc"},
    "Names": {"shape": "StrList", "location": "header", "locationName": "x-names"},
    "Meta": {"shape": "StrMap", "location": "headers", "locationName": "x-meta-"},
}
_REST_OUT = {
    "Status": {"shape": "Int", "location": "statusCode"},
    "When": {"shape": "Ts", "location": "header", "locationName": "x-when"},
    "Flag": {"shape": "Bool", "location": "header", "locationName": "x-flag"},
    "Big": {"shape": "Long", "location": "header", "locationName": "x-big"},
    "Doc": {"shape": "JsonDoc", "location": "header", "locationName": "x-doc"},
    "Meta": {"shape": "StrMap", "location": "headers", "locationName": "x-meta-"},
}


def _model(protocol: str) -> ServiceModel:
    rest = protocol.startswith("rest")
    shapes: dict[str, Any] = copy.deepcopy(_SCALARS)
    shapes["In"] = {
        "type": "structure",
        "members": {**_BODY_MEMBERS, **(_REST_MEMBERS if rest else {})},
    }
    shapes["Out"] = {
        "type": "structure",
        "members": {**_BODY_MEMBERS, **(_REST_OUT if rest else {})},
    }
    if protocol == "rest-xml":
        shapes["In"]["locationName"] = "ThingRequest"
    operation: dict[str, Any] = {
        "name": "PutThing",
        "input": {"shape": "In"},
        "http": {"method": "PUT", "requestUri": "/things/{Id}/{Path+}?mode=full"},
        "output": {"shape": "Out"},
    }
    if protocol == "query":
        operation["output"]["resultWrapper"] = "PutThingResult"
    return ServiceModel(
        {
            "metadata": {
                "protocol": protocol,
                "protocols": [protocol],
                "apiVersion": "2020-01-01",
                "endpointPrefix": "things",
                "serviceId": "Things",
                "jsonVersion": "1.1",
                "targetPrefix": "Things_20200101",
                "signatureVersion": "v4",
                "xmlNamespace": "https://things.example.com/doc/",
            },
            "operations": {"PutThing": operation},
            "shapes": shapes,
        },
        service_name=f"things-{protocol}",
    )


BODY_VALUES: dict[str, Any] = {
    "Str": 'héllo <&> "q"',
    "Enum": "B",
    "Int": -7,
    "Long": 2**40,
    "Bool": False,
    "Float": 1.5,
    "Double": -0.25,
    "Ts": T0,
    "Blob": b"\x00\xffbin",
    "List": ["a", "b,c"],
    "Flat": ["x", "y"],
    "Map": {"k1": "v1", "k 2": ""},
    "Nested": {
        "Name": "n",
        "When": T0,
        "Ratio": 2.5,
        "Children": [{"Value": 1, "On": True}, {"Value": 2}],
    },
}
REST_VALUES: dict[str, Any] = {
    "Id": "id with space",
    "Path": "a/b//c%",
    "Count": 3,
    "Tags": ["t1", "t2"],
    "Since": T0,
    "Extra": {"free": "form"},
    "When": T0,
    "Flag": True,
    "Ratio": 0.5,
    "Big": 2**41,
    "Doc": {"a": [1, 2]},
    "Names": ["n1", "n2"],
    "Meta": {"owner": "me"},
}
PROTOCOLS = ["rest-json", "rest-xml", "json", "query"]


def _to_request(serialized: dict[str, Any]) -> HttpRequest:
    query = serialized["query_string"]
    if isinstance(query, dict):
        query = urlencode(query, doseq=True)
    path, _, literal_query = serialized["url_path"].partition("?")
    query = "&".join(filter(None, [literal_query, query]))
    body = serialized["body"] or b""
    if isinstance(body, dict):  # the query protocol's form fields
        body = urlencode(body)
    if isinstance(body, str):
        body = body.encode("utf-8")
    headers = {k.lower(): v for k, v in serialized["headers"].items()}
    return HttpRequest(
        serialized["method"], path, query, headers, RequestBody(io.BytesIO(body), len(body))
    )


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_every_type_and_location_parses_as_botocore_serialized_it(protocol: str) -> None:
    model = _model(protocol)
    op = model.operation_model("PutThing")
    params = dict(BODY_VALUES, **(REST_VALUES if protocol.startswith("rest") else {}))
    serialized = botocore.serialize.create_serializer(protocol).serialize_to_request(params, op)
    parsed_op, parsed = create_parser(model).parse(_to_request(serialized))
    assert parsed_op.name == "PutThing"
    assert parsed == params


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_every_type_and_location_serializes_as_botocore_reads_it(protocol: str) -> None:
    model = _model(protocol)
    op = model.operation_model("PutThing")
    output = dict(BODY_VALUES)
    if protocol.startswith("rest"):
        output.update(
            {
                "Status": 202,
                "When": T0,
                "Flag": True,
                "Big": 2**41,
                "Doc": {"a": [1, 2]},
                "Meta": {"owner": "me"},
            }
        )
    response = create_serializer(model).serialize_response(op, dict(output, Junk=1), "rid-1")
    parsed = botocore.parsers.create_parser(protocol).parse(
        {
            "status_code": response.status,
            "headers": HeadersDict(response.headers),
            "body": response.body,
        },
        op.output_shape,
    )
    metadata = parsed.pop("ResponseMetadata")
    assert metadata["RequestId"] == "rid-1"
    assert parsed == output
    if protocol.startswith("rest"):
        assert response.status == 202
