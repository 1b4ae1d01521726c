"""Athena engine: queries over the seed's projected table, pruning, bytes scanned,
billing, failures as state, results and paging."""

from __future__ import annotations

import pytest
from athena_helpers import OUT, WHERE, Lake, chunk_bytes

from lakestack.services.athena.errors import InvalidRequestException
from lakestack.services.athena.models import WorkGroup
from lakestack.services.athena.runner import CUTOFF_REASON

ONE_DAY = (
    "SELECT event_type, count(*) AS n FROM events WHERE year = '2026' AND "
    "month = '02' AND day = '02' GROUP BY event_type ORDER BY event_type"
)


def test_start_query_execution_seed_table_prunes_to_one_day(lake: Lake, events: dict) -> None:
    assert lake.rows(ONE_DAY, "analytics") == [["click", "501"], ["view", "501"]]
    assert lake.store.listed == ["s3://lake/curated/table=events/year=2026/month=02/day=02/"]


def test_data_scanned_one_day_is_that_days_column_chunks(lake: Lake, events: dict) -> None:
    q = lake.ok(ONE_DAY, "analytics")
    assert q.statistics.data_scanned == chunk_bytes(events["02"], ["event_type"])


def test_data_scanned_two_days_adds_up(lake: Lake, events: dict) -> None:
    q = lake.ok(
        "SELECT count(DISTINCT event_type) FROM events WHERE year = '2026' "
        "AND month = '02' AND day IN ('01', '03')",
        "analytics",
    )
    expected = sum(chunk_bytes(events[d], ["event_type"]) for d in ("01", "03"))
    assert q.statistics.data_scanned == expected


def test_start_query_execution_bills_rounded_minimum_per_workgroup(
    lake: Lake, events: dict
) -> None:
    lake.ok(ONE_DAY, "analytics")
    lake.ok(ONE_DAY, "analytics")
    rows = [r for r in lake.meter.rows() if r.service == "athena"]
    assert [(r.dimension, r.resource, r.quantity) for r in rows] == [
        ("DataScanned-Bytes", "primary", 20_000_000)
    ]


def test_select_keeps_partition_values_as_in_path(lake: Lake, events: dict) -> None:
    rows = lake.rows(
        "SELECT DISTINCT month, day FROM events WHERE year = '2026' AND month = '02' ORDER BY day",
        "analytics",
    )
    assert rows == [["02", "01"], ["02", "02"], ["02", "03"]]


def test_select_projected_partition_without_files_returns_no_rows(lake: Lake, events: dict) -> None:
    assert lake.rows(
        "SELECT count(*) FROM events WHERE year = '2026' AND month = '03' AND day = '09'",
        "analytics",
    ) == [["0"]]


FULL_SCAN = "SELECT year, month, day, count(*) AS n FROM events GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"


def test_select_without_partition_filter_lists_the_table_once_and_reads_only_candidates(
    lake: Lake, events: dict
) -> None:
    # 4,092 projected candidates: one listing of the table, files matched to candidates
    for key in (
        "year=2026/month=2/day=04/part-0.parquet",  # unpadded month: projection writes 02
        "year=2019/month=02/day=01/part-0.parquet",  # outside projection.year.range
        "year=2026/month=02/day=01/_tmp/part-1.parquet",  # hidden folder
        "year=2026/month=02/part-0.parquet",  # above the partition level
    ):
        lake.put(f"curated/table=events/{key}", events["01"])
    lake.put("curated/table=events/year=2026/month=02/day=01/sub/part-9.parquet", events["02"])
    lake.store.listed.clear()
    assert lake.rows(FULL_SCAN, "analytics") == [
        ["2026", "02", "01", str(1001 + 1002)],
        ["2026", "02", "02", "1002"],
        ["2026", "02", "03", "1003"],
    ]
    assert lake.store.listed == ["s3://lake/curated/table=events/"]


def test_select_without_partition_filter_sees_an_object_added_since_the_last_query(
    lake: Lake, events: dict
) -> None:
    assert len(lake.rows(FULL_SCAN, "analytics")) == 3
    lake.put("curated/table=events/year=2030/month=12/day=31/part-0.parquet", events["03"])
    lake.put("curated/table=events/year=2020/month=01/day=01/part-0.parquet", events["01"])
    rows = lake.rows(FULL_SCAN, "analytics")
    assert [r[:3] for r in rows] == [
        ["2020", "01", "01"],
        ["2026", "02", "01"],
        ["2026", "02", "02"],
        ["2026", "02", "03"],
        ["2030", "12", "31"],
    ]
    q = lake.ok("SELECT count(event_type) FROM events", "analytics")
    expected = chunk_bytes(events["01"], ["event_type"]) * 2 + sum(
        chunk_bytes(events[d], ["event_type"]) for d in ("02", "03", "03")
    )
    assert q.statistics.data_scanned == expected


def test_select_bad_sql_fails_with_athena_message_and_no_charge(lake: Lake, events: dict) -> None:
    q = lake.run("SELECT event_type FROM events WHERE", "analytics")
    assert q.state == "FAILED"
    assert q.state_change_reason.startswith("SYNTAX_ERROR: line 1:")
    assert q.error is not None and q.error.category == 2 and not q.error.retryable
    assert lake.billed() == 0


def test_select_missing_table_fails_table_not_found(lake: Lake, events: dict) -> None:
    q = lake.run("SELECT * FROM nosuch", "analytics")
    assert q.state_change_reason == (
        "TABLE_NOT_FOUND: line 1:15: Table 'awsdatacatalog.analytics.nosuch' does not exist"
    )


def test_select_missing_database_fails_schema_not_found(lake: Lake, events: dict) -> None:
    q = lake.run("SELECT * FROM nodb.events", "analytics")
    assert q.state == "FAILED"
    assert q.state_change_reason == "SCHEMA_NOT_FOUND: Schema 'nodb' does not exist"


def test_select_over_cutoff_is_cancelled_and_charged(lake: Lake) -> None:
    lake.athena.create_work_group(
        *WHERE, WorkGroup("capped", output_location=OUT, bytes_scanned_cutoff=10_000_000)
    )
    lake.ok(
        "CREATE EXTERNAL TABLE big (a string, b string) ROW FORMAT DELIMITED "
        "FIELDS TERMINATED BY ',' LOCATION 's3://lake/big/'"
    )
    line = b"a" * 50 + b"," + b"b" * 49 + b"\n"
    lake.put("big/data.csv", line * 110_000)
    q = lake.run("SELECT count(*) FROM big", work_group="capped")
    assert q.state == "CANCELLED"
    assert q.state_change_reason == "query state CANCELED. Bytes scanned limit was exceeded."
    assert q.state_change_reason == CUTOFF_REASON
    # Athena stops reading at the cutoff and charges what it read by then: 10 MB, not 11.11
    assert q.statistics.data_scanned == 10_000_000
    assert lake.billed() == 10_000_000


def test_get_query_results_pages_with_header_only_on_first_page(lake: Lake, events: dict) -> None:
    q = lake.ok(
        "SELECT user_id FROM events WHERE year = '2026' AND month = '02' "
        "AND day = '01' ORDER BY event_id LIMIT 5",
        "analytics",
    )
    first = lake.athena.get_query_results(*WHERE, q.id, max_results=2)
    second = lake.athena.get_query_results(*WHERE, q.id, first.next_token, 2)
    third = lake.athena.get_query_results(*WHERE, q.id, second.next_token, 2)
    assert first.rows[0] == ["user_id"]
    assert len(first.rows + second.rows + third.rows) == 6
    assert third.next_token is None
    assert "user_id" not in [r[0] for r in second.rows + third.rows]


def test_get_query_results_nulls_and_types(lake: Lake) -> None:
    q = lake.ok(
        "SELECT 1 AS a, CAST(NULL AS varchar) AS b, 2.5E0 AS c, '' AS d, DATE '2024-01-02' AS e"
    )
    page = lake.athena.get_query_results(*WHERE, q.id)
    assert page.rows[1] == ["1", None, "2.5", "", "2024-01-02"]
    assert [c.type for c in page.columns] == ["integer", "varchar", "double", "varchar", "date"]


def test_result_files_are_written_where_athena_writes_them(lake: Lake) -> None:
    q = lake.ok("SELECT 'a\"b' AS x, CAST(NULL AS integer) AS y")
    assert q.output_location == f"{OUT}{q.id}.csv"
    data = lake.s3.get_object(*WHERE, "results", f"out/{q.id}.csv")
    with open(data.path, "rb") as f:
        assert f.read() == b'"x","y"\n"a""b",\n'
    lake.s3.head_object(*WHERE, "results", f"out/{q.id}.csv.metadata")


def test_get_query_results_survives_a_new_engine(lake: Lake, tmp_path) -> None:
    q = lake.ok("SELECT 42 AS answer")
    lake.athena._results.clear()
    assert lake.athena.get_query_results(*WHERE, q.id).rows == [["answer"], ["42"]]


def test_start_query_execution_without_output_location_raises(lake: Lake) -> None:
    with pytest.raises(InvalidRequestException, match="No output location provided"):
        lake.athena.start_query_execution(*WHERE, "SELECT 1")


def test_start_query_execution_client_token_is_idempotent(lake: Lake) -> None:
    token = "t" * 32
    a = lake.athena.start_query_execution(
        *WHERE, "SELECT 1", output_location=OUT, client_request_token=token
    )
    b = lake.athena.start_query_execution(
        *WHERE, "SELECT 1", output_location=OUT, client_request_token=token
    )
    assert a == b
    with pytest.raises(InvalidRequestException):
        lake.athena.start_query_execution(
            *WHERE, "SELECT 2", output_location=OUT, client_request_token=token
        )


def test_get_query_results_before_success_raises(lake: Lake) -> None:
    q = lake.run("SELECT * FROM nosuch")
    with pytest.raises(InvalidRequestException, match="Final query state: FAILED"):
        lake.athena.get_query_results(*WHERE, q.id)


def test_list_query_executions_newest_first_with_paging(lake: Lake) -> None:
    ids = [lake.ok(f"SELECT {i}").id for i in range(3)]
    first = lake.athena.list_query_executions(*WHERE, max_results=2)
    second = lake.athena.list_query_executions(*WHERE, max_results=2, next_token=first.next_token)
    assert first.items + second.items == ids[::-1]


def test_execution_parameters_are_bound(lake: Lake) -> None:
    q = lake.ok("SELECT ? AS a, ? AS b", execution_parameters=["1", "'x'"])
    assert lake.athena.get_query_results(*WHERE, q.id).rows[1] == ["1", "x"]


def _parquet(sql: str) -> bytes:
    import duckdb

    path = "/tmp/lakestack-athena-test-by-name.parquet"
    con = duckdb.connect()
    con.execute(f"COPY ({sql}) TO '{path}' (FORMAT parquet)")
    con.close()
    with open(path, "rb") as f:
        return f.read()


def test_parquet_columns_are_read_by_name_missing_ones_are_null(lake: Lake) -> None:
    # Athena reads Parquet by column name: a catalog column absent from a file is NULL
    # (athena UG "Handling schema updates": Parquet is read by name by default).
    lake.ok("CREATE DATABASE analytics")
    lake.ok(
        "CREATE EXTERNAL TABLE t (id string, payload string, n bigint) "
        "PARTITIONED BY (day string) STORED AS PARQUET LOCATION 's3://lake/t/'",
        "analytics",
    )
    lake.put("t/day=01/a.parquet", _parquet("SELECT 'a' AS id, 1::BIGINT AS n"))
    lake.put("t/day=02/b.parquet", _parquet("SELECT 'b' AS id, 'p' AS payload, 2::BIGINT AS n"))
    lake.ok("MSCK REPAIR TABLE t", "analytics")
    assert lake.rows("SELECT id, payload, n, day FROM t ORDER BY id", "analytics") == [
        ["a", None, "1", "01"],
        ["b", "p", "2", "02"],
    ]
    assert lake.rows("SELECT id, payload FROM t WHERE day = '01'", "analytics") == [["a", None]]


def test_json_keys_match_columns_case_insensitively(lake: Lake) -> None:
    # The OpenX JSON SerDe Athena uses ignores key case by default ("case.insensitive"
    # defaults to true; athena UG "OpenX JSON SerDe"), and catalog names are lower case.
    lake.ok("CREATE DATABASE analytics")
    lake.ok(
        "CREATE EXTERNAL TABLE j (userid string, eventcount int) "
        "ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe' LOCATION 's3://lake/j/'",
        "analytics",
    )
    lake.put("j/a.json", b'{"userId": "u1", "eventCount": 3}\n{"userId": "u2", "eventCount": 4}\n')
    assert lake.rows("SELECT userid, eventcount FROM j ORDER BY userid", "analytics") == [
        ["u1", "3"],
        ["u2", "4"],
    ]
