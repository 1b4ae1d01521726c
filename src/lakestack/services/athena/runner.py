"""Executes one Athena statement: parse, then DDL/utility against the catalog, or a
query on DuckDB over the files the scan planner chose.

A query's life here: parse (:func:`lakestack.sql.translate.parse_query`), expand views
from the catalog, build the translator's schema from the tables it names, translate,
plan each table's files (:mod:`scan`), bind each table placeholder to a temporary view
over its explicit file list on this worker's cursor (kept while its files stay the same,
:class:`ViewCache`), run with DuckDB's profiler on, and read ``bytes_scanned`` of every
Parquet scan from the profile (the column chunks of the row groups actually read, what
Athena bills); CSV/JSON/ORC count whole objects.

CTAS, INSERT INTO and UNLOAD live in :mod:`writes`. Every DuckDB call goes through
``translating(ENGINE_ERRORS)`` so engine errors become Athena failures.

Must not know: HTTP, Glue's models, the execution lifecycle (``executions`` owns it).
"""

from __future__ import annotations

import json
import re
import tempfile
import threading
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
from sqlglot import exp

from lakestack.core.errors import AwsError, translating
from lakestack.services.athena.catalog_statements import (
    CatalogStatements,
    StatementResult,
    decode_view,
)
from lakestack.services.athena.errors import ENGINE_ERRORS, QueryCancelled, QueryFailed
from lakestack.services.athena.hive_mirror import HiveMirror
from lakestack.services.athena.ports import Catalog, CatalogPartition, CatalogTable, ObjectStore
from lakestack.services.athena.results import columns_for, render
from lakestack.services.athena.scan import (
    Lister,
    TableScan,
    orc_table,
    plan_scan,
    relation_sql,
)
from lakestack.services.athena.writes import run_write
from lakestack.sql import statements as st
from lakestack.sql.ddl import parse_statement
from lakestack.sql.errors import SchemaNotFound, SqlSyntaxError
from lakestack.sql.predicates import TRUE
from lakestack.sql.quoting import quote_identifier
from lakestack.sql.translate import TableSchema, Translated, parse_query, translate

_HEAD = re.compile(
    r"^\s*(CREATE\s+TABLE|INSERT\s+INTO)\b(?P<head>.*?)"
    r"(?=\bWITH\s*\(|\bAS\b|\bSELECT\b|\bVALUES\b|$)",
    re.I | re.S,
)
# The text AWS lists for a query over its work group's cutoff (Athena user guide,
# "Troubleshooting workgroups").
CUTOFF_REASON = "query state CANCELED. Bytes scanned limit was exceeded."
_ERRORS = ENGINE_ERRORS
_MAX_VIEW_DEPTH = 10


def parse(sql: str) -> st.Statement:
    """:func:`lakestack.sql.ddl.parse_statement`, plus Trino's double-quoted identifiers
    in the head of CTAS and INSERT INTO (``CREATE TABLE "db"."t" WITH (...)``, as
    awswrangler writes it), which the DDL parser reads only backquoted.

    >>> parse('CREATE TABLE "db"."t" AS SELECT 1').table
    TableName(database='db', name='t')
    """
    try:
        return parse_statement(sql)
    except SqlSyntaxError:
        m = _HEAD.match(sql)
        if m is None or '"' not in m.group("head"):
            raise
        head = re.sub(
            r'"((?:[^"]|"")+)"',
            lambda q: "`" + q.group(1).replace('""', '"') + "`",
            m.group("head"),
        )
        return parse_statement(sql[: m.start("head")] + head + sql[m.end("head") :])


@dataclass(slots=True)
class RunContext:
    """Everything one statement run needs: who, where, and the worker's cursor."""

    account: str
    region: str
    query_id: str
    database: str
    output_dir: str
    cursor: duckdb.DuckDBPyConnection
    now: datetime
    cutoff: int | None = None
    cancelled: threading.Event = field(default_factory=threading.Event)


@dataclass(slots=True)
class Prepared:
    """A translated query with its tables' scans, ready to bind on a cursor."""

    translated: Translated
    scans: dict[str, TableScan]

    @property
    def object_bytes(self) -> int:
        """Whole-object bytes of the non-columnar files (Athena bills them whole)."""
        return sum(s.object_bytes for s in self.scans.values() if s.kind != "parquet")


class ViewCache:
    """The relation SQL each temp view on each cursor was last created with.

    Creating a view binds its query, and binding a scan checks every file on disk (two
    ``stat`` calls each: ~5 ms for 365 files), which the statement then does again. A
    placeholder whose relation SQL is unchanged since the last statement on the same
    cursor keeps its view. The SQL names every file (blob paths are never reused), so a
    new, changed or deleted object under a table changes it and the view is made again.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sql: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, dict[str, str]] = (
            weakref.WeakKeyDictionary()
        )

    def holds(self, cursor: duckdb.DuckDBPyConnection, name: str, sql: str) -> bool:
        with self._lock:
            return self._sql.get(cursor, {}).get(name) == sql

    def record(self, cursor: duckdb.DuckDBPyConnection, name: str, sql: str) -> None:
        with self._lock:
            self._sql.setdefault(cursor, {})[name] = sql

    def forget(self, cursor: duckdb.DuckDBPyConnection, name: str) -> None:
        with self._lock:
            self._sql.get(cursor, {}).pop(name, None)


def _view_name(placeholder: str) -> str:
    return quote_identifier(placeholder)


class QueryRunner:
    """Runs statements for the execution layer; one instance per engine."""

    def __init__(
        self,
        catalog: Catalog,
        objects: ObjectStore,
        mirror: HiveMirror | None = None,
        staging: Path | None = None,
    ) -> None:
        self.catalog = catalog
        self.objects = objects
        self.mirror = mirror
        # Where CTAS, INSERT and UNLOAD let DuckDB write before upload.
        self.staging = staging or Path(tempfile.gettempdir()) / "lakestack-athena"
        self.views = ViewCache()

    def lister(self, ctx: RunContext) -> Lister:
        return Lister(self.objects, ctx.account, ctx.region)

    def run(self, ctx: RunContext, statement: st.Statement) -> StatementResult:
        """Run one parsed statement.

        Raises:
            QueryFailed, AthenaQueryError: the statement failed (state, not API error).
            QueryCancelled: stopped, or over the work group's bytes-scanned cutoff.
        """
        if isinstance(statement, st.Query):
            return self.select(ctx, statement.query)
        if isinstance(statement, st.CreateView):
            return self.create_view(ctx, statement)
        if isinstance(statement, st.CreateTableAs | st.InsertInto | st.Unload):
            return run_write(self, ctx, statement)
        return CatalogStatements(
            self.catalog, ctx.account, ctx.region, ctx.database, self.lister(ctx)
        ).run(statement)

    # -- SELECT ---------------------------------------------------------------------------

    def select(self, ctx: RunContext, sql: str) -> StatementResult:
        prepared = self.prepare(ctx, sql)
        self.check_cutoff(ctx, prepared)
        with self.bound(ctx, prepared):
            with translating(_ERRORS):
                cur = ctx.cursor.execute(prepared.translated.sql)
                rows = cur.fetchall()
                description = cur.description or []
            scanned, input_rows = self.scanned(ctx, prepared)
        names = [d[0] for d in description]
        columns = columns_for(names, [str(d[1]) for d in description])
        rendered = [[render(v, c.type) for v, c in zip(row, columns, strict=True)] for row in rows]
        return StatementResult("csv", columns, rendered, scanned=scanned, input_rows=input_rows)

    def prepare(self, ctx: RunContext, sql: str) -> Prepared:
        """Parse, expand views, translate and plan the files of every table."""
        tree = parse_query(sql)
        tables: dict[tuple[str, str], CatalogTable] = {}
        if self._expand(ctx, tree, ctx.database, tables, 0):
            sql = tree.sql(dialect="athena")
        schema = {
            key: TableSchema(
                tuple((c.name, c.type) for c in t.columns),
                tuple((c.name, c.type) for c in t.partition_keys),
            )
            for key, t in tables.items()
        }
        translated = translate(sql, schema, database=ctx.database)
        lister = self.lister(ctx)
        scans = {}
        for placeholder, ref in translated.relations.items():
            table = tables[(ref.database, ref.name)]
            scans[placeholder] = plan_scan(
                table,
                translated.predicates.get(ref, TRUE),
                lister,
                now=ctx.now,
                partitions=self._partitions(ctx, table),
            )
        return Prepared(translated, scans)

    def _partitions(
        self, ctx: RunContext, table: CatalogTable
    ) -> Callable[[], Iterator[CatalogPartition]]:
        return lambda: self.catalog.iter_partitions(
            ctx.account, ctx.region, table.database, table.name
        )

    def _expand(
        self,
        ctx: RunContext,
        tree: exp.Expression,
        database: str,
        tables: dict[tuple[str, str], CatalogTable],
        depth: int,
    ) -> bool:
        """Load every table the query names; replace views by their query. True if any."""
        ctes = {c.alias_or_name.lower() for c in tree.find_all(exp.CTE)}
        expanded = False
        for node in list(tree.find_all(exp.Table)):
            if not node.name or (not node.db and node.name.lower() in ctes):
                continue
            db, name = (node.db or database).lower(), node.name.lower()
            table = self._load(ctx, db, name)
            if table is None:
                continue
            if not table.is_view:
                tables[(db, name)] = table
                if not node.db and db != ctx.database:
                    node.set("db", exp.to_identifier(db))
                continue
            if depth >= _MAX_VIEW_DEPTH:
                raise QueryFailed(f"View {db}.{name} is recursive", code="VIEW_IS_RECURSIVE")
            inner = parse_query(decode_view(table.view_original_text))
            self._expand(ctx, inner, db, tables, depth + 1)
            alias = node.alias or name
            node.replace(
                exp.Subquery(this=inner, alias=exp.TableAlias(this=exp.to_identifier(alias)))
            )
            expanded = True
        return expanded

    def _load(self, ctx: RunContext, database: str, name: str) -> CatalogTable | None:
        try:
            return self.catalog.get_table(ctx.account, ctx.region, database, name)
        except AwsError as err:
            if err.code != "EntityNotFoundException":
                raise
        try:
            self.catalog.get_database(ctx.account, ctx.region, database)
        except AwsError as err:
            if err.code == "EntityNotFoundException" and database != "default":
                raise SchemaNotFound(f"Schema '{database}' does not exist") from err
            raise
        return None

    class _Bound:
        def __init__(
            self, ctx: RunContext, prepared: Prepared, mirror: HiveMirror | None, views: ViewCache
        ) -> None:
            self.ctx, self.prepared, self.mirror, self.views = ctx, prepared, mirror, views

        def __enter__(self) -> None:
            cursor = self.ctx.cursor
            with translating(_ERRORS):
                for i, (placeholder, scan) in enumerate(self.prepared.scans.items()):
                    name = _view_name(placeholder)
                    arrow = None
                    if scan.kind == "orc" and scan.groups:
                        arrow = f"__lakestack_orc_{i}"
                        cursor.register(arrow, orc_table(scan))
                    sql = relation_sql(scan, self.mirror, arrow)
                    if arrow is None and self.views.holds(cursor, name, sql):
                        continue
                    self.views.forget(cursor, name)
                    cursor.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS {sql}")
                    if arrow is None:
                        self.views.record(cursor, name, sql)

        def __exit__(self, *exc: object) -> None:
            # Views over files stay for the next statement on this cursor (see ViewCache);
            # views over an ORC scan's Arrow table go with the table.
            for i, (placeholder, scan) in enumerate(self.prepared.scans.items()):
                if scan.kind != "orc":
                    continue
                self.views.forget(self.ctx.cursor, _view_name(placeholder))
                try:
                    self.ctx.cursor.execute(f"DROP VIEW IF EXISTS {_view_name(placeholder)}")
                    self.ctx.cursor.unregister(f"__lakestack_orc_{i}")
                except duckdb.Error:
                    pass

    def bound(self, ctx: RunContext, prepared: Prepared) -> QueryRunner._Bound:
        """Bind each table placeholder to a temp view over its files on ``ctx.cursor``."""
        return QueryRunner._Bound(ctx, prepared, self.mirror, self.views)

    def check_cutoff(self, ctx: RunContext, prepared: Prepared) -> None:
        """Text, JSON and ORC tables are read whole: when their objects alone pass the
        cutoff, Athena would cancel mid-scan, so cancel before reading (charged the cutoff).

        Raises:
            QueryCancelled: the objects to read exceed the work group's cutoff.
        """
        if ctx.cutoff is not None and prepared.object_bytes > ctx.cutoff:
            raise QueryCancelled(CUTOFF_REASON, ctx.cutoff)

    def scanned(self, ctx: RunContext, prepared: Prepared) -> tuple[int, int]:
        """Bytes (as Athena bills them) and rows the statement just run read.

        Raises:
            QueryCancelled: the bytes exceed the work group's per-query cutoff. Athena
                cancels such a query as its scan passes the cutoff and charges what it read
                by then, so the cancelled query is charged the cutoff.
        """
        parquet, rows = profile_counts(ctx.cursor)
        total = parquet + prepared.object_bytes
        if ctx.cutoff is not None and total > ctx.cutoff:
            raise QueryCancelled(CUTOFF_REASON, ctx.cutoff)
        return total, rows

    # -- views ----------------------------------------------------------------------------

    def create_view(self, ctx: RunContext, s: st.CreateView) -> StatementResult:
        database = s.view.database or ctx.database
        view_ctx = RunContext(
            ctx.account, ctx.region, ctx.query_id, database, ctx.output_dir, ctx.cursor, ctx.now
        )
        tree = parse_query(s.query)
        tables: dict[tuple[str, str], CatalogTable] = {}
        self._expand(view_ctx, tree, database, tables, 0)
        schema = {
            key: TableSchema(
                tuple((c.name, c.type) for c in t.columns),
                tuple((c.name, c.type) for c in t.partition_keys),
            )
            for key, t in tables.items()
        }
        translated = translate(tree.sql(dialect="athena"), schema, database=database)
        statements = CatalogStatements(
            self.catalog, ctx.account, ctx.region, ctx.database, self.lister(ctx)
        )
        statements.create_view(s, translated.columns)
        return StatementResult("txt")


def profile_counts(cursor: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """(bytes, rows) read by the Parquet scans of the last statement, from its profile.

    DuckDB 2.x reports ``bytes_scanned`` on each ``READ_PARQUET`` operator: the
    compressed size of the column chunks of the row groups it actually read.
    """
    try:
        profile = json.loads(cursor.get_profiling_information(format="json"))
    except (duckdb.Error, ValueError):
        return 0, 0
    total = 0
    stack: list[Any] = list(profile.get("operator", []))
    while stack:
        node = stack.pop()
        if "READ_PARQUET" in (
            str(node.get("name", "")),
            str(node.get("extra_info", {}).get("Function", "")),
        ):
            total += int(node.get("bytes_scanned", 0) or 0)
        stack.extend(node.get("children", []))
    rows = int(profile.get("query", {}).get("total_rows_scanned", 0) or 0)
    return total, rows
