"""Unit tests for benchmark target selection, ``lakestack@<rev>`` included (no servers).

Run with ``python -m pytest bench/test_targets.py``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # noqa: E402
import s3_bench  # noqa: E402
import targets  # noqa: E402


def test_lakestack_at_rev_is_a_target_beside_the_known_ones() -> None:
    assert run.parse_targets("lakestack, lakestack@HEAD~1,ceiling") == [
        "lakestack",
        "lakestack@HEAD~1",
        "ceiling",
    ]
    spec = targets.target_spec("lakestack@HEAD~1")
    assert spec.name == "lakestack@HEAD~1" and "HEAD~1" in spec.description


@pytest.mark.parametrize("text", ["moto@1", "lakestack@", "nope", ""])
def test_unknown_targets_are_refused(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        run.parse_targets(text)


def test_lakestack_at_rev_runs_the_worktree_source_from_this_interpreter(
    tmp_path: Path,
) -> None:
    tree = tmp_path / "tree"
    launch = targets.target_spec("lakestack@abc").launch(tree, 4567, tmp_path)
    assert launch.argv[0] == sys.executable
    assert launch.argv[1:4] == ["-m", "lakestack.cli.main", "serve"]
    assert launch.env["PYTHONPATH"].split(":")[0] == str(tree / "src")


def test_a_rev_that_names_no_commit_is_a_target_error() -> None:
    with pytest.raises(targets.TargetError, match="names no commit"):
        targets.prepare_lakestack_at("no-such-rev-anywhere")


def test_report_puts_earlier_commits_beside_lakestack_with_a_ratio() -> None:
    names = ["lakestack", "lakestack@abc"]
    results = {
        "lakestack": {w.key: 2.0 for w in s3_bench.WORKLOADS},
        "lakestack@abc": {w.key: 1.0 for w in s3_bench.WORKLOADS},
    }
    text = s3_bench.table(names, results)
    header = text.splitlines()[0]
    assert "| lakestack | lakestack@abc | lakestack/lakestack@abc |" in header
    assert "| 2.00x |" in text.splitlines()[2]
