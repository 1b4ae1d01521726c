"""Partition projection and partition pruning: which partitions a query must read.

Pure logic, no I/O. From a table's parameters (``projection.enabled``,
``projection.<col>.type`` integer|enum|date|injected with ``range``,
``interval``, ``digits``, ``values``, ``format``, ``interval.unit``, and
``storage.location.template``) and the partition predicates extracted from the
query (:mod:`lakestack.sql.predicates`), :func:`project` lazily enumerates the
candidate partitions: value tuples formatted exactly as the path has them
(``07`` stays ``07``) and their S3 locations. :func:`projected_layout` describes the
same candidates without listing them (a common prefix and a test on locations), so a
scan over thousands of candidates costs one pass over the files that exist.
:func:`prune` filters registered (Glue) partitions with the same predicate logic.

Semantics follow https://docs.aws.amazon.com/athena/latest/ug/partition-projection.html
and .../partition-projection-supported-types.html (see reference/aws-semantics.md
§1.1-1.5); cases are in tests/fixtures/sql/projection/.

Must not know: the catalog store, S3, DuckDB, sqlglot.
"""

from __future__ import annotations

import calendar
import functools
import itertools
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from lakestack.sql.dates import JavaDateFormat
from lakestack.sql.errors import ConstraintViolation, InvalidTableProperty
from lakestack.sql.predicates import (
    TRUE,
    And,
    Predicate,
    columns_of,
    conjuncts_on,
    equality_values,
    evaluate,
)

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
    streams = _streams(table, parameters, partition_keys, predicate, now, key_types)
    template = parameters.get("storage.location.template")
    for values in _product(streams):
        named = dict(zip(partition_keys, values, strict=True))
        if evaluate(predicate, named, key_types) is False:
            continue
        yield ProjectedPartition(values, _location(location, template, named))


def _streams(
    table: str,
    parameters: Mapping[str, str],
    partition_keys: Sequence[str],
    predicate: Predicate,
    now: datetime,
    key_types: Mapping[str, str],
) -> list[_Stream]:
    missing = [k for k in partition_keys if f"projection.{k}.type" not in parameters]
    if missing:
        raise InvalidTableProperty(
            f"Table {table} is configured for partition projection, but the following "
            f"partition columns are missing projection configuration: [{', '.join(missing)}]"
        )
    return [_column_values(table, k, parameters, predicate, now, key_types) for k in partition_keys]


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


@dataclass(frozen=True)
class ProjectedLayout:
    """The candidates of :func:`project`, described instead of listed.

    Every candidate location starts with ``prefix`` (their longest common prefix ending
    at ``/``); :meth:`match` names the candidate a file belongs to and :meth:`order`
    sorts candidates as :func:`project` yields them. Matching a few hundred files this
    way is much cheaper than enumerating thousands of candidates (the seed's 11 years x
    12 months x 31 days) to find the few that exist.
    """

    prefix: str
    regex: re.Pattern[str]
    placeholders: tuple[str, ...]
    keys: tuple[str, ...]
    streams: tuple[_Stream, ...]
    slashes: tuple[int, ...]  # the number of "/" a candidate location can have, most first
    render: Callable[[Mapping[str, str]], str]

    seen: dict[str, tuple[str, ...] | None] = field(default_factory=dict, compare=False)

    def match(self, uri: str) -> tuple[str, ...] | None:
        """Values of the candidate whose location is the longest one holding ``uri``."""
        segments = uri.split("/")
        for count in self.slashes:
            if count < len(segments):
                location = "/".join(segments[:count]) + "/"
                if location not in self.seen:
                    self.seen[location] = self._candidate(location)
                if (values := self.seen[location]) is not None:
                    return values
        return None

    def _candidate(self, location: str) -> tuple[str, ...] | None:
        found = self.regex.fullmatch(location)
        if found is None:
            return None
        named = dict(zip(self.placeholders, found.groups(), strict=True))
        values = tuple(named[k] for k in self.keys)
        if not self.order(values) or self.render({k: named[k] for k in self.keys}) != location:
            return None
        return values

    def order(self, values: Sequence[str]) -> tuple[int, ...]:
        """Positions of ``values`` in their columns' streams (empty: not a candidate)."""
        found = []
        for stream, value in zip(self.streams, values, strict=True):
            at = stream.position(value)
            if at is None:
                return ()
            found.append(at)
        return tuple(found)


def projected_layout(
    table: str,
    parameters: Mapping[str, str],
    partition_keys: Sequence[str],
    location: str,
    predicate: Predicate = TRUE,
    *,
    now: datetime,
    key_types: Mapping[str, str] | None = None,
    more_than: int,
) -> ProjectedLayout | None:
    """The candidates of :func:`project` (same arguments) as a :class:`ProjectedLayout`.

    None when there are ``more_than`` candidates or fewer, or when a location may not
    name its candidate unambiguously (a predicate across columns, a value that is not a
    whole path segment, a key missing from the template): then enumerate with
    :func:`project`.

    Raises:
        InvalidTableProperty, ConstraintViolation: as :func:`project`.

    >>> params = {"projection.enabled": "true", "projection.m.type": "integer",
    ...           "projection.m.range": "1,99", "projection.m.digits": "2"}
    >>> layout = projected_layout("db.t", params, ["m"], "s3://b/t/", now=datetime(2026, 1, 1),
    ...                           more_than=48)
    >>> layout.prefix, layout.match("s3://b/t/m=07/f.csv"), layout.match("s3://b/t/m=7/f.csv")
    ('s3://b/t/', ('07',), None)
    """
    streams = _streams(table, parameters, partition_keys, predicate, now, key_types or {})
    template = parameters.get("storage.location.template")
    parts = _template_parts(template) if template else _hive_parts(location, partition_keys)
    if not (_delimited(parts, partition_keys) and _separable(predicate, partition_keys)):
        return None
    firsts = {
        k: list(itertools.islice(s(), more_than + 1))
        for k, s in zip(partition_keys, streams, strict=True)
    }
    if math.prod(len(v) for v in firsts.values()) <= more_than:
        return None
    prefix = _shared_prefix(parts, firsts, more_than)
    if prefix is None or not all(s.slash_free() for s in streams):
        return None
    literal = "".join(parts[::2])
    return ProjectedLayout(
        prefix=prefix,
        regex=re.compile(
            "".join(re.escape(p) if i % 2 == 0 else "([^/]*)" for i, p in enumerate(parts)) + "/?"
        ),
        placeholders=tuple(parts[1::2]),
        keys=tuple(partition_keys),
        streams=tuple(streams),
        slashes=(literal.count("/") + 1, literal.count("/")),
        render=functools.partial(_location, location, template),
    )


def _delimited(parts: Sequence[str], keys: Sequence[str]) -> bool:
    """True when each key is one placeholder that ends its path segment, so a location
    reads back as values one way only.

    >>> _delimited(("s3://b/", "y", "/", "m", ""), ["y", "m"])
    True
    >>> _delimited(("s3://b/", "y", "-", "m", ""), ["y", "m"])  # "1-2-3": y=1 or y=1-2?
    False
    """
    placeholders = parts[1::2]
    return sorted(placeholders) == sorted(set(keys)) == sorted(keys) and all(
        parts[i + 1].startswith("/") or i + 2 == len(parts) for i in range(1, len(parts), 2)
    )


def _shared_prefix(
    parts: Sequence[str], firsts: Mapping[str, Sequence[str]], limit: int
) -> str | None:
    """The longest prefix ending at ``/`` of every candidate location: the template up to
    the first column with more than one value (None: every column has one value)."""
    fixed: list[str] = []
    for i, part in enumerate(parts):
        if i % 2 == 0:
            fixed.append(part)
            continue
        distinct = set(firsts[part])
        if len(distinct) > 1:
            text = "".join(fixed)
            return text[: text.rfind("/") + 1]
        if len(firsts[part]) > limit:  # one value repeated past the limit: cannot tell
            return None
        fixed.append(firsts[part][0])
    return None


def _hive_parts(location: str, keys: Sequence[str]) -> tuple[str, ...]:
    """Template parts of the default layout ``<location>/k1=v1/k2=v2/``.

    >>> _hive_parts("s3://b/t/", ["y", "m"])
    ('s3://b/t/y=', 'y', '/m=', 'm', '')
    """
    parts: list[str] = []
    for i, key in enumerate(keys):
        parts += [(location.rstrip("/") + "/" if i == 0 else "/") + f"{key}=", key]
    return (*parts, "")


def _separable(predicate: Predicate, keys: Sequence[str]) -> bool:
    """True when every top-level AND part filters one partition column on its own, so
    the candidates are exactly the product of each column's filtered values."""
    stack, known = [predicate], set(keys)
    while stack:
        part = stack.pop()
        if isinstance(part, And):
            stack.extend(part.parts)
        elif len(columns := columns_of(part)) != 1 or not columns <= known:
            return False
    return True


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

    def __init__(self, *, source: object, keep: Callable[[str], bool] | None = None) -> None:
        self._source = source
        self._keep = keep
        self._positions: dict[str, int] | None = None
        self._memo: dict[str, int | None] = {}

    def __call__(self) -> Iterator[str]:
        keep = self._keep
        for value in self._values():
            if keep is None or keep(value):
                yield value

    def _values(self) -> Iterable[str]:
        source = self._source() if callable(self._source) else self._source
        return source  # type: ignore[return-value]

    def position(self, value: str) -> int | None:
        """Where ``value`` comes in the source, or None when the stream never yields it."""
        if value not in self._memo:
            if isinstance(self._source, _IntegerRange):
                at = self._source.position(value)
            else:
                at = self._known().get(value)
            if at is not None and self._keep is not None and not self._keep(value):
                at = None
            self._memo[value] = at
        return self._memo[value]

    def slash_free(self) -> bool:
        """True when no value of the source contains ``/`` (it is one path segment)."""
        return isinstance(self._source, _IntegerRange) or not any("/" in v for v in self._known())

    def _known(self) -> dict[str, int]:
        if self._positions is None:
            positions: dict[str, int] = {}
            for i, value in enumerate(self._values()):
                positions.setdefault(value, i)
            self._positions = positions
        return self._positions


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


@dataclass(frozen=True)
class _IntegerRange:
    """``low..high`` by ``interval``, zero-padded to ``digits``; re-iterable. A value's
    position is found by arithmetic, as the range may be huge.

    >>> r = _IntegerRange(1, 12, 1, 2)
    >>> list(r)[:2], r.position("03"), r.position("3"), r.position("13")
    (['01', '02'], 2, None, None)
    """

    low: int
    high: int
    interval: int
    digits: int

    def format(self, n: int) -> str:
        return f"-{abs(n):0{self.digits}d}" if n < 0 else f"{n:0{self.digits}d}"

    def __iter__(self) -> Iterator[str]:
        return (self.format(n) for n in range(self.low, self.high + 1, self.interval))

    def position(self, value: str) -> int | None:
        try:
            n = int(value)
        except ValueError:
            return None
        if not self.low <= n <= self.high or (n - self.low) % self.interval:
            return None
        return (n - self.low) // self.interval if self.format(n) == value else None


def _integer_source(config: Mapping[str, str], exact: tuple[object, ...] | None) -> object:
    low_text, high_text = (s.strip() for s in config["range"].split(","))
    low, high = int(low_text), int(high_text)
    interval = int(config.get("interval", "1").strip())
    digits = int(config["digits"].strip()) if config.get("digits", "").strip() else 0
    if interval <= 0:
        raise ValueError("interval must be positive")
    numbers = _IntegerRange(low, high, interval, digits)
    if exact is not None:
        found = []
        for value in exact:
            try:
                n = int(str(value).strip())
            except ValueError:
                continue
            text = numbers.format(n)
            if low <= n <= high and (n - low) % interval == 0 and text not in found:
                found.append(text)
        return found
    return numbers


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
