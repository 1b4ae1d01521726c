"""Helpers shared by the Athena wire tests: the seed table, Parquet bytes, run-and-wait."""

from __future__ import annotations

import io
import time
from typing import Any

import duckdb

from tests.conftest import seed_events_ddl

OUT = "s3://results/out/"
SEED_DDL = seed_events_ddl("lake")


def _parquet(rows: int) -> bytes:
    con = duckdb.connect()
    rel = con.sql(
        f"SELECT 'e' || i AS event_id, 'u' || (i % 5) AS user_id, "
        f"CASE WHEN i % 3 = 0 THEN 'buy' ELSE 'view' END AS event_type, "
        f"'p' AS payload FROM range({rows}) t(i)"
    )
    buf = io.BytesIO()
    path = f"/tmp/lakestack-athena-wire-{rows}.parquet"
    rel.write_parquet(path)
    con.close()
    with open(path, "rb") as f:
        buf.write(f.read())
    return buf.getvalue()


def _wait(athena: Any, qid: str) -> dict[str, Any]:
    while True:
        q = athena.get_query_execution(QueryExecutionId=qid)["QueryExecution"]
        if q["Status"]["State"] in ("SUCCEEDED", "FAILED", "CANCELLED"):
            return q
        time.sleep(0.02)


def _run(athena: Any, sql: str, database: str = "analytics", **kw: Any) -> dict[str, Any]:
    kw.setdefault("ResultConfiguration", {"OutputLocation": OUT})
    qid = athena.start_query_execution(
        QueryString=sql, QueryExecutionContext={"Database": database}, **kw
    )["QueryExecutionId"]
    return _wait(athena, qid)
