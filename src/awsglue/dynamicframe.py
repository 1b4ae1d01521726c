"""DynamicFrame: Glue's frame, here a thin wrapper over a Spark DataFrame.

Mirrors upstream ``awsglue.dynamicframe`` (method and keyword names, return types) with
the behaviour of AWS's "DynamicFrame class" page
(https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-pyspark-extensions-dynamic-frame.html).
Every transform takes upstream's ``transformation_ctx``, ``info``, ``stageThreshold`` and
``totalThreshold``; they only label and bound error records upstream and are accepted and
ignored here. Records a Python function fails on are dropped, not counted, so
``errorsCount()`` is always 0. Spark columns have one type each: there are no choice types
to resolve, and a schema is the DataFrame's, not one computed from the records.
The column work lives in ``awsglue.transforms._*`` helpers; this module knows frames.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from awsglue import gluetypes
from awsglue.transforms import _choice, _columns, _predicate, _records, _relationalize


class ResolveOption:
    """How ``toDF`` resolves a choice: ``action`` is ``Project``, ``Cast`` or ``KeepAsStruct``;
    ``target`` a pyspark ``DataType`` (required for ``Project`` and ``Cast``)."""

    def __init__(self, path: str, action: str, target: Any = None) -> None:
        self.path = path
        self.action = action
        self.target = target


def _paths(paths: str | list[str]) -> list[str]:
    return [paths] if isinstance(paths, str) else list(paths)


class DynamicFrame:
    """``DynamicFrame(df, glue_ctx, name="")``: ``df`` is a pyspark DataFrame."""

    def __init__(self, df: Any, glue_ctx: Any, name: str = "") -> None:
        self._df = df
        self.glue_ctx = glue_ctx
        self.name = name

    def _new(self, df: Any, name: str | None = None) -> DynamicFrame:
        return DynamicFrame(df, self.glue_ctx, self.name if name is None else name)

    # -- construction ---------------------------------------------------------------

    def toDF(self, options: list[ResolveOption] | None = None) -> Any:  # noqa: N802
        """The Spark DataFrame; ``Project``/``Cast`` options cast their path to the target."""
        if not options:
            return self._df
        return _choice.apply_options(self._df, options)

    @classmethod
    def fromDF(cls, dataframe: Any, glue_ctx: Any, name: str) -> DynamicFrame:  # noqa: N802
        """A DynamicFrame named ``name`` over the Spark ``dataframe``."""
        return cls(dataframe, glue_ctx, name)

    # -- information ----------------------------------------------------------------

    def count(self) -> int:
        """The number of records."""
        return int(self._df.count())

    def schema(self) -> gluetypes.StructType:
        """The schema as upstream's ``gluetypes.StructType`` of ``Field``."""
        return gluetypes.struct_from_spark(self._df.schema)

    def printSchema(self) -> None:  # noqa: N802
        """Print the schema as upstream does: ``root`` then one ``|-- name: type`` per field."""
        print(gluetypes.tree_string(self.schema()), end="")

    def show(self, num_rows: int = 20) -> None:
        """Print the first ``num_rows`` records, one JSON object per line (as Glue does)."""
        for row in self._df.limit(num_rows).collect():
            print(json.dumps(row.asDict(recursive=True), default=str, ensure_ascii=False))

    def getNumPartitions(self) -> int:  # noqa: N802
        """The number of partitions of the underlying data."""
        return int(self._df.rdd.getNumPartitions())

    def repartition(
        self,
        num_partitions: int,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrame:
        """A new frame with exactly ``num_partitions`` partitions (a shuffle)."""
        return self._new(self._df.repartition(num_partitions))

    def coalesce(
        self,
        num_partitions: int,
        shuffle: bool = False,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrame:
        """A new frame with at most ``num_partitions`` partitions (a shuffle if ``shuffle``)."""
        df = self._df.repartition(num_partitions) if shuffle else self._df.coalesce(num_partitions)
        return self._new(df)

    def errorsCount(self) -> int:  # noqa: N802
        """Error records so far: always 0 (failing records are dropped, not kept)."""
        return 0

    def stageErrorsCount(self) -> int:  # noqa: N802
        """Error records of the last transform: always 0 (see ``errorsCount``)."""
        return 0

    def assertErrorThreshold(self) -> None:  # noqa: N802
        """Raise when error thresholds are exceeded: never, no errors are counted."""
        return None

    # -- field transforms -----------------------------------------------------------

    def apply_mapping(
        self,
        mappings: list[tuple[str, str, str, str]] | tuple[str, str, str, str],
        case_sensitive: bool = False,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrame:
        """Only the mapped fields, in mapping order, renamed and cast to the target types.

        Each mapping is ``(source path, source type, target path, target type)``; a dotted
        target nests the field in a struct. A source that does not exist yields no field
        (a record without the field has nothing to map). Casts are Spark's non-ANSI casts
        (a value that does not convert becomes null).
        """
        if isinstance(mappings, tuple):
            mappings = [mappings]
        schema = self._df.schema
        tree: dict[str, Any] = {}
        for mapping in mappings:
            if len(mapping) != 4:
                raise ValueError(
                    "a mapping is (source path, source type, target path, target type); "
                    f"got {mapping!r}"
                )
            source, _source_type, target, target_type = mapping
            spark_type = _columns.spark_type(target_type)
            found = _columns.resolve(schema, _columns.parse_path(source), case_sensitive)
            if found is None:
                continue
            names, dtype = found
            target_parts = _columns.parse_path(target)
            _no_array_steps(names, target_parts)
            value = _columns.cast(_columns.get(names), dtype, spark_type)
            _columns.put(tree, target_parts, value)
        return self._new(self._df.select(*_columns.nest(tree)))

    def applyMapping(self, *args: Any, **kwargs: Any) -> DynamicFrame:  # noqa: N802
        """Same as :meth:`apply_mapping`."""
        return self.apply_mapping(*args, **kwargs)

    def select_fields(
        self,
        paths: str | list[str],
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrame:
        """Only the fields at ``paths`` (nested paths keep their parents), in ``paths`` order.

        Paths that do not exist are ignored.
        """
        tree: dict[str, Any] = {}
        for path in _paths(paths):
            found = self._resolve(path)
            if found is not None:
                _no_array_steps(found)
                _columns.put(tree, found, _columns.get(found))
        return self._new(self._df.select(*_columns.nest(tree, [])))

    def drop_fields(
        self,
        paths: str | list[str],
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrame:
        """All fields but those at ``paths`` (nested paths drop struct members).

        Paths that do not exist are ignored.
        """
        df = self._df
        for path in _paths(paths):
            found = _columns.resolve(df.schema, _columns.parse_path(path), case_sensitive=False)
            if found is not None:
                df = _columns.drop(df, found[0])
        return self._new(df)

    def rename_field(
        self,
        oldName: str,
        newName: str,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrame:
        """The field at path ``oldName`` renamed to the full path ``newName``.

        A new name under the same parent renames in place; another path moves the field
        there. Back-ticks quote names with dots (``"`this.old.name`"``).
        """
        old = self._resolve(oldName)
        if old is None:
            return self._new(self._df)
        new = _columns.parse_path(newName)
        df = self._df
        if len(new) == len(old) and [n.lower() for n in new[:-1]] == [n.lower() for n in old[:-1]]:
            if len(old) == 1:
                return self._new(df.withColumnRenamed(old[0], new[0]))
            rename = _rename_member(old[-1], new[-1])
            return self._new(_columns.update(df, old[:-1], rename))
        moved = _columns.set_at(df, new, _columns.get(old))
        return self._new(_columns.drop(moved, old))

    def split_fields(
        self,
        paths: str | list[str],
        name1: str,
        name2: str,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrameCollection:
        """Two frames: ``name1`` with the fields at ``paths``, ``name2`` with the others."""
        chosen = self.select_fields(paths)._df
        rest = self.drop_fields(paths)._df
        frames = {name1: self._new(chosen, name1), name2: self._new(rest, name2)}
        return DynamicFrameCollection(frames, self.glue_ctx)

    def unnest(
        self,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrame:
        """Struct members moved to top level, named by their dotted path."""
        return self._new(_relationalize.unnest(self._df))

    def drop_null_fields(
        self,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrame:
        """All fields but those that are null in every record (struct members too).

        A frame without records keeps its fields. Members of structs inside arrays are
        not examined.
        """
        from pyspark.sql import functions as F
        from pyspark.sql import types as T

        leaves: list[list[str]] = []
        _leaf_paths(self._df.schema, [], leaves)
        if not leaves:
            return self._new(self._df)
        counts = [F.count(_columns.get(p)).alias(str(i)) for i, p in enumerate(leaves)]
        row = self._df.agg(F.count(F.lit(1)).alias("rows"), *counts).first()
        if row is None or row["rows"] == 0:
            return self._new(self._df)
        df = self._df
        for i, path in enumerate(leaves):
            if row[str(i)] == 0 or isinstance(_type_at(self._df.schema, path), T.NullType):
                found = _columns.resolve(df.schema, path)
                if found is not None:
                    df = _columns.drop(df, found[0])
        return self._new(df)

    def _resolve(self, path: str) -> list[str] | None:
        found = _columns.resolve(self._df.schema, _columns.parse_path(path), case_sensitive=False)
        return found[0] if found is not None else None

    # -- record transforms ----------------------------------------------------------

    def filter(
        self,
        f: Callable[[Any], Any],
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrame:
        """The records for which ``f(record)`` is truthy; the schema stays the same.

        ``f`` gets a dict-like ``DynamicRecord`` (``row["a"]``, ``row["a"]["b"]``,
        ``row.a``). A record on which ``f`` raises is dropped (upstream returns False for
        KeyError/ValueError/TypeError and makes any other exception an error record).
        Simple predicates run as native Spark expressions with the same result; others
        run ``f`` in Python per record.
        """
        condition = _predicate.translate(f, self._df.schema)
        if condition is not None:
            try:
                return self._new(self._df.filter(condition))
            except Exception:  # e.g. an ambiguous column name: Python decides instead
                pass
        return self._new(_records.filter_rows(self._df, f))

    def map(
        self,
        f: Callable[[Any], Any],
        preservesPartitioning: bool = False,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrame:
        """The records ``f`` returns for each record (a mutable ``DynamicRecord``).

        ``f`` may change, add and delete fields; nested dicts become structs and lists
        arrays. The schema is inferred from every returned record. A record on which ``f``
        raises or returns no dict is an error record and left out.
        """
        return self._new(_records.map_rows(self._df, f))

    def split_rows(
        self,
        comparison_dict: dict[str, dict[str, Any]],
        name1: str,
        name2: str,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrameCollection:
        """Two frames: ``name1`` with records meeting every comparison, ``name2`` the rest.

        ``{"age": {">": 10, "<": 20}}`` selects 10 < age < 20; a null never matches.
        """
        from pyspark.sql import functions as F

        condition = F.lit(True)
        for path, comparisons in comparison_dict.items():
            names = self._resolve(path)
            value = _columns.get(names) if names is not None else F.lit(None)
            for op, constant in comparisons.items():
                condition = condition & _COMPARATORS[op](value, F.lit(constant))
        matched = F.coalesce(condition, F.lit(False))
        frames = {
            name1: self._new(self._df.filter(matched), name1),
            name2: self._new(self._df.filter(~matched), name2),
        }
        return DynamicFrameCollection(frames, self.glue_ctx)

    def join(
        self,
        paths1: str | list[str],
        paths2: str | list[str],
        frame2: DynamicFrame,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrame:
        """Equality (inner) join on ``paths1`` == ``paths2``, keeping both frames' fields.

        Both key fields stay (AWS's legislators example drops ``person_id`` afterwards); a
        field name both frames have appears once, with this frame's value.
        """
        from pyspark.sql import functions as F

        left_names = self._df.columns
        right_names = frame2._df.columns
        left = self._df.select(*[_columns.top(c).alias(f"l{i}") for i, c in enumerate(left_names)])
        right = frame2._df.select(
            *[_columns.top(c).alias(f"r{i}") for i, c in enumerate(right_names)]
        )
        condition = F.lit(True)
        for p1, p2 in zip(_paths(paths1), _paths(paths2), strict=True):
            condition = condition & (
                _aliased(self._df, p1, "l", left_names)
                == _aliased(frame2._df, p2, "r", right_names)
            )
        taken = {c.lower() for c in left_names}
        output = [F.col(f"l{i}").alias(c) for i, c in enumerate(left_names)]
        output += [
            F.col(f"r{i}").alias(c) for i, c in enumerate(right_names) if c.lower() not in taken
        ]
        joined = left.join(right, condition, "inner").select(*output)
        return self._new(joined, self.name + frame2.name)

    def union(
        self,
        other_frame: DynamicFrame,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrame:
        """The records of both frames; fields missing on one side are null."""
        return self._new(self._df.unionByName(other_frame._df, allowMissingColumns=True))

    def relationalize(
        self,
        root_table_name: str,
        staging_path: str | None = None,
        options: dict[str, Any] | None = None,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrameCollection:
        """Flatten structs and pivot arrays into ``<root>_<path>`` tables (see AWS's example).

        The root table names nested fields by dotted path and keeps each array as a join
        key; each array table has ``id`` (that key), ``index`` and ``<path>.val...``.
        ``staging_path`` is not needed: tables are pinned in Spark (local checkpoint).
        """
        tables = _relationalize.relationalize(self._df, root_table_name)
        frames = {name: DynamicFrame(df, self.glue_ctx, name) for name, df in tables.items()}
        return DynamicFrameCollection(frames, self.glue_ctx)

    def resolveChoice(  # noqa: N802
        self,
        specs: list[tuple[str, str]] | tuple[str, str] | None = None,
        choice: str = "",
        database: str | None = None,
        table_name: str | None = None,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
        catalog_id: str | None = None,
    ) -> DynamicFrame:
        """Apply ``(path, action)`` specs, or ``choice`` to every field.

        Actions: ``cast:<type>``, ``project:<type>``, ``make_cols``, ``make_struct``,
        ``match_catalog`` (needs ``database`` and ``table_name``). Spark columns hold one
        type, so ``make_cols``/``make_struct`` leave them unchanged and ``project`` casts.
        """
        df = _choice.resolve_choice(self._df, specs, choice, database, table_name, catalog_id)
        return self._new(df)

    def unbox(
        self,
        path: str,
        format: str,  # noqa: A002 - upstream name
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
        **options: Any,
    ) -> DynamicFrame:
        """The JSON string field at ``path`` parsed into a struct (schema from the data)."""
        if format.lower() != "json":
            raise NotImplementedError(f"unbox format {format!r}: only json is supported")
        from pyspark.sql import functions as F

        names = self._resolve(path)
        if names is None:
            return self._new(self._df)
        strings = self._df.select(_columns.get(names).alias("value")).dropna()
        schema = self._df.sparkSession.read.json(strings.rdd.map(lambda r: r[0])).schema
        parsed = _columns.update(self._df, names, lambda c, _t: F.from_json(c, schema))
        return self._new(parsed)


_COMPARATORS: dict[str, Callable[[Any, Any], Any]] = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "=": lambda a, b: a == b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}


def _no_array_steps(*paths: list[str]) -> None:
    if any(_columns.ELEMENT in path for path in paths):
        raise NotImplementedError("paths into array elements ([]) are not supported here")


def _rename_member(old: str, new: str) -> Callable[[Any, Any], Any]:
    return lambda column, dtype: _columns.rename_in_struct(column, dtype, old, new)


def _aliased(df: Any, path: str, prefix: str, names: list[str]) -> Any:
    """The column at ``path`` of ``df`` after its top-level columns were renamed ``<prefix><i>``."""
    found = _columns.resolve(df.schema, _columns.parse_path(path), case_sensitive=False)
    if found is None:
        raise ValueError(f"join key {path!r} not found")
    resolved = found[0]
    renamed = [f"{prefix}{names.index(resolved[0])}", *resolved[1:]]
    return _columns.get(renamed)


def _leaf_paths(struct: Any, prefix: list[str], out: list[list[str]]) -> None:
    from pyspark.sql import types as T

    for field in struct.fields:
        path = [*prefix, field.name]
        if isinstance(field.dataType, T.StructType) and field.dataType.fields:
            _leaf_paths(field.dataType, path, out)
        else:
            out.append(path)


def _type_at(schema: Any, path: list[str]) -> Any:
    found = _columns.resolve(schema, path)
    return found[1] if found is not None else None


class DynamicFrameCollection:
    """Named DynamicFrames (what ``relationalize`` and ``split_fields`` return)."""

    def __init__(self, dynamic_frames: dict[str, DynamicFrame] | list[DynamicFrame], glue_ctx: Any):
        self._glue_ctx = glue_ctx
        if isinstance(dynamic_frames, list):
            self._df_dict = {frame.name: frame for frame in dynamic_frames}
        elif isinstance(dynamic_frames, dict):
            self._df_dict = dict(dynamic_frames)
        else:
            raise TypeError("dynamic_frames must be list or dict.")

    def __getitem__(self, key: str) -> DynamicFrame:
        return self._df_dict[key]

    def __len__(self) -> int:
        return len(self._df_dict)

    def __iter__(self) -> Iterator[str]:
        return iter(self._df_dict)

    def __contains__(self, key: object) -> bool:
        return key in self._df_dict

    def keys(self) -> Any:
        """The frame names."""
        return self._df_dict.keys()

    def values(self) -> Any:
        """The frames."""
        return self._df_dict.values()

    def select(self, key: str, transformation_ctx: str = "") -> DynamicFrame:
        """The frame named ``key``; an empty frame of that name when there is none."""
        if key in self._df_dict:
            return self._df_dict[key]
        from pyspark.sql import SparkSession
        from pyspark.sql import types as T

        spark = getattr(self._glue_ctx, "spark_session", None) or SparkSession.builder.getOrCreate()
        empty = spark.createDataFrame([], T.StructType([]))
        return DynamicFrame(empty, self._glue_ctx, key)

    def map(
        self,
        callable: Callable[[DynamicFrame, str], DynamicFrame],  # noqa: A002 - upstream name
        transformation_ctx: str = "",
    ) -> DynamicFrameCollection:
        """``callable(frame, ctx)`` applied to every frame, under the same names."""
        frames = {}
        for key, frame in self._df_dict.items():
            result = callable(frame, transformation_ctx + ":" + key)
            if not isinstance(result, DynamicFrame):
                raise TypeError(f"callable must return a DynamicFrame. Got {type(result)}")
            frames[key] = result
        return DynamicFrameCollection(frames, self._glue_ctx)

    def flatmap(
        self, f: Callable[[DynamicFrame, str], Any], transformation_ctx: str = ""
    ) -> DynamicFrameCollection:
        """``f(frame, ctx)`` for every frame; frames and collections returned are merged."""
        frames: dict[str, DynamicFrame] = {}
        for frame in self._df_dict.values():
            result = f(frame, transformation_ctx + ":" + frame.name)
            if isinstance(result, DynamicFrame):
                frames[result.name] = result
            elif isinstance(result, DynamicFrameCollection):
                frames.update(result._df_dict)
            else:
                raise TypeError(
                    "Function argument to flatmap must return DynamicFrame or "
                    f"DynamicFrameCollection. Got {type(result)}"
                )
        return DynamicFrameCollection(frames, self._glue_ctx)
