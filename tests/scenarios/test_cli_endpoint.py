"""The CLI finds the server as a user expects: ``--endpoint``, then ``AWS_ENDPOINT_URL``,
then the server recorded in the data dir, then ``http://127.0.0.1:4566``; it never
starts an endpoint of its own unless told (``--embedded``); failures are one line; one
server per data dir; ``serve`` shuts down promptly on SIGTERM, children included."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from lakestack.cli._client import (
    RECORD_NAME,
    pid_alive,
    read_server_record,
    resolve_endpoint,
)
from tests.conftest import ServeProcess, boto_client, free_port

ROLE = "arn:aws:iam::000000000000:role/glue"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """An environment with no endpoint configured and nothing on the default port."""
    clean = {k: v for k, v in os.environ.items() if k != "AWS_ENDPOINT_URL"}
    return {
        **clean,
        "LAKESTACK_HOME": str(tmp_path / "home"),
        "LAKESTACK_PORT": str(free_port()),
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
    }


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lakestack.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def error_line(out: subprocess.CompletedProcess[str]) -> str:
    """The one line a failed command printed (after the endpoint it announced)."""
    assert out.returncode == 1, out
    assert "Traceback" not in out.stderr, out.stderr
    lines = [ln for ln in out.stderr.splitlines() if not ln.startswith("lakestack: using ")]
    assert len(lines) == 1, out.stderr
    return lines[0]


def wait_for_record(data_dir: Path) -> dict[str, object]:
    deadline = time.monotonic() + 10
    while (record := read_server_record(data_dir)) is None:
        assert time.monotonic() < deadline, "serve wrote no server record"
        time.sleep(0.05)
    return record


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServeProcess]:
    proc = ServeProcess(tmp_path / "data", quiet=False).start()
    wait_for_record(proc.data_dir)
    yield proc
    proc.stop()


# -- resolution order -------------------------------------------------------------------


def test_resolution_order_endpoint_then_env_then_record_then_default(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    env = {"AWS_ENDPOINT_URL": "http://from-env:1"}
    (data / RECORD_NAME).write_text(json.dumps({"url": "http://rec:2", "pid": os.getpid()}))
    assert resolve_endpoint("http://flag:3/", data, 4566, env).url == "http://flag:3"
    assert resolve_endpoint(None, data, 4566, env).source == "AWS_ENDPOINT_URL"
    recorded = resolve_endpoint(None, data, 4566, {})
    assert recorded.url == "http://rec:2" and str(data) in recorded.source
    (data / RECORD_NAME).unlink()
    assert resolve_endpoint(None, data, 4566, {}).url == "http://127.0.0.1:4566"


def test_stale_server_record_is_ignored(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    assert not pid_alive(dead.pid)
    (tmp_path / RECORD_NAME).write_text(json.dumps({"url": "http://rec:2", "pid": dead.pid}))
    assert resolve_endpoint(None, tmp_path, 4566, {}).source == "default"


def test_status_says_which_endpoint_it_uses_for_each_source(
    server: ServeProcess, env: dict[str, str], tmp_path: Path
) -> None:
    recorded = cli(env, "status", "--data-dir", str(server.data_dir))
    assert recorded.returncode == 0 and "running" in recorded.stdout
    assert f"data dir: {server.data_dir}" in recorded.stdout
    assert f"lakestack: using {server.url} (from the server recorded in" in recorded.stderr
    from_env = cli({**env, "AWS_ENDPOINT_URL": server.url}, "status")
    assert f"using {server.url} (from AWS_ENDPOINT_URL)" in from_env.stderr
    assert from_env.returncode == 0
    flag = cli(
        {**env, "AWS_ENDPOINT_URL": "http://127.0.0.1:9"}, "status", "--endpoint", server.url
    )
    assert f"using {server.url} (from --endpoint)" in flag.stderr and flag.returncode == 0
    default = cli(env, "status", "--data-dir", str(tmp_path / "elsewhere"))
    port = env["LAKESTACK_PORT"]
    assert f"using http://127.0.0.1:{port} (from default)" in default.stderr
    assert default.returncode == 1 and "lakestack serve" in default.stdout


def test_serve_removes_its_record_on_shutdown(server: ServeProcess) -> None:
    record = wait_for_record(server.data_dir)
    assert record["url"] == server.url and record["pid"] == server.proc.pid  # type: ignore[union-attr]
    server.stop()
    assert not (server.data_dir / RECORD_NAME).exists()


# -- no silent embedded endpoint --------------------------------------------------------


def test_query_without_a_server_says_how_to_start_one(env: dict[str, str], tmp_path: Path) -> None:
    data = tmp_path / "data"
    line = error_line(cli(env, "query", "SELECT 1", "--data-dir", str(data)))
    assert line.startswith("lakestack: error: no lakestack server at http://127.0.0.1:")
    assert "`lakestack serve`" in line and "--embedded" in line
    assert not data.exists()  # nothing was started on the data dir


def test_query_embedded_runs_an_endpoint_on_the_data_dir(
    env: dict[str, str], tmp_path: Path
) -> None:
    out = cli(env, "query", "SELECT 6 * 7 AS x", "--embedded", "--data-dir", str(tmp_path / "d"))
    assert out.returncode == 0, out.stderr
    assert "42" in out.stdout and "(--embedded)" in out.stderr


def test_query_uses_the_recorded_server(server: ServeProcess, env: dict[str, str]) -> None:
    s3 = boto_client("s3", server.url)
    s3.create_bucket(Bucket="results")  # type: ignore[attr-defined]
    out = cli(
        env,
        "query",
        "SELECT 1 AS one",
        "--output",
        "s3://results/q/",
        "--data-dir",
        str(server.data_dir),
    )
    assert out.returncode == 0, out.stderr
    assert "one" in out.stdout and "from the server recorded in" in out.stderr


# -- one-line errors --------------------------------------------------------------------


def test_serve_on_a_busy_port_fails_in_one_line_and_leaves_no_data_dir(
    env: dict[str, str], tmp_path: Path
) -> None:
    with socket.create_server(("127.0.0.1", 0)) as busy:
        port = busy.getsockname()[1]
        data = tmp_path / "new" / "data"
        out = cli(env, "serve", "--port", str(port), "--data-dir", str(data))
    line = error_line(out)
    assert line.startswith(f"lakestack: error: port {port} is in use (pid {os.getpid()}")
    assert "serving" not in out.stderr
    assert not (tmp_path / "new").exists()


def test_busy_port_names_the_lakestack_server_holding_it(
    server: ServeProcess, env: dict[str, str], tmp_path: Path
) -> None:
    out = cli(env, "serve", "--port", str(server.port), "--data-dir", str(tmp_path / "other"))
    pid = server.proc.pid  # type: ignore[union-attr]
    assert error_line(out) == (
        f"lakestack: error: port {server.port} is in use (pid {pid}: lakestack serve)"
    )
    assert not (tmp_path / "other").exists()


def test_second_server_on_the_same_data_dir_exits_naming_the_holder(
    server: ServeProcess, env: dict[str, str]
) -> None:
    out = cli(env, "serve", "--port", str(free_port()), "--data-dir", str(server.data_dir))
    pid = server.proc.pid  # type: ignore[union-attr]
    assert error_line(out) == f"lakestack: error: data dir {server.data_dir} is in use by pid {pid}"
    # the first server is untouched and still recorded
    assert wait_for_record(server.data_dir)["pid"] == pid
    assert cli(env, "status", "--endpoint", server.url).returncode == 0


def test_embedded_commands_refuse_a_served_data_dir(
    server: ServeProcess, env: dict[str, str]
) -> None:
    out = cli(env, "reset", "--embedded", "--data-dir", str(server.data_dir))
    assert "is in use by pid" in error_line(out)


@pytest.mark.parametrize("command", [["query", "SELECT 1"], ["bill"], ["reset"]])
def test_unreachable_endpoint_is_one_line(env: dict[str, str], command: list[str]) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    line = error_line(cli(env, *command, "--endpoint", url))
    assert line.startswith(f"lakestack: error: no lakestack server at {url} (from --endpoint)")


def test_debug_shows_the_traceback(env: dict[str, str]) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    out = cli(env, "--debug", "bill", "--endpoint", url)
    assert out.returncode == 1 and "Traceback" in out.stderr


# -- bill from the running server -------------------------------------------------------


def test_bill_asks_the_running_server(server: ServeProcess, env: dict[str, str]) -> None:
    s3 = boto_client("s3", server.url)
    s3.create_bucket(Bucket="billed")  # type: ignore[attr-defined]
    for i in range(3):
        s3.put_object(Bucket="billed", Key=f"k{i}", Body=b"x")  # type: ignore[attr-defined]
    out = cli(env, "bill", "--data-dir", str(server.data_dir))  # the server is still running
    assert out.returncode == 0, out.stderr
    put_line = next(line for line in out.stdout.splitlines() if "PutObject" in line)
    assert " 3 " in put_line and "Requests-Tier1" in put_line
    assert str(server.data_dir) in out.stdout
    log = server.log.read_text()
    assert "internal.bill 200" in log


# -- logging and shutdown ---------------------------------------------------------------


def test_rejected_requests_log_their_service(tmp_path: Path) -> None:
    server = ServeProcess(tmp_path / "data", "--auth", "strict", quiet=False).start()
    try:
        bad = {"aws_access_key_id": "AKIAUNKNOWN1", "aws_secret_access_key": "x"}
        with pytest.raises(Exception, match="InvalidAccessKeyId"):
            boto_client("s3", server.url, **bad).list_buckets()  # type: ignore[attr-defined]
        with pytest.raises(Exception, match="UnrecognizedClient"):
            boto_client("glue", server.url, **bad).get_databases()  # type: ignore[attr-defined]
        unsigned = subprocess.run(
            ["curl", "-s", "-o", "/dev/null", "-X", "POST", server.url + "/_lakestack/reset"],
            check=False,
        )
        assert unsigned.returncode == 0
    finally:
        server.stop()
    lines = [ln for ln in server.log.read_text().splitlines() if ln.endswith("ms")]
    assert not [ln for ln in lines if " -.- " in ln], lines
    assert any(" s3.- 403 " in ln for ln in lines), lines  # refused before parsing
    assert any(" glue.- 4" in ln for ln in lines), lines
    assert any(" internal.reset 403 " in ln for ln in lines), lines


def test_sigterm_stops_the_server_and_its_glue_jobs(tmp_path: Path) -> None:
    server = ServeProcess(tmp_path / "data", quiet=False).start()
    pid_file = tmp_path / "job.pid"
    try:
        s3, glue = boto_client("s3", server.url), boto_client("glue", server.url)
        s3.create_bucket(Bucket="code")  # type: ignore[attr-defined]
        script = (
            "import os, sys, time\n"
            "args = dict(zip(sys.argv[1::2], sys.argv[2::2]))\n"
            "open(args['--pid_file'], 'w').write(str(os.getpid()))\n"
            "time.sleep(600)\n"
        )
        s3.put_object(Bucket="code", Key="sleep.py", Body=script.encode())  # type: ignore[attr-defined]
        glue.create_job(  # type: ignore[attr-defined]
            Name="sleeper",
            Role=ROLE,
            Command={"Name": "pythonshell", "ScriptLocation": "s3://code/sleep.py"},
        )
        glue.start_job_run(JobName="sleeper", Arguments={"--pid_file": str(pid_file)})  # type: ignore[attr-defined]
        deadline = time.monotonic() + 60
        while not pid_file.exists() or not pid_file.read_text():
            assert time.monotonic() < deadline, server.log.read_text()
            time.sleep(0.05)
        job_pid = int(pid_file.read_text())
        assert server.proc is not None
        server.proc.send_signal(signal.SIGTERM)
        server.proc.wait(10)  # generous: the promise is 2 s
    finally:
        server.stop()
    log = server.log.read_text()
    assert "lakestack: shutting down" in log and "lakestack: stopped" in log
    assert not _running(job_pid), "the Glue job outlived the server"


def _running(pid: int) -> bool:
    """Alive and not a zombie waiting to be reaped."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return False
        if state == "Z":
            return False
        time.sleep(0.05)
    return True
