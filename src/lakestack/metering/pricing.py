"""Prices usage rows from the data tables in ``prices/``. Pure functions, no I/O but the
table load.

Knows price arithmetic, not how usage was produced.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from lakestack.metering.meter import UsageRow


@lru_cache(maxsize=4)
def load_prices(name: str = "aws-us-east-1") -> dict[str, Any]:
    text = resources.files("lakestack.metering").joinpath(f"prices/{name}.json").read_text()
    table: dict[str, Any] = json.loads(text)
    return table


def usd(
    service: str, dimension: str, quantity: float, prices: dict[str, Any] | None = None
) -> float:
    """What ``quantity`` of a usage dimension costs (0 when the table has no price).

    >>> usd("glue", "DPU-Seconds", 6000)
    0.7333333333
    """
    table = prices if prices is not None else load_prices()
    price = table.get(service, {}).get(dimension)
    return round(quantity * price["usd"] / price["per"], 10) if price else 0.0


@dataclass(frozen=True, slots=True)
class BillLine:
    service: str
    operation: str
    dimension: str
    resource: str
    quantity: float
    unit: str
    usd: float
    notes: tuple[tuple[str, int], ...] = ()
    """Why the quantity is what it is: (text, how many records said so)."""


def price_rows(rows: list[UsageRow], prices: dict[str, Any] | None = None) -> list[BillLine]:
    """One bill line per usage row; rows with no price cost 0 and stay visible.

    >>> rows = [UsageRow("1", "us-east-1", "s3", "PutObject", "Requests-Tier1", "Requests",
    ...                  "b", 2000)]
    >>> price_rows(rows)[0].usd
    0.01
    """
    table = prices if prices is not None else load_prices()
    return [
        BillLine(
            row.service,
            row.operation,
            row.dimension,
            row.resource,
            row.quantity,
            row.unit,
            usd(row.service, row.dimension, row.quantity, table),
            row.notes,
        )
        for row in rows
    ]


PER_RESOURCE = frozenset({"JobRun", "CrawlerRun", "StartQueryExecution"})
"""Operations whose bill lines are also broken down per resource: per Glue job and
crawler, per Athena work group."""


def _per_resource(lines: list[BillLine]) -> list[str]:
    by_resource: dict[str, tuple[float, float]] = {}
    notes: dict[str, dict[str, int]] = {}
    for line in lines:
        qty, cost = by_resource.get(line.resource, (0.0, 0.0))
        by_resource[line.resource] = (qty + line.quantity, cost + line.usd)
        mine = notes.setdefault(line.resource, {})
        for text, count in line.notes:
            mine[text] = mine.get(text, 0) + count
    out = []
    for name, (qty, cost) in sorted(by_resource.items()):
        out.append(f"    {name:<52} {qty:>16,.0f} {'':<10} ${cost:>12.6f}")
        out += [f"      {_times(count)}{text}" for text, count in sorted(notes[name].items())]
    return out


def _times(count: int) -> str:
    """
    >>> _times(1), _times(3)
    ('', '3 x ')
    """
    return f"{count} x " if count > 1 else ""


def format_bill(lines: list[BillLine]) -> str:
    """A text bill grouped by service, then operation (Glue job runs and crawls also per
    job or crawler with the notes saying why each costs what it does, Athena queries per
    work group), with totals.

    >>> rows = [UsageRow("1", "us-east-1", "glue", "JobRun", "DPU-Seconds", "DPU-Seconds",
    ...                  job, 3600) for job in ("a", "b")]
    >>> rows.append(UsageRow("1", "us-east-1", "glue", "JobRun", "DPU-Seconds",
    ...     "DPU-Seconds", "c", 6000, (("10 DPU x 10-minute minimum (Glue 0.9)", 1),)))
    >>> for line in format_bill(price_rows(rows)).splitlines():
    ...     print(" ".join(line.split()))
    glue $ 1.613333
    JobRun DPU-Seconds 13,200 DPU-Seconds $ 1.613333
    a 3,600 $ 0.440000
    b 3,600 $ 0.440000
    c 6,000 $ 0.733333
    10 DPU x 10-minute minimum (Glue 0.9)
    total $ 1.613333
    """
    out: list[str] = []
    total = 0.0
    for service in sorted({line.service for line in lines}):
        mine = [line for line in lines if line.service == service]
        sub = sum(line.usd for line in mine)
        total += sub
        out.append(f"{service:<12} ${sub:>12.6f}")
        by_op: dict[tuple[str, str, str], tuple[float, float]] = {}
        for line in mine:
            key = (line.operation, line.dimension, line.unit)
            qty, cost = by_op.get(key, (0.0, 0.0))
            by_op[key] = (qty + line.quantity, cost + line.usd)
        for (op, dim, unit), (qty, cost) in sorted(by_op.items()):
            out.append(f"  {op:<34} {dim:<18} {qty:>16,.0f} {unit:<10} ${cost:>12.6f}")
            if op in PER_RESOURCE:
                out += _per_resource(
                    [x for x in mine if (x.operation, x.dimension, x.unit) == (op, dim, unit)]
                )
    out.append(f"{'total':<12} ${total:>12.6f}")
    return "\n".join(out)
