"""Partition projection and pruning: fixture cases from the AWS docs
(tests/fixtures/sql/projection/*.json), with predicates extracted from real WHERE clauses."""

from __future__ import annotations

import itertools
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from lakestack.sql.errors import AthenaQueryError
from lakestack.sql.predicates import TRUE, Predicate
from lakestack.sql.projection import (
    ProjectedLayout,
    is_enabled,
    project,
    projected_layout,
    prune,
)
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


# -- projected_layout: the candidates described instead of listed ---------------------------

SEED = {
    "projection.enabled": "true",
    "projection.year.type": "integer",
    "projection.year.range": "2020,2030",
    "projection.month.type": "integer",
    "projection.month.range": "1,12",
    "projection.month.digits": "2",
    "projection.day.type": "integer",
    "projection.day.range": "1,31",
    "projection.day.digits": "2",
    "storage.location.template": "s3://b/t/year=${year}/month=${month}/day=${day}",
}
YMD = {"year": "string", "month": "string", "day": "string"}


def _candidates(params: dict[str, str], keys: dict[str, str], where: str | None) -> list:  # type: ignore[type-arg]
    return list(
        project(
            "db.t",
            params,
            list(keys),
            "s3://b/t/",
            predicate_for(where, keys),
            now=NOW,
            key_types=keys,
        )
    )


def _layout(
    params: dict[str, str], keys: dict[str, str], where: str | None
) -> ProjectedLayout | None:
    return projected_layout(
        "db.t",
        params,
        list(keys),
        "s3://b/t/",
        predicate_for(where, keys),
        now=NOW,
        key_types=keys,
        more_than=48,
    )


@pytest.mark.parametrize(
    ("params", "where"),
    [
        (SEED, None),
        (SEED, "year = '2026'"),
        (SEED, "year >= '2025' AND day < '10' AND month IN ('01', '12')"),
        ({k: v for k, v in SEED.items() if k != "storage.location.template"}, "NOT day = '07'"),
        ({**SEED, "storage.location.template": "s3://b/t/${day}/x/${month}/${year}/"}, None),
        ({**SEED, "projection.month.digits": "1"}, "month < '3'"),  # 1, 2, 10, 11, 12
    ],
)
def test_projected_layout_matches_exactly_the_projected_candidates(
    params: dict[str, str], where: str | None
) -> None:
    candidates = _candidates(params, YMD, where)
    layout = _layout(params, YMD, where)
    assert layout is not None
    locations = [c.location for c in candidates]
    common = os.path.commonprefix(locations)
    assert layout.prefix == common[: common.rfind("/") + 1]
    assert [layout.match(loc + "part-0.parquet") for loc in locations] == [
        c.values for c in candidates
    ]
    assert [layout.match(loc + "a/b/part-0.parquet") for loc in locations[:3]] == [
        c.values for c in candidates[:3]
    ]
    assert sorted((c.values for c in candidates), key=layout.order) == [
        c.values for c in candidates
    ]
    everything = {c.location for c in _candidates(params, YMD, None)}
    for other in sorted(everything - set(locations))[:50]:
        assert layout.match(other + "part-0.parquet") is None


@pytest.mark.parametrize(
    "uri",
    [
        "s3://b/t/year=2026/month=2/day=01/f",  # unpadded: not what projection writes
        "s3://b/t/year=2019/month=02/day=01/f",  # outside the range
        "s3://b/t/year=2026/month=02/day=32/f",
        "s3://b/t/year=2026/month=02/f",  # above the partition level
        "s3://b/t/year=2026/month=02/day=01",  # the folder name itself, not a file in it
        "s3://other/t/year=2026/month=02/day=01/f",
    ],
)
def test_projected_layout_rejects_locations_projection_never_yields(uri: str) -> None:
    layout = _layout(SEED, YMD, None)
    assert layout is not None and layout.match(uri) is None


@pytest.mark.parametrize(
    ("params", "where"),
    [
        (SEED, "year = '2026' AND month = '02'"),  # 31 candidates: few enough to list each
        (SEED, "year = '2026' OR month = '01'"),  # a predicate across columns
        ({**SEED, "storage.location.template": "s3://b/t/${year}-${month}/${day}/"}, None),
        ({**SEED, "storage.location.template": "s3://b/t/${year}/${month}/"}, None),  # no day
        (
            {
                "projection.enabled": "true",
                "projection.year.type": "integer",
                "projection.year.range": "2020,2030",
                "projection.month.type": "integer",
                "projection.month.range": "1,12",
                "projection.day.type": "enum",
                "projection.day.values": "a,b/c",  # a value spanning two path segments
            },
            None,
        ),
    ],
)
def test_projected_layout_is_none_when_candidates_must_be_enumerated(
    params: dict[str, str], where: str | None
) -> None:
    assert _layout(params, YMD, where) is None


def test_projected_layout_raises_like_project() -> None:
    params = {k: v for k, v in SEED.items() if not k.startswith("projection.day.")}
    with pytest.raises(AthenaQueryError) as info:
        _layout(params, YMD, None)
    assert "missing projection configuration: [day]" in info.value.state_change_reason


def test_projected_layout_of_a_huge_integer_range_does_not_enumerate_it() -> None:
    params = {
        "projection.enabled": "true",
        "projection.id.type": "integer",
        "projection.id.range": "0,9223372036854775807",
    }
    layout = projected_layout("db.t", params, ["id"], "s3://b/t/", now=NOW, more_than=48)
    assert layout is not None
    assert layout.match("s3://b/t/id=9223372036854775807/f") == ("9223372036854775807",)
    assert layout.match("s3://b/t/id=007/f") is None
