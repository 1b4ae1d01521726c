"""Hive/Athena column types: parsing DDL type syntax and mapping to DuckDB types.

Glue stores Hive type strings (``string``, ``int``, ``decimal(10,2)``,
``array<struct<x:int,y:string>>``). Athena's query engine names some of them
differently (``varchar``, ``integer``, ``real``); both spellings map to DuckDB
here.

Must not know: the catalog, files, HTTP.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lakestack.sql.lexer import Cursor

# Hive DDL primitive types (https://docs.aws.amazon.com/athena/latest/ug/data-types.html)
# with the canonical spelling Glue stores.
_PRIMITIVES = {
    "boolean": "boolean",
    "tinyint": "tinyint",
    "smallint": "smallint",
    "int": "int",
    "integer": "int",
    "bigint": "bigint",
    "float": "float",
    "double": "double",
    "decimal": "decimal",
    "char": "char",
    "varchar": "varchar",
    "string": "string",
    "binary": "binary",
    "date": "date",
    "timestamp": "timestamp",
}

_DUCKDB = {
    "boolean": "BOOLEAN",
    "tinyint": "TINYINT",
    "smallint": "SMALLINT",
    "int": "INTEGER",
    "integer": "INTEGER",
    "bigint": "BIGINT",
    "float": "FLOAT",
    "real": "FLOAT",
    "double": "DOUBLE",
    "string": "VARCHAR",
    "varchar": "VARCHAR",
    "char": "VARCHAR",
    "binary": "BLOB",
    "varbinary": "BLOB",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "decimal": "DECIMAL(10,0)",
}


def parse_hive_type(cur: Cursor) -> str:
    """Read a Hive column type from ``cur`` and return its canonical lower-case form.

    >>> from lakestack.sql.lexer import Cursor
    >>> parse_hive_type(Cursor("ARRAY< STRUCT<a:INT, `B`:map<string,Decimal(10, 2)>> >"))
    'array<struct<a:int,b:map<string,decimal(10,2)>>>'
    """
    token = cur.peek
    name = token.value.lower() if token.kind == "word" else ""
    if name == "array":
        cur.advance()
        cur.expect("<")
        inner = parse_hive_type(cur)
        cur.expect(">")
        return f"array<{inner}>"
    if name == "map":
        cur.advance()
        cur.expect("<")
        key = parse_hive_type(cur)
        cur.expect(",")
        value = parse_hive_type(cur)
        cur.expect(">")
        return f"map<{key},{value}>"
    if name == "struct":
        cur.advance()
        return _struct(cur)
    if name not in _PRIMITIVES:
        raise cur.error(("<type>",))
    cur.advance()
    canonical = _PRIMITIVES[name]
    if cur.peek.value == "(" and canonical in ("decimal", "char", "varchar"):
        cur.advance()
        args = [cur.expect_kind("number", "<integer>").value]
        if cur.accept(","):
            args.append(cur.expect_kind("number", "<integer>").value)
        cur.expect(")")
        return f"{canonical}({','.join(args)})"
    return canonical


def _struct(cur: Cursor) -> str:
    cur.expect("<")
    fields = []
    while True:
        token = cur.peek
        if token.kind not in ("word", "quoted"):
            raise cur.error(("<identifier>",))
        name = cur.advance().value.lower()
        cur.expect(":")
        fields.append(f"{name}:{parse_hive_type(cur)}")
        if cur.accept("COMMENT"):
            cur.expect_kind("string", "<string>")
        if not cur.accept(","):
            break
    cur.expect(">")
    return f"struct<{','.join(fields)}>"


def to_duckdb(hive_type: str) -> str:
    """The DuckDB type for a Hive/Athena type string.

    >>> to_duckdb("array<struct<a:int,b:map<string,decimal(10,2)>>>")
    'STRUCT("a" INTEGER, "b" MAP(VARCHAR, DECIMAL(10,2)))[]'
    >>> to_duckdb("varchar(10)"), to_duckdb("timestamp")
    ('VARCHAR', 'TIMESTAMP')
    """
    text = hive_type.strip().lower()
    if text.startswith("array<"):
        return f"{to_duckdb(text[6:-1])}[]"
    if text.startswith("map<"):
        key, value = _split_top(text[4:-1])
        return f"MAP({to_duckdb(key)}, {to_duckdb(value)})"
    if text.startswith("struct<") or text.startswith("row("):
        body = text[7:-1] if text.startswith("struct<") else text[4:-1]
        parts = []
        for member in _split_top(body):
            name, _, kind = (
                member.partition(":")
                if text.startswith("struct<")
                else (member.strip().partition(" "))
            )
            parts.append(f'"{name.strip()}" {to_duckdb(kind)}')
        return f"STRUCT({', '.join(parts)})"
    base, _, args = text.partition("(")
    if base == "decimal" and args:
        return f"DECIMAL({args.rstrip(')').replace(' ', '')})"
    if base in ("varchar", "char"):
        return "VARCHAR"
    try:
        return _DUCKDB[base]
    except KeyError:
        raise ValueError(f"unknown Hive type {hive_type!r}") from None


def to_trino(hive_type: str) -> str:
    """The Athena (Trino) engine name for a Hive type, as ``ColumnInfo.Type`` shows it.

    >>> to_trino("string"), to_trino("int"), to_trino("array<string>"), to_trino("float")
    ('varchar', 'integer', 'array(varchar)', 'real')
    """
    text = hive_type.strip().lower()
    if text.startswith("array<"):
        return f"array({to_trino(text[6:-1])})"
    if text.startswith("map<"):
        key, value = _split_top(text[4:-1])
        return f"map({to_trino(key)}, {to_trino(value)})"
    if text.startswith("struct<"):
        members = [m.partition(":") for m in _split_top(text[7:-1])]
        return "row(" + ", ".join(f"{n} {to_trino(k)}" for n, _, k in members) + ")"
    return {"string": "varchar", "int": "integer", "float": "real", "binary": "varbinary"}.get(
        text, text
    )


def _split_top(text: str) -> list[str]:
    """Split on commas that are not inside ``<>`` or ``()``.

    >>> _split_top("string,map<int,int>,decimal(1,2)")
    ['string', 'map<int,int>', 'decimal(1,2)']
    """
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "<(":
            depth += 1
        elif ch in ">)":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
    parts.append(text[start:].strip())
    return parts
