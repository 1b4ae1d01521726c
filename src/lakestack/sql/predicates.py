"""Predicates on partition columns: a tiny tree, its evaluation and per-column domains.

:mod:`lakestack.sql.translate` extracts these from a query's WHERE clause (only
the parts that reference nothing but one table's partition columns and
literals); :mod:`lakestack.sql.projection` uses them to enumerate projected
partitions and to prune registered ones.

Pruning must never drop a partition the query could read, so evaluation is
three-valued: ``None`` means "cannot tell here" and keeps the partition (the
query's own WHERE still runs in DuckDB over the kept partitions).

Partition values are strings exactly as in the path. Comparison follows the
column's catalog type: numeric types compare numerically, everything else
(string, varchar, date written ``yyyy-MM-dd``) compares as text.

Must not know: sqlglot, DuckDB, the catalog.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

Literal = str | int | float | bool

_NUMERIC = ("tinyint", "smallint", "int", "integer", "bigint", "float", "real", "double", "decimal")


@dataclass(frozen=True)
class Compare:
    """``column <op> value``; op is one of ``= <> < <= > >=``."""

    column: str
    op: str
    value: Literal


@dataclass(frozen=True)
class In:
    column: str
    values: tuple[Literal, ...]


@dataclass(frozen=True)
class Between:
    column: str
    low: Literal
    high: Literal


@dataclass(frozen=True)
class And:
    parts: tuple[Predicate, ...]


@dataclass(frozen=True)
class Or:
    parts: tuple[Predicate, ...]


@dataclass(frozen=True)
class Not:
    part: Predicate


Predicate = Compare | In | Between | And | Or | Not
TRUE = And(())


def _key(value: str | Literal, column_type: str) -> float | str | None:
    if column_type.split("(")[0] in _NUMERIC and not isinstance(value, bool):
        try:
            return float(value)
        except ValueError:
            return None
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _compare(left: str, op: str, right: Literal, column_type: str) -> bool | None:
    a, b = _key(left, column_type), _key(right, column_type)
    if a is None or b is None:
        return None if b is None else False
    ops = {
        "=": a == b,
        "<>": a != b,
        "<": a < b,
        "<=": a <= b,  # type: ignore[operator]
        ">": a > b,
        ">=": a >= b,
    }  # type: ignore[operator]
    return ops[op]


def evaluate(
    predicate: Predicate, values: Mapping[str, str], types: Mapping[str, str] | None = None
) -> bool | None:
    """Evaluate ``predicate`` on one partition's values; None means unknown (keep it).

    >>> p = And((Compare("year", "=", "2026"), In("month", ("01", "02"))))
    >>> evaluate(p, {"year": "2026", "month": "02"}), evaluate(p, {"year": "2026", "month": "2"})
    (True, False)
    >>> evaluate(Compare("day", ">=", 7), {"day": "10"}, {"day": "int"})
    True
    >>> evaluate(Compare("dt", "<", "x"), {})
    """
    types = types or {}
    if isinstance(predicate, And):
        results = [evaluate(p, values, types) for p in predicate.parts]
        return False if False in results else (None if None in results else True)
    if isinstance(predicate, Or):
        results = [evaluate(p, values, types) for p in predicate.parts]
        return True if True in results else (None if None in results else False)
    if isinstance(predicate, Not):
        inner = evaluate(predicate.part, values, types)
        return None if inner is None else not inner
    if predicate.column not in values:
        return None
    value, ctype = values[predicate.column], types.get(predicate.column, "string")
    if isinstance(predicate, Compare):
        return _compare(value, predicate.op, predicate.value, ctype)
    if isinstance(predicate, In):
        results = [_compare(value, "=", v, ctype) for v in predicate.values]
        return True if True in results else (None if None in results else False)
    low = _compare(value, ">=", predicate.low, ctype)
    high = _compare(value, "<=", predicate.high, ctype)
    return False if False in (low, high) else (None if None in (low, high) else True)


def columns_of(predicate: Predicate) -> set[str]:
    """The columns a predicate mentions.

    >>> sorted(columns_of(Or((Compare("a", "=", 1), Not(In("b", (2,)))))))
    ['a', 'b']
    """
    if isinstance(predicate, And | Or):
        return set().union(*(columns_of(p) for p in predicate.parts))
    if isinstance(predicate, Not):
        return columns_of(predicate.part)
    return {predicate.column}


def conjuncts_on(predicate: Predicate, column: str) -> list[Predicate]:
    """Top-level AND parts that mention only ``column`` (they filter it on its own).

    >>> conjuncts_on(And((Compare("a", "=", 1), Compare("b", "=", 2))), "a")
    [Compare(column='a', op='=', value=1)]
    """
    parts = predicate.parts if isinstance(predicate, And) else (predicate,)
    found: list[Predicate] = []
    for part in parts:
        if isinstance(part, And):
            found.extend(conjuncts_on(part, column))
        elif columns_of(part) == {column}:
            found.append(part)
    return found


def equality_values(predicate: Predicate, column: str) -> tuple[Literal, ...] | None:
    """The finite set of values ``column`` may take, from ``=``/``IN`` (None: unbounded).

    Conjunctions intersect, disjunctions over the same column unite.

    >>> equality_values(And((In("c", ("a", "b")), Compare("c", "=", "b"))), "c")
    ('b',)
    >>> equality_values(Or((Compare("c", "=", "a"), Compare("c", "=", "b"))), "c")
    ('a', 'b')
    >>> equality_values(Compare("c", ">", "a"), "c") is None
    True
    """
    if isinstance(predicate, Compare):
        if predicate.column == column and predicate.op == "=":
            return (predicate.value,)
        return None
    if isinstance(predicate, In):
        return predicate.values if predicate.column == column else None
    if isinstance(predicate, And):
        result: tuple[Literal, ...] | None = None
        for part in predicate.parts:
            values = equality_values(part, column)
            if values is not None:
                result = values if result is None else tuple(v for v in result if v in values)
        return result
    if isinstance(predicate, Or) and predicate.parts:
        union: list[Literal] = []
        for part in predicate.parts:
            values = equality_values(part, column)
            if values is None:
                return None
            union.extend(v for v in values if v not in union)
        return tuple(union)
    return None
