"""GlueContext: the entry point of a Glue script — its Spark session, the catalog and
S3 readers (``create_dynamic_frame``, ``create_data_frame``), the writers
(``write_dynamic_frame``, ``getSink``) and ``purge_s3_path``.

S3 sources are read from the object store's files directly (see ``_io``); catalog
tables through the Glue API at the endpoint, with a ``push_down_predicate`` evaluated by
GetPartitions so only matching partitions' files are ever opened.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from awsglue import _catalog, _catalog_sql, _io, _s3paths, _spark
from awsglue._bookmarks import DISABLE, Bookmarks
from awsglue._lake import Lake, directory_prefix, split_s3_uri
from awsglue.dynamicframe import DynamicFrame

LOG = logging.getLogger("awsglue")


class GlueContext:
    """``GlueContext(sparkContext)``: wraps the script's SparkContext."""

    def __init__(self, sparkContext: Any, **options: Any) -> None:  # noqa: N803 - upstream
        from pyspark.sql import SparkSession

        self._sc = sparkContext
        self.spark_session = SparkSession.builder.getOrCreate()
        _spark.apply_session_conf(self.spark_session)
        _s3paths.install()
        _catalog_sql.install()
        self.lake = Lake()
        self.bookmarks = Bookmarks(None, "", "", DISABLE, {})
        self.create_dynamic_frame = DynamicFrameReader(self)
        self.create_data_frame = DataFrameReader(self)
        self.write_dynamic_frame = DynamicFrameWriter(self)
        self.write_data_frame = DataFrameWriter(self)

    @property
    def sparkSession(self) -> Any:  # noqa: N802 - upstream name
        return self.spark_session

    @property
    def sc(self) -> Any:
        return self._sc

    def get_logger(self) -> logging.Logger:
        return LOG

    # -- upstream's flat aliases ------------------------------------------------------

    def create_dynamic_frame_from_catalog(self, *args: Any, **kwargs: Any) -> DynamicFrame:
        return self.create_dynamic_frame.from_catalog(*args, **kwargs)

    def create_dynamic_frame_from_options(self, *args: Any, **kwargs: Any) -> DynamicFrame:
        return self.create_dynamic_frame.from_options(*args, **kwargs)

    def create_data_frame_from_catalog(self, *args: Any, **kwargs: Any) -> Any:
        return self.create_data_frame.from_catalog(*args, **kwargs)

    def create_data_frame_from_options(self, *args: Any, **kwargs: Any) -> Any:
        return self.create_data_frame.from_options(*args, **kwargs)

    def write_dynamic_frame_from_options(self, *args: Any, **kwargs: Any) -> DynamicFrame:
        return self.write_dynamic_frame.from_options(*args, **kwargs)

    def write_dynamic_frame_from_catalog(self, *args: Any, **kwargs: Any) -> DynamicFrame:
        return self.write_dynamic_frame.from_catalog(*args, **kwargs)

    def getSink(  # noqa: N802 - upstream name
        self,
        connection_type: str,
        format: str | None = None,  # noqa: A002 - upstream name
        transformation_ctx: str = "",
        **options: Any,
    ) -> DataSink:
        """A sink: ``setFormat``, ``setCatalogInfo``, then ``writeFrame``. With
        ``enableUpdateCatalog=True`` the catalog table is created or updated and new
        partitions are added (``updateBehavior``: ``UPDATE_IN_DATABASE`` or ``LOG``)."""
        _check_s3(connection_type)
        return DataSink(self, format, options)

    def purge_s3_path(
        self, s3_path: str, options: dict[str, Any] | None = None, transformation_ctx: str = ""
    ) -> None:
        """Delete the objects under ``s3_path`` older than ``retentionPeriod`` hours
        (default 168, as Glue); ``excludeStorageClasses`` keeps those classes."""
        import boto3

        options = options or {}
        hours = float(options.get("retentionPeriod", 168))
        keep = set(options.get("excludeStorageClasses") or ())
        bucket, prefix = split_s3_uri(s3_path)
        cutoff = time.time() - hours * 3600
        s3 = boto3.client("s3")
        doomed = []
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            for obj in page.get("Contents", []):
                if (
                    obj["LastModified"].timestamp() <= cutoff
                    and obj.get("StorageClass", "STANDARD") not in keep
                ):
                    doomed.append({"Key": obj["Key"]})
        for start in range(0, len(doomed), 1000):
            s3.delete_objects(Bucket=bucket, Delete={"Objects": doomed[start : start + 1000]})

    # -- reading ------------------------------------------------------------------------

    def _read_catalog(
        self,
        database: str | None,
        table_name: str | None,
        push_down_predicate: str = "",
        transformation_ctx: str = "",
        additional_options: dict[str, Any] | None = None,
        catalog_id: str | None = None,
    ) -> Any:
        if not database or not table_name:
            raise ValueError("from_catalog needs database and table_name")
        table = _catalog.get_table(database, table_name, catalog_id)
        options = dict(additional_options or {})
        keys = [k for k, _ in table.partition_keys]
        groups: list[_io.Group] = []
        if keys:
            partitions = _catalog.get_partitions(table, push_down_predicate or None, catalog_id)
            listed = self.lake.files_under([location for _, location in partitions])
            for values, location in partitions:
                files = self.bookmarks.select(transformation_ctx, self._visible(listed[location]))
                base = directory_prefix(split_s3_uri(location)[1])
                groups.append(
                    _io.Group(
                        list(zip(keys, values, strict=True)),
                        [(f.key[len(base) :], f) for f in files],
                    )
                )
        else:
            base = directory_prefix(split_s3_uri(table.location)[1])
            files = self.bookmarks.select(
                transformation_ctx, self._visible(self.lake.files(table.location))
            )
            groups.append(_io.Group([], [(f.key[len(base) :], f) for f in files]))
        reader_options = {
            **_io.spark_reader_options(table.format, options),
            **{k: v for k, v in table.format_options.items() if k != "header"},
        }
        if table.format == "csv":
            reader_options["header"] = str(table.format_options.get("header", False)).lower()
            reader_options.pop("inferSchema", None)
        schema = None
        if table.format in ("json", "csv") and table.columns:
            schema = ", ".join(f"`{n}` {_spark_type(t)}" for n, t in table.columns)
        df = _io.read(
            self.spark_session, self.lake, table.format, groups, keys, reader_options, schema
        )
        return _apply_catalog_schema(df, table)

    def _read_options(
        self,
        connection_type: str,
        connection_options: dict[str, Any] | None,
        format: str | None,  # noqa: A002 - upstream name
        format_options: dict[str, Any] | None,
        transformation_ctx: str,
    ) -> Any:
        _check_s3(connection_type)
        options = dict(connection_options or {})
        paths = options.get("paths") or ([options["path"]] if options.get("path") else [])
        if isinstance(paths, str):
            paths = [paths]
        if not paths:
            raise ValueError('connection_options needs "paths": a list of s3:// paths')
        recurse = bool(options.get("recurse", False))
        exclusions = _exclusions(options.get("exclusions"))
        fmt = (format or "").lower()
        if not fmt:
            raise ValueError("from_options needs a format (parquet, json, csv, orc)")
        groups = []
        for path in paths:
            bucket, prefix = split_s3_uri(path)
            found, base = self.lake.objects_at(path)
            files = self._visible(found)
            if base == directory_prefix(prefix) and not recurse:  # a folder, not one object
                files = [f for f in files if "/" not in f.key[len(base) :]] or [
                    f for f in files if _only_hive_folders(f.key[len(base) :])
                ]
            files = [f for f in files if not _excluded(f"s3://{bucket}/{f.key}", exclusions)]
            files = self.bookmarks.select(transformation_ctx, files)
            groups.append(_io.Group([], [(f.key[len(base) :], f) for f in files]))
        if len(groups) > 1:  # distinct trees under one root: keep relative paths apart
            groups = [
                _io.Group([], [(f"{i}/{rel}", f) for rel, f in g.files])
                for i, g in enumerate(groups)
            ]
            return self._union_reads(fmt, groups, format_options or {})
        reader_options = _io.spark_reader_options(fmt, format_options or {})
        return _io.read(self.spark_session, self.lake, fmt, groups, [], reader_options)

    def _union_reads(
        self, fmt: str, groups: list[_io.Group], format_options: dict[str, Any]
    ) -> Any:
        options = _io.spark_reader_options(fmt, format_options)
        frames = [_io.read(self.spark_session, self.lake, fmt, [g], [], options) for g in groups]
        frames = [f for f in frames if f.columns]
        if not frames:
            return _io.empty_frame(self.spark_session, None, [])
        out = frames[0]
        for f in frames[1:]:
            out = out.unionByName(f, allowMissingColumns=True)
        return out

    @staticmethod
    def _visible(files: list[Any]) -> list[Any]:
        """Objects Glue reads: no folder markers, no ``_``/``.`` hidden files."""
        return [
            f
            for f in files
            if not f.key.endswith("/")
            and not f.key.rsplit("/", 1)[-1].startswith(("_", "."))
            and not f.key.endswith("_$folder$")
        ]

    # -- writing ------------------------------------------------------------------------

    def _write(
        self,
        df: Any,
        path: str,
        fmt: str,
        partition_keys: list[str],
        format_options: dict[str, Any],
    ) -> list[dict[str, Any]]:
        return _io.write(df, self.lake, path, fmt.lower(), partition_keys, format_options)


class DynamicFrameReader:
    """``glue_context.create_dynamic_frame``."""

    def __init__(self, glue_context: GlueContext) -> None:
        self._ctx = glue_context

    def from_catalog(
        self,
        database: str | None = None,
        table_name: str | None = None,
        redshift_tmp_dir: str = "",
        transformation_ctx: str = "",
        push_down_predicate: str = "",
        additional_options: dict[str, Any] | None = None,
        catalog_id: str | None = None,
        **kwargs: Any,
    ) -> DynamicFrame:
        """A frame over a catalog table; ``push_down_predicate`` (a GetPartitions
        expression over partition columns) prunes partitions before any file is read."""
        database = database or kwargs.get("name_space")
        table_name = table_name or kwargs.get("table_name")
        df = self._ctx._read_catalog(
            database,
            table_name,
            push_down_predicate or (additional_options or {}).get("push_down_predicate", ""),
            transformation_ctx,
            additional_options,
            catalog_id,
        )
        return DynamicFrame(df, self._ctx, transformation_ctx or f"{database}.{table_name}")

    def from_options(
        self,
        connection_type: str,
        connection_options: dict[str, Any] | None = None,
        format: str | None = None,  # noqa: A002 - upstream name
        format_options: dict[str, Any] | None = None,
        transformation_ctx: str = "",
        push_down_predicate: str = "",
        **kwargs: Any,
    ) -> DynamicFrame:
        df = self._ctx._read_options(
            connection_type, connection_options, format, format_options, transformation_ctx
        )
        if push_down_predicate:
            df = df.filter(push_down_predicate)
        return DynamicFrame(df, self._ctx, transformation_ctx)

    def from_rdd(self, data: Any, name: str, schema: Any = None, **_: Any) -> DynamicFrame:
        df = self._ctx.spark_session.createDataFrame(data, schema)
        return DynamicFrame(df, self._ctx, name)


class DataFrameReader:
    """``glue_context.create_data_frame``: the same sources, as Spark DataFrames."""

    def __init__(self, glue_context: GlueContext) -> None:
        self._ctx = glue_context

    def from_catalog(self, *args: Any, **kwargs: Any) -> Any:
        return DynamicFrameReader(self._ctx).from_catalog(*args, **kwargs).toDF()

    def from_options(self, *args: Any, **kwargs: Any) -> Any:
        return DynamicFrameReader(self._ctx).from_options(*args, **kwargs).toDF()


class DynamicFrameWriter:
    """``glue_context.write_dynamic_frame``."""

    def __init__(self, glue_context: GlueContext) -> None:
        self._ctx = glue_context

    def from_options(
        self,
        frame: DynamicFrame,
        connection_type: str,
        connection_options: dict[str, Any] | None = None,
        format: str | None = None,  # noqa: A002 - upstream name
        format_options: dict[str, Any] | None = None,
        transformation_ctx: str = "",
    ) -> DynamicFrame:
        """Append ``frame`` under ``connection_options["path"]``, Hive-partitioned by
        ``partitionKeys`` (parquet, json, csv, orc; ``format_options`` like Glue's)."""
        _check_s3(connection_type)
        options = dict(connection_options or {})
        path = options.get("path")
        if not path:
            raise ValueError('connection_options needs "path": an s3:// folder')
        keys = list(options.get("partitionKeys") or [])
        self._ctx._write(frame.toDF(), path, format or "parquet", keys, format_options or {})
        return frame

    def from_catalog(
        self,
        frame: DynamicFrame,
        database: str | None = None,
        table_name: str | None = None,
        redshift_tmp_dir: str = "",
        transformation_ctx: str = "",
        additional_options: dict[str, Any] | None = None,
        catalog_id: str | None = None,
        **kwargs: Any,
    ) -> DynamicFrame:
        """Append ``frame`` to a catalog table's location, in its format and partitions;
        ``additional_options={"enableUpdateCatalog": True}`` registers new partitions."""
        database = database or kwargs.get("name_space")
        if not database or not table_name:
            raise ValueError("from_catalog needs database and table_name")
        options = dict(additional_options or {})
        table = _catalog.get_table(database, table_name, catalog_id)
        keys = [k for k, _ in table.partition_keys] or list(options.get("partitionKeys") or [])
        fmt_options = (
            {"separator": table.format_options.get("sep", ",")} if table.format == "csv" else {}
        )
        written = self._ctx._write(frame.toDF(), table.location, table.format, keys, fmt_options)
        if _truthy(options.get("enableUpdateCatalog")):
            base = directory_prefix(split_s3_uri(table.location)[1])
            found = [[v for _, v in _io.hive_values(o["key"], base)] for o in written]
            _catalog.add_partitions(table.raw, database, [f for f in found if len(f) == len(keys)])
        return frame


class DataFrameWriter:
    """``glue_context.write_data_frame``: the catalog writer for Spark DataFrames."""

    def __init__(self, glue_context: GlueContext) -> None:
        self._ctx = glue_context

    def from_catalog(self, frame: Any, *args: Any, **kwargs: Any) -> Any:
        dyf = DynamicFrame(frame, self._ctx, "")
        return DynamicFrameWriter(self._ctx).from_catalog(dyf, *args, **kwargs).toDF()


class DataSink:
    """What ``getSink`` returns."""

    def __init__(self, glue_context: GlueContext, format: str | None, options: dict[str, Any]):  # noqa: A002
        self._ctx = glue_context
        self._format = (format or "parquet").lower()
        self._format_options: dict[str, Any] = {}
        self._options = options
        self._database: str | None = None
        self._table: str | None = None

    def setFormat(self, format: str, **options: Any) -> None:  # noqa: N802, A002 - upstream
        self._format = format.lower()
        self._format_options = options

    def setCatalogInfo(  # noqa: N802 - upstream name
        self,
        catalogDatabase: str,
        catalogTableName: str,
        catalogId: str | None = None,  # noqa: N803
    ) -> None:
        self._database, self._table = catalogDatabase, catalogTableName

    def writeFrame(self, dynamic_frame: DynamicFrame, info: str = "") -> DynamicFrame:  # noqa: N802
        path = self._options.get("path")
        if not path:
            raise ValueError('getSink needs path="s3://..."')
        keys = list(self._options.get("partitionKeys") or [])
        fmt = "parquet" if self._format == "glueparquet" else self._format
        fmt_options = {**self._format_options}
        if "compression" in self._options:
            fmt_options.setdefault("compression", self._options["compression"])
        df = dynamic_frame.toDF()
        written = self._ctx._write(df, path, fmt, keys, fmt_options)
        if _truthy(self._options.get("enableUpdateCatalog")) and self._database and self._table:
            self._update_catalog(df, path, fmt, keys, written)
        return dynamic_frame

    def writeDataFrame(self, data_frame: Any, glue_context: Any, info: str = "") -> Any:  # noqa: N802
        return self.writeFrame(DynamicFrame(data_frame, glue_context, "")).toDF()

    def _update_catalog(
        self, df: Any, path: str, fmt: str, keys: list[str], written: list[dict[str, Any]]
    ) -> None:
        client = _catalog.glue_client()
        assert self._database and self._table
        fields = {f.name: f.dataType.simpleString() for f in df.schema.fields}
        columns = [(n, t) for n, t in fields.items() if n not in keys]
        partition_keys = [(k, fields.get(k, "string")) for k in keys]
        behavior = str(self._options.get("updateBehavior", "UPDATE_IN_DATABASE")).upper()
        try:
            table = client.get_table(DatabaseName=self._database, Name=self._table)["Table"]
        except client.exceptions.EntityNotFoundException:
            client.create_table(
                DatabaseName=self._database,
                TableInput=_catalog.table_input(
                    self._table, directory_prefix(path), fmt, columns, partition_keys
                ),
            )
            table = client.get_table(DatabaseName=self._database, Name=self._table)["Table"]
        else:
            if behavior == "UPDATE_IN_DATABASE":
                sd = dict(table.get("StorageDescriptor") or {})
                known = {c["Name"] for c in sd.get("Columns") or []}
                new_columns = [{"Name": n, "Type": t} for n, t in columns if n not in known]
                if new_columns:
                    sd["Columns"] = list(sd.get("Columns") or []) + new_columns
                    update = {
                        k: v
                        for k, v in table.items()
                        if k
                        in (
                            "Name",
                            "Description",
                            "Owner",
                            "Retention",
                            "PartitionKeys",
                            "TableType",
                            "Parameters",
                            "ViewOriginalText",
                            "ViewExpandedText",
                        )
                    }
                    update["StorageDescriptor"] = sd
                    client.update_table(DatabaseName=self._database, TableInput=update)
        base = directory_prefix(split_s3_uri(path)[1])
        found = [[v for _, v in _io.hive_values(o["key"], base)] for o in written]
        _catalog.add_partitions(table, self._database, [f for f in found if len(f) == len(keys)])


def _check_s3(connection_type: str) -> None:
    if (connection_type or "").lower() != "s3":
        raise ValueError(
            f"connection_type {connection_type!r} is not available in lakestack (only s3); "
            "JDBC, DynamoDB, Kinesis and Kafka connections are not emulated"
        )


def _truthy(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


def _exclusions(value: Any) -> list[str]:
    import json

    if not value:
        return []
    if isinstance(value, str):
        value = json.loads(value)
    return [str(v) for v in value]


def _excluded(uri: str, patterns: list[str]) -> bool:
    import fnmatch

    return any(fnmatch.fnmatchcase(uri, p) for p in patterns)


def _only_hive_folders(rel: str) -> bool:
    return all("=" in part for part in rel.split("/")[:-1])


def _spark_type(hive_type: str) -> str:
    """The type a text format's column is read as: scalars as strings (cast to the catalog
    type afterwards, so ``"7"`` in JSON is the bigint 7, as Hive's SerDes read it); nested
    types as themselves (Hive DDL and Spark DDL spell them alike).

    >>> _spark_type("bigint"), _spark_type("array<string>")
    ('string', 'array<string>')
    """
    nested = hive_type.strip().lower().startswith(("array<", "map<", "struct<"))
    return hive_type if nested else "string"


def _apply_catalog_schema(df: Any, table: _catalog.CatalogTable) -> Any:
    """Catalog columns first, cast to their catalog types, partition keys last; columns
    the files have beyond the catalog's stay (a DynamicFrame's schema comes from data)."""
    from pyspark.sql import functions as F  # noqa: N812

    by_lower = {c.lower(): c for c in df.columns}
    wanted = [*table.columns, *table.partition_keys]
    cols = []
    used = set()
    for name, hive_type in wanted:
        source = by_lower.get(name.lower())
        if source is None:
            cols.append(F.lit(None).cast(hive_type).alias(name))
        else:
            used.add(source)
            current = df.schema[source].dataType.simpleString()
            expr = F.col(f"`{source}`")
            cols.append((expr if current == hive_type else expr.cast(hive_type)).alias(name))
    cols += [F.col(f"`{c}`") for c in df.columns if c not in used]
    return df.select(*cols)
