"""Hostile keys are stored and read back exactly and never touch a path outside the
data dir (issue: Storage)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lakestack.emulator import Emulator

HOSTILE_KEYS = [
    "../../etc/passwd",
    "a/../../b",
    "/leading",
    "x//y",
    "ctrl\x01\x02\x1fchars",
    "tab\tand\nnewline",
    "..",
    ".",
    "a/./b/../c",
    "unicode/å∫ç/日本語/🙂",
    "spaces and %2F and + and ?=&#",
    "k" * 1024,
]


def _tree(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


@pytest.fixture
def sandboxed(tmp_path: Path):  # type: ignore[no-untyped-def]
    data = tmp_path / "sandbox" / "data"
    emu = Emulator(data, port=0).start()
    try:
        yield emu, tmp_path
    finally:
        emu.stop()


def test_hostile_keys_round_trip_inside_the_data_dir(sandboxed) -> None:  # type: ignore[no-untyped-def]
    emu, root = sandboxed
    before = _tree(root)
    s3 = emu.client("s3")
    s3.create_bucket(Bucket="paths")
    for i, key in enumerate(HOSTILE_KEYS):
        s3.put_object(Bucket="paths", Key=key, Body=f"body-{i}".encode())
    for i, key in enumerate(HOSTILE_KEYS):
        assert s3.get_object(Bucket="paths", Key=key)["Body"].read() == f"body-{i}".encode()
    listed = [o["Key"] for o in s3.list_objects_v2(Bucket="paths")["Contents"]]
    assert sorted(listed, key=lambda k: k.encode()) == listed
    assert set(listed) == set(HOSTILE_KEYS)
    created = _tree(root) - before
    data_dir = os.path.join("sandbox", "data")
    outside = [
        p
        for p in created
        if not (p == data_dir or p.startswith(data_dir + os.sep)) and p != "sandbox"
    ]
    assert outside == [], f"files created outside the data dir: {outside}"
    assert not any("passwd" in p for p in created)
