"""S3 benchmark suite: workloads, rounds, medians, table and JSON report.

Workloads (each bounded by a request count and a wall-clock cap):

* ``put_1mib``      PUT of 1 MiB objects, one thread            -> MiB/s
* ``get_1mib``      GET of the same objects, one thread         -> MiB/s
* ``put_4kib_t1``   PUT of 4 KiB objects, one thread            -> ops/s
* ``put_4kib_t8``   PUT of 4 KiB objects, eight threads         -> ops/s
* ``list_10k``      list_objects_v2 paginator over 10,000 keys  -> seconds
  (Prefix='page/', Delimiter='/', 1000 per page; keys loaded once per target)
* ``cpu_ms_per_req`` server CPU (utime+stime of its process tree) spent during
  ``put_4kib_t1`` divided by its request count                 -> ms/request
* ``cpu_ms_per_req_t8`` the same over ``put_4kib_t8``
* ``peak_rss_mib``  VmHWM of the server process tree at the end -> MiB

Targets run as separate server processes; the order alternates between rounds
(A B C D, D C B A, ...) and the table shows the median over rounds.
"""

from __future__ import annotations

import itertools
import json
import os
import platform
import statistics
import subprocess
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import boto3
from botocore.client import BaseClient
from targets import BENCH_DIR, Server, TargetError, TargetSpec, peer_version, s3_client, target_spec

MIB = 1024 * 1024
BUCKET = "bench-s3"
LIST_PREFIX = "page/"
RATIO_PEERS = ("ceiling", "moto", "ministack")
BUSY_LOADAVG = 0.7


@dataclass(frozen=True)
class Limits:
    """Request counts and time caps for one run."""

    rounds: int
    large_objects: int
    large_cap_s: float
    small_ops_t1: int
    small_ops_t8: int
    small_cap_s: float
    list_keys: int
    list_cap_s: float
    load_cap_s: float


FULL = Limits(
    rounds=3,
    large_objects=200,
    large_cap_s=60,
    small_ops_t1=2000,
    small_ops_t8=4000,
    small_cap_s=30,
    list_keys=10_000,
    list_cap_s=120,
    load_cap_s=300,
)
QUICK = Limits(
    rounds=1,
    large_objects=20,
    large_cap_s=20,
    small_ops_t1=200,
    small_ops_t8=400,
    small_cap_s=10,
    list_keys=2_000,
    list_cap_s=30,
    load_cap_s=60,
)


@dataclass(frozen=True)
class Workload:
    """A row of the report."""

    key: str
    label: str
    unit: str
    higher_is_better: bool


WORKLOADS = [
    Workload("put_1mib", "PUT 1 MiB, 1 thread", "MiB/s", True),
    Workload("get_1mib", "GET 1 MiB, 1 thread", "MiB/s", True),
    Workload("put_4kib_t1", "PUT 4 KiB, 1 thread", "ops/s", True),
    Workload("put_4kib_t8", "PUT 4 KiB, 8 threads", "ops/s", True),
    Workload("list_10k", "List 10k keys (prefix+delimiter, 1000/page)", "s", False),
    Workload("cpu_ms_per_req", "Server CPU per 4 KiB PUT, 1 thread", "ms/req", False),
    Workload("cpu_ms_per_req_t8", "Server CPU per 4 KiB PUT, 8 threads", "ms/req", False),
    Workload("peak_rss_mib", "Server peak RSS (VmHWM) at end", "MiB", False),
]


# --------------------------------------------------------------------------- request loops


@dataclass
class LoopResult:
    """Outcome of one bounded request loop."""

    requests: int
    seconds: float
    stopped_by_cap: bool


def bounded_loop(work: Callable[[int], None], count: int, threads: int, cap_s: float) -> LoopResult:
    """Call ``work(i)`` for i in 0..count-1 on ``threads`` workers, stopping at ``cap_s``.

    The first exception in any worker stops all workers and is re-raised.
    """
    counter = itertools.count()
    lock = threading.Lock()
    done = [0]
    deadline = time.perf_counter() + cap_s
    failure: list[BaseException] = []

    def worker() -> None:
        while not failure and time.perf_counter() < deadline:
            with lock:
                index = next(counter)
            if index >= count:
                return
            try:
                work(index)
            except BaseException as exc:  # noqa: BLE001 - re-raised below
                failure.append(exc)
                return
            with lock:
                done[0] += 1

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        for future in [pool.submit(worker) for _ in range(threads)]:
            future.result()
    elapsed = time.perf_counter() - start
    if failure:
        raise failure[0]
    return LoopResult(done[0], elapsed, done[0] < count)


def put_objects(
    client: BaseClient, prefix: str, body: bytes, count: int, threads: int, cap_s: float
) -> LoopResult:
    """PUT ``count`` objects ``<prefix><i>`` of ``body``."""

    def put(i: int) -> None:
        client.put_object(Bucket=BUCKET, Key=f"{prefix}{i:06d}", Body=body)

    return bounded_loop(put, count, threads, cap_s)


def get_objects(client: BaseClient, prefix: str, size: int, count: int, cap_s: float) -> LoopResult:
    """GET ``count`` objects ``<prefix><i>`` and check each body's length."""

    def get(i: int) -> None:
        data = client.get_object(Bucket=BUCKET, Key=f"{prefix}{i:06d}")["Body"].read()
        if len(data) != size:
            raise RuntimeError(f"GET returned {len(data)} bytes, expected {size}")

    return bounded_loop(get, count, 1, cap_s)


def list_all(client: BaseClient, expected: int, cap_s: float) -> float:
    """Page through the prefix listing; return seconds. Checks the key count."""
    paginator = client.get_paginator("list_objects_v2")
    pages = paginator.paginate(
        Bucket=BUCKET, Prefix=LIST_PREFIX, Delimiter="/", PaginationConfig={"PageSize": 1000}
    )
    seen = 0
    start = time.perf_counter()
    for page in pages:
        seen += len(page.get("Contents", []))
        if time.perf_counter() - start > cap_s:
            raise TimeoutError(f"listing exceeded {cap_s:.0f}s after {seen} keys")
    elapsed = time.perf_counter() - start
    if seen != expected:
        raise RuntimeError(f"listing returned {seen} keys, expected {expected}")
    return elapsed


def load_listing_keys(client: BaseClient, limits: Limits) -> None:
    """Untimed setup: PUT ``limits.list_keys`` tiny objects ``page/k000000``... on 8 threads."""
    result = put_objects(client, LIST_PREFIX + "k", b"x", limits.list_keys, 8, limits.load_cap_s)
    if result.stopped_by_cap:
        raise TimeoutError(
            f"loading listing keys stopped by the {limits.load_cap_s:.0f}s cap "
            f"after {result.requests} keys"
        )


# --------------------------------------------------------------------------- one round


def rate(result: LoopResult, unit_bytes: int | None = None) -> float:
    """ops/s, or MiB/s when ``unit_bytes`` is given."""
    per_s = result.requests / result.seconds if result.seconds > 0 else 0.0
    return per_s * unit_bytes / MIB if unit_bytes else per_s


def measure(record: dict[str, Any], key: str, fn: Callable[[], float | None]) -> None:
    """Run one workload, storing its value or its error under ``key``."""
    try:
        record[key] = fn()
    except Exception as exc:  # noqa: BLE001 - a failing workload must not stop the run
        record[key] = None
        record.setdefault("errors", {})[key] = f"{type(exc).__name__}: {exc}"[:500]


def note_cap(record: dict[str, Any], key: str, result: LoopResult, wanted: int) -> LoopResult:
    """Remember when a loop hit its time cap before its request count."""
    if result.stopped_by_cap:
        record.setdefault("capped", {})[key] = f"{result.requests}/{wanted} requests"
    return result


def server_cpu_per_request(
    server: Server, run: Callable[[], LoopResult]
) -> tuple[LoopResult, float]:
    """Run a loop and return it with the server CPU ms spent per request during it."""
    before = server.cpu_seconds()
    result = run()
    after = server.cpu_seconds()
    return result, (after - before) * 1000 / max(result.requests, 1)


def run_round(server: Server, client: BaseClient, limits: Limits) -> dict[str, Any]:
    """All workloads once against one server; values keyed by workload key."""
    record: dict[str, Any] = {}
    large, small = os.urandom(MIB), os.urandom(4096)
    n_large = limits.large_objects

    put_large = [LoopResult(0, 0.0, False)]

    def do_put_large() -> float:
        put_large[0] = note_cap(
            record,
            "put_1mib",
            put_objects(client, "large/o", large, n_large, 1, limits.large_cap_s),
            n_large,
        )
        return rate(put_large[0], MIB)

    def do_get_large() -> float:
        count = put_large[0].requests
        if count == 0:
            raise RuntimeError("no 1 MiB objects were written")
        return rate(
            note_cap(
                record,
                "get_1mib",
                get_objects(client, "large/o", MIB, count, limits.large_cap_s),
                count,
            ),
            MIB,
        )

    def small_puts(key: str, cpu_key: str, threads: int, count: int) -> float:
        result, cpu_ms = server_cpu_per_request(
            server,
            lambda: put_objects(
                client, f"small{threads}/o", small, count, threads, limits.small_cap_s
            ),
        )
        note_cap(record, key, result, count)
        record[cpu_key] = cpu_ms
        return rate(result)

    measure(record, "put_1mib", do_put_large)
    measure(record, "get_1mib", do_get_large)
    measure(
        record,
        "put_4kib_t1",
        lambda: small_puts("put_4kib_t1", "cpu_ms_per_req", 1, limits.small_ops_t1),
    )
    measure(
        record,
        "put_4kib_t8",
        lambda: small_puts("put_4kib_t8", "cpu_ms_per_req_t8", 8, limits.small_ops_t8),
    )
    if server.spec.supports_listing:
        measure(record, "list_10k", lambda: list_all(client, limits.list_keys, limits.list_cap_s))
    return record


# --------------------------------------------------------------------------- target lifecycle


@dataclass
class TargetRun:
    """State and results of one target across the run."""

    name: str
    status: str = "pending"
    error: str | None = None
    version: str = "-"
    server: Server | None = None
    client: BaseClient | None = None
    rounds: list[dict[str, Any]] | None = None
    peak_rss_mib: float | None = None
    cpu_at_rounds_start: float = 0.0
    cpu_in_own_rounds: float = 0.0
    cpu_while_others_ran: float | None = None

    def fail(self, stage: str, exc: BaseException) -> None:
        self.status = f"failed: {stage}"
        self.error = f"{type(exc).__name__}: {exc}"
        print(f"  ! {self.name}: {stage} failed: {self.error}", flush=True)


def bring_up(spec: TargetSpec, limits: Limits) -> TargetRun:
    """Prepare, start, wait for and seed one target; failures are recorded, not raised."""
    run = TargetRun(spec.name, rounds=[])
    print(f"- {spec.name}: preparing", flush=True)
    try:
        python = spec.prepare()
        run.version = peer_version(spec, python)
    except Exception as exc:  # noqa: BLE001
        run.fail("prepare", exc)
        return run
    run.server = Server(spec, python)
    try:
        run.server.start()
        run.server.wait_ready()
    except Exception as exc:  # noqa: BLE001
        run.fail("start", exc)
        run.server.stop()
        run.server = None
        return run
    print(
        f"  {spec.name} {run.version} ready at {run.server.endpoint} (pid {run.server.pid})",
        flush=True,
    )
    run.client = s3_client(run.server.endpoint)
    try:
        seed(run, spec, limits)
    except Exception as exc:  # noqa: BLE001
        run.fail("seed", exc)
        return run
    run.status = "ok"
    return run


def seed(run: TargetRun, spec: TargetSpec, limits: Limits) -> None:
    """Create the bucket and (if the target lists) load the listing keys, untimed."""
    assert run.client is not None
    run.client.create_bucket(Bucket=BUCKET)
    if spec.supports_listing:
        started = time.perf_counter()
        load_listing_keys(run.client, limits)
        print(
            f"  {spec.name}: loaded {limits.list_keys} listing keys in "
            f"{time.perf_counter() - started:.1f}s (untimed)",
            flush=True,
        )


def round_order(names: list[str], round_index: int) -> list[str]:
    """A B C D on even rounds, D C B A on odd ones."""
    return list(names) if round_index % 2 == 0 else list(reversed(names))


def run_rounds(runs: dict[str, TargetRun], limits: Limits) -> list[list[str]]:
    """Run every round over the live targets; return the order used in each."""
    orders = []
    live = [name for name, run in runs.items() if run.status == "ok"]
    for name in live:
        runs[name].cpu_at_rounds_start = cpu_or_zero(runs[name])
    for index in range(limits.rounds):
        order = round_order(live, index)
        orders.append(order)
        print(f"round {index + 1}/{limits.rounds}: {' '.join(order)}", flush=True)
        for name in order:
            run_one_round(runs[name], limits)
    return orders


def run_one_round(run: TargetRun, limits: Limits) -> None:
    """One round for one target, guarding against a dead server."""
    assert run.server is not None and run.client is not None and run.rounds is not None
    try:
        run.server.check_alive()
    except TargetError as exc:
        run.fail("round", exc)
        return
    started, cpu_before = time.perf_counter(), run.server.cpu_seconds()
    record = run_round(run.server, run.client, limits)
    run.cpu_in_own_rounds += run.server.cpu_seconds() - cpu_before
    run.rounds.append(record)
    summary = ", ".join(f"{k}={fmt(v)}" for k, v in record.items() if isinstance(v, float))
    print(f"  {run.name}: {summary} ({time.perf_counter() - started:.0f}s)", flush=True)
    for key, message in record.get("errors", {}).items():
        print(f"  ! {run.name} {key}: {message}", flush=True)


def cpu_or_zero(run: TargetRun) -> float:
    """CPU seconds of a target's server so far (0 when it has none)."""
    return run.server.cpu_seconds() if run.server is not None else 0.0


def shut_down(runs: dict[str, TargetRun]) -> None:
    """Read peak RSS and idle CPU, then stop every server that was started."""
    for run in runs.values():
        if run.server is None:
            continue
        try:
            run.peak_rss_mib = run.server.peak_rss_mib()
            if run.rounds:
                run.cpu_while_others_ran = round(
                    cpu_or_zero(run) - run.cpu_at_rounds_start - run.cpu_in_own_rounds, 3
                )
        finally:
            run.server.stop()


# --------------------------------------------------------------------------- report


def medians(run: TargetRun) -> dict[str, float | None]:
    """Median over rounds of every workload (None when no round produced a value)."""
    out: dict[str, float | None] = {}
    for workload in WORKLOADS:
        if workload.key == "peak_rss_mib":
            out[workload.key] = run.peak_rss_mib
            continue
        values = [r[workload.key] for r in run.rounds or [] if r.get(workload.key) is not None]
        out[workload.key] = statistics.median(values) if values else None
    return out


def fmt(value: float | None) -> str:
    """Three significant digits, or n/a."""
    if value is None:
        return "n/a"
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}" if value >= 1 else f"{value:.3f}"


def ratio(a: float | None, b: float | None) -> str:
    """``a / b`` as ``1.23x``, or n/a."""
    if a is None or b is None or b == 0:
        return "n/a"
    return f"{a / b:.2f}x"


def table(names: list[str], results: dict[str, dict[str, float | None]]) -> str:
    """Markdown table: one row per workload, one column per target, then ratios of
    lakestack to each peer and to each earlier commit of itself (``lakestack@<rev>``)."""
    earlier = [n for n in names if n.startswith("lakestack@")]
    ratio_peers = [p for p in (*RATIO_PEERS, *earlier) if "lakestack" in names and p in names]
    header = ["Workload", "Unit", "Better", *names, *[f"lakestack/{p}" for p in ratio_peers]]
    rows = [header, ["---"] * len(header)]
    for w in WORKLOADS:
        values = [fmt(results.get(n, {}).get(w.key)) for n in names]
        mine = results.get("lakestack", {}).get(w.key)
        ratios = [ratio(mine, results.get(p, {}).get(w.key)) for p in ratio_peers]
        rows.append(
            [w.label, w.unit, "higher" if w.higher_is_better else "lower", *values, *ratios]
        )
    return "\n".join("| " + " | ".join(row) + " |" for row in rows)


def machine_info() -> dict[str, str]:
    """What the numbers were measured on."""
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = subprocess.run(["free", "-h"], capture_output=True, text=True, check=False).stdout
    return {
        "nproc": str(os.cpu_count()),
        "cpu_model": cpu,
        "memory": mem.splitlines()[1].split()[1] if mem else "?",
        "python": platform.python_version(),
        "boto3": boto3.__version__,
        "date": datetime.now().isoformat(timespec="seconds"),
        "git": git_revision(),
    }


def git_revision() -> str:
    """Short commit of the checkout being measured, with ``+dirty`` if modified."""

    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", *args],
            capture_output=True,
            text=True,
            check=False,
            cwd=BENCH_DIR.parent,
            timeout=30,
        )
        return done.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "?"
    return commit + ("+dirty" if git("status", "--porcelain", "--", "src") else "")


def write_json(
    path: Path,
    limits: Limits,
    orders: list[list[str]],
    runs: dict[str, TargetRun],
    results: dict[str, dict[str, float | None]],
    loads: tuple[float, float],
) -> None:
    """Machine, limits, per-round records and medians as JSON."""
    payload = {
        "suite": "s3",
        "machine": machine_info(),
        "loadavg_1min": {"before": loads[0], "after": loads[1]},
        "limits": asdict(limits),
        "round_orders": orders,
        "targets": {
            name: {
                "status": run.status,
                "error": run.error,
                "version": run.version,
                "description": target_spec(name).description,
                "rounds": run.rounds,
                "peak_rss_mib": run.peak_rss_mib,
                "cpu_s_while_others_ran": run.cpu_while_others_ran,
                "median": results[name],
            }
            for name, run in runs.items()
        },
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2))


def warn_if_busy() -> float:
    """Print a warning when the machine is not idle; return the 1-minute load."""
    load = os.getloadavg()[0]
    if load > BUSY_LOADAVG:
        print(
            f"WARNING: 1-minute load average is {load:.2f} before starting; other work on "
            f"this {os.cpu_count()}-core machine will add noise to the numbers.",
            flush=True,
        )
    return load


def main(target_names: list[str], quick: bool, rounds: int | None = None) -> int:
    """Run the S3 suite against ``target_names``; returns a process exit code."""
    limits = QUICK if quick else FULL
    if rounds is not None:
        limits = replace(limits, rounds=max(1, rounds))
    load_before = warn_if_busy()
    print(
        f"S3 benchmark ({'quick' if quick else 'full'}): targets {', '.join(target_names)}",
        flush=True,
    )
    runs = {name: TargetRun(name) for name in target_names}
    try:
        for name in target_names:
            runs[name] = bring_up(target_spec(name), limits)
        orders = run_rounds(runs, limits)
    finally:
        shut_down(runs)
    results = {name: medians(run) for name, run in runs.items()}
    print("\nMedians over rounds:\n" + table(target_names, results))
    idle = {
        n: r.cpu_while_others_ran for n, r in runs.items() if r.cpu_while_others_ran is not None
    }
    if idle:
        print(
            "\nServer CPU s spent while other targets were measured: "
            + ", ".join(f"{n}={v:.2f}" for n, v in idle.items())
        )
    for run in runs.values():
        if run.status != "ok":
            print(f"\n{run.name}: {run.status}\n  {run.error}")
    stamp = datetime.now().strftime("%Y-%m-%dT%H%M%S")
    out = BENCH_DIR / "results" / f"s3-{stamp}{'-quick' if quick else ''}.json"
    write_json(out, limits, orders, runs, results, (load_before, os.getloadavg()[0]))
    print(f"\nJSON: {out.relative_to(BENCH_DIR.parent)}")
    return 0 if any(run.status == "ok" for run in runs.values()) else 1
