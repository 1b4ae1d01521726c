"""Java ``DateTimeFormatter`` patterns, the subset partition projection's ``date`` type
uses (``projection.<col>.format``): format a moment, parse a value, and the pattern's
finest unit (the default ``interval.unit``).

Pure; used by :mod:`lakestack.sql.projection`.

Must not know: the catalog, S3, DuckDB, sqlglot.
"""

from __future__ import annotations

import re
from datetime import datetime


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
