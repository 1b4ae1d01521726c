"""Spark SQL over the Glue Data Catalog, as a Glue job with ``--enable-glue-datacatalog``
has it: ``spark.sql("SELECT ... FROM db.table")`` and ``spark.table("db.table")`` read
catalog tables.

Glue makes the Data Catalog Spark's Hive metastore. Here ``SparkSession.sql`` and
``SparkSession.table`` are wrapped: table names in the statement (parsed with sqlglot's
Spark dialect) that the catalog knows are read as ``from_catalog`` would read them and
registered as temporary views, and the statement runs against those views. Spark still
prunes partitions from the query's filters (partition values are folders of the files it
is handed). Names the catalog does not know, CTEs, and statements sqlglot cannot parse
go to Spark unchanged. Active only when the job was started with
``--enable-glue-datacatalog`` (as on Glue), and installed once per process.
"""

from __future__ import annotations

import functools
import sys
from typing import Any

FLAG = "--enable-glue-datacatalog"
_installed = False


def enabled(argv: list[str] | None = None) -> bool:
    """Whether the job's command line turns the catalog on (a value of ``false`` does not).

    >>> enabled(["s.py", "--enable-glue-datacatalog", "true"]), enabled(["s.py"])
    (True, False)
    >>> enabled(["s.py", "--enable-glue-datacatalog", "false"])
    False
    """
    argv = sys.argv if argv is None else argv
    if FLAG not in argv:
        return False
    i = argv.index(FLAG)
    value = argv[i + 1] if i + 1 < len(argv) else ""
    return value.lower() != "false"


def resolve(session: Any, statement: str) -> str:
    """``statement`` with every catalog table replaced by a temporary view of it."""
    import sqlglot
    from sqlglot import exp

    try:
        trees = sqlglot.parse(statement, read="spark")
    except sqlglot.errors.ParseError:
        return statement
    if len(trees) != 1 or trees[0] is None:
        return statement
    tree = trees[0]
    ctes = {c.alias_or_name.lower() for c in tree.find_all(exp.CTE)}
    changed = False
    for table in list(tree.find_all(exp.Table)):
        if not table.name or (not table.db and table.name.lower() in ctes):
            continue
        view = _view(session, table.db or "default", table.name)
        if view is None:
            continue
        alias = table.alias
        replacement = exp.to_table(view)
        if alias:
            replacement.set("alias", exp.TableAlias(this=exp.to_identifier(alias)))
        table.replace(replacement)
        changed = True
    return tree.sql(dialect="spark") if changed else statement


def _view(session: Any, database: str, name: str) -> str | None:
    """A temporary view over the catalog table, or None when the catalog lacks it."""
    from awsglue.context import GlueContext

    context = GlueContext(session.sparkContext)
    try:
        df = context._read_catalog(database, name)  # noqa: SLF001 - same package
    except Exception as exc:  # a table the catalog lacks is Spark's to report
        if "EntityNotFound" in type(exc).__name__ or "EntityNotFound" in str(exc):
            return None
        raise
    view = f"__glue_{database}_{name}".lower()
    df.createOrReplaceTempView(view)
    return view


def install() -> None:
    """Wrap ``SparkSession.sql`` and ``SparkSession.table`` (once)."""
    global _installed
    if _installed:
        return
    from pyspark.sql import SparkSession

    original_sql, original_table = SparkSession.sql, SparkSession.table

    @functools.wraps(original_sql)
    def sql(self: Any, sqlQuery: str, *args: Any, **kwargs: Any) -> Any:  # noqa: N803
        if enabled() and isinstance(sqlQuery, str):
            sqlQuery = resolve(self, sqlQuery)
        return original_sql(self, sqlQuery, *args, **kwargs)

    @functools.wraps(original_table)
    def table(self: Any, tableName: str) -> Any:  # noqa: N803
        if enabled() and isinstance(tableName, str):
            database, _, name = tableName.rpartition(".")
            view = _view(self, database.strip("`") or "default", name.strip("`"))
            if view is not None:
                return original_table(self, view)
        return original_table(self, tableName)

    SparkSession.sql = sql  # type: ignore[method-assign]
    SparkSession.table = table  # type: ignore[method-assign]
    _installed = True
