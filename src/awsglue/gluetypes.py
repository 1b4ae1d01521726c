"""Glue's own type classes (upstream ``awsglue.gluetypes``), built from Spark schemas.

``DynamicFrame.schema()`` returns a :class:`StructType` of :class:`Field` objects, as
upstream does. Names follow upstream: ``typeName()`` is the lower-cased class name without
``Type`` (``IntegerType`` says ``int``), ``DecimalType`` defaults to ``(10, 2)``, and a
``MapType`` carries only its value type (Glue map keys are strings). Spark has no union
type, so :class:`ChoiceType` exists for scripts that name it but is never produced here.
This module knows Spark types, nothing about frames.
"""

from __future__ import annotations

from typing import Any


class DataType:
    """Base of all Glue types; ``properties`` is upstream's free-form metadata dict."""

    def __init__(self, properties: dict[str, Any] | None = None) -> None:
        self.properties = dict(properties or {})

    def __eq__(self, other: object) -> bool:
        return isinstance(other, self.__class__) and self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash(str(self.__class__))

    @classmethod
    def typeName(cls) -> str:  # noqa: N802 - upstream name
        """The Glue type name: ``StringType.typeName() == "string"``."""
        return cls.__name__[:-4].lower()

    def jsonValue(self) -> dict[str, Any]:  # noqa: N802 - upstream name
        """The JSON form upstream serializes schemas with."""
        return {"dataType": self.typeName(), "properties": self.properties}


class AtomicType(DataType):
    """A type without children."""

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({self.properties})"


class BinaryType(AtomicType):
    pass


class BooleanType(AtomicType):
    pass


class ByteType(AtomicType):
    pass


class DateType(AtomicType):
    pass


class DecimalType(AtomicType):
    """``DecimalType(precision=10, scale=2)``, upstream's defaults."""

    def __init__(
        self, precision: int = 10, scale: int = 2, properties: dict[str, Any] | None = None
    ) -> None:
        super().__init__(properties)
        self.precision = precision
        self.scale = scale

    def __repr__(self) -> str:
        return f"DecimalType({self.precision}, {self.scale}, {self.properties})"

    def jsonValue(self) -> dict[str, Any]:  # noqa: N802 - upstream name
        return {**super().jsonValue(), "precision": self.precision, "scale": self.scale}


class DoubleType(AtomicType):
    pass


class FloatType(AtomicType):
    pass


class IntegerType(AtomicType):
    @classmethod
    def typeName(cls) -> str:  # noqa: N802 - upstream name
        return "int"


class LongType(AtomicType):
    pass


class NullType(AtomicType):
    pass


class ShortType(AtomicType):
    pass


class StringType(AtomicType):
    pass


class TimestampType(AtomicType):
    pass


class UnknownType(AtomicType):
    pass


class ArrayType(DataType):
    """An array of ``elementType``."""

    def __init__(
        self, elementType: DataType | None = None, properties: dict[str, Any] | None = None
    ) -> None:
        super().__init__(properties)
        self.elementType = elementType if elementType is not None else UnknownType()

    def __repr__(self) -> str:
        return f"ArrayType({self.elementType}, {self.properties})"

    def jsonValue(self) -> dict[str, Any]:  # noqa: N802 - upstream name
        return {**super().jsonValue(), "elementType": self.elementType.jsonValue()}


class ChoiceType(DataType):
    """A union of types, keyed by type name (upstream's schema-drift type)."""

    def __init__(
        self, choices: list[DataType] | None = None, properties: dict[str, Any] | None = None
    ) -> None:
        super().__init__(properties)
        self.choices: dict[str, DataType] = {}
        for choice in choices or []:
            self.add(choice)

    def __repr__(self) -> str:
        ordered = sorted(self.choices.values(), key=lambda c: c.typeName())
        return f"ChoiceType([{','.join(str(c) for c in ordered)}], {self.properties})"

    def add(self, new_choice: DataType) -> None:
        """Add one more possible type; a type name may appear once."""
        if new_choice.typeName() in self.choices:
            raise ValueError("Attempting to insert duplicate choice", new_choice)
        self.choices[new_choice.typeName()] = new_choice

    def jsonValue(self) -> dict[str, Any]:  # noqa: N802 - upstream name
        return {**super().jsonValue(), "choices": [c.jsonValue() for c in self.choices.values()]}


class MapType(DataType):
    """A map from string keys to ``valueType``."""

    def __init__(
        self, valueType: DataType | None = None, properties: dict[str, Any] | None = None
    ) -> None:
        super().__init__(properties)
        self.valueType = valueType if valueType is not None else UnknownType()

    def __repr__(self) -> str:
        return f"MapType({self.valueType}, {self.properties})"

    def jsonValue(self) -> dict[str, Any]:  # noqa: N802 - upstream name
        return {**super().jsonValue(), "valueType": self.valueType.jsonValue()}


class Field:
    """A named member of a :class:`StructType`."""

    def __init__(
        self, name: str, dataType: DataType, properties: dict[str, Any] | None = None
    ) -> None:
        if not isinstance(dataType, DataType):
            raise TypeError(f"dataType should be DataType. Got {dataType.__class__}")
        self.name = name
        self.dataType = dataType
        self.properties = dict(properties or {})

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Field) and self.name == other.name and self.dataType == other.dataType
        )

    def __hash__(self) -> int:
        return hash(self.name)

    def __repr__(self) -> str:
        return f"Field({self.name}, {self.dataType}, {self.properties})"

    def jsonValue(self) -> dict[str, Any]:  # noqa: N802 - upstream name
        return {
            "name": self.name,
            "container": self.dataType.jsonValue(),
            "properties": self.properties,
        }


class StructType(DataType):
    """An ordered list of :class:`Field`; iterating yields the fields."""

    def __init__(
        self, fields: list[Field] | None = None, properties: dict[str, Any] | None = None
    ) -> None:
        super().__init__(properties)
        self.fields: list[Field] = list(fields or [])
        if not all(isinstance(f, Field) for f in self.fields):
            raise TypeError("fields should be a list of Field")
        self.field_map = {f.name: f for f in self.fields}

    def __iter__(self) -> Any:
        return iter(self.fields)

    def __repr__(self) -> str:
        return f"StructType([{','.join(str(f) for f in self.fields)}], {self.properties})"

    def add(self, field: Field) -> None:
        """Append ``field``."""
        self.fields.append(field)
        self.field_map[field.name] = field

    def hasField(self, field: Field | str) -> bool:  # noqa: N802 - upstream name
        """Whether a field of that name exists."""
        return (field.name if isinstance(field, Field) else field) in self.field_map

    def getField(self, field: Field | str) -> Field:  # noqa: N802 - upstream name
        """The field of that name (``KeyError`` when absent)."""
        return self.field_map[field.name if isinstance(field, Field) else field]

    def jsonValue(self) -> dict[str, Any]:  # noqa: N802 - upstream name
        return {**super().jsonValue(), "fields": [f.jsonValue() for f in self.fields]}


_SIMPLE = {
    "StringType": StringType,
    "VarcharType": StringType,
    "CharType": StringType,
    "IntegerType": IntegerType,
    "LongType": LongType,
    "ShortType": ShortType,
    "ByteType": ByteType,
    "DoubleType": DoubleType,
    "FloatType": FloatType,
    "BooleanType": BooleanType,
    "DateType": DateType,
    "TimestampType": TimestampType,
    "TimestampNTZType": TimestampType,
    "BinaryType": BinaryType,
    "NullType": NullType,
}


def from_spark(spark_type: Any) -> DataType:
    """The Glue type of a pyspark ``DataType``.

    >>> from pyspark.sql import types as T
    >>> from_spark(T.ArrayType(T.IntegerType()))
    ArrayType(IntegerType({}), {})
    """
    from pyspark.sql import types as T

    name = type(spark_type).__name__
    if name in _SIMPLE:
        return _SIMPLE[name]()
    if isinstance(spark_type, T.DecimalType):
        return DecimalType(spark_type.precision, spark_type.scale)
    if isinstance(spark_type, T.ArrayType):
        return ArrayType(from_spark(spark_type.elementType))
    if isinstance(spark_type, T.MapType):
        return MapType(from_spark(spark_type.valueType))
    if isinstance(spark_type, T.StructType):
        return StructType([Field(f.name, from_spark(f.dataType)) for f in spark_type.fields])
    return UnknownType()


def struct_from_spark(spark_schema: Any) -> StructType:
    """The Glue ``StructType`` of a pyspark ``StructType`` (a frame's schema)."""
    return StructType([Field(f.name, from_spark(f.dataType)) for f in spark_schema.fields])


def tree_string(schema: StructType) -> str:
    """The ``root`` / ``|-- name: type`` tree that ``printSchema`` prints.

    >>> print(tree_string(StructType([Field("a", ArrayType(StringType()))])), end="")
    root
    |-- a: array
    |    |-- element: string
    """
    lines = ["root"]
    for field in schema.fields:
        _tree_lines(field.name, field.dataType, "", lines)
    return "\n".join(lines) + "\n"


def _tree_lines(name: str, data_type: DataType, indent: str, lines: list[str]) -> None:
    lines.append(f"{indent}|-- {name}: {data_type.typeName()}")
    inner = indent + "|    "
    if isinstance(data_type, StructType):
        for field in data_type.fields:
            _tree_lines(field.name, field.dataType, inner, lines)
    elif isinstance(data_type, ArrayType):
        _tree_lines("element", data_type.elementType, inner, lines)
    elif isinstance(data_type, MapType):
        _tree_lines("value", data_type.valueType, inner, lines)
    elif isinstance(data_type, ChoiceType):
        for choice in sorted(data_type.choices):
            lines.append(f"{inner}|-- {choice}")
