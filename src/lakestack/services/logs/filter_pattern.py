"""CloudWatch Logs filter patterns: parse once, then match messages.

Supported forms (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html):

- empty: every event;
- terms, all required: ``ERROR Exception``; ``"quoted phrases"``; ``?a ?b`` (at least
  one of the ``?`` terms); ``-term`` (must not occur). Terms match case-sensitively
  anywhere in the message;
- JSON: ``{ $.level = "ERROR" && ($.latency > 100 || $.user.id != 7) }`` with
  ``= != < > <= >=``, ``*`` wildcards in string values, ``IS NULL``, ``IS TRUE``,
  ``IS FALSE``, ``NOT EXISTS``, selectors ``$.a.b`` and ``$.list[0]``;
- space-delimited: ``[ip, user, ..., status=4* || status=5*, bytes > 1000]`` over
  whitespace-separated fields (``"quoted"`` and ``[bracketed]`` text is one field),
  ``...`` standing for any number of fields;
- regular expressions: ``%ERROR [0-9]+%``.

Knows no storage, no HTTP.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from lakestack.services.logs.errors import InvalidParameterException

Matcher = Callable[[str], bool]

_MISSING = object()
_FIELD = re.compile(r'"([^"]*)"|\[([^\]]*)\]|(\S+)')
_CLAUSE = re.compile(r"\s*([A-Za-z_][\w.-]*)\s*(?:(<=|>=|!=|=|<|>)\s*(.*?))?\s*")
_ELLIPSIS = object()
_TERM = re.compile(r'\s*([?-]?)(?:"((?:[^"\\]|\\.)*)"|([^\s"]+))')
_JSON_TOKEN = re.compile(
    r"""\s*(?:
      (?P<op>&&|\|\||<=|>=|!=|=|<|>|\(|\))
    | (?P<selector>\$(?:\.[^\s.\[\]=!<>()&|]+|\[\d+\])*)
    | "(?P<quoted>(?:[^"\\]|\\.)*)"
    | (?P<word>[^\s=!<>()&|"]+)
    )""",
    re.VERBOSE,
)


def compile_pattern(pattern: str | None) -> Matcher:
    """A predicate over messages for ``pattern``.

    >>> compile_pattern('ERROR -timeout')("ERROR: disk full")
    True
    >>> compile_pattern('{ $.status >= 500 }')('{"status": 503}')
    True

    Raises:
        InvalidParameterException: the pattern does not parse.
        UnsupportedFilterPattern: a space-delimited pattern.
    """
    text = (pattern or "").strip()
    if not text:
        return lambda message: True
    if text.startswith("{"):
        if not text.endswith("}"):
            raise _invalid(pattern)
        return _JsonPattern(text[1:-1], pattern or "").compile()
    if text.startswith("["):
        if not text.endswith("]"):
            raise _invalid(pattern)
        return _space_delimited(text[1:-1], pattern or "")
    if len(text) >= 2 and text.startswith("%") and text.endswith("%"):
        if _backtracks(text[1:-1]):
            raise _invalid(pattern)
        try:
            regex = re.compile(text[1:-1])
        except re.error:
            raise _invalid(pattern) from None
        return lambda message: regex.search(message) is not None
    return _terms(text, pattern or "")


def _invalid(pattern: str | None) -> InvalidParameterException:
    return InvalidParameterException(f"Invalid filter pattern: {pattern}")


def _terms(text: str, pattern: str) -> Matcher:
    required: list[str] = []
    optional: list[str] = []
    excluded: list[str] = []
    pos = 0
    while pos < len(text):
        m = _TERM.match(text, pos)
        if m is None:
            raise _invalid(pattern)
        prefix, quoted, bare = m.groups()
        term = quoted.replace('\\"', '"') if quoted is not None else bare
        if not term:
            raise _invalid(pattern)
        {"": required, "?": optional, "-": excluded}[prefix].append(term)
        pos = m.end()

    def match(message: str) -> bool:
        return (
            all(t in message for t in required)
            and (not optional or any(t in message for t in optional))
            and not any(t in message for t in excluded)
        )

    return match


class _JsonPattern:
    """Recursive descent over ``or := and ('||' and)*; and := atom ('&&' atom)*``."""

    def __init__(self, body: str, pattern: str) -> None:
        self._pattern = pattern
        self._tokens = self._tokenize(body)
        self._pos = 0

    def _tokenize(self, body: str) -> list[tuple[str, str]]:
        tokens: list[tuple[str, str]] = []
        pos = 0
        while pos < len(body):
            if body[pos:].strip() == "":
                break
            m = _JSON_TOKEN.match(body, pos)
            if m is None or m.end() == pos:
                raise _invalid(self._pattern)
            kind = m.lastgroup or ""
            value = m.group(kind)
            tokens.append((kind, value.replace('\\"', '"') if kind == "quoted" else value))
            pos = m.end()
        return tokens

    def compile(self) -> Matcher:
        predicate = self._or()
        if self._pos != len(self._tokens):
            raise _invalid(self._pattern)

        def match(message: str) -> bool:
            try:
                doc = json.loads(message)
            except (ValueError, RecursionError):
                return False
            return isinstance(doc, dict | list) and predicate(doc)

        return match

    def _peek(self) -> tuple[str, str] | None:
        return self._tokens[self._pos] if self._pos < len(self._tokens) else None

    def _next(self) -> tuple[str, str]:
        token = self._peek()
        if token is None:
            raise _invalid(self._pattern)
        self._pos += 1
        return token

    def _or(self) -> Callable[[Any], bool]:
        parts = [self._and()]
        while self._peek() == ("op", "||"):
            self._pos += 1
            parts.append(self._and())
        return parts[0] if len(parts) == 1 else (lambda doc: any(p(doc) for p in parts))

    def _and(self) -> Callable[[Any], bool]:
        parts = [self._atom()]
        while self._peek() == ("op", "&&"):
            self._pos += 1
            parts.append(self._atom())
        return parts[0] if len(parts) == 1 else (lambda doc: all(p(doc) for p in parts))

    def _atom(self) -> Callable[[Any], bool]:
        kind, value = self._next()
        if (kind, value) == ("op", "("):
            inner = self._or()
            if self._next() != ("op", ")"):
                raise _invalid(self._pattern)
            return inner
        if kind != "selector":
            raise _invalid(self._pattern)
        path = _path(value)
        kind, word = self._next()
        if kind == "word" and word.upper() == "IS":
            return _is(path, self._next()[1].upper(), self._pattern)
        if kind == "word" and word.upper() == "NOT":
            if self._next()[1].upper() != "EXISTS":
                raise _invalid(self._pattern)
            return lambda doc: _resolve(doc, path) is _MISSING
        if kind != "op" or word not in ("=", "!=", "<", ">", "<=", ">="):
            raise _invalid(self._pattern)
        value_kind, text = self._next()
        if value_kind not in ("word", "quoted"):
            raise _invalid(self._pattern)
        return _comparison(path, word, text, value_kind == "quoted", self._pattern)


def _path(selector: str) -> list[str | int]:
    """``$.a.b[0]`` as keys and indexes.

    >>> _path("$.a.b[0]")
    ['a', 'b', 0]
    """
    out: list[str | int] = []
    for name, index in re.findall(r"\.([^.\[\]]+)|\[(\d+)\]", selector[1:]):
        out.append(int(index) if index else name)
    return out


def _resolve(doc: Any, path: list[str | int]) -> Any:
    for step in path:
        if isinstance(step, int) and isinstance(doc, list) and step < len(doc):
            doc = doc[step]
        elif isinstance(step, str) and isinstance(doc, dict) and step in doc:
            doc = doc[step]
        else:
            return _MISSING
    return doc


def _is(path: list[str | int], what: str, pattern: str) -> Callable[[Any], bool]:
    expected = {"NULL": None, "TRUE": True, "FALSE": False}
    if what not in expected:
        raise _invalid(pattern)
    want = expected[what]
    return lambda doc: (value := _resolve(doc, path)) is not _MISSING and value is want


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _comparison(
    path: list[str | int], op: str, text: str, quoted: bool, pattern: str
) -> Callable[[Any], bool]:
    number = None if quoted else _number(text)
    if op in ("<", ">", "<=", ">="):
        if number is None:
            raise _invalid(pattern)
        bound = number
        compare: Callable[[float], bool] = {
            "<": lambda a: a < bound,
            ">": lambda a: a > bound,
            "<=": lambda a: a <= bound,
            ">=": lambda a: a >= bound,
        }[op]

        def numeric(doc: Any) -> bool:
            value = _resolve(doc, path)
            return _is_number(value) and compare(value)

        return numeric
    wildcard = re.compile(".*".join(re.escape(part) for part in text.split("*")), re.S)

    def equals(doc: Any) -> bool:
        value = _resolve(doc, path)
        if value is _MISSING or isinstance(value, dict | list):
            return False
        if number is not None and _is_number(value):
            return bool(value == number)
        if isinstance(value, str):
            return wildcard.fullmatch(value) is not None
        return False

    if op == "=":
        return equals
    return lambda doc: _resolve(doc, path) is not _MISSING and not equals(doc)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


FieldTest = Callable[[str], bool]


def _space_delimited(body: str, pattern: str) -> Matcher:
    """``[a, b=1, ...]``: one test per field, ``...`` for any number of fields.

    >>> _space_delimited("ip, ..., status=404", "")('1.2.3.4 - - [x] "GET /" 404')
    True
    """
    specs: list[object] = []
    for part in body.split(","):
        part = part.strip()
        if part == "...":
            specs.append(_ELLIPSIS)
            continue
        specs.append(_field_test(part, pattern))

    def match(message: str) -> bool:
        fields = [next(g for g in m.groups() if g is not None) for m in _FIELD.finditer(message)]
        return _match_fields(specs, fields)

    return match


def _field_test(spec: str, pattern: str) -> FieldTest:
    joiner = "||" if "||" in spec else "&&"
    if "||" in spec and "&&" in spec:
        raise _invalid(pattern)
    tests: list[FieldTest] = []
    for clause in spec.split(joiner):
        m = _CLAUSE.fullmatch(clause)
        if m is None or (m.group(2) is not None and not m.group(3)):
            raise _invalid(pattern)
        if m.group(2) is None:
            tests.append(lambda value: True)
            continue
        tests.append(_value_test(m.group(2), m.group(3), pattern))
    if joiner == "||":
        return lambda value: any(t(value) for t in tests)
    return lambda value: all(t(value) for t in tests)


def _value_test(op: str, text: str, pattern: str) -> FieldTest:
    quoted = len(text) >= 2 and text[0] == text[-1] == '"'
    literal = text[1:-1] if quoted else text
    number = None if quoted else _number(literal)
    if op in ("<", ">", "<=", ">="):
        if number is None:
            raise _invalid(pattern)
        bound = number
        compare: Callable[[float, float], bool] = {
            "<": lambda a, b: a < b,
            ">": lambda a, b: a > b,
            "<=": lambda a, b: a <= b,
            ">=": lambda a, b: a >= b,
        }[op]
        return lambda value: (n := _number(value)) is not None and compare(n, bound)
    wildcard = re.compile(".*".join(re.escape(part) for part in literal.split("*")), re.S)

    def equals(value: str) -> bool:
        if number is not None and (n := _number(value)) is not None:
            return n == number
        return wildcard.fullmatch(value) is not None

    return equals if op == "=" else (lambda value: not equals(value))


def _match_fields(specs: list[object], fields: list[str]) -> bool:
    """Whether the field tests (and ``...`` gaps) consume exactly ``fields``; the set of
    reachable positions keeps this linear, whatever the number of fields.

    >>> _match_fields([_ELLIPSIS, str.isdigit], ["a", "b", "7"])
    True
    """
    reachable = {0}
    for spec in specs:
        if spec is _ELLIPSIS:
            reachable = set(range(min(reachable), len(fields) + 1))
        else:
            assert callable(spec)
            reachable = {i + 1 for i in reachable if i < len(fields) and spec(fields[i])}
        if not reachable:
            return False
    return len(fields) in reachable


def _backtracks(regex: str) -> bool:
    """Whether a repeated group could backtrack exponentially: ``(a+)+``, ``(a|ab)*``,
    ``((a)+)*``. Such patterns are refused; a plain repeated group like ``(ab)+`` is fine.

    >>> [_backtracks(r) for r in ("(a+)+$", "(x|y)*z", "(ab)+c", "(?:ab)+", r"\\(a+\\)+")]
    [True, True, False, False, False]
    """
    opens: list[int] = []
    i = 0
    while i < len(regex):
        ch = regex[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "(":
            opens.append(i)
        elif ch == ")" and opens:
            start = opens.pop()
            after = regex[i + 1 : i + 2]
            body = regex[start + 1 : i].removeprefix("?:")
            if after in ("*", "+", "{") and any(c in body for c in "*+{|?("):
                return True
        i += 1
    return False
