"""Rewrites for what DuckDB does differently from Trino, as an ordered tuple of rules.

Each rule takes the type-annotated sqlglot tree (parsed with the Athena
dialect) and returns it with one kind of node replaced; :data:`REWRITES` runs
them in order before DuckDB SQL is generated. Rules are small and single
purpose, each with a doctest; the behaviour they reproduce is pinned by the
fixture cases in ``tests/fixtures/sql/athena_to_rows`` (expected values from
the Trino documentation).

Must not know: the catalog, files, DuckDB connections.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlglot
from sqlglot import exp
from sqlglot.optimizer.annotate_types import annotate_types

from lakestack.sql.errors import NotSupported

Rule = Callable[[exp.Expression], exp.Expression]
T = exp.DataType.Type
_INTEGERS = {T.TINYINT, T.SMALLINT, T.INT, T.BIGINT}
_TIMESTAMPS = {T.TIMESTAMP, T.TIMESTAMPTZ, T.TIMESTAMPLTZ, T.DATETIME}


def _demo(rule: Rule, sql: str) -> str:
    """Athena SQL through one rule, as DuckDB SQL (for the doctests)."""
    tree = annotate_types(sqlglot.parse_one(sql, read="athena"), dialect="athena")
    return rule(tree).sql(dialect="duckdb")


def _is(node: exp.Expression, types: set[exp.DataType.Type]) -> bool:
    return node.type is not None and node.type.this in types


def _anonymous(name: str, *args: exp.Expression) -> exp.Anonymous:
    return exp.Anonymous(this=name, expressions=list(args))


def integer_division(tree: exp.Expression) -> exp.Expression:
    """Integer ``/`` truncates toward zero in Trino; DuckDB ``//`` floors, so subtract the
    remainder first (exact for any bigint, unlike a round trip through double).

    >>> _demo(integer_division, "SELECT -5 / 2, 5.0 / 2")
    'SELECT ((-5 - -5 % 2) // 2), 5.0 / 2'
    """
    for div in list(tree.find_all(exp.Div)):
        a, b = div.this, div.expression
        if _is(a, _INTEGERS) and _is(b, _INTEGERS):
            remainder = exp.Mod(this=a.copy(), expression=b.copy())
            numerator = exp.Paren(this=exp.Sub(this=a.copy(), expression=remainder))
            exact = exp.IntDiv(this=numerator, expression=b.copy())
            div.replace(exp.Paren(this=exact))
    return tree


def date_diff_whole_units(tree: exp.Expression) -> exp.Expression:
    """Trino ``date_diff`` counts whole units elapsed; DuckDB's counts boundaries crossed.
    DuckDB ``date_sub`` is the whole-unit count.

    >>> _demo(date_diff_whole_units, "SELECT date_diff('day', TIMESTAMP '2024-01-01 23:00', "
    ...       "TIMESTAMP '2024-01-02 01:00')")
    "SELECT DATE_SUB('day', CAST('2024-01-01 23:00' AS TIMESTAMP(0)), \
CAST('2024-01-02 01:00' AS TIMESTAMP(0)))"
    """
    for node in list(tree.find_all(exp.DateDiff)):
        unit = exp.Literal.string(node.text("unit").lower() or "day")
        node.replace(_anonymous("DATE_SUB", unit, node.expression.copy(), node.this.copy()))
    return tree


def date_functions_keep_date(tree: exp.Expression) -> exp.Expression:
    """``date_add``/``date_trunc`` on a DATE return a DATE in Trino, a TIMESTAMP in DuckDB.

    >>> _demo(date_functions_keep_date, "SELECT date_add('day', 3, DATE '2024-01-30')")
    "SELECT CAST(CAST('2024-01-30' AS DATE) + INTERVAL 3 DAY AS DATE)"
    """
    for node in list(tree.find_all(exp.DateAdd, exp.TimestampTrunc, exp.DateTrunc)):
        if _is(node.this, {T.DATE}) and not isinstance(node.parent, exp.Cast):
            node.replace(exp.cast(node.copy(), exp.DataType.build("DATE")))
    return tree


def date_plus_interval_keeps_date(tree: exp.Expression) -> exp.Expression:
    """``date '2012-08-08' + interval '2' day`` is a DATE in Trino, a TIMESTAMP in DuckDB.

    >>> _demo(date_plus_interval_keeps_date, "SELECT date '2012-08-08' - interval '2' day")
    "SELECT CAST(CAST('2012-08-08' AS DATE) - INTERVAL '2' DAY AS DATE)"
    """
    for node in list(tree.find_all(exp.Add, exp.Sub)):
        date, other = (node.this, node.expression)
        if isinstance(date, exp.Interval):
            date, other = other, date
        if (
            _is(date, {T.DATE})
            and isinstance(other, exp.Interval)
            and other.text("unit").upper() in ("DAY", "WEEK", "MONTH", "QUARTER", "YEAR")
        ):
            node.replace(exp.cast(node.copy(), exp.DataType.build("DATE")))
    return tree


def timestamp_to_varchar(tree: exp.Expression) -> exp.Expression:
    """``CAST(ts AS varchar)`` prints the timestamp's precision in Trino
    (``2026-01-02 03:04:05.000`` for the timestamp(3) of Athena tables).

    >>> _demo(timestamp_to_varchar, "SELECT CAST(TIMESTAMP '2026-01-02 03:04:05.123' AS varchar)")
    "SELECT STRFTIME(CAST('2026-01-02 03:04:05.123' AS TIMESTAMP(3)), '%Y-%m-%d %H:%M:%S.%g')"
    """
    for cast in list(tree.find_all(exp.Cast)):
        if not cast.to.is_type(T.VARCHAR, T.TEXT, T.CHAR) or not _is(cast.this, _TIMESTAMPS):
            continue
        precision = _precision(cast.this.type)
        fmt = "%Y-%m-%d %H:%M:%S" + {0: "", 3: ".%g", 6: ".%f"}.get(precision, ".%g")
        if cast.this.type.this == T.TIMESTAMPTZ:
            fmt += " UTC"
        cast.replace(_anonymous("STRFTIME", cast.this.copy(), exp.Literal.string(fmt)))
    return tree


def _precision(dtype: exp.DataType) -> int:
    params = dtype.expressions
    if params and isinstance(params[0].this, exp.Literal):
        return int(params[0].this.this)
    return 3


# Joda-Time pattern letters (format_datetime) -> strftime
# https://trino.io/docs/current/functions/datetime.html#java-date-functions
_JODA = [
    ("yyyy", "%Y"),
    ("yy", "%y"),
    ("MMMM", "%B"),
    ("MMM", "%b"),
    ("MM", "%m"),
    ("dd", "%d"),
    ("HH", "%H"),
    ("hh", "%I"),
    ("mm", "%M"),
    ("ss", "%S"),
    ("SSS", "%g"),
    ("EEEE", "%A"),
    ("EEE", "%a"),
    ("a", "%p"),
    ("DDD", "%j"),
    ("ZZ", "%z"),
    ("M", "%-m"),
    ("d", "%-d"),
    ("H", "%-H"),
    ("h", "%-I"),
    ("m", "%-M"),
    ("s", "%-S"),
]


def joda_to_strftime(pattern: str) -> str:
    """Convert a Joda-Time pattern to a DuckDB strftime format.

    >>> joda_to_strftime("yyyy-MM-dd'T'HH:mm:ss.SSS")
    '%Y-%m-%dT%H:%M:%S.%g'
    """
    out, i = [], 0
    while i < len(pattern):
        if pattern[i] == "'":
            end = pattern.find("'", i + 1)
            end = len(pattern) if end < 0 else end
            out.append(pattern[i + 1 : end].replace("%", "%%") or "'")
            i = end + 1
            continue
        for joda, fmt in _JODA:
            if pattern.startswith(joda, i):
                out.append(fmt)
                i += len(joda)
                break
        else:
            if pattern[i].isalpha():
                raise NotSupported(f"format_datetime pattern letter '{pattern[i]}'")
            out.append(pattern[i].replace("%", "%%"))
            i += 1
    return "".join(out)


def format_datetime_joda(tree: exp.Expression) -> exp.Expression:
    """``format_datetime(ts, 'yyyy-MM-dd')`` (Joda pattern) -> ``strftime``.

    >>> _demo(format_datetime_joda, "SELECT format_datetime(x, 'yyyy/MM/dd HH')")
    "SELECT STRFTIME(x, '%Y/%m/%d %H')"
    """
    for node in list(tree.find_all(exp.Anonymous)):
        if node.name.lower() != "format_datetime":
            continue
        value, pattern = node.expressions
        if not isinstance(pattern, exp.Literal):
            raise NotSupported("format_datetime with a non-literal pattern")
        node.replace(
            _anonymous("STRFTIME", value.copy(), exp.Literal.string(joda_to_strftime(pattern.this)))
        )
    return tree


def map_agg_to_map(tree: exp.Expression) -> exp.Expression:
    """``map_agg(k, v)`` -> ``MAP(LIST(k), LIST(v))`` (DuckDB has no map_agg).

    >>> _demo(map_agg_to_map, "SELECT map_agg(k, v) FROM t")
    'SELECT MAP(LIST(k), LIST(v)) FROM t'
    """
    for node in list(tree.find_all(exp.Anonymous)):
        if node.name.lower() == "map_agg":
            key, value = node.expressions
            node.replace(
                _anonymous("MAP", _anonymous("LIST", key.copy()), _anonymous("LIST", value.copy()))
            )
    return tree


def at_timezone_to_timezone(tree: exp.Expression) -> exp.Expression:
    """``at_timezone(ts, zone)`` and ``ts AT TIME ZONE zone`` -> DuckDB ``timezone(zone, ts)``:
    the wall-clock time in that zone. A plain timestamp is first read in the session zone
    (UTC) as Trino does; DuckDB would read it as wall-clock time in ``zone``. Trino keeps the
    zone on the value, DuckDB returns a plain timestamp.

    A value the query returns prints with its zone, as Trino does:

    >>> _demo(at_timezone_to_timezone, "SELECT hour(at_timezone(ts, 'Asia/Tokyo'))")
    "SELECT HOUR(TIMEZONE('Asia/Tokyo', CAST(ts AS TIMESTAMPTZ)))"
    >>> _demo(at_timezone_to_timezone, "SELECT at_timezone(ts, 'Asia/Tokyo') AS t")
    "SELECT STRFTIME(TIMEZONE('Asia/Tokyo', CAST(ts AS TIMESTAMPTZ)), \
'%Y-%m-%d %H:%M:%S.%g') || ' ' || 'Asia/Tokyo' AS t"
    """
    nodes = [
        (n, *n.expressions) for n in tree.find_all(exp.Anonymous) if n.name.lower() == "at_timezone"
    ]
    nodes += [(n, n.this, n.args["zone"]) for n in tree.find_all(exp.AtTimeZone)]
    for node, value, zone in nodes:
        if not _is(value, {T.TIMESTAMPTZ, T.TIMESTAMPLTZ}):
            value = exp.cast(value.copy(), exp.DataType.build("TIMESTAMPTZ"))
        local: exp.Expression = _anonymous("TIMEZONE", zone.copy(), value.copy())
        if isinstance(zone, exp.Literal):
            if _is_output(node, tree):
                local = _with_zone(local, zone)
            else:
                _zone_outer_column(node, zone, tree)
        node.replace(local)
    return tree


def _with_zone(local: exp.Expression, zone: exp.Expression) -> exp.Expression:
    """A result value prints with its zone, as Trino does: '... America/Los_Angeles'."""
    text = _anonymous("STRFTIME", local, exp.Literal.string("%Y-%m-%d %H:%M:%S.%g"))
    return exp.DPipe(
        this=exp.DPipe(this=text, expression=exp.Literal.string(" ")), expression=zone.copy()
    )


def _zone_outer_column(node: exp.Expression, zone: exp.Expression, tree: exp.Expression) -> None:
    """An ``at_timezone`` value a subquery or CTE names and the statement's result selects
    as a plain column: format it there, so it still prints with its zone.

    >>> _demo(at_timezone_to_timezone,
    ...       "SELECT t FROM (SELECT at_timezone(ts, 'UTC') AS t FROM x) AS s")[:63]
    "SELECT STRFTIME(t, '%Y-%m-%d %H:%M:%S.%g') || ' ' || 'UTC' AS t"
    """
    alias = node.parent
    if not isinstance(alias, exp.Alias) or not isinstance(tree, exp.Select):
        return
    inner = alias.parent
    if not isinstance(inner, exp.Select) or alias not in inner.expressions:
        return
    source = inner.parent
    if isinstance(source, exp.Subquery | exp.CTE):
        names = {source.alias_or_name}
    else:
        return
    if not any(s.alias_or_name in names for s in _sources(tree)):
        return
    for i, column in enumerate(tree.expressions):
        target = column.this if isinstance(column, exp.Alias) else column
        if (
            isinstance(target, exp.Column)
            and target.name == alias.alias
            and (not target.table or target.table in names)
        ):
            formatted = _with_zone(target.copy(), zone)
            tree.expressions[i] = exp.alias_(formatted, column.alias_or_name)
            tree.set("expressions", tree.expressions)


def _sources(select: exp.Select) -> list[exp.Expression]:
    """The derived tables and CTE references of the statement's FROM and JOINs."""
    found: list[exp.Expression] = []
    from_ = select.args.get("from_") or select.args.get("from")
    for part in [from_, *(select.args.get("joins") or [])]:
        if part is not None:
            found.append(part.this)
    return found


def _is_output(node: exp.Expression, tree: exp.Expression) -> bool:
    """True when ``node`` is itself a column of the statement's result."""
    parent = node.parent
    if isinstance(parent, exp.Alias):
        node, parent = parent, parent.parent
    return isinstance(parent, exp.Select) and parent is tree and node in parent.expressions


def millisecond_of_second(tree: exp.Expression) -> exp.Expression:
    """Trino ``millisecond(ts)`` is 0-999; DuckDB's counts the milliseconds of the minute.

    >>> _demo(millisecond_of_second, "SELECT millisecond(x)")
    'SELECT (MILLISECOND(x) % 1000)'
    """
    for node in list(tree.find_all(exp.Anonymous)):
        if node.name.lower() == "millisecond":
            node.replace(
                exp.Paren(this=exp.Mod(this=node.copy(), expression=exp.Literal.number(1000)))
            )
    return tree


def regexp_extract_null(tree: exp.Expression) -> exp.Expression:
    """Trino's ``regexp_extract`` is NULL when nothing matches; DuckDB returns ''.

    >>> _demo(regexp_extract_null, "SELECT regexp_extract(s, 'a(b)', 1)")
    "SELECT CASE WHEN REGEXP_MATCHES(s, 'a(b)') THEN REGEXP_EXTRACT(s, 'a(b)', 1) END"
    """
    for node in list(tree.find_all(exp.RegexpExtract)):
        if isinstance(node.parent, exp.If):
            continue
        matches = exp.RegexpLike(this=node.this.copy(), expression=node.expression.copy())
        node.replace(exp.Case(ifs=[exp.If(this=matches, true=node.copy())]))
    return tree


def cardinality_of_map(tree: exp.Expression) -> exp.Expression:
    """``cardinality(map)`` must count entries; sqlglot emits ARRAY_LENGTH for any argument.

    >>> _demo(cardinality_of_map, "SELECT cardinality(MAP(ARRAY['a'], ARRAY[1]))")
    "SELECT CARDINALITY(MAP(['a'], [1]))"
    """
    for node in list(tree.find_all(exp.ArraySize)):
        if _is(node.this, {T.MAP}):
            node.replace(_anonymous("CARDINALITY", node.this.copy()))
    return tree


def json_extract_scalar_only(tree: exp.Expression) -> exp.Expression:
    """``json_extract_scalar`` is NULL for objects and arrays in Trino; DuckDB's ``->>``
    returns their JSON text.

    >>> _demo(json_extract_scalar_only, "SELECT json_extract_scalar(j, '$.a')")
    "SELECT CASE WHEN JSON_TYPE(j, '$.a') IN ('OBJECT', 'ARRAY') THEN NULL ELSE j ->> '$.a' END"
    """
    for node in list(tree.find_all(exp.JSONExtractScalar)):
        if isinstance(node.parent, exp.Case):
            continue
        kind = _anonymous("JSON_TYPE", node.this.copy(), node.expression.copy())
        container = exp.In(
            this=kind, expressions=[exp.Literal.string("OBJECT"), exp.Literal.string("ARRAY")]
        )
        node.replace(exp.Case(ifs=[exp.If(this=container, true=exp.Null())], default=node.copy()))
    return tree


def unnest_map(tree: exp.Expression) -> exp.Expression:
    """``CROSS JOIN UNNEST(m) AS t(k, v)`` over a map yields key/value rows in Trino; in
    DuckDB unnest the key and value lists side by side in a lateral subquery.

    >>> _demo(unnest_map, "SELECT k, v FROM t CROSS JOIN UNNEST(MAP(ARRAY['a'], ARRAY[1])) "
    ...       "AS u(k, v)")
    "SELECT k, v FROM t CROSS JOIN LATERAL (SELECT UNNEST(MAP_KEYS(MAP(['a'], [1]))) AS k, \
UNNEST(MAP_VALUES(MAP(['a'], [1]))) AS v) AS u(k, v)"
    """
    for node in list(tree.find_all(exp.Unnest)):
        alias = node.args.get("alias")
        if len(node.expressions) != 1 or not _is(node.expressions[0], {T.MAP}) or alias is None:
            continue
        names = [c.name for c in alias.columns] or ["key", "value"]
        if len(names) != 2 or node.args.get("offset"):
            raise NotSupported("UNNEST of a map needs exactly two column aliases")
        value = node.expressions[0]
        select = exp.select(
            exp.alias_(exp.Unnest(expressions=[_anonymous("MAP_KEYS", value.copy())]), names[0]),
            exp.alias_(exp.Unnest(expressions=[_anonymous("MAP_VALUES", value.copy())]), names[1]),
        )
        node.replace(exp.Lateral(this=exp.Subquery(this=select), alias=alias.copy()))
    return tree


def approx_percentile_exact(tree: exp.Expression) -> exp.Expression:
    """``approx_percentile(x, p)`` -> ``quantile_disc(x, p)``: an exact answer always lies
    within Trino's error bound, and it is a value of the input like Trino's.

    >>> _demo(approx_percentile_exact, "SELECT approx_percentile(x, 0.5) FROM t")
    'SELECT QUANTILE_DISC(x, 0.5) FROM t'
    """
    for node in list(tree.find_all(exp.ApproxQuantile)):
        if node.args.get("weight") or node.args.get("accuracy"):
            raise NotSupported("approx_percentile with weight or accuracy")
        node.replace(_anonymous("QUANTILE_DISC", node.this.copy(), node.args["quantile"].copy()))
    return tree


REWRITES: tuple[Rule, ...] = (
    integer_division,
    date_diff_whole_units,
    date_functions_keep_date,
    date_plus_interval_keeps_date,
    timestamp_to_varchar,
    format_datetime_joda,
    map_agg_to_map,
    at_timezone_to_timezone,
    millisecond_of_second,
    regexp_extract_null,
    cardinality_of_map,
    json_extract_scalar_only,
    unnest_map,
    approx_percentile_exact,
)
