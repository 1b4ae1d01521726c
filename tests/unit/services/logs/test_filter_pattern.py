"""CloudWatch Logs filter patterns, as a table of (pattern, message, matches)."""

from __future__ import annotations

import pytest

from lakestack.services.logs.errors import InvalidParameterException
from lakestack.services.logs.filter_pattern import compile_pattern

JSON_EVENT = (
    '{"level": "ERROR", "status": 503, "latency": 12.5, "user": {"id": 7, "name": "ann"}, '
    '"tags": ["a", "b"], "ok": false, "gone": null}'
)

CASES = [
    # title, pattern, message, expected
    ("empty matches all", "", "anything", True),
    ("blank matches all", "   ", "anything", True),
    ("one term", "ERROR", "2026 ERROR disk", True),
    ("terms are case sensitive", "ERROR", "error disk", False),
    ("terms are AND-ed", "ERROR disk", "ERROR cpu", False),
    ("terms in any order", "disk ERROR", "ERROR disk", True),
    ("quoted phrase", '"disk full"', "ERROR: disk full now", True),
    ("quoted phrase needs adjacency", '"disk full"', "disk is full", False),
    ("optional terms OR", "?ERROR ?WARN", "WARN low memory", True),
    ("optional terms none", "?ERROR ?WARN", "INFO ok", False),
    ("exclusion", "ERROR -timeout", "ERROR timeout reached", False),
    ("exclusion passes", "ERROR -timeout", "ERROR refused", True),
    ("quoted exclusion", 'ERROR -"retry later"', "ERROR please retry later", False),
    ("json string equality", '{ $.level = "ERROR" }', JSON_EVENT, True),
    ("json unquoted string", "{ $.level = ERROR }", JSON_EVENT, True),
    ("json wildcard", '{ $.level = "ERR*" }', JSON_EVENT, True),
    ("json inequality", '{ $.level != "ERROR" }', JSON_EVENT, False),
    ("json number equality", "{ $.status = 503 }", JSON_EVENT, True),
    ("json greater", "{ $.status > 500 }", JSON_EVENT, True),
    ("json less or equal", "{ $.latency <= 12 }", JSON_EVENT, False),
    ("json nested", "{ $.user.id = 7 }", JSON_EVENT, True),
    ("json array index", '{ $.tags[1] = "b" }', JSON_EVENT, True),
    ("json and", '{ $.level = "ERROR" && $.status >= 500 }', JSON_EVENT, True),
    ("json and fails", '{ $.level = "ERROR" && $.status < 500 }', JSON_EVENT, False),
    ("json or", '{ $.level = "INFO" || $.user.name = "ann" }', JSON_EVENT, True),
    ("json parentheses", "{ ($.status = 1 || $.status = 503) && $.ok IS FALSE }", JSON_EVENT, True),
    ("json is null", "{ $.gone IS NULL }", JSON_EVENT, True),
    ("json not exists", "{ $.missing NOT EXISTS }", JSON_EVENT, True),
    ("json missing field", '{ $.missing = "x" }', JSON_EVENT, False),
    ("json on plain text", '{ $.level = "ERROR" }', "ERROR not json", False),
    ("regex", "%ERROR [0-9]+%", "ERROR 42 happened", True),
    ("space-delimited names only", "[ip, user, status]", "1.2.3.4 ann 200", True),
    ("space-delimited field count", "[ip, user, status]", "1.2.3.4 ann 200 extra", False),
    ("space-delimited equality", "[ip, user, status=404]", "1.2.3.4 ann 404", True),
    ("space-delimited inequality", "[ip, user, status!=404]", "1.2.3.4 ann 404", False),
    ("space-delimited wildcard or", "[ip, status=4* || status=5*]", "1.2.3.4 503", True),
    ("space-delimited numeric", "[ip, bytes > 1000]", "1.2.3.4 999", False),
    ("space-delimited ellipsis", "[..., status=200, bytes]", 'a "GET / HTTP/1.1" 200 512', True),
    (
        "space-delimited brackets",
        "[ip, ts, req, status=200]",
        '1.2.3.4 [10/Oct:13:55] "GET /" 200',
        True,
    ),
    ("space-delimited quoted value", '[ip, user="ann"]', "1.2.3.4 ann", True),
    ("regex no match", "%ERROR [0-9]+%", "ERROR x", False),
]


@pytest.mark.parametrize(
    ("title", "pattern", "message", "expected"), CASES, ids=[c[0] for c in CASES]
)
def test_filter_pattern_matches(title: str, pattern: str, message: str, expected: bool) -> None:
    assert compile_pattern(pattern)(message) is expected


@pytest.mark.parametrize(
    "pattern",
    [
        '"unterminated',
        "{ $.a = }",
        "{ $.a > abc }",
        "{ $.a = 1",
        "{ a = 1 }",
        "{ $.a ~ 1 }",
        "%(%",
        "[ip, status=]",
        "[ip, bytes > x]",
        "[ip, 9bad]",
        "[ip, status",
        "%(a+)+$%",
        "%(x|xy)*z%",
    ],
)
def test_malformed_pattern_raises_invalid_parameter(pattern: str) -> None:
    with pytest.raises(InvalidParameterException):
        compile_pattern(pattern)


def test_json_pattern_on_deeply_nested_message_does_not_match() -> None:
    assert compile_pattern("{ $.a = 1 }")("[" * 100_000) is False
