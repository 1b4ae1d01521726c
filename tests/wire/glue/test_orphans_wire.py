"""A server killed with SIGKILL leaves no Glue process behind: the Python-shell script
dies with it (parent-death signal), and what the script started itself is killed when
the next server opens the same data dir (the recorded process group)."""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import ServeProcess, boto_client

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="parent-death signals are Linux's"
)

SCRIPT = """
import subprocess, sys, time
args = dict(zip(sys.argv[1::2], sys.argv[2::2]))
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
with open(args["--pids"] + ".tmp", "w") as f:
    f.write(f"{__import__('os').getpid()} {child.pid}")
__import__("os").replace(args["--pids"] + ".tmp", args["--pids"])
time.sleep(600)
"""


def _alive(pid: int) -> bool:
    """Running (a zombie, dead but not yet reaped by its new parent, counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _until(condition: Callable[[], bool], seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_sigkill_of_server_kills_glue_script_and_restart_reaps_its_children(
    tmp_path: Path,
) -> None:
    pids_file = tmp_path / "pids"
    server = ServeProcess(tmp_path / "data").start()
    leftovers: list[int] = []
    try:
        s3, glue = boto_client("s3", server.url), boto_client("glue", server.url)
        s3.create_bucket(Bucket="scripts")  # type: ignore[attr-defined]
        s3.put_object(Bucket="scripts", Key="sleep.py", Body=SCRIPT.encode())  # type: ignore[attr-defined]
        glue.create_job(  # type: ignore[attr-defined]
            Name="sleepy",
            Role="arn:aws:iam::000000000000:role/glue",
            Command={"Name": "pythonshell", "ScriptLocation": "s3://scripts/sleep.py"},
        )
        glue.start_job_run(JobName="sleepy", Arguments={"--pids": str(pids_file)})  # type: ignore[attr-defined]
        assert _until(pids_file.exists), "the script never started"
        script, grandchild = (int(p) for p in pids_file.read_text().split())
        leftovers += [script, grandchild]
        assert _alive(script) and _alive(grandchild)
        assert (tmp_path / "data" / "glue" / "children" / str(script)).exists()

        server.kill()  # SIGKILL: no shutdown code runs

        assert _until(lambda: not _alive(script)), "the script outlived the server"
        assert _alive(grandchild)  # not the server's child: left for the next start

        again = ServeProcess(tmp_path / "data").start()
        try:
            assert _until(lambda: not _alive(grandchild)), "the restart did not reap it"
            assert not list((tmp_path / "data" / "glue" / "children").glob("[0-9]*"))
        finally:
            again.stop()
    finally:
        server.kill()
        for pid in leftovers:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
