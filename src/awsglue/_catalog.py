"""The Data Catalog as Glue ETL sees it, through the Glue API (boto3 at the endpoint):
a table's location, format and schema, its partitions (filtered by a push-down
predicate, which Glue evaluates as a GetPartitions ``Expression``), and the catalog
updates a sink makes (new tables and partitions).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

_PARQUET = ("parquet",)
_JSON_SERDES = ("jsonserde", "json")
_CSV_SERDES = ("lazysimpleserde", "opencsvserde")
_ORC = ("orc",)
_AVRO = ("avro",)


@dataclass(slots=True)
class CatalogTable:
    database: str
    name: str
    location: str
    format: str
    format_options: dict[str, Any]
    columns: list[tuple[str, str]]
    partition_keys: list[tuple[str, str]]
    raw: dict[str, Any] = field(default_factory=dict)


def glue_client() -> Any:
    import boto3

    return boto3.client("glue")


def table_format(table: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """``(format, reader options)`` of a catalog table, from its ``classification`` or
    its SerDe / input format.

    >>> table_format({"Parameters": {"classification": "csv"}, "StorageDescriptor":
    ...     {"SerdeInfo": {"Parameters": {"field.delim": "|"}}}})
    ('csv', {'sep': '|', 'header': False})
    >>> table_format({"StorageDescriptor": {"SerdeInfo": {"SerializationLibrary":
    ...     "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"}}})[0]
    'parquet'
    """
    params = {k.lower(): v for k, v in (table.get("Parameters") or {}).items()}
    sd = table.get("StorageDescriptor") or {}
    serde = sd.get("SerdeInfo") or {}
    library = (serde.get("SerializationLibrary") or "").lower()
    input_format = (sd.get("InputFormat") or "").lower()
    serde_params = serde.get("Parameters") or {}
    hint = (params.get("classification") or "").lower()
    if hint == "parquet" or any(p in library or p in input_format for p in _PARQUET):
        return "parquet", {}
    if hint == "orc" or any(p in library or p in input_format for p in _ORC):
        return "orc", {}
    if hint == "avro" or any(p in library for p in _AVRO):
        return "avro", {}
    if hint == "json" or any(p in library for p in _JSON_SERDES):
        return "json", {}
    if hint == "csv" or any(p in library for p in _CSV_SERDES) or "textinputformat" in input_format:
        skip = params.get("skip.header.line.count") or "0"
        if "opencsvserde" in library:
            sep = serde_params.get("separatorChar", ",")
            quote = serde_params.get("quoteChar", '"')
            return "csv", {"sep": sep, "quote": quote, "header": skip.strip() == "1"}
        sep = serde_params.get("field.delim") or serde_params.get("serialization.format") or ","
        if sep == "1":  # LazySimpleSerDe's default: ^A
            sep = "\x01"
        return "csv", {"sep": sep, "header": skip.strip() == "1"}
    raise ValueError(
        f"cannot tell the format of table {table.get('Name')}: set its classification "
        "parameter or a known SerDe (Parquet, ORC, JSON, CSV)"
    )


def get_table(database: str, table_name: str, catalog_id: str | None = None) -> CatalogTable:
    kwargs: dict[str, Any] = {"DatabaseName": database, "Name": table_name}
    if catalog_id:
        kwargs["CatalogId"] = catalog_id
    table = glue_client().get_table(**kwargs)["Table"]
    sd = table.get("StorageDescriptor") or {}
    fmt, options = table_format(table)
    return CatalogTable(
        database,
        table["Name"],
        sd.get("Location") or "",
        fmt,
        options,
        [(c["Name"], c.get("Type") or "string") for c in sd.get("Columns") or []],
        [(c["Name"], c.get("Type") or "string") for c in table.get("PartitionKeys") or []],
        table,
    )


def get_partitions(
    table: CatalogTable, expression: str | None, catalog_id: str | None = None
) -> list[tuple[list[str], str]]:
    """``(values, location)`` of the table's partitions matching ``expression``."""
    kwargs: dict[str, Any] = {"DatabaseName": table.database, "TableName": table.name}
    if expression:
        kwargs["Expression"] = expression
    if catalog_id:
        kwargs["CatalogId"] = catalog_id
    out = []
    for page in glue_client().get_paginator("get_partitions").paginate(**kwargs):
        for p in page["Partitions"]:
            location = (p.get("StorageDescriptor") or {}).get("Location") or _default_location(
                table, p["Values"]
            )
            out.append((list(p["Values"]), location))
    return out


def _default_location(table: CatalogTable, values: list[str]) -> str:
    base = table.location.rstrip("/")
    return (
        base
        + "/"
        + "/".join(f"{k}={v}" for (k, _), v in zip(table.partition_keys, values, strict=False))
    )


def add_partitions(table: dict[str, Any], database: str, found: list[list[str]]) -> int:
    """Register the partitions in ``found`` (values) the table lacks; returns how many."""
    client = glue_client()
    name = table["Name"]
    keys = [k["Name"] for k in table.get("PartitionKeys") or []]
    if not keys or not found:
        return 0
    existing: set[tuple[str, ...]] = set()
    for page in client.get_paginator("get_partitions").paginate(
        DatabaseName=database, TableName=name, ExcludeColumnSchema=True
    ):
        existing.update(tuple(p["Values"]) for p in page["Partitions"])
    sd = dict(table.get("StorageDescriptor") or {})
    base = (sd.get("Location") or "").rstrip("/")
    new = [v for v in dict.fromkeys(tuple(v) for v in found) if v not in existing]
    for start in range(0, len(new), 100):
        inputs = [
            {
                "Values": list(values),
                "StorageDescriptor": {
                    **sd,
                    "Location": base
                    + "/"
                    + "/".join(f"{k}={v}" for k, v in zip(keys, values, strict=False))
                    + "/",
                },
            }
            for values in new[start : start + 100]
        ]
        client.batch_create_partition(
            DatabaseName=database, TableName=name, PartitionInputList=inputs
        )
    return len(new)


STORAGE = {
    "parquet": (
        "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
        "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
        "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
    ),
    "json": (
        "org.apache.hadoop.mapred.TextInputFormat",
        "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
        "org.openx.data.jsonserde.JsonSerDe",
    ),
    "csv": (
        "org.apache.hadoop.mapred.TextInputFormat",
        "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
        "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
    ),
    "orc": (
        "org.apache.hadoop.hive.ql.io.orc.OrcInputFormat",
        "org.apache.hadoop.hive.ql.io.orc.OrcOutputFormat",
        "org.apache.hadoop.hive.ql.io.orc.OrcSerde",
    ),
}


def table_input(
    name: str,
    location: str,
    fmt: str,
    columns: list[tuple[str, str]],
    partition_keys: list[tuple[str, str]],
    separator: str = ",",
) -> dict[str, Any]:
    """A ``TableInput`` for a table a sink creates (as Glue's catalog update does)."""
    input_format, output_format, serde = STORAGE[fmt]
    serde_params = {"field.delim": separator} if fmt == "csv" else {}
    return {
        "Name": name,
        "TableType": "EXTERNAL_TABLE",
        "Parameters": {"classification": fmt},
        "PartitionKeys": [{"Name": n, "Type": t} for n, t in partition_keys],
        "StorageDescriptor": {
            "Columns": [{"Name": n, "Type": t} for n, t in columns],
            "Location": location,
            "InputFormat": input_format,
            "OutputFormat": output_format,
            "SerdeInfo": {"SerializationLibrary": serde, "Parameters": serde_params},
        },
    }
