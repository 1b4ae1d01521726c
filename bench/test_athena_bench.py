"""Unit tests for the Athena benchmark's data and report helpers (no timing).

Run with ``python -m pytest bench/test_athena_bench.py`` (bench/ is outside the
project's ``testpaths``).
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import athena_bench as ab  # noqa: E402
from lake_data import (  # noqa: E402
    LakeSpec,
    column_chunk_bytes,
    day_select_sql,
    ensure_lake,
    partition_key,
)  # noqa: E402

TINY = LakeSpec(date(2026, 3, 14), 3, 200)


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> ab.Lake:
    return ensure_lake(TINY, tmp_path_factory.mktemp("lake"))


def test_partition_key_keeps_leading_zeros() -> None:
    assert partition_key(date(2026, 3, 5)) == "year=2026/month=03/day=05/events.parquet"


def test_lake_has_one_file_per_day_with_all_rows(lake: ab.Lake) -> None:
    assert [(f.month, f.day) for f in lake.files] == [("03", "14"), ("03", "15"), ("03", "16")]
    paths = ", ".join(f"'{lake.path(f)}'" for f in lake.files)
    con = duckdb.connect()
    count, ids = con.execute(
        f"SELECT count(*), count(DISTINCT event_id) FROM read_parquet([{paths}])"
    ).fetchone()
    assert (count, ids) == (600, 600)


def test_lake_is_reused_and_deterministic(lake: ab.Lake, tmp_path: Path) -> None:
    again = ensure_lake(TINY, lake.root.parent)
    assert again.files == lake.files
    other = ensure_lake(TINY, tmp_path)
    assert [f.size for f in other.files] == [f.size for f in lake.files]


def test_users_are_not_tied_to_event_types() -> None:
    con = duckdb.connect()
    pairs, users = con.execute(
        f"SELECT count(DISTINCT (user_id, event_type)), count(DISTINCT user_id) "
        f"FROM ({day_select_sql(0, 100_000)})"
    ).fetchone()
    assert pairs > users * 1.1


def test_column_chunk_bytes_is_part_of_the_file(lake: ab.Lake) -> None:
    path = lake.path(lake.files[0])
    some = column_chunk_bytes(path, {"event_type"})
    more = column_chunk_bytes(path, {"event_type", "amount"})
    assert 0 < some < more < path.stat().st_size


def test_day_query_filters_on_string_partitions() -> None:
    sql = ab.Query("day", "x", "events", True).sql()
    assert "year = '2026' AND month = '03' AND day = '15'" in sql
    assert "WHERE" not in ab.Query("year", "x", "events", False).sql()


def test_ddl_is_the_seeds_with_bucket_and_template() -> None:
    ddl = ab.table_ddl("events_small", ab.QUICK)
    assert "LOCATION 's3://bench-lake/curated/table=events_small/'" in ddl
    assert "year=${year}/month=${month}/day=${day}'" in ddl
    assert "'projection.day.digits' = '2'" in ddl


def test_small_table_is_a_slice_starting_at_its_first_day(lake: ab.Lake) -> None:
    limits = ab.replace(ab.QUICK, small_first_day=date(2026, 3, 15), small_days=5)
    assert ab.small_table_files(lake, limits) == [
        "year=2026/month=03/day=15/events.parquet",
        "year=2026/month=03/day=16/events.parquet",
    ]


def test_baseline_matches_for_day_and_year(lake: ab.Lake) -> None:
    baseline = ab.Baseline(lake, ab.QUICK)
    try:
        day = baseline.run(ab.Query("day", "x", "events", True))
        year = baseline.run(ab.Query("year", "x", "events", False))
    finally:
        baseline.close()
    assert sum(int(r[1]) for r in day.rows) == 200
    assert sum(int(r[1]) for r in year.rows) == 600


def test_percentiles() -> None:
    assert ab.percentile([], 50) is None
    assert ab.percentile([3.0, 1.0, 2.0], 50) == 2.0
    assert ab.percentile([float(v) for v in range(1, 11)], 90) == pytest.approx(9.1)


def test_flatness_check_allows_small_noise() -> None:
    def summary(p50: float) -> ab.Summary:
        return ab.Summary(p50, p50, 1, None, None, [], None, "ok")

    assert ab.check_flat(summary(0.010), summary(0.012), ab.FULL)[2] == "yes"
    assert ab.check_flat(summary(0.010), summary(0.020), ab.FULL)[2] == "no"
