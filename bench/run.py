"""Benchmark runner: ``python bench/run.py SUITE [--quick] [--targets a,b,c]``.

Suites are dispatched by name from ``SUITES``; each suite module exposes
``main(target_names, quick, rounds) -> exit code`` (``rounds`` None means the
suite's default).  Suites: ``s3`` (``s3_bench.py``) and ``athena``
(``athena_bench.py``; it runs the SQL targets among ``--targets`` and notes the
others) and ``glue`` (``glue_bench.py``; lakestack's Glue ETL against plain PySpark
and DuckDB, ``--rounds`` is its number of warm runs).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import athena_bench  # noqa: E402
import glue_bench  # noqa: E402
import s3_bench  # noqa: E402
from targets import TARGETS, target_spec  # noqa: E402

SuiteMain = Callable[[list[str], bool, int | None], int]
SUITES: dict[str, SuiteMain] = {
    "s3": s3_bench.main,
    "athena": athena_bench.main,
    "glue": glue_bench.main,
}
DEFAULT_TARGETS = "lakestack,moto,ministack,ceiling"


def parse_targets(text: str) -> list[str]:
    """Comma-separated target names, validated against the known targets
    (``lakestack@<git rev>`` is that commit of lakestack, for before/after rows)."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if not _known(name)]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown target(s) {', '.join(unknown) or '(none)'}; known: {', '.join(TARGETS)}"
            ", lakestack@<git rev>"
        )
    return list(dict.fromkeys(names))


def _known(name: str) -> bool:
    try:
        target_spec(name)
    except KeyError:
        return False
    return True


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description="lakestack benchmarks")
    parser.add_argument("suite", choices=sorted(SUITES), help="benchmark suite to run")
    parser.add_argument(
        "--quick", action="store_true", help="short smoke run (1 round, few requests)"
    )
    parser.add_argument(
        "--targets",
        type=parse_targets,
        default=parse_targets(DEFAULT_TARGETS),
        help=f"comma-separated targets (default {DEFAULT_TARGETS}); lakestack@REV runs "
        "commit REV of lakestack beside this checkout",
    )
    parser.add_argument(
        "--rounds", type=int, default=None, help="number of rounds (default: 3, or 1 with --quick)"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    return SUITES[args.suite](args.targets, args.quick, args.rounds)


if __name__ == "__main__":
    sys.exit(main())
