"""``lakestack demo``: the seed's data-lake pipeline, stage by stage, on an embedded endpoint.

1. land raw JSON events in the raw zone through boto3;
2. curate them into a Hive-partitioned Parquet table (pyarrow for now; a Glue job later);
3. create the seed's projected Athena table verbatim and ask one question with and
   without partition filters, showing bytes scanned and cost side by side.
Later stages (Glue, Lambda, Step Functions, Redshift) extend it. Uses only public
surfaces: boto3 against the endpoint, then the bill.
"""

from __future__ import annotations

import json
import random
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

BUCKET = "lakestack-demo-dev-data"
RESULTS_BUCKET = "lakestack-demo-dev-athena-results"
RESULTS = f"s3://{RESULTS_BUCKET}/"
SEED_COLUMNS = ("event_id", "user_id", "event_type", "payload")
# The seed's "Partition Projection" DDL, verbatim but for the bucket name.
SEED_EVENTS_DDL = """CREATE EXTERNAL TABLE events (
    event_id STRING,
    user_id STRING,
    event_type STRING,
    payload STRING
)
PARTITIONED BY (year STRING, month STRING, day STRING)
ROW FORMAT SERDE 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe'
STORED AS PARQUET
LOCATION 's3://bucket/curated/table=events/'
TBLPROPERTIES (
    'projection.enabled' = 'true',
    'projection.year.type' = 'integer',
    'projection.year.range' = '2020,2030',
    'projection.month.type' = 'integer',
    'projection.month.range' = '1,12',
    'projection.month.digits' = '2',
    'projection.day.type' = 'integer',
    'projection.day.range' = '1,31',
    'projection.day.digits' = '2',
    'storage.location.template' =
        's3://bucket/curated/table=events/year=${year}/month=${month}/day=${day}'
);"""
ZONES = ("raw/", "staged/", "curated/", "aggregated/")
EVENT_TYPES = ("page_view", "click", "signup", "purchase", "logout")
EVENTS_PER_DAY = 5000
FILES_PER_DAY = 4


def seed_events_ddl() -> str:
    return SEED_EVENTS_DDL.replace("s3://bucket/", f"s3://{BUCKET}/")


def generate_events(day: date, count: int, rng: random.Random) -> list[dict[str, Any]]:
    """``count`` app events spread over ``day``, deterministic for a given ``rng``."""
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    events = []
    for _ in range(count):
        at = start + timedelta(seconds=rng.randrange(86400))
        kind = rng.choice(EVENT_TYPES)
        events.append(
            {
                "event_id": f"{rng.getrandbits(64):016x}",
                "user_id": f"u{rng.randrange(2000):05d}",
                "event_type": kind,
                "event_time": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "payload": json.dumps(
                    {"amount": round(rng.uniform(1, 200), 2)}
                    if kind == "purchase"
                    else {"page": f"/p/{rng.randrange(50)}"}
                ),
            }
        )
    events.sort(key=lambda e: e["event_time"])
    return events


def land_raw_events(s3: Any, days: list[date], rng: random.Random) -> tuple[int, int, int]:
    """Write each day's events as newline-delimited JSON under the Hive-style raw path."""
    objects = rows = size = 0
    for day in days:
        events = generate_events(day, EVENTS_PER_DAY, rng)
        per_file = -(-len(events) // FILES_PER_DAY)
        prefix = f"raw/source=app/year={day:%Y}/month={day:%m}/day={day:%d}/"
        for i in range(FILES_PER_DAY):
            chunk = events[i * per_file : (i + 1) * per_file]
            body = "".join(json.dumps(e) + "\n" for e in chunk).encode()
            s3.put_object(
                Bucket=BUCKET,
                Key=f"{prefix}events-{i:04d}.json",
                Body=body,
                ContentType="application/json",
            )
            objects, rows, size = objects + 1, rows + len(chunk), size + len(body)
    return objects, rows, size


def describe_zones(s3: Any) -> list[str]:
    lines = []
    paginator = s3.get_paginator("list_objects_v2")
    for zone in ZONES:
        count = size = 0
        partitions: set[str] = set()
        for page in paginator.paginate(Bucket=BUCKET, Prefix=zone):
            for obj in page.get("Contents", []):
                count += 1
                size += obj["Size"]
                partitions.add(obj["Key"].rsplit("/", 1)[0])
        lines.append(
            f"  s3://{BUCKET}/{zone:<12} {count:>5} objects {size / 1e6:>8.2f} MB "
            f"in {len(partitions)} partitions"
        )
    return lines


def curate_to_parquet(s3: Any, days: list[date]) -> tuple[int, int]:
    """Raw JSON -> ``curated/table=events/year=/month=/day=/`` snappy Parquet, the seed's
    four columns (the Glue job of a later stage does the same)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    files = size = 0
    for day in days:
        raw = f"raw/source=app/year={day:%Y}/month={day:%m}/day={day:%d}/"
        rows: list[dict[str, Any]] = []
        for obj in s3.list_objects_v2(Bucket=BUCKET, Prefix=raw).get("Contents", []):
            body = s3.get_object(Bucket=BUCKET, Key=obj["Key"])["Body"].read()
            rows += [json.loads(line) for line in body.splitlines() if line.strip()]
        table = pa.table({c: [r[c] for r in rows] for c in SEED_COLUMNS})
        sink = pa.BufferOutputStream()
        pq.write_table(table, sink, compression="snappy")
        data = sink.getvalue().to_pybytes()
        key = (
            f"curated/table=events/year={day:%Y}/month={day:%m}/day={day:%d}/"
            "part-00000.snappy.parquet"
        )
        s3.put_object(Bucket=BUCKET, Key=key, Body=data)
        files, size = files + 1, size + len(data)
    return files, size


def athena_run(athena: Any, sql: str, database: str | None = None) -> dict[str, Any]:
    from lakestack.cli.query import run_query

    execution = run_query(athena, sql, database, "primary", RESULTS, spinner=False)
    if execution["Status"]["State"] != "SUCCEEDED":
        raise RuntimeError(f"{sql[:60]}...: {execution['Status'].get('StateChangeReason')}")
    return execution


def compare_partition_pruning(athena: Any, day: date) -> list[str]:
    """The same answer with and without partition filters: bytes scanned and cost."""
    from lakestack.cli.query import athena_cost, fetch_rows

    pruned_sql = (
        "SELECT event_type, count(*) AS events FROM events "
        f"WHERE year = '{day:%Y}' AND month = '{day:%m}' AND day = '{day:%d}' "
        "GROUP BY event_type ORDER BY event_type"
    )
    full_sql = (
        "SELECT year, month, day, event_type, count(*) AS events FROM events "
        "GROUP BY year, month, day, event_type"
    )
    pruned = athena_run(athena, pruned_sql, "demo")
    full = athena_run(athena, full_sql, "demo")
    answer = fetch_rows(athena, pruned["QueryExecutionId"])[1:]
    from_full = sorted(
        [r[3], r[4]]
        for r in fetch_rows(athena, full["QueryExecutionId"])[1:]
        if (r[0], r[1], r[2]) == (f"{day:%Y}", f"{day:%m}", f"{day:%d}")
    )
    same = "same answer" if answer == from_full else "DIFFERENT ANSWERS"
    b_pruned = pruned["Statistics"]["DataScannedInBytes"]
    b_full = full["Statistics"]["DataScannedInBytes"]
    return [
        f"    events by type on {day}: {', '.join(f'{t}={n}' for t, n in answer)} ({same})",
        f"    with partition filters:    {b_pruned:>10,} bytes scanned  "
        f"${athena_cost(b_pruned):.6f}",
        f"    without partition filters: {b_full:>10,} bytes scanned  "
        f"${athena_cost(b_full):.6f}  ({b_full / max(b_pruned, 1):.0f}x the data)",
        "    (Athena bills at least 10 MB a query; at 1 TB a day the unfiltered query over a "
        "year costs 365x the filtered one)",
    ]


def run_demo(data_dir: Path | None, days: int = 3) -> int:
    from lakestack.emulator import Emulator
    from lakestack.metering.pricing import format_bill, price_rows

    t0 = time.perf_counter()
    emu = Emulator(data_dir, temporary=data_dir is None, port=0).start()
    try:
        print(f"lakestack demo: endpoint {emu.endpoint_url}, data dir {emu.config.data_dir}")
        s3 = emu.client("s3")
        existing = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
        if BUCKET not in existing:
            s3.create_bucket(Bucket=BUCKET)
        print(f"\n[1] raw zone: landing {days} days x {EVENTS_PER_DAY} JSON events through boto3")
        today = datetime.now(UTC).date()
        day_list = [today - timedelta(days=d) for d in range(days, 0, -1)]
        objects, rows, size = land_raw_events(s3, day_list, random.Random(42))
        print(f"    wrote {objects} objects, {rows} events, {size / 1e6:.2f} MB")
        print("\n[2] curated zone: raw JSON -> partitioned snappy Parquet (pyarrow)")
        files, size = curate_to_parquet(s3, day_list)
        print(f"    wrote {files} Parquet files, {size / 1e6:.2f} MB")
        print("\n    zones:")
        print("\n".join(describe_zones(s3)))

        print("\n[3] Athena: the seed's projected table, one question asked two ways")
        athena = emu.client("athena")
        if RESULTS_BUCKET not in {b["Name"] for b in s3.list_buckets().get("Buckets", [])}:
            s3.create_bucket(Bucket=RESULTS_BUCKET)
        athena_run(athena, "CREATE DATABASE IF NOT EXISTS demo")
        athena_run(athena, "DROP TABLE IF EXISTS events", "demo")
        athena_run(athena, seed_events_ddl(), "demo")
        print("\n".join(compare_partition_pruning(athena, day_list[-1])))
        print(
            f"\nWhat this would have cost on AWS (us-east-1), done in "
            f"{time.perf_counter() - t0:.1f}s:"
        )
        print(format_bill(price_rows(emu.usage())))
    finally:
        emu.stop()
    return 0
