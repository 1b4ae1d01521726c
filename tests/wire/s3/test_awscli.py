"""The AWS CLI (awscli from PyPI) against the endpoint: mb, cp, ls, sync both ways, rm."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from lakestack.emulator import Emulator


def aws(emu: Emulator, *args: str, cwd: Path | None = None) -> str:
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }
    proc = subprocess.run(
        [sys.executable, "-m", "awscli", *args, "--endpoint-url", emu.endpoint_url],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_cli_mb_cp_ls_sync_rm_round_trip(lakestack: Emulator, tmp_path: Path) -> None:
    src = tmp_path / "lake"
    for day in ("01", "02", "03"):
        part = src / "raw" / "source=app" / "year=2026" / "month=01" / f"day={day}"
        part.mkdir(parents=True)
        for i in range(3):
            (part / f"events-{i}.json").write_text(f'{{"day": "{day}", "i": {i}}}\n' * 100)
    (tmp_path / "single.txt").write_text("hello cli\n")

    assert "make_bucket: cli-lake" in aws(lakestack, "s3", "mb", "s3://cli-lake")
    aws(lakestack, "s3", "cp", str(tmp_path / "single.txt"), "s3://cli-lake/single.txt")
    out = aws(lakestack, "s3", "sync", str(src), "s3://cli-lake/")
    assert out.count("upload:") == 9

    listing = aws(lakestack, "s3", "ls", "s3://cli-lake/raw/source=app/year=2026/month=01/")
    assert "PRE day=01/" in listing and "PRE day=03/" in listing
    recursive = aws(lakestack, "s3", "ls", "--recursive", "s3://cli-lake/")
    assert len(recursive.strip().splitlines()) == 10

    back = tmp_path / "back"
    aws(lakestack, "s3", "sync", "s3://cli-lake/raw/", str(back / "raw"))
    assert _tree(back) == _tree(src)
    assert aws(lakestack, "s3", "sync", str(src), "s3://cli-lake/").strip() == ""  # nothing new

    aws(lakestack, "s3", "cp", "s3://cli-lake/single.txt", str(tmp_path / "copy.txt"))
    assert (tmp_path / "copy.txt").read_text() == "hello cli\n"

    aws(lakestack, "s3", "rm", "--recursive", "s3://cli-lake/raw/")
    remaining = lakestack.client("s3").list_objects_v2(Bucket="cli-lake")["Contents"]
    assert [o["Key"] for o in remaining] == ["single.txt"]
    aws(lakestack, "s3", "rb", "s3://cli-lake", "--force")
    assert lakestack.client("s3").list_buckets()["Buckets"] == []


def test_cli_bucket_access_settings(lakestack: Emulator, tmp_path: Path) -> None:
    import json

    aws(lakestack, "s3", "mb", "s3://cli-controls")
    block = json.loads(
        aws(lakestack, "s3api", "get-public-access-block", "--bucket", "cli-controls")
    )
    assert all(block["PublicAccessBlockConfiguration"].values())
    (tmp_path / "f.txt").write_text("x")
    aws(
        lakestack,
        "s3",
        "cp",
        str(tmp_path / "f.txt"),
        "s3://cli-controls/f.txt",
        "--acl",
        "bucket-owner-full-control",
    )
    head = json.loads(
        aws(lakestack, "s3api", "head-object", "--bucket", "cli-controls", "--key", "f.txt")
    )
    assert head["ServerSideEncryption"] == "AES256"
    aws(lakestack, "s3api", "delete-public-access-block", "--bucket", "cli-controls")
    policy = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::cli-controls/*",
                }
            ],
        }
    )
    aws(lakestack, "s3api", "put-bucket-policy", "--bucket", "cli-controls", "--policy", policy)
    status = json.loads(
        aws(lakestack, "s3api", "get-bucket-policy-status", "--bucket", "cli-controls")
    )
    assert status["PolicyStatus"]["IsPublic"] is True
    # an unsigned CLI request reads what the policy makes public
    out = aws(lakestack, "s3", "cp", "s3://cli-controls/f.txt", "-", "--no-sign-request")
    assert out == "x"
