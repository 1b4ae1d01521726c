"""Filter: the native fast path and the per-record Python path keep the same records.

AWS's Filter page (https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-pyspark-transforms-filter.html)
defines the result as the records for which ``f(record)`` returns True. Upstream's
``DynamicFrame.filter`` treats a record whose function raises as not kept (False for
KeyError/ValueError/TypeError, an error record otherwise). The oracle below is exactly
that, evaluated in plain Python over the collected records; both Spark paths must match.
"""

from __future__ import annotations

import datetime as dt
import decimal
import runpy
from typing import Any

import pytest

from awsglue.dynamicframe import DynamicFrame
from awsglue.transforms import Filter, _predicate, _records

SCHEMA = (
    "id int, s string, n int, big bigint, x double, flag boolean, dec decimal(10,2), "
    "st struct<a:int,b:string>, ts timestamp, arr array<int>"
)
TS = dt.datetime(2026, 2, 1, 10, 0)
ROWS = [
    (1, "abc", 5, 2**40, 1.5, True, decimal.Decimal("1.25"), (1, "x"), TS, [1]),
    (2, "", 0, -3, float("nan"), False, decimal.Decimal("0.00"), (None, None), None, []),
    (3, None, None, None, None, None, None, None, None, None),
    (4, "B", -3, 2**53 + 1, -0.0, True, decimal.Decimal("-2.50"), (7, "y"), TS, [2, 3]),
    (5, "abd", 3, 3, 3.0, False, decimal.Decimal("3.00"), None, TS, None),
    (6, "a", 2, 5, float("inf"), None, decimal.Decimal("10.00"), (2, None), None, [0]),
]
VALID = ("a", "abd")
LIMIT = 2

TRANSLATED = [
    pytest.param(lambda r: r["s"] is not None, id="is-not-none"),
    pytest.param(lambda r: r["s"] is None, id="is-none"),
    pytest.param(lambda r: r["s"] == "abc", id="str-eq"),
    pytest.param(lambda r: r["s"] != "abc", id="str-ne"),
    pytest.param(lambda r: r["s"] > "ab", id="str-gt-raises-on-none"),
    pytest.param(lambda r: not r["s"] > "ab", id="not-keeps-the-error"),
    pytest.param(lambda r: r["s"] is not None and r["s"] > "ab", id="and-short-circuits"),
    pytest.param(lambda r: r["s"] is None or r["s"] < "b", id="or-short-circuits"),
    pytest.param(lambda r: r["n"] > 2, id="int-gt"),
    pytest.param(lambda r: r["n"] >= 2.5, id="int-ge-float"),
    pytest.param(lambda r: r["n"] < 2.5, id="int-lt-float"),
    pytest.param(lambda r: r["n"] == 3.0, id="int-eq-integral-float"),
    pytest.param(lambda r: r["n"] == 2.5, id="int-eq-fraction"),
    pytest.param(lambda r: 1 < r["n"] <= 5, id="chained"),
    pytest.param(lambda r: r["n"] in (0, 3, None), id="in-tuple-with-none"),
    pytest.param(lambda r: r["n"] not in [0, 3], id="not-in-list"),
    pytest.param(lambda r: r["big"] > 2**53, id="bigint-beyond-double"),
    pytest.param(lambda r: r["x"] > 1.0, id="double-gt-nan-never"),
    pytest.param(lambda r: r["x"] != r["x"], id="nan-differs-from-itself"),
    pytest.param(lambda r: r["x"] <= 3, id="double-le-int"),
    pytest.param(lambda r: not r["x"], id="double-falsy"),
    pytest.param(lambda r: r["flag"], id="bool-truthy"),
    pytest.param(lambda r: r["flag"] is True, id="is-true"),
    pytest.param(lambda r: r["flag"] == False, id="bool-eq"),  # noqa: E712
    pytest.param(lambda r: bool(r["s"]), id="bool-call"),
    pytest.param(lambda r: r["s"] and r["n"], id="and-of-values"),
    pytest.param(lambda r: r["dec"] > 1, id="decimal-gt-int"),
    pytest.param(lambda r: r["dec"] == r["n"], id="decimal-eq-int-column"),
    pytest.param(lambda r: r["st"]["a"] == 7, id="nested-eq"),
    pytest.param(lambda r: r["st"]["a"] > 1, id="nested-gt"),
    pytest.param(lambda r: r["st"] is not None and r["st"]["b"] is None, id="nested-none"),
    pytest.param(lambda r: r.s == "B", id="dot-notation"),
    pytest.param(lambda r: r.get("s") == "B", id="get"),
    pytest.param(lambda r: r.get("missing") is None, id="get-missing"),
    pytest.param(lambda r: r.get("missing", "d") == "d", id="get-default"),
    pytest.param(lambda r: r["s"].startswith("ab"), id="startswith"),
    pytest.param(lambda r: r["s"].endswith(("c", "d")), id="endswith-tuple"),
    pytest.param(lambda r: "b" in r["s"], id="substring"),
    pytest.param(lambda r: r["s"] in "abcd", id="in-string"),
    pytest.param(lambda r: r["s"] in VALID, id="in-module-constant"),
    pytest.param(lambda r: r["n"] > LIMIT, id="module-constant"),
    pytest.param(lambda r: r["s"] in {"a", "abc"}, id="in-set"),
    pytest.param(lambda r: r["arr"], id="array-truthy"),
    pytest.param(lambda r: r["ts"] is not None, id="timestamp-not-none"),
]


def make_positive() -> Any:
    # Nested, so Spark's workers unpickle it by value (this test module is not importable).
    def positive(rec: Any) -> bool:
        """A def works like a lambda."""
        return rec["n"] is not None and rec["n"] > 0

    return positive


UNTRANSLATED = [
    pytest.param(lambda r: len(r["s"]) > 1, id="builtin-call"),
    pytest.param(lambda r: r["s"] == 1, id="str-vs-int"),
    pytest.param(lambda r: r["missing"] == 1, id="missing-field"),
    pytest.param(lambda r: r["n"] + 1 > 3, id="arithmetic"),
    pytest.param(lambda r: r["s"].upper() == "B", id="other-method"),
    pytest.param(lambda r: r["arr"][0] == 1, id="array-index"),
]


class Record(dict[str, Any]):
    """What the Filter page promises a function: dict access and dot notation."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


@pytest.fixture(scope="module")
def events(spark: Any) -> Any:
    return spark.createDataFrame(ROWS, SCHEMA)


@pytest.fixture(scope="module")
def records(events: Any) -> list[Record]:
    return [Record(row.asDict(recursive=True)) for row in events.orderBy("id").collect()]


def expected_ids(f: Any, records: list[Record]) -> list[int]:
    kept = []
    for record in records:
        try:
            keep = bool(f(record))
        except Exception:  # upstream: a record whose function raises is not kept
            keep = False
        if keep:
            kept.append(record["id"])
    return kept


def ids(df: Any) -> list[int]:
    return sorted(r["id"] for r in df.select("id").collect())


def test_fast_path_keeps_what_python_keeps(events: Any, records: list[Record]) -> None:
    # Every predicate is translated, and all are evaluated in one Spark job.
    cases = [(p.id, p.values[0]) for p in TRANSLATED] + [("def", make_positive())]
    conditions = {name: _predicate.translate(f, events.schema) for name, f in cases}
    assert [name for name, c in conditions.items() if c is None] == []

    rows = events.select("id", *[c.alias(f"c{i}") for i, c in enumerate(conditions.values())])
    collected = rows.orderBy("id").collect()
    wrong = {}
    for i, (name, f) in enumerate(cases):
        fast = [row["id"] for row in collected if row[f"c{i}"]]
        if fast != expected_ids(f, records):
            wrong[name] = (fast, expected_ids(f, records))
    assert wrong == {}


def test_filter_transform_uses_the_fast_path_result(
    events: Any, records: list[Record], glue_context: Any
) -> None:
    predicate = TRANSLATED[6].values[0]

    kept = Filter.apply(frame=DynamicFrame.fromDF(events, glue_context, "e"), f=predicate)

    assert ids(kept.toDF()) == expected_ids(predicate, records) == [1, 5]


@pytest.mark.parametrize(
    "predicate", [*TRANSLATED[::5], *UNTRANSLATED[:2], pytest.param(make_positive(), id="def")]
)
def test_python_path_keeps_what_python_keeps(
    predicate: Any, events: Any, records: list[Record]
) -> None:
    assert ids(_records.filter_rows(events, predicate)) == expected_ids(predicate, records)


@pytest.mark.parametrize("predicate", UNTRANSLATED)
def test_predicates_outside_the_subset_run_in_python(
    predicate: Any, events: Any, records: list[Record], glue_context: Any
) -> None:
    assert _predicate.translate(predicate, events.schema) is None

    kept = DynamicFrame.fromDF(events, glue_context, "e").filter(predicate)

    assert ids(kept.toDF()) == expected_ids(predicate, records)


def test_the_right_lambda_is_read_when_a_line_holds_two(events: Any) -> None:
    first, second = (lambda r: r["n"] > 2), (lambda r: r["s"] == "B")  # noqa: E731

    assert "n" in str(_predicate.translate(first, events.schema))
    assert "s" in str(_predicate.translate(second, events.schema))
    assert str(_predicate.translate(first, events.schema)) != str(
        _predicate.translate(second, events.schema)
    )


def test_closure_constants_are_read(events: Any, records: list[Record]) -> None:
    wanted = {"abc", "B"}

    predicate = lambda r: r["s"] in wanted  # noqa: E731

    assert _predicate.translate(predicate, events.schema) is not None
    assert ids(events.filter(_predicate.translate(predicate, events.schema))) == [1, 4]


def test_functions_without_source_run_in_python(events: Any, records: list[Record]) -> None:
    predicate = eval('lambda r: r["n"] is not None')

    assert _predicate.translate(predicate, events.schema) is None
    assert ids(_records.filter_rows(events, predicate)) == expected_ids(predicate, records)


def test_source_edited_after_the_run_started_is_not_trusted(tmp_path: Any, events: Any) -> None:
    # A warm driver may run a script file that changed since its functions were compiled.
    script = tmp_path / "job.py"
    script.write_text('predicate = lambda r: r["n"] > 2\n')
    predicate = runpy.run_path(str(script))["predicate"]
    script.write_text('predicate = lambda r: r["n"] < 2\n')

    assert _predicate.translate(predicate, events.schema) is None


def test_python_path_records_use_python_values(events: Any, records: list[Record]) -> None:
    # The slow path's records equal pyspark's Row values: structs are dicts, NaN stays NaN.
    batches = events.orderBy("id").toArrow().to_batches()
    converted = [r for batch in batches for r in _records.arrow_records(batch, events.schema)]

    assert [r["st"] for r in converted] == [r["st"] for r in records]
    assert [r["ts"] for r in converted] == [r["ts"] for r in records]
    assert converted[1]["x"] != converted[1]["x"]
    assert converted[0].s == "abc"
