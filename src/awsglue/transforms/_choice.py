"""resolveChoice on Spark columns, which never hold a choice (union) type.

AWS (https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-pyspark-transforms-ResolveChoice.html)
names four actions plus ``match_catalog``. On a column of one type they mean:

- ``cast:<type>``: cast the values (``("cust_id", "cast:String")`` in AWS's example);
- ``project:<type>``: keep the column as ``<type>``; a column of another type is converted,
  as the DynamicFrame page describes ("all the int values have been converted to strings");
- ``make_cols`` / ``make_struct``: split or wrap the alternatives of a choice; a column with
  no alternatives is left unchanged (there is nothing to split);
- ``match_catalog``: cast to the column types of a Data Catalog table, read with boto3
  ``glue.get_table`` (``AWS_ENDPOINT_URL`` points at lakestack).

Knows Spark and boto3, nothing about frames.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from pyspark.sql import Column, DataFrame

from awsglue.transforms import _columns

_NO_OP = ("make_cols", "make_struct")


def resolve_choice(
    df: DataFrame,
    specs: Sequence[tuple[str, str]] | tuple[str, str] | None,
    choice: str,
    database: str | None,
    table_name: str | None,
    catalog_id: str | None,
) -> DataFrame:
    """``df`` with each ``(path, action)`` of ``specs`` (or ``choice`` on every column)."""
    if specs is None and not choice:
        raise Exception("Parameter specs and option are both missing, add one.")
    if specs is not None and choice:
        raise Exception("Parameter specs and option are both specified, choose one.")
    if isinstance(specs, tuple):
        specs = [specs]
    pairs = list(specs) if specs is not None else [(_columns.quote(c), choice) for c in df.columns]
    catalog: dict[str, str] | None = None
    for path, action in pairs:
        names = _columns.resolve(df.schema, _columns.parse_path(path), case_sensitive=False)
        kind, _, type_name = action.partition(":")
        kind = kind.strip().lower()
        if kind == "match_catalog":
            if catalog is None:
                catalog = catalog_types(database, table_name, catalog_id)
            type_name = catalog.get((names[0][-1] if names else "").lower(), "")
            kind = "cast" if type_name else "skip"
        if names is None or kind in (*_NO_OP, "skip"):
            continue
        if kind not in ("cast", "project") or not type_name:
            raise ValueError(f"unknown resolveChoice action {action!r}")
        df = _columns.update(df, names[0], _caster(_columns.spark_type(type_name)))
    return df


def catalog_types(
    database: str | None, table_name: str | None, catalog_id: str | None
) -> dict[str, str]:
    """Lower-cased column name -> Hive type of a catalog table (columns and partition keys)."""
    if not database or not table_name:
        raise Exception("match_catalog needs database and table_name.")
    import boto3

    request: dict[str, Any] = {"DatabaseName": database, "Name": table_name}
    if catalog_id:
        request["CatalogId"] = catalog_id
    table = boto3.client("glue").get_table(**request)["Table"]
    columns = [
        *table.get("StorageDescriptor", {}).get("Columns", []),
        *table.get("PartitionKeys", []),
    ]
    return {c["Name"].lower(): c["Type"] for c in columns if c.get("Type")}


def apply_options(df: DataFrame, options: Sequence[Any]) -> DataFrame:
    """``toDF(options)``: ``ResolveOption`` ``Project``/``Cast`` cast to their target type."""
    for option in options:
        if option.action != "KeepAsStruct" and option.target is None:
            raise Exception(f"Missing target type for resolve action {option.action}.")
        names = _columns.resolve(df.schema, _columns.parse_path(option.path), False)
        if names is None or option.action == "KeepAsStruct":
            continue
        df = _columns.update(df, names[0], _caster(option.target))
    return df


def _caster(target: Any) -> Callable[[Column, Any], Column]:
    return lambda column, current: _columns.cast(column, current, target)
