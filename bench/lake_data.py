"""The events lake for the Athena benchmark: generated once, cached, described.

One Parquet file per day under Hive folders ``year=YYYY/month=MM/day=DD/``
(strings with leading zeros, as Athena's partition projection writes them),
with the seed's columns plus two metrics::

    event_id STRING, user_id STRING, event_type STRING, payload STRING,
    value_ms INT, amount DOUBLE

Rows come from ``range()`` and DuckDB's ``hash()``, so the lake is the same on
every machine and every run.  It is written into ``bench/.data/<name>/`` with
one ``COPY`` per day and a ``manifest.json`` written last; a directory with a
manifest is reused as it is.
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

DATA_DIR = Path(__file__).resolve().parent / ".data"
FORMAT_VERSION = 2
SALT_STRIDE = 1_000_000_000_000
FILE_NAME = "events.parquet"
EVENT_TYPES = (
    "page_view",
    "click",
    "search",
    "add_to_cart",
    "purchase",
    "login",
    "logout",
    "share",
)
USERS = 200_000


@dataclass(frozen=True)
class LakeSpec:
    """Shape of a lake: first day, number of days and rows per day."""

    first_day: date
    days: int
    rows_per_day: int

    @property
    def name(self) -> str:
        return f"events-{self.first_day:%Y%m%d}-{self.days}d-{self.rows_per_day}r-v{FORMAT_VERSION}"

    @property
    def total_rows(self) -> int:
        return self.days * self.rows_per_day

    def day_list(self) -> list[date]:
        """Every day of the lake, in order."""
        return [self.first_day + timedelta(days=i) for i in range(self.days)]


@dataclass(frozen=True)
class DayFile:
    """One day's Parquet file: its partition values, relative key and size."""

    year: str
    month: str
    day: str
    relative_key: str
    size: int


@dataclass(frozen=True)
class Lake:
    """A generated lake on disk."""

    spec: LakeSpec
    root: Path
    files: list[DayFile]

    def path(self, file: DayFile) -> Path:
        return self.root / file.relative_key

    def find(self, year: str, month: str, day: str) -> DayFile:
        """The file of one day (KeyError when the lake does not have it)."""
        for file in self.files:
            if (file.year, file.month, file.day) == (year, month, day):
                return file
        raise KeyError(f"no file for {year}-{month}-{day}")

    @property
    def total_bytes(self) -> int:
        return sum(f.size for f in self.files)


def partition_key(day: date) -> str:
    """``year=2026/month=03/day=15/events.parquet``."""
    return f"year={day:%Y}/month={day:%m}/day={day:%d}/{FILE_NAME}"


def salted(salt: int) -> str:
    """``hash()`` of the row number moved by ``salt`` strides: independent columns.

    (``hash(i, 1)`` and ``hash(i, 2)`` share their low bits in DuckDB, which
    would tie every user to one event type.)
    """
    return f"hash(i + {salt * SALT_STRIDE})"


def day_select_sql(first_row: int, rows: int) -> str:
    """The deterministic SELECT producing rows ``first_row .. first_row+rows-1``."""
    types = ", ".join(f"'{t}'" for t in EVENT_TYPES)
    return f"""
        SELECT
            printf('%016x', hash(i)) AS event_id,
            'u' || lpad(CAST({salted(1)} % {USERS} AS VARCHAR), 6, '0') AS user_id,
            [{types}][1 + CAST({salted(2)} % {len(EVENT_TYPES)} AS INTEGER)] AS event_type,
            '{{"session":"' || printf('%08x', {salted(3)} % 4294967296)
                || '","page":"/p/' || CAST({salted(4)} % 5000 AS VARCHAR) || '"}}' AS payload,
            CAST({salted(5)} % 5000 AS INTEGER) AS value_ms,
            CAST({salted(6)} % 100000 AS DOUBLE) / 100 AS amount
        FROM range({first_row}, {first_row + rows}) AS t(i)
    """


def generate(spec: LakeSpec, root: Path, progress: bool = True) -> None:
    """Write every day's file with one COPY each, then the manifest."""
    con = duckdb.connect()
    try:
        started = time.perf_counter()
        for index, day in enumerate(spec.day_list()):
            target = root / partition_key(day)
            target.parent.mkdir(parents=True, exist_ok=True)
            select = day_select_sql(index * spec.rows_per_day, spec.rows_per_day)
            con.execute(f"COPY ({select}) TO '{target}' (FORMAT parquet)")
            if progress and (index + 1) % 30 == 0:
                elapsed = time.perf_counter() - started
                print(f"    {index + 1}/{spec.days} days written ({elapsed:.0f}s)", flush=True)
    finally:
        con.close()


def write_manifest(spec: LakeSpec, root: Path) -> None:
    """Record the files and their sizes; its presence marks a complete lake."""
    files = []
    for day in spec.day_list():
        key = partition_key(day)
        files.append(
            {
                "year": f"{day:%Y}",
                "month": f"{day:%m}",
                "day": f"{day:%d}",
                "relative_key": key,
                "size": (root / key).stat().st_size,
            }
        )
    manifest = {"name": spec.name, "rows_per_day": spec.rows_per_day, "files": files}
    (root / "manifest.json").write_text(json.dumps(manifest, indent=1))


def load(spec: LakeSpec, root: Path) -> Lake:
    """Read a complete lake's manifest."""
    manifest = json.loads((root / "manifest.json").read_text())
    return Lake(spec, root, [DayFile(**entry) for entry in manifest["files"]])


def ensure_lake(spec: LakeSpec, data_dir: Path = DATA_DIR) -> Lake:
    """The cached lake for ``spec``, generating it first if needed."""
    root = data_dir / spec.name
    if (root / "manifest.json").exists():
        return load(spec, root)
    print(
        f"  generating {spec.total_rows:,} rows over {spec.days} days into "
        f"{root} (once; reused later) ...",
        flush=True,
    )
    shutil.rmtree(root, ignore_errors=True)
    started = time.perf_counter()
    generate(spec, root)
    write_manifest(spec, root)
    lake = load(spec, root)
    print(
        f"  lake ready: {len(lake.files)} files, {lake.total_bytes / 2**20:,.0f} MiB "
        f"in {time.perf_counter() - started:.0f}s",
        flush=True,
    )
    return lake


def column_chunk_bytes(path: Path, columns: set[str]) -> int:
    """Compressed bytes of the named columns' chunks over all row groups of one file.

    This is what a Parquet reader must fetch to read those columns, and what
    Athena bills as data scanned for them.
    """
    meta = pq.ParquetFile(path).metadata
    total = 0
    for group in range(meta.num_row_groups):
        row_group = meta.row_group(group)
        for index in range(row_group.num_columns):
            chunk = row_group.column(index)
            if chunk.path_in_schema in columns:
                total += chunk.total_compressed_size
    return total
