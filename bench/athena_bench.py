"""Athena benchmark suite: SQL over a Parquet events lake, end to end through boto3.

The lake (``bench/lake_data.py``) is 365 days x 54,795 rows (20.0M rows, one
Parquet file per day, Hive folders ``year=/month=/day=``), or 30 x 50k with
``--quick``.  Each SQL target gets the lake through S3 PUTs (untimed), a work
group with an output location, a database and two tables created with the
seed's ``CREATE EXTERNAL TABLE events ...`` (partition projection): ``events``
over the whole lake and ``events_small`` over a 30-day slice of the same
files (7 days with ``--quick``).

Queries, each timed like a user sees it: ``start_query_execution``, then
``get_query_execution`` at once and every 20 ms until a final state, then
every ``get_query_results`` page:

* ``day``        one-day GROUP BY on ``events``        (partition filters)
* ``day_small``  the same query on ``events_small``    (flatness check)
* ``year``       the same GROUP BY without filters     (full scan)

The baseline is raw DuckDB in this process on the same files: the one day's
file for the day query, an explicit list of every file for the year query.
Targets run in alternating order over rounds; the report gives p50 and p90
over all repetitions, ``DataScannedInBytes``, the issue's targets and JSON
under ``bench/results/``.  moto runs no SQL and is not benchmarked.
"""

from __future__ import annotations

import json
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import boto3
import duckdb
from botocore.client import BaseClient
from botocore.config import Config
from botocore.exceptions import ClientError
from lake_data import Lake, LakeSpec, column_chunk_bytes, ensure_lake
from s3_bench import bounded_loop, fmt, git_revision, machine_info, round_order, warn_if_busy
from targets import (
    BENCH_DIR,
    HOST,
    Launch,
    Server,
    TargetSpec,
    ensure_venv,
    launch_ministack,
    peer_version,
    prepare_lakestack,
    s3_client,
)

from lakestack.cli.demo import SEED_EVENTS_DDL

BUCKET = "bench-lake"
DATABASE = "lake"
WORKGROUP = "bench"
OUTPUT_LOCATION = f"s3://{BUCKET}/athena-results/"
TABLE_PREFIXES = {"events": "curated/table=events/", "events_small": "curated/table=events_small/"}
POLL_INTERVAL_S = 0.02
TERMINAL_STATES = ("SUCCEEDED", "FAILED", "CANCELLED")
MAX_RESULT_PAGES = 1000
BASELINE = "duckdb"
SQL_TARGETS = ("lakestack", "ministack")
NOT_BENCHMARKED = {
    "moto": "moto runs no SQL (its Athena returns canned results), so it is not benchmarked",
    "ceiling": "the ceiling server has no Athena",
}
QUERY_DAY = ("2026", "03", "15")
METRIC_COLUMNS = frozenset({"event_type", "value_ms", "amount"})


# --------------------------------------------------------------------------- configuration


@dataclass(frozen=True)
class Limits:
    """Lake shape, repetitions and time caps for one run."""

    lake: LakeSpec
    small_first_day: date
    small_days: int
    rounds: int
    day_reps: int
    year_reps: int
    batch_cap_s: float
    query_timeout_s: float
    upload_threads: int
    upload_cap_s: float


FULL = Limits(
    lake=LakeSpec(date(2026, 1, 1), 365, 54_795),
    small_first_day=date(2026, 3, 1),
    small_days=30,
    rounds=3,
    day_reps=10,
    year_reps=3,
    batch_cap_s=120,
    query_timeout_s=300,
    upload_threads=8,
    upload_cap_s=900,
)
QUICK = Limits(
    lake=LakeSpec(date(2026, 3, 1), 30, 50_000),
    small_first_day=date(2026, 3, 12),
    small_days=7,
    rounds=1,
    day_reps=5,
    year_reps=2,
    batch_cap_s=30,
    query_timeout_s=120,
    upload_threads=8,
    upload_cap_s=120,
)


@dataclass(frozen=True)
class Query:
    """One benchmarked statement: its key, label, table and whether it filters to a day."""

    key: str
    label: str
    table: str
    one_day: bool

    def sql(self, table: str | None = None) -> str:
        """The Athena SQL text (``table`` overrides the FROM relation)."""
        where = ""
        if self.one_day:
            year, month, day = QUERY_DAY
            where = f"WHERE year = '{year}' AND month = '{month}' AND day = '{day}' "
        return (
            "SELECT event_type, count(*) AS events, sum(value_ms) AS total_ms, "
            f"avg(amount) AS avg_amount FROM {table or self.table} {where}"
            "GROUP BY event_type ORDER BY event_type"
        )


def queries(limits: Limits) -> list[Query]:
    """The three measured queries, labelled with the table sizes of this run."""
    days, small = limits.lake.days, limits.small_days
    return [
        Query("day", f"One-day GROUP BY, {days}-day table", "events", True),
        Query("day_small", f"One-day GROUP BY, {small}-day table", "events_small", True),
        Query("year", f"Full-table GROUP BY ({days} days, no filter)", "events", False),
    ]


def reps_for(query: Query, limits: Limits) -> int:
    """Repetitions per round and target."""
    return limits.day_reps if query.one_day else limits.year_reps


def table_ddl(table: str, limits: Limits) -> str:
    """The seed's CREATE EXTERNAL TABLE with the bucket renamed and two metric columns."""
    location = f"s3://{BUCKET}/{TABLE_PREFIXES[table]}"
    ddl = SEED_EVENTS_DDL.rstrip(";")
    for old, new in (
        ("CREATE EXTERNAL TABLE events (", f"CREATE EXTERNAL TABLE {table} ("),
        ("    payload STRING\n", "    payload STRING,\n    value_ms INT,\n    amount DOUBLE\n"),
        ("s3://bucket/curated/table=events/", location),
    ):
        assert old in ddl, f"the seed DDL changed: {old!r} not found"
        ddl = ddl.replace(old, new)
    return ddl


def small_table_files(lake: Lake, limits: Limits) -> list[str]:
    """Relative keys of the days in ``events_small``."""
    first = limits.small_first_day
    keys = [
        f.relative_key for f in lake.files if date(int(f.year), int(f.month), int(f.day)) >= first
    ]
    return keys[: limits.small_days]


# --------------------------------------------------------------------------- targets


def launch_lakestack_quiet(python: Path, port: int, workdir: Path) -> Launch:
    """``python -m lakestack.cli.main serve ... --quiet`` with a throwaway data dir."""
    data_dir = workdir / "data"
    data_dir.mkdir()
    argv = [str(python), "-m", "lakestack.cli.main", "serve", "--host", HOST]
    return Launch([*argv, "--port", str(port), "--data-dir", str(data_dir), "--quiet"])


def ministack_requirements() -> list[str]:
    """ministack plus the DuckDB its Athena engine imports, pinned to the harness's."""
    return ["ministack", f"duckdb=={duckdb.__version__}"]


SPECS: dict[str, TargetSpec] = {
    "lakestack": TargetSpec(
        "lakestack",
        "python -m lakestack.cli.main serve --quiet (this checkout)",
        prepare_lakestack,
        launch_lakestack_quiet,
    ),
    "ministack": TargetSpec(
        "ministack",
        "ministack + duckdb from PyPI (bench/.venvs/ministack-athena), python -m ministack",
        lambda: ensure_venv("ministack-athena", ministack_requirements()),
        launch_ministack,
    ),
}


def client(service: str, endpoint_url: str, read_timeout: float = 300) -> BaseClient:
    """A boto3 client for Athena or Glue with the S3 suite's settings."""
    config = Config(
        region_name="us-east-1",
        retries={"max_attempts": 1},
        max_pool_connections=8,
        connect_timeout=10,
        read_timeout=read_timeout,
    )
    return boto3.client(
        service,
        endpoint_url=endpoint_url,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=config,
    )


# --------------------------------------------------------------------------- queries through boto3


class QueryFailed(Exception):
    """A query ended in FAILED/CANCELLED or did not end in time."""


@dataclass
class Outcome:
    """One finished query as the user sees it."""

    seconds: float
    rows: list[list[str | None]]
    scanned_bytes: int | None
    engine_ms: int | None
    polls: int
    pages: int


def start_and_wait(
    athena: BaseClient, sql: str, timeout_s: float, placement: dict[str, Any]
) -> tuple[str, dict[str, Any], int]:
    """Start ``sql`` and poll at once, then every 20 ms; return id, execution, polls.

    ``placement`` is ``WorkGroup=...`` or, where the target has no work groups,
    ``ResultConfiguration=...``.
    """
    query_id = athena.start_query_execution(
        QueryString=sql, QueryExecutionContext={"Database": DATABASE}, **placement
    )["QueryExecutionId"]
    deadline = time.perf_counter() + timeout_s
    polls = 0
    while True:
        execution = athena.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]
        polls += 1
        state = execution["Status"]["State"]
        if state in TERMINAL_STATES:
            break
        if time.perf_counter() > deadline:
            athena.stop_query_execution(QueryExecutionId=query_id)
            raise QueryFailed(f"still {state} after {timeout_s:.0f}s (stopped)")
        time.sleep(POLL_INTERVAL_S)
    if state != "SUCCEEDED":
        reason = execution["Status"].get("StateChangeReason", "")
        raise QueryFailed(f"{state}: {reason}"[:500])
    return query_id, execution, polls


def fetch_rows(athena: BaseClient, query_id: str) -> tuple[list[list[str | None]], int]:
    """Every result page; drops Athena's header row. Returns rows and page count."""
    rows: list[list[str | None]] = []
    token: str | None = None
    for page_number in range(MAX_RESULT_PAGES):
        kwargs: dict[str, Any] = {"QueryExecutionId": query_id, "MaxResults": 1000}
        if token:
            kwargs["NextToken"] = token
        page = athena.get_query_results(**kwargs)
        result_set = page["ResultSet"]
        page_rows = [[d.get("VarCharValue") for d in r["Data"]] for r in result_set["Rows"]]
        if page_number == 0 and page_rows:
            labels = [c["Label"] for c in result_set["ResultSetMetadata"]["ColumnInfo"]]
            if page_rows[0] == labels:
                page_rows = page_rows[1:]
        rows.extend(page_rows)
        token = page.get("NextToken")
        if not token:
            return rows, page_number + 1
    raise QueryFailed(f"more than {MAX_RESULT_PAGES} result pages")


def run_athena_query(
    athena: BaseClient, sql: str, timeout_s: float, placement: dict[str, Any]
) -> Outcome:
    """One query end to end: start, poll, all pages."""
    started = time.perf_counter()
    query_id, execution, polls = start_and_wait(athena, sql, timeout_s, placement)
    rows, pages = fetch_rows(athena, query_id)
    seconds = time.perf_counter() - started
    stats = execution.get("Statistics", {})
    return Outcome(
        seconds,
        rows,
        stats.get("DataScannedInBytes"),
        stats.get("EngineExecutionTimeInMillis"),
        polls,
        pages,
    )


def run_ddl(run: TargetRun, sql: str, timeout_s: float) -> None:
    """A DDL statement through Athena; raises QueryFailed when it does not succeed."""
    assert run.athena is not None
    start_and_wait(run.athena, sql, timeout_s, run.placement)


# --------------------------------------------------------------------------- raw DuckDB baseline


class Baseline:
    """The same SQL on the same files in this process, one warm DuckDB connection."""

    def __init__(self, lake: Lake, limits: Limits) -> None:
        self.lake = lake
        self.limits = limits
        self.con = duckdb.connect()

    def relation(self, query: Query) -> str:
        """``read_parquet([...explicit list...])`` for the files the query needs."""
        if query.one_day:
            paths = [self.lake.path(self.lake.find(*QUERY_DAY))]
        else:
            paths = [self.lake.path(f) for f in self.lake.files]
        listed = ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths)
        hive_types = "{'year': VARCHAR, 'month': VARCHAR, 'day': VARCHAR}"
        return (
            f"(SELECT * FROM read_parquet([{listed}], hive_partitioning = true, "
            f"hive_types = {hive_types})) AS events"
        )

    def run(self, query: Query) -> Outcome:
        sql = query.sql(self.relation(query))
        started = time.perf_counter()
        rows = self.con.execute(sql).fetchall()
        seconds = time.perf_counter() - started
        as_text = [[None if v is None else str(v) for v in row] for row in rows]
        return Outcome(seconds, as_text, None, None, 0, 1)

    def close(self) -> None:
        self.con.close()


# --------------------------------------------------------------------------- target lifecycle


@dataclass
class TargetRun:
    """State and samples of one target (or the baseline) across the run."""

    name: str
    status: str = "pending"
    error: str | None = None
    version: str = "-"
    notes: list[str] = field(default_factory=list)
    server: Server | None = None
    athena: BaseClient | None = None
    placement: dict[str, Any] = field(default_factory=lambda: {"WorkGroup": WORKGROUP})
    run_query: Callable[[Query], Outcome] | None = None
    samples: dict[str, list[float]] = field(default_factory=dict)
    cold_s: dict[str, float] = field(default_factory=dict)
    scanned: dict[str, list[int | None]] = field(default_factory=dict)
    engine_ms: dict[str, list[int | None]] = field(default_factory=dict)
    polls: dict[str, list[int]] = field(default_factory=dict)
    rows: dict[str, list[list[str | None]]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    capped: dict[str, str] = field(default_factory=dict)
    load_s: float | None = None
    peak_rss_mib: float | None = None

    def fail(self, stage: str, exc: BaseException) -> None:
        self.status = f"failed: {stage}"
        self.error = f"{type(exc).__name__}: {exc}"[:1500]
        print(f"  ! {self.name}: {stage} failed: {self.error}", flush=True)


def upload_lake(s3: BaseClient, lake: Lake, limits: Limits) -> int:
    """PUT every day file under ``events`` and the slice under ``events_small``."""
    uploads = [(TABLE_PREFIXES["events"] + f.relative_key, f.relative_key) for f in lake.files]
    uploads += [
        (TABLE_PREFIXES["events_small"] + key, key) for key in small_table_files(lake, limits)
    ]

    def put(index: int) -> None:
        key, relative = uploads[index]
        s3.put_object(Bucket=BUCKET, Key=key, Body=(lake.root / relative).read_bytes())

    result = bounded_loop(put, len(uploads), limits.upload_threads, limits.upload_cap_s)
    if result.stopped_by_cap:
        raise TimeoutError(f"upload stopped by the cap after {result.requests}/{len(uploads)}")
    return len(uploads)


def create_database(run: TargetRun, endpoint: str, limits: Limits) -> None:
    """``CREATE DATABASE`` through Athena; through Glue when the target's Athena refuses it."""
    try:
        run_ddl(run, f"CREATE DATABASE IF NOT EXISTS {DATABASE}", limits.query_timeout_s)
    except QueryFailed as exc:
        client("glue", endpoint).create_database(DatabaseInput={"Name": DATABASE})
        run.notes.append(
            f"Athena CREATE DATABASE failed ({str(exc)[:160]}); database created with Glue "
            "CreateDatabase instead"
        )


def set_up_catalog(run: TargetRun, endpoint: str, limits: Limits) -> None:
    """Work group with an output location, database, and the two projected tables."""
    create_work_group(run)
    create_database(run, endpoint, limits)
    for table in TABLE_PREFIXES:
        run_ddl(run, table_ddl(table, limits), limits.query_timeout_s)


def create_work_group(run: TargetRun) -> None:
    """Work group ``bench`` with the output location; without one, pass it per query."""
    assert run.athena is not None
    try:
        run.athena.create_work_group(
            Name=WORKGROUP,
            Configuration={"ResultConfiguration": {"OutputLocation": OUTPUT_LOCATION}},
        )
    except ClientError as exc:
        run.placement = {"ResultConfiguration": {"OutputLocation": OUTPUT_LOCATION}}
        run.notes.append(
            f"CreateWorkGroup failed ({exc.response['Error'].get('Code')}); queries ran in "
            "the default work group with ResultConfiguration.OutputLocation instead"
        )


def bring_up(name: str, lake: Lake, limits: Limits) -> TargetRun:
    """Prepare, start, load and catalog one target; failures are recorded, not raised."""
    spec = SPECS[name]
    run = TargetRun(name)
    print(f"- {name}: preparing", flush=True)
    try:
        python = spec.prepare()
        run.version = peer_version(spec, python)
        run.server = Server(spec, python)
        run.server.start()
        run.server.wait_ready()
    except Exception as exc:  # noqa: BLE001
        run.fail("start", exc)
        return run
    endpoint = run.server.endpoint
    print(f"  {name} {run.version} ready at {endpoint} (pid {run.server.pid})", flush=True)
    try:
        load_target(run, endpoint, lake, limits)
    except Exception as exc:  # noqa: BLE001
        run.fail("setup", exc)
        return run
    run.status = "ok"
    return run


def load_target(run: TargetRun, endpoint: str, lake: Lake, limits: Limits) -> None:
    """Untimed: bucket, uploads, catalog; then the query function."""
    s3 = s3_client(endpoint)
    s3.create_bucket(Bucket=BUCKET)
    started = time.perf_counter()
    count = upload_lake(s3, lake, limits)
    run.load_s = time.perf_counter() - started
    print(
        f"  {run.name}: uploaded {count} files ({lake.total_bytes / 2**20:,.0f} MiB + slice) "
        f"in {run.load_s:.1f}s (untimed)",
        flush=True,
    )
    run.athena = client("athena", endpoint, read_timeout=limits.query_timeout_s)
    set_up_catalog(run, endpoint, limits)
    athena, placement = run.athena, run.placement
    run.run_query = lambda q: run_athena_query(athena, q.sql(), limits.query_timeout_s, placement)


def baseline_run(lake: Lake, limits: Limits) -> tuple[TargetRun, Baseline]:
    """The in-process DuckDB baseline as a target."""
    baseline = Baseline(lake, limits)
    run = TargetRun(BASELINE, status="ok", version=duckdb.__version__)
    run.run_query = baseline.run
    return run, baseline


# --------------------------------------------------------------------------- measuring


def record(run: TargetRun, query: Query, outcome: Outcome) -> None:
    """Keep one timed sample and what it returned."""
    run.samples.setdefault(query.key, []).append(outcome.seconds)
    run.scanned.setdefault(query.key, []).append(outcome.scanned_bytes)
    run.engine_ms.setdefault(query.key, []).append(outcome.engine_ms)
    run.polls.setdefault(query.key, []).append(outcome.polls)
    run.rows[query.key] = outcome.rows


def warm_up(run: TargetRun, query: Query) -> None:
    """One untimed execution (its time is kept as the cold start)."""
    assert run.run_query is not None
    try:
        outcome = run.run_query(query)
    except Exception as exc:  # noqa: BLE001
        run.errors[query.key] = f"{type(exc).__name__}: {exc}"[:500]
        print(f"  ! {run.name} {query.key}: {run.errors[query.key]}", flush=True)
        return
    run.cold_s[query.key] = outcome.seconds
    run.rows[query.key] = outcome.rows


def run_batch(run: TargetRun, query: Query, reps: int, cap_s: float) -> None:
    """``reps`` timed executions, stopping early at ``cap_s`` (at least one)."""
    assert run.run_query is not None
    if query.key in run.errors:
        return
    started = time.perf_counter()
    done = 0
    for _ in range(reps):
        try:
            record(run, query, run.run_query(query))
        except Exception as exc:  # noqa: BLE001
            run.errors[query.key] = f"{type(exc).__name__}: {exc}"[:500]
            print(f"  ! {run.name} {query.key}: {run.errors[query.key]}", flush=True)
            return
        done += 1
        if time.perf_counter() - started > cap_s:
            break
    if done < reps:
        run.capped[query.key] = run.capped.get(query.key, "") + f"{done}/{reps} "


def applies(run: TargetRun, query: Query) -> bool:
    """The baseline has no separate small table: its day query reads one file either way."""
    return not (run.name == BASELINE and query.key == "day_small")


def measure_all(runs: dict[str, TargetRun], limits: Limits) -> list[list[str]]:
    """Warm up, then rounds in alternating order; returns the orders used."""
    live = [name for name, run in runs.items() if run.status == "ok"]
    all_queries = queries(limits)
    for name in live:
        for query in all_queries:
            if applies(runs[name], query):
                warm_up(runs[name], query)
    orders = []
    for index in range(limits.rounds):
        order = round_order(live, index)
        orders.append(order)
        print(f"round {index + 1}/{limits.rounds}: {' '.join(order)}", flush=True)
        for query in all_queries:
            for name in order:
                if applies(runs[name], query):
                    run_batch(runs[name], query, reps_for(query, limits), limits.batch_cap_s)
            print(f"  {query.key}: " + summary_line(runs, order, query.key), flush=True)
    return orders


def summary_line(runs: dict[str, TargetRun], names: list[str], key: str) -> str:
    """``name p50=..ms`` for each target so far."""
    parts = []
    for name in names:
        p50 = percentile(runs[name].samples.get(key, []), 50)
        parts.append(f"{name} p50={fmt_ms(p50)}")
    return ", ".join(parts)


# --------------------------------------------------------------------------- statistics


def percentile(values: list[float], pct: int) -> float | None:
    """p50 as the median; other percentiles by linear interpolation (inclusive)."""
    if not values:
        return None
    if pct == 50 or len(values) == 1:
        return statistics.median(values)
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def fmt_ms(seconds: float | None) -> str:
    return "n/a" if seconds is None else f"{fmt(seconds * 1000)} ms"


def single_value(values: list[int | None]) -> int | None:
    """The value every sample reported (the first one, when they differ)."""
    present = [v for v in values if v is not None]
    return present[0] if present else None


def result_check(run: TargetRun, baseline: TargetRun, key: str) -> str:
    """Do the (event_type, count) pairs match the baseline's?"""
    base_key = "day" if key == "day_small" else key
    mine, theirs = run.rows.get(key), baseline.rows.get(base_key)
    if mine is None or theirs is None:
        return "n/a"
    pairs = sorted((r[0], r[1]) for r in mine)
    expected = sorted((r[0], r[1]) for r in theirs)
    return "ok" if pairs == expected else f"MISMATCH: {pairs[:3]} vs {expected[:3]}"


@dataclass
class Summary:
    """Per target and query: p50, p90, sample count, bytes scanned, result check."""

    p50_s: float | None
    p90_s: float | None
    samples: int
    cold_s: float | None
    scanned_bytes: int | None
    distinct_scanned: list[int | None]
    engine_ms_p50: float | None
    result_check: str


def summarize(runs: dict[str, TargetRun], limits: Limits) -> dict[str, dict[str, Summary]]:
    """Summaries keyed by target then query."""
    out: dict[str, dict[str, Summary]] = {}
    for name, run in runs.items():
        out[name] = {}
        for query in queries(limits):
            values = run.samples.get(query.key, [])
            engine = [float(v) for v in run.engine_ms.get(query.key, []) if v is not None]
            out[name][query.key] = Summary(
                percentile(values, 50),
                percentile(values, 90),
                len(values),
                run.cold_s.get(query.key),
                single_value(run.scanned.get(query.key, [])),
                sorted(set(run.scanned.get(query.key, [])), key=lambda v: v or 0),
                statistics.median(engine) if engine else None,
                result_check(run, runs[BASELINE], query.key) if name != BASELINE else "-",
            )
    return out


# --------------------------------------------------------------------------- report


@dataclass(frozen=True)
class ExpectedBytes:
    """Parquet column-chunk bytes of the queried columns (what Athena bills)."""

    day: int
    year: int

    @property
    def ratio(self) -> float:
        return self.year / self.day


def expected_bytes(lake: Lake) -> ExpectedBytes:
    """Bytes of ``event_type``, ``value_ms`` and ``amount`` chunks: the day's file, all files."""
    day = column_chunk_bytes(lake.path(lake.find(*QUERY_DAY)), set(METRIC_COLUMNS))
    year = sum(column_chunk_bytes(lake.path(f), set(METRIC_COLUMNS)) for f in lake.files)
    return ExpectedBytes(day, year)


def ratio_text(a: float | None, b: float | None) -> str:
    if a is None or b is None or b == 0:
        return "n/a"
    return f"{a / b:.2f}x"


def bytes_text(value: int | None) -> str:
    return "n/a" if value is None else f"{value:,}"


def results_table(
    names: list[str],
    sums: dict[str, dict[str, Summary]],
    limits: Limits,
    expected: ExpectedBytes,
) -> str:
    """Markdown: one row per query and statistic, a column per target, then ratios.

    The raw DuckDB column of the bytes rows holds the Parquet column-chunk bytes
    of the queried columns (what an exact ``DataScannedInBytes`` would be).
    """
    peers = [p for p in (BASELINE, "ministack") if p in names and "lakestack" in names]
    header = [
        "Query",
        "Stat",
        *[label(n) for n in names],
        *[f"lakestack/{label(p)}" for p in peers],
    ]
    rows = [header, ["---"] * len(header)]
    for query in queries(limits):
        for stat in ("p50", "p90"):
            values = [getattr(sums[n][query.key], f"{stat}_s") for n in names]
            mine = sums.get("lakestack", {}).get(query.key)
            mine_v = getattr(mine, f"{stat}_s") if mine else None
            ratios = [ratio_text(mine_v, getattr(sums[p][query.key], f"{stat}_s")) for p in peers]
            rows.append([query.label, f"{stat} ms", *[ms_cell(v) for v in values], *ratios])
    chunks = {"day": expected.day, "year": expected.year}
    for key, text in (("day", "one-day"), ("year", "full-table")):
        values = [
            f"{chunks[key]:,} (chunks)" if n == BASELINE else bytes_text(sums[n][key].scanned_bytes)
            for n in names
        ]
        rows.append([f"DataScannedInBytes, {text}", "bytes", *values, *["" for _ in peers]])
    ratios_row = [scan_ratio(sums[n]) if n != BASELINE else f"{expected.ratio:.2f}" for n in names]
    rows.append(["Full-table ÷ one-day bytes", "ratio", *ratios_row, *["" for _ in peers]])
    return "\n".join("| " + " | ".join(row) + " |" for row in rows)


def scan_ratio(sums: dict[str, Summary]) -> str:
    """Full-table bytes over one-day bytes, as reported by a target."""
    day, year = sums["day"].scanned_bytes, sums["year"].scanned_bytes
    return f"{year / day:.2f}" if day and year else "n/a"


def label(name: str) -> str:
    return "raw DuckDB" if name == BASELINE else name


def ms_cell(seconds: float | None) -> str:
    return "n/a" if seconds is None else fmt(seconds * 1000)


def target_checks(
    sums: dict[str, dict[str, Summary]], expected: ExpectedBytes, limits: Limits
) -> list[tuple[str, str, str]]:
    """The issue's targets for lakestack: (target, measured, met?)."""
    mine = sums.get("lakestack")
    if mine is None or mine["day"].p50_s is None:
        return [("lakestack", "not measured", "n/a")]
    day, small, year = mine["day"], mine["day_small"], mine["year"]
    base_year = sums[BASELINE]["year"].p50_s
    checks = [check_latency(day), check_flat(small, day, limits)]
    checks.append(check_vs_duckdb(year, base_year))
    checks.append(check_bytes(day, year, expected, limits))
    return checks


def check_latency(day: Summary) -> tuple[str, str, str]:
    assert day.p50_s is not None
    return (
        "one-day p50 under 30 ms end to end",
        f"{day.p50_s * 1000:.1f} ms",
        yes(day.p50_s < 0.030),
    )


def check_flat(small: Summary, day: Summary, limits: Limits) -> tuple[str, str, str]:
    """Flat: the large table's p50 within 20% (or 3 ms) of the small table's."""
    if small.p50_s is None or day.p50_s is None:
        return ("flat from small to full table", "n/a", "n/a")
    flat = day.p50_s <= max(small.p50_s * 1.2, small.p50_s + 0.003)
    measured = (
        f"{small.p50_s * 1000:.1f} ms ({limits.small_days} days) → "
        f"{day.p50_s * 1000:.1f} ms ({limits.lake.days} days)"
    )
    return (f"flat from {limits.small_days} to {limits.lake.days} days", measured, yes(flat))


def check_vs_duckdb(year: Summary, base_year: float | None) -> tuple[str, str, str]:
    if year.p50_s is None or base_year is None:
        return ("full-table within 1.3× of raw DuckDB", "n/a", "n/a")
    factor = year.p50_s / base_year
    measured = f"{year.p50_s * 1000:.0f} ms vs {base_year * 1000:.0f} ms = {factor:.2f}×"
    return ("full-table within 1.3× of raw DuckDB", measured, yes(factor <= 1.3))


def check_bytes(
    day: Summary, year: Summary, expected: ExpectedBytes, limits: Limits
) -> tuple[str, str, str]:
    """year/day bytes within 1% of the day count, and equal to the Parquet chunk bytes."""
    what = f"one-day bytes = 1/{limits.lake.days} of the full table's"
    if not day.scanned_bytes or not year.scanned_bytes:
        return (what, "n/a", "n/a")
    measured_ratio = year.scanned_bytes / day.scanned_bytes
    close = abs(measured_ratio / limits.lake.days - 1) <= 0.01
    exact = day.scanned_bytes == expected.day and year.scanned_bytes == expected.year
    measured = (
        f"{day.scanned_bytes:,} / {year.scanned_bytes:,} B, ratio {measured_ratio:.2f} "
        f"(Parquet chunks of the 3 columns: {expected.day:,} / {expected.year:,}, "
        f"ratio {expected.ratio:.2f}; equal: {'yes' if exact else 'no'})"
    )
    return (what, measured, yes(close))


def yes(flag: bool) -> str:
    return "yes" if flag else "no"


def checks_table(checks: list[tuple[str, str, str]]) -> str:
    rows = [("target", "measured", "met?"), ("---", "---", "---"), *checks]
    return "\n".join("| " + " | ".join(row) + " |" for row in rows)


def write_json(
    path: Path,
    limits: Limits,
    lake: Lake,
    orders: list[list[str]],
    runs: dict[str, TargetRun],
    sums: dict[str, dict[str, Summary]],
    extra: dict[str, Any],
) -> None:
    """Machine, limits, lake, every sample and the summaries as JSON."""
    payload = {
        "suite": "athena",
        "machine": machine_info(),
        "limits": json.loads(json.dumps(asdict(limits), default=str)),
        "lake": {
            "root": str(lake.root),
            "files": len(lake.files),
            "rows": lake.spec.total_rows,
            "bytes": lake.total_bytes,
        },
        "sql": {q.key: q.sql() for q in queries(limits)},
        "round_orders": orders,
        "targets": {name: target_json(run, sums[name]) for name, run in runs.items()},
        **extra,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2, default=str))


def target_json(run: TargetRun, sums: dict[str, Summary]) -> dict[str, Any]:
    description = SPECS[run.name].description if run.name in SPECS else "in-process DuckDB"
    return {
        "status": run.status,
        "error": run.error,
        "version": run.version,
        "description": description,
        "notes": run.notes,
        "load_s": run.load_s,
        "peak_rss_mib": run.peak_rss_mib,
        "samples_s": run.samples,
        "cold_s": run.cold_s,
        "data_scanned_bytes": run.scanned,
        "engine_ms": run.engine_ms,
        "get_query_execution_calls": run.polls,
        "errors": run.errors,
        "capped": run.capped,
        "result_rows": run.rows,
        "summary": {key: asdict(s) for key, s in sums.items()},
    }


# --------------------------------------------------------------------------- main


def shut_down(runs: dict[str, TargetRun]) -> None:
    """Read peak RSS, then stop every server that was started."""
    for run in runs.values():
        if run.server is None:
            continue
        try:
            run.peak_rss_mib = run.server.peak_rss_mib()
        finally:
            run.server.stop()


def pick_targets(names: list[str]) -> list[str]:
    """The SQL targets asked for; the others are reported as not benchmarked."""
    for name in names:
        if name in NOT_BENCHMARKED:
            print(f"- {name}: skipped: {NOT_BENCHMARKED[name]}", flush=True)
    return [name for name in names if name in SQL_TARGETS]


def print_report(
    names: list[str],
    runs: dict[str, TargetRun],
    sums: dict[str, dict[str, Summary]],
    expected: ExpectedBytes,
    limits: Limits,
) -> list[tuple[str, str, str]]:
    """Tables, result checks, notes and failures on stdout; returns the target checks."""
    print("\nEnd to end through boto3 (raw DuckDB: in-process), ms:\n")
    print(results_table(names, sums, limits, expected))
    print(
        f"\nExpected bytes (Parquet column chunks of {', '.join(sorted(METRIC_COLUMNS))}): "
        f"day {expected.day:,}, full table {expected.year:,}, ratio {expected.ratio:.2f} "
        f"({limits.lake.days} days)"
    )
    for name in names:
        for key, summary in sums[name].items():
            if name != BASELINE and summary.samples:
                print(
                    f"  {name} {key}: results {summary.result_check}; "
                    f"DataScannedInBytes seen {summary.distinct_scanned}; "
                    f"engine ms p50 {summary.engine_ms_p50}; cold {fmt_ms(summary.cold_s)}"
                )
    checks = target_checks(sums, expected, limits)
    print("\nTargets (issue 3, lakestack):\n" + checks_table(checks))
    for run in runs.values():
        for note in run.notes:
            print(f"\nnote {run.name}: {note}")
        if run.status != "ok":
            print(f"\n{run.name}: {run.status}\n  {run.error}")
        for key, message in run.errors.items():
            print(f"\n{run.name} {key}: {message}")
        for key, text in run.capped.items():
            print(f"{run.name} {key}: batches stopped by the time cap ({text.strip()})")
    return checks


def main(target_names: list[str], quick: bool, rounds: int | None = None) -> int:
    """Run the Athena suite; returns a process exit code."""
    limits = QUICK if quick else FULL
    if rounds is not None:
        limits = replace(limits, rounds=max(1, rounds))
    load_before = warn_if_busy()
    names = pick_targets(target_names)
    mode = "quick" if quick else "full"
    print(f"Athena benchmark ({mode}): targets {', '.join(names)} + raw DuckDB", flush=True)
    lake = ensure_lake(limits.lake)
    expected = expected_bytes(lake)
    runs: dict[str, TargetRun] = {}
    baseline: Baseline | None = None
    try:
        for name in names:
            runs[name] = bring_up(name, lake, limits)
        runs[BASELINE], baseline = baseline_run(lake, limits)
        orders = measure_all(runs, limits)
    finally:
        shut_down(runs)
        if baseline is not None:
            baseline.close()
    all_names = [*names, BASELINE]
    sums = summarize(runs, limits)
    checks = print_report(all_names, runs, sums, expected, limits)
    stamp = datetime.now().strftime("%Y-%m-%dT%H%M%S")
    out = BENCH_DIR / "results" / f"athena-{stamp}{'-quick' if quick else ''}.json"
    extra = {
        "expected_bytes": asdict(expected),
        "target_checks": checks,
        "not_benchmarked": {n: NOT_BENCHMARKED[n] for n in target_names if n in NOT_BENCHMARKED},
        "loadavg_1min": {"before": load_before, "after": os.getloadavg()[0]},
        "git": git_revision(),
    }
    write_json(out, limits, lake, orders, runs, sums, extra)
    print(f"\nJSON: {out.relative_to(BENCH_DIR.parent)}")
    return 0 if runs[BASELINE].samples else 1
