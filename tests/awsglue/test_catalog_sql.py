"""Spark SQL over the Data Catalog with ``--enable-glue-datacatalog`` (Glue: "Using the
AWS Glue Data Catalog as the Apache Spark Hive metastore"): catalog tables answer
``spark.sql`` and ``spark.table``; without the flag Spark's own catalog is used."""

from __future__ import annotations

import sys
from typing import Any

import pytest
from pyspark.errors import AnalysisException

BUCKET = "sqlcat"


@pytest.fixture
def catalog(lakestack: Any, glue_context: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Two catalog tables: JSON events partitioned by day, and a CSV dimension."""
    from awsglue.context import GlueContext

    monkeypatch.setattr(sys, "argv", ["job.py", "--enable-glue-datacatalog", "true"])
    s3, glue = lakestack.client("s3"), lakestack.client("glue")
    s3.create_bucket(Bucket=BUCKET)
    for day, body in (
        ("01", '{"k": "a", "n": 1}\n{"k": "b", "n": 2}\n'),
        ("02", '{"k": "a", "n": 5}\n'),
    ):
        s3.put_object(Bucket=BUCKET, Key=f"ev/day={day}/x.json", Body=body.encode())
    s3.put_object(Bucket=BUCKET, Key="dim/d.csv", Body=b"a,Alpha\nb,Beta\n")
    glue.create_database(DatabaseInput={"Name": "lake"})
    glue.create_table(
        DatabaseName="lake",
        TableInput={
            "Name": "events",
            "TableType": "EXTERNAL_TABLE",
            "Parameters": {"classification": "json"},
            "PartitionKeys": [{"Name": "day", "Type": "string"}],
            "StorageDescriptor": {
                "Columns": [{"Name": "k", "Type": "string"}, {"Name": "n", "Type": "int"}],
                "Location": f"s3://{BUCKET}/ev/",
            },
        },
    )
    glue.batch_create_partition(
        DatabaseName="lake",
        TableName="events",
        PartitionInputList=[
            {"Values": [d], "StorageDescriptor": {"Location": f"s3://{BUCKET}/ev/day={d}/"}}
            for d in ("01", "02")
        ],
    )
    glue.create_table(
        DatabaseName="lake",
        TableInput={
            "Name": "dim",
            "TableType": "EXTERNAL_TABLE",
            "Parameters": {"classification": "csv"},
            "StorageDescriptor": {
                "Columns": [{"Name": "k", "Type": "string"}, {"Name": "label", "Type": "string"}],
                "Location": f"s3://{BUCKET}/dim/",
                "SerdeInfo": {
                    "SerializationLibrary": "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
                    "Parameters": {"field.delim": ","},
                },
            },
        },
    )
    return GlueContext(glue_context.spark_session.sparkContext).spark_session


def test_spark_sql_reads_catalog_tables_with_partition_filter_and_join(catalog: Any) -> None:
    rows = catalog.sql(
        "WITH totals AS (SELECT k, sum(n) AS n FROM lake.events WHERE day = '01' GROUP BY k) "
        "SELECT d.label, t.n FROM totals t JOIN lake.dim d ON d.k = t.k ORDER BY d.label"
    ).collect()
    assert [tuple(r) for r in rows] == [("Alpha", 1), ("Beta", 2)]


def test_spark_table_reads_a_catalog_table_with_partition_values_as_strings(catalog: Any) -> None:
    df = catalog.table("lake.events")
    assert sorted((r["k"], r["n"], r["day"]) for r in df.collect()) == [
        ("a", 1, "01"),
        ("a", 5, "02"),
        ("b", 2, "01"),
    ]


def test_unknown_catalog_table_is_sparks_table_not_found(catalog: Any) -> None:
    with pytest.raises(AnalysisException, match="TABLE_OR_VIEW_NOT_FOUND"):
        catalog.sql("SELECT * FROM lake.nosuch")


def test_without_the_flag_spark_uses_its_own_catalog(
    catalog: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "argv", ["job.py"])
    with pytest.raises(AnalysisException, match="TABLE_OR_VIEW_NOT_FOUND|SCHEMA_NOT_FOUND"):
        catalog.sql("SELECT * FROM lake.events")
