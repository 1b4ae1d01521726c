"""Types Athena writes to the catalog (CTAS from DuckDB's result types, views from
Trino's) are Hive types the catalog accepts and queries read back."""

from __future__ import annotations

from athena_helpers import WHERE, Lake


def _types(lake: Lake, database: str, name: str) -> list[tuple[str, str | None]]:
    table = lake.glue.get_table(*WHERE, database, name)
    sd = table.storage_descriptor
    assert sd is not None
    return [(c.name, c.type) for c in sd.columns or []]


def test_ctas_of_nested_types_registers_hive_types_and_reads_back(lake: Lake) -> None:
    lake.ok("CREATE DATABASE d")
    lake.ok(
        "CREATE TABLE d.t AS SELECT ARRAY[1, 2] AS a, MAP(ARRAY['k'], ARRAY[2.5]) AS m, "
        "CAST(ROW(1, 'x') AS ROW(n integer, s varchar)) AS r, "
        "TIMESTAMP '2026-01-02 03:04:05' AS ts, CAST(1.5 AS DECIMAL(10, 2)) AS dec"
    )
    assert _types(lake, "d", "t") == [
        ("a", "array<int>"),
        ("m", "map<string,decimal(2,1)>"),
        ("r", "struct<n:int,s:string>"),
        ("ts", "timestamp"),
        ("dec", "decimal(10,2)"),
    ]
    assert lake.rows("SELECT cardinality(a), r.s, dec FROM d.t") == [["2", "x", "1.50"]]


def test_view_of_timestamps_and_rows_is_created(lake: Lake) -> None:
    lake.ok("CREATE DATABASE d")
    lake.ok(
        "CREATE VIEW d.v AS SELECT TIMESTAMP '2026-01-02 03:04:05.123' AS ts, "
        "CAST(ROW(1) AS ROW(n integer)) AS r, ARRAY['a'] AS tags"
    )
    assert _types(lake, "d", "v") == [
        ("ts", "timestamp"),
        ("r", "struct<n:int>"),
        ("tags", "array<string>"),
    ]
    assert lake.rows("SELECT r.n, tags[1] FROM d.v") == [["1", "a"]]
