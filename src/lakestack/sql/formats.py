"""Storage formats as Athena stores them in the Glue catalog.

Maps ``STORED AS <name>``, ``ROW FORMAT SERDE '<class>'`` and ``ROW FORMAT
DELIMITED`` to the ``InputFormat``/``OutputFormat`` class names, the SerDe
library and its parameters, and a ``classification`` table parameter. Class
names are Hive's (the ones ``SHOW CREATE TABLE`` prints in Athena; see
https://docs.aws.amazon.com/athena/latest/ug/supported-serdes.html).

Assumptions (not documented as such by AWS): delimited text stores the field
delimiter as both ``field.delim`` and ``serialization.format`` and the Hive
key ``colelction.delim`` (Hive's historical spelling); ``classification`` is
only set when TBLPROPERTIES does not give one.

Must not know: parsing, the catalog, DuckDB.
"""

from __future__ import annotations

from dataclasses import dataclass, field

TEXT_INPUT = "org.apache.hadoop.mapred.TextInputFormat"
TEXT_OUTPUT = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"
LAZY_SIMPLE = "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"
OPEN_CSV = "org.apache.hadoop.hive.serde2.OpenCSVSerde"
OPENX_JSON = "org.openx.data.jsonserde.JsonSerDe"
HIVE_JSON = "org.apache.hive.hcatalog.data.JsonSerDe"
PARQUET_SERDE = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
ORC_SERDE = "org.apache.hadoop.hive.ql.io.orc.OrcSerde"
AVRO_SERDE = "org.apache.hadoop.hive.serde2.avro.AvroSerDe"


@dataclass(frozen=True)
class StorageFormat:
    """The format half of a Glue ``StorageDescriptor`` plus the table's classification."""

    input_format: str
    output_format: str
    serde_library: str
    serde_parameters: dict[str, str] = field(default_factory=dict)
    classification: str | None = None


_PARQUET = StorageFormat(
    "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
    "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
    PARQUET_SERDE,
    {"serialization.format": "1"},
    "parquet",
)
_ORC = StorageFormat(
    "org.apache.hadoop.hive.ql.io.orc.OrcInputFormat",
    "org.apache.hadoop.hive.ql.io.orc.OrcOutputFormat",
    ORC_SERDE,
    {},
    "orc",
)
_AVRO = StorageFormat(
    "org.apache.hadoop.hive.ql.io.avro.AvroContainerInputFormat",
    "org.apache.hadoop.hive.ql.io.avro.AvroContainerOutputFormat",
    AVRO_SERDE,
    {},
    "avro",
)
_TEXT = StorageFormat(TEXT_INPUT, TEXT_OUTPUT, LAZY_SIMPLE, {"serialization.format": "1"}, "csv")
_JSON = StorageFormat(TEXT_INPUT, TEXT_OUTPUT, HIVE_JSON, {}, "json")

STORED_AS: dict[str, StorageFormat] = {
    "PARQUET": _PARQUET,
    "ORC": _ORC,
    "AVRO": _AVRO,
    "TEXTFILE": _TEXT,
    "JSON": _JSON,
    "JSONFILE": _JSON,
    "SEQUENCEFILE": StorageFormat(
        "org.apache.hadoop.mapred.SequenceFileInputFormat",
        "org.apache.hadoop.hive.ql.io.HiveSequenceFileOutputFormat",
        LAZY_SIMPLE,
        {"serialization.format": "1"},
    ),
    "RCFILE": StorageFormat(
        "org.apache.hadoop.hive.ql.io.RCFileInputFormat",
        "org.apache.hadoop.hive.ql.io.RCFileOutputFormat",
        "org.apache.hadoop.hive.serde2.columnar.LazyBinaryColumnarSerDe",
    ),
}

_BY_SERDE = {PARQUET_SERDE: _PARQUET, ORC_SERDE: _ORC, AVRO_SERDE: _AVRO}
_CLASSIFICATION = {
    LAZY_SIMPLE: "csv",
    OPEN_CSV: "csv",
    OPENX_JSON: "json",
    HIVE_JSON: "json",
    "org.apache.hadoop.hive.serde2.JsonSerDe": "json",
}


def stored_as(name: str) -> StorageFormat:
    """The format for ``STORED AS <name>``.

    >>> stored_as("parquet").input_format
    'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat'
    """
    return STORED_AS[name.upper()]


def serde_format(library: str, parameters: dict[str, str]) -> StorageFormat:
    """The format for ``ROW FORMAT SERDE '<library>' [WITH SERDEPROPERTIES (...)]``.

    Input/output classes follow the SerDe (Parquet, ORC, Avro) or default to text.

    >>> f = serde_format(OPEN_CSV, {"separatorChar": ","})
    >>> f.input_format == TEXT_INPUT, f.serde_parameters, f.classification
    (True, {'separatorChar': ','}, 'csv')
    """
    known = _BY_SERDE.get(library)
    if known is not None:
        return StorageFormat(
            known.input_format,
            known.output_format,
            library,
            {**known.serde_parameters, **parameters},
            known.classification,
        )
    return StorageFormat(
        TEXT_INPUT, TEXT_OUTPUT, library, dict(parameters), _CLASSIFICATION.get(library)
    )


_DELIM_KEYS = {
    "field": "field.delim",
    "escape": "escape.delim",
    "collection": "colelction.delim",
    "mapkey": "mapkey.delim",
    "line": "line.delim",
    "null": "serialization.null.format",
}


def delimited_format(delimiters: dict[str, str]) -> StorageFormat:
    """The format for ``ROW FORMAT DELIMITED ...`` (LazySimpleSerDe).

    >>> delimited_format({"field": ","}).serde_parameters
    {'field.delim': ',', 'serialization.format': ','}
    """
    params = {_DELIM_KEYS[k]: v for k, v in delimiters.items()}
    if "field" in delimiters:
        params["serialization.format"] = delimiters["field"]
    return StorageFormat(TEXT_INPUT, TEXT_OUTPUT, LAZY_SIMPLE, params, "csv")
