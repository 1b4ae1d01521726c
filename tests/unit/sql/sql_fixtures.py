"""Reads the ``tests/fixtures/sql`` case files (STYLE §11, §12.11).

A case starts with ``-- title: ...``, may carry ``-- doc: <url>`` lines, then the
statement, then ``-- expect:`` followed by one JSON array per expected row, or
``-- error:`` followed by the expected Athena ``StateChangeReason``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "sql"


@dataclass
class Case:
    title: str
    file: str
    sql: str = ""
    docs: list[str] = field(default_factory=list)
    rows: list[list[str | None]] | None = None
    error: str | None = None


def load_cases(directory: str) -> list[Case]:
    cases: list[Case] = []
    for path in sorted((FIXTURES / directory).glob("*.sql")):
        current: Case | None = None
        mode = "sql"
        for line in path.read_text().splitlines():
            if line.startswith("-- title:"):
                current = Case(line[len("-- title:") :].strip(), path.name)
                cases.append(current)
                mode = "sql"
            elif current is None:
                continue
            elif line.startswith("-- doc:"):
                current.docs.append(line[len("-- doc:") :].strip())
            elif line.strip() == "-- expect:":
                mode, current.rows = "rows", []
            elif line.strip() == "-- error:":
                mode = "error"
            elif not line.strip() or line.startswith("--"):
                continue
            elif mode == "sql":
                current.sql += line + "\n"
            elif mode == "rows":
                assert current.rows is not None
                current.rows.append(json.loads(line))
            else:
                current.error = line.strip()
    return cases
