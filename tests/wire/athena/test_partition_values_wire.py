"""Partition values reach query results exactly as they are in the path (``02`` stays
``02``), whether a scan covers one partition, many, or partitions with odd values."""

from __future__ import annotations

from typing import Any

from athena_wire_helpers import _parquet, _run


def _rows(athena: Any, q: dict[str, Any]) -> list[list[str | None]]:
    r = athena.get_query_results(QueryExecutionId=q["QueryExecutionId"])
    return [[d.get("VarCharValue") for d in row["Data"]] for row in r["ResultSet"]["Rows"]]


def test_many_partitions_keep_leading_zeros(lake: dict[str, Any]) -> None:
    q = _run(
        lake["athena"],
        "SELECT year, month, day, count(*) AS n FROM events "
        "WHERE year = '2026' GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
    )
    assert q["Status"]["State"] == "SUCCEEDED", q["Status"]
    assert _rows(lake["athena"], q) == [
        ["year", "month", "day", "n"],
        ["2026", "02", "01", "301"],
        ["2026", "02", "02", "302"],
    ]


def test_registered_partitions_with_odd_values(lake: dict[str, Any]) -> None:
    athena, s3 = lake["athena"], lake["s3"]
    ddl = (
        "CREATE EXTERNAL TABLE odd (event_id STRING) PARTITIONED BY (src STRING) "
        "STORED AS PARQUET LOCATION 's3://lake/odd/'"
    )
    assert _run(athena, ddl)["Status"]["State"] == "SUCCEEDED"
    for value, rows in (("web app", 3), ("07", 4)):
        s3.put_object(Bucket="lake", Key=f"odd/src={value}/p.parquet", Body=_parquet(rows))
        add = (
            f"ALTER TABLE odd ADD PARTITION (src = '{value}') LOCATION 's3://lake/odd/src={value}/'"
        )
        assert _run(athena, add)["Status"]["State"] == "SUCCEEDED"
    q = _run(athena, "SELECT src, count(*) AS n FROM odd GROUP BY 1 ORDER BY 1")
    assert q["Status"]["State"] == "SUCCEEDED", q["Status"]
    assert _rows(athena, q) == [["src", "n"], ["07", "4"], ["web app", "3"]]
