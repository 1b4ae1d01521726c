"""docs/coverage.md must match what the providers implement."""

from __future__ import annotations

from pathlib import Path

from lakestack.cli.coverage import render

DOC = Path(__file__).resolve().parents[2] / "docs" / "coverage.md"


def test_coverage_doc_is_current() -> None:
    assert DOC.read_text() == render(), (
        "docs/coverage.md is stale: run python -m lakestack.cli.coverage > docs/coverage.md"
    )
