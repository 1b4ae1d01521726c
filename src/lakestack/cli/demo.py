"""``lakestack demo``: the seed's data-lake pipeline, stage by stage, on an embedded endpoint.

"The seed" is the reference document of data-lake patterns lakestack follows (raw JSON
in a Hive-partitioned raw zone -> a Glue PySpark job -> partitioned snappy Parquet in the
curated zone -> Athena with partition projection); the demo runs its code verbatim.

1. land raw JSON events (February 2026, the month the seed's Glue script reads) in the
   raw zone through boto3 and catalog them with Athena DDL + ``MSCK REPAIR TABLE``;
2. curate them with the seed's Glue script as a Glue job (CreateJob/StartJobRun on real
   Spark): verbatim it fails as it would on Glue (its ApplyMapping drops the partition
   columns it then partitions by); with the partition columns mapped and a
   ``transformation_ctx`` it writes partitioned snappy Parquet; a day of new data later,
   the job bookmark makes the next run read only the new files;
3. create the seed's projected Athena table verbatim and ask one question with and
   without partition filters, showing bytes scanned and cost side by side.
Later stages (Lambda, Step Functions, Redshift) extend it. Uses only public surfaces:
boto3 against the endpoint, then the bill.
"""

from __future__ import annotations

import json
import logging
import random
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from lakestack.metering.pricing import load_prices

BUCKET = "lakestack-demo-dev-data"
RESULTS_BUCKET = "lakestack-demo-dev-athena-results"
RESULTS = f"s3://{RESULTS_BUCKET}/"
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
FIRST_DAY = date(2026, 2, 1)  # the seed's Glue script reads year='2026' AND month='02'
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
                "timestamp": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "payload": json.dumps(
                    {"amount": round(rng.uniform(1, 200), 2)}
                    if kind == "purchase"
                    else {"page": f"/p/{rng.randrange(50)}"}
                ),
            }
        )
    events.sort(key=lambda e: e["timestamp"])
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


RAW_EVENTS_DDL = """CREATE EXTERNAL TABLE raw_events (
    event_id STRING,
    user_id STRING,
    event_type STRING,
    `timestamp` STRING,
    payload STRING
)
PARTITIONED BY (year STRING, month STRING, day STRING)
ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'
LOCATION 's3://{bucket}/raw/source=app/'"""
SCRIPT_KEY = "scripts/curate_events.py"
ROLE = "arn:aws:iam::000000000000:role/lakestack-demo-glue"
# The two fixes the seed's script needs: map the partition columns it partitions by, and
# name its source so the job bookmark can track it.
PARTITION_MAPPINGS = (
    '        ("timestamp", "string", "event_ts", "timestamp"),\n',
    '        ("timestamp", "string", "event_ts", "timestamp"),\n'
    '        ("year", "string", "year", "string"),\n'
    '        ("month", "string", "month", "string"),\n'
    '        ("day", "string", "day", "string"),\n',
)
TRANSFORMATION_CTX = (
    "    push_down_predicate=\"year='2026' AND month='02'\"  # Partition pruning\n",
    "    push_down_predicate=\"year='2026' AND month='02'\",  # Partition pruning\n"
    '    transformation_ctx="source_frame",\n',
)


def seed_glue_script() -> str:
    """The seed's "PySpark Job Pattern" Glue script, verbatim."""
    from importlib import resources

    return resources.files("lakestack.cli").joinpath("seed_glue_job.txt").read_text()


def fixed_glue_script() -> str:
    script = seed_glue_script()
    for old, new in (PARTITION_MAPPINGS, TRANSFORMATION_CTX):
        if old not in script:
            raise RuntimeError(f"the seed's Glue script changed; cannot apply fix {old!r}")
        script = script.replace(old, new)
    return script


def catalog_raw_zone(athena: Any) -> None:
    athena_run(athena, "DROP TABLE IF EXISTS raw_events", "demo")
    athena_run(athena, RAW_EVENTS_DDL.format(bucket=BUCKET), "demo")
    athena_run(athena, "MSCK REPAIR TABLE raw_events", "demo")


def run_glue_job(emu: Any, glue: Any, name: str, script: str, bookmarks: bool) -> dict[str, Any]:
    """(Re)define job ``name`` with ``script`` and run it to the end."""
    s3 = emu.client("s3")
    s3.put_object(Bucket=BUCKET, Key=f"{SCRIPT_KEY}", Body=script.encode())
    arguments = {
        "--SOURCE_DATABASE": "demo",
        "--SOURCE_TABLE": "raw_events",
        "--OUTPUT_PATH": f"s3://{BUCKET}/curated/table=events/",
        "--job-bookmark-option": ("job-bookmark-enable" if bookmarks else "job-bookmark-disable"),
    }
    definition = {
        "Role": ROLE,
        "GlueVersion": "4.0",
        "WorkerType": "G.1X",
        "NumberOfWorkers": 2,
        "DefaultArguments": arguments,
        "Command": {"Name": "glueetl", "ScriptLocation": f"s3://{BUCKET}/{SCRIPT_KEY}"},
    }
    try:
        glue.create_job(Name=name, **definition)
    except glue.exceptions.AlreadyExistsException:
        glue.update_job(JobName=name, JobUpdate=definition)
    run_id = glue.start_job_run(JobName=name)["JobRunId"]
    while True:
        run = glue.get_job_run(JobName=name, RunId=run_id)["JobRun"]
        if run["JobRunState"] in ("SUCCEEDED", "FAILED", "TIMEOUT", "STOPPED", "ERROR"):
            return dict(run)
        time.sleep(0.1)


def curated_keys(s3: Any) -> set[str]:
    paginator = s3.get_paginator("list_objects_v2")
    return {
        o["Key"]
        for page in paginator.paginate(Bucket=BUCKET, Prefix="curated/table=events/")
        for o in page.get("Contents", [])
    }


EXPECTED_FAILURE = (
    "    run 1 runs the seed's script verbatim and is expected to FAIL, as it would on Glue:",
    "      its ApplyMapping keeps only the fields it maps (event_id, user_id, event_type,",
    "      timestamp -> event_ts), so the partition columns year/month/day are gone when",
    '      the write asks for partitionKeys ["year", "month", "day"].',
)


def glue_stage(
    emu: Any, days: list[date], new_day: date, rng: random.Random, run_ids: list[str]
) -> list[str]:
    """The seed's Glue job three times: verbatim, fixed, and again after new data; the
    runs' ids are appended to ``run_ids``."""
    price = load_prices()["glue"]["DPU-Seconds"]

    def glue_cost(dpu_seconds: float) -> float:
        return float(dpu_seconds) * float(price["usd"]) / float(price["per"])

    glue, s3 = emu.client("glue"), emu.client("s3")
    print("\n".join(EXPECTED_FAILURE), flush=True)
    lines = []
    run = run_glue_job(emu, glue, "curate-events", seed_glue_script(), bookmarks=False)
    run_ids.append(run["Id"])
    lines += [
        f"    run 1, the seed's script verbatim: {run['JobRunState']} "
        f"after {run['ExecutionTime']}s"
        + (" (as expected)" if run["JobRunState"] == "FAILED" else ""),
        f"      ErrorMessage: {run.get('ErrorMessage', '')[:300]}",
        "    fix: map year/month/day as well, and give the source a transformation_ctx so "
        "the job bookmark can track it",
    ]
    glue.delete_job(JobName="curate-events")
    run = run_glue_job(emu, glue, "curate-events", fixed_glue_script(), bookmarks=True)
    run_ids.append(run["Id"])
    written = curated_keys(s3)
    lines.append(
        f"    run 2, fixed, bookmarks enabled: {run['JobRunState']} after "
        f"{run['ExecutionTime']}s: {len(written)} Parquet objects, "
        f"{run['DPUSeconds']:.0f} DPU-seconds (${glue_cost(run['DPUSeconds']):.4f})"
    )
    if run["JobRunState"] != "SUCCEEDED":
        raise RuntimeError(f"the fixed Glue job failed: {run.get('ErrorMessage')}")
    land_raw_events(s3, [new_day], rng)
    athena_run(emu.client("athena"), "MSCK REPAIR TABLE raw_events", "demo")
    run = run_glue_job(emu, glue, "curate-events", fixed_glue_script(), bookmarks=True)
    run_ids.append(run["Id"])
    new = curated_keys(s3) - written
    folders = sorted({k.rsplit("/", 1)[0].split("table=events/")[1] for k in new})
    lines.append(
        f"    landed {new_day}; run 3: {run['JobRunState']}: the bookmark skipped the "
        f"{FILES_PER_DAY * len(days)} files already processed, {len(new)} new objects "
        f"only in {', '.join(folders)}"
    )
    return lines


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
    run_ids: list[str] = []
    # The Glue engine logs failed runs with their log paths; the demo reports them
    # itself, at the end, and only those that outlive it.
    quiet = logging.NullHandler()
    logging.getLogger("lakestack").addHandler(quiet)
    emu = Emulator(data_dir, temporary=data_dir is None, port=0).start()
    kept = emu.config.data_dir
    try:
        print(f"lakestack demo: endpoint {emu.endpoint_url}, data dir {emu.config.data_dir}")
        s3 = emu.client("s3")
        existing = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
        if BUCKET not in existing:
            s3.create_bucket(Bucket=BUCKET)
        print(f"\n[1] raw zone: landing {days} days x {EVENTS_PER_DAY} JSON events through boto3")
        day_list = [FIRST_DAY + timedelta(days=d) for d in range(days)]
        rng = random.Random(42)
        objects, rows, size = land_raw_events(s3, day_list, rng)
        print(f"    wrote {objects} objects, {rows} events, {size / 1e6:.2f} MB")
        athena = emu.client("athena")
        if RESULTS_BUCKET not in {b["Name"] for b in s3.list_buckets().get("Buckets", [])}:
            s3.create_bucket(Bucket=RESULTS_BUCKET)
        athena_run(athena, "CREATE DATABASE IF NOT EXISTS demo")
        catalog_raw_zone(athena)
        print("    catalogued as demo.raw_events (Athena DDL + MSCK REPAIR TABLE)")
        print("\n[2] curated zone: the seed's Glue job (PySpark) via CreateJob/StartJobRun")
        new_day = day_list[-1] + timedelta(days=1)
        print("\n".join(glue_stage(emu, day_list, new_day, rng, run_ids)))
        day_list.append(new_day)
        print("\n    zones:")
        print("\n".join(describe_zones(s3)))

        print("\n[3] Athena: the seed's projected table, one question asked two ways")
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
        logging.getLogger("lakestack").removeHandler(quiet)
    print("\n".join(run_logs(kept, run_ids, temporary=data_dir is None)))
    return 0


def run_logs(data_dir: Path, run_ids: list[str], temporary: bool) -> list[str]:
    """The Glue runs' stdout/stderr files that still exist now that the demo has ended."""
    paths = sorted(
        p
        for run_id in run_ids
        for p in data_dir.glob(f"**/job-runs/{run_id}/*")
        if p.is_file() and p.stat().st_size > 0
    )
    if paths:
        return ["\nGlue run logs (kept in the data dir):", *(f"  {p}" for p in paths)]
    if temporary:
        return [
            "\n(the demo ran in a temporary data dir, now removed; "
            "`lakestack demo --data-dir DIR` keeps the lake and the Glue runs' logs)"
        ]
    return []
