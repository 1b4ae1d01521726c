"""Athena queries run through the translator on an in-memory DuckDB, checked against
the rows Trino's documentation gives (fixture files in tests/fixtures/sql/athena_to_rows)."""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pytest
from sql_fixtures import Case, load_cases

from lakestack.sql.errors import AthenaQueryError
from lakestack.sql.translate import TableSchema, translate
from lakestack.sql.values import to_athena_text

EVENTS = TableSchema(
    columns=(
        ("event_id", "string"),
        ("user_id", "string"),
        ("amount", "int"),
        ("price", "double"),
        ("ts", "timestamp"),
        ("d", "date"),
        ("tags", "array<string>"),
        ("attrs", "map<string,int>"),
        ("payload", "string"),
    ),
    partition_keys=(("year", "string"), ("month", "string")),
)
SCHEMA = {("db", "events"): EVENTS}

# What the Athena engine would bind: the table's rows, partition values as strings.
EVENTS_ROWS = """
SELECT * FROM (VALUES
  ('e1', 'u1', 5, 2.5, TIMESTAMP '2026-01-02 03:04:05.123', DATE '2026-01-02',
   ['a', 'b'], MAP {'x': 1, 'y': 2}, '{"a":{"b":1},"c":"s"}', '2026', '01'),
  ('e2', 'u1', -5, 1.0, TIMESTAMP '2026-02-10 10:00:00', DATE '2026-02-10',
   ['c'], MAP {'x': 3}, '{"c":"t"}', '2026', '02'),
  ('e3', 'u2', 7, NULL, TIMESTAMP '2025-12-31 23:59:59', DATE '2025-12-31',
   CAST([] AS VARCHAR[]), CAST(MAP {} AS MAP(VARCHAR, INTEGER)), '[1,2,3]', '2025', '12')
) AS t(event_id, user_id, amount, price, ts, d, tags, attrs, payload, year, month)
"""

CASES = load_cases("athena_to_rows")


@pytest.fixture
def cursor() -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect()
    cur = con.cursor()
    cur.execute("SET TimeZone = 'UTC'")
    yield cur
    cur.close()
    con.close()


def run(case: Case, cur: duckdb.DuckDBPyConnection) -> list[list[str | None]]:
    translated = translate(case.sql, SCHEMA, database="db")
    for placeholder in translated.relations:
        cur.execute(f'CREATE OR REPLACE TEMP VIEW "{placeholder}" AS {EVENTS_ROWS}')
    rows = cur.execute(translated.sql).fetchall()
    types = [t for _, t in translated.columns] or [None] * len(rows[0] if rows else [])
    return [[to_athena_text(v, t) for v, t in zip(row, types, strict=False)] for row in rows]


def test_fixture_files_hold_enough_cases() -> None:
    assert len(CASES) >= 50
    assert all(case.docs for case in CASES), "every case cites the documentation"


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.file}:{c.title}")
def test_athena_query_gives_documented_rows(case: Case, cursor: duckdb.DuckDBPyConnection) -> None:
    if case.error is not None:
        with pytest.raises(AthenaQueryError) as info:
            run(case, cursor)
        assert info.value.state_change_reason == case.error
        return
    assert run(case, cursor) == case.rows
