"""``lakestack query "SQL"``: run one Athena query and print rows, bytes scanned and cost.

Talks to a running endpoint when there is one, else to an embedded one on the data
dir. Uses only boto3 against the endpoint, as any user would.
"""

from __future__ import annotations

import itertools
import sys
import time
from typing import Any

BYTES_PER_TB = 10**12
MB = 10**6
RESULTS_BUCKET = "lakestack-query-results"


def athena_cost(scanned: int) -> float:
    """Athena's price for one query: $5/TB, rounded up to the MB, 10 MB minimum; a query
    that read nothing (``SELECT 1``) is not charged, as the engine meters it.

    >>> athena_cost(0), athena_cost(1), round(athena_cost(10**9), 6)
    (0.0, 5e-05, 0.005)
    """
    if scanned <= 0:
        return 0.0
    billable_mb = max(-(-scanned // MB), 10)
    return 5.0 * billable_mb * MB / BYTES_PER_TB


def default_output(athena: Any, s3: Any, workgroup: str) -> str | None:
    """``None`` when the work group has a result location, else a bucket of our own."""
    wg = athena.get_work_group(WorkGroup=workgroup)["WorkGroup"]
    if wg.get("Configuration", {}).get("ResultConfiguration", {}).get("OutputLocation"):
        return None
    if RESULTS_BUCKET not in {b["Name"] for b in s3.list_buckets().get("Buckets", [])}:
        s3.create_bucket(Bucket=RESULTS_BUCKET)
    return f"s3://{RESULTS_BUCKET}/"


def run_query(
    athena: Any,
    sql: str,
    database: str | None,
    workgroup: str,
    output: str | None,
    spinner: bool = True,
) -> dict[str, Any]:
    """Start ``sql``, wait for it (with a spinner on a terminal) and return its execution."""
    kwargs: dict[str, Any] = {"QueryString": sql, "WorkGroup": workgroup}
    if database:
        kwargs["QueryExecutionContext"] = {"Database": database}
    if output:
        kwargs["ResultConfiguration"] = {"OutputLocation": output}
    qid = athena.start_query_execution(**kwargs)["QueryExecutionId"]
    frames = itertools.cycle("|/-\\")
    started = time.monotonic()
    while True:
        execution = athena.get_query_execution(QueryExecutionId=qid)["QueryExecution"]
        if execution["Status"]["State"] in ("SUCCEEDED", "FAILED", "CANCELLED"):
            if spinner:
                sys.stderr.write("\r" + " " * 40 + "\r")
            return dict(execution)
        if spinner and time.monotonic() - started > 0.5:
            sys.stderr.write(
                f"\r{next(frames)} {execution['Status']['State'].lower()} "
                f"{time.monotonic() - started:.1f}s"
            )
            sys.stderr.flush()
        time.sleep(0.02)


def fetch_rows(athena: Any, qid: str) -> list[list[str | None]]:
    rows: list[list[str | None]] = []
    for page in athena.get_paginator("get_query_results").paginate(QueryExecutionId=qid):
        rows += [[d.get("VarCharValue") for d in r["Data"]] for r in page["ResultSet"]["Rows"]]
    return rows


def format_table(rows: list[list[str | None]]) -> str:
    if not rows:
        return "(no rows)"
    cells = [["NULL" if v is None else v for v in r] for r in rows]
    widths = [max(len(r[i]) for r in cells if i < len(r)) for i in range(len(cells[0]))]
    lines = [" | ".join(v.ljust(w) for v, w in zip(r, widths, strict=False)) for r in cells]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def print_result(athena: Any, execution: dict[str, Any]) -> int:
    status = execution["Status"]
    stats = execution.get("Statistics", {})
    if status["State"] != "SUCCEEDED":
        print(f"{status['State']}: {status.get('StateChangeReason', '')}", file=sys.stderr)
        return 1
    print(format_table(fetch_rows(athena, execution["QueryExecutionId"])))
    scanned = int(stats.get("DataScannedInBytes", 0))
    cost = athena_cost(scanned) if execution.get("StatementType") == "DML" else 0.0
    print(
        f"\n{scanned:,} bytes scanned in {stats.get('TotalExecutionTimeInMillis', 0)} ms "
        f"-> ${cost:.6f} on Athena (id {execution['QueryExecutionId']})"
    )
    return 0
