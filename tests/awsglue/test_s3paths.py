"""Plain Spark reads and writes of s3:// paths inside Glue scripts (EMRFS on Glue):
Spark's documented save modes (errorifexists by default, append, overwrite, ignore) and
partition discovery apply to what is in the bucket."""

from __future__ import annotations

from typing import Any

import pytest
from pyspark.errors import AnalysisException

BUCKET = "plain"


@pytest.fixture
def spark_s3(lakestack: Any, glue_context: Any) -> tuple[Any, Any]:
    from awsglue import _s3paths

    _s3paths.install()
    s3 = lakestack.client("s3")
    s3.create_bucket(Bucket=BUCKET)
    return glue_context.spark_session, s3


def _keys(s3: Any, prefix: str) -> list[str]:
    return [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", [])]


def test_read_prefix_discovers_hive_partitions_as_strings(spark_s3: tuple[Any, Any]) -> None:
    spark, s3 = spark_s3
    s3.put_object(Bucket=BUCKET, Key="in/day=07/a.json", Body=b'{"v": 1}\n')
    s3.put_object(Bucket=BUCKET, Key="in/day=08/b.json", Body=b'{"v": 2}\n')
    df = spark.read.json(f"s3://{BUCKET}/in/")
    assert sorted((r["v"], r["day"]) for r in df.collect()) == [(1, "07"), (2, "08")]


def test_read_single_object_and_glob(spark_s3: tuple[Any, Any]) -> None:
    spark, s3 = spark_s3
    s3.put_object(Bucket=BUCKET, Key="in/a.csv", Body=b"x\n1\n")
    s3.put_object(Bucket=BUCKET, Key="in/b.csv", Body=b"x\n2\n")
    s3.put_object(Bucket=BUCKET, Key="in/c.txt", Body=b"x\n3\n")
    one = spark.read.csv(f"s3://{BUCKET}/in/a.csv", header=True)
    assert [r["x"] for r in one.collect()] == ["1"]
    both = spark.read.option("header", True).csv(f"s3://{BUCKET}/in/*.csv")
    assert sorted(r["x"] for r in both.collect()) == ["1", "2"]


def test_read_missing_path_is_path_not_found(spark_s3: tuple[Any, Any]) -> None:
    spark, _ = spark_s3
    with pytest.raises(AnalysisException, match=r"PATH_NOT_FOUND.*s3://plain/nothing/"):
        spark.read.parquet(f"s3://{BUCKET}/nothing/")


def test_write_modes_follow_spark(spark_s3: tuple[Any, Any]) -> None:
    spark, s3 = spark_s3
    path = f"s3://{BUCKET}/out/"
    df = spark.createDataFrame([(1, "a")], ["v", "p"]).coalesce(1)
    df.write.partitionBy("p").parquet(path)
    assert len(_keys(s3, "out/")) == 1 and _keys(s3, "out/")[0].startswith("out/p=a/")
    with pytest.raises(AnalysisException, match="PATH_ALREADY_EXISTS"):
        df.write.parquet(path)  # the default mode is errorifexists
    df.write.mode("append").partitionBy("p").parquet(path)
    assert len(_keys(s3, "out/")) == 2
    df.write.mode("ignore").parquet(path)
    assert len(_keys(s3, "out/")) == 2
    spark.createDataFrame([(2, "b")], ["v", "p"]).coalesce(1).write.parquet(
        path, mode="overwrite", partitionBy="p"
    )
    assert [k.split("/")[1] for k in _keys(s3, "out/")] == ["p=b"]
    back = spark.read.parquet(path)
    assert [(r["v"], r["p"]) for r in back.collect()] == [(2, "b")]


def test_local_paths_are_untouched(spark_s3: tuple[Any, Any], tmp_path: Any) -> None:
    spark, _ = spark_s3
    spark.createDataFrame([(1,)], ["v"]).write.json(str(tmp_path / "j"))
    assert spark.read.json(str(tmp_path / "j")).count() == 1
