"""Athena engine: DDL and utility statements on the Glue catalog, CTAS/INSERT/UNLOAD,
work groups, named queries and restart recovery."""

from __future__ import annotations

from pathlib import Path

import pytest
from athena_helpers import OUT, WHERE, Lake, day_parquet

from lakestack.services.athena.errors import InvalidRequestException
from lakestack.services.athena.models import QueryExecution, QueryState, WorkGroup
from lakestack.services.athena.workgroups import WorkGroupUpdate


def test_create_database_is_in_the_glue_catalog(lake: Lake) -> None:
    q = lake.ok("CREATE DATABASE sales")
    assert q.statement_type == "DDL" and q.output_location.endswith(".txt")
    assert lake.glue.get_database(*WHERE, "sales").name == "sales"
    assert lake.billed() == 0


def test_create_database_twice_fails_with_hive_message(lake: Lake) -> None:
    lake.ok("CREATE DATABASE sales")
    q = lake.run("CREATE DATABASE sales")
    assert q.state == "FAILED"
    assert "Database sales already exists" in q.state_change_reason
    lake.ok("CREATE DATABASE IF NOT EXISTS sales")


def test_drop_table_missing_fails(lake: Lake) -> None:
    q = lake.run("DROP TABLE nosuch")
    assert q.state_change_reason == (
        "FAILED: SemanticException [Error 10001]: Table not found default.nosuch"
    )
    lake.ok("DROP TABLE IF EXISTS nosuch")


def test_show_and_describe(lake: Lake, events: dict) -> None:
    assert lake.athena.get_query_results(*WHERE, lake.ok("SHOW TABLES IN analytics").id).rows == [
        ["events"]
    ]
    show = lake.ok("SHOW COLUMNS IN events", "analytics")
    assert [r[0] for r in lake.athena.get_query_results(*WHERE, show.id).rows] == [
        "event_id",
        "user_id",
        "event_type",
        "payload",
        "year",
        "month",
        "day",
    ]
    q = lake.ok("SHOW CREATE TABLE events", "analytics")
    text = "\n".join(r[0] or "" for r in lake.athena.get_query_results(*WHERE, q.id).rows)
    assert "PARTITIONED BY" in text and "'projection.enabled'='true'" in text


def test_msck_repair_adds_hive_partitions(lake: Lake) -> None:
    lake.ok(
        "CREATE EXTERNAL TABLE t (event_id string) PARTITIONED BY (dt string) "
        "STORED AS PARQUET LOCATION 's3://lake/t/'"
    )
    for dt in ("2026-01-01", "2026-01-02"):
        lake.put(f"t/dt={dt}/part-0.parquet", day_parquet(dt[-2:], 10))
    lake.put("t/_SUCCESS", b"")
    lake.ok("MSCK REPAIR TABLE t")
    q = lake.ok("SHOW PARTITIONS t")
    assert lake.athena.get_query_results(*WHERE, q.id).rows == [
        ["dt=2026-01-01"],
        ["dt=2026-01-02"],
    ]
    assert lake.rows("SELECT count(*) FROM t WHERE dt = '2026-01-02'") == [["10"]]
    assert lake.store.listed[-1] == "s3://lake/t/dt=2026-01-02/"


def test_registered_partitions_prune_and_drop(lake: Lake) -> None:
    lake.ok(
        "CREATE EXTERNAL TABLE t (event_id string) PARTITIONED BY (dt string) "
        "STORED AS PARQUET LOCATION 's3://lake/t/'"
    )
    lake.put("t/a/part.parquet", day_parquet("01", 5))
    lake.put("t/b/part.parquet", day_parquet("02", 7))
    lake.ok(
        "ALTER TABLE t ADD PARTITION (dt='a') LOCATION 's3://lake/t/a/' "
        "PARTITION (dt='b') LOCATION 's3://lake/t/b/'"
    )
    q = lake.run("ALTER TABLE t ADD PARTITION (dt='a')")
    assert "Partition already exists" in q.state_change_reason
    lake.store.listed.clear()
    assert lake.rows("SELECT count(*) FROM t WHERE dt = 'b'") == [["7"]]
    assert lake.store.listed == ["s3://lake/t/b/"]
    lake.ok("ALTER TABLE t DROP PARTITION (dt='b')")
    assert lake.rows("SELECT count(*) FROM t") == [["5"]]


def test_csv_table_with_header_and_opencsv(lake: Lake) -> None:
    lake.ok(
        "CREATE EXTERNAL TABLE c (a string, b int) ROW FORMAT DELIMITED FIELDS "
        "TERMINATED BY '|' LOCATION 's3://lake/c/' TBLPROPERTIES "
        "('skip.header.line.count'='1')"
    )
    lake.put("c/x.csv", b"a|b\nx|1\ny|\n")
    assert lake.rows("SELECT a, b FROM c ORDER BY a") == [["x", "1"], ["y", None]]
    lake.ok(
        "CREATE EXTERNAL TABLE o (a string, b string) ROW FORMAT SERDE "
        "'org.apache.hadoop.hive.serde2.OpenCSVSerde' LOCATION 's3://lake/o/'"
    )
    lake.put("o/x.csv", b'"1,2","q"\n')
    assert lake.rows("SELECT a, b FROM o") == [["1,2", "q"]]


def test_json_table_reads_newline_delimited(lake: Lake) -> None:
    lake.ok(
        "CREATE EXTERNAL TABLE j (a string, n bigint) ROW FORMAT SERDE "
        "'org.openx.data.jsonserde.JsonSerDe' LOCATION 's3://lake/j/'"
    )
    data = b'{"a": "x", "n": 1}\n{"a": "y", "n": 2}\n'
    lake.put("j/part.json", data)
    q = lake.ok("SELECT sum(n) FROM j")
    assert lake.athena.get_query_results(*WHERE, q.id).rows[1] == ["3"]
    assert q.statistics.data_scanned == len(data)


def test_view_is_stored_and_expanded(lake: Lake, events: dict) -> None:
    lake.ok("CREATE VIEW clicks AS SELECT * FROM events WHERE event_type = 'click'", "analytics")
    assert lake.glue.get_table(*WHERE, "analytics", "clicks").table_type == "VIRTUAL_VIEW"
    assert lake.rows(
        "SELECT count(*) FROM clicks WHERE year = '2026' AND month = '02' AND day = '01'",
        "analytics",
    ) == [["501"]]


def test_ctas_writes_table_files_and_manifest(lake: Lake, events: dict) -> None:
    q = lake.ok(
        "CREATE TABLE daily WITH (format = 'PARQUET', partitioned_by = "
        "ARRAY['day']) AS SELECT event_type, count(*) AS n, day FROM events "
        "WHERE year = '2026' AND month = '02' GROUP BY event_type, day",
        "analytics",
    )
    assert q.update_count == 6 and q.statement_type == "DDL"
    page = lake.athena.get_query_results(*WHERE, q.id)
    assert page.update_count == 6 and page.rows == []
    manifest = q.statistics.manifest_location
    assert manifest == f"{OUT}{q.id}-manifest.csv"
    data = lake.s3.get_object(*WHERE, "results", f"out/{q.id}-manifest.csv")
    with open(data.path) as f:
        files = f.read().split()
    assert len(files) == 3 and all(u.startswith(f"{OUT}tables/{q.id}/day=") for u in files)
    table = lake.glue.get_table(*WHERE, "analytics", "daily")
    assert [c.name for c in table.partition_keys] == ["day"]
    assert lake.rows("SELECT sum(n) FROM daily WHERE day = '02'", "analytics") == [["1002"]]


def test_insert_into_appends_and_registers_partitions(lake: Lake) -> None:
    lake.ok(
        "CREATE EXTERNAL TABLE t (a string, n int) PARTITIONED BY (dt string) "
        "STORED AS PARQUET LOCATION 's3://lake/t/'"
    )
    q = lake.ok("INSERT INTO t SELECT 'x', 1, '2026-01-01' UNION ALL SELECT 'y', 2, '2026-01-02'")
    assert q.update_count == 2 and q.statistics.manifest_location
    assert lake.rows("SELECT a, n, dt FROM t ORDER BY a") == [
        ["x", "1", "2026-01-01"],
        ["y", "2", "2026-01-02"],
    ]


def test_unload_writes_files_and_manifest(lake: Lake, events: dict) -> None:
    q = lake.ok(
        "UNLOAD (SELECT event_id FROM events WHERE year = '2026' AND month = '02' "
        "AND day = '01') TO 's3://lake/exports/e/' WITH (format = 'JSON')",
        "analytics",
    )
    assert q.update_count == 1001
    listing = lake.s3.list_objects_v2(*WHERE, "lake", prefix="exports/e/")
    assert len(listing.contents) == 1


def test_work_group_crud_and_errors(lake: Lake) -> None:
    wg = lake.athena.create_work_group(*WHERE, WorkGroup("etl", output_location=OUT))
    assert wg.creation_time is not None
    with pytest.raises(InvalidRequestException, match="already created"):
        lake.athena.create_work_group(*WHERE, WorkGroup("etl"))
    with pytest.raises(InvalidRequestException, match="greater than or equal to 10000000"):
        lake.athena.create_work_group(*WHERE, WorkGroup("x", bytes_scanned_cutoff=5))
    lake.athena.update_work_group(*WHERE, "etl", WorkGroupUpdate(state="DISABLED"))
    with pytest.raises(InvalidRequestException, match="WorkGroup etl is disabled."):
        lake.athena.start_query_execution(*WHERE, "SELECT 1", work_group="etl")
    names = [g.name for g in lake.athena.list_work_groups(*WHERE).items]
    assert names == ["etl", "primary"]
    with pytest.raises(InvalidRequestException, match="Cannot delete primary"):
        lake.athena.delete_work_group(*WHERE, "primary")
    lake.athena.delete_work_group(*WHERE, "etl")
    with pytest.raises(InvalidRequestException, match="WorkGroup etl is not found."):
        lake.athena.get_work_group(*WHERE, "etl")


def test_enforced_work_group_output_location_wins(lake: Lake) -> None:
    lake.athena.create_work_group(*WHERE, WorkGroup("etl", output_location="s3://results/wg/"))
    q = lake.ok("SELECT 1", work_group="etl", output_location="s3://results/mine/")
    assert q.output_location.startswith("s3://results/wg/")


def test_named_queries_crud(lake: Lake) -> None:
    qid = lake.athena.create_named_query(*WHERE, "daily", "analytics", "SELECT 1")
    assert lake.athena.get_named_query(*WHERE, qid).query_string == "SELECT 1"
    assert lake.athena.list_named_queries(*WHERE).items == [qid]
    found, missing = lake.athena.batch_get_named_query(*WHERE, [qid, "nope"])
    assert [q.id for q in found] == [qid] and missing[0][0] == "nope"
    lake.athena.delete_named_query(*WHERE, qid)
    with pytest.raises(InvalidRequestException):
        lake.athena.get_named_query(*WHERE, qid)


def test_stop_query_execution_finished_query_is_left_alone(lake: Lake) -> None:
    q = lake.ok("SELECT 1")
    lake.athena.stop_query_execution(*WHERE, q.id)
    assert lake.athena.get_query_execution(*WHERE, q.id).state == QueryState.SUCCEEDED


def test_restart_marks_unfinished_queries_failed(tmp_path: Path) -> None:
    lake = Lake(tmp_path / "data")
    q = QueryExecution(
        "q-1",
        "SELECT 1",
        "DML",
        "primary",
        f"{OUT}q-1.csv",
        None,
        "AwsDataCatalog",
        lake.clock.utcnow(),
        QueryState.RUNNING,
    )
    lake.athena._store.insert_execution(*WHERE, q)
    lake.close()
    again = Lake(tmp_path / "data")
    try:
        found = again.athena.get_query_execution(*WHERE, "q-1")
        assert found.state == QueryState.FAILED
        assert "lakestack stopped" in (found.state_change_reason or "")
        assert found.error is not None and found.error.retryable
    finally:
        again.close()


def test_csv_table_many_partitions_reads_values_per_file(lake: Lake) -> None:
    lake.ok(
        "CREATE EXTERNAL TABLE p (a string, n int) PARTITIONED BY (m string) "
        "ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' LOCATION 's3://lake/p/'"
    )
    for m in ("07", "08"):
        lake.put(f"p/m={m}/x.csv", f"a{m},{int(m)}\n".encode())
    lake.ok("MSCK REPAIR TABLE p")
    assert lake.rows("SELECT a, n, m FROM p ORDER BY m") == [["a07", "7", "07"], ["a08", "8", "08"]]
