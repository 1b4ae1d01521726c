"""ExecutionParameters are bound as constant expressions from their parse, never as text."""

from __future__ import annotations

import pytest

from lakestack.sql.errors import (
    AthenaQueryError,
    ExpressionNotConstant,
    InvalidParameterUsage,
    SqlSyntaxError,
)
from lakestack.sql.parameters import bind_parameters

BOUND = [
    (["1", "'x'"], "SELECT 1, 'x'"),
    (["'it''s'", "-2.5"], "SELECT 'it''s', -2.5"),
    (["DATE '2026-01-02'", "NULL"], "SELECT CAST('2026-01-02' AS DATE), NULL"),
    (["1 OR 1 = 1", "true"], "SELECT (1 OR 1 = 1), TRUE"),
    (["1 -- */ , (SELECT 1) /*", "2 /* c */"], "SELECT 1, 2"),
]

REFUSED = [
    (["'a' UNION ALL SELECT content FROM read_text('/etc/passwd')", "1"], ExpressionNotConstant),
    (["(SELECT 1)", "1"], ExpressionNotConstant),
    (["x", "1"], ExpressionNotConstant),
    (["'a'); DROP TABLE t; --", "1"], SqlSyntaxError),
    (["1) AS a; COPY (SELECT 1) TO '/tmp/x'; --", "1"], SqlSyntaxError),
    (["'unterminated", "1"], SqlSyntaxError),
    (["", "1"], SqlSyntaxError),
    (["?", "1"], ExpressionNotConstant),
    (["1"], InvalidParameterUsage),
    (["1", "2", "3"], InvalidParameterUsage),
]


@pytest.mark.parametrize(("params", "expected"), BOUND)
def test_bind_parameters_substitutes_parsed_constants(params: list[str], expected: str) -> None:
    assert bind_parameters("SELECT ?, ?", params) == expected


@pytest.mark.parametrize(("params", "error"), REFUSED)
def test_bind_parameters_refuses_non_constants(
    params: list[str], error: type[AthenaQueryError]
) -> None:
    with pytest.raises(error) as info:
        bind_parameters("SELECT ?, ?", params)
    assert info.value.state_change_reason.startswith(f"{error.error_name}: ")


def test_bind_parameters_leaves_quoted_question_marks() -> None:
    assert bind_parameters("SELECT '?', \"?\", ?", ["1"]) == "SELECT '?', \"?\", 1"
