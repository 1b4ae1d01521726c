"""GlueContext's S3 and catalog readers and writers, in-process against the live
endpoint (``lakestack`` fixture) on the shared Spark session.

Expected values follow AWS's docs: "Format options for ETL inputs and outputs"
(csv ``withHeader``/``separator``/``writeHeader`` default true; json ``multiline``;
``recurse``), "Managing partitions for ETL output" (``partitionKeys`` makes Hive
``key=value`` folders; values stay strings) and "Updating the schema and adding new
partitions in the Data Catalog" (``getSink`` with ``enableUpdateCatalog``).
"""

from __future__ import annotations

import io
import json
from typing import Any

import pyarrow.parquet as pq
import pytest

from awsglue.dynamicframe import DynamicFrame
from awsglue.job import Job

BUCKET = "etl"


@pytest.fixture
def gc(lakestack: Any, glue_context: Any) -> Any:
    """A GlueContext talking to the freshly reset endpoint, with a bucket."""
    from awsglue.context import GlueContext

    lakestack.client("s3").create_bucket(Bucket=BUCKET)
    return GlueContext(glue_context.spark_session.sparkContext)


def _put(s3: Any, key: str, body: str | bytes) -> None:
    s3.put_object(Bucket=BUCKET, Key=key, Body=body.encode() if isinstance(body, str) else body)


def _rows(frame: Any, *cols: str) -> list[tuple[Any, ...]]:
    df = frame.toDF() if hasattr(frame, "toDF") else frame
    return sorted(tuple(r[c] for c in cols) for r in df.collect())


def test_from_options_json_recurse_keeps_partition_values_as_strings(
    lakestack: Any, gc: Any
) -> None:
    s3 = lakestack.client("s3")
    _put(s3, "in/month=07/day=01/a.json", '{"id": 1}\n{"id": 2}\n')
    _put(s3, "in/month=12/day=31/b.json", '{"id": 3}\n')
    frame = gc.create_dynamic_frame.from_options(
        "s3", {"paths": [f"s3://{BUCKET}/in/"], "recurse": True}, format="json"
    )
    assert _rows(frame, "id", "month", "day") == [(1, "07", "01"), (2, "07", "01"), (3, "12", "31")]
    assert dict(frame.toDF().dtypes)["month"] == "string"


def test_from_options_without_recurse_reads_only_top_level_files(lakestack: Any, gc: Any) -> None:
    s3 = lakestack.client("s3")
    _put(s3, "in/top.json", '{"id": 1}\n')
    _put(s3, "in/sub/deeper.json", '{"id": 2}\n')
    frame = gc.create_dynamic_frame.from_options("s3", {"paths": [f"s3://{BUCKET}/in/"]}, "json")
    assert _rows(frame, "id") == [(1,)]


def test_from_options_path_naming_one_object_reads_just_that_object(
    lakestack: Any, gc: Any
) -> None:
    s3 = lakestack.client("s3")
    _put(s3, "in/a.json", '{"id": 1}\n')
    _put(s3, "in/a.json.bak", '{"id": 2}\n')
    _put(s3, "in/b.json", '{"id": 3}\n')
    frame = gc.create_dynamic_frame.from_options(
        "s3", {"paths": [f"s3://{BUCKET}/in/a.json"]}, format="json"
    )
    assert _rows(frame, "id") == [(1,)]


def test_from_options_csv_with_header_and_separator(lakestack: Any, gc: Any) -> None:
    _put(lakestack.client("s3"), "csv/x.csv", "name|qty\nabc|3\nxyz|4\n")
    frame = gc.create_dynamic_frame.from_options(
        "s3",
        {"paths": [f"s3://{BUCKET}/csv/"]},
        format="csv",
        format_options={"withHeader": True, "separator": "|"},
    )
    assert _rows(frame, "name", "qty") == [("abc", 3), ("xyz", 4)]


def test_from_options_skips_hidden_and_marker_objects(lakestack: Any, gc: Any) -> None:
    s3 = lakestack.client("s3")
    _put(s3, "p/data.json", '{"id": 1}\n')
    _put(s3, "p/_SUCCESS", "")
    _put(s3, "p/.hidden.json", '{"id": 9}\n')
    frame = gc.create_dynamic_frame.from_options("s3", {"paths": [f"s3://{BUCKET}/p/"]}, "json")
    assert _rows(frame, "id") == [(1,)]


def test_write_parquet_partitioned_appears_in_s3_with_md5_etags(lakestack: Any, gc: Any) -> None:
    s3 = lakestack.client("s3")
    df = gc.spark_session.createDataFrame(
        [("a", "2026", "02"), ("b", "2026", "03"), ("c", "2026", "03")], ["id", "year", "month"]
    )
    gc.write_dynamic_frame.from_options(
        frame=DynamicFrame(df, gc, "out"),
        connection_type="s3",
        connection_options={"path": f"s3://{BUCKET}/out/", "partitionKeys": ["year", "month"]},
        format="parquet",
        format_options={"compression": "snappy"},
    )
    listing = s3.list_objects_v2(Bucket=BUCKET, Prefix="out/")["Contents"]
    folders = sorted({o["Key"].rsplit("/", 1)[0] for o in listing})
    assert folders == ["out/year=2026/month=02", "out/year=2026/month=03"]
    import hashlib

    for obj in listing:
        body = s3.get_object(Bucket=BUCKET, Key=obj["Key"])["Body"].read()
        assert obj["ETag"].strip('"') == hashlib.md5(body).hexdigest()
        table = pq.read_table(io.BytesIO(body))
        assert table.column_names == ["id"]  # partition columns live in the path only
        assert obj["Key"].endswith(".snappy.parquet")


def test_write_missing_partition_key_names_every_missing_key(lakestack: Any, gc: Any) -> None:
    df = gc.spark_session.createDataFrame([("a",)], ["id"])
    with pytest.raises(ValueError, match="year, day not found"):
        gc.write_dynamic_frame.from_options(
            frame=DynamicFrame(df, gc, "x"),
            connection_type="s3",
            connection_options={"path": f"s3://{BUCKET}/o/", "partitionKeys": ["year", "day"]},
            format="parquet",
        )
    listing = lakestack.client("s3").list_objects_v2(Bucket=BUCKET, Prefix="o/")
    assert listing["KeyCount"] == 0


def test_write_csv_writes_header_by_default_and_json_lines(lakestack: Any, gc: Any) -> None:
    s3 = lakestack.client("s3")
    df = gc.spark_session.createDataFrame([("a", 1)], ["k", "v"]).coalesce(1)
    frame = DynamicFrame(df, gc, "f")
    gc.write_dynamic_frame.from_options(
        frame=frame,
        connection_type="s3",
        connection_options={"path": f"s3://{BUCKET}/csv/"},
        format="csv",
    )
    gc.write_dynamic_frame.from_options(
        frame=frame,
        connection_type="s3",
        connection_options={"path": f"s3://{BUCKET}/js/"},
        format="json",
    )
    [csv_obj] = s3.list_objects_v2(Bucket=BUCKET, Prefix="csv/")["Contents"]
    text = s3.get_object(Bucket=BUCKET, Key=csv_obj["Key"])["Body"].read().decode()
    assert text.splitlines() == ["k,v", "a,1"]
    [js_obj] = s3.list_objects_v2(Bucket=BUCKET, Prefix="js/")["Contents"]
    line = s3.get_object(Bucket=BUCKET, Key=js_obj["Key"])["Body"].read().decode().strip()
    assert json.loads(line) == {"k": "a", "v": 1}


def test_get_sink_with_update_catalog_creates_table_and_partitions(lakestack: Any, gc: Any) -> None:
    glue = lakestack.client("glue")
    glue.create_database(DatabaseInput={"Name": "cur"})
    df = gc.spark_session.createDataFrame(
        [("a", 1, "01"), ("b", 2, "02")], "id string, n bigint, day string"
    )
    sink = gc.getSink(
        connection_type="s3",
        path=f"s3://{BUCKET}/sink/",
        enableUpdateCatalog=True,
        updateBehavior="UPDATE_IN_DATABASE",
        partitionKeys=["day"],
    )
    sink.setFormat("glueparquet")
    sink.setCatalogInfo(catalogDatabase="cur", catalogTableName="things")
    sink.writeFrame(DynamicFrame(df, gc, "f"))
    table = glue.get_table(DatabaseName="cur", Name="things")["Table"]
    assert [(c["Name"], c["Type"]) for c in table["StorageDescriptor"]["Columns"]] == [
        ("id", "string"),
        ("n", "bigint"),
    ]
    assert [k["Name"] for k in table["PartitionKeys"]] == ["day"]
    parts = glue.get_partitions(DatabaseName="cur", TableName="things")["Partitions"]
    assert sorted(p["Values"][0] for p in parts) == ["01", "02"]

    # the new table reads back through the catalog, partition values intact
    back = gc.create_dynamic_frame.from_catalog(database="cur", table_name="things")
    assert _rows(back, "id", "n", "day") == [("a", 1, "01"), ("b", 2, "02")]

    # a second write adds only the new partition
    more = gc.spark_session.createDataFrame([("c", 3, "03")], "id string, n bigint, day string")
    sink.writeFrame(DynamicFrame(more, gc, "f"))
    parts = glue.get_partitions(DatabaseName="cur", TableName="things")["Partitions"]
    assert sorted(p["Values"][0] for p in parts) == ["01", "02", "03"]


def test_write_from_catalog_appends_in_the_tables_format_and_location(
    lakestack: Any, gc: Any
) -> None:
    glue = lakestack.client("glue")
    glue.create_database(DatabaseInput={"Name": "db"})
    glue.create_table(
        DatabaseName="db",
        TableInput={
            "Name": "t",
            "TableType": "EXTERNAL_TABLE",
            "PartitionKeys": [{"Name": "day", "Type": "string"}],
            "StorageDescriptor": {
                "Columns": [{"Name": "id", "Type": "string"}],
                "Location": f"s3://{BUCKET}/tables/t/",
                "SerdeInfo": {
                    "SerializationLibrary": "org.apache.hadoop.hive.ql.io.parquet.serde."
                    "ParquetHiveSerDe"
                },
            },
        },
    )
    df = gc.spark_session.createDataFrame([("x", "05")], ["id", "day"])
    gc.write_dynamic_frame.from_catalog(
        frame=DynamicFrame(df, gc, "f"),
        database="db",
        table_name="t",
        additional_options={"enableUpdateCatalog": True},
    )
    keys = [o["Key"] for o in lakestack.client("s3").list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert (
        len(keys) == 1 and keys[0].startswith("tables/t/day=05/") and keys[0].endswith(".parquet")
    )
    parts = glue.get_partitions(DatabaseName="db", TableName="t")["Partitions"]
    assert [p["Values"] for p in parts] == [["05"]]
    df2 = gc.create_data_frame.from_catalog(database="db", table_name="t")
    assert [tuple(r) for r in df2.collect()] == [("x", "05")]


def test_from_catalog_casts_to_catalog_types_and_fills_missing_columns(
    lakestack: Any, gc: Any
) -> None:
    glue = lakestack.client("glue")
    glue.create_database(DatabaseInput={"Name": "db"})
    glue.create_table(
        DatabaseName="db",
        TableInput={
            "Name": "j",
            "TableType": "EXTERNAL_TABLE",
            "Parameters": {"classification": "json"},
            "StorageDescriptor": {
                "Columns": [
                    {"Name": "id", "Type": "bigint"},
                    {"Name": "missing", "Type": "string"},
                ],
                "Location": f"s3://{BUCKET}/j/",
            },
        },
    )
    _put(lakestack.client("s3"), "j/x.json", '{"id": "7"}\n')
    df = gc.create_data_frame.from_catalog(database="db", table_name="j")
    assert df.dtypes == [("id", "bigint"), ("missing", "string")]
    assert [tuple(r) for r in df.collect()] == [(7, None)]


def test_purge_s3_path_with_zero_retention_deletes_everything_below(
    lakestack: Any, gc: Any
) -> None:
    s3 = lakestack.client("s3")
    _put(s3, "tmp/a", "x")
    _put(s3, "tmp/b/c", "y")
    _put(s3, "keep/d", "z")
    gc.purge_s3_path(f"s3://{BUCKET}/tmp/", {"retentionPeriod": 0})
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]] == ["keep/d"]


def test_purge_s3_path_default_retention_keeps_recent_objects(lakestack: Any, gc: Any) -> None:
    s3 = lakestack.client("s3")
    _put(s3, "tmp/a", "x")
    gc.purge_s3_path(f"s3://{BUCKET}/tmp/")  # 168 hours by default
    assert s3.list_objects_v2(Bucket=BUCKET)["KeyCount"] == 1


def test_job_bookmark_in_process_commit_and_skip(lakestack: Any, gc: Any) -> None:
    s3 = lakestack.client("s3")
    glue = lakestack.client("glue")
    glue.create_job(
        Name="inproc",
        Role="arn:aws:iam::000000000000:role/r",
        Command={"Name": "glueetl", "ScriptLocation": f"s3://{BUCKET}/s.py"},
    )
    _put(s3, "src/a.json", '{"id": 1}\n')
    args = {"job_bookmark_option": "job-bookmark-enable", "JOB_RUN_ID": "jr_one"}

    def run(run_id: str) -> list[tuple[Any, ...]]:
        job = Job(gc)
        job.init("inproc", {**args, "JOB_RUN_ID": run_id})
        frame = gc.create_dynamic_frame.from_options(
            "s3", {"paths": [f"s3://{BUCKET}/src/"]}, "json", transformation_ctx="src"
        )
        rows = _rows(frame, "id") if frame.toDF().columns else []
        job.commit()
        return rows

    assert run("jr_one") == [(1,)]
    _put(s3, "src/b.json", '{"id": 2}\n')
    assert run("jr_two") == [(2,)]
    assert run("jr_three") == []
    entry = glue.get_job_bookmark(JobName="inproc")["JobBookmarkEntry"]
    assert (entry["Run"], entry["RunId"], entry["PreviousRunId"]) == (3, "jr_three", "jr_two")
    # rewinding to the first run's state makes b.json new again
    glue.reset_job_bookmark(JobName="inproc", RunId="jr_one")
    assert run("jr_four") == [(2,)]


def test_job_bookmark_pause_reads_new_files_without_saving(lakestack: Any, gc: Any) -> None:
    s3 = lakestack.client("s3")
    _put(s3, "src/a.json", '{"id": 1}\n')
    for option, expected in (
        ("job-bookmark-enable", [(1,)]),
        ("job-bookmark-pause", []),
    ):
        job = Job(gc)
        job.init("paused", {"job_bookmark_option": option, "JOB_RUN_ID": option})
        frame = gc.create_dynamic_frame.from_options(
            "s3", {"paths": [f"s3://{BUCKET}/src/"]}, "json", transformation_ctx="src"
        )
        assert (_rows(frame, "id") if frame.toDF().columns else []) == expected
        job.commit()
    _put(s3, "src/b.json", '{"id": 2}\n')
    for _ in range(2):  # pause never saves: b.json stays new
        job = Job(gc)
        job.init("paused", {"job_bookmark_option": "job-bookmark-pause", "JOB_RUN_ID": "p"})
        frame = gc.create_dynamic_frame.from_options(
            "s3", {"paths": [f"s3://{BUCKET}/src/"]}, "json", transformation_ctx="src"
        )
        assert _rows(frame, "id") == [(2,)]
        job.commit()


def test_unsupported_connection_type_is_refused_by_name(gc: Any) -> None:
    with pytest.raises(ValueError, match="'dynamodb' is not available"):
        gc.create_dynamic_frame.from_options("dynamodb", {"tableName": "t"})
