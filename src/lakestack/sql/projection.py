"""Partition projection and partition pruning: which partitions a query must read.

Pure logic, no I/O. From a table's parameters (``projection.enabled``,
``projection.<col>.type`` integer|enum|date|injected with ``range``,
``interval``, ``digits``, ``values``, ``format``, ``interval.unit``, and
``storage.location.template``) and the partition predicates extracted from the
query (:mod:`lakestack.sql.predicates`), :func:`project` lazily enumerates the
candidate partitions: value tuples formatted exactly as the path has them
(``07`` stays ``07``) and their S3 locations. :func:`prune` filters registered
(Glue) partitions with the same predicate logic.

Semantics follow https://docs.aws.amazon.com/athena/latest/ug/partition-projection.html
and .../partition-projection-supported-types.html (see reference/aws-semantics.md
§1.1-1.5); cases are in tests/fixtures/sql/projection/.

Must not know: the catalog store, S3, DuckDB, sqlglot.
"""

from __future__ import annotations

import calendar
import functools
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from lakestack.sql.errors import ConstraintViolation, InvalidTableProperty
from lakestack.sql.predicates import TRUE, Predicate, conjuncts_on, equality_values, evaluate

_UNITS = ("YEARS", "MONTHS", "WEEKS", "DAYS", "HOURS", "MINUTES", "SECONDS", "MILLISECONDS")
_RELATIVE = re.compile(
    r"\s*NOW\s*(?:([+-])\s*([0-9]+)\s*(YEAR|MONTH|WEEK|DAY|HOUR|MINUTE|SECOND)S?\s*)?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ProjectedPartition:
    """One candidate partition: values in partition-key order, and where its files are."""

    values: tuple[str, ...]
    location: str


def is_enabled(parameters: Mapping[str, str]) -> bool:
    """True when the table uses partition projection (``projection.enabled=true``).

    >>> is_enabled({"projection.enabled": " TRUE "}), is_enabled({})
    (True, False)
    """
    return parameters.get("projection.enabled", "").strip().lower() == "true"


def project(
    table: str,
    parameters: Mapping[str, str],
    partition_keys: Sequence[str],
    location: str,
    predicate: Predicate = TRUE,
    *,
    now: datetime,
    key_types: Mapping[str, str] | None = None,
) -> Iterator[ProjectedPartition]:
    """Enumerate, lazily, the projected partitions a query with ``predicate`` must read.

    Args:
        table: ``db.table``, for error messages.
        parameters: the table parameters (TBLPROPERTIES).
        partition_keys: partition column names in order.
        location: the table's LOCATION (used when there is no template).
        predicate: partition predicates from the WHERE clause.
        now: the clock's current time (relative date ranges are UTC).
        key_types: partition column catalog types (numeric types compare numerically).

    Raises:
        InvalidTableProperty: a partition column has no (valid) projection configuration.
        ConstraintViolation: an ``injected`` column has no static equality condition.

    >>> params = {"projection.enabled": "true", "projection.m.type": "integer",
    ...           "projection.m.range": "1,12", "projection.m.digits": "2"}
    >>> [p.location for p in project("db.t", params, ["m"], "s3://b/t/",
    ...      now=datetime(2026, 1, 1))][:2]
    ['s3://b/t/m=01/', 's3://b/t/m=02/']
    """
    key_types = key_types or {}
    missing = [k for k in partition_keys if f"projection.{k}.type" not in parameters]
    if missing:
        raise InvalidTableProperty(
            f"Table {table} is configured for partition projection, but the following "
            f"partition columns are missing projection configuration: [{', '.join(missing)}]"
        )
    streams = [
        _column_values(table, k, parameters, predicate, now, key_types) for k in partition_keys
    ]
    template = parameters.get("storage.location.template")
    for values in _product(streams):
        named = dict(zip(partition_keys, values, strict=True))
        if evaluate(predicate, named, key_types) is False:
            continue
        yield ProjectedPartition(values, _location(location, template, named))


def prune(
    partitions: Sequence[Mapping[str, str]],
    predicate: Predicate,
    key_types: Mapping[str, str] | None = None,
) -> list[Mapping[str, str]]:
    """Keep the registered partitions the predicate may match (unknown keeps).

    >>> from lakestack.sql.predicates import Compare
    >>> prune([{"dt": "2024-01-01"}, {"dt": "2024-01-02"}], Compare("dt", ">", "2024-01-01"))
    [{'dt': '2024-01-02'}]
    """
    return [p for p in partitions if evaluate(predicate, p, key_types) is not False]


_PLACEHOLDER = re.compile(r"\$\{([^}]+)\}")


@functools.lru_cache(maxsize=256)
def _template_parts(template: str) -> tuple[str, ...]:
    """``template`` split into literal text (even positions) and placeholder names (odd).

    >>> _template_parts("s3://b/t/y=${year}/${ month }/")
    ('s3://b/t/y=', 'year', '/', 'month', '/')
    """
    parts = _PLACEHOLDER.split(template.strip())
    return tuple(p.strip() if i % 2 else p for i, p in enumerate(parts))


def _location(table_location: str, template: str | None, values: Mapping[str, str]) -> str:
    if template:  # called once per candidate partition: no regex per call
        parts = _template_parts(template)
        path = "".join(
            p if i % 2 == 0 else values.get(p, "${" + p + "}") for i, p in enumerate(parts)
        )
    else:
        path = table_location.rstrip("/") + "/" + "/".join(f"{k}={v}" for k, v in values.items())
    return path if path.endswith("/") else path + "/"


def _product(streams: list[_Stream]) -> Iterator[tuple[str, ...]]:
    """Cartesian product that re-iterates later streams instead of materialising them."""
    if not streams:
        yield ()
        return
    head, rest = streams[0], streams[1:]
    for value in head():
        for tail in _product(rest):
            yield (value, *tail)


class _Stream:
    """A re-iterable source of one column's candidate values, pre-filtered."""

    def __init__(self, *, source: object, keep: object = None) -> None:
        self._source = source
        self._keep = keep

    def __call__(self) -> Iterator[str]:
        source = self._source() if callable(self._source) else self._source
        keep = self._keep
        for value in source:  # type: ignore[union-attr]
            if keep is None or keep(value):  # type: ignore[operator]
                yield value


def _column_values(
    table: str,
    column: str,
    parameters: Mapping[str, str],
    predicate: Predicate,
    now: datetime,
    key_types: Mapping[str, str],
) -> _Stream:
    prefix = f"projection.{column}."
    kind = parameters[prefix + "type"].strip().lower()
    config = {k[len(prefix) :]: v for k, v in parameters.items() if k.startswith(prefix)}
    own = conjuncts_on(predicate, column)
    types = {column: key_types.get(column, "string")}

    def keep(value: str) -> bool:
        return all(evaluate(p, {column: value}, types) is not False for p in own)

    exact = equality_values(predicate, column)
    if kind == "injected":
        if exact is None:
            raise ConstraintViolation(
                f"For the injected projected partition column {column}, the WHERE clause must "
                "contain only static equality conditions, and at least one such condition "
                "must be present."
            )
        return _Stream(source=[str(v) for v in exact], keep=keep)
    try:
        if kind == "enum":
            values = config["values"].split(",")
            return _Stream(source=values, keep=keep)
        if kind == "integer":
            return _Stream(source=_integer_source(config, exact), keep=keep)
        if kind == "date":
            return _Stream(source=_date_source(config, exact, now), keep=keep)
    except (KeyError, ValueError) as exc:
        raise InvalidTableProperty(
            f"Table {table}: invalid partition projection configuration for column {column}: {exc}"
        ) from exc
    raise InvalidTableProperty(
        f"Table {table}: unsupported projection type '{kind}' for column {column}"
    )


# -- integer --------------------------------------------------------------------------------


def _integer_source(config: Mapping[str, str], exact: tuple[object, ...] | None) -> object:
    low_text, high_text = (s.strip() for s in config["range"].split(","))
    low, high = int(low_text), int(high_text)
    interval = int(config.get("interval", "1").strip())
    digits = int(config["digits"].strip()) if config.get("digits", "").strip() else 0
    if interval <= 0:
        raise ValueError("interval must be positive")

    def fmt(n: int) -> str:
        return f"-{abs(n):0{digits}d}" if n < 0 else f"{n:0{digits}d}"

    if exact is not None:
        found = []
        for value in exact:
            try:
                n = int(str(value).strip())
            except ValueError:
                continue
            if low <= n <= high and (n - low) % interval == 0 and fmt(n) not in found:
                found.append(fmt(n))
        return found
    return lambda: (fmt(n) for n in range(low, high + 1, interval))


# -- date -----------------------------------------------------------------------------------


def _date_source(
    config: Mapping[str, str], exact: tuple[object, ...] | None, now: datetime
) -> object:
    pattern = JavaDateFormat(config["format"].strip())
    start_text, end_text = (s.strip() for s in config["range"].split(","))
    now = now.astimezone(UTC).replace(tzinfo=None) if now.tzinfo else now
    start = _date_bound(start_text, pattern, now)
    end = _date_bound(end_text, pattern, now)
    unit = config.get("interval.unit", "").strip().upper() or pattern.finest_unit()
    if unit not in _UNITS and unit + "S" not in _UNITS:
        raise ValueError(f"unknown interval.unit {unit}")
    unit = unit if unit.endswith("S") else unit + "S"
    step = int(config.get("interval", "1").strip())

    def generate() -> Iterator[str]:
        k = 0
        while True:
            moment = _shift(start, step * k, unit)
            if moment > end:
                return
            yield pattern.format(moment)
            k += 1

    if exact is None:
        return generate
    wanted = {pattern.format(d) for d in (pattern.parse(str(v)) for v in exact) if d}
    # Equality narrows to the values the range produces; membership is checked by
    # generation so the interval alignment stays exact.
    return lambda: (v for v in generate() if v in wanted)


def _date_bound(text: str, pattern: JavaDateFormat, now: datetime) -> datetime:
    m = _RELATIVE.fullmatch(text)
    if m:
        if not m.group(1):
            return now
        amount = int(m.group(2)) * (1 if m.group(1) == "+" else -1)
        return _shift(now, amount, m.group(3).upper() + "S")
    parsed = pattern.parse(text)
    if parsed is None:
        raise ValueError(f"range bound {text!r} does not match format {pattern.pattern!r}")
    return parsed


def _shift(moment: datetime, amount: int, unit: str) -> datetime:
    if unit in ("YEARS", "MONTHS"):
        months = moment.month - 1 + amount * (12 if unit == "YEARS" else 1)
        year, month = moment.year + months // 12, months % 12 + 1
        day = min(moment.day, calendar.monthrange(year, month)[1])
        return moment.replace(year=year, month=month, day=day)
    seconds = {
        "WEEKS": 604800,
        "DAYS": 86400,
        "HOURS": 3600,
        "MINUTES": 60,
        "SECONDS": 1,
        "MILLISECONDS": 0.001,
    }[unit]
    return moment + timedelta(seconds=seconds * amount)


class JavaDateFormat:
    """A Java ``DateTimeFormatter`` pattern (the subset projection formats use).

    Letters: ``yyyy yy MM M dd d HH H mm m ss s SSS``; ``'quoted'`` text is literal.

    >>> f = JavaDateFormat("yyyy/MM/dd/HH")
    >>> f.format(datetime(2021, 1, 2, 3)), f.parse("2021/01/02/03"), f.finest_unit()
    ('2021/01/02/03', datetime.datetime(2021, 1, 2, 3, 0), 'HOURS')
    >>> JavaDateFormat("'dt='yyyy-MM-dd").format(datetime(2024, 2, 9))
    'dt=2024-02-09'
    """

    _FIELDS = {
        "y": "year",
        "M": "month",
        "d": "day",
        "H": "hour",
        "m": "minute",
        "s": "second",
        "S": "microsecond",
    }
    _UNIT = {
        "y": "YEARS",
        "M": "MONTHS",
        "d": "DAYS",
        "H": "HOURS",
        "m": "MINUTES",
        "s": "SECONDS",
        "S": "MILLISECONDS",
    }

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.parts: list[tuple[str, str]] = []  # ("lit", text) or (letter, run)
        for m in re.finditer(r"'([^']*)'|([a-zA-Z])\2*|[^a-zA-Z']+", pattern):
            if m.group(1) is not None:
                self.parts.append(("lit", m.group(1) or "'"))
            elif m.group(2):
                if m.group(2) not in self._FIELDS:
                    raise ValueError(f"unsupported pattern letter {m.group(2)!r}")
                self.parts.append((m.group(2), m.group(0)))
            else:
                self.parts.append(("lit", m.group(0)))
        regex = "".join(
            re.escape(t) if k == "lit" else (rf"(\d{{{len(t)}}})" if len(t) > 1 else r"(\d{1,2})")
            for k, t in self.parts
        )
        self._regex = re.compile(regex)

    def finest_unit(self) -> str:
        order = "yMdHmsS"
        letters = [k for k, _ in self.parts if k != "lit"]
        return self._UNIT[max(letters, key=order.index)] if letters else "DAYS"

    def format(self, moment: datetime) -> str:
        out = []
        for kind, text in self.parts:
            if kind == "lit":
                out.append(text)
                continue
            value = getattr(moment, self._FIELDS[kind])
            if kind == "S":
                value //= 1000
            if kind == "y" and len(text) == 2:
                value %= 100
            out.append(f"{value:0{len(text)}d}")
        return "".join(out)

    def parse(self, text: str) -> datetime | None:
        m = self._regex.fullmatch(text)
        if m is None:
            return None
        fields = {"year": 1970, "month": 1, "day": 1}
        for (kind, run), value in zip(
            [p for p in self.parts if p[0] != "lit"], m.groups(), strict=True
        ):
            number = int(value)
            if kind == "y" and len(run) == 2:
                number += 2000
            if kind == "S":
                number *= 1000
            fields[self._FIELDS[kind]] = number
        try:
            return datetime(**fields)  # type: ignore[arg-type]
        except ValueError:
            return None
