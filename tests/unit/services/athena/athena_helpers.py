"""Helpers for Athena engine tests: engines on a temp dir, parquet days, polling."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import duckdb

from lakestack.adapters import GlueCatalogForAthena
from lakestack.core.clock import FixedClock
from lakestack.core.events import EventBus
from lakestack.core.ids import Ids
from lakestack.metering import Meter
from lakestack.services.athena.engine import AthenaEngine
from lakestack.services.glue.catalog import GlueCatalogEngine
from lakestack.services.s3.engine import S3Engine
from tests.conftest import seed_events_ddl

WHERE = ("000000000000", "us-east-1")
OUT = "s3://results/out/"

SEED_DDL = seed_events_ddl("lake")


class RecordingStore:
    """The S3 engine, recording every prefix Athena lists."""

    def __init__(self, s3: S3Engine) -> None:
        self.s3 = s3
        self.listed: list[str] = []

    def list_objects_v2(self, account: str, region: str, bucket: str, **kw: Any) -> Any:
        if kw.get("max_keys") != 0:
            self.listed.append(f"s3://{bucket}/{kw.get('prefix') or ''}")
        return self.s3.list_objects_v2(account, region, bucket, **kw)

    def get_object(self, account: str, region: str, bucket: str, key: str) -> Any:
        return self.s3.get_object(account, region, bucket, key)

    def put_object(self, account: str, region: str, bucket: str, key: str, body: Any) -> Any:
        return self.s3.put_object(account, region, bucket, key, body)


class Lake:
    """S3, Glue and Athena engines on one data dir, with a meter."""

    def __init__(self, root: Path) -> None:
        self.clock = FixedClock()
        self.ids = Ids(seed=7)
        self.meter = Meter(None, self.clock)
        self.s3 = S3Engine(root, self.clock, self.ids, self.meter, EventBus())
        self.glue = GlueCatalogEngine(root, self.clock, self.ids, self.meter)
        self.store = RecordingStore(self.s3)
        self.athena = AthenaEngine(
            root, self.clock, self.ids, self.meter, self.store, GlueCatalogForAthena(self.glue)
        )
        self.s3.create_bucket(*WHERE, "lake")
        self.s3.create_bucket(*WHERE, "results")

    def close(self) -> None:
        self.athena.close()
        self.glue.close()
        self.s3.close()

    def put(self, key: str, data: bytes, bucket: str = "lake") -> None:
        self.s3.put_object(*WHERE, bucket, key, io.BytesIO(data))

    def run(self, sql: str, database: str = "default", **kw: Any) -> Any:
        kw.setdefault("output_location", OUT)
        qid = self.athena.start_query_execution(*WHERE, sql, database=database, **kw)
        return self.athena.wait(*WHERE, qid)

    def ok(self, sql: str, database: str = "default", **kw: Any) -> Any:
        q = self.run(sql, database, **kw)
        assert q.state == "SUCCEEDED", q.state_change_reason
        return q

    def rows(self, sql: str, database: str = "default") -> list[list[str | None]]:
        q = self.ok(sql, database)
        return self.athena.get_query_results(*WHERE, q.id, max_results=1000).rows[1:]

    def billed(self) -> float:
        return sum(r.quantity for r in self.meter.rows() if r.service == "athena")


def day_parquet(day: str, rows: int = 1000) -> bytes:
    con = duckdb.connect()
    path = f"/tmp/lakestack-athena-test-{day}-{rows}.parquet"
    con.execute(
        f"COPY (SELECT 'e{day}-' || i AS event_id, 'u' || (i % 7) AS user_id, "
        f"CASE WHEN i % 2 = 0 THEN 'click' ELSE 'view' END AS event_type, "
        f"repeat('x', 20) || i AS payload FROM range({rows}) t(i)) "
        f"TO '{path}' (FORMAT parquet)"
    )
    con.close()
    with open(path, "rb") as f:
        return f.read()


def chunk_bytes(data: bytes, columns: list[str]) -> int:
    """Compressed size of ``columns``' chunks in a parquet file (what Athena bills)."""
    path = "/tmp/lakestack-athena-test-chunks.parquet"
    with open(path, "wb") as f:
        f.write(data)
    con = duckdb.connect()
    names = ", ".join(f"'{c}'" for c in columns)
    (total,) = con.execute(
        f"SELECT sum(total_compressed_size) FROM parquet_metadata('{path}') "
        f"WHERE path_in_schema IN ({names})"
    ).fetchone()  # type: ignore[misc]
    con.close()
    return int(total)
