"""Partition projection and pruning: fixture cases from the AWS docs
(tests/fixtures/sql/projection/*.json), with predicates extracted from real WHERE clauses."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from lakestack.sql.errors import AthenaQueryError
from lakestack.sql.predicates import TRUE, Predicate
from lakestack.sql.projection import is_enabled, project, prune
from lakestack.sql.translate import TableRef, TableSchema, translate

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "sql" / "projection"
CASES = [
    case
    for path in sorted(FIXTURES.glob("*.json"))
    for case in json.loads(path.read_text())["cases"]
]
NOW = datetime(2026, 2, 3, 4, 5, tzinfo=UTC)


def predicate_for(where: str | None, keys: dict[str, str]) -> Predicate:
    schema = {("db", "t"): TableSchema((("payload", "string"),), tuple(keys.items()))}
    sql = "SELECT payload FROM t" + (f" WHERE {where}" if where else "")
    return translate(sql, schema, database="db").predicates[TableRef("db", "t")]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["title"])
def test_projection_case(case: dict[str, Any]) -> None:
    keys: dict[str, str] = case["keys"]
    now = datetime.fromisoformat(case["now"].replace("Z", "+00:00")) if "now" in case else NOW
    assert is_enabled(case["parameters"])

    def run() -> list:  # type: ignore[type-arg]
        return list(
            project(
                "db.t",
                case["parameters"],
                list(keys),
                case["location"],
                predicate_for(case["where"], keys),
                now=now,
                key_types=keys,
            )
        )

    if "error" in case:
        with pytest.raises(AthenaQueryError) as info:
            run()
        assert info.value.state_change_reason == case["error"]
        return
    partitions = run()
    assert len(partitions) == case["count"]
    if "first" in case:
        assert list(partitions[0].values) == case["first"]
    if "last" in case:
        assert list(partitions[-1].values) == case["last"]
    if "first_location" in case:
        assert partitions[0].location == case["first_location"]


def test_projection_of_an_unbounded_integer_range_is_lazy() -> None:
    params = {
        "projection.enabled": "true",
        "projection.id.type": "integer",
        "projection.id.range": "0,9223372036854775807",
    }
    first = list(itertools.islice(project("db.t", params, ["id"], "s3://b/", now=NOW), 3))
    assert [p.values for p in first] == [("0",), ("1",), ("2",)]


def test_projection_disabled_is_not_enabled() -> None:
    assert not is_enabled({"projection.enabled": "false"})


REGISTERED = [
    {"dt": "2024-01-01", "h": "07"},
    {"dt": "2024-01-01", "h": "08"},
    {"dt": "2024-01-02", "h": "07"},
]
KEYS = {"dt": "string", "h": "string"}


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        (None, REGISTERED),
        ("dt = '2024-01-01'", REGISTERED[:2]),
        ("dt = '2024-01-01' AND h IN ('08', '09')", REGISTERED[1:2]),
        ("dt > '2024-01-01'", REGISTERED[2:]),
        ("dt BETWEEN '2024-01-01' AND '2024-01-01' AND NOT h = '07'", REGISTERED[1:2]),
        ("h = '7'", []),
        ("dt = '2024-01-02' OR payload = 'x'", REGISTERED),
        ("lower(dt) = '2024-01-02'", REGISTERED),
    ],
)
def test_registered_partitions_prune_like_projection(
    where: str | None, expected: list[dict[str, str]]
) -> None:
    assert prune(REGISTERED, predicate_for(where, KEYS), KEYS) == expected


def test_unconstrained_table_predicate_is_true() -> None:
    assert predicate_for(None, KEYS) == TRUE
