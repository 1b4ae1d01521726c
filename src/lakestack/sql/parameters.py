"""``ExecutionParameters``: the values of a query's positional ``?`` placeholders.

Athena substitutes each parameter as a constant expression (Trino's ``EXECUTE ...
USING``). Each parameter is parsed on its own as one Athena expression; one that does
not parse, is more than one expression, or is not constant (it names a column or table,
or holds a query) fails the query. What goes into the query text is the expression
regenerated from its parse, parenthesized unless it is a single value, so a parameter
can never extend the statement around it.

Must not know: the catalog, DuckDB, HTTP.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

from lakestack.sql.errors import ExpressionNotConstant, InvalidParameterUsage, SqlSyntaxError

_NOT_CONSTANT = (exp.Column, exp.Table, exp.Query, exp.Star, exp.Placeholder, exp.Parameter)
_ATOMS = (exp.Literal, exp.Boolean, exp.Null)


def bind_parameters(query: str, parameters: Sequence[str]) -> str:
    """Put ``parameters`` into the ``?`` placeholders of ``query`` (outside quotes).

    Raises:
        InvalidParameterUsage: more or fewer parameters than placeholders.
        SqlSyntaxError: a parameter is not one expression.
        ExpressionNotConstant: a parameter names a column or table, or holds a query.

    >>> bind_parameters("SELECT * FROM t WHERE a = ? AND b = '?'", ["'x'"])
    "SELECT * FROM t WHERE a = 'x' AND b = '?'"
    >>> bind_parameters("SELECT ?, ?", ["DATE '2026-01-02'", "1 + 2"])
    "SELECT CAST('2026-01-02' AS DATE), (1 + 2)"
    """
    out, i, quote = [], 0, ""
    for ch in query:
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "?":
            if i >= len(parameters):
                raise InvalidParameterUsage(
                    f"Incorrect number of parameters: expected at least {i + 1} "
                    f"but found {len(parameters)}"
                )
            out.append(render_parameter(parameters[i], i + 1))
            i += 1
            continue
        out.append(ch)
    if i != len(parameters):
        raise InvalidParameterUsage(
            f"Incorrect number of parameters: expected {i} but found {len(parameters)}"
        )
    return "".join(out)


def render_parameter(text: str, position: int = 1) -> str:
    """One parameter as the Athena SQL of its parsed expression.

    >>> render_parameter("'it''s'"), render_parameter("-5"), render_parameter("1 OR 1 = 1")
    ("'it''s'", '-5', '(1 OR 1 = 1)')
    >>> render_parameter("x")
    Traceback (most recent call last):
    ...
    lakestack.sql.errors.ExpressionNotConstant: Execution parameter 1 is not a constant: x
    >>> render_parameter("'a'); DROP TABLE t; --")
    Traceback (most recent call last):
    ...
    lakestack.sql.errors.SqlSyntaxError: Execution parameter 1 is not a single expression: \
'a'); DROP TABLE t; --
    """
    try:
        parsed = sqlglot.parse(text, read="athena")
    except (ParseError, TokenError):
        parsed = []
    if len(parsed) != 1 or parsed[0] is None or not isinstance(parsed[0], exp.Expression):
        raise SqlSyntaxError(f"Execution parameter {position} is not a single expression: {text}")
    node = parsed[0]
    if isinstance(node, exp.Query) or any(isinstance(n, _NOT_CONSTANT) for n in node.walk()):
        raise ExpressionNotConstant(f"Execution parameter {position} is not a constant: {text}")
    rendered = node.sql(dialect="athena", comments=False)
    if isinstance(node, _ATOMS) or (isinstance(node, exp.Neg) and isinstance(node.this, _ATOMS)):
        return rendered
    if isinstance(node, exp.Cast) and isinstance(node.this, _ATOMS):
        return rendered
    return f"({rendered})"
