"""The internal lake routes Glue scripts use (``/_lakestack/s3/*``, ``glue/bookmark``):
JSON in and out, AWS error codes for bad input, never a crash."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lakestack.emulator import Emulator
from lakestack.testing.internal import internal_request


def _post(emu: Emulator, route: str, body: Any, raw: bytes | None = None) -> tuple[int, Any]:
    return internal_request(emu.endpoint_url, route, body, raw=raw)


def test_files_staging_adopt_round_trip(lakestack: Emulator) -> None:
    s3 = lakestack.client("s3")
    s3.create_bucket(Bucket="lake")
    status, staged = _post(lakestack, "s3/staging", {})
    assert status == 200
    directory = Path(staged["path"])
    (directory / "k=1").mkdir()
    (directory / "k=1" / "part-0.json").write_bytes(b'{"a": 1}\n')
    (directory / "_SUCCESS").write_bytes(b"")
    (directory / "k=1" / ".part-0.json.crc").write_bytes(b"crc")
    status, adopted = _post(
        lakestack, "s3/adopt", {"bucket": "lake", "prefix": "out/", "directory": str(directory)}
    )
    assert status == 200
    assert [o["key"] for o in adopted["objects"]] == ["out/k=1/part-0.json"]
    assert not directory.exists()
    assert s3.get_object(Bucket="lake", Key="out/k=1/part-0.json")["Body"].read() == b'{"a": 1}\n'
    status, files = _post(lakestack, "s3/files", {"bucket": "lake", "prefix": "out/"})
    assert status == 200 and [f["key"] for f in files["files"]] == ["out/k=1/part-0.json"]
    assert Path(files["files"][0]["path"]).read_bytes() == b'{"a": 1}\n'


def test_files_of_many_prefixes_in_one_request(lakestack: Emulator) -> None:
    s3 = lakestack.client("s3")
    s3.create_bucket(Bucket="lake")
    for key in ("t/d=1/a", "t/d=2/b", "t/d=2/c"):
        s3.put_object(Bucket="lake", Key=key, Body=b"x")
    status, body = _post(
        lakestack, "s3/files", {"bucket": "lake", "prefixes": ["t/d=2/", "t/d=3/", "t/d=1/"]}
    )
    assert status == 200
    assert [[f["key"] for f in g] for g in body["groups"]] == [
        ["t/d=2/b", "t/d=2/c"],
        [],
        ["t/d=1/a"],
    ]


def test_missing_bucket_is_no_such_bucket_404(lakestack: Emulator) -> None:
    status, body = _post(lakestack, "s3/files", {"bucket": "nosuch", "prefix": ""})
    assert (status, body["error"]["code"]) == (404, "NoSuchBucket")


def test_adopt_outside_staging_is_refused_and_nothing_moves(
    lakestack: Emulator, tmp_path: Path
) -> None:
    lakestack.client("s3").create_bucket(Bucket="lake")
    (tmp_path / "f.txt").write_bytes(b"mine")
    status, body = _post(
        lakestack, "s3/adopt", {"bucket": "lake", "prefix": "", "directory": str(tmp_path)}
    )
    assert (status, body["error"]["code"]) == (400, "InvalidRequest")
    assert (tmp_path / "f.txt").read_bytes() == b"mine"


@pytest.mark.parametrize("raw", [b"not json", b'{"prefix": "x"}', b"[1, 2]"])
def test_malformed_bodies_get_400_and_the_server_stays_up(lakestack: Emulator, raw: bytes) -> None:
    status, body = _post(lakestack, "s3/files", None, raw=raw)
    assert status == 400 and body["error"]["code"] == "InvalidRequest"
    assert lakestack.client("s3").list_buckets()["Buckets"] == []


def test_bookmark_load_commit_and_reset_through_glue_api(lakestack: Emulator) -> None:
    glue = lakestack.client("glue")
    glue.create_job(
        Name="j",
        Role="arn:aws:iam::000000000000:role/r",
        Command={"Name": "pythonshell", "ScriptLocation": "s3://b/s.py"},
    )
    assert _post(lakestack, "glue/bookmark", {"action": "load", "job": "j"})[1] == {"state": {}}
    state = {"src": {"raw/a.json": 1.5}}
    status, _ = _post(
        lakestack,
        "glue/bookmark",
        {"action": "commit", "job": "j", "run_id": "jr_1", "state": state},
    )
    assert status == 200
    assert _post(lakestack, "glue/bookmark", {"action": "load", "job": "j"})[1] == {"state": state}
    entry = glue.get_job_bookmark(JobName="j")["JobBookmarkEntry"]
    assert (entry["Version"], entry["Run"], entry["RunId"]) == (1, 1, "jr_1")
    assert json.loads(entry["JobBookmark"]) == state
    reset = glue.reset_job_bookmark(JobName="j")["JobBookmarkEntry"]
    assert reset["Version"] == 2 and json.loads(reset["JobBookmark"]) == {}
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.reset_job_bookmark(JobName="j", RunId="jr_nosuch")
    glue.delete_job(JobName="j")
    assert _post(lakestack, "glue/bookmark", {"action": "load", "job": "j"})[1] == {"state": {}}
