"""Spark reads and writes of the lake's files.

Reads: Spark is handed an explicit list of files, as links under a Hive-style tree of
a staging directory (``k=v/`` folders carry partition values, the link keeps the key's
file name so Spark sees its extension), with ``basePath`` at the tree's root; no S3
listing happens in Spark and ``DataFrame.inputFiles()`` names exactly the files read.
Writes: Spark writes into a staging directory, whose files then become objects.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import unquote

from awsglue._lake import Lake, S3File

READ_FORMATS = ("parquet", "json", "csv", "orc", "text")
WRITE_FORMATS = ("parquet", "glueparquet", "json", "csv", "orc")
_UNSAFE = re.compile(r"^\.|/|\x00")


class Group:
    """Files sharing partition values; ``rel`` is each file's path inside the group."""

    def __init__(self, values: Sequence[tuple[str, str]], files: Sequence[tuple[str, S3File]]):
        self.values = list(values)
        self.files = list(files)


def link_tree(root: str, groups: Sequence[Group]) -> list[str]:
    """Make ``root/<k>=<v>/.../<rel>`` -> file links; returns the link paths."""
    out = []
    for group in groups:
        folder = os.path.join(root, *(f"{k}={_escape(v)}" for k, v in group.values))
        for rel, f in group.files:
            link = os.path.join(folder, *[p for p in rel.split("/") if p not in ("", ".", "..")])
            os.makedirs(os.path.dirname(link), exist_ok=True)
            if not os.path.lexists(link):
                os.symlink(f.path, link)
            out.append(link)
    return out


def _escape(value: str) -> str:
    """Hive's path escaping of a partition value (what Spark unescapes when reading).

    >>> _escape("a/b"), _escape("07")
    ('a%2Fb', '07')
    """
    return "".join(
        f"%{ord(c):02X}" if c in "\"#%'*/:=?\\\x7f{[]^" or ord(c) < 32 else c for c in value
    )


def spark_reader_options(fmt: str, options: dict[str, Any]) -> dict[str, str]:
    """Glue ``format_options`` -> Spark reader options.

    >>> spark_reader_options("csv", {"withHeader": True, "separator": "|"})
    {'header': 'true', 'sep': '|', 'inferSchema': 'true'}
    >>> spark_reader_options("json", {"multiline": True})
    {'multiLine': 'true'}
    """
    out: dict[str, str] = {}
    for key, value in options.items():
        k = key.lower()
        text = str(value).lower() if isinstance(value, bool) else str(value)
        if fmt == "csv":
            if k in ("withheader", "header"):
                out["header"] = text
            elif k in ("separator", "sep", "delimiter"):
                out["sep"] = str(value)
            elif k in ("quotechar", "quote"):
                out["quote"] = "" if value in (-1, "-1") else str(value)
            elif k == "escaper":
                out["escape"] = str(value)
            elif k == "multiline":
                out["multiLine"] = text
        elif fmt == "json" and k == "multiline":
            out["multiLine"] = text
    if fmt == "csv":
        out.setdefault("inferSchema", "true")
    return out


def read(
    spark: Any,
    lake: Lake,
    fmt: str,
    groups: Sequence[Group],
    partition_keys: Sequence[str],
    options: dict[str, str],
    schema: str | None = None,
) -> Any:
    """A DataFrame over the groups' files (partition columns last, strings)."""
    if fmt == "avro":
        raise ValueError(
            "Avro is not readable here: lakestack's Spark has no spark-avro package "
            "(Parquet, ORC, JSON and CSV are)"
        )
    if fmt not in READ_FORMATS:
        raise ValueError(f"unknown format {fmt!r} (supported: {', '.join(READ_FORMATS)})")
    files = [f for g in groups for f in g.files]
    if not files:
        return empty_frame(spark, schema, partition_keys)
    root = lake.staging_dir()
    links = link_tree(root, groups)
    reader = spark.read.format(fmt).options(**options).option("basePath", root)
    if schema:
        reader = reader.schema(schema)
    return reader.load(links)


def empty_frame(spark: Any, schema: str | None, partition_keys: Sequence[str]) -> Any:
    from pyspark.sql.types import StringType, StructField, StructType

    base = (
        spark.createDataFrame([], schema) if schema else spark.createDataFrame([], StructType([]))
    )
    fields = list(base.schema.fields)
    fields += [StructField(k, StringType()) for k in partition_keys if k not in base.columns]
    return spark.createDataFrame([], StructType(fields))


def hive_values(key: str, prefix: str) -> list[tuple[str, str]]:
    """The ``k=v`` folders of ``key`` below ``prefix``, unescaped.

    >>> hive_values("out/year=2026/month=02/part-0.parquet", "out/")
    [('year', '2026'), ('month', '02')]
    """
    parts = key[len(prefix) :].split("/")[:-1]
    out = []
    for part in parts:
        name, eq, value = part.partition("=")
        if eq and name:
            out.append((unquote(name), unquote(value)))
    return out


def write(
    df: Any,
    lake: Lake,
    path: str,
    fmt: str,
    partition_keys: Sequence[str],
    format_options: dict[str, Any],
) -> list[dict[str, Any]]:
    """Write ``df`` below the S3 folder ``path``; returns the objects made.

    Raises:
        ValueError: a partition key that is no column of ``df`` (naming every missing one),
            or an unknown format.
    """
    missing = [k for k in partition_keys if k not in df.columns]
    if missing:
        raise ValueError(
            f"Partition column(s) {', '.join(missing)} not found in the frame's columns "
            f"({', '.join(df.columns)}): every partitionKeys entry must be a column of the "
            "frame being written (ApplyMapping keeps only the mapped fields)"
        )
    if fmt not in WRITE_FORMATS:
        raise ValueError(f"unknown format {fmt!r} (supported: {', '.join(WRITE_FORMATS)})")
    fmt = "parquet" if fmt == "glueparquet" else fmt
    staging = lake.staging_dir()
    target = os.path.join(staging, "out")
    writer = df.write.format(fmt).mode("overwrite")
    for key, value in _writer_options(fmt, format_options).items():
        writer = writer.option(key, value)
    if partition_keys:
        writer = writer.partitionBy(*partition_keys)
    writer.save(target)
    return lake.adopt(target, path)


def _writer_options(fmt: str, options: dict[str, Any]) -> dict[str, str]:
    """Glue ``format_options`` -> Spark writer options.

    >>> _writer_options("parquet", {})
    {'compression': 'snappy'}
    >>> _writer_options("csv", {"separator": "|", "writeHeader": False})
    {'sep': '|', 'header': 'false'}
    """
    out: dict[str, str] = {}
    lowered = {k.lower(): v for k, v in options.items()}
    compression = lowered.get("compression")
    if fmt == "parquet":
        out["compression"] = _codec(compression or "snappy")
    elif compression:
        out["compression"] = _codec(compression)
    if fmt == "csv":
        out["sep"] = str(lowered.get("separator", ","))
        if "quotechar" in lowered:
            out["quote"] = str(lowered["quotechar"])
        header = lowered.get("writeheader", True)
        out["header"] = str(header).lower()
    return out


def _codec(name: str) -> str:
    name = str(name).lower()
    return {"none": "none", "uncompressed": "none", "gzip": "gzip", "gz": "gzip"}.get(name, name)
