"""The one way text from a request or the catalog becomes part of DuckDB SQL: as a quoted
identifier or a quoted string literal. Everything else in generated SQL is either
written by lakestack or rendered from a parsed structure (:mod:`lakestack.sql.types`,
sqlglot trees).

Must not know: DuckDB connections, the catalog, HTTP.
"""

from __future__ import annotations

from collections.abc import Iterable


def quote_identifier(name: str) -> str:
    """A double-quoted SQL identifier (embedded quotes doubled).

    >>> quote_identifier('a"; DROP'), quote_identifier("Year")
    ('"a""; DROP"', '"Year"')
    """
    if "\x00" in name:
        raise ValueError("identifiers cannot contain NUL")
    return '"' + name.replace('"', '""') + '"'


def quote_literal(text: str) -> str:
    """A single-quoted SQL string literal (embedded quotes doubled; DuckDB reads no
    backslash escapes in plain literals).

    >>> quote_literal("it's"), quote_literal("/tmp/x') TO '/etc")
    ("'it''s'", "'/tmp/x'') TO ''/etc'")
    """
    if "\x00" in text:
        raise ValueError("string literals cannot contain NUL")
    return "'" + text.replace("'", "''") + "'"


def quote_list(texts: Iterable[str]) -> str:
    """A DuckDB list of string literals.

    >>> quote_list(["/a", "b'c"])
    "['/a', 'b''c']"
    """
    return "[" + ", ".join(quote_literal(t) for t in texts) + "]"
