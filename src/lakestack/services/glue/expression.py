"""The Glue partition ``Expression`` language of ``GetPartitions``: tokenizer,
recursive-descent parser and evaluator.

Owns the grammar and the comparison rules; knows nothing of storage or HTTP.
https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-catalog-partitions.html

Grammar (keywords case-insensitive)::

    expr      := or
    or        := and ("OR" and)*
    and       := unary ("AND" unary)*
    unary     := "NOT" unary | "(" expr ")" | predicate
    predicate := column op literal | literal op column
               | column ["NOT"] "BETWEEN" literal "AND" literal
               | column ["NOT"] "IN" "(" literal ("," literal)* ")"
               | column ["NOT"] "LIKE" string
               | column "IS" ["NOT"] "NULL"
    op        := "=" | "!=" | "<>" | "<" | "<=" | ">" | ">="
    literal   := 'single-quoted string' | number

Both sides of a comparison are read as the partition key's declared type: integer
keys (``int bigint long smallint tinyint``) and ``decimal`` compare numerically,
``date`` (``yyyy-MM-dd``) and ``timestamp`` (``yyyy-MM-dd HH:mm:ss[.fffffffff]``)
chronologically, ``string``/``varchar``/``char`` lexically; so ``year BETWEEN 2015
AND 2018`` on a string key compares the strings ``'2015'`` and ``'2018'``. Other key
types, ``LIKE`` on a non-string key, unknown columns and malformed text raise
``InvalidInputException``; a stored value that is not of its key's type raises
``InvalidStateException`` when evaluated, as Glue does.

>>> from lakestack.services.glue.models import Column
>>> keys = [Column("year", "string"), Column("month", "int")]
>>> e = compile_expression("year = '2026' AND month IN (1, 2)", keys)
>>> e.matches(["2026", "02"]), e.matches(["2026", "03"]), e.fixed_prefix()
(True, False, ['2026'])
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from lakestack.services.glue.errors import InvalidInputException, InvalidStateException
from lakestack.services.glue.models import Column

MAX_LENGTH = 2048
_KEYWORDS = {"AND", "OR", "NOT", "BETWEEN", "IN", "LIKE", "IS", "NULL"}
_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq,
    "!=": operator.ne,
    "<>": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_FLIPPED = {"=": "=", "!=": "!=", "<>": "<>", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<string>'(?:[^']|'')*')
  | (?P<number>-?\d+(?:\.\d+)?)
  | (?P<op><=|>=|<>|!=|=|<|>)
  | (?P<punct>[(),])
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*|`[^`]+`|"[^"]+")
""",
    re.VERBOSE,
)
_INTEGRAL = {"int", "integer", "bigint", "long", "smallint", "tinyint"}
_STRINGS = {"string", "varchar", "char"}
_TIMESTAMP = re.compile(r"(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?")


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # string number op punct name keyword end
    text: str
    pos: int


def tokenize(text: str) -> list[_Token]:
    """Split an expression into tokens; the last one is ``end``.

    >>> [t.text for t in tokenize("a>='x' and b in (1,2)")]
    ['a', '>=', "'x'", 'AND', 'b', 'IN', '(', '1', ',', '2', ')', '']
    """
    tokens: list[_Token] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise _syntax(text, pos, f"unexpected character {text[pos]!r}")
        kind = m.lastgroup or ""
        if kind != "ws":
            word = m.group()
            if kind == "name" and word.upper() in _KEYWORDS:
                kind, word = "keyword", word.upper()
            tokens.append(_Token(kind, word, pos))
        pos = m.end()
    tokens.append(_Token("end", "", len(text)))
    return tokens


def _syntax(text: str, pos: int, detail: str) -> InvalidInputException:
    return InvalidInputException(
        f"Invalid partition expression '{text}': {detail} at position {pos + 1}"
    )


# -- typed values ---------------------------------------------------------------------


def key_kind(type_name: str | None) -> str | None:
    """The comparison kind of a partition key type, or None when Glue cannot filter on it.

    >>> key_kind("varchar(10)"), key_kind("BIGINT"), key_kind("decimal(10,2)"), key_kind("double")
    ('string', 'int', 'decimal', None)
    """
    base = (type_name or "string").strip().lower().split("(", 1)[0].strip()
    if base in _STRINGS:
        return "string"
    if base in _INTEGRAL:
        return "int"
    if base in ("decimal", "date", "timestamp"):
        return base
    return None


def cast(kind: str, text: str) -> Any:
    """Read a partition value (always a string) as its key's kind; ValueError if it is not.

    >>> cast("int", "07"), cast("date", "2026-01-31"), cast("string", "07")
    (7, datetime.date(2026, 1, 31), '07')
    """
    if kind == "string":
        return text
    if kind == "int":
        try:
            return int(text.strip())
        except ValueError:
            raise ValueError(f'For input string: "{text}" is not an integer.') from None
    if kind == "decimal":
        try:
            return Decimal(text.strip())
        except InvalidOperation:
            raise ValueError(f"{text} is not a decimal.") from None
    if kind == "date":
        try:
            return datetime.strptime(text.strip(), "%Y-%m-%d").date()
        except ValueError:
            raise ValueError(f"{text} is not a date.") from None
    m = _TIMESTAMP.fullmatch(text.strip())
    if m is None:
        raise ValueError(
            f"Timestamp format must be yyyy-mm-dd hh:mm:ss[.fffffffff] {text} is not a timestamp."
        )
    try:
        return (
            datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S"),
            int((m.group(2) or "0").ljust(9, "0")),
        )
    except ValueError:
        raise ValueError(f"{text} is not a timestamp.") from None


@dataclass(frozen=True, slots=True)
class _Key:
    index: int
    name: str
    kind: str

    def value(self, values: Sequence[str]) -> Any:
        if self.index >= len(values):
            return None
        try:
            return cast(self.kind, values[self.index])
        except ValueError as exc:
            raise InvalidStateException(str(exc)) from None


# -- the tree ---------------------------------------------------------------------------


class _Node(Protocol):
    def __call__(self, values: Sequence[str]) -> bool: ...


@dataclass(frozen=True, slots=True)
class _Compare:
    key: _Key
    op: str
    literal: Any

    def __call__(self, values: Sequence[str]) -> bool:
        v = self.key.value(values)
        return v is not None and _OPS[self.op](v, self.literal)


@dataclass(frozen=True, slots=True)
class _Between:
    key: _Key
    low: Any
    high: Any

    def __call__(self, values: Sequence[str]) -> bool:
        v = self.key.value(values)
        return v is not None and bool(self.low <= v <= self.high)


@dataclass(frozen=True, slots=True)
class _In:
    key: _Key
    options: tuple[Any, ...]

    def __call__(self, values: Sequence[str]) -> bool:
        return self.key.value(values) in self.options


@dataclass(frozen=True, slots=True)
class _Like:
    key: _Key
    pattern: re.Pattern[str]

    def __call__(self, values: Sequence[str]) -> bool:
        v = self.key.value(values)
        return v is not None and self.pattern.fullmatch(v) is not None


@dataclass(frozen=True, slots=True)
class _IsNull:
    key: _Key

    def __call__(self, values: Sequence[str]) -> bool:
        return self.key.index >= len(values)


@dataclass(frozen=True, slots=True)
class _Not:
    inner: _Node

    def __call__(self, values: Sequence[str]) -> bool:
        return not self.inner(values)


@dataclass(frozen=True, slots=True)
class _All:
    parts: tuple[_Node, ...]

    def __call__(self, values: Sequence[str]) -> bool:
        return all(p(values) for p in self.parts)


@dataclass(frozen=True, slots=True)
class _Any:
    parts: tuple[_Node, ...]

    def __call__(self, values: Sequence[str]) -> bool:
        return any(p(values) for p in self.parts)


def like_pattern(pattern: str) -> re.Pattern[str]:
    """SQL ``LIKE`` as a regex: ``%`` any run, ``_`` one character, the rest literal.

    >>> bool(like_pattern("%7").fullmatch("2017")), bool(like_pattern("20_").fullmatch("2017"))
    (True, False)
    """
    parts = ("." if ch == "_" else ".*" if ch == "%" else re.escape(ch) for ch in pattern)
    return re.compile("".join(parts), re.DOTALL)


# -- the parser -------------------------------------------------------------------------


class _Parser:
    def __init__(self, text: str, keys: Sequence[Column]) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0
        self.keys = {c.name.lower(): (i, c) for i, c in enumerate(keys)}
        self.key_names = [c.name for c in keys]

    # token helpers
    @property
    def tok(self) -> _Token:
        return self.tokens[self.i]

    def take(self) -> _Token:
        t = self.tokens[self.i]
        self.i += 1
        return t

    def accept(self, kind: str, text: str | None = None) -> bool:
        if self.tok.kind == kind and (text is None or self.tok.text == text):
            self.i += 1
            return True
        return False

    def expect(self, kind: str, text: str, what: str) -> None:
        if not self.accept(kind, text):
            raise self.error(f"expected {what}")

    def error(self, detail: str) -> InvalidInputException:
        found = self.tok.text or "end of expression"
        return _syntax(self.text, self.tok.pos, f"{detail}, found '{found}'")

    # grammar
    def parse(self) -> _Node:
        node = self.or_()
        if self.tok.kind != "end":
            raise self.error("expected AND, OR or the end of the expression")
        return node

    def or_(self) -> _Node:
        parts = [self.and_()]
        while self.accept("keyword", "OR"):
            parts.append(self.and_())
        return parts[0] if len(parts) == 1 else _Any(tuple(parts))

    def and_(self) -> _Node:
        parts = [self.unary()]
        while self.accept("keyword", "AND"):
            parts.append(self.unary())
        return parts[0] if len(parts) == 1 else _All(tuple(parts))

    def unary(self) -> _Node:
        if self.accept("keyword", "NOT"):
            return _Not(self.unary())
        if self.accept("punct", "("):
            node = self.or_()
            self.expect("punct", ")", "')'")
            return node
        return self.predicate()

    def predicate(self) -> _Node:
        if self.tok.kind in ("string", "number"):  # literal op column
            raw = self.take()
            if self.tok.kind != "op":
                raise self.error("expected a comparison operator")
            op = _FLIPPED[self.take().text]
            key = self.column()
            return _Compare(key, op, self.typed(key, raw))
        key = self.column()
        if self.tok.kind == "op":
            op = self.take().text
            return _Compare(key, op, self.typed(key, self.literal()))
        negate = self.accept("keyword", "NOT")
        node = self.suffix(key)
        return _Not(node) if negate else node

    def suffix(self, key: _Key) -> _Node:
        if self.accept("keyword", "BETWEEN"):
            low = self.typed(key, self.literal())
            self.expect("keyword", "AND", "AND in BETWEEN ... AND ...")
            return _Between(key, low, self.typed(key, self.literal()))
        if self.accept("keyword", "IN"):
            self.expect("punct", "(", "'(' after IN")
            options = [self.typed(key, self.literal())]
            while self.accept("punct", ","):
                options.append(self.typed(key, self.literal()))
            self.expect("punct", ")", "')' closing the IN list")
            return _In(key, tuple(options))
        if self.accept("keyword", "LIKE"):
            if key.kind != "string":
                raise InvalidInputException(_like_unsupported(key.kind))
            if self.tok.kind != "string":
                raise self.error("expected a quoted pattern after LIKE")
            return _Like(key, like_pattern(_unquote(self.take().text)))
        if self.accept("keyword", "IS"):
            negate = self.accept("keyword", "NOT")
            self.expect("keyword", "NULL", "NULL after IS")
            return _Not(_IsNull(key)) if negate else _IsNull(key)
        raise self.error("expected a comparison operator, BETWEEN, IN, LIKE or IS")

    def column(self) -> _Key:
        t = self.tok
        if t.kind != "name":
            raise self.error("expected a partition key name")
        self.i += 1
        name = t.text[1:-1] if t.text[0] in '`"' else t.text
        found = self.keys.get(name.lower())
        if found is None:
            keys = ", ".join(self.key_names) or "none"
            raise InvalidInputException(
                f"Invalid partition expression! Unknown partition key '{name}' at position "
                f"{t.pos + 1} (the table's partition keys: {keys})"
            )
        index, col = found
        kind = key_kind(col.type)
        if kind is None:
            raise InvalidInputException(
                f"Unsupported partition key type '{col.type}' of '{col.name}' in expression; "
                "supported: string, char, varchar, date, timestamp, int, bigint, long, "
                "tinyint, smallint, decimal"
            )
        return _Key(index, col.name, kind)

    def literal(self) -> _Token:
        if self.tok.kind not in ("string", "number"):
            raise self.error("expected a quoted string or a number")
        return self.take()

    def typed(self, key: _Key, token: _Token) -> Any:
        raw = _unquote(token.text) if token.kind == "string" else token.text
        try:
            return cast(key.kind, raw)
        except ValueError as exc:
            raise InvalidInputException(str(exc)) from None


def _unquote(text: str) -> str:
    return text[1:-1].replace("''", "'")


def _like_unsupported(kind: str) -> str:
    name = "Integral" if kind == "int" else kind.capitalize()
    return f"{name} data type doesn't support operation 'LIKE'"


class CompiledExpression:
    """A parsed expression bound to a table's partition keys."""

    def __init__(self, root: _Node, keys: Sequence[Column]) -> None:
        self._root = root
        self._keys = keys

    def matches(self, values: Sequence[str]) -> bool:
        """Whether a partition with these values is selected.

        Raises:
            InvalidStateException: a value is not of its key's declared type.
        """
        return self._root(values)

    def fixed_prefix(self) -> list[str]:
        """Values of the leading string keys that every match must have (``k = 'v'``
        conjuncts at the top level), for narrowing the scan before evaluating."""
        parts = self._root.parts if isinstance(self._root, _All) else (self._root,)
        fixed = {
            p.key.index: p.literal
            for p in parts
            if isinstance(p, _Compare) and p.op == "=" and p.key.kind == "string"
        }
        prefix: list[str] = []
        while len(prefix) in fixed:
            prefix.append(fixed[len(prefix)])
        return prefix


def compile_expression(text: str, keys: Sequence[Column]) -> CompiledExpression:
    """Parse ``text`` against the partition keys of a table.

    Raises:
        InvalidInputException: malformed text, unknown key, unsupported type or literal.
    """
    if len(text) > MAX_LENGTH:
        raise InvalidInputException(
            "1 validation error detected: Value at 'expression' failed to satisfy "
            f"constraint: Member must have length less than or equal to {MAX_LENGTH}"
        )
    return CompiledExpression(_Parser(text, keys).parse(), keys)


__all__ = [
    "CompiledExpression",
    "cast",
    "compile_expression",
    "key_kind",
    "like_pattern",
    "tokenize",
]
