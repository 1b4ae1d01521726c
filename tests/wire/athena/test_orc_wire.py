"""ORC tables: Athena reads them (pyarrow decodes ORC; DuckDB has no offline reader)."""

from __future__ import annotations

import io
from typing import Any

import pyarrow as pa
from athena_wire_helpers import _run
from pyarrow import orc


def _orc(rows: list[tuple[str, int]]) -> bytes:
    buf = io.BytesIO()
    orc.write_table(pa.table({"name": [r[0] for r in rows], "qty": [r[1] for r in rows]}), buf)
    return buf.getvalue()


def test_orc_table_with_partitions_is_queryable(lake: dict[str, Any]) -> None:
    athena, s3 = lake["athena"], lake["s3"]
    s3.put_object(Bucket="lake", Key="orc/dt=07/a.orc", Body=_orc([("a", 1), ("b", 2)]))
    s3.put_object(Bucket="lake", Key="orc/dt=08/b.orc", Body=_orc([("a", 10)]))
    ddl = (
        "CREATE EXTERNAL TABLE inv (name STRING, qty INT) PARTITIONED BY (dt STRING) "
        "STORED AS ORC LOCATION 's3://lake/orc/'"
    )
    assert _run(athena, ddl)["Status"]["State"] == "SUCCEEDED"
    assert _run(athena, "MSCK REPAIR TABLE inv")["Status"]["State"] == "SUCCEEDED"
    q = _run(athena, "SELECT dt, name, sum(qty) AS total FROM inv GROUP BY 1, 2 ORDER BY 1, 2")
    assert q["Status"]["State"] == "SUCCEEDED", q["Status"]
    r = athena.get_query_results(QueryExecutionId=q["QueryExecutionId"])
    rows = [[d.get("VarCharValue") for d in row["Data"]] for row in r["ResultSet"]["Rows"]]
    assert rows == [["dt", "name", "total"], ["07", "a", "1"], ["07", "b", "2"], ["08", "a", "10"]]
    assert q["Statistics"]["DataScannedInBytes"] > 0
