"""Athena's DuckDB is locked down: statements that reach it directly (as a translation or
quoting bug would let them) cannot read or write host files, load extensions, attach
databases or undo the lock, while queries, CTAS and UNLOAD keep working."""

from __future__ import annotations

import uuid
from pathlib import Path

import duckdb
import pytest
from athena_helpers import WHERE, Lake

from lakestack.sql.types import InvalidHiveType

ESCAPES = [
    "SELECT content FROM read_text('/etc/passwd')",
    "SELECT * FROM read_csv('/etc/passwd')",
    "COPY (SELECT 1) TO '{outside}'",
    "INSTALL httpfs",
    "LOAD httpfs",
    "ATTACH '{outside}.duckdb' AS other",
    "SET enable_external_access=true",
    "SET lock_configuration=false",
    "SET allowed_directories=['/']",
]


@pytest.mark.parametrize("statement", ESCAPES)
def test_athena_session_refuses_host_access(lake: Lake, tmp_path: Path, statement: str) -> None:
    outside = tmp_path / f"outside-{uuid.uuid4().hex}"

    def attempt() -> str:
        cursor = lake.athena._cursor()  # a worker thread's own cursor
        try:
            cursor.execute(statement.format(outside=outside)).fetchall()
        except duckdb.Error as exc:
            return type(exc).__name__
        return "ran"

    assert lake.athena._pool.submit(attempt).result() != "ran"
    assert not outside.exists()
    assert not Path(f"{outside}.duckdb").exists()
    # The worker's cursor still runs queries afterwards.
    assert lake.rows("SELECT 1 + 1") == [["2"]]


def test_athena_staging_and_results_stay_in_the_data_dir(lake: Lake, tmp_path: Path) -> None:
    lake.ok("CREATE DATABASE d")
    lake.ok("CREATE TABLE d.t WITH (format = 'JSON') AS SELECT 1 AS a, 'x' AS b")
    lake.ok("UNLOAD (SELECT a, b FROM d.t) TO 's3://lake/unloaded/' WITH (format = 'JSON')")
    assert lake.rows("SELECT a, b FROM d.t") == [["1", "x"]]
    staging = tmp_path / "data" / "athena" / "staging"
    assert staging.is_dir() and list(staging.iterdir()) == []


def test_stored_bad_type_fails_the_query_with_hive_invalid_metadata(lake: Lake) -> None:
    # A type written before types were checked (an old data dir) fails the query, not
    # the server: the scan renders SQL only from parsed types.
    lake.ok("CREATE DATABASE d")
    lake.ok("CREATE EXTERNAL TABLE d.t (a int) STORED AS PARQUET LOCATION 's3://lake/t/'")
    table = lake.glue.get_table(*WHERE, "d", "t")
    assert table.storage_descriptor is not None and table.storage_descriptor.columns
    table.storage_descriptor.columns[0].type = "int) AS a FROM read_text('/etc/passwd') --"
    lake.glue._store.put_table(*WHERE, table)
    q = lake.run("SELECT a FROM d.t")
    assert q.state == "FAILED"
    assert q.state_change_reason.startswith("HIVE_INVALID_METADATA: ")
    assert isinstance(InvalidHiveType("x"), ValueError)
