"""Athena DDL and utility statements, parsed into typed dataclasses.

``parse_statement(sql)`` returns one of the :mod:`lakestack.sql.statements` classes; the Athena
engine executes them against the Glue catalog. Hive-style DDL (``CREATE
EXTERNAL TABLE``, ``ALTER TABLE ... PARTITION``, ``MSCK REPAIR``, ``SHOW``,
``DESCRIBE``) is read by our own recursive-descent parser over
:mod:`lakestack.sql.lexer` tokens, because sqlglot's Athena dialect returns many of
those as unparsed commands. Trino-engine statements (``SELECT``, CTAS, ``CREATE
VIEW``, ``INSERT INTO``, ``UNLOAD``) keep their query text for
:func:`lakestack.sql.translate.translate`.

``CreateTable`` carries the Glue ``TableInput`` equivalent in snake_case: format
class names and SerDe libraries as Athena stores them (:mod:`lakestack.sql.formats`).
Names are lower-cased as Athena does.

Must not know: the catalog's storage, DuckDB, HTTP.
"""

from __future__ import annotations

from lakestack.sql.formats import (
    STORED_AS,
    StorageFormat,
    delimited_format,
    serde_format,
    stored_as,
)
from lakestack.sql.lexer import EOF, NUMBER, PUNCT, QUOTED, STRING, WORD, Cursor
from lakestack.sql.statements import (
    AddPartitions,
    Column,
    CreateDatabase,
    CreateTable,
    CreateTableAs,
    CreateView,
    Describe,
    DropDatabase,
    DropPartitions,
    DropTable,
    DropView,
    InsertInto,
    PartitionSpec,
    Query,
    RepairTable,
    SetTableProperties,
    ShowColumns,
    ShowCreateTable,
    ShowDatabases,
    ShowPartitions,
    ShowTables,
    ShowViews,
    Statement,
    TableName,
    Unload,
)
from lakestack.sql.types import parse_hive_type

_QUERY_STARTS = ("SELECT", "WITH", "VALUES", "EXPLAIN", "TABLE", "(")
_STARTS = (
    "ALTER",
    "CREATE",
    "DESCRIBE",
    "DROP",
    "INSERT",
    "MSCK",
    "SELECT",
    "SHOW",
    "UNLOAD",
    "VALUES",
    "WITH",
)


def parse_statement(sql: str) -> Statement:
    """Parse one Athena statement (a trailing ``;`` is allowed).

    >>> parse_statement("MSCK REPAIR TABLE db.Events")
    RepairTable(table=TableName(database='db', name='events'))
    >>> parse_statement("DROP TABLEE t")
    Traceback (most recent call last):
    ...
    lakestack.sql.errors.SqlSyntaxError: line 1:6: mismatched input 'TABLEE'. \
Expecting: 'DATABASE', 'SCHEMA', 'TABLE', 'VIEW'
    """
    cur = Cursor(sql.strip().rstrip(";").rstrip())
    first = cur.peek
    if first.is_word(*_QUERY_STARTS) or (first.kind == PUNCT and first.value == "("):
        return Query(cur.rest())
    handler = _HANDLERS.get(first.value.upper()) if first.kind == WORD else None
    if handler is None:
        raise cur.error(_STARTS)
    cur.advance()
    statement = handler(cur)
    if cur.peek.kind != EOF:
        raise cur.error(("<EOF>",))
    return statement


# -- names and literals ------------------------------------------------------------------


def _identifier(cur: Cursor) -> str:
    token = cur.peek
    if token.kind in (WORD, QUOTED):
        return cur.advance().value.lower()
    raise cur.error(("<identifier>",))


def _table_name(cur: Cursor) -> TableName:
    first = _identifier(cur)
    if cur.accept("."):
        return TableName(first, _identifier(cur))
    return TableName(None, first)


def _string(cur: Cursor) -> str:
    return cur.expect_kind(STRING, "<string>").value


def _properties(cur: Cursor) -> dict[str, str]:
    """``('k' = 'v', ...)`` as in TBLPROPERTIES / SERDEPROPERTIES / DBPROPERTIES."""
    cur.expect("(")
    props: dict[str, str] = {}
    while True:
        key = _string(cur)
        cur.expect("=")
        props[key] = _string(cur)
        if not cur.accept(","):
            break
    cur.expect(")")
    return props


def _value(cur: Cursor) -> object:
    """A Trino literal in ``WITH (...)`` options: string, number, boolean, ARRAY[...]."""
    token = cur.peek
    if token.kind == STRING:
        return cur.advance().value
    if token.kind == NUMBER:
        text = cur.advance().value
        return float(text) if "." in text else int(text)
    if token.is_word("TRUE", "FALSE"):
        return cur.advance().value.upper() == "TRUE"
    if cur.accept("ARRAY"):
        cur.expect("[")
        items: list[object] = []
        if not cur.accept("]"):
            items.append(_value(cur))
            while cur.accept(","):
                items.append(_value(cur))
            cur.expect("]")
        return items
    raise cur.error(("<literal>",))


def _with_options(cur: Cursor) -> dict[str, object]:
    cur.expect("(")
    options: dict[str, object] = {}
    while True:
        key = _identifier(cur)
        cur.expect("=")
        options[key] = _value(cur)
        if not cur.accept(","):
            break
    cur.expect(")")
    return options


# -- CREATE --------------------------------------------------------------------------------


def _create(cur: Cursor) -> Statement:
    if cur.accept("DATABASE", "SCHEMA"):
        return _create_database(cur)
    if cur.accept_all("OR", "REPLACE"):
        cur.expect("VIEW")
        return _create_view(cur, replace=True)
    if cur.accept("VIEW"):
        return _create_view(cur, replace=False)
    if cur.accept("EXTERNAL"):
        cur.expect("TABLE")
        return _create_table(cur)
    if not cur.accept("TABLE"):
        raise cur.error(("DATABASE", "EXTERNAL", "OR", "SCHEMA", "TABLE", "VIEW"))
    if_not_exists = cur.accept_all("IF", "NOT", "EXISTS")
    name = _table_name(cur)
    if cur.peek.is_word("WITH", "AS"):
        return _ctas(cur, name, if_not_exists)
    return _create_table(cur, name, if_not_exists)


def _create_database(cur: Cursor) -> CreateDatabase:
    if_not_exists = cur.accept_all("IF", "NOT", "EXISTS")
    name = _identifier(cur)
    comment = location = None
    props: dict[str, str] = {}
    while True:
        if cur.accept("COMMENT"):
            comment = _string(cur)
        elif cur.accept("LOCATION"):
            location = _string(cur)
        elif cur.accept("WITH"):
            cur.expect("DBPROPERTIES")
            props = _properties(cur)
        else:
            break
    return CreateDatabase(name, if_not_exists, comment, location, props)


def _create_view(cur: Cursor, *, replace: bool) -> CreateView:
    name = _table_name(cur)
    cur.expect("AS")
    return CreateView(name, cur.rest(), replace)


def _ctas(cur: Cursor, name: TableName, if_not_exists: bool) -> CreateTableAs:
    props = _with_options(cur) if cur.accept("WITH") else {}
    cur.expect("AS")
    query = cur.rest()
    with_data = True
    upper = query.upper().rstrip()
    if upper.endswith("WITH NO DATA") or upper.endswith("WITH DATA"):
        with_data = not upper.endswith("NO DATA")
        query = query[: upper.rindex("WITH")].rstrip()
    return CreateTableAs(name, query, props, if_not_exists, with_data)


def _column_list(cur: Cursor) -> tuple[Column, ...]:
    cur.expect("(")
    columns = []
    while True:
        name = _identifier(cur)
        type_ = parse_hive_type(cur)
        comment = _string(cur) if cur.accept("COMMENT") else None
        columns.append(Column(name, type_, comment))
        if not cur.accept(","):
            break
    cur.expect(")")
    return tuple(columns)


_TABLE_CLAUSES = (
    "COMMENT",
    "PARTITIONED",
    "CLUSTERED",
    "ROW",
    "STORED",
    "LOCATION",
    "TBLPROPERTIES",
    "<EOF>",
)


def _create_table(
    cur: Cursor, name: TableName | None = None, if_not_exists: bool = False
) -> CreateTable:
    if name is None:
        if_not_exists = cur.accept_all("IF", "NOT", "EXISTS")
        name = _table_name(cur)
    columns = _column_list(cur) if cur.peek.value == "(" else ()
    clauses: dict[str, object] = {}
    while cur.peek.kind != EOF:
        keyword = cur.expect(*_TABLE_CLAUSES[:-1]).value.upper()
        _TABLE_CLAUSE_PARSERS[keyword](cur, clauses)
    storage = _storage(clauses)
    params = {"EXTERNAL": "TRUE", **clauses.get("tblproperties", {})}  # type: ignore[dict-item]
    if storage.classification:
        params.setdefault("classification", storage.classification)
    return CreateTable(
        table=name,
        columns=columns,
        partition_keys=clauses.get("partitioned", ()),  # type: ignore[arg-type]
        location=clauses.get("location"),  # type: ignore[arg-type]
        storage=storage,
        parameters=params,
        if_not_exists=if_not_exists,
        comment=clauses.get("comment"),  # type: ignore[arg-type]
        bucket_columns=clauses.get("bucket_columns", ()),  # type: ignore[arg-type]
        number_of_buckets=clauses.get("buckets", -1),  # type: ignore[arg-type]
    )


def _storage(clauses: dict[str, object]) -> StorageFormat:
    row = clauses.get("row_format")
    stored = clauses.get("stored_as")
    base: StorageFormat
    if isinstance(row, StorageFormat):
        base = row
    else:
        base = stored_as(stored if isinstance(stored, str) else "TEXTFILE")
    if isinstance(stored, str) and isinstance(row, StorageFormat):
        io = stored_as(stored)
        base = StorageFormat(
            io.input_format,
            io.output_format,
            base.serde_library,
            base.serde_parameters,
            base.classification or io.classification,
        )
    elif isinstance(stored, tuple):
        base = StorageFormat(
            stored[0], stored[1], base.serde_library, base.serde_parameters, base.classification
        )
    return base


def _clause_comment(cur: Cursor, clauses: dict[str, object]) -> None:
    clauses["comment"] = _string(cur)


def _clause_partitioned(cur: Cursor, clauses: dict[str, object]) -> None:
    cur.expect("BY")
    clauses["partitioned"] = _column_list(cur)


def _clause_clustered(cur: Cursor, clauses: dict[str, object]) -> None:
    cur.expect("BY")
    cur.expect("(")
    cols = [_identifier(cur)]
    while cur.accept(","):
        cols.append(_identifier(cur))
    cur.expect(")")
    if cur.accept("SORTED"):
        cur.expect("BY")
        cur.expect("(")
        while True:
            _identifier(cur)
            cur.accept("ASC", "DESC")
            if not cur.accept(","):
                break
        cur.expect(")")
    cur.expect("INTO")
    clauses["buckets"] = int(cur.expect_kind(NUMBER, "<integer>").value)
    cur.expect("BUCKETS")
    clauses["bucket_columns"] = tuple(cols)


def _clause_row(cur: Cursor, clauses: dict[str, object]) -> None:
    cur.expect("FORMAT")
    if cur.expect("SERDE", "DELIMITED").value.upper() == "SERDE":
        library = _string(cur)
        params = {}
        if cur.accept_all("WITH", "SERDEPROPERTIES"):
            params = _properties(cur)
        clauses["row_format"] = serde_format(library, params)
        return
    delims: dict[str, str] = {}
    while True:
        if cur.accept("FIELDS"):
            cur.expect("TERMINATED")
            cur.expect("BY")
            delims["field"] = _string(cur)
            if cur.accept("ESCAPED"):
                cur.expect("BY")
                delims["escape"] = _string(cur)
        elif cur.accept("COLLECTION"):
            cur.expect("ITEMS")
            cur.expect("TERMINATED")
            cur.expect("BY")
            delims["collection"] = _string(cur)
        elif cur.accept("MAP"):
            cur.expect("KEYS")
            cur.expect("TERMINATED")
            cur.expect("BY")
            delims["mapkey"] = _string(cur)
        elif cur.accept("LINES"):
            cur.expect("TERMINATED")
            cur.expect("BY")
            delims["line"] = _string(cur)
        elif cur.accept("NULL"):
            cur.expect("DEFINED")
            cur.expect("AS")
            delims["null"] = _string(cur)
        else:
            break
    clauses["row_format"] = delimited_format(delims)


def _clause_stored(cur: Cursor, clauses: dict[str, object]) -> None:
    cur.expect("AS")
    if cur.accept("INPUTFORMAT"):
        input_format = _string(cur)
        cur.expect("OUTPUTFORMAT")
        clauses["stored_as"] = (input_format, _string(cur))
        return
    if cur.peek.kind != WORD or cur.peek.value.upper() not in STORED_AS:
        raise cur.error(sorted(STORED_AS))
    clauses["stored_as"] = cur.advance().value.upper()


def _clause_location(cur: Cursor, clauses: dict[str, object]) -> None:
    clauses["location"] = _string(cur)


def _clause_tblproperties(cur: Cursor, clauses: dict[str, object]) -> None:
    clauses["tblproperties"] = _properties(cur)


_TABLE_CLAUSE_PARSERS = {
    "COMMENT": _clause_comment,
    "PARTITIONED": _clause_partitioned,
    "CLUSTERED": _clause_clustered,
    "ROW": _clause_row,
    "STORED": _clause_stored,
    "LOCATION": _clause_location,
    "TBLPROPERTIES": _clause_tblproperties,
}


# -- DROP / ALTER / MSCK -----------------------------------------------------------------


def _drop(cur: Cursor) -> Statement:
    kind = cur.expect("DATABASE", "SCHEMA", "TABLE", "VIEW").value.upper()
    if_exists = cur.accept_all("IF", "EXISTS")
    if kind in ("DATABASE", "SCHEMA"):
        name = _identifier(cur)
        cascade = cur.accept("CASCADE", "RESTRICT")
        return DropDatabase(name, if_exists, bool(cascade) and cascade.is_word("CASCADE"))
    table = _table_name(cur)
    if kind == "VIEW":
        return DropView(table, if_exists)
    cur.accept("PURGE")
    return DropTable(table, if_exists)


def _partition_spec(cur: Cursor, *, with_location: bool) -> PartitionSpec:
    cur.expect("(")
    values: dict[str, str] = {}
    while True:
        key = _identifier(cur)
        cur.expect("=")
        token = cur.peek
        if token.kind not in (STRING, NUMBER):
            raise cur.error(("<literal>",))
        values[key] = cur.advance().value
        if not cur.accept(","):
            break
    cur.expect(")")
    location = _string(cur) if with_location and cur.accept("LOCATION") else None
    return PartitionSpec(values, location)


def _alter(cur: Cursor) -> Statement:
    cur.expect("TABLE")
    table = _table_name(cur)
    action = cur.expect("ADD", "DROP", "SET").value.upper()
    if action == "SET":
        cur.expect("TBLPROPERTIES")
        return SetTableProperties(table, _properties(cur))
    if action == "ADD":
        if_not_exists = cur.accept_all("IF", "NOT", "EXISTS")
        specs = []
        while cur.accept("PARTITION"):
            specs.append(_partition_spec(cur, with_location=True))
        if not specs:
            raise cur.error(("PARTITION",))
        return AddPartitions(table, tuple(specs), if_not_exists)
    if_exists = cur.accept_all("IF", "EXISTS")
    specs = []
    while True:
        cur.expect("PARTITION")
        specs.append(_partition_spec(cur, with_location=False))
        if not cur.accept(","):
            break
    return DropPartitions(table, tuple(specs), if_exists)


def _msck(cur: Cursor) -> RepairTable:
    cur.expect("REPAIR")
    cur.expect("TABLE")
    return RepairTable(_table_name(cur))


# -- SHOW / DESCRIBE -----------------------------------------------------------------------


def _show(cur: Cursor) -> Statement:
    kind = cur.expect(
        "DATABASES", "SCHEMAS", "TABLES", "VIEWS", "PARTITIONS", "COLUMNS", "CREATE"
    ).value.upper()
    if kind in ("DATABASES", "SCHEMAS"):
        like = _string(cur) if cur.accept("LIKE") else None
        return ShowDatabases(like)
    if kind in ("TABLES", "VIEWS"):
        database = _identifier(cur) if cur.accept("IN", "FROM") else None
        if cur.accept("LIKE") or cur.peek.kind == STRING:
            pattern = _string(cur)
        else:
            pattern = None
        return ShowTables(database, pattern) if kind == "TABLES" else ShowViews(database, pattern)
    if kind == "PARTITIONS":
        return ShowPartitions(_table_name(cur))
    if kind == "COLUMNS":
        cur.expect("IN", "FROM")
        table = _table_name(cur)
        if cur.accept("IN", "FROM"):
            table = TableName(_identifier(cur), table.name)
        return ShowColumns(table)
    cur.expect("TABLE", "VIEW")
    return ShowCreateTable(_table_name(cur))


def _describe(cur: Cursor) -> Describe:
    formatted = bool(cur.accept("FORMATTED", "EXTENDED"))
    table = _table_name(cur)
    while cur.peek.kind != EOF:  # DESCRIBE t col / PARTITION (...) details are ignored
        cur.advance()
    return Describe(table, formatted)


# -- DML heads -------------------------------------------------------------------------------


def _insert(cur: Cursor) -> InsertInto:
    cur.expect("INTO")
    table = _table_name(cur)
    columns: list[str] = []
    if cur.peek.value == "(" and not cur.peek_at(1).is_word("SELECT", "WITH", "VALUES"):
        cur.expect("(")
        columns.append(_identifier(cur))
        while cur.accept(","):
            columns.append(_identifier(cur))
        cur.expect(")")
    if not cur.peek.is_word("SELECT", "WITH", "VALUES", "TABLE") and cur.peek.value != "(":
        raise cur.error(("SELECT", "VALUES", "WITH", "TABLE", "("))
    query = cur.rest()
    return InsertInto(table, query, tuple(columns))


def _unload(cur: Cursor) -> Unload:
    open_paren = cur.expect("(")
    depth = 1
    while depth:
        token = cur.advance()
        if token.kind == EOF:
            raise cur.error((")",))
        if token.kind == PUNCT and token.value in "()":
            depth += 1 if token.value == "(" else -1
    close = cur.tokens[cur.pos - 1]
    query = cur.sql[open_paren.start + 1 : close.start].strip()
    cur.expect("TO")
    location = _string(cur)
    props = _with_options(cur) if cur.accept("WITH") else {}
    return Unload(query, location, props)


_HANDLERS = {
    "CREATE": _create,
    "DROP": _drop,
    "ALTER": _alter,
    "MSCK": _msck,
    "SHOW": _show,
    "DESCRIBE": _describe,
    "DESC": _describe,
    "INSERT": _insert,
    "UNLOAD": _unload,
}
