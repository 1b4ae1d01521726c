"""The Glue Data Catalog through boto3 against the live endpoint."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import botocore.exceptions
import pytest

TABLE_INPUT: dict[str, Any] = {
    "Name": "events",
    "TableType": "EXTERNAL_TABLE",
    "Parameters": {"classification": "parquet", "projection.enabled": "false"},
    "PartitionKeys": [
        {"Name": "year", "Type": "string"},
        {"Name": "month", "Type": "string"},
        {"Name": "day", "Type": "string"},
    ],
    "StorageDescriptor": {
        "Columns": [
            {"Name": "event_id", "Type": "string", "Comment": "id"},
            {"Name": "amount", "Type": "double"},
        ],
        "Location": "s3://lake/curated/events/",
        "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
        "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
        "SerdeInfo": {
            "SerializationLibrary": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
            "Parameters": {"serialization.format": "1"},
        },
        "Compressed": False,
        "NumberOfBuckets": -1,
        "StoredAsSubDirectories": False,
        "BucketColumns": [],
        "SortColumns": [{"Column": "event_id", "SortOrder": 1}],
    },
}


def _error(exc: pytest.ExceptionInfo[botocore.exceptions.ClientError]) -> tuple[str, str, int]:
    r = exc.value.response
    return r["Error"]["Code"], r["Error"]["Message"], r["ResponseMetadata"]["HTTPStatusCode"]


@pytest.fixture
def glue(lakestack_client: Any) -> Any:
    return lakestack_client("glue")


@pytest.fixture
def events(glue: Any) -> str:
    glue.create_database(DatabaseInput={"Name": "lake", "LocationUri": "s3://lake/"})
    glue.create_table(DatabaseName="lake", TableInput=TABLE_INPUT)
    return "events"


def _partition(*values: str) -> dict[str, Any]:
    return {
        "Values": list(values),
        "StorageDescriptor": {
            "Location": "s3://lake/curated/events/" + "/".join(values) + "/",
            "Columns": TABLE_INPUT["StorageDescriptor"]["Columns"],
        },
    }


def test_create_database_then_get_databases_lists_it(glue: Any) -> None:
    glue.create_database(
        DatabaseInput={"Name": "Sales", "Description": "d", "Parameters": {"k": "v"}}
    )
    db = glue.get_database(Name="sales")["Database"]
    assert (db["Name"], db["Description"], db["Parameters"]) == ("sales", "d", {"k": "v"})
    assert isinstance(db["CreateTime"], datetime) and db["CatalogId"] == "000000000000"
    assert [d["Name"] for d in glue.get_databases()["DatabaseList"]] == ["sales"]


def test_create_database_twice_raises_already_exists(glue: Any) -> None:
    glue.create_database(DatabaseInput={"Name": "sales"})
    with pytest.raises(glue.exceptions.AlreadyExistsException) as exc:
        glue.create_database(DatabaseInput={"Name": "sales"})
    assert _error(exc) == ("AlreadyExistsException", "Database already exists.", 400)


def test_get_database_missing_raises_entity_not_found(glue: Any) -> None:
    with pytest.raises(glue.exceptions.EntityNotFoundException) as exc:
        glue.get_database(Name="nosuch")
    assert _error(exc) == ("EntityNotFoundException", "Database nosuch not found.", 400)


def test_create_database_long_name_raises_invalid_input(glue: Any) -> None:
    with pytest.raises(glue.exceptions.InvalidInputException):
        glue.create_database(DatabaseInput={"Name": "x" * 256})


def test_get_table_returns_input_plus_catalog_fields(glue: Any, events: str) -> None:
    t = glue.get_table(DatabaseName="lake", Name=events)["Table"]
    for member in ("Name", "TableType", "Parameters", "PartitionKeys", "StorageDescriptor"):
        assert t[member] == TABLE_INPUT[member]
    assert t["DatabaseName"] == "lake" and t["CatalogId"] == "000000000000"
    assert t["IsRegisteredWithLakeFormation"] is False and t["VersionId"] == "0"
    assert isinstance(t["CreateTime"], datetime) and isinstance(t["UpdateTime"], datetime)
    assert t["CreatedBy"].startswith("arn:aws:iam::000000000000:")


def test_get_table_missing_raises_entity_not_found(glue: Any, events: str) -> None:
    with pytest.raises(glue.exceptions.EntityNotFoundException) as exc:
        glue.get_table(DatabaseName="lake", Name="nosuch")
    assert _error(exc)[:2] == ("EntityNotFoundException", "Table nosuch not found.")


def test_get_tables_expression_and_update_and_delete(glue: Any, events: str) -> None:
    glue.create_table(DatabaseName="lake", TableInput={"Name": "orders"})
    tables = glue.get_tables(DatabaseName="lake", Expression="ev*")["TableList"]
    assert [t["Name"] for t in tables] == ["events"]
    changed = {**TABLE_INPUT, "Parameters": {"classification": "json"}}
    glue.update_table(DatabaseName="lake", TableInput=changed)
    t = glue.get_table(DatabaseName="lake", Name="events")["Table"]
    assert (t["Parameters"], t["VersionId"]) == ({"classification": "json"}, "1")
    glue.delete_table(DatabaseName="lake", Name="orders")
    errors = glue.batch_delete_table(DatabaseName="lake", TablesToDelete=["events", "gone"])
    assert errors["Errors"] == [
        {
            "TableName": "gone",
            "ErrorDetail": {
                "ErrorCode": "EntityNotFoundException",
                "ErrorMessage": "Table gone not found.",
            },
        }
    ]
    assert glue.get_tables(DatabaseName="lake")["TableList"] == []


def test_search_tables_filters_by_database(glue: Any, events: str) -> None:
    glue.create_database(DatabaseInput={"Name": "other"})
    glue.create_table(DatabaseName="other", TableInput={"Name": "events_copy"})
    found = glue.search_tables(
        SearchText="events", Filters=[{"Key": "DatabaseName", "Value": "other"}]
    )["TableList"]
    assert [(t["DatabaseName"], t["Name"]) for t in found] == [("other", "events_copy")]


def test_get_partitions_expression_year_month_in(glue: Any, events: str) -> None:
    days = [(y, m, "01") for y in ("2025", "2026") for m in ("01", "02", "03")]
    out = glue.batch_create_partition(
        DatabaseName="lake", TableName=events, PartitionInputList=[_partition(*d) for d in days]
    )
    assert out["Errors"] == []
    parts = glue.get_partitions(
        DatabaseName="lake", TableName=events, Expression="year = '2026' AND month IN ('01','02')"
    )
    assert [p["Values"] for p in parts["Partitions"]] == [
        ["2026", "01", "01"],
        ["2026", "02", "01"],
    ]
    first = parts["Partitions"][0]
    assert first["StorageDescriptor"]["Location"] == "s3://lake/curated/events/2026/01/01/"
    assert isinstance(first["CreationTime"], datetime)


def test_get_partitions_paginator_and_exclude_column_schema(glue: Any, events: str) -> None:
    glue.batch_create_partition(
        DatabaseName="lake",
        TableName=events,
        PartitionInputList=[_partition("2026", "01", f"{d:02d}") for d in range(1, 8)],
    )
    pages = glue.get_paginator("get_partitions").paginate(
        DatabaseName="lake",
        TableName=events,
        ExcludeColumnSchema=True,
        PaginationConfig={"PageSize": 3},
    )
    parts = [p for page in pages for p in page["Partitions"]]
    assert [p["Values"][2] for p in parts] == [f"{d:02d}" for d in range(1, 8)]
    assert all("Columns" not in p["StorageDescriptor"] for p in parts)


def test_get_partitions_segments_cover_all(glue: Any, events: str) -> None:
    glue.batch_create_partition(
        DatabaseName="lake",
        TableName=events,
        PartitionInputList=[_partition("2026", "01", f"{d:02d}") for d in range(1, 11)],
    )
    seen = [
        p["Values"][2]
        for n in range(4)
        for p in glue.get_partitions(
            DatabaseName="lake", TableName=events, Segment={"SegmentNumber": n, "TotalSegments": 4}
        )["Partitions"]
    ]
    assert sorted(seen) == [f"{d:02d}" for d in range(1, 11)]


def test_get_partitions_bad_expression_raises_invalid_input(glue: Any, events: str) -> None:
    for expression in ("year = ", "hour = '01'"):
        with pytest.raises(glue.exceptions.InvalidInputException):
            glue.get_partitions(DatabaseName="lake", TableName=events, Expression=expression)


def test_batch_create_partition_reports_duplicates_per_entry(glue: Any, events: str) -> None:
    glue.create_partition(
        DatabaseName="lake", TableName=events, PartitionInput=_partition("2026", "07", "01")
    )
    out = glue.batch_create_partition(
        DatabaseName="lake",
        TableName=events,
        PartitionInputList=[_partition("2026", "07", "01"), _partition("2026", "07", "02")],
    )
    assert out["Errors"] == [
        {
            "PartitionValues": ["2026", "07", "01"],
            "ErrorDetail": {
                "ErrorCode": "AlreadyExistsException",
                "ErrorMessage": "Partition already exists.",
            },
        }
    ]


def test_create_partition_twice_raises_already_exists(glue: Any, events: str) -> None:
    glue.create_partition(
        DatabaseName="lake", TableName=events, PartitionInput=_partition("2026", "07", "01")
    )
    with pytest.raises(glue.exceptions.AlreadyExistsException):
        glue.create_partition(
            DatabaseName="lake", TableName=events, PartitionInput=_partition("2026", "07", "01")
        )


def test_partition_get_update_batch_get_and_delete(glue: Any, events: str) -> None:
    glue.create_partition(
        DatabaseName="lake", TableName=events, PartitionInput=_partition("2026", "07", "01")
    )
    glue.update_partition(
        DatabaseName="lake",
        TableName=events,
        PartitionValueList=["2026", "07", "01"],
        PartitionInput={**_partition("2026", "07", "01"), "Parameters": {"k": "v"}},
    )
    p = glue.get_partition(
        DatabaseName="lake", TableName=events, PartitionValues=["2026", "07", "01"]
    )["Partition"]
    assert p["Parameters"] == {"k": "v"} and p["Values"] == ["2026", "07", "01"]
    got = glue.batch_get_partition(
        DatabaseName="lake",
        TableName=events,
        PartitionsToGet=[{"Values": ["2026", "07", "01"]}, {"Values": ["2026", "07", "09"]}],
    )
    assert [q["Values"] for q in got["Partitions"]] == [["2026", "07", "01"]]
    assert got["UnprocessedKeys"] == []
    upd = glue.batch_update_partition(
        DatabaseName="lake",
        TableName=events,
        Entries=[
            {"PartitionValueList": ["1", "2", "3"], "PartitionInput": _partition("1", "2", "3")}
        ],
    )
    assert upd["Errors"][0]["PartitionValueList"] == ["1", "2", "3"]
    assert upd["Errors"][0]["ErrorDetail"]["ErrorCode"] == "EntityNotFoundException"
    out = glue.batch_delete_partition(
        DatabaseName="lake",
        TableName=events,
        PartitionsToDelete=[{"Values": ["2026", "07", "01"]}, {"Values": ["2026", "07", "09"]}],
    )
    assert out["Errors"] == [
        {
            "PartitionValues": ["2026", "07", "09"],
            "ErrorDetail": {
                "ErrorCode": "EntityNotFoundException",
                "ErrorMessage": "Cannot find partition.",
            },
        }
    ]
    with pytest.raises(glue.exceptions.EntityNotFoundException) as exc:
        glue.delete_partition(
            DatabaseName="lake", TableName=events, PartitionValues=["2026", "07", "01"]
        )
    assert _error(exc)[1] == "Cannot find partition."


def test_delete_database_cascades(glue: Any, events: str) -> None:
    glue.create_partition(
        DatabaseName="lake", TableName=events, PartitionInput=_partition("2026", "07", "01")
    )
    glue.delete_database(Name="lake")
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_table(DatabaseName="lake", Name=events)
    assert glue.get_databases()["DatabaseList"] == []
