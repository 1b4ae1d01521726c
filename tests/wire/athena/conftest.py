"""The ``lake`` fixture: buckets, the seed's projected table and two days of Parquet."""

from __future__ import annotations

from typing import Any

import pytest
from athena_wire_helpers import SEED_DDL, _parquet, _run


@pytest.fixture
def lake(lakestack_client: Any) -> dict[str, Any]:
    s3, athena, glue = (lakestack_client(n) for n in ("s3", "athena", "glue"))
    s3.create_bucket(Bucket="lake")
    s3.create_bucket(Bucket="results")
    assert _run(athena, "CREATE DATABASE analytics", "default")["Status"]["State"] == "SUCCEEDED"
    assert _run(athena, SEED_DDL)["Status"]["State"] == "SUCCEEDED"
    for day in ("01", "02"):
        s3.put_object(
            Bucket="lake",
            Body=_parquet(300 + int(day)),
            Key=f"curated/table=events/year=2026/month=02/day={day}/part-0.parquet",
        )
    return {"s3": s3, "athena": athena, "glue": glue}
