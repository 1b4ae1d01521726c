"""Glue field paths on Spark columns: parsing, resolving, reading, rewriting nested fields.

A Glue path is dot-separated (``a.b.c``); a component in back-ticks may contain dots
(``\\`this.old.name\\```) and ``[]`` steps into array elements (``myList[].price``).
Structs are rewritten with ``withField``/``dropFields`` (they keep field order and leave
a null struct null). Also maps Glue type names (``string``, ``bigint``, ``decimal(10,2)``)
to Spark types. Knows Spark columns and schemas, nothing about frames.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T

ELEMENT = "[]"


def parse_path(path: str) -> list[str]:
    """Split a Glue path into field names, with ``[]`` for "each array element".

    >>> parse_path("a.`b.c`.d[].e")
    ['a', 'b.c', 'd', '[]', 'e']
    """
    parts: list[str] = []
    current, quoted, i = "", False, 0
    while i < len(path):
        ch = path[i]
        if ch == "`":
            if quoted and path[i + 1 : i + 2] == "`":
                current, i = current + "`", i + 2
                continue
            quoted = not quoted
        elif quoted:
            current += ch
        elif ch == ".":
            parts.append(current)
            current = ""
        elif path.startswith(ELEMENT, i):
            if current:
                parts.append(current)
            current = ""
            parts.append(ELEMENT)
            i += 1
            if path[i + 1 : i + 2] == ".":
                i += 1
        else:
            current += ch
        i += 1
    if current or not parts or parts[-1] != ELEMENT:
        parts.append(current)
    return parts


def quote(name: str) -> str:
    """``name`` as one column reference, dots and all.

    >>> quote("a.b")
    '`a.b`'
    """
    return "`" + name.replace("`", "``") + "`"


def top(name: str) -> Column:
    """The top-level column literally named ``name``."""
    return F.col(quote(name))


def resolve(
    schema: T.StructType, parts: Sequence[str], case_sensitive: bool = True
) -> tuple[list[str], T.DataType] | None:
    """The exact field names along ``parts`` and the type found there; None if absent."""
    names: list[str] = []
    current: T.DataType = schema
    for part in parts:
        if part == ELEMENT:
            if not isinstance(current, T.ArrayType):
                return None
            names.append(ELEMENT)
            current = current.elementType
            continue
        if not isinstance(current, T.StructType):
            return None
        found = _find_field(current, part, case_sensitive)
        if found is None:
            return None
        names.append(found.name)
        current = found.dataType
    return names, current


def _find_field(struct: T.StructType, name: str, case_sensitive: bool) -> T.StructField | None:
    for field in struct.fields:
        if field.name == name:
            return field
    if not case_sensitive:
        for field in struct.fields:
            if field.name.lower() == name.lower():
                return field
    return None


def get(names: Sequence[str]) -> Column:
    """The value at resolved ``names``; after ``[]`` the result is an array of values."""
    column = top(names[0])
    return _descend(column, names[1:])


def _descend(column: Column, names: Sequence[str]) -> Column:
    if not names:
        return column
    head, rest = names[0], names[1:]
    if head == ELEMENT:
        return F.transform(column, lambda x: _descend(x, rest))
    return _descend(column.getField(head), rest)


def update(
    df: DataFrame, names: Sequence[str], fn: Callable[[Column, T.DataType], Column]
) -> DataFrame:
    """``df`` with the value at resolved ``names`` replaced by ``fn(value, type)``."""
    field = df.schema[names[0]]
    new = _rebuild(top(names[0]), field.dataType, names[1:], fn)
    return df.withColumn(names[0], new)


def _rebuild(
    column: Column,
    dtype: T.DataType,
    names: Sequence[str],
    fn: Callable[[Column, T.DataType], Column],
) -> Column:
    if not names:
        return fn(column, dtype)
    head, rest = names[0], names[1:]
    if head == ELEMENT:
        assert isinstance(dtype, T.ArrayType)
        element = dtype.elementType
        return F.transform(column, lambda x: _rebuild(x, element, rest, fn))
    assert isinstance(dtype, T.StructType)
    child = dtype[head].dataType
    return column.withField(quote(head), _rebuild(column.getField(head), child, rest, fn))


def drop(df: DataFrame, names: Sequence[str]) -> DataFrame:
    """``df`` without the field at resolved ``names`` (a struct left empty goes too)."""
    if len(names) == 1:
        return df.select(*[top(c) for c in df.columns if c != names[0]])
    parent = names[:-1]
    found = resolve(df.schema, parent)
    assert found is not None
    parent_type = found[1]
    if isinstance(parent_type, T.StructType) and len(parent_type.fields) == 1:
        return drop(df, parent[:-1] if parent[-1] == ELEMENT else parent)
    return update(df, parent, lambda c, _t: c.dropFields(quote(names[-1])))


def set_at(df: DataFrame, parts: Sequence[str], value: Column) -> DataFrame:
    """``df`` with ``value`` stored at path ``parts``, creating missing structs on the way."""
    depth, names = 0, []
    for k in range(len(parts) - 1, 0, -1):
        found = resolve(df.schema, parts[:k], case_sensitive=False)
        if found is not None and isinstance(found[1], T.StructType):
            depth, names = k, found[0]
            break
    tail = list(parts[depth:])
    for name in reversed(tail[1:]):
        value = F.struct(value.alias(name))
        tail.pop()
    if depth == 0:
        return df.withColumn(tail[0], value)
    return update(df, names, lambda c, _t: c.withField(quote(tail[0]), value))


def rename_in_struct(column: Column, dtype: T.StructType, old: str, new: str) -> Column:
    """The struct ``column`` with member ``old`` called ``new``, in place (null stays null)."""
    members = [
        column.getField(f.name).alias(new if f.name == old else f.name) for f in dtype.fields
    ]
    return F.when(column.isNull(), F.lit(None)).otherwise(F.struct(*members))


def nest(tree: dict[str, Any], source: Sequence[str] | None = None) -> list[Column]:
    """Columns for a tree of ``{name: Column | subtree}``; subtrees become structs.

    With ``source`` (the tree mirrors existing fields under that path), a subtree is null
    where the struct it was taken from is null.
    """
    columns = []
    for name, value in tree.items():
        if not isinstance(value, dict):
            columns.append(value.alias(name))
            continue
        path = [*source, name] if source is not None else None
        struct = F.struct(*nest(value, path))
        if path is not None:
            struct = F.when(get(path).isNull(), F.lit(None)).otherwise(struct)
        columns.append(struct.alias(name))
    return columns


def put(tree: dict[str, Any], parts: Sequence[str], value: Any) -> None:
    """Place ``value`` at ``parts`` in a ``nest`` tree, creating subtrees as needed."""
    node = tree
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = node[part] = {}
        node = child
    node[parts[-1]] = value


# Glue type names (https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-pyspark-transforms-ApplyMapping.html
# uses "string", "long", "int"...; Hive names come from the Data Catalog).
_TYPE_NAMES: dict[str, T.DataType] = {
    "string": T.StringType(),
    "varchar": T.StringType(),
    "char": T.StringType(),
    "int": T.IntegerType(),
    "integer": T.IntegerType(),
    "long": T.LongType(),
    "bigint": T.LongType(),
    "short": T.ShortType(),
    "smallint": T.ShortType(),
    "byte": T.ByteType(),
    "tinyint": T.ByteType(),
    "double": T.DoubleType(),
    "float": T.FloatType(),
    "real": T.FloatType(),
    "boolean": T.BooleanType(),
    "bool": T.BooleanType(),
    "date": T.DateType(),
    "timestamp": T.TimestampType(),
    "binary": T.BinaryType(),
    "decimal": T.DecimalType(10, 2),
}
# Names that say "keep the value as it is".
_NO_CAST = {"array", "struct", "map", "object", "choice", "null", "unknown", "void"}


def spark_type(name: str) -> T.DataType | str | None:
    """The Spark type a Glue/Hive type name stands for; None means "leave as is".

    Returns a DDL string for complex Hive types (``array<string>``).

    >>> spark_type("Long"), spark_type("decimal(12,3)"), spark_type("varchar(10)")
    (LongType(), DecimalType(12,3), StringType())
    >>> spark_type("array<string>")
    'array<string>'
    """
    key = name.strip().lower()
    if key in _TYPE_NAMES:
        return _TYPE_NAMES[key]
    if key in _NO_CAST:
        return None
    match = re.fullmatch(r"decimal\s*\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)", key)
    if match:
        return T.DecimalType(int(match.group(1)), int(match.group(2) or 0))
    if re.fullmatch(r"(var)?char\s*\(\s*\d+\s*\)", key):
        return T.StringType()
    if re.match(r"(array|map|struct)\s*<", key):
        return re.sub(r"(var)?char\s*\(\s*\d+\s*\)", "string", key)
    raise ValueError(f"unknown type name {name!r}")


def cast(column: Column, current: T.DataType, target: T.DataType | str | None) -> Column:
    """``column`` cast to ``target`` unless it already has that type (or target is None)."""
    if target is None:
        return column
    if isinstance(target, str):
        if current.simpleString() == target.replace(" ", ""):
            return column
        return column.cast(target)
    if current == target:
        return column
    return column.cast(target)
