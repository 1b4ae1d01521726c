"""Scalar wire conversions shared by the protocol parsers and serializers.

Owns timestamp reading/writing in the three AWS formats (iso8601, rfc822,
unixTimestamp), boolean text, and XML text escaping. Knows no shapes and no
services: callers decide which format a member uses.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_NUMERIC = re.compile(r"^-?\d+(\.\d+)?$")
# XML 1.0 cannot carry most C0 controls; S3 writes them (and CR, which parsers
# would normalise away) as character references, so keys round-trip.
_XML_SPECIAL = re.compile('[&<>"\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]')
_XML_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#13;"}


class TimestampError(ValueError):
    """A timestamp string in none of the formats AWS uses."""


def to_utc(value: Any) -> datetime:
    """Coerce a datetime (naive means UTC), epoch number or ISO string to aware UTC.

    >>> to_utc(0).isoformat()
    '1970-01-01T00:00:00+00:00'
    """
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC)
    return parse_timestamp(str(value))


def parse_timestamp(value: str | int | float) -> datetime:
    """Read any AWS wire timestamp (epoch seconds, ISO 8601, RFC 822) as aware UTC.

    >>> parse_timestamp("2024-02-03T04:05:06.500Z").isoformat()
    '2024-02-03T04:05:06.500000+00:00'
    >>> parse_timestamp("Sat, 03 Feb 2024 04:05:06 GMT").isoformat()
    '2024-02-03T04:05:06+00:00'
    >>> parse_timestamp("1706933106").isoformat()
    '2024-02-03T04:05:06+00:00'
    """
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC)
    text = value.strip()
    if _NUMERIC.match(text):
        return datetime.fromtimestamp(float(text), UTC)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError) as exc:
            raise TimestampError(f"invalid timestamp {value!r}") from exc
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def format_iso8601(value: Any) -> str:
    """ISO 8601 with milliseconds, the form S3 and the query services send.

    >>> format_iso8601(datetime(2024, 2, 3, 4, 5, 6, 789000))
    '2024-02-03T04:05:06.789Z'
    """
    dt = to_utc(value)
    return (
        f"{dt.year:04d}-{dt.month:02d}-{dt.day:02d}T{dt.hour:02d}:{dt.minute:02d}:"
        f"{dt.second:02d}.{dt.microsecond // 1000:03d}Z"
    )


def format_rfc822(value: Any) -> str:
    """RFC 822 date as used in HTTP headers (second precision).

    >>> format_rfc822(datetime(2024, 2, 3, 4, 5, 6))
    'Sat, 03 Feb 2024 04:05:06 GMT'
    """
    dt = to_utc(value)
    return (
        f"{_WEEKDAYS[dt.weekday()]}, {dt.day:02d} {_MONTHS[dt.month - 1]} {dt.year:04d} "
        f"{dt.hour:02d}:{dt.minute:02d}:{dt.second:02d} GMT"
    )


def format_epoch(value: Any) -> int | float:
    """Epoch seconds; an int when whole, else rounded to milliseconds.

    >>> format_epoch(datetime(1970, 1, 1, 0, 0, 1, 500000)), format_epoch(0)
    (1.5, 0)
    """
    dt = to_utc(value)
    seconds = calendar.timegm(dt.utctimetuple())
    if dt.microsecond:
        return round(seconds + dt.microsecond / 1_000_000, 3)
    return seconds


def format_timestamp(value: Any, fmt: str) -> str | int | float:
    """Write ``value`` in the model's ``timestampFormat`` (case-insensitive)."""
    fmt = fmt.lower()
    if fmt == "unixtimestamp":
        return format_epoch(value)
    if fmt == "rfc822":
        return format_rfc822(value)
    return format_iso8601(value)


def parse_bool(text: str) -> bool:
    """AWS booleans on the wire are ``true``/``false`` (any case).

    >>> parse_bool("True"), parse_bool("false")
    (True, False)
    """
    lowered = text.strip().lower()
    if lowered == "true":
        return True
    if lowered == "false":
        return False
    raise ValueError(f"invalid boolean {text!r}")


def format_bool(value: Any) -> str:
    return "true" if value else "false"


def _xml_ref(match: re.Match[str]) -> str:
    char = match.group()
    return _XML_ENTITIES.get(char) or f"&#x{ord(char):X};"


def xml_escape(text: str) -> str:
    """Escape text for an XML element or attribute, S3-style for control characters.

    >>> xml_escape('a<b & "c"\\x01')
    'a&lt;b &amp; &quot;c&quot;&#x1;'
    """
    if _XML_SPECIAL.search(text) is None:
        return text
    return _XML_SPECIAL.sub(_xml_ref, text)
