"""What a Glue crawler infers from one S3 object: its format (classification) and schema.

Pure functions over file bytes and paths: no catalog, no S3 engine, no clock. Which
folders are tables and partitions is ``crawler_plan``'s business.

- Formats are found from the bytes, as Glue's built-in classifiers do
  (https://docs.aws.amazon.com/glue/latest/dg/add-classifier.html): Parquet by its
  ``PAR1`` magic (schema from the footer), JSON when the first record is an object (the
  first MB read with ``pyarrow.json``), else CSV with one of ``, | \\t ; \\x01`` as the
  delimiter, at least two columns and two rows, and Glue's header heuristics.
- Types are Glue's names: ``string``, ``bigint``, ``double``, ``boolean``, ``timestamp``
  (Parquet only: the JSON and CSV classifiers leave dates as ``string``),
  ``array<..>``, ``struct<..>``, ``map<..>``; top-level column names are lower-cased.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.csv as pa_csv  # type: ignore[import-untyped]
import pyarrow.json as pa_json  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

SAMPLE_BYTES = 1 << 20  # Glue reads the first MB of a JSON or CSV file
SAMPLE_ROWS = 1000  # ... or its first 1,000 CSV records
SIMILARITY = 0.7  # share of columns two schemas must have in common to be "similar"
DELIMITERS = (",", "|", "\t", ";", "\x01")
_NUMERIC_RANK = {"tinyint": 1, "smallint": 2, "int": 3, "bigint": 4, "float": 5, "double": 6}
_NAME_CHARS = re.compile(r"[^a-z0-9_]")
_COLUMN_NAME = re.compile(r"[^\x00-\x1f\x7f]+")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


# -- types -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HiveType:
    """A Glue column type as a tree: a primitive (``bigint``, ``decimal(10,2)``, ``null``
    while unknown), ``array`` (one arg), ``map`` (two) or ``struct`` (args named by ``names``).

    >>> str(HiveType("struct", (HiveType("bigint"), HiveType("array", (HiveType("null"),))),
    ...              ("a", "b")))
    'struct<a:bigint,b:array<string>>'
    """

    kind: str
    args: tuple[HiveType, ...] = ()
    names: tuple[str, ...] = ()

    def __str__(self) -> str:
        if self.kind == "array":
            return f"array<{self.args[0]}>"
        if self.kind == "map":
            return f"map<{self.args[0]},{self.args[1]}>"
        if self.kind == "struct":
            inner = ",".join(f"{n}:{t}" for n, t in zip(self.names, self.args, strict=True))
            return f"struct<{inner}>"
        return "string" if self.kind == "null" else self.kind


STRING, NULL = HiveType("string"), HiveType("null")


def merge_types(a: HiveType, b: HiveType) -> HiveType:
    """The type that holds values of both: numbers widen, structs unite, else ``string``.

    >>> str(merge_types(HiveType("int"), HiveType("double")))
    'double'
    >>> a = HiveType("struct", (HiveType("bigint"),), ("x",))
    >>> str(merge_types(a, HiveType("struct", (HiveType("boolean"),), ("y",))))
    'struct<x:bigint,y:boolean>'
    """
    if a == b or b.kind == "null":
        return a
    if a.kind == "null":
        return b
    if a.kind in _NUMERIC_RANK and b.kind in _NUMERIC_RANK:
        return a if _NUMERIC_RANK[a.kind] >= _NUMERIC_RANK[b.kind] else b
    if a.kind != b.kind or a.kind not in ("array", "map", "struct"):
        return STRING
    if a.kind == "struct":
        fields = merge_fields(
            list(zip(a.names, a.args, strict=True)), zip(b.names, b.args, strict=True)
        )
        return HiveType("struct", tuple(t for _, t in fields), tuple(n for n, _ in fields))
    return HiveType(a.kind, tuple(merge_types(x, y) for x, y in zip(a.args, b.args, strict=True)))


def merge_fields(
    into: list[tuple[str, HiveType]], more: Iterable[tuple[str, HiveType]]
) -> list[tuple[str, HiveType]]:
    """Columns of both, in first-seen order, types merged by name."""
    out = dict(into)
    for name, t in more:
        out[name] = merge_types(out[name], t) if name in out else t
    return list(out.items())


def arrow_type(t: pa.DataType, *, dates_as_string: bool = False) -> HiveType:
    """The Glue type of an Arrow type (what a Parquet footer or a JSON/CSV sample gives).

    >>> str(arrow_type(pa.list_(pa.struct([("A", pa.int32())]))))
    'array<struct<A:int>>'
    >>> str(arrow_type(pa.timestamp("s"), dates_as_string=True))
    'string'
    """

    def conv(x: pa.DataType) -> HiveType:
        return arrow_type(x, dates_as_string=dates_as_string)

    if pa.types.is_dictionary(t):
        return conv(t.value_type)
    if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_fixed_size_list(t):
        return HiveType("array", (conv(t.value_type),))
    if pa.types.is_struct(t):
        fields = [t.field(i) for i in range(t.num_fields)]
        return HiveType(
            "struct", tuple(conv(f.type) for f in fields), tuple(f.name for f in fields)
        )
    if pa.types.is_map(t):
        return HiveType("map", (conv(t.key_type), conv(t.item_type)))
    if pa.types.is_decimal(t):
        return HiveType(f"decimal({t.precision},{t.scale})")
    if pa.types.is_timestamp(t) or pa.types.is_date(t):
        if dates_as_string:
            return STRING
        return HiveType("timestamp" if pa.types.is_timestamp(t) else "date")
    return HiveType(_arrow_primitive(t))


def _arrow_primitive(t: pa.DataType) -> str:
    checks: tuple[tuple[Callable[[pa.DataType], bool], str], ...] = (
        (pa.types.is_null, "null"),
        (pa.types.is_boolean, "boolean"),
        (pa.types.is_int8, "tinyint"),
        (lambda x: pa.types.is_int16(x) or pa.types.is_uint8(x), "smallint"),
        (lambda x: pa.types.is_int32(x) or pa.types.is_uint16(x), "int"),
        (pa.types.is_integer, "bigint"),
        (lambda x: pa.types.is_float16(x) or pa.types.is_float32(x), "float"),
        (pa.types.is_float64, "double"),
        (lambda x: pa.types.is_binary(x) or pa.types.is_large_binary(x), "binary"),
    )
    return next((name for check, name in checks if check(t)), "string")


# -- one file ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FileSchema:
    """A classified file: its Glue classification, columns and (CSV) dialect."""

    classification: str
    columns: tuple[tuple[str, HiveType], ...]
    delimiter: str | None = None
    header: bool = False
    quoted: bool = False

    @property
    def format_key(self) -> tuple[str, str | None, bool]:
        """Files of one table must agree on this."""
        return (self.classification, self.delimiter, self.header)

    @property
    def names(self) -> frozenset[str]:
        return frozenset(n for n, _ in self.columns)


def infer_file(path: str) -> FileSchema | None:
    """Classify the file at ``path`` and read its schema; ``None`` when no built-in
    classifier lakestack has recognises it (Glue's ``UNKNOWN``)."""
    with open(path, "rb") as f:
        head = f.read(SAMPLE_BYTES)
        whole = len(f.read(1)) == 0
    if head[:4] == b"PAR1":
        try:
            return _columns("parquet", pq.read_schema(path), dates_as_string=False)
        except (pa.ArrowException, OSError):
            return None
    if not whole:  # a cut record is no record: keep whole lines only
        head = head[: head.rfind(b"\n") + 1]
    if head.lstrip()[:1] == b"{":
        return json_schema(head)
    return csv_schema(head)


def _columns(classification: str, schema: pa.Schema, *, dates_as_string: bool) -> FileSchema:
    fields = merge_fields(
        [],
        ((f.name.lower(), arrow_type(f.type, dates_as_string=dates_as_string)) for f in schema),
    )
    return FileSchema(classification, tuple(fields))


def json_schema(data: bytes) -> FileSchema | None:
    """Columns of JSON lines (one object per line), types merged over every record.

    >>> s = json_schema(b'{"id": 1, "tags": ["a"]}\\n{"id": 2, "ok": true}\\n')
    >>> [(n, str(t)) for n, t in s.columns]
    [('id', 'bigint'), ('tags', 'array<string>'), ('ok', 'boolean')]
    """
    try:
        table = pa_json.read_json(io.BytesIO(data))
        return _columns("json", table.schema, dates_as_string=True)
    except pa.ArrowException:  # e.g. a key changes type between records: merge them
        pass
    fields: list[tuple[str, HiveType]] = []
    try:
        for line in data.decode("utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                if not isinstance(record, dict):
                    return None
                fields = merge_fields(fields, ((k.lower(), _py_type(v)) for k, v in record.items()))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    return FileSchema("json", tuple(fields)) if fields else None


def _py_type(value: Any) -> HiveType:
    if value is None:
        return NULL
    if isinstance(value, bool):
        return HiveType("boolean")
    if isinstance(value, int):
        return HiveType("bigint")
    if isinstance(value, float):
        return HiveType("double")
    if isinstance(value, list):
        inner = NULL
        for item in value:
            inner = merge_types(inner, _py_type(item))
        return HiveType("array", (inner,))
    if isinstance(value, dict):
        items = [(k, _py_type(v)) for k, v in value.items()]
        return HiveType("struct", tuple(t for _, t in items), tuple(k for k, _ in items))
    return STRING


def csv_schema(data: bytes) -> FileSchema | None:
    """Delimiter, header and columns of delimited text, by Glue's CSV classifier rules.

    >>> s = csv_schema(b"id,name,amount\\n1,a,2.5\\n2,b,3\\n")
    >>> s.delimiter, s.header, [(n, str(t)) for n, t in s.columns]
    (',', True, [('id', 'bigint'), ('name', 'string'), ('amount', 'double')])
    >>> [n for n, _ in csv_schema(b"a|b\\nc|d\\n").columns]
    ['col0', 'col1']
    """
    try:
        lines = data.decode("utf-8").splitlines(keepends=True)[:SAMPLE_ROWS]
    except UnicodeDecodeError:
        return None
    text = "".join(lines)
    delimiter = _delimiter(text)
    if delimiter is None:
        return None
    first = next(csv.reader(io.StringIO(text), delimiter=delimiter))
    data_types = _csv_types(text, delimiter, skip=1)
    if data_types is None:
        return None
    header = _is_header(first, data_types)
    if header:
        names = [c.strip().lower() or f"col{i}" for i, c in enumerate(first)]
        types = data_types
    else:
        names = [f"col{i}" for i in range(len(first))]
        types = _csv_types(text, delimiter, skip=0) or data_types
    quoted = any(line.startswith('"') or f'{delimiter}"' in line for line in lines)
    return FileSchema(
        "csv",
        tuple(merge_fields([], zip(names, types, strict=True))),
        delimiter,
        header,
        quoted,
    )


def _delimiter(text: str) -> str | None:
    """The first of Glue's delimiters that splits every row into the same >= 2 columns."""
    for d in DELIMITERS:
        rows = [r for r in csv.reader(io.StringIO(text), delimiter=d) if r]
        if len(rows) >= 2 and len(rows[0]) >= 2 and all(len(r) == len(rows[0]) for r in rows):
            return d
    return None


def _csv_types(text: str, delimiter: str, skip: int) -> list[HiveType] | None:
    flags = ["true", "True", "TRUE"], ["false", "False", "FALSE"]
    try:
        table = pa_csv.read_csv(
            io.BytesIO(text.encode()),
            read_options=pa_csv.ReadOptions(autogenerate_column_names=True, skip_rows=skip),
            parse_options=pa_csv.ParseOptions(delimiter=delimiter),
            convert_options=pa_csv.ConvertOptions(true_values=flags[0], false_values=flags[1]),
        )
    except pa.ArrowException:
        return None
    return [arrow_type(f.type, dates_as_string=True) for f in table.schema]


def _is_header(first: Sequence[str], data_types: Sequence[HiveType]) -> bool:
    """Glue's header test: every cell is text, short and a valid column name (the last may
    be empty), and some column's data is not text, so the row stands out."""
    if all(t.kind in ("string", "null") for t in data_types):
        return False
    for i, cell in enumerate(first):
        last = i == len(first) - 1
        if _NUMBER.fullmatch(cell.strip()) or cell.strip().lower() in ("true", "false"):
            return False
        if not last and not (0 < len(cell) < 150):
            return False
        if cell and not _COLUMN_NAME.fullmatch(cell):
            return False
    return True


def similar(a: frozenset[str], b: frozenset[str]) -> bool:
    """Whether two schemas (their column names) are alike enough to share a table.

    >>> similar(frozenset("ab"), frozenset("abc")), similar(frozenset("ab"), frozenset("cd"))
    (True, False)
    """
    if not a or not b:
        return a == b
    return len(a & b) / min(len(a), len(b)) >= SIMILARITY
