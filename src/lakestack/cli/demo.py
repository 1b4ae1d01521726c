"""``lakestack demo``: the seed's data-lake pipeline, stage by stage, on an embedded endpoint.

Stage 1 (this release): land raw JSON events in the raw zone through boto3 and list
the zones. Later stages (Athena, Glue, Lambda, Step Functions, Redshift) extend it.
Uses only public surfaces: boto3 against the endpoint, then the bill.
"""

from __future__ import annotations

import json
import random
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

BUCKET = "lakestack-demo-dev-data"
ZONES = ("raw/", "staged/", "curated/", "aggregated/")
EVENT_TYPES = ("page_view", "click", "signup", "purchase", "logout")
EVENTS_PER_DAY = 5000
FILES_PER_DAY = 4


def generate_events(day: date, count: int, rng: random.Random) -> list[dict[str, Any]]:
    """``count`` app events spread over ``day``, deterministic for a given ``rng``."""
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    events = []
    for _ in range(count):
        at = start + timedelta(seconds=rng.randrange(86400))
        kind = rng.choice(EVENT_TYPES)
        events.append({
            "event_id": f"{rng.getrandbits(64):016x}",
            "user_id": f"u{rng.randrange(2000):05d}",
            "event_type": kind,
            "event_time": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "payload": json.dumps({"amount": round(rng.uniform(1, 200), 2)}
                                  if kind == "purchase" else {"page": f"/p/{rng.randrange(50)}"}),
        })
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
            chunk = events[i * per_file:(i + 1) * per_file]
            body = "".join(json.dumps(e) + "\n" for e in chunk).encode()
            s3.put_object(Bucket=BUCKET, Key=f"{prefix}events-{i:04d}.json", Body=body,
                          ContentType="application/json")
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
        lines.append(f"  s3://{BUCKET}/{zone:<12} {count:>5} objects {size / 1e6:>8.2f} MB "
                     f"in {len(partitions)} partitions")
    return lines


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
        print("\n    zones:")
        print("\n".join(describe_zones(s3)))
        print(f"\nWhat this would have cost on AWS (us-east-1), done in "
              f"{time.perf_counter() - t0:.1f}s:")
        print(format_bill(price_rows(emu.usage())))
    finally:
        emu.stop()
    return 0
