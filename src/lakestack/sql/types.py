"""Hive/Athena column types: one grammar for catalog type strings and DDL, and the
DuckDB and Trino spellings rendered from the parsed type, never from the text.

Glue stores Hive type strings (``string``, ``int``, ``decimal(10,2)``,
``array<struct<x:int,y:string>>``). The grammar, case-insensitive and tolerant of
whitespace between tokens::

    type      := primitive | 'array' '<' type '>' | 'map' '<' type ',' type '>'
               | 'struct' '<' field (',' field)* '>'
    primitive := boolean | tinyint | smallint | int | integer | bigint | float | real
               | double | string | binary | varbinary | date | timestamp
               | decimal ['(' p [',' s] ')'] | char ['(' n ')'] | varchar ['(' n ')']
    field     := name ':' type   (name: words, digits, - . @; or `backquoted`)

Anything else is refused (:class:`InvalidHiveType`): AWS Glue stores any string, but
lakestack executes these types on DuckDB, so a string that is not a type never
reaches SQL. Athena's engine names some types differently (``varchar``,
``integer``, ``real``); :meth:`HiveType.trino` gives those.

Must not know: the catalog, files, HTTP.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from lakestack.sql.errors import AthenaQueryError, SqlSyntaxError
from lakestack.sql.lexer import EOF, NUMBER, PUNCT, QUOTED, WORD, Cursor
from lakestack.sql.quoting import quote_identifier

# Spelling -> the canonical name Glue and Hive use.
_PRIMITIVES = {
    "boolean": "boolean",
    "tinyint": "tinyint",
    "smallint": "smallint",
    "int": "int",
    "integer": "int",
    "bigint": "bigint",
    "float": "float",
    "real": "float",
    "double": "double",
    "decimal": "decimal",
    "char": "char",
    "varchar": "varchar",
    "string": "string",
    "binary": "binary",
    "varbinary": "binary",
    "date": "date",
    "timestamp": "timestamp",
}

_DUCKDB = {
    "boolean": "BOOLEAN",
    "tinyint": "TINYINT",
    "smallint": "SMALLINT",
    "int": "INTEGER",
    "bigint": "BIGINT",
    "float": "FLOAT",
    "double": "DOUBLE",
    "string": "VARCHAR",
    "varchar": "VARCHAR",
    "char": "VARCHAR",
    "binary": "BLOB",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
}

_TRINO = {"string": "varchar", "int": "integer", "float": "real", "binary": "varbinary"}

# Hive's limits (org.apache.hadoop.hive.serde2.typeinfo): DECIMAL precision 1-38,
# CHAR length 1-255, VARCHAR length 1-65535.
_MAX_PRECISION = 38
_LENGTHS = {"char": 255, "varchar": 65535}
_PLAIN_FIELD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_MAX_DEPTH = 64


class InvalidHiveType(AthenaQueryError, ValueError):
    """A type string that is not a Hive type. As a query failure (a catalog table whose
    stored type is bad) Athena reports it as HIVE_INVALID_METADATA."""

    error_name = "HIVE_INVALID_METADATA"


@dataclass(frozen=True, slots=True)
class HiveType:
    """A parsed column type.

    Attributes:
        name: the canonical name (``int``, ``decimal``, ``array``, ``map``, ``struct``...).
        args: ``(precision, scale)`` of a decimal, ``(length,)`` of a char/varchar.
        children: the element (array), key and value (map) or member types (struct).
        fields: the struct member names, parallel to ``children``.
    """

    name: str
    args: tuple[int, ...] = ()
    children: tuple[HiveType, ...] = ()
    fields: tuple[str, ...] = ()

    def __str__(self) -> str:
        """The canonical Hive spelling (what Glue stores for Athena DDL).

        >>> str(parse_type("ARRAY< STRUCT<a:INT, `B c`:map<string,Decimal(10, 2)>> >"))
        'array<struct<a:int,`b c`:map<string,decimal(10,2)>>>'
        """
        if self.name == "array":
            return f"array<{self.children[0]}>"
        if self.name == "map":
            return f"map<{self.children[0]},{self.children[1]}>"
        if self.name == "struct":
            members = (f"{_hive_field(n)}:{t}" for n, t in self.members)
            return "struct<" + ",".join(members) + ">"
        if self.args:
            return f"{self.name}({','.join(str(a) for a in self.args)})"
        return self.name

    @property
    def members(self) -> list[tuple[str, HiveType]]:
        """A struct's (name, type) pairs."""
        return list(zip(self.fields, self.children, strict=True))

    @property
    def is_string(self) -> bool:
        return self.name in ("string", "varchar", "char")

    def duckdb(self) -> str:
        """The DuckDB type.

        >>> parse_type("array<struct<a:int,b:map<string,decimal(10,2)>>>").duckdb()
        'STRUCT("a" INTEGER, "b" MAP(VARCHAR, DECIMAL(10,2)))[]'
        >>> parse_type("decimal").duckdb(), parse_type("struct<`x\\"y`:int>").duckdb()
        ('DECIMAL(10,0)', 'STRUCT("x""y" INTEGER)')
        """
        if self.name == "array":
            return f"{self.children[0].duckdb()}[]"
        if self.name == "map":
            return f"MAP({self.children[0].duckdb()}, {self.children[1].duckdb()})"
        if self.name == "struct":
            members = (f"{quote_identifier(n)} {t.duckdb()}" for n, t in self.members)
            return "STRUCT(" + ", ".join(members) + ")"
        if self.name == "decimal":
            precision, scale = (self.args + (10, 0)[len(self.args) :])[:2]
            return f"DECIMAL({precision},{scale})"
        return _DUCKDB[self.name]

    def trino(self) -> str:
        """The Athena (Trino) engine spelling, as ``ColumnInfo.Type`` shows it.

        >>> [parse_type(t).trino() for t in ("string", "int", "array<string>", "float")]
        ['varchar', 'integer', 'array(varchar)', 'real']
        >>> parse_type("struct<a:int,`b c`:string>").trino()
        'row(a integer, "b c" varchar)'
        """
        if self.name == "array":
            return f"array({self.children[0].trino()})"
        if self.name == "map":
            return f"map({self.children[0].trino()}, {self.children[1].trino()})"
        if self.name == "struct":
            members = (
                f"{n if _PLAIN_FIELD.fullmatch(n) else quote_identifier(n)} {t.trino()}"
                for n, t in self.members
            )
            return "row(" + ", ".join(members) + ")"
        base = _TRINO.get(self.name, self.name)
        return f"{base}({','.join(str(a) for a in self.args)})" if self.args else base


def _hive_field(name: str) -> str:
    return name if _PLAIN_FIELD.fullmatch(name) else "`" + name.replace("`", "``") + "`"


# -- the grammar ----------------------------------------------------------------------------


def read_type(cur: Cursor, *, ddl: bool = True, depth: int = 0) -> HiveType:
    """Read one type from ``cur`` (a DDL statement or a catalog type string).

    In DDL a struct member may carry ``COMMENT 'text'`` (dropped).

    Raises:
        SqlSyntaxError: the tokens at ``cur`` are not a type.
    """
    if depth > _MAX_DEPTH:
        raise cur.error(("<type>",))
    token = cur.peek
    name = token.value.lower() if token.kind == WORD else ""
    if name in ("array", "map", "struct"):
        cur.advance()
        cur.expect("<")
        if name == "array":
            result = HiveType("array", children=(read_type(cur, ddl=ddl, depth=depth + 1),))
        elif name == "map":
            key = read_type(cur, ddl=ddl, depth=depth + 1)
            cur.expect(",")
            result = HiveType("map", children=(key, read_type(cur, ddl=ddl, depth=depth + 1)))
        else:
            result = _struct(cur, ddl, depth)
        cur.expect(">")
        return result
    if name not in _PRIMITIVES:
        raise cur.error(("<type>",))
    cur.advance()
    canonical = _PRIMITIVES[name]
    if canonical in ("decimal", "char", "varchar") and cur.accept("("):
        args = [_integer(cur)]
        if canonical == "decimal" and cur.accept(","):
            args.append(_integer(cur))
        cur.expect(")")
        _check_args(cur, canonical, args)
        return HiveType(canonical, tuple(args))
    return HiveType(canonical)


def _struct(cur: Cursor, ddl: bool, depth: int) -> HiveType:
    names: list[str] = []
    types: list[HiveType] = []
    while True:
        token = cur.peek
        name = _field_name(cur)
        if name in names:
            cur.pos = cur.tokens.index(token)
            raise cur.error(("<unique field name>",))
        cur.expect(":")
        names.append(name)
        types.append(read_type(cur, ddl=ddl, depth=depth + 1))
        if ddl and cur.accept("COMMENT"):
            cur.expect_kind("string", "<string>")
        if not cur.accept(","):
            break
    return HiveType("struct", children=tuple(types), fields=tuple(names))


def _field_name(cur: Cursor) -> str:
    """A struct member name: backquoted, or words, numbers, ``-``, ``.`` and ``@`` up to
    the ``:`` (crawlers name members after JSON keys such as ``user-id``; every name is
    quoted when rendered, so any text is safe)."""
    first = cur.peek
    if first.kind == QUOTED and first.value:
        return cur.advance().value.lower()
    while cur.peek.kind in (WORD, NUMBER) or (
        cur.peek.kind == PUNCT and cur.peek.value in ("-", ".", "@")
    ):
        cur.advance()
    if cur.peek is first:
        raise cur.error(("<identifier>",))
    return cur.sql[first.start : cur.peek.start].strip().lower()


def _integer(cur: Cursor) -> int:
    token = cur.peek
    if token.kind != NUMBER or not token.value.isdigit() or len(token.value) > 9:
        raise cur.error(("<integer>",))
    return int(cur.advance().value)


def _check_args(cur: Cursor, name: str, args: list[int]) -> None:
    if name == "decimal":
        precision, scale = args[0], args[1] if len(args) > 1 else 0
        if not 1 <= precision <= _MAX_PRECISION:
            raise SqlSyntaxError(f"DECIMAL precision must be between 1 and {_MAX_PRECISION}")
        if scale > precision:
            raise SqlSyntaxError("DECIMAL scale must be less than or equal to precision")
    elif not 1 <= args[0] <= _LENGTHS[name]:
        raise SqlSyntaxError(f"{name.upper()} length must be between 1 and {_LENGTHS[name]}")


def parse_hive_type(cur: Cursor) -> str:
    """Read a column type of a DDL statement; its canonical lower-case form.

    >>> parse_hive_type(Cursor("ARRAY< STRUCT<a:INT, `B`:map<string,Decimal(10, 2)>> >"))
    'array<struct<a:int,b:map<string,decimal(10,2)>>>'
    """
    return str(read_type(cur, ddl=True))


@functools.lru_cache(maxsize=4096)
def parse_type(text: str) -> HiveType:
    """Parse a catalog type string (remembered: types are immutable).

    Raises:
        InvalidHiveType: ``text`` is not a Hive type.

    >>> parse_type(" Map < String , Array<BIGINT> > ")
    HiveType(name='map', args=(), children=(HiveType(name='string', args=(), children=(), \
fields=()), HiveType(name='array', args=(), children=(HiveType(name='bigint', args=(), \
children=(), fields=()),), fields=())), fields=())
    >>> parse_type("decimal(1,0))AS x")
    Traceback (most recent call last):
    ...
    lakestack.sql.types.InvalidHiveType: 'decimal(1,0))AS x' is not a valid Hive type: \
unexpected ')' at position 13
    """
    if not isinstance(text, str) or not text.strip():
        raise InvalidHiveType(f"{text!r} is not a valid Hive type: the type is empty")
    # Comments are whitespace to the lexer; a type string has none.
    try:
        cur = Cursor(text)
        parsed = read_type(cur, ddl=False)
        if cur.peek.kind != EOF:
            raise cur.error(("<end of type>",))
    except SqlSyntaxError as err:
        raise InvalidHiveType(f"{text!r} is not a valid Hive type: {_reason(err)}") from None
    # Comments are whitespace to the lexer; a type string has none.
    if "--" in text or "/*" in text:
        raise InvalidHiveType(f"{text!r} is not a valid Hive type: comments are not allowed")
    return parsed


def _reason(err: SqlSyntaxError) -> str:
    """The parser's complaint without its DDL wording.

    >>> _reason(SqlSyntaxError("mismatched input ')'. Expecting: <type>", line=1, column=4))
    "unexpected ')' at position 4"
    """
    m = re.match(r"mismatched input '(.*)'\. Expecting", err.text, re.S)
    if m is None:
        return err.text
    found = "end of text" if m.group(1) == "<EOF>" else repr(m.group(1))
    return f"unexpected {found} at position {err.column}"


def to_duckdb(hive_type: str) -> str:
    """The DuckDB type for a catalog type string (rendered from its parse).

    >>> to_duckdb("varchar(10)"), to_duckdb("timestamp"), to_duckdb("INT")
    ('VARCHAR', 'TIMESTAMP', 'INTEGER')

    Raises:
        InvalidHiveType: not a Hive type.
    """
    return parse_type(hive_type).duckdb()


def to_trino(hive_type: str) -> str:
    """The Athena (Trino) engine name for a catalog type string.

    >>> to_trino("string"), to_trino("map<string,int>")
    ('varchar', 'map(varchar, integer)')

    Raises:
        InvalidHiveType: not a Hive type.
    """
    return parse_type(hive_type).trino()


_FROM_ENGINE = {
    "BOOLEAN": "boolean",
    "TINYINT": "tinyint",
    "UTINYINT": "smallint",
    "SMALLINT": "smallint",
    "USMALLINT": "int",
    "INT": "int",
    "UINT": "bigint",
    "BIGINT": "bigint",
    "FLOAT": "float",
    "DOUBLE": "double",
    "DATE": "date",
    "BINARY": "binary",
    "VARBINARY": "binary",
    "BLOB": "binary",
}
_TIMESTAMPS = (
    "TIMESTAMP",
    "TIMESTAMPTZ",
    "TIMESTAMPLTZ",
    "TIMESTAMPNTZ",
    "TIMESTAMP_S",
    "TIMESTAMP_MS",
    "TIMESTAMP_NS",
    "DATETIME",
)
_WIDE_INTEGERS = ("UBIGINT", "INT128", "UINT128", "INT256", "UINT256", "BIGDECIMAL")


def from_engine_type(text: str, dialect: str) -> HiveType:
    """The Hive type Glue stores for a query engine's result type (DuckDB's for CTAS,
    Trino's for a view's columns); types Hive lacks (``uuid``, ``json``, ``time``,
    ``interval``, ``unknown``) are stored as ``string``.

    >>> [str(from_engine_type(t, "duckdb")) for t in ("VARCHAR", "DECIMAL(10,2)", "INTEGER[]",
    ...     'STRUCT(a INTEGER, "b c" MAP(VARCHAR, TIMESTAMP WITH TIME ZONE))', "UUID")]
    ['string', 'decimal(10,2)', 'array<int>', 'struct<a:int,`b c`:map<string,timestamp>>', 'string']
    >>> [str(from_engine_type(t, "trino")) for t in ("timestamp(3)", "row(x real)", "unknown")]
    ['timestamp', 'struct<x:float>', 'string']
    """
    from sqlglot import exp
    from sqlglot.errors import SqlglotError

    try:
        parsed = exp.DataType.build(text, dialect=dialect)
    except (SqlglotError, ValueError):
        return HiveType("string")
    return _from_sqlglot(parsed)


def _from_sqlglot(dt: Any) -> HiveType:
    from sqlglot import exp

    kind = dt.this.name if hasattr(dt.this, "name") else str(dt.this)
    args = [int(p.this.this) for p in dt.expressions if isinstance(p, exp.DataTypeParam)]
    nested = [e for e in dt.expressions if not isinstance(e, exp.DataTypeParam)]
    if kind == "ARRAY" and len(nested) == 1:
        return HiveType("array", children=(_from_sqlglot(nested[0]),))
    if kind == "MAP" and len(nested) == 2:
        return HiveType("map", children=(_from_sqlglot(nested[0]), _from_sqlglot(nested[1])))
    if kind == "STRUCT" and nested and all(isinstance(e, exp.ColumnDef) for e in nested):
        names = tuple(e.name.lower() for e in nested)
        if len(set(names)) == len(names) and all(names):
            children = tuple(_from_sqlglot(e.args["kind"]) for e in nested)
            return HiveType("struct", children=children, fields=names)
    if kind == "DECIMAL":
        precision, scale = (args + [18, 3][len(args) :])[:2]
        if 1 <= precision <= _MAX_PRECISION and 0 <= scale <= precision:
            return HiveType("decimal", (precision, scale))
    if kind == "CHAR" and len(args) == 1 and 1 <= args[0] <= _LENGTHS["char"]:
        return HiveType("char", (args[0],))
    if kind in _WIDE_INTEGERS:
        return HiveType("decimal", (_MAX_PRECISION, 0))
    if kind in _TIMESTAMPS:
        return HiveType("timestamp")
    return HiveType(_FROM_ENGINE.get(kind, "string"))


def is_string_type(hive_type: str) -> bool:
    """Whether values of the type are text (partition values stay as written).

    >>> is_string_type("VARCHAR(3)"), is_string_type("int")
    (True, False)
    """
    return parse_type(hive_type).is_string


class NamedType(Protocol):
    """A catalog column as validation sees it (Glue's ``Column``, Athena's port)."""

    @property
    def name(self) -> str: ...

    @property
    def type(self) -> str | None: ...


def check_column_types(
    *groups: Iterable[NamedType] | None, error: Callable[[str], Exception] | None = None
) -> None:
    """Check every column's type string; a missing type is allowed (it reads as string).

    Args:
        groups: columns (a table's or partition's columns, partition keys); None skipped.
        error: makes the exception to raise from the message (a service's
            ``InvalidInputException``); :class:`InvalidHiveType` by default.

    Raises:
        InvalidHiveType: (or ``error``) the first column whose type is not a Hive type.

    >>> from types import SimpleNamespace as C
    >>> check_column_types([C(name="a", type="int")], None, [C(name="p", type=None)])
    >>> check_column_types([C(name="a", type="int;drop")])
    Traceback (most recent call last):
    ...
    lakestack.sql.types.InvalidHiveType: Column 'a' has an unsupported type: \
'int;drop' is not a valid Hive type: unexpected ';' at position 4
    """
    for group in groups:
        for column in group or ():
            if column.type is None:
                continue
            try:
                parse_type(column.type)
            except InvalidHiveType as err:
                message = f"Column '{column.name}' has an unsupported type: {err.text}"
                raise (error or InvalidHiveType)(message) from None
