"""Athena's query runner keeps each table's temp view on a cursor while the table's
files stay the same (``ViewCache``), and makes it again when they change."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
from athena_helpers import WHERE, Lake, day_parquet

from lakestack.adapters import GlueCatalogForAthena
from lakestack.services.athena.hive_mirror import HiveMirror
from lakestack.services.athena.runner import QueryRunner, RunContext, parse

FULL_SCAN = "SELECT day, count(*) FROM events GROUP BY day ORDER BY day"
ONE_DAY = "SELECT count(*) FROM events WHERE year = '2026' AND month = '02' AND day = '01'"
CREATES = "CREATE OR REPLACE TEMP VIEW"


class RecordingCursor:
    """A DuckDB cursor that records the statements it executes."""

    def __init__(self, cursor: duckdb.DuckDBPyConnection) -> None:
        self.cursor = cursor
        self.statements: list[str] = []

    def execute(self, sql: str, *args: Any) -> Any:
        self.statements.append(sql)
        return self.cursor.execute(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.cursor, name)


@pytest.fixture
def runner(lake: Lake, events: dict, tmp_path: Path) -> QueryRunner:
    return QueryRunner(GlueCatalogForAthena(lake.glue), lake.store, HiveMirror(tmp_path / "hive"))


@pytest.fixture
def cursor() -> Iterator[RecordingCursor]:
    connection = duckdb.connect()
    yield RecordingCursor(connection.cursor())
    connection.close()


def run(runner: QueryRunner, cursor: RecordingCursor, sql: str) -> list[list[str | None]]:
    ctx = RunContext(*WHERE, "q", "analytics", "s3://results/out/", cursor, datetime.now(UTC))  # type: ignore[arg-type]
    return runner.run(ctx, parse(sql)).rows


def creates(cursor: RecordingCursor) -> int:
    return sum(s.startswith(CREATES) for s in cursor.statements)


def test_same_files_on_the_same_cursor_keep_the_view(
    runner: QueryRunner, cursor: RecordingCursor
) -> None:
    first = run(runner, cursor, FULL_SCAN)
    assert (
        run(runner, cursor, FULL_SCAN) == first == [["01", "1001"], ["02", "1002"], ["03", "1003"]]
    )
    assert creates(cursor) == 1


def test_an_object_added_under_the_table_makes_the_view_again(
    lake: Lake, runner: QueryRunner, cursor: RecordingCursor
) -> None:
    assert len(run(runner, cursor, FULL_SCAN)) == 3
    lake.put("curated/table=events/year=2026/month=02/day=04/part-0.parquet", day_parquet("04"))
    assert run(runner, cursor, FULL_SCAN)[-1] == ["04", "1000"]
    lake.put("curated/table=events/year=2026/month=02/day=04/part-1.parquet", day_parquet("04"))
    assert run(runner, cursor, FULL_SCAN)[-1] == ["04", "2000"]
    assert creates(cursor) == 3


def test_an_object_replaced_or_deleted_makes_the_view_again(
    lake: Lake, runner: QueryRunner, cursor: RecordingCursor
) -> None:
    key = "curated/table=events/year=2026/month=02/day=01/part-0.parquet"
    assert run(runner, cursor, ONE_DAY) == [["1001"]]
    lake.put(key, day_parquet("01", 5))
    assert run(runner, cursor, ONE_DAY) == [["5"]]
    lake.s3.delete_object(*WHERE, "lake", key)
    assert run(runner, cursor, ONE_DAY) == [["0"]]
    assert creates(cursor) == 3


def test_another_query_or_cursor_makes_its_own_view(
    runner: QueryRunner, cursor: RecordingCursor
) -> None:
    run(runner, cursor, FULL_SCAN)
    run(runner, cursor, ONE_DAY)  # other files, same placeholder
    assert run(runner, cursor, FULL_SCAN)[0] == ["01", "1001"]
    other = RecordingCursor(cursor.cursor.cursor())
    assert run(runner, other, FULL_SCAN)[0] == ["01", "1001"]
    assert (creates(cursor), creates(other)) == (3, 1)
