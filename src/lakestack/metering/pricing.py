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


@dataclass(frozen=True, slots=True)
class BillLine:
    service: str
    operation: str
    dimension: str
    resource: str
    quantity: float
    unit: str
    usd: float


def price_rows(rows: list[UsageRow], prices: dict[str, Any] | None = None) -> list[BillLine]:
    """One bill line per usage row; rows with no price cost 0 and stay visible.

    >>> rows = [UsageRow("1", "us-east-1", "s3", "PutObject", "Requests-Tier1", "Requests",
    ...                  "b", 2000)]
    >>> price_rows(rows)[0].usd
    0.01
    """
    table = prices if prices is not None else load_prices()
    lines = []
    for row in rows:
        price = table.get(row.service, {}).get(row.dimension)
        usd = row.quantity * price["usd"] / price["per"] if price else 0.0
        lines.append(
            BillLine(
                row.service,
                row.operation,
                row.dimension,
                row.resource,
                row.quantity,
                row.unit,
                round(usd, 10),
            )
        )
    return lines


PER_RESOURCE = frozenset({"JobRun", "CrawlerRun", "StartQueryExecution"})
"""Operations whose bill lines are also broken down per resource: per Glue job and
crawler, per Athena work group."""


def _per_resource(lines: list[BillLine]) -> list[str]:
    by_resource: dict[str, tuple[float, float]] = {}
    for line in lines:
        qty, usd = by_resource.get(line.resource, (0.0, 0.0))
        by_resource[line.resource] = (qty + line.quantity, usd + line.usd)
    return [
        f"    {name:<52} {qty:>16,.0f} {'':<10} ${usd:>12.6f}"
        for name, (qty, usd) in sorted(by_resource.items())
    ]


def format_bill(lines: list[BillLine]) -> str:
    """A text bill grouped by service, then operation (Glue job runs and crawls also per
    job or crawler, Athena queries per work group), with totals.

    >>> rows = [UsageRow("1", "us-east-1", "glue", "JobRun", "DPU-Seconds", "DPU-Seconds",
    ...                  job, 3600) for job in ("a", "b")]
    >>> for line in format_bill(price_rows(rows)).splitlines():
    ...     print(" ".join(line.split()))
    glue $ 0.880000
    JobRun DPU-Seconds 7,200 DPU-Seconds $ 0.880000
    a 3,600 $ 0.440000
    b 3,600 $ 0.440000
    total $ 0.880000
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
            qty, usd = by_op.get(key, (0.0, 0.0))
            by_op[key] = (qty + line.quantity, usd + line.usd)
        for (op, dim, unit), (qty, usd) in sorted(by_op.items()):
            out.append(f"  {op:<34} {dim:<18} {qty:>16,.0f} {unit:<10} ${usd:>12.6f}")
            if op in PER_RESOURCE:
                out += _per_resource(
                    [x for x in mine if (x.operation, x.dimension, x.unit) == (op, dim, unit)]
                )
    out.append(f"{'total':<12} ${total:>12.6f}")
    return "\n".join(out)
