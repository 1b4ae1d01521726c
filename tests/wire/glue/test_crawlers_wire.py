"""Glue crawlers through boto3 against the live endpoint: S3 targets of Parquet, JSON lines
and CSV under Hive partitions become catalog tables that Athena queries."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

import botocore.exceptions
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from lakestack.emulator import Emulator

ACCOUNT, REGION = "000000000000", "us-east-1"
ROLE = "arn:aws:iam::000000000000:role/service-role/AWSGlueServiceRole-lake"
OUT = "s3://results/out/"


@pytest.fixture
def s3(lakestack_client: Any) -> Any:
    client = lakestack_client("s3")
    client.create_bucket(Bucket="lake")
    client.create_bucket(Bucket="results")
    return client


@pytest.fixture
def glue(lakestack_client: Any) -> Any:
    client = lakestack_client("glue")
    client.create_database(DatabaseInput={"Name": "lake"})
    return client


@pytest.fixture
def athena(lakestack_client: Any) -> Any:
    return lakestack_client("athena")


def parquet(**columns: list[Any]) -> bytes:
    buf = io.BytesIO()
    pq.write_table(pa.table(columns), buf)
    return buf.getvalue()


def put_sales(s3: Any, month: str, ids: list[int], amounts: list[float]) -> None:
    s3.put_object(
        Bucket="lake",
        Key=f"sales/year=2026/month={month}/part-0.parquet",
        Body=parquet(id=ids, amount=amounts),
    )


def create(glue: Any, name: str = "sales", path: str = "s3://lake/sales/", **kw: Any) -> None:
    glue.create_crawler(
        Name=name, Role=ROLE, DatabaseName="lake", Targets={"S3Targets": [{"Path": path}]}, **kw
    )


def crawl(emu: Emulator, glue: Any, name: str = "sales") -> dict[str, Any]:
    glue.start_crawler(Name=name)
    emu.glue.crawlers.wait_crawler(ACCOUNT, REGION, name, timeout=30)
    return dict(glue.get_crawler(Name=name)["Crawler"])


def query(emu: Emulator, athena: Any, sql: str) -> list[list[str | None]]:
    qid = athena.start_query_execution(
        QueryString=sql,
        QueryExecutionContext={"Database": "lake"},
        ResultConfiguration={"OutputLocation": OUT},
    )["QueryExecutionId"]
    emu.athena.wait(ACCOUNT, REGION, qid)
    status = athena.get_query_execution(QueryExecutionId=qid)["QueryExecution"]["Status"]
    assert status["State"] == "SUCCEEDED", status
    rows = athena.get_query_results(QueryExecutionId=qid)["ResultSet"]["Rows"]
    return [[d.get("VarCharValue") for d in r["Data"]] for r in rows[1:]]


def columns(table: dict[str, Any]) -> list[tuple[str, str]]:
    return [(c["Name"], c["Type"]) for c in table["StorageDescriptor"]["Columns"]]


def partitions(glue: Any, table: str) -> list[tuple[list[str], str]]:
    parts = glue.get_partitions(DatabaseName="lake", TableName=table)["Partitions"]
    return sorted((p["Values"], p["StorageDescriptor"]["Location"]) for p in parts)


def error_code(exc: pytest.ExceptionInfo[botocore.exceptions.ClientError]) -> str:
    return str(exc.value.response["Error"]["Code"])


# -- what crawls create -------------------------------------------------------------------


def test_crawl_parquet_hive_partitions_creates_table(
    lakestack: Emulator, s3: Any, glue: Any
) -> None:
    put_sales(s3, "01", [1, 2], [1.5, 2.5])
    put_sales(s3, "02", [3], [4.0])
    s3.put_object(Bucket="lake", Key="sales/_SUCCESS", Body=b"")
    create(glue)
    crawler = crawl(lakestack, glue)
    assert crawler["State"] == "READY" and crawler["LastCrawl"]["Status"] == "SUCCEEDED"
    assert isinstance(crawler["LastCrawl"]["StartTime"], datetime)
    table = glue.get_table(DatabaseName="lake", Name="sales")["Table"]
    assert table["TableType"] == "EXTERNAL_TABLE"
    assert table["StorageDescriptor"]["Location"] == "s3://lake/sales/"
    assert columns(table) == [("id", "bigint"), ("amount", "double")]
    assert [(k["Name"], k["Type"]) for k in table["PartitionKeys"]] == [
        ("year", "string"),
        ("month", "string"),
    ]
    assert table["Parameters"]["classification"] == "parquet"
    assert table["Parameters"]["UPDATED_BY_CRAWLER"] == "sales"
    serde = table["StorageDescriptor"]["SerdeInfo"]
    assert serde["SerializationLibrary"] == (
        "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
    )
    assert table["StorageDescriptor"]["InputFormat"] == (
        "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
    )
    assert partitions(glue, "sales") == [
        (["2026", "01"], "s3://lake/sales/year=2026/month=01/"),
        (["2026", "02"], "s3://lake/sales/year=2026/month=02/"),
    ]


def test_crawl_json_lines_nested_types_and_athena_reads_them(
    lakestack: Emulator, s3: Any, glue: Any, athena: Any
) -> None:
    s3.put_object(
        Bucket="lake",
        Key="events/year=2026/month=02/day=01.json",
        Body=b'{"event_id": "e1", "user": {"id": 7, "tier": "gold"}, "tags": ["a", "b"]}\n'
        b'{"event_id": "e2", "user": {"id": 8, "tier": "free"}, "score": 0.5}\n',
    )
    create(glue, "events", "s3://lake/events")
    assert crawl(lakestack, glue, "events")["LastCrawl"]["Status"] == "SUCCEEDED"
    table = glue.get_table(DatabaseName="lake", Name="events")["Table"]
    assert columns(table) == [
        ("event_id", "string"),
        ("user", "struct<id:bigint,tier:string>"),
        ("tags", "array<string>"),
        ("score", "double"),
    ]
    assert table["Parameters"]["classification"] == "json"
    assert table["StorageDescriptor"]["SerdeInfo"]["SerializationLibrary"] == (
        "org.openx.data.jsonserde.JsonSerDe"
    )
    assert partitions(glue, "events") == [(["2026", "02"], "s3://lake/events/year=2026/month=02/")]
    rows = query(
        lakestack,
        athena,
        'SELECT event_id, "user".tier, score, month FROM events ORDER BY event_id',
    )
    assert rows == [["e1", "gold", None, "02"], ["e2", "free", "0.5", "02"]]


def test_crawl_csv_with_header_and_athena_skips_it(
    lakestack: Emulator, s3: Any, glue: Any, athena: Any
) -> None:
    for month, body in (
        ("01", b"id,item,price\n1,apple,1.5\n2,pear,2\n"),
        ("02", b"id,item,price\n3,fig,4.25\n"),
    ):
        s3.put_object(Bucket="lake", Key=f"orders/year=2026/month={month}/orders.csv", Body=body)
    create(glue, "orders", "s3://lake/orders/")
    assert crawl(lakestack, glue, "orders")["LastCrawl"]["Status"] == "SUCCEEDED"
    table = glue.get_table(DatabaseName="lake", Name="orders")["Table"]
    assert columns(table) == [("id", "bigint"), ("item", "string"), ("price", "double")]
    assert table["Parameters"]["classification"] == "csv"
    assert table["Parameters"]["skip.header.line.count"] == "1"
    assert table["StorageDescriptor"]["SerdeInfo"] == {
        "SerializationLibrary": "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
        "Parameters": {"field.delim": ","},
    }
    assert [v for v, _ in partitions(glue, "orders")] == [["2026", "01"], ["2026", "02"]]
    rows = query(
        lakestack,
        athena,
        "SELECT month, count(*), sum(price) FROM orders WHERE year = '2026' "
        "GROUP BY month ORDER BY month",
    )
    assert rows == [["01", "2", "3.5"], ["02", "1", "4.25"]]


def test_recrawl_after_new_partition_adds_it_and_athena_sees_it(
    lakestack: Emulator, s3: Any, glue: Any, athena: Any
) -> None:
    put_sales(s3, "01", [1, 2], [1.5, 2.5])
    create(glue)
    crawl(lakestack, glue)
    assert query(lakestack, athena, "SELECT count(*), sum(amount) FROM sales") == [["2", "4.0"]]
    put_sales(s3, "02", [3, 4, 5], [1.0, 1.0, 1.0])
    crawler = crawl(lakestack, glue)
    assert crawler["LastCrawl"]["Status"] == "SUCCEEDED"
    assert [v for v, _ in partitions(glue, "sales")] == [["2026", "01"], ["2026", "02"]]
    rows = query(
        lakestack, athena, "SELECT month, count(*) FROM sales GROUP BY month ORDER BY month"
    )
    assert rows == [["01", "2"], ["02", "3"]]
    (metrics,) = glue.get_crawler_metrics(CrawlerNameList=["sales"])["CrawlerMetricsList"]
    assert (metrics["TablesCreated"], metrics["TablesUpdated"], metrics["TablesDeleted"]) == (
        0,
        1,
        0,
    )
    assert metrics["StillEstimating"] is False and metrics["TimeLeftSeconds"] == 0.0
    assert metrics["LastRuntimeSeconds"] >= 0.0 and metrics["MedianRuntimeSeconds"] >= 0.0


def test_crawl_bills_dpu_seconds_with_ten_minute_minimum(
    lakestack: Emulator, s3: Any, glue: Any
) -> None:
    put_sales(s3, "01", [1], [1.0])
    create(glue)
    crawl(lakestack, glue)
    lakestack.meter.flush()
    billed = [u for u in lakestack.usage() if u.service == "glue" and u.operation == "CrawlerRun"]
    assert [(u.resource, u.dimension) for u in billed] == [("sales", "DPU-Seconds")]
    assert billed[0].quantity == 600.0


# -- definitions --------------------------------------------------------------------------


def test_crawler_definition_round_trip(glue: Any) -> None:
    create(
        glue,
        Description="nightly",
        TablePrefix="raw_",
        Schedule="cron(0 3 * * ? *)",
        SchemaChangePolicy={"UpdateBehavior": "LOG", "DeleteBehavior": "LOG"},
        Configuration='{"Version": 1.0}',
        Tags={"team": "data"},
    )
    create(glue, "other", "s3://lake/other/")
    crawler = glue.get_crawler(Name="sales")["Crawler"]
    assert crawler["State"] == "READY" and crawler["Version"] == 1
    assert crawler["Targets"] == {"S3Targets": [{"Path": "s3://lake/sales/"}]}
    assert crawler["Schedule"] == {"ScheduleExpression": "cron(0 3 * * ? *)", "State": "SCHEDULED"}
    assert crawler["SchemaChangePolicy"] == {"UpdateBehavior": "LOG", "DeleteBehavior": "LOG"}
    assert crawler["RecrawlPolicy"] == {"RecrawlBehavior": "CRAWL_EVERYTHING"}
    assert (crawler["TablePrefix"], crawler["Description"]) == ("raw_", "nightly")
    assert "LastCrawl" not in crawler and isinstance(crawler["CreationTime"], datetime)
    assert [c["Name"] for c in glue.get_crawlers()["Crawlers"]] == ["other", "sales"]
    assert glue.list_crawlers()["CrawlerNames"] == ["other", "sales"]
    assert glue.list_crawlers(Tags={"team": "data"})["CrawlerNames"] == ["sales"]
    page = glue.get_crawlers(MaxResults=1)
    assert [c["Name"] for c in page["Crawlers"]] == ["other"] and page["NextToken"]
    glue.update_crawler(
        Name="sales",
        Description="hourly",
        Targets={"S3Targets": [{"Path": "s3://lake/s2/", "Exclusions": ["**.tmp"]}]},
    )
    updated = glue.get_crawler(Name="sales")["Crawler"]
    assert (updated["Description"], updated["Version"], updated["TablePrefix"]) == (
        "hourly",
        2,
        "raw_",
    )
    assert updated["Targets"]["S3Targets"] == [{"Path": "s3://lake/s2/", "Exclusions": ["**.tmp"]}]
    glue.delete_crawler(Name="sales")
    assert glue.list_crawlers()["CrawlerNames"] == ["other"]


@pytest.mark.parametrize(
    "call",
    [
        lambda g: g.get_crawler(Name="nope"),
        lambda g: g.start_crawler(Name="nope"),
        lambda g: g.stop_crawler(Name="nope"),
        lambda g: g.delete_crawler(Name="nope"),
        lambda g: g.update_crawler(Name="nope", Description="x"),
    ],
    ids=["get", "start", "stop", "delete", "update"],
)
def test_missing_crawler_raises_entity_not_found(glue: Any, call: Any) -> None:
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        call(glue)
    assert error_code(exc) == "EntityNotFoundException"
    assert exc.value.response["Error"]["Message"] == "Crawler entry with name nope does not exist"
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_create_crawler_duplicate_raises_already_exists(glue: Any) -> None:
    create(glue)
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        create(glue)
    assert error_code(exc) == "AlreadyExistsException"


@pytest.mark.parametrize(
    "targets",
    [
        {"S3Targets": [{"Path": "lake/sales/"}]},
        {"S3Targets": []},
        {"JdbcTargets": [{"ConnectionName": "db", "Path": "db/%"}]},
    ],
    ids=["not-s3-uri", "no-target", "jdbc"],
)
def test_create_crawler_bad_target_raises_invalid_input(glue: Any, targets: dict[str, Any]) -> None:
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        glue.create_crawler(Name="bad", Role=ROLE, DatabaseName="lake", Targets=targets)
    assert error_code(exc) == "InvalidInputException"
    assert glue.list_crawlers()["CrawlerNames"] == []


def test_crawl_missing_bucket_fails_last_crawl(lakestack: Emulator, glue: Any) -> None:
    create(glue, path="s3://no-such-bucket/data/")
    last = crawl(lakestack, glue)["LastCrawl"]
    assert last["Status"] == "FAILED"
    assert last["ErrorMessage"].startswith("Error listing s3://no-such-bucket/data/: NoSuchBucket")


# -- states -------------------------------------------------------------------------------


def test_start_while_running_raises_crawler_running_then_stop_cancels(
    lakestack: Emulator, s3: Any, glue: Any
) -> None:
    put_sales(s3, "01", [1], [1.0])
    create(glue)
    lakestack.glue.crawlers.hold_crawls()
    try:
        glue.start_crawler(Name="sales")
        assert glue.get_crawler(Name="sales")["Crawler"]["State"] == "RUNNING"
        with pytest.raises(botocore.exceptions.ClientError) as exc:
            glue.start_crawler(Name="sales")
        assert error_code(exc) == "CrawlerRunningException"
        assert (
            exc.value.response["Error"]["Message"] == "Crawler with name sales has already started"
        )
        with pytest.raises(botocore.exceptions.ClientError) as exc:
            glue.delete_crawler(Name="sales")
        assert error_code(exc) == "CrawlerRunningException"
        (metrics,) = glue.get_crawler_metrics()["CrawlerMetricsList"]
        assert metrics["StillEstimating"] is True
        glue.stop_crawler(Name="sales")
        with pytest.raises(botocore.exceptions.ClientError) as exc:
            glue.stop_crawler(Name="sales")
        assert error_code(exc) == "CrawlerStoppingException"
        assert glue.get_crawler(Name="sales")["Crawler"]["State"] == "STOPPING"
    finally:
        lakestack.glue.crawlers.release_crawls()
    lakestack.glue.crawlers.wait_crawler(ACCOUNT, REGION, "sales", timeout=30)
    crawler = glue.get_crawler(Name="sales")["Crawler"]
    assert crawler["State"] == "READY" and crawler["LastCrawl"]["Status"] == "CANCELLED"
    assert glue.get_tables(DatabaseName="lake")["TableList"] == []


def test_stop_crawler_not_running_raises(glue: Any) -> None:
    create(glue)
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        glue.stop_crawler(Name="sales")
    assert error_code(exc) == "CrawlerNotRunningException"


def test_crawler_schedule_removed_by_empty_update_and_bad_one_rejected(glue: Any) -> None:
    create(glue, Schedule="cron(0 3 * * ? *)")
    glue.update_crawler(Name="sales", Schedule="")
    assert glue.get_crawler(Name="sales")["Crawler"]["Schedule"] == {"State": "NOT_SCHEDULED"}
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        glue.update_crawler(Name="sales", Schedule="every day")
    assert error_code(exc) == "InvalidInputException"
