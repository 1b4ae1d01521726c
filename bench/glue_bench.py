"""Glue ETL benchmark suite: the seed's PySpark job over one month of events.

The job is the "PySpark Job Pattern" of the seed skill document
(``tests/fixtures/seed/data-aws-skill.md``), verbatim except that ApplyMapping also
maps the three partition columns (without them the partitioned write fails, by design).
Its input is February 2026 of the Athena suite's events (28 days x 54,795 rows =
1,534,260 rows; 3 days x 50,000 with ``--quick``) with the seed's source columns
``event_id, user_id, event_type, timestamp`` (an ISO string), 1% of event types null,
as one snappy Parquet file per day under ``year=/month=/day=`` folders.  It is generated
once with DuckDB into ``bench/.data/`` and PUT into lakestack's S3, then registered
with ``glue.create_table`` + ``batch_create_partition``.

Measured (wall clock):

* lakestack (``Emulator(temporary=True, port=0)`` in this process, boto3): CreateJob
  (glueetl, Glue 4.0, 2 x G.1X), StartJobRun with a fresh ``--OUTPUT_PATH``, then
  GetJobRun every 50 ms until a final state.  ``cold``: StartJobRun right after CreateJob
  (which pre-starts a Spark driver in the background), with nothing else running;
  ``warm``: later runs on the same driver; ``fail``: the seed script verbatim on the warm
  driver (it must FAIL naming year, month, day); ``first``: a second emulator whose
  pre-started driver is ready before its first run.
* plain PySpark: the same read/prune/cast/filter/partitioned snappy write in a
  SparkSession of this process (its start timed apart), reading the local files.
* plain DuckDB: ``COPY (SELECT ...) TO dir (FORMAT parquet, PARTITION_BY ...)``.

After the cold run and each engine's first run, the warm runs go in rounds that
alternate the engine order, so load from elsewhere on the machine hits all three.
Every output's rows per partition must agree.  Report on stdout, JSON under
``bench/results/``, each lakestack run's stdout/stderr under ``bench/results/logs/``.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import statistics
import tempfile
import time
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
from lake_data import DATA_DIR, EVENT_TYPES, USERS, DayFile, Lake, partition_key, salted
from s3_bench import fmt, git_revision, machine_info, warn_if_busy
from targets import BENCH_DIR, LOGS_DIR

REPO = BENCH_DIR.parent
SEED_DOC = REPO / "tests" / "fixtures" / "seed" / "data-aws-skill.md"
SEED_START = "import sys\nfrom awsglue.transforms import *"
MAPPING_FIX = (
    '        ("timestamp", "string", "event_ts", "timestamp"),\n',
    '        ("timestamp", "string", "event_ts", "timestamp"),\n'
    '        ("year", "string", "year", "string"),\n'
    '        ("month", "string", "month", "string"),\n'
    '        ("day", "string", "day", "string"),\n',
)
ROLE = "arn:aws:iam::000000000000:role/bench-glue"
BUCKET = "bench-glue"
DATABASE = "raw"
TABLE = "events"
RAW_PREFIX = "raw/events/"
SOURCE_COLUMNS = ("event_id", "user_id", "event_type", "timestamp")
PARTITION_KEYS = ("year", "month", "day")
PARQUET_STORAGE = {
    "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
    "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
    "SerdeInfo": {
        "SerializationLibrary": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
    },
}
FINAL_STATES = ("SUCCEEDED", "FAILED", "STOPPED", "TIMEOUT", "ERROR", "EXPIRED")
POLL_S = 0.05
NULL_PERCENT = 1
RAW_VERSION = 1
NOT_BENCHMARKED = {
    "moto": "moto's Glue records job runs but runs no script",
    "ministack": "ministack runs no Glue ETL (Spark) scripts",
    "ceiling": "the ceiling server has no Glue",
}

Counts = dict[tuple[str, str, str], int]


# --------------------------------------------------------------------------- configuration


@dataclass(frozen=True)
class RawSpec:
    """The raw month: first day, days and rows per day (row numbers as the year lake's)."""

    first_day: date
    days: int
    rows_per_day: int

    @property
    def name(self) -> str:
        return f"glue-raw-{self.first_day:%Y%m%d}-{self.days}d-{self.rows_per_day}r-v{RAW_VERSION}"

    @property
    def total_rows(self) -> int:
        return self.days * self.rows_per_day

    def day_list(self) -> list[date]:
        return [self.first_day + timedelta(days=i) for i in range(self.days)]

    def first_row(self, day: date) -> int:
        """Row number of the day's first row in a lake starting on 1 January."""
        return (day - date(day.year, 1, 1)).days * self.rows_per_day


@dataclass(frozen=True)
class Limits:
    """Input size, repetitions and time caps for one run."""

    raw: RawSpec
    warm_runs: int
    run_timeout_s: float
    driver_ready_timeout_s: float
    first_run_phase: bool


FULL = Limits(RawSpec(date(2026, 2, 1), 28, 54_795), 5, 900, 300, True)
QUICK = Limits(RawSpec(date(2026, 2, 1), 3, 50_000), 1, 300, 300, True)


# --------------------------------------------------------------------------- the input


def raw_select_sql(day: date, first_row: int, rows: int) -> str:
    """One day of raw events: the year lake's ids and types (1% null), an ISO timestamp."""
    types = ", ".join(f"'{t}'" for t in EVENT_TYPES)
    event_type = f"[{types}][1 + CAST({salted(2)} % {len(EVENT_TYPES)} AS INTEGER)]"
    return f"""
        SELECT
            printf('%016x', hash(i)) AS event_id,
            'u' || lpad(CAST({salted(1)} % {USERS} AS VARCHAR), 6, '0') AS user_id,
            CASE WHEN {salted(7)} % 100 < {NULL_PERCENT} THEN NULL ELSE {event_type} END
                AS event_type,
            strftime(DATE '{day.isoformat()}' + to_seconds(CAST({salted(8)} % 86400 AS BIGINT)),
                '%Y-%m-%dT%H:%M:%SZ') AS "timestamp"
        FROM range({first_row}, {first_row + rows}) AS t(i)
    """


def ensure_raw(spec: RawSpec, data_dir: Path = DATA_DIR) -> Lake:
    """The cached raw month for ``spec``, written with one COPY per day on first use."""
    root = data_dir / spec.name
    manifest = root / "_manifest.json"  # "_": Spark skips it when listing the folder
    if not manifest.exists():
        print(f"  generating {spec.total_rows:,} raw rows into {root} (once) ...", flush=True)
        shutil.rmtree(root, ignore_errors=True)
        con = duckdb.connect()
        try:
            for day in spec.day_list():
                target = root / partition_key(day)
                target.parent.mkdir(parents=True, exist_ok=True)
                select = raw_select_sql(day, spec.first_row(day), spec.rows_per_day)
                con.execute(f"COPY ({select}) TO '{target}' (FORMAT parquet)")
        finally:
            con.close()
        files = [
            {
                "year": f"{d:%Y}",
                "month": f"{d:%m}",
                "day": f"{d:%d}",
                "relative_key": partition_key(d),
                "size": (root / partition_key(d)).stat().st_size,
            }
            for d in spec.day_list()
        ]
        manifest.write_text(json.dumps({"name": spec.name, "files": files}, indent=1))
    entries = json.loads(manifest.read_text())["files"]
    return Lake(spec, root, [DayFile(**entry) for entry in entries])  # type: ignore[arg-type]


def expected_counts(lake: Lake) -> Counts:
    """Rows with a non-null event type, per (year, month, day): what every output must hold."""
    con = duckdb.connect()
    try:
        out = {}
        for f in lake.files:
            path = str(lake.path(f)).replace("'", "''")
            (count,) = con.execute(f"SELECT count(event_type) FROM '{path}'").fetchall()[0]
            out[(f.year, f.month, f.day)] = int(count)
        return out
    finally:
        con.close()


def seed_script(with_partition_mappings: bool) -> str:
    """The seed's "PySpark Job Pattern", verbatim or with the three partition mappings."""
    text = SEED_DOC.read_text()
    for block in re.findall(r"```[a-z]*\n(.*?)```", text, re.S):
        if block.startswith(SEED_START):
            script = block.rstrip("\n") + "\n"
            if with_partition_mappings:
                assert MAPPING_FIX[0] in script, "the seed's ApplyMapping changed"
                script = script.replace(*MAPPING_FIX)
            return script
    raise LookupError(f"no seed code block starts with {SEED_START!r}")


def table_input(location: str) -> dict[str, Any]:
    """The raw table: the seed's four string columns, partitioned by year/month/day."""
    return {
        "Name": TABLE,
        "TableType": "EXTERNAL_TABLE",
        "Parameters": {"classification": "parquet"},
        "PartitionKeys": [{"Name": k, "Type": "string"} for k in PARTITION_KEYS],
        "StorageDescriptor": {
            "Columns": [{"Name": c, "Type": "string"} for c in SOURCE_COLUMNS],
            "Location": location,
            **PARQUET_STORAGE,
        },
    }


def partition_inputs(lake: Lake, location: str) -> list[dict[str, Any]]:
    """One PartitionInput per day file, with its folder as location."""
    columns = [{"Name": c, "Type": "string"} for c in SOURCE_COLUMNS]
    return [
        {
            "Values": [f.year, f.month, f.day],
            "StorageDescriptor": {
                "Columns": columns,
                "Location": f"{location}year={f.year}/month={f.month}/day={f.day}/",
                **PARQUET_STORAGE,
            },
        }
        for f in lake.files
    ]


# --------------------------------------------------------------------------- outputs


def hive_partition(path: str) -> tuple[str, str, str]:
    """``(year, month, day)`` of a path inside a Hive-partitioned output.

    >>> hive_partition("out/year=2026/month=02/day=07/part-0.snappy.parquet")
    ('2026', '02', '07')
    """
    parts = dict(p.split("=", 1) for p in path.split("/") if "=" in p)
    return parts["year"], parts["month"], parts["day"]


def local_counts(root: Path) -> Counts:
    """Rows per partition of the Parquet files below ``root`` (from the footers)."""
    out: Counts = {}
    for path in sorted(root.rglob("*.parquet")):
        if path.name.startswith((".", "_")):
            continue
        key = hive_partition(str(path.relative_to(root)))
        out[key] = out.get(key, 0) + pq.ParquetFile(path).metadata.num_rows
    return out


def s3_counts(s3: Any, bucket: str, prefix: str) -> tuple[Counts, list[str]]:
    """Rows per partition of the Parquet objects under ``prefix``, and their keys."""
    out: Counts = {}
    keys: list[str] = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for obj in page.get("Contents", []):
            keys.append(obj["Key"])
            if not obj["Key"].endswith(".parquet"):
                continue
            body = s3.get_object(Bucket=bucket, Key=obj["Key"])["Body"].read()
            part = hive_partition(obj["Key"][len(prefix) :])
            out[part] = out.get(part, 0) + pq.ParquetFile(io.BytesIO(body)).metadata.num_rows
    return out, keys


# --------------------------------------------------------------------------- plain DuckDB


def duckdb_sql(lake: Lake, out_dir: Path) -> str:
    """The job as one DuckDB COPY: same columns, casts, filters and partitioned output."""
    files = ", ".join("'" + str(lake.path(f)).replace("'", "''") + "'" for f in lake.files)
    hive_types = "{'year': VARCHAR, 'month': VARCHAR, 'day': VARCHAR}"
    return (
        "COPY (SELECT event_id, user_id, event_type, "
        'CAST("timestamp" AS TIMESTAMP) AS event_ts, year, month, day '
        f"FROM read_parquet([{files}], hive_partitioning = true, hive_types = {hive_types}) "
        "WHERE year = '2026' AND month = '02' AND event_type IS NOT NULL) "
        f"TO '{out_dir}' (FORMAT parquet, PARTITION_BY (year, month, day), "
        "COMPRESSION snappy)"
    )


def run_duckdb(con: duckdb.DuckDBPyConnection, lake: Lake, out_dir: Path) -> float:
    """One timed COPY into a fresh ``out_dir``."""
    shutil.rmtree(out_dir, ignore_errors=True)
    sql = duckdb_sql(lake, out_dir)
    started = time.perf_counter()
    con.execute(sql)
    return time.perf_counter() - started


# --------------------------------------------------------------------------- plain PySpark


def start_spark() -> tuple[Any, float]:
    """A local SparkSession with lakestack's Glue settings; and how long it took."""
    from awsglue import _spark

    started = time.perf_counter()
    session = _spark.spark_session(app_name="bench-plain-pyspark")
    session.sparkContext.setLogLevel("ERROR")
    return session, time.perf_counter() - started


def run_pyspark(spark: Any, lake: Lake, out_dir: Path) -> float:
    """The job in plain PySpark: read, prune, cast, filter, partitioned snappy write."""
    from pyspark.sql import functions as F  # noqa: N812

    shutil.rmtree(out_dir, ignore_errors=True)
    files = [str(lake.path(f)) for f in lake.files]
    started = time.perf_counter()
    frame = (
        spark.read.option("basePath", str(lake.root))
        .parquet(*files)
        .where("year = '2026' AND month = '02'")
        .select(
            F.col("event_id").cast("string").alias("event_id"),
            F.col("user_id").cast("string").alias("user_id"),
            F.col("event_type").cast("string").alias("event_type"),
            F.col("timestamp").cast("timestamp").alias("event_ts"),
            "year",
            "month",
            "day",
        )
        .where(F.col("event_type").isNotNull())
    )
    frame.write.mode("overwrite").option("compression", "snappy").partitionBy(
        *PARTITION_KEYS
    ).parquet(str(out_dir))
    return time.perf_counter() - started


# --------------------------------------------------------------------------- lakestack


@dataclass
class JobOutcome:
    """One job run as boto3 sees it."""

    run_id: str
    seconds: float
    state: str
    error: str | None
    to_running_s: float | None
    execution_time: int | None
    output: str


class Lakestack:
    """One in-process emulator with the raw month loaded and cataloged."""

    def __init__(self, lake: Lake, run_timeout_s: float) -> None:
        from lakestack.emulator import Emulator

        self.emu = Emulator(temporary=True, port=0).start()
        self.s3 = self.emu.client("s3")
        self.glue = self.emu.client("glue")
        self.timeout_s = run_timeout_s
        self.outputs = 0
        self.logs: dict[str, str] = {}
        try:
            self._load(lake)
        except BaseException:
            self.emu.stop()
            raise

    def _load(self, lake: Lake) -> None:
        """Untimed: bucket, the day files, the two scripts, database, table, partitions."""
        self.s3.create_bucket(Bucket=BUCKET)
        for f in lake.files:
            body = lake.path(f).read_bytes()
            self.s3.put_object(Bucket=BUCKET, Key=RAW_PREFIX + f.relative_key, Body=body)
        for name, fixed in (("seed_fixed", True), ("seed_verbatim", False)):
            script = seed_script(fixed).encode()
            self.s3.put_object(Bucket=BUCKET, Key=f"scripts/{name}.py", Body=script)
        location = f"s3://{BUCKET}/{RAW_PREFIX}"
        self.glue.create_database(DatabaseInput={"Name": DATABASE})
        self.glue.create_table(DatabaseName=DATABASE, TableInput=table_input(location))
        inputs = partition_inputs(lake, location)
        for start in range(0, len(inputs), 100):
            done = self.glue.batch_create_partition(
                DatabaseName=DATABASE,
                TableName=TABLE,
                PartitionInputList=inputs[start : start + 100],
            )
            assert not done.get("Errors"), done["Errors"]

    def create_job(self, name: str, script: str) -> None:
        """CreateJob: glueetl, Glue 4.0, 2 x G.1X, the seed's three arguments."""
        self.glue.create_job(
            Name=name,
            Role=ROLE,
            GlueVersion="4.0",
            WorkerType="G.1X",
            NumberOfWorkers=2,
            Command={"Name": "glueetl", "ScriptLocation": f"s3://{BUCKET}/scripts/{script}.py"},
            DefaultArguments={
                "--SOURCE_DATABASE": DATABASE,
                "--SOURCE_TABLE": TABLE,
                "--OUTPUT_PATH": f"s3://{BUCKET}/curated/default/",
            },
        )

    def run(self, job: str) -> JobOutcome:
        """StartJobRun with a fresh OUTPUT_PATH, then GetJobRun every 50 ms until final."""
        self.outputs += 1
        output = f"curated/run-{self.outputs}/"
        started = time.perf_counter()
        run_id = self.glue.start_job_run(
            JobName=job, Arguments={"--OUTPUT_PATH": f"s3://{BUCKET}/{output}"}
        )["JobRunId"]
        to_running = None
        while True:
            run = self.glue.get_job_run(JobName=job, RunId=run_id)["JobRun"]
            state = run["JobRunState"]
            if to_running is None and state != "STARTING":
                to_running = time.perf_counter() - started
            if state in FINAL_STATES:
                break
            if time.perf_counter() - started > self.timeout_s:
                raise TimeoutError(f"{job} run {run_id} still {state} after {self.timeout_s}s")
            time.sleep(POLL_S)
        seconds = time.perf_counter() - started
        self._keep_logs(job, run_id)
        return JobOutcome(
            run_id,
            seconds,
            state,
            run.get("ErrorMessage"),
            to_running,
            run.get("ExecutionTime"),
            output,
        )

    def _keep_logs(self, job: str, run_id: str) -> None:
        """Copy the run's stdout/stderr to bench/results/logs (the data dir is temporary)."""
        run_dir = self.emu.config.data_dir / "glue" / "job-runs" / run_id
        LOGS_DIR.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
        for stream in ("stdout", "stderr"):
            source = run_dir / stream
            if source.exists():
                target = LOGS_DIR / f"glue-{stamp}-{job}-{run_id[:12]}.{stream}"
                shutil.copyfile(source, target)
                self.logs[f"{run_id}.{stream}"] = str(target.relative_to(REPO))

    def wait_driver_ready(self, timeout_s: float) -> float | None:
        """Seconds until the pre-started Spark driver reports ready (peeks at the engine's
        driver pool; None when that is not visible, and then waits ``timeout_s``)."""
        idle = getattr(getattr(self.emu.glue, "_drivers", None), "_idle", None)
        started = time.perf_counter()
        if not isinstance(idle, dict):
            time.sleep(timeout_s)
            return None
        while time.perf_counter() - started < timeout_s:
            if any(getattr(d, "ready", False) for group in idle.values() for d in group):
                return time.perf_counter() - started
            time.sleep(0.1)
        raise TimeoutError(f"no Spark driver ready after {timeout_s:.0f}s")

    def stop(self) -> None:
        self.emu.stop()


# --------------------------------------------------------------------------- measuring


@dataclass
class Results:
    """Every timing (seconds) and check of one suite run."""

    lakestack: dict[str, list[float]] = field(default_factory=dict)
    pyspark: dict[str, list[float]] = field(default_factory=dict)
    duckdb: dict[str, list[float]] = field(default_factory=dict)
    counts: dict[str, Counts] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    orders: list[list[str]] = field(default_factory=list)

    def add(self, engine: str, key: str, seconds: float) -> None:
        getattr(self, engine).setdefault(key, []).append(seconds)
        print(f"  {engine} {key}: {seconds:.2f} s", flush=True)

    def fail(self, what: str, exc: BaseException) -> None:
        message = f"{what} failed: {type(exc).__name__}: {exc}"[:1500]
        self.errors.append(message)
        print(f"  ! {message}", flush=True)


class Engines:
    """The three engines, each doing the job once per call into a fresh output."""

    def __init__(self, lake: Lake, limits: Limits, work: Path, results: Results) -> None:
        self.lake, self.limits, self.work, self.results = lake, limits, work, results
        self.stack: Lakestack | None = None
        self.spark: Any = None
        self.con = duckdb.connect()
        self.runs: list[dict[str, Any]] = []

    def lakestack(self, kind: str) -> float:
        """One run of the fixed seed job that must succeed; kept in ``runs``."""
        assert self.stack is not None
        outcome = self.stack.run("seed-fixed")
        self.runs.append({"kind": kind, **asdict(outcome)})
        if outcome.state != "SUCCEEDED":
            raise RuntimeError(f"lakestack {kind} run {outcome.state}: {outcome.error}")
        if kind == "cold" and outcome.to_running_s is not None:
            self.results.add("lakestack", "cold_to_running", outcome.to_running_s)
        return outcome.seconds

    def pyspark(self, kind: str) -> float:
        return run_pyspark(self.spark, self.lake, self.work / "pyspark")

    def duckdb(self, kind: str) -> float:
        return run_duckdb(self.con, self.lake, self.work / "duckdb")

    def timed(self, name: str, kind: str) -> bool:
        """Run engine ``name`` once and record it; False (recorded) when it failed."""
        try:
            self.results.add(name, kind, getattr(self, name)(kind))
            return True
        except Exception as exc:  # noqa: BLE001 - recorded, the other engines go on
            self.results.fail(f"{name} {kind} run", exc)
            return False

    def close(self) -> None:
        self.results.details["lakestack_runs"] = self.runs
        if self.spark is not None:
            self.spark.stop()
        if self.stack is not None:
            self.results.details["lakestack_logs"] = dict(self.stack.logs)
            self.stack.stop()
        self.con.close()


def measure(with_lakestack: bool, lake: Lake, limits: Limits, work: Path, results: Results) -> None:
    """lakestack's cold run alone; first runs; warm rounds in alternating order; the
    failing run; outputs counted; then (second emulator) a first run on a ready driver."""
    engines = Engines(lake, limits, work, results)
    try:
        live = ["lakestack"] if with_lakestack and start_lakestack(engines) else []
        live += [*(["pyspark"] if start_plain_spark(engines) else []), "duckdb"]
        live = [n for n in live if n == "lakestack" or engines.timed(n, "first")]
        for index in range(limits.warm_runs):
            order = live if index % 2 == 0 else live[::-1]
            results.orders.append(order)
            live = [n for n in order if engines.timed(n, "warm")]
        if "lakestack" in live:
            failing_run(engines)
        count_outputs(engines, live)
    finally:
        engines.close()
    if with_lakestack and limits.first_run_phase:
        measure_first_run(lake, limits, results)


def start_lakestack(engines: Engines) -> bool:
    """Emulator up and loaded (untimed), CreateJob, then StartJobRun at once: the cold run."""
    print("- lakestack: loading the raw month (untimed)", flush=True)
    try:
        engines.stack = Lakestack(engines.lake, engines.limits.run_timeout_s)
        engines.stack.create_job("seed-fixed", "seed_fixed")
    except Exception as exc:  # noqa: BLE001 - recorded; the plain engines still run
        engines.results.fail("lakestack setup", exc)
        return False
    print("- lakestack: cold run (StartJobRun right after CreateJob)", flush=True)
    return engines.timed("lakestack", "cold")


def start_plain_spark(engines: Engines) -> bool:
    """The bench's own SparkSession (its start timed apart); False (recorded) on failure."""
    print("- plain PySpark: starting a SparkSession", flush=True)
    try:
        engines.spark, start_s = start_spark()
    except Exception as exc:  # noqa: BLE001 - recorded; the other engines still run
        engines.results.fail("plain PySpark session start", exc)
        return False
    engines.results.add("pyspark", "session_start", start_s)
    return True


def failing_run(engines: Engines) -> None:
    """The seed script verbatim on the warm driver: it must FAIL naming year, month, day."""
    assert engines.stack is not None
    engines.stack.create_job("seed-verbatim", "seed_verbatim")
    outcome = engines.stack.run("seed-verbatim")
    engines.results.add("lakestack", "fail", outcome.seconds)
    engines.runs.append({"kind": "fail", **asdict(outcome)})
    if outcome.state != "FAILED" or "year, month, day" not in (outcome.error or ""):
        engines.results.errors.append(f"the verbatim seed run did not fail as expected: {outcome}")


def count_outputs(engines: Engines, live: list[str]) -> None:
    """Rows per partition of each engine's last output."""
    results = engines.results
    if "pyspark" in live:
        results.counts["pyspark"] = local_counts(engines.work / "pyspark")
    if "duckdb" in live:
        results.counts["duckdb"] = local_counts(engines.work / "duckdb")
    if "lakestack" in live and engines.stack is not None:
        last = [r for r in engines.runs if r["kind"] in ("cold", "warm")][-1]
        counts, keys = s3_counts(engines.stack.s3, BUCKET, last["output"])
        results.counts["lakestack"] = counts
        results.details["lakestack_output_keys"] = [*keys[:3], f"... {len(keys)} objects"]


def measure_first_run(lake: Lake, limits: Limits, results: Results) -> None:
    """A fresh emulator: CreateJob, wait until its pre-started driver is ready, run once."""
    print("- lakestack: first run on an already started driver (second emulator)", flush=True)
    try:
        stack = Lakestack(lake, limits.run_timeout_s)
    except Exception as exc:  # noqa: BLE001
        results.fail("lakestack (second emulator) setup", exc)
        return
    try:
        stack.create_job("seed-fixed", "seed_fixed")
        results.details["driver_start_s"] = stack.wait_driver_ready(limits.driver_ready_timeout_s)
        outcome = stack.run("seed-fixed")
        results.details["lakestack_first_run"] = asdict(outcome)
        if outcome.state != "SUCCEEDED":
            raise RuntimeError(f"{outcome.state}: {outcome.error}")
        results.add("lakestack", "first", outcome.seconds)
    except Exception as exc:  # noqa: BLE001
        results.fail("lakestack first run (second emulator)", exc)
    finally:
        results.details["lakestack_first_logs"] = dict(stack.logs)
        stack.stop()


# --------------------------------------------------------------------------- report


def median(values: list[float] | None) -> float | None:
    return statistics.median(values) if values else None


def ratio_text(a: float | None, b: float | None) -> str:
    """``a / b`` as ``1.23x``, or n/a.

    >>> ratio_text(3.0, 2.0), ratio_text(None, 1.0)
    ('1.50x', 'n/a')
    """
    if a is None or b is None or b == 0:
        return "n/a"
    return f"{a / b:.2f}x"


def seconds_cell(value: float | None) -> str:
    return "n/a" if value is None else fmt(value)


def medians(runs: dict[str, list[float]]) -> dict[str, float | None]:
    """The median of each measure, plus ``warm_min``: the fastest warm run.

    >>> medians({"warm": [3.0, 1.0, 2.0]})
    {'warm': 2.0, 'warm_min': 1.0}
    """
    out = {key: median(values) for key, values in runs.items()}
    out["warm_min"] = min(runs["warm"]) if runs.get("warm") else None
    return out


def summary(results: Results) -> dict[str, dict[str, float | None]]:
    """Per engine and measure, in seconds (``cold`` for the plain engines is their
    session start plus their first run)."""
    ls, sp, dd = medians(results.lakestack), medians(results.pyspark), medians(results.duckdb)
    if sp.get("session_start") is not None and sp.get("first") is not None:
        sp["cold"] = sp["session_start"] + sp["first"]  # type: ignore[operator]
    dd["cold"] = dd.get("first")
    return {"lakestack": ls, "pyspark": sp, "duckdb": dd}


ROWS = (
    ("cold", "Cold: first run incl. Spark start (lakestack: StartJobRun right after CreateJob)"),
    ("first", "First run, Spark already started"),
    ("warm", "Warm: later runs, median"),
    ("warm_min", "Warm: fastest run"),
    ("fail", "Failing run (seed verbatim, warm driver)"),
)


def results_table(sums: dict[str, dict[str, float | None]], warm_runs: int) -> str:
    """Markdown: one row per measure, seconds per engine, then the two ratios."""
    header = [
        "Run",
        "lakestack s",
        "plain PySpark s",
        "plain DuckDB s",
        "lakestack/PySpark",
        "lakestack/DuckDB",
    ]
    rows = [header, ["---"] * len(header)]
    for key, text in ROWS:
        mine = sums["lakestack"].get(key)
        spark, duck = sums["pyspark"].get(key), sums["duckdb"].get(key)
        if key == "warm":
            text = f"Warm: later runs, median of {warm_runs}"
        rows.append(
            [
                text,
                seconds_cell(mine),
                seconds_cell(spark),
                seconds_cell(duck),
                ratio_text(mine, spark),
                ratio_text(mine, duck),
            ]
        )
    return "\n".join("| " + " | ".join(row) + " |" for row in rows)


def count_checks(results: Results, expected: Counts) -> list[str]:
    """Each output against the expected rows per partition; ``ok`` lines or mismatches."""
    total = sum(expected.values())
    lines = []
    for engine in ("lakestack", "pyspark", "duckdb"):
        got = results.counts.get(engine)
        if got is None:
            lines.append(f"{engine}: not measured")
        elif got == expected:
            lines.append(f"{engine}: ok ({len(got)} partitions, {total:,} rows)")
        else:
            diff = {k: (got.get(k), v) for k, v in expected.items() if got.get(k) != v}
            extra = sorted(set(got) - set(expected))
            lines.append(
                f"{engine}: MISMATCH ({sum(got.values()):,} rows vs {total:,}); "
                f"(got, want) {dict(list(diff.items())[:3])} extra {extra[:3]}"
            )
    return lines


def target_check(sums: dict[str, dict[str, float | None]]) -> str:
    mine, spark = sums["lakestack"].get("warm"), sums["pyspark"].get("warm")
    if mine is None or spark is None:
        return "lakestack warm ≤ 1.5x plain PySpark: n/a"
    factor = mine / spark
    met = "met" if factor <= 1.5 else "NOT met"
    measured = f"{fmt(mine)} s / {fmt(spark)} s = {factor:.2f}x"
    return f"lakestack warm ≤ 1.5x plain PySpark: {measured}, {met}"


def print_report(results: Results, limits: Limits, expected: Counts) -> list[str]:
    """Tables and checks on stdout; returns the check lines."""
    sums = summary(results)
    print(f"\nGlue ETL, {limits.raw.total_rows:,} raw rows ({limits.raw.days} days), seconds:\n")
    print(results_table(sums, limits.warm_runs))
    extra = [
        f"lakestack cold: {fmt(sums['lakestack'].get('cold_to_running'))} s until RUNNING "
        "(waiting for the pre-started driver)",
        f"lakestack second emulator: driver ready {fmt(results.details.get('driver_start_s'))} s "
        "after CreateJob",
        f"plain PySpark session start (not in 'first'/'warm'): "
        f"{fmt(sums['pyspark'].get('session_start'))} s",
    ]
    checks = [*count_checks(results, expected), target_check(sums), *results.errors]
    print("\n" + "\n".join(extra))
    print("\nChecks:\n" + "\n".join(f"  {line}" for line in checks))
    return checks


def write_json(
    path: Path, limits: Limits, lake: Lake, results: Results, extra: dict[str, Any]
) -> None:
    """Machine, limits, input, every time, the summary, counts and run details as JSON."""
    payload = {
        "suite": "glue",
        "machine": machine_info(),
        "limits": json.loads(json.dumps(asdict(limits), default=str)),
        "raw": {"root": str(lake.root), "files": len(lake.files), "bytes": lake.total_bytes},
        "seconds": {"lakestack": results.lakestack, "pyspark": results.pyspark},
        "duckdb_seconds": results.duckdb,
        "summary": summary(results),
        "round_orders": results.orders,
        "counts": {k: {"/".join(p): n for p, n in v.items()} for k, v in results.counts.items()},
        "details": results.details,
        **extra,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2, default=str))


# --------------------------------------------------------------------------- main


def main(target_names: list[str], quick: bool, rounds: int | None = None) -> int:
    """Run the Glue suite; returns a process exit code."""
    limits = QUICK if quick else FULL
    if rounds is not None:
        limits = replace(limits, warm_runs=max(1, rounds))
    load_before = warn_if_busy()
    for name in target_names:
        if name in NOT_BENCHMARKED:
            print(f"- {name}: skipped: {NOT_BENCHMARKED[name]}", flush=True)
    names = [n for n in target_names if n == "lakestack"]
    mode = "quick" if quick else "full"
    print(f"Glue ETL benchmark ({mode}): {', '.join(names)} + plain PySpark + DuckDB", flush=True)
    lake = ensure_raw(limits.raw)
    expected = expected_counts(lake)
    results = Results()
    with tempfile.TemporaryDirectory(prefix="bench-glue-") as work:
        measure("lakestack" in names, lake, limits, Path(work), results)
    checks = print_report(results, limits, expected)
    stamp = datetime.now().strftime("%Y-%m-%dT%H%M%S")
    out = BENCH_DIR / "results" / f"glue-{stamp}{'-quick' if quick else ''}.json"
    extra = {
        "checks": checks,
        "expected_rows": sum(expected.values()),
        "loadavg_1min": {"before": load_before, "after": os.getloadavg()[0]},
        "git": git_revision(),
    }
    write_json(out, limits, lake, results, extra)
    print(f"\nJSON: {out.relative_to(REPO)}")
    failed = results.errors or any("MISMATCH" in line for line in checks)
    return 1 if failed else 0
