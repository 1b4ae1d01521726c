"""Checks that keep a query from running on DuckDB with semantics Athena would not have.

The allow-list of Trino functions lakestack runs on DuckDB with Athena's semantics.

A query calling anything else fails with Athena's ``FUNCTION_NOT_FOUND`` rather
than running a DuckDB function of the same name with different semantics.
Entries are sqlglot expression classes (what the Athena dialect parses a call
into) plus names sqlglot leaves anonymous that :mod:`lakestack.sql.rewrites`
translates. A function belongs here only once a fixture in
``tests/fixtures/sql/athena_to_rows`` or a rewrite doctest shows it right, or
when sqlglot maps it to a DuckDB function with identical semantics.

Comparisons Trino rejects (``varchar = integer``, ``date = varchar``) but DuckDB
would run by casting fail with Trino's TYPE_MISMATCH.

Must not know: the catalog, DuckDB connections.
"""

from __future__ import annotations

import re

from sqlglot import exp

from lakestack.sql.errors import FunctionNotFound, TypeMismatch

_ALLOWED_CLASSES = """
Abs Ceil Floor Round Mod Pow Sqrt Ln Log Exp Sign Trunc Greatest Least Rand
Count Sum Avg Min Max CountIf LogicalAnd LogicalOr AnyValue ArrayAgg Stddev StddevSamp
StddevPop Variance VariancePop Corr CovarSamp ArgMax ArgMin ApproxDistinct ApproxQuantile
RowNumber Rank DenseRank Ntile Lag Lead FirstValue LastValue NthValue PercentRank CumeDist
Lower Upper Length Substring Trim Replace Reverse StrPosition Split SplitPart Concat Pad Chr
StartsWith RegexpLike RegexpExtract RegexpExtractAll RegexpReplace RegexpSplit Levenshtein
ToBase64 FromBase64 Hex Unhex
DateDiff DateAdd TimestampTrunc DateTrunc TimeToStr StrToTime FromISO8601Timestamp
FromISO8601Date UnixToTime TimeToUnix Year Month Day DayOfWeekIso DayOfYear Hour Minute
Second Quarter WeekOfYear LastDay Extract CurrentDate CurrentTimestamp
Bracket ArraySize ArrayToString ArrayContains ArrayDistinct ArrayMax ArrayMin ArrayPosition
ArraySort ArrayIntersect Flatten GenerateSeries ArraySlice Transform ArrayFilter ArraySum
Map MapKeys MapFromEntries Array Struct
JSONExtract JSONExtractScalar ParseJSON
Cast TryCast Try Case If Coalesce Nullif Unnest Explode Posexplode Exists Date AtTimeZone
""".split()

ALLOWED_CLASSES: frozenset[type[exp.Expression]] = frozenset(
    getattr(exp, name) for name in _ALLOWED_CLASSES if hasattr(exp, name)
)

# Functions sqlglot leaves as exp.Anonymous that lakestack translates or DuckDB
# implements identically (lower-case Trino names).
ALLOWED_ANONYMOUS = frozenset(
    {
        "format_datetime",
        "map_agg",
        "at_timezone",
        "millisecond",
        "map_values",
        "cardinality",
        "strpos",
        "current_timezone",
    }
)


def check_functions(tree: exp.Expression, sql: str) -> None:
    """Raise FUNCTION_NOT_FOUND for the first call outside the allow-list.

    >>> import sqlglot
    >>> check_functions(sqlglot.parse_one("SELECT lower(a) FROM t", read="athena"), "")
    >>> q = "SELECT foo(a) FROM t"
    >>> check_functions(sqlglot.parse_one(q, read="athena"), q)
    Traceback (most recent call last):
    ...
    lakestack.sql.errors.FunctionNotFound: line 1:8: Function 'foo' not registered
    """
    for node in tree.find_all(exp.Func):
        if isinstance(node, exp.Connector):  # AND / OR are operators, not calls
            continue
        if isinstance(node, exp.Anonymous):
            name = node.name.lower()
            if name in ALLOWED_ANONYMOUS:
                continue
        elif type(node) in ALLOWED_CLASSES:
            continue
        else:
            name = _trino_name(node)
        line, column = _position(sql, name)
        raise FunctionNotFound(f"Function '{name}' not registered", line=line, column=column)


def _trino_name(node: exp.Func) -> str:
    return node.sql_name().lower()


def _position(sql: str, name: str) -> tuple[int | None, int | None]:
    m = re.search(rf"\b{re.escape(name)}\s*\(", sql, re.IGNORECASE)
    if m is None:
        return None, None
    before = sql[: m.start()]
    line = before.count("\n") + 1
    return line, m.start() - (before.rfind("\n") + 1) + 1


T = exp.DataType.Type
_TEXT = {T.VARCHAR, T.CHAR, T.TEXT, T.NCHAR, T.NVARCHAR}
_NUMBER = {T.TINYINT, T.SMALLINT, T.INT, T.BIGINT, T.FLOAT, T.DOUBLE, T.DECIMAL}
_TEMPORAL = {T.DATE, T.TIMESTAMP, T.TIMESTAMPTZ, T.DATETIME}
_OPERATORS = {exp.EQ: "=", exp.NEQ: "<>", exp.LT: "<", exp.LTE: "<=", exp.GT: ">", exp.GTE: ">="}


def _incompatible(a: exp.Expression, b: exp.Expression) -> bool:
    if a.type is None or b.type is None:
        return False
    kinds = {a.type.this, b.type.this}
    text = bool(kinds & _TEXT)
    return text and bool(kinds & (_NUMBER | _TEMPORAL)) and not kinds <= _TEXT


def _type_name(node: exp.Expression) -> str:
    if isinstance(node, exp.Literal) and node.is_string:
        return f"varchar({len(node.this)})"
    text = node.type.sql(dialect="trino").lower() if node.type is not None else "unknown"
    return {"int": "integer", "text": "varchar"}.get(text, text)


def _end(node: exp.Expression) -> int | None:
    ends = [n.meta["end"] for n in node.walk() if "end" in n.meta]
    return max(ends) if ends else None


def _start(node: exp.Expression) -> int | None:
    starts = [n.meta["start"] for n in node.walk() if "start" in n.meta]
    return min(starts) if starts else None


def _at(sql: str, offset: int | None) -> tuple[int | None, int | None]:
    if offset is None:
        return None, None
    before = sql[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def check_comparisons(tree: exp.Expression, sql: str) -> None:
    """Raise TYPE_MISMATCH where Trino refuses to compare text with numbers or dates.

    >>> import sqlglot
    >>> from sqlglot.optimizer.annotate_types import annotate_types
    >>> q = "SELECT 1 WHERE '2026' = 2026"
    >>> check_comparisons(annotate_types(sqlglot.parse_one(q, read="athena")), q)
    Traceback (most recent call last):
    ...
    lakestack.sql.errors.TypeMismatch: line 1:23: Cannot apply operator: varchar(4) = integer
    """
    for node in tree.find_all(*_OPERATORS, exp.Between):
        if isinstance(node, exp.Between):
            low, high = node.args["low"], node.args["high"]
            if _incompatible(node.this, low) or _incompatible(node.this, high):
                line, col = _at(sql, _start(node.this))
                raise TypeMismatch(
                    f"Cannot check if {_type_name(node.this)} is BETWEEN {_type_name(low)} "
                    f"and {_type_name(high)}",
                    line=line,
                    column=col,
                )
            continue
        if _incompatible(node.this, node.expression):
            end = _end(node.this)
            offset = None
            if end is not None:
                m = re.compile(r"\s*").match(sql, end + 1)
                offset = m.end() if m else None
            line, col = _at(sql, offset)
            raise TypeMismatch(
                f"Cannot apply operator: {_type_name(node.this)} {_OPERATORS[type(node)]} "
                f"{_type_name(node.expression)}",
                line=line,
                column=col,
            )
