"""Query result values as the text Athena returns (``VarCharValue``, CSV cells).

DuckDB hands back Python values; Athena (Trino) prints them its own way:
``true``, ``2.5``, ``1.0E20``, ``2020-03-01 00:01:26.000`` (timestamp(3)),
``[1, 2]``, ``{a=1, b=2}``. The Athena engine and the fixture tests use
:func:`to_athena_text` so both agree with what Trino's documentation shows.

Must not know: DuckDB connections, the catalog, HTTP.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal
from typing import Any


def _precision(athena_type: str | None, default: int = 3) -> int:
    m = re.search(r"timestamp\((\d+)\)", athena_type or "")
    return int(m.group(1)) if m else default


def _double(value: float) -> str:
    """Java's ``Double.toString``.

    >>> _double(2.5), _double(1e20), _double(0.0001), _double(3.0), _double(-12345678.9)
    ('2.5', '1.0E20', '1.0E-4', '3.0', '-1.23456789E7')
    """
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0 or 1e-3 <= abs(value) < 1e7:
        text = repr(value)
        return text if "." in text or "e" in text else text + ".0"
    sign, digits, exp = Decimal(repr(value)).as_tuple()
    text = "".join(map(str, digits))
    exponent = len(text) + int(exp) - 1
    text = text.rstrip("0") or "0"
    return f"{'-' if sign else ''}{text[0]}.{text[1:] or '0'}E{exponent}"


def _timestamp(value: dt.datetime, precision: int) -> str:
    text = value.strftime("%Y-%m-%d %H:%M:%S")
    if precision > 0:
        text += "." + f"{value.microsecond:06d}"[:precision].ljust(precision, "0")
    if value.tzinfo is not None:
        name = getattr(value.tzinfo, "key", None) or value.tzname() or "UTC"
        text += " " + name
    return text


def to_athena_text(value: Any, athena_type: str | None = None) -> str | None:
    """Render one result value as Athena prints it; None stays None (SQL NULL).

    >>> import datetime as dt
    >>> to_athena_text(True), to_athena_text(dt.datetime(2020, 3, 1, 0, 1, 26))
    ('true', '2020-03-01 00:01:26.000')
    >>> to_athena_text(dt.datetime(2020, 3, 1), "timestamp(0)")
    '2020-03-01 00:00:00'
    >>> to_athena_text([1, None, 2]), to_athena_text({"a": 1, "b": [2.5]})
    ('[1, null, 2]', '{a=1, b=[2.5]}')
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _double(value)
    if isinstance(value, int | Decimal | str):
        return str(value)
    if isinstance(value, dt.datetime):
        return _timestamp(value, _precision(athena_type))
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return " ".join(f"{b:02x}" for b in bytes(value))
    if isinstance(value, list | tuple):
        inner = _inner_type(athena_type, "array")
        return "[" + ", ".join(_nested(v, inner) for v in value) + "]"
    if isinstance(value, dict):
        return (
            "{"
            + ", ".join(f"{_nested(k, None)}={_nested(v, None)}" for k, v in value.items())
            + "}"
        )
    return str(value)


def _nested(value: Any, athena_type: str | None) -> str:
    text = to_athena_text(value, athena_type)
    return "null" if text is None else text


def _inner_type(athena_type: str | None, wrapper: str) -> str | None:
    if athena_type and athena_type.startswith(wrapper + "("):
        return athena_type[len(wrapper) + 1 : -1]
    return None
