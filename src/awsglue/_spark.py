"""The Spark settings every Glue session gets, and the one way to build a session.

Glue runs Spark with non-ANSI casts (a bad cast is NULL, not an error) in UTC, and
keeps Hive partition values as strings (``07`` stays ``07``).
"""

from __future__ import annotations

import os
import sys
from typing import Any

MASTER_ENV = "LAKESTACK_SPARK_MASTER"
DRIVER_MEMORY_ENV = "LAKESTACK_SPARK_DRIVER_MEMORY"
DEFAULT_MASTER = "local[*]"

# Settable at run time on any session (GlueContext applies them to the session it gets).
SESSION_CONF: dict[str, str] = {
    "spark.sql.sources.partitionColumnTypeInference.enabled": "false",
    "spark.sql.ansi.enabled": "false",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.parquet.compression.codec": "snappy",
}
# Fixed when the JVM starts.
STARTUP_CONF: dict[str, str] = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.shuffle.partitions": "8",
    "spark.driver.extraJavaOptions": "-Duser.timezone=UTC",
    "spark.executor.extraJavaOptions": "-Duser.timezone=UTC",
    "spark.hadoop.mapreduce.fileoutputcommitter.marksuccessfuljobs": "false",
    "spark.hadoop.parquet.enable.summary-metadata": "false",
}
DEFAULT_DRIVER_MEMORY = "2g"  # local mode: the driver is the executor too


def master(explicit: str | None = None) -> str:
    """The Spark master: ``explicit``, else ``LAKESTACK_SPARK_MASTER``, else ``local[*]``.

    >>> master("spark://h:7077")
    'spark://h:7077'
    """
    return explicit or os.environ.get(MASTER_ENV) or DEFAULT_MASTER


def spark_session(master_url: str | None = None, app_name: str = "lakestack-glue") -> Any:
    """The process's SparkSession, created with Glue's settings on first use."""
    from pyspark.sql import SparkSession

    # Python workers run this interpreter, not whichever ``python3`` is first on PATH.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.master(master(master_url)).appName(app_name)
    memory = os.environ.get(DRIVER_MEMORY_ENV) or DEFAULT_DRIVER_MEMORY
    conf = {**STARTUP_CONF, "spark.driver.memory": memory, **SESSION_CONF}
    for key, value in conf.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    apply_session_conf(session)
    return session


def apply_session_conf(session: Any) -> None:
    """Set Glue's run-time settings on ``session``."""
    for key, value in SESSION_CONF.items():
        session.conf.set(key, value)
