"""Athena through boto3 against the live endpoint, with S3 and Glue."""

from __future__ import annotations

from typing import Any

import botocore.exceptions
import pytest
from athena_wire_helpers import OUT, _run, _wait  # noqa: F401


def test_start_query_execution_seed_table_one_day(lake: dict[str, Any]) -> None:
    q = _run(
        lake["athena"],
        "SELECT event_type, count(*) AS n FROM events WHERE "
        "year = '2026' AND month = '02' AND day = '02' GROUP BY 1 ORDER BY 1",
    )
    assert q["Status"]["State"] == "SUCCEEDED"
    assert q["StatementType"] == "DML"
    assert q["ResultConfiguration"]["OutputLocation"] == f"{OUT}{q['QueryExecutionId']}.csv"
    assert q["Statistics"]["DataScannedInBytes"] > 0
    r = lake["athena"].get_query_results(QueryExecutionId=q["QueryExecutionId"])
    rows = [[d.get("VarCharValue") for d in row["Data"]] for row in r["ResultSet"]["Rows"]]
    assert rows == [["event_type", "n"], ["buy", "101"], ["view", "201"]]
    info = r["ResultSet"]["ResultSetMetadata"]["ColumnInfo"]
    assert [(c["Name"], c["Type"]) for c in info] == [("event_type", "varchar"), ("n", "bigint")]
    keys = {o["Key"] for o in lake["s3"].list_objects_v2(Bucket="results")["Contents"]}
    assert {f"out/{q['QueryExecutionId']}.csv", f"out/{q['QueryExecutionId']}.csv.metadata"} <= keys


def test_create_database_in_athena_is_listed_by_glue(lake: dict[str, Any]) -> None:
    names = [d["Name"] for d in lake["glue"].get_databases()["DatabaseList"]]
    assert "analytics" in names


def test_table_created_with_glue_api_is_queryable(lake: dict[str, Any]) -> None:
    lake["s3"].put_object(Bucket="lake", Key="raw/t/x.csv", Body=b"a,1\nb,2\n")
    lake["glue"].create_table(
        DatabaseName="analytics",
        TableInput={
            "Name": "raw",
            "TableType": "EXTERNAL_TABLE",
            "StorageDescriptor": {
                "Columns": [{"Name": "k", "Type": "string"}, {"Name": "v", "Type": "int"}],
                "Location": "s3://lake/raw/t/",
                "InputFormat": "org.apache.hadoop.mapred.TextInputFormat",
                "SerdeInfo": {
                    "SerializationLibrary": "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
                    "Parameters": {"field.delim": ","},
                },
            },
        },
    )
    q = _run(lake["athena"], "SELECT sum(v) AS total FROM raw")
    r = lake["athena"].get_query_results(QueryExecutionId=q["QueryExecutionId"])
    assert r["ResultSet"]["Rows"][1]["Data"] == [{"VarCharValue": "3"}]


def test_get_query_results_paginator_header_once(lake: dict[str, Any]) -> None:
    q = _run(
        lake["athena"],
        "SELECT event_id FROM events WHERE year = '2026' AND month = '02' AND day = '01'",
    )
    pages = (
        lake["athena"]
        .get_paginator("get_query_results")
        .paginate(QueryExecutionId=q["QueryExecutionId"], PaginationConfig={"PageSize": 100})
    )
    rows = [row for page in pages for row in page["ResultSet"]["Rows"]]
    assert len(rows) == 302
    values = [row["Data"][0].get("VarCharValue") for row in rows]
    assert values.count("event_id") == 1 and values[0] == "event_id"


def test_get_query_results_null_is_datum_without_value(lake: dict[str, Any]) -> None:
    q = _run(lake["athena"], "SELECT CAST(NULL AS varchar) AS x, '' AS y")
    r = lake["athena"].get_query_results(QueryExecutionId=q["QueryExecutionId"])
    assert r["ResultSet"]["Rows"][1]["Data"] == [{}, {"VarCharValue": ""}]


def test_bad_sql_fails_with_syntax_error_and_no_charge(
    lake: dict[str, Any], lakestack: Any
) -> None:
    q = _run(lake["athena"], "SELECT FROM WHERE")
    assert q["Status"]["State"] == "FAILED"
    assert q["Status"]["StateChangeReason"].startswith("SYNTAX_ERROR: line 1:")
    assert q["Status"]["AthenaError"]["ErrorCategory"] == 2
    assert not [r for r in lakestack.usage() if r.service == "athena"]


def test_missing_table_fails_table_not_found(lake: dict[str, Any]) -> None:
    q = _run(lake["athena"], "SELECT * FROM nosuch")
    assert q["Status"]["StateChangeReason"].startswith("TABLE_NOT_FOUND: ")


def test_no_output_location_is_invalid_request(lake: dict[str, Any]) -> None:
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        lake["athena"].start_query_execution(QueryString="SELECT 1")
    err = exc.value.response["Error"]
    assert err["Code"] == "InvalidRequestException"
    assert err["Message"].startswith("No output location provided.")


def test_work_group_crud_and_cutoff_cancels(lake: dict[str, Any], lakestack: Any) -> None:
    athena = lake["athena"]
    athena.create_work_group(
        Name="capped",
        Configuration={
            "ResultConfiguration": {"OutputLocation": "s3://results/capped/"},
            "EnforceWorkGroupConfiguration": True,
            "BytesScannedCutoffPerQuery": 10_000_000,
        },
    )
    wg = athena.get_work_group(WorkGroup="capped")["WorkGroup"]
    assert wg["Configuration"]["BytesScannedCutoffPerQuery"] == 10_000_000
    assert {g["Name"] for g in athena.list_work_groups()["WorkGroups"]} == {"capped", "primary"}
    lake["s3"].put_object(
        Bucket="lake", Key="big/x.csv", Body=b"a" * 99 + b"\n" * 1 + (b"b" * 99 + b"\n") * 105_000
    )
    _run(athena, "CREATE EXTERNAL TABLE big (a string) LOCATION 's3://lake/big/'")
    q = _run(athena, "SELECT count(*) FROM big", WorkGroup="capped")
    assert q["Status"]["State"] == "CANCELLED"
    assert "Bytes scanned limit was exceeded" in q["Status"]["StateChangeReason"]
    athena.update_work_group(WorkGroup="capped", State="DISABLED")
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        athena.start_query_execution(QueryString="SELECT 1", WorkGroup="capped")
    assert exc.value.response["Error"]["Message"] == "WorkGroup capped is disabled."
    athena.delete_work_group(WorkGroup="capped")
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        athena.get_work_group(WorkGroup="capped")
    assert exc.value.response["Error"]["Code"] == "InvalidRequestException"


def test_ctas_reports_manifest_and_update_count(lake: dict[str, Any]) -> None:
    q = _run(
        lake["athena"],
        "CREATE TABLE buys AS SELECT user_id, count(*) AS n FROM events "
        "WHERE year = '2026' AND month = '02' AND day = '01' AND event_type = 'buy' "
        "GROUP BY user_id",
    )
    assert q["Status"]["State"] == "SUCCEEDED", q["Status"].get("StateChangeReason")
    manifest = q["Statistics"]["DataManifestLocation"]
    assert manifest == f"{OUT}{q['QueryExecutionId']}-manifest.csv"
    r = lake["athena"].get_query_results(QueryExecutionId=q["QueryExecutionId"])
    assert r["UpdateCount"] == 5 and r["ResultSet"]["Rows"] == []


def test_list_and_batch_get_query_executions(lake: dict[str, Any]) -> None:
    first = _run(lake["athena"], "SELECT 1")["QueryExecutionId"]
    second = _run(lake["athena"], "SELECT 2")["QueryExecutionId"]
    ids = lake["athena"].list_query_executions()["QueryExecutionIds"]
    assert ids[:2] == [second, first]
    got = lake["athena"].batch_get_query_execution(QueryExecutionIds=[first, "nope"])
    assert [q["QueryExecutionId"] for q in got["QueryExecutions"]] == [first]
    assert got["UnprocessedQueryExecutionIds"][0]["QueryExecutionId"] == "nope"


def test_catalog_metadata_api(lake: dict[str, Any]) -> None:
    athena = lake["athena"]
    assert athena.list_data_catalogs()["DataCatalogsSummary"][0]["CatalogName"] == (
        "AwsDataCatalog"
    )
    dbs = athena.list_databases(CatalogName="AwsDataCatalog")["DatabaseList"]
    assert "analytics" in [d["Name"] for d in dbs]
    t = athena.get_table_metadata(
        CatalogName="AwsDataCatalog", DatabaseName="analytics", TableName="events"
    )["TableMetadata"]
    assert [c["Name"] for c in t["PartitionKeys"]] == ["year", "month", "day"]
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        athena.get_table_metadata(
            CatalogName="AwsDataCatalog", DatabaseName="analytics", TableName="nope"
        )
    assert exc.value.response["Error"]["Code"] == "MetadataException"


def test_named_queries_wire(lake: dict[str, Any]) -> None:
    athena = lake["athena"]
    qid = athena.create_named_query(Name="n", Database="analytics", QueryString="SELECT 1")[
        "NamedQueryId"
    ]
    assert athena.get_named_query(NamedQueryId=qid)["NamedQuery"]["QueryString"] == "SELECT 1"
    assert athena.list_named_queries()["NamedQueryIds"] == [qid]
    athena.delete_named_query(NamedQueryId=qid)
