"""Query result files as Athena writes them, and reading them back for GetQueryResults.

- ``<id>.csv``: a header row then one line per row; every value quoted ``"..."`` with
  ``"`` doubled, NULL written as nothing (unquoted), lines ending ``\\n``.
- ``<id>.txt``: DDL and utility output, one row a line, columns separated by tabs.
- ``<id>.csv.metadata`` / ``<id>.txt.metadata``: Athena's is a binary protobuf that
  only its own service reads; ours is JSON (the column info, row count, kind) and is
  likewise read only by this engine.

Values are rendered by :mod:`lakestack.sql.values` (Trino's text forms). Types are
DuckDB result types mapped to Athena's names.

Must not know: S3 (the engine hands bytes to its ObjectStore), HTTP.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

from lakestack.services.athena.models import ResultColumn
from lakestack.sql.values import to_athena_text

_CSV_FIELD = re.compile(r'"((?:[^"]|"")*)"|([^,\n]*)')


def render(value: Any, athena_type: str | None = None) -> str | None:
    """A value as Athena shows it in results (``None`` stays NULL); see
    :func:`lakestack.sql.values.to_athena_text`.

    >>> from decimal import Decimal
    >>> [render(v) for v in (True, 3, 1e20, None, Decimal("1.50"), [1, None], {"a": 1})]
    ['true', '3', '1.0E20', None, '1.50', '[1, null]', '{a=1}']
    """
    return to_athena_text(value, athena_type)


# -- types --------------------------------------------------------------------------------


_SIMPLE = {
    "VARCHAR": "varchar",
    "BIGINT": "bigint",
    "INTEGER": "integer",
    "SMALLINT": "smallint",
    "TINYINT": "tinyint",
    "DOUBLE": "double",
    "FLOAT": "real",
    "BOOLEAN": "boolean",
    "DATE": "date",
    "TIMESTAMP": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamp with time zone",
    "TIME": "time",
    "BLOB": "varbinary",
    "HUGEINT": "decimal",
    "UBIGINT": "decimal",
    "UINTEGER": "bigint",
    "USMALLINT": "integer",
    "UTINYINT": "smallint",
    "INTERVAL": "interval day to second",
    "UUID": "uuid",
    '"NULL"': "unknown",
    "NULL": "unknown",
    "JSON": "json",
}


def athena_type(duckdb_type: str) -> ResultColumn:
    """The Athena ColumnInfo type for a DuckDB result type (name left empty).

    >>> athena_type("DECIMAL(10,2)")
    ResultColumn(name='', type='decimal', precision=10, scale=2, nullable='UNKNOWN')
    >>> [athena_type(t).type for t in ("VARCHAR", "INTEGER[]", "MAP(VARCHAR, BIGINT)")]
    ['varchar', 'array', 'map']
    """
    text = duckdb_type.strip()
    if text.startswith("DECIMAL"):
        p, _, s = text[8:-1].partition(",")
        return ResultColumn("", "decimal", int(p), int(s or 0))
    if text.endswith("]"):
        return ResultColumn("", "array")
    if text.startswith("MAP("):
        return ResultColumn("", "map")
    if text.startswith("STRUCT("):
        return ResultColumn("", "row")
    name = _SIMPLE.get(text.upper(), text.lower())
    precision = {
        "varchar": 2147483647,
        "bigint": 19,
        "integer": 10,
        "double": 17,
        "boolean": 0,
        "timestamp": 3,
        "date": 0,
        "real": 24,
        "smallint": 5,
        "tinyint": 3,
    }.get(name, 0)
    return ResultColumn("", name, precision, 0)


def columns_for(names: Sequence[str], duckdb_types: Sequence[str]) -> list[ResultColumn]:
    out = []
    for name, dtype in zip(names, duckdb_types, strict=True):
        base = athena_type(dtype)
        out.append(ResultColumn(name, base.type, base.precision, base.scale))
    return out


# -- files ----------------------------------------------------------------------------------


def _quote(value: str | None) -> str:
    return "" if value is None else '"' + value.replace('"', '""') + '"'


def csv_text(columns: Sequence[ResultColumn], rows: Iterable[Sequence[str | None]]) -> str:
    """Athena's result CSV.

    >>> csv_text([ResultColumn("a", "varchar"), ResultColumn("b", "bigint")],
    ...          [["x\\"y", None], ["", "2"]])
    '"a","b"\\n"x""y",\\n"","2"\\n'
    """
    lines = [",".join(_quote(c.name) for c in columns)]
    lines += [",".join(_quote(v) for v in row) for row in rows]
    return "\n".join(lines) + "\n"


def parse_csv(text: str) -> list[list[str | None]]:
    """Rows of an Athena result CSV (header included); unquoted empty is NULL.

    >>> parse_csv('"a","b"\\n"x""y",\\n"","2"\\n')
    [['a', 'b'], ['x"y', None], ['', '2']]
    >>> parse_csv('"multi\\nline"\\n')
    [['multi\\nline']]
    """
    rows: list[list[str | None]] = []
    pos, n = 0, len(text)
    row: list[str | None] = []
    while pos < n:
        m = _CSV_FIELD.match(text, pos)
        assert m is not None
        quoted, bare = m.group(1), m.group(2)
        row.append(quoted.replace('""', '"') if quoted is not None else (bare or None))
        pos = m.end()
        if pos >= n or text[pos] == "\n":
            rows.append(row)
            row = []
        pos += 1
    return rows


def txt_text(rows: Iterable[Sequence[str | None]]) -> str:
    """DDL/utility output: one row a line, tab-separated (``\\N`` never appears: NULL is '')."""
    return "".join("\t".join(v or "" for v in row) + "\n" for row in rows)


def parse_txt(text: str, width: int) -> list[list[str | None]]:
    """Rows of a ``.txt`` result with ``width`` columns.

    >>> parse_txt("a\\tb\\nc\\t\\n", 2)
    [['a', 'b'], ['c', '']]
    """
    rows: list[list[str | None]] = []
    for line in text.split("\n")[:-1] if text.endswith("\n") else text.split("\n"):
        parts: list[str | None] = list(line.split("\t", max(width - 1, 0)))
        rows.append(parts + [""] * (width - len(parts)))
    return rows


def metadata_json(
    kind: str, columns: Sequence[ResultColumn], row_count: int, update_count: int | None = None
) -> str:
    return json.dumps(
        {
            "format": "lakestack-result-metadata/1",
            "kind": kind,
            "rows": row_count,
            "update_count": update_count,
            "columns": [[c.name, c.type, c.precision, c.scale] for c in columns],
        }
    )


def parse_metadata(text: str) -> tuple[str, list[ResultColumn], int, int | None]:
    """Kind, columns, row count and update count of a result.

    >>> kind, columns, rows, updated = parse_metadata(
    ...     metadata_json("csv", [ResultColumn("a", "bigint", 19)], 3))
    >>> kind, [(c.name, c.type) for c in columns], rows, updated
    ('csv', [('a', 'bigint')], 3, None)
    """
    data = json.loads(text)
    columns = [ResultColumn(n, t, p, s) for n, t, p, s in data["columns"]]
    return data["kind"], columns, int(data["rows"]), data.get("update_count")
