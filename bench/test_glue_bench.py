"""Unit tests for the Glue ETL benchmark's input, outputs and report (no timing, no Spark).

Run with ``python -m pytest bench/test_glue_bench.py``. The DuckDB job runs for real
on a tiny month; the lakestack loading (S3 PUTs, catalog table and partitions) runs
against an in-process emulator; Spark is not started here (it takes seconds).
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import glue_bench as gb  # noqa: E402
from lake_data import day_select_sql  # noqa: E402

TINY = gb.RawSpec(date(2026, 2, 1), 3, 400)


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> gb.Lake:
    return gb.ensure_raw(TINY, tmp_path_factory.mktemp("raw"))


def test_raw_month_has_the_seed_columns_in_hive_folders(lake: gb.Lake) -> None:
    assert [f.relative_key for f in lake.files] == [
        f"year=2026/month=02/day=0{d}/events.parquet" for d in (1, 2, 3)
    ]
    con = duckdb.connect()
    path = lake.path(lake.files[1])
    names = [d[0] for d in con.execute(f"DESCRIBE SELECT * FROM read_parquet('{path}')").fetchall()]
    assert names[:4] == list(gb.SOURCE_COLUMNS)
    low, high = con.execute(f"SELECT min(timestamp), max(timestamp) FROM '{path}'").fetchone()
    assert low.startswith("2026-02-02T") and high.startswith("2026-02-02T")
    assert low.endswith("Z") and len(low) == len("2026-02-02T10:00:00Z")


def test_raw_rows_are_the_year_lakes_rows_with_some_null_types(lake: gb.Lake) -> None:
    day = date(2026, 2, 3)
    first = TINY.first_row(day)
    assert first == 33 * 400
    con = duckdb.connect()
    path = lake.path(lake.files[2])
    mine = con.execute(f"SELECT event_id, user_id, event_type FROM '{path}'").fetchall()
    lakes = con.execute(
        f"SELECT event_id, user_id, event_type FROM ({day_select_sql(first, 400)})"
    ).fetchall()
    assert [r[:2] for r in mine] == [r[:2] for r in lakes]
    nulls = [m for m in mine if m[2] is None]
    assert 0 < len(nulls) < 20
    assert all(m[2] == y[2] for m, y in zip(mine, lakes, strict=True) if m[2] is not None)


def test_seed_script_verbatim_and_with_partition_mappings() -> None:
    verbatim, fixed = gb.seed_script(False), gb.seed_script(True)
    assert verbatim.startswith(gb.SEED_START)
    assert "push_down_predicate=\"year='2026' AND month='02'\"" in verbatim
    assert '("year", "string", "year", "string")' not in verbatim
    assert fixed == verbatim.replace(*gb.MAPPING_FIX)
    assert fixed.count('"string")') == verbatim.count('"string")') + 3


def test_duckdb_job_writes_every_non_null_row_partitioned(lake: gb.Lake, tmp_path: Path) -> None:
    con = duckdb.connect()
    seconds = gb.run_duckdb(con, lake, tmp_path / "out")
    assert seconds > 0
    expected = gb.expected_counts(lake)
    assert set(expected) == {("2026", "02", d) for d in ("01", "02", "03")}
    assert 1150 < sum(expected.values()) < 1200
    assert gb.local_counts(tmp_path / "out") == expected
    files = list((tmp_path / "out").rglob("*.parquet"))
    names = {
        d[0] for d in con.execute(f"DESCRIBE SELECT * FROM read_parquet('{files[0]}')").fetchall()
    }
    assert {"event_id", "user_id", "event_type", "event_ts"} <= names


def test_lakestack_load_catalogs_every_day_and_counts_s3_outputs(
    lake: gb.Lake, tmp_path: Path
) -> None:
    stack = gb.Lakestack(lake, run_timeout_s=10)
    try:
        glue, s3 = stack.glue, stack.s3
        table = glue.get_table(DatabaseName=gb.DATABASE, Name=gb.TABLE)["Table"]
        assert [k["Name"] for k in table["PartitionKeys"]] == list(gb.PARTITION_KEYS)
        expression = "year='2026' AND month='02'"
        parts = glue.get_partitions(
            DatabaseName=gb.DATABASE, TableName=gb.TABLE, Expression=expression
        )["Partitions"]
        assert sorted(p["Values"][2] for p in parts) == ["01", "02", "03"]
        location = parts[0]["StorageDescriptor"]["Location"]
        listed = s3.list_objects_v2(Bucket=gb.BUCKET, Prefix=location.split(gb.BUCKET + "/")[1])
        assert [o["Key"].rsplit("/", 1)[1] for o in listed["Contents"]] == ["events.parquet"]
        gb.run_duckdb(duckdb.connect(), lake, tmp_path / "out")
        for path in (tmp_path / "out").rglob("*.parquet"):
            key = "curated/x/" + str(path.relative_to(tmp_path / "out"))
            s3.put_object(Bucket=gb.BUCKET, Key=key, Body=path.read_bytes())
        counts, keys = gb.s3_counts(s3, gb.BUCKET, "curated/x/")
        assert counts == gb.expected_counts(lake) and len(keys) == 3
    finally:
        stack.stop()


def fake_results(**lakestack: Any) -> gb.Results:
    results = gb.Results()
    results.lakestack = {"cold": [20.0], "first": [6.0], "warm": [3.0, 4.0, 5.0], "fail": [1.0]}
    results.lakestack.update(lakestack)
    results.pyspark = {"session_start": [5.0], "first": [8.0], "warm": [2.0, 2.5, 3.0]}
    results.duckdb = {"first": [0.6], "warm": [0.5]}
    return results


def test_report_table_has_ratios_and_the_target() -> None:
    sums = gb.summary(fake_results())
    assert sums["pyspark"]["cold"] == 13.0 and sums["duckdb"]["cold"] == 0.6
    table = gb.results_table(sums, 3)
    assert "| Warm: later runs, median of 3 | 4.00 | 2.50 | 0.500 | 1.60x | 8.00x |" in table
    assert "| Warm: fastest run | 3.00 | 2.00 | 0.500 | 1.50x | 6.00x |" in table
    assert "| Failing run (seed verbatim, warm driver) | 1.00 | n/a | n/a | n/a | n/a |" in table
    assert gb.target_check(sums).endswith("= 1.60x, NOT met")
    assert gb.target_check(gb.summary(fake_results(warm=[3.5]))).endswith("= 1.40x, met")


def test_count_checks_flag_a_missing_partition() -> None:
    expected = {("2026", "02", "01"): 10, ("2026", "02", "02"): 5}
    results = fake_results()
    results.counts = {"lakestack": dict(expected), "pyspark": {("2026", "02", "01"): 10}}
    lines = gb.count_checks(results, expected)
    assert lines[0] == "lakestack: ok (2 partitions, 15 rows)"
    assert lines[1].startswith("pyspark: MISMATCH (10 rows vs 15)")
    assert lines[2] == "duckdb: not measured"
