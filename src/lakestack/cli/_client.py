"""How the client commands find and talk to a server: endpoint resolution, the server
record a running ``serve`` leaves in its data dir, SigV4-signed internal requests, who
holds a busy port, and the one-line errors the CLI prints.

Resolution order (first that applies): ``--endpoint``, ``AWS_ENDPOINT_URL``, the server
recorded in the data dir (``server.json``, ignored once its pid is gone), then
``http://127.0.0.1:4566``. Knows HTTP and files; no AWS semantics.
"""

from __future__ import annotations

import contextlib
import json
import os
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RECORD_NAME = "server.json"
DEFAULT_HOST = "127.0.0.1"
START_HINT = "start one with `lakestack serve`"


class CliError(Exception):
    """A failure the CLI reports as one line: ``lakestack: error: <message>``."""


@dataclass(frozen=True, slots=True)
class Endpoint:
    """Where a client command sends its requests, and why there."""

    url: str
    source: str
    data_dir: str | None = None  # known when the data dir's record named the server

    def announce(self) -> str:
        return f"lakestack: using {self.url} (from {self.source})"


# -- the server record ------------------------------------------------------------------


def write_server_record(data_dir: Path, url: str) -> None:
    """Tell client commands pointed at ``data_dir`` where its server listens."""
    record = {"url": url, "pid": os.getpid(), "data_dir": str(data_dir)}
    tmp = data_dir / f".{RECORD_NAME}.{os.getpid()}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(record, f)
    os.replace(tmp, data_dir / RECORD_NAME)


def remove_server_record(data_dir: Path) -> None:
    """Remove the record if this process wrote it."""
    record = _load_record(data_dir)
    if record is not None and record.get("pid") == os.getpid():
        with contextlib.suppress(FileNotFoundError):
            (data_dir / RECORD_NAME).unlink()


def read_server_record(data_dir: Path) -> dict[str, Any] | None:
    """The live server recorded in ``data_dir``; None when none is, or its pid is gone."""
    record = _load_record(data_dir)
    if record is None or not isinstance(record.get("url"), str):
        return None
    pid = record.get("pid")
    if not isinstance(pid, int) or not pid_alive(pid):
        return None
    return record


def _load_record(data_dir: Path) -> dict[str, Any] | None:
    try:
        record = json.loads((data_dir / RECORD_NAME).read_text())
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` exists (owned by anyone).

    >>> pid_alive(os.getpid())
    True
    """
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# -- resolution -------------------------------------------------------------------------


def resolve_endpoint(
    explicit: str | None, data_dir: Path, port: int, environ: Mapping[str, str] | None = None
) -> Endpoint:
    """The endpoint a client command uses, in the documented order.

    >>> resolve_endpoint(None, Path("/nonexistent"), 4566, {}).source
    'default'
    >>> resolve_endpoint(None, Path("/nonexistent"), 4566, {"AWS_ENDPOINT_URL": "http://h:1/"})
    Endpoint(url='http://h:1', source='AWS_ENDPOINT_URL', data_dir=None)
    """
    env = os.environ if environ is None else environ
    if explicit:
        return Endpoint(explicit.rstrip("/"), "--endpoint")
    if env.get("AWS_ENDPOINT_URL"):
        return Endpoint(env["AWS_ENDPOINT_URL"].rstrip("/"), "AWS_ENDPOINT_URL")
    record = read_server_record(data_dir)
    if record is not None:
        source = f"the server recorded in {data_dir}, pid {record['pid']}"
        return Endpoint(str(record["url"]).rstrip("/"), source, str(data_dir))
    return Endpoint(f"http://{DEFAULT_HOST}:{port}", "default")


# -- talking to the server --------------------------------------------------------------


def health(endpoint: Endpoint, timeout: float = 2.0) -> dict[str, Any]:
    """The server's ``/_lakestack/health`` answer.

    Raises:
        CliError: nothing answers there, or what answers is not lakestack.
    """
    try:
        with urllib.request.urlopen(endpoint.url + "/_lakestack/health", timeout=timeout) as r:
            info = json.load(r)
    except urllib.error.HTTPError as err:
        raise CliError(
            f"{endpoint.url} (from {endpoint.source}) answers, but is not lakestack "
            f"(HTTP {err.code} on /_lakestack/health)"
        ) from None
    except (urllib.error.URLError, OSError, ValueError) as err:
        raise unreachable(endpoint, err) from None
    return dict(info)


def unreachable(endpoint: Endpoint, err: BaseException | None = None) -> CliError:
    reason = getattr(err, "reason", err)
    why = f" ({reason})" if reason else ""
    return CliError(
        f"no lakestack server at {endpoint.url} (from {endpoint.source}){why}; {START_HINT}, "
        "or pass --embedded to run one inside this command"
    )


def signed_request(
    endpoint: Endpoint,
    method: str,
    route: str,
    body: bytes = b"",
    timeout: float = 30.0,
    environ: Mapping[str, str] | None = None,
) -> tuple[int, bytes]:
    """``method /_lakestack/<route>`` signed with SigV4 as an SDK would sign it.

    Credentials and region come from the environment (``AWS_ACCESS_KEY_ID``,
    ``AWS_SECRET_ACCESS_KEY``, ``AWS_SESSION_TOKEN``, ``AWS_REGION``), else the default
    ``test``/``test`` pair in us-east-1.

    Raises:
        CliError: the endpoint cannot be reached.
    """
    from lakestack.testing.internal import signed_headers

    env = os.environ if environ is None else environ
    url = f"{endpoint.url}/_lakestack/{route}"
    headers = signed_headers(
        url,
        method,
        body,
        access_key_id=env.get("AWS_ACCESS_KEY_ID") or "test",
        secret_access_key=env.get("AWS_SECRET_ACCESS_KEY") or "test",
        session_token=env.get("AWS_SESSION_TOKEN") or None,
        region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1",
        headers={"Content-Type": "application/json"} if body else None,
    )
    request = urllib.request.Request(url, data=body or None, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return int(response.status), bytes(response.read())
    except urllib.error.HTTPError as err:
        return int(err.code), bytes(err.read())
    except (urllib.error.URLError, OSError) as err:
        raise unreachable(endpoint, err) from None


def error_text(status: int, body: bytes) -> str:
    """A one-line reason from an error answer (JSON ``error``, XML ``Message``, or status).

    >>> error_text(403, b'{"error": {"code": "AccessDenied", "message": "no"}}')
    'AccessDenied: no (HTTP 403)'
    """
    code = message = ""
    try:
        doc = json.loads(body)
        err = doc.get("error", doc) if isinstance(doc, dict) else {}
        if isinstance(err, dict):
            code = str(err.get("code") or err.get("Code") or err.get("__type") or "")
            message = str(err.get("message") or err.get("Message") or "")
    except ValueError:
        text = body.decode("utf-8", "replace")
        for tag in ("Code", "Message"):
            start, end = text.find(f"<{tag}>"), text.find(f"</{tag}>")
            if 0 <= start < end:
                value = text[start + len(tag) + 2 : end]
                code, message = (value, message) if tag == "Code" else (code, value)
    detail = ": ".join(p for p in (code, message) if p)
    return f"{detail} (HTTP {status})" if detail else f"HTTP {status}"


# -- who holds a port -------------------------------------------------------------------


def port_holder(port: int, data_dir: Path | None = None) -> str | None:
    """``"pid 1234: lakestack serve"`` for the process listening on ``port``, if known.

    Reads ``/proc/net/tcp{,6}`` for the listening socket's inode and looks for it among
    ``/proc/*/fd``; falls back to a server record in ``data_dir`` for that port.
    """
    pid = _listening_pid(port)
    if pid is None and data_dir is not None:
        record = read_server_record(data_dir)
        if record is not None and str(record["url"]).endswith(f":{port}"):
            pid = int(record["pid"])
    if pid is None:
        return None
    command = describe_process(pid)
    return f"pid {pid}: {command}" if command else f"pid {pid}"


def describe_process(pid: int) -> str | None:
    """A short name for ``pid``'s command line (``lakestack serve`` for ours)."""
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return None
    args = [a.decode("utf-8", "replace") for a in argv if a]
    if not args:
        return None
    if any("lakestack" in a for a in args) and "serve" in args:
        return "lakestack serve"
    text = " ".join([Path(args[0]).name, *args[1:]])
    return text if len(text) <= 60 else text[:57] + "..."


def _listening_inodes(port: int) -> set[str]:
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if len(fields) < 10 or fields[3] != "0A":  # 0A: LISTEN
                continue
            if int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(fields[9])
    return inodes


def _listening_pid(port: int) -> int | None:
    inodes = {f"socket:[{i}]" for i in _listening_inodes(port) if i != "0"}
    if not inodes:
        return None
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            for fd in (proc / "fd").iterdir():
                with contextlib.suppress(OSError):
                    if os.readlink(fd) in inodes:
                        return int(proc.name)
        except OSError:
            continue
    return None
