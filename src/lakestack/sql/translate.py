"""Athena (Trino) SELECT → DuckDB SQL, with the table references left for the caller.

``translate(sql, schema)`` parses with sqlglot's Athena dialect, checks tables
and columns against ``schema`` (Athena's TABLE_NOT_FOUND / COLUMN_NOT_FOUND),
checks every function against an allow-list of functions known to translate
correctly (FUNCTION_NOT_FOUND otherwise, never a wrong answer), annotates
types, applies :data:`lakestack.sql.rewrites.REWRITES`, and generates DuckDB
SQL in which each catalog table is a placeholder relation name
(:attr:`Translated.relations`) that the Athena engine binds to a view over an
explicit file list. The WHERE predicates on each table's partition columns are
returned as :mod:`lakestack.sql.predicates` trees for projection and pruning.

The DuckDB connection running the SQL must use ``SET TimeZone='UTC'`` (Athena's
session zone).

Must not know: the Glue catalog store, files, DuckDB connections, HTTP.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import sqlglot
from sqlglot import exp
from sqlglot.errors import OptimizeError, ParseError
from sqlglot.optimizer.annotate_types import annotate_types
from sqlglot.optimizer.qualify import qualify
from sqlglot.optimizer.scope import traverse_scope

from lakestack.sql import predicates as p
from lakestack.sql.errors import (
    AthenaQueryError,
    ColumnNotFound,
    FunctionNotFound,
    NotSupported,
    SqlSyntaxError,
    TableNotFound,
)
from lakestack.sql.functions import check_comparisons, check_functions
from lakestack.sql.rewrites import REWRITES
from lakestack.sql.types import to_trino

CATALOG = "awsdatacatalog"


@dataclass(frozen=True)
class TableSchema:
    """A catalog table as the translator needs it: (name, Hive type) pairs."""

    columns: tuple[tuple[str, str], ...]
    partition_keys: tuple[tuple[str, str], ...] = ()

    @property
    def partition_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.partition_keys)


@dataclass(frozen=True)
class TableRef:
    database: str
    name: str

    def __str__(self) -> str:
        return f"{self.database}.{self.name}"


@dataclass(frozen=True)
class Translated:
    """The DuckDB SQL plus what the caller must bind and may prune.

    Attributes:
        sql: DuckDB SQL; each catalog table appears as a quoted placeholder name.
        relations: placeholder name -> the catalog table it stands for.
        predicates: table -> predicate over its partition columns (``TRUE``: read all).
        columns: output column names and Athena types (for ``ColumnInfo``).
    """

    sql: str
    relations: dict[str, TableRef]
    predicates: dict[TableRef, p.Predicate] = field(default_factory=dict)
    columns: tuple[tuple[str, str], ...] = ()


Schema = Mapping[tuple[str, str], TableSchema]


def translate(sql: str, schema: Schema, *, database: str = "default") -> Translated:
    """Translate one Athena query (remembered: the same text, schema and database give the
    same translation, and sqlglot's work is most of the planning time of a short query).

    Args:
        sql: the query text (SELECT / WITH / VALUES).
        schema: ``(database, table) -> TableSchema`` for every table it may name.
        database: the query context's database (``QueryExecutionContext.Database``).

    Raises:
        AthenaQueryError: SYNTAX_ERROR, TABLE_NOT_FOUND, COLUMN_NOT_FOUND,
            FUNCTION_NOT_FOUND or NOT_SUPPORTED, with Athena's message.

    >>> s = {("db", "t"): TableSchema((("a", "int"),), (("dt", "string"),))}
    >>> t = translate("SELECT a / 2 FROM t WHERE dt = '2024'", s, database="db")
    >>> print(t.sql)
    SELECT (("t"."a" - "t"."a" % 2) // 2) AS "_col0" FROM "db.t" AS "t" WHERE "t"."dt" = '2024'
    >>> t.relations, t.predicates
    ({'db.t': TableRef(database='db', name='t')}, \
{TableRef(database='db', name='t'): Compare(column='dt', op='=', value='2024')})
    """
    key = tuple(sorted(schema.items(), key=lambda item: item[0]))
    found = _translate(sql, key, database)
    return replace(found, relations=dict(found.relations), predicates=dict(found.predicates))


@functools.lru_cache(maxsize=256)
def _translate(
    sql: str, schema_items: tuple[tuple[tuple[str, str], TableSchema], ...], database: str
) -> Translated:
    schema = dict(schema_items)
    tree = parse_query(sql)
    refs = _resolve_tables(tree, schema, database)
    check_functions(tree, sql)
    _name_outputs(tree)
    sqlglot_schema = _sqlglot_schema(schema, refs.values()) if refs else None
    try:
        tree = qualify(
            tree,
            schema=sqlglot_schema,
            dialect="athena",
            catalog=CATALOG,
            db=database,
            validate_qualify_columns=True,
            quote_identifiers=True,
        )
    except OptimizeError as exc:
        raise _column_error(str(exc)) from exc
    tree = annotate_types(tree, schema=sqlglot_schema, dialect="athena")
    check_comparisons(tree, sql)
    predicates = _extract_predicates(tree, schema, database)
    for rewrite in REWRITES:
        tree = rewrite(tree)
    relations = _bind_placeholders(tree, database)
    columns = (
        tuple((s.alias_or_name, _athena_type(s)) for s in tree.selects)
        if isinstance(tree, exp.Query)
        else ()
    )
    try:
        out = tree.sql(dialect="duckdb", unsupported_level=sqlglot.ErrorLevel.RAISE)
    except sqlglot.errors.UnsupportedError as exc:
        raise NotSupported(str(exc)) from exc
    return Translated(out, relations, predicates, columns)


def parse_query(sql: str) -> exp.Expression:
    """Parse a query with the Athena dialect; syntax errors in Athena's format.

    >>> parse_query("SELECT a FROM t WHERE")
    Traceback (most recent call last):
    ...
    lakestack.sql.errors.SqlSyntaxError: line 1:22: mismatched input '<EOF>'
    """
    try:
        tree = sqlglot.parse_one(sql, read="athena")
    except ParseError as exc:
        raise _syntax_error(sql, exc) from exc
    if not isinstance(tree, exp.Query):
        raise NotSupported(f"Statement is not a query: {tree.key.upper()}")
    return tree


def _syntax_error(sql: str, exc: ParseError) -> SqlSyntaxError:
    info = exc.errors[0] if exc.errors else {}
    line, col = info.get("line") or 1, info.get("col") or 1
    highlight = info.get("highlight") or ""
    if not (info.get("end_context") or "").strip() and "missing" in info.get("description", ""):
        lines = sql.rstrip().split("\n")
        return SqlSyntaxError(
            "mismatched input '<EOF>'", line=len(lines), column=len(lines[-1]) + 1
        )
    return SqlSyntaxError(
        f"mismatched input '{highlight}'", line=line, column=max(1, col - len(highlight) + 1)
    )


def _column_error(message: str) -> AthenaQueryError:
    m = re.search(
        r"Column '([^']+)' could not be resolved(?:.*?Line: (\d+), Col: (\d+))?", message, re.S
    )
    if m is None:
        return SqlSyntaxError(message)
    name = m.group(1)
    line = int(m.group(2)) if m.group(2) else None
    col = int(m.group(3)) - len(name) + 1 if m.group(3) else None
    return ColumnNotFound(f"Column '{name}' cannot be resolved", line=line, column=col)


def _cte_names(tree: exp.Expression) -> set[str]:
    return {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}


def _resolve_tables(tree: exp.Expression, schema: Schema, database: str) -> dict[int, TableRef]:
    ctes = _cte_names(tree)
    refs: dict[int, TableRef] = {}
    for table in tree.find_all(exp.Table):
        if not table.name or (not table.db and table.name.lower() in ctes):
            continue
        if table.catalog and table.catalog.lower() != CATALOG:
            raise _table_not_found(table, f"{table.catalog}.{table.db}.{table.name}")
        ref = TableRef((table.db or database).lower(), table.name.lower())
        if (ref.database, ref.name) not in schema:
            raise _table_not_found(table, f"{CATALOG}.{ref}")
        refs[id(table)] = ref
    return refs


def _table_not_found(table: exp.Table, qualified: str) -> TableNotFound:
    first = next(
        (
            part
            for part in (table.args.get("catalog"), table.args.get("db"), table.this)
            if part is not None
        ),
        table.this,
    )
    meta = first.meta if isinstance(first, exp.Expression) else {}
    line = meta.get("line")
    col = meta["col"] - len(first.name) + 1 if "col" in meta else None
    return TableNotFound(f"Table '{qualified}' does not exist", line=line, column=col)


def _name_outputs(tree: exp.Expression) -> None:
    """Name unnamed output columns ``_colN`` as Trino does (column refs keep their name)."""
    for i, select in enumerate(tree.selects):
        if isinstance(select, exp.Alias | exp.Column | exp.Star | exp.Dot):
            continue
        select.replace(exp.alias_(select.copy(), f"_col{i}", quoted=True))


def _sqlglot_schema(schema: Schema, refs: object) -> dict[str, dict[str, dict[str, dict]]]:
    out: dict[str, dict[str, dict[str, dict[str, str]]]] = {CATALOG: {}}
    for ref in set(refs):  # type: ignore[call-overload]
        table = schema[(ref.database, ref.name)]
        cols = {n.lower(): to_trino(t) for n, t in (*table.columns, *table.partition_keys)}
        out[CATALOG].setdefault(ref.database, {})[ref.name] = cols
    return out


def _bind_placeholders(tree: exp.Expression, database: str) -> dict[str, TableRef]:
    relations: dict[str, TableRef] = {}
    for table in list(tree.find_all(exp.Table)):
        if not table.catalog:
            continue
        ref = TableRef(table.db.lower() or database, table.name.lower())
        placeholder = str(ref)
        relations[placeholder] = ref
        alias = table.args.get("alias")
        new = exp.Table(this=exp.to_identifier(placeholder, quoted=True))
        if alias is not None:
            new.set("alias", alias)
        table.replace(new)
    return relations


def _athena_type(select: exp.Expression) -> str:
    dtype = select.type
    if dtype is None or dtype.this == exp.DataType.Type.UNKNOWN:
        return "unknown"
    text = dtype.sql(dialect="trino").lower()
    # Athena reports timestamps without precision (ColumnInfo carries it separately).
    text = re.sub(r"^timestamp\(\d+\)", "timestamp", text)
    return {"int": "integer", "text": "varchar"}.get(text, text)


# -- partition predicates -----------------------------------------------------------------


def _extract_predicates(
    tree: exp.Expression, schema: Schema, database: str
) -> dict[TableRef, p.Predicate]:
    found: dict[TableRef, list[p.Predicate]] = {}
    for scope in traverse_scope(tree):
        where = (
            scope.expression.args.get("where") if isinstance(scope.expression, exp.Select) else None
        )
        for alias, source in scope.selected_sources.items():
            node = source[0] if isinstance(source, tuple) else source
            if not isinstance(node, exp.Table) or not node.catalog:
                continue
            ref = TableRef(node.db.lower(), node.name.lower())
            keys = set(schema[(ref.database, ref.name)].partition_names)
            preds = [
                c
                for c in (
                    _convert(part, alias, keys)
                    for part in _conjuncts(where.this if where else None)
                )
                if c is not None
            ]
            found.setdefault(ref, []).append(preds[0] if len(preds) == 1 else p.And(tuple(preds)))
    return {
        ref: (ps[0] if len(ps) == 1 else (p.TRUE if p.TRUE in ps else p.Or(tuple(ps))))
        for ref, ps in found.items()
    }


def _conjuncts(node: exp.Expression | None) -> list[exp.Expression]:
    if node is None:
        return []
    if isinstance(node, exp.Paren):
        return _conjuncts(node.this)
    if isinstance(node, exp.And):
        return _conjuncts(node.left) + _conjuncts(node.right)
    return [node]


_OPS = {exp.EQ: "=", exp.NEQ: "<>", exp.LT: "<", exp.LTE: "<=", exp.GT: ">", exp.GTE: ">="}
_FLIP = {"=": "=", "<>": "<>", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


def _literal(node: exp.Expression) -> p.Literal | None:
    if isinstance(node, exp.Cast) and isinstance(node.this, exp.Literal):
        node = node.this
    if isinstance(node, exp.Literal):
        if node.is_string:
            return node.this
        text = node.this
        return float(text) if any(c in text for c in ".eE") else int(text)
    if isinstance(node, exp.Neg) and isinstance(node.this, exp.Literal):
        value = _literal(node.this)
        return -value if isinstance(value, int | float) else None
    if isinstance(node, exp.Boolean):
        return bool(node.this)
    return None


def _key(node: exp.Expression, alias: str, keys: set[str]) -> str | None:
    if isinstance(node, exp.Column) and node.table == alias and node.name in keys:
        return node.name
    return None


def _convert(node: exp.Expression, alias: str, keys: set[str]) -> p.Predicate | None:
    """A sqlglot condition as a partition predicate, or None when it is not one."""
    if isinstance(node, exp.Paren):
        return _convert(node.this, alias, keys)
    if isinstance(node, exp.And | exp.Or):
        left, right = _convert(node.left, alias, keys), _convert(node.right, alias, keys)
        if isinstance(node, exp.And):
            parts = tuple(x for x in (left, right) if x is not None)
            return p.And(parts) if parts else None
        return p.Or((left, right)) if left is not None and right is not None else None
    if isinstance(node, exp.Not):
        inner = _convert(node.this, alias, keys)
        return p.Not(inner) if inner is not None else None
    op = _OPS.get(type(node))
    if op is not None:
        column, value = _key(node.left, alias, keys), _literal(node.right)
        if column is None:
            column, value, op = _key(node.right, alias, keys), _literal(node.left), _FLIP[op]
        return p.Compare(column, op, value) if column and value is not None else None
    if isinstance(node, exp.In):
        column = _key(node.this, alias, keys)
        values = [_literal(v) for v in node.expressions]
        if column and values and None not in values and not node.args.get("query"):
            return p.In(column, tuple(v for v in values if v is not None))
        return None
    if isinstance(node, exp.Between):
        column, low, high = (
            _key(node.this, alias, keys),
            _literal(node.args["low"]),
            _literal(node.args["high"]),
        )
        return p.Between(column, low, high) if column and None not in (low, high) else None
    return None


__all__ = [
    "CATALOG",
    "FunctionNotFound",
    "TableRef",
    "TableSchema",
    "Translated",
    "parse_query",
    "translate",
]
