"""The Glue partition Expression language, from the cases in
tests/fixtures/glue/partition_expressions.txt, plus the scan-narrowing prefix."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from lakestack.services.glue.errors import InvalidInputException
from lakestack.services.glue.expression import compile_expression
from lakestack.services.glue.models import Column

FIXTURE = Path(__file__).resolve().parents[3] / "fixtures" / "glue" / "partition_expressions.txt"


@dataclass
class Case:
    title: str
    keys: list[Column]
    expression: str
    partitions: list[list[str]]
    expected: list[list[str]] | str


def _cases() -> list[Case]:
    cases: list[Case] = []
    for block in FIXTURE.read_text().split("# title: ")[1:]:
        lines = block.rstrip("\n").split("\n")
        fields: dict[str, list[str]] = {}
        current = ""
        for line in lines[1:]:
            head, _, rest = line.partition(":")
            if head in ("keys", "expression", "partitions", "expected") and (
                rest == "" or rest.startswith(" ")
            ):
                current = head
                fields[current] = [rest[1:]] if rest.strip() else []
            elif line.strip():
                fields[current].append(line)
        keys = [Column(*k.strip().split(":", 1)) for k in fields["keys"][0].split(", ")]
        expected = fields["expected"]
        cases.append(
            Case(
                lines[0],
                keys,
                fields["expression"][0],
                [p.split("|") for p in fields["partitions"]],
                expected[0]
                if expected and expected[0].startswith("Invalid")
                else [e.split("|") for e in expected],
            )
        )
    return cases


CASES = _cases()


@pytest.mark.parametrize("case", CASES, ids=[c.title for c in CASES])
def test_partition_expression_fixture_case(case: Case) -> None:
    if isinstance(case.expected, str):
        detail = case.expected.split(": ", 1)[1]
        with pytest.raises(InvalidInputException) as exc:
            compile_expression(case.expression, case.keys)
        assert detail in exc.value.message
        return
    compiled = compile_expression(case.expression, case.keys)
    assert [p for p in case.partitions if compiled.matches(p)] == case.expected


def test_partition_expression_fixture_has_cases() -> None:
    assert len(CASES) >= 20


@pytest.mark.parametrize(
    ("expression", "prefix"),
    [
        ("year = '2026' AND month = '07' AND day > '01'", ["2026", "07"]),
        ("month = '07' AND year = '2026'", ["2026", "07"]),
        ("month = '07'", []),
        ("year = '2026' OR month = '07'", []),
        ("n = 5 AND year = '2026'", ["2026"]),
    ],
)
def test_fixed_prefix_uses_leading_string_equalities(expression: str, prefix: list[str]) -> None:
    keys = [
        Column("year", "string"),
        Column("month", "string"),
        Column("day", "string"),
        Column("n", "int"),
    ]
    assert compile_expression(expression, keys).fixed_prefix() == prefix


def test_compile_expression_too_long_raises_invalid_input() -> None:
    with pytest.raises(InvalidInputException, match="2048"):
        compile_expression("a = '1' OR " * 300 + "a = '1'", [Column("a", "string")])
