"""Relationalize and unnest: nested Spark columns flattened into relational tables.

Follows AWS's "Code example: Joining and relationalizing data"
(https://docs.aws.amazon.com/glue/latest/dg/aws-glue-programming-python-samples-legislators.html):

- struct members become top-level columns named by their dotted path (``player.username``);
- an array column stays in its table as a ``long`` join key and is pivoted into a table
  named ``<root>_<path>`` with columns ``id`` (the join key), ``index`` (the element's
  0-based position) and ``<path>.val`` (scalar elements) or ``<path>.val.<member>``
  (struct elements, flattened the same way; arrays inside become tables of their own).

Join keys are consecutive from 1 within each table (row order of the input). A null array
gets a null key and no rows; maps are kept as they are. Knows Spark, nothing about frames.
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T

from awsglue.transforms._columns import top

_ROW_ID = "__relationalize_row_id"
_ELEMENT = "__relationalize_element"


def relationalize(df: DataFrame, root: str) -> dict[str, DataFrame]:
    """The root table and one table per array path, keyed by table name (root first)."""
    tables: dict[str, DataFrame] = {}
    _table(df, root, root, {}, [], tables)
    return tables


def unnest(df: DataFrame) -> DataFrame:
    """``df`` with struct members flattened to dotted top-level columns (arrays kept)."""
    entries, _ = _flatten(df.schema, {}, [], pivot_arrays=False)
    return df.select(*[column.alias(name) for _, column, name in entries])


def _table(
    df: DataFrame,
    name: str,
    root: str,
    names: dict[str, str],
    leading: list[str],
    tables: dict[str, DataFrame],
) -> None:
    entries, arrays = _flatten(df.schema, names, leading, pivot_arrays=True)
    if arrays:
        df = _with_row_id(df)
    row_id = F.col(_ROW_ID)
    selected = [top(c) for c in leading]
    for kind, column, out_name in entries:
        if kind == "array":
            column = F.when(column.isNull(), F.lit(None)).otherwise(row_id)
        selected.append(column.alias(out_name))
    tables[name] = df.select(*selected)
    for column, path in arrays:
        child = df.select(row_id.alias("id"), F.posexplode(column).alias("index", _ELEMENT))
        _table(child, f"{root}_{path}", root, {_ELEMENT: f"{path}.val"}, ["id", "index"], tables)


def _flatten(
    schema: T.StructType, names: dict[str, str], leading: list[str], pivot_arrays: bool
) -> tuple[list[tuple[str, Column, str]], list[tuple[Column, str]]]:
    """Leaf columns as (kind, column, dotted name), and the arrays to pivot."""
    entries: list[tuple[str, Column, str]] = []
    arrays: list[tuple[Column, str]] = []

    def walk(column: Column, dtype: T.DataType, name: str) -> None:
        if isinstance(dtype, T.StructType) and dtype.fields:
            for field in dtype.fields:
                walk(column.getField(field.name), field.dataType, f"{name}.{field.name}")
        elif isinstance(dtype, T.ArrayType) and pivot_arrays:
            entries.append(("array", column, name))
            arrays.append((column, name))
        else:
            entries.append(("value", column, name))

    for field in schema.fields:
        if field.name not in leading:
            walk(top(field.name), field.dataType, names.get(field.name, field.name))
    return entries, arrays


def _with_row_id(df: DataFrame) -> DataFrame:
    """``df`` pinned (local checkpoint) with a consecutive ``long`` row id from 1."""
    df = df.localCheckpoint(eager=True)
    partition = F.spark_partition_id()
    counts: dict[int, int] = dict(df.groupBy(partition.alias("p")).count().collect())
    offsets, total = [], 0
    for index in range(df.rdd.getNumPartitions()):
        offsets.extend([F.lit(index), F.lit(total)])
        total += counts.get(index, 0)
    offset = F.create_map(*offsets)[partition] if offsets else F.lit(0)
    # monotonically_increasing_id is (partition << 33) + position within the partition.
    position = F.monotonically_increasing_id() - F.shiftleft(partition.cast("long"), 33)
    return df.withColumn(_ROW_ID, (offset + position + 1).cast("long"))
