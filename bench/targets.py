"""Benchmark targets: venv setup, server start/stop, readiness and /proc stats.

Each target is one server process (plus any children it forks) started on a
free port bound to 127.0.0.1.  Peers (moto, ministack) run from their own
virtualenvs under ``bench/.venvs/``, created on first use and reused after.
lakestack runs from the current interpreter; ``lakestack@<rev>`` runs another
commit of it (a git worktree under ``bench/.worktrees/``, put first on
``PYTHONPATH``) from the same interpreter, so before/after rows come from one
run; the ceiling server is ``bench/ceiling_server.py``.  CPU time and peak RSS
are read from ``/proc`` for the whole process tree of the server.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import boto3
from botocore.client import BaseClient
from botocore.config import Config

BENCH_DIR = Path(__file__).resolve().parent
VENVS_DIR = BENCH_DIR / ".venvs"
WORKTREES_DIR = BENCH_DIR / ".worktrees"
REPO_DIR = BENCH_DIR.parent
LOGS_DIR = BENCH_DIR / "results" / "logs"
HOST = "127.0.0.1"
READY_TIMEOUT_S = 90.0
PIP_TIMEOUT_S = 900.0
STOP_TIMEOUT_S = 10.0
CLIENT_POOL_SIZE = 32
CEILING_BODY_SIZE = 1024 * 1024


class TargetError(Exception):
    """A target could not be installed, started or reached."""


def s3_client(endpoint_url: str) -> BaseClient:
    """The boto3 S3 client used for every target, with identical settings."""
    config = Config(
        region_name="us-east-1",
        retries={"max_attempts": 1},
        s3={"addressing_style": "path"},
        max_pool_connections=CLIENT_POOL_SIZE,
        connect_timeout=10,
        read_timeout=60,
    )
    return boto3.client(
        "s3",
        endpoint_url=endpoint_url,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=config,
    )


# --------------------------------------------------------------------------- venvs


def venv_python(name: str) -> Path:
    """Path of the interpreter of venv ``bench/.venvs/<name>``."""
    return VENVS_DIR / name / "bin" / "python"


def ensure_venv(name: str, requirements: list[str]) -> Path:
    """Create ``bench/.venvs/<name>`` with ``requirements`` unless already done.

    A marker file records what was installed, so a second run skips pip.
    """
    python = venv_python(name)
    marker = VENVS_DIR / name / ".bench-installed"
    wanted = "\n".join(requirements)
    if python.exists() and marker.exists() and marker.read_text() == wanted:
        return python
    VENVS_DIR.mkdir(parents=True, exist_ok=True)
    if not python.exists():
        run_logged([sys.executable, "-m", "venv", str(VENVS_DIR / name)], f"venv {name}")
    print(f"  installing {' '.join(requirements)} into bench/.venvs/{name} ...", flush=True)
    run_logged(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            *requirements,
        ],
        f"pip install for {name}",
    )
    marker.write_text(wanted)
    return python


def run_logged(cmd: list[str], what: str) -> None:
    """Run a setup command; raise TargetError with its output tail on failure."""
    try:
        done = subprocess.run(
            cmd, capture_output=True, text=True, timeout=PIP_TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise TargetError(f"{what} timed out after {PIP_TIMEOUT_S:.0f}s") from exc
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
        raise TargetError(f"{what} failed (exit {done.returncode}):\n{tail}")


# --------------------------------------------------------------------------- target specs


@dataclass(frozen=True)
class Launch:
    """How to start one server: argv, extra env and working directory."""

    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class TargetSpec:
    """A benchmark target: how to prepare it and how to launch it on a port."""

    name: str
    description: str
    prepare: Callable[[], Path]
    launch: Callable[[Path, int, Path], Launch]
    supports_listing: bool = True


def prepare_lakestack() -> Path:
    """lakestack runs from this interpreter; check its serve command exists."""
    try:
        found = importlib.util.find_spec("lakestack.cli.main")
    except ModuleNotFoundError:
        found = None
    if found is None:
        raise TargetError(
            "module lakestack.cli.main not found: `python -m lakestack.cli.main serve` "
            "is not implemented yet in this checkout"
        )
    return Path(sys.executable)


def launch_lakestack(python: Path, port: int, workdir: Path) -> Launch:
    """``python -m lakestack.cli.main serve`` with a throwaway data dir."""
    data_dir = workdir / "data"
    data_dir.mkdir()
    return Launch(
        [
            str(python),
            "-m",
            "lakestack.cli.main",
            "serve",
            "--host",
            HOST,
            "--port",
            str(port),
            "--data-dir",
            str(data_dir),
        ]
    )


def prepare_lakestack_at(rev: str) -> Path:
    """A detached git worktree of ``rev`` under ``bench/.worktrees/<commit>`` (made once).

    Raises:
        TargetError: ``rev`` names no commit, or the worktree cannot be made.
    """
    try:
        commit = git("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    except TargetError:
        raise TargetError(f"{rev!r} names no commit of this repository") from None
    tree = WORKTREES_DIR / commit[:12]
    if not (tree / "src" / "lakestack" / "cli" / "main.py").exists():
        WORKTREES_DIR.mkdir(parents=True, exist_ok=True)
        git("worktree", "prune")
        git("worktree", "add", "--detach", "--force", str(tree), commit)
    return tree


def git(*args: str) -> str:
    """Run git in this repository; its stdout, stripped."""
    done = subprocess.run(
        ["git", *args], cwd=REPO_DIR, capture_output=True, text=True, timeout=120, check=False
    )
    if done.returncode != 0:
        raise TargetError(f"git {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout.strip()


def lakestack_at(rev: str) -> TargetSpec:
    """The target ``lakestack@<rev>``: that commit's serve, run from this interpreter."""

    def launch(tree: Path, port: int, workdir: Path) -> Launch:
        base = launch_lakestack(Path(sys.executable), port, workdir)
        path = os.pathsep.join(p for p in (str(tree / "src"), os.environ.get("PYTHONPATH")) if p)
        return Launch(base.argv, {**base.env, "PYTHONPATH": path})

    return TargetSpec(
        f"lakestack@{rev}",
        f"python -m lakestack.cli.main serve at {rev} (git worktree, PYTHONPATH, this interpreter)",
        lambda: prepare_lakestack_at(rev),
        launch,
    )


def launch_moto(python: Path, port: int, workdir: Path) -> Launch:
    """``moto_server -H 127.0.0.1 -p PORT`` (threaded werkzeug, in memory)."""
    return Launch([str(python.parent / "moto_server"), "-H", HOST, "-p", str(port)])


def launch_ministack(python: Path, port: int, workdir: Path) -> Launch:
    """``python -m ministack`` (hypercorn); port and bind host come from env vars.

    TMPDIR is pointed at the work dir so its pid file lands there, and
    S3_DATA_DIR likewise (it keeps S3 in memory unless S3_PERSIST=1).
    """
    env = {
        "GATEWAY_PORT": str(port),
        "BIND_HOST": HOST,
        "TMPDIR": str(workdir),
        "S3_DATA_DIR": str(workdir / "s3"),
    }
    return Launch([str(python), "-m", "ministack"], env)


def launch_ceiling(python: Path, port: int, workdir: Path) -> Launch:
    """The bare loopback server in ``bench/ceiling_server.py``."""
    return Launch(
        [
            str(python),
            str(BENCH_DIR / "ceiling_server.py"),
            "--port",
            str(port),
            "--body-size",
            str(CEILING_BODY_SIZE),
        ]
    )


TARGETS: dict[str, TargetSpec] = {
    "lakestack": TargetSpec(
        "lakestack",
        "python -m lakestack.cli.main serve (this checkout)",
        prepare_lakestack,
        launch_lakestack,
    ),
    "moto": TargetSpec(
        "moto",
        "moto[server] from PyPI, moto_server",
        lambda: ensure_venv("moto", ["moto[server]"]),
        launch_moto,
    ),
    "ministack": TargetSpec(
        "ministack",
        "ministack from PyPI, python -m ministack",
        lambda: ensure_venv("ministack", ["ministack"]),
        launch_ministack,
    ),
    "ceiling": TargetSpec(
        "ceiling",
        "bench/ceiling_server.py (no storage)",
        lambda: Path(sys.executable),
        launch_ceiling,
        supports_listing=False,
    ),
}


def target_spec(name: str) -> TargetSpec:
    """The target called ``name``: one of :data:`TARGETS` or ``lakestack@<git rev>``.

    Raises:
        KeyError: no such target.
    """
    if name in TARGETS:
        return TARGETS[name]
    base, at, rev = name.partition("@")
    if base == "lakestack" and at and rev.strip():
        return lakestack_at(rev.strip())
    raise KeyError(name)


def peer_version(spec: TargetSpec, python: Path) -> str:
    """Installed version of the target's package (best effort)."""
    if spec.name.startswith("lakestack@"):
        return "commit " + python.name  # python is the worktree, named by its commit
    package = {"moto": "moto", "ministack": "ministack", "lakestack": "lakestack"}.get(spec.name)
    if package is None:
        return "-"
    code = f"import importlib.metadata as m; print(m.version({package!r}))"
    done = subprocess.run(
        [str(python), "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    return done.stdout.strip() or "?"


# --------------------------------------------------------------------------- processes


def free_port() -> int:
    """A currently unused TCP port on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


class Server:
    """One running target server in its own session (process group)."""

    def __init__(self, spec: TargetSpec, python: Path) -> None:
        self.spec = spec
        self.python = python
        self.port = free_port()
        self.workdir = Path(tempfile.mkdtemp(prefix=f"bench-{spec.name}-"))
        LOGS_DIR.mkdir(parents=True, exist_ok=True)
        self.log_path = LOGS_DIR / f"{spec.name}-{time.strftime('%Y%m%dT%H%M%S')}-{self.port}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def start(self) -> None:
        """Spawn the server with output going to a log file."""
        launch = self.spec.launch(self.python, self.port, self.workdir)
        env = {**os.environ, **launch.env}
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                launch.argv,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                cwd=self.workdir,
                env=env,
                start_new_session=True,
            )

    def wait_ready(self, timeout_s: float = READY_TIMEOUT_S) -> None:
        """Poll a TCP connect, then S3 ListBuckets, until both succeed."""
        deadline = time.monotonic() + timeout_s
        client = s3_client(self.endpoint)
        last_error = "no attempt"
        while time.monotonic() < deadline:
            self.check_alive()
            try:
                with socket.create_connection((HOST, self.port), timeout=1):
                    pass
                client.list_buckets()
                return
            except Exception as exc:  # noqa: BLE001 - any failure means "not yet"
                last_error = f"{type(exc).__name__}: {exc}"
                time.sleep(0.25)
        raise TargetError(f"not ready after {timeout_s:.0f}s ({last_error}){self.log_tail()}")

    def check_alive(self) -> None:
        """Raise TargetError if the server process has exited."""
        assert self.proc is not None
        code = self.proc.poll()
        if code is not None:
            raise TargetError(f"server exited with code {code}{self.log_tail()}")

    def log_tail(self, lines: int = 12) -> str:
        """Last lines of the server log, indented, for error messages."""
        try:
            text = self.log_path.read_text(errors="replace").strip().splitlines()[-lines:]
        except OSError:
            return ""
        return "\n    log " + str(self.log_path) + ":\n" + "\n".join("    | " + t for t in text)

    def stop(self) -> None:
        """SIGTERM the server's process group, SIGKILL it if it lingers."""
        if self.proc is not None and self.proc.poll() is None:
            signal_group(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                signal_group(self.proc.pid, signal.SIGKILL)
                self.proc.wait(STOP_TIMEOUT_S)
        shutil.rmtree(self.workdir, ignore_errors=True)

    def cpu_seconds(self) -> float:
        """User+system CPU seconds of the server's process tree so far."""
        return sum(proc_cpu_seconds(pid) for pid in process_tree(self.pid))

    def peak_rss_mib(self) -> float:
        """Sum of VmHWM over the server's process tree, in MiB."""
        return sum(proc_status_kib(pid, "VmHWM") for pid in process_tree(self.pid)) / 1024


def signal_group(pid: int, sig: signal.Signals) -> None:
    """Signal the process group led by ``pid`` (started with start_new_session)."""
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        pass


# --------------------------------------------------------------------------- /proc


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def read_stat_fields(pid: int) -> list[str]:
    """Fields of /proc/<pid>/stat after the ``(comm)`` field (index 0 = state)."""
    text = Path(f"/proc/{pid}/stat").read_text()
    return text[text.rindex(")") + 2 :].split()


def proc_cpu_seconds(pid: int) -> float:
    """utime+stime of one process in seconds (0 if it is gone)."""
    try:
        fields = read_stat_fields(pid)
    except (OSError, ValueError):
        return 0.0
    utime, stime = int(fields[11]), int(fields[12])
    return (utime + stime) / CLOCK_TICKS


def proc_status_kib(pid: int, key: str) -> int:
    """A ``kB`` value such as VmHWM from /proc/<pid>/status (0 if missing)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def process_tree(root: int) -> list[int]:
    """``root`` and all its live descendants."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int(read_stat_fields(int(entry.name))[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree
