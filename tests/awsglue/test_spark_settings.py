"""The Spark settings every Glue run gets (Glue runs Spark in UTC with non-ANSI casts and
keeps Hive partition values as strings), and how the master is chosen."""

from __future__ import annotations

from typing import Any

import pytest

from awsglue import _spark


def test_master_comes_from_argument_then_environment_then_local(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("LAKESTACK_SPARK_MASTER", raising=False)
    assert _spark.master() == "local[*]"
    monkeypatch.setenv("LAKESTACK_SPARK_MASTER", "spark://cluster:7077")
    assert _spark.master() == "spark://cluster:7077"
    assert _spark.master("local[2]") == "local[2]"


def test_glue_context_session_has_glue_settings(glue_context: Any) -> None:
    conf = glue_context.spark_session.conf
    assert conf.get("spark.sql.session.timeZone") == "UTC"
    assert conf.get("spark.sql.ansi.enabled") == "false"
    assert conf.get("spark.sql.sources.partitionColumnTypeInference.enabled") == "false"
    # non-ANSI: a bad cast is NULL, not an error (what Glue 4's Spark 3.3 does)
    row = glue_context.spark_session.sql("SELECT CAST('x' AS INT) AS v").collect()[0]
    assert row["v"] is None
