"""awswrangler, unchanged, against the endpoint: a partitioned Parquet dataset registered
in the catalog, read back, and queried through Athena both ways (issue 3)."""

from __future__ import annotations

from typing import Any

import awswrangler as wr
import pandas as pd
import pytest

BUCKET = "wrangler-lake"
# awswrangler's own use of pandas APIs that pandas 3 deprecates is not ours to fix
pytestmark = pytest.mark.filterwarnings(
    "ignore:The inplace keyword:Warning", "ignore::DeprecationWarning"
)


@pytest.fixture
def lake(lakestack: Any) -> Any:
    """awswrangler builds its own boto3 sessions: AWS_ENDPOINT_URL (set by the fixture)
    points every one of them at lakestack."""
    lakestack.client("s3").create_bucket(Bucket=BUCKET)
    wr.catalog.create_database("wr_db", exist_ok=True)
    df = pd.DataFrame(
        {
            "event_id": [f"e{i}" for i in range(12)],
            "amount": [float(i) for i in range(12)],
            "year": ["2026"] * 12,
            "month": ["01"] * 6 + ["02"] * 6,
        }
    )
    wr.s3.to_parquet(
        df,
        path=f"s3://{BUCKET}/curated/events/",
        dataset=True,
        partition_cols=["year", "month"],
        database="wr_db",
        table="events",
    )
    return lakestack


def test_to_parquet_registers_table_and_partitions(lake: Any) -> None:
    table = wr.catalog.table(database="wr_db", table="events")
    assert set(table["Column Name"]) >= {"event_id", "amount", "year", "month"}
    partitions = wr.catalog.get_parquet_partitions(database="wr_db", table="events")
    assert sorted(tuple(v) for v in partitions.values()) == [("2026", "01"), ("2026", "02")]
    assert "wr_db" in set(wr.catalog.databases()["Database"])


def test_read_parquet_dataset_keeps_partition_strings(lake: Any) -> None:
    df = wr.s3.read_parquet(f"s3://{BUCKET}/curated/events/", dataset=True)
    assert len(df) == 12
    assert sorted(df["month"].astype(str).unique()) == ["01", "02"]


@pytest.mark.parametrize("ctas", [False, True])
def test_athena_read_sql_query(lake: Any, ctas: bool) -> None:
    lake.client("s3").create_bucket(Bucket="wr-results")
    df = wr.athena.read_sql_query(
        "SELECT month, count(*) AS n, sum(amount) AS total FROM events "
        "WHERE year = '2026' GROUP BY month ORDER BY month",
        database="wr_db",
        ctas_approach=ctas,
        s3_output="s3://wr-results/out/",
    )
    assert list(df["month"]) == ["01", "02"]
    assert list(df["n"]) == [6, 6]
    assert list(df["total"]) == [15.0, 51.0]
