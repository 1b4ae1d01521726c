"""Records as Python sees them in Filter and Map, and frames built back from them.

A record is a :class:`DynamicRecord`: a ``dict`` of field name to value that also allows
``record.field`` (the AWS Filter page: "You can use Python's dot notation to access many
fields in a DynamicRecord"). Structs are dicts, arrays lists, maps dicts, timestamps
naive local ``datetime`` (as pyspark's ``Row`` gives them).

A function that raises, or a Map function that returns no record, makes an error record:
upstream counts it as an error and leaves it out of the output, and so does this module
(the count is not kept). The schema of a Map result is inferred from every returned record
(Glue computes schemas from the data too); a field keeps its input type when its new values
still fit it, conflicting types become ``string`` (Glue would make a choice type).
Knows pyspark and pyarrow, nothing about frames.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable, Iterator
from typing import Any

from pyspark import StorageLevel
from pyspark.sql import DataFrame, Row
from pyspark.sql import types as T


class DynamicRecord(dict[str, Any]):
    """A record: a dict of field values with attribute access for field names."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value: Any) -> None:
        self[name] = value

    def __delattr__(self, name: str) -> None:
        try:
            del self[name]
        except KeyError:
            raise AttributeError(name) from None


def keep(f: Callable[[DynamicRecord], Any], record: DynamicRecord) -> bool:
    """Whether Filter keeps ``record``: ``f`` returned something truthy without raising."""
    try:
        return bool(f(record))
    except Exception:  # upstream: False for Key/Value/TypeError, an error record otherwise
        return False


def filter_rows(df: DataFrame, f: Callable[[DynamicRecord], Any]) -> DataFrame:
    """``df`` with the records ``f`` keeps, calling ``f`` once per record (Arrow batches)."""
    import pyarrow as pa

    schema = df.schema

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            mask = [keep(f, record) for record in arrow_records(batch, schema)]
            yield batch.filter(pa.array(mask, type=pa.bool_()))

    return df.mapInArrow(run, schema)


def arrow_records(batch: Any, schema: T.StructType) -> list[DynamicRecord]:
    """The records of an Arrow batch of ``schema``, values as pyspark would give them."""
    columns = []
    for field, array in zip(schema.fields, batch.columns, strict=True):
        values = array.to_pylist()
        if _needs_fixing(field.dataType):
            values = [_fix(v, field.dataType) for v in values]
        columns.append(values)
    if not columns:
        return [DynamicRecord() for _ in range(batch.num_rows)]
    return [
        DynamicRecord(zip(schema.names, row, strict=True)) for row in zip(*columns, strict=True)
    ]


def _needs_fixing(dtype: T.DataType) -> bool:
    if isinstance(dtype, T.MapType | T.TimestampType):
        return True
    if isinstance(dtype, T.ArrayType):
        return _needs_fixing(dtype.elementType)
    if isinstance(dtype, T.StructType):
        return any(_needs_fixing(f.dataType) for f in dtype.fields)
    return False


def _fix(value: Any, dtype: T.DataType) -> Any:
    """Arrow's Python value made pyspark's: maps to dicts, aware timestamps to local naive."""
    if value is None:
        return None
    if isinstance(dtype, T.MapType):
        return {_fix(k, dtype.keyType): _fix(v, dtype.valueType) for k, v in value}
    if isinstance(dtype, T.TimestampType):
        return value.astimezone().replace(tzinfo=None) if value.tzinfo else value
    if isinstance(dtype, T.ArrayType):
        return [_fix(v, dtype.elementType) for v in value]
    if isinstance(dtype, T.StructType):
        return {f.name: _fix(value.get(f.name), f.dataType) for f in dtype.fields}
    return value


def map_rows(df: DataFrame, f: Callable[[DynamicRecord], Any]) -> DataFrame:
    """The frame of the records ``f`` returns for each record of ``df``."""
    hint = df.schema

    def apply(row: Row) -> dict[str, Any] | None:
        try:
            result = f(DynamicRecord(row.asDict(recursive=True)))
        except Exception:  # an error record: upstream keeps it out of the output
            return None
        return result if isinstance(result, dict) else None

    records = df.rdd.map(apply).filter(lambda r: r is not None)
    records.persist(StorageLevel.MEMORY_AND_DISK)
    schema = records.map(lambda r: infer(r, hint)).fold(T.StructType([]), merge)
    if not isinstance(schema, T.StructType):
        schema = T.StructType([])
    rows = records.map(lambda r: conform(r, schema))
    return df.sparkSession.createDataFrame(rows, schema, verifySchema=False)


_INTEGRAL: list[type[T.DataType]] = [T.ByteType, T.ShortType, T.IntegerType, T.LongType]
_BITS = {T.ByteType: 8, T.ShortType: 16, T.IntegerType: 32, T.LongType: 64}


def _fits(value: int, dtype: T.DataType) -> bool:
    bits = next((b for cls, b in _BITS.items() if isinstance(dtype, cls)), None)
    return bits is not None and -(2 ** (bits - 1)) <= value < 2 ** (bits - 1)


def infer(value: Any, hint: T.DataType | None = None) -> T.DataType:
    """The Spark type of a Python value; ``hint`` (the input's type) wins when it fits.

    >>> infer({"a": 1, "b": [1.5]}).simpleString()
    'struct<a:bigint,b:array<double>>'
    >>> infer(7, T.IntegerType())
    IntegerType()
    """
    if value is None:
        return T.NullType()
    if isinstance(value, bool):
        return T.BooleanType()
    if isinstance(value, int):
        if hint is not None and _fits(value, hint):
            return hint
        return T.LongType() if _fits(value, T.LongType()) else T.DecimalType(38, 0)
    if isinstance(value, float):
        return hint if isinstance(hint, T.FloatType) else T.DoubleType()
    if isinstance(value, str):
        return T.StringType()
    if isinstance(value, decimal.Decimal):
        return hint if isinstance(hint, T.DecimalType) else T.DecimalType(38, 18)
    if isinstance(value, dt.datetime):
        return hint if isinstance(hint, T.TimestampNTZType) else T.TimestampType()
    if isinstance(value, dt.date):
        return T.DateType()
    if isinstance(value, bytes | bytearray):
        return T.BinaryType()
    if isinstance(value, Row):
        return infer(value.asDict(recursive=True), hint)
    if isinstance(value, dict):
        return _infer_dict(value, hint)
    if isinstance(value, list | tuple):
        element_hint = hint.elementType if isinstance(hint, T.ArrayType) else None
        element: T.DataType = T.NullType()
        for item in value:
            element = merge(element, infer(item, element_hint))
        return T.ArrayType(element, True)
    return T.StringType()


def _infer_dict(value: dict[Any, Any], hint: T.DataType | None) -> T.DataType:
    if isinstance(hint, T.MapType):
        key: T.DataType = T.NullType()
        val: T.DataType = T.NullType()
        for k, v in value.items():
            key = merge(key, infer(k, hint.keyType))
            val = merge(val, infer(v, hint.valueType))
        return T.MapType(key if value else hint.keyType, val if value else hint.valueType)
    fields = []
    for name, item in value.items():
        member = None
        if isinstance(hint, T.StructType) and name in hint.names:
            member = hint[name].dataType
        fields.append(T.StructField(str(name), infer(item, member), True))
    return T.StructType(fields)


def merge(a: T.DataType, b: T.DataType) -> T.DataType:
    """One type for values of types ``a`` and ``b`` (``string`` when they conflict).

    >>> merge(T.IntegerType(), T.DoubleType())
    DoubleType()
    """
    if isinstance(a, T.NullType):
        return b
    if isinstance(b, T.NullType) or a == b:
        return a
    if isinstance(a, T.StructType) and isinstance(b, T.StructType):
        return _merge_structs(a, b)
    if isinstance(a, T.ArrayType) and isinstance(b, T.ArrayType):
        return T.ArrayType(merge(a.elementType, b.elementType), True)
    if isinstance(a, T.MapType) and isinstance(b, T.MapType):
        return T.MapType(merge(a.keyType, b.keyType), merge(a.valueType, b.valueType), True)
    integral: tuple[type[T.DataType], ...] = tuple(_INTEGRAL)
    if isinstance(a, integral) and isinstance(b, integral):
        return a if _INTEGRAL.index(type(a)) > _INTEGRAL.index(type(b)) else b
    numeric: tuple[type[T.DataType], ...] = (*integral, T.FloatType, T.DoubleType)
    if isinstance(a, numeric) and isinstance(b, numeric):
        return T.DoubleType()
    decimals = [t for t in (a, b) if isinstance(t, T.DecimalType)]
    exact: tuple[type[T.DataType], ...] = (T.DecimalType, *integral)
    if decimals and all(isinstance(t, exact) for t in (a, b)):
        return T.DecimalType(38, max(t.scale for t in decimals))
    return T.StringType()


def _merge_structs(a: T.StructType, b: T.StructType) -> T.StructType:
    fields = {f.name: f.dataType for f in a.fields}
    for field in b.fields:
        fields[field.name] = merge(fields.get(field.name, T.NullType()), field.dataType)
    return T.StructType([T.StructField(name, dtype, True) for name, dtype in fields.items()])


def conform(value: Any, dtype: T.DataType) -> Any:
    """``value`` shaped for ``createDataFrame`` with ``dtype`` (structs become tuples)."""
    if value is None or isinstance(dtype, T.NullType):
        return None
    if isinstance(value, Row):
        value = value.asDict(recursive=True)
    if isinstance(dtype, T.StructType):
        if not isinstance(value, dict):
            return None
        return tuple(conform(value.get(f.name), f.dataType) for f in dtype.fields)
    if isinstance(dtype, T.ArrayType):
        return [conform(v, dtype.elementType) for v in value]
    if isinstance(dtype, T.MapType):
        return {conform(k, dtype.keyType): conform(v, dtype.valueType) for k, v in value.items()}
    if isinstance(dtype, T.StringType):
        return value if isinstance(value, str) else str(value)
    if isinstance(dtype, T.DoubleType | T.FloatType):
        return float(value)
    if isinstance(dtype, T.DecimalType):
        return value if isinstance(value, decimal.Decimal) else decimal.Decimal(value)
    return value
