"""The server against hostile or careless clients: idle and header timeouts, the cap on
connections, and running out of file descriptors. Timeouts are set small; each test
waits for an outcome with a bound and asserts the outcome, never a duration."""

from __future__ import annotations

import socket
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator

import pytest

from lakestack.gateway.http import HttpRequest, HttpResponse
from lakestack.gateway.server import Server

GET = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"


def _ok(request: HttpRequest) -> HttpResponse:
    return HttpResponse(200, body=b"ok")


@pytest.fixture
def sockets() -> Iterator[list[socket.socket]]:
    opened: list[socket.socket] = []
    yield opened
    for sock in opened:
        sock.close()


def _connect(server: Server, opened: list[socket.socket], timeout: float = 5) -> socket.socket:
    sock = socket.create_connection((server.host, server.port), timeout=timeout)
    opened.append(sock)
    return sock


def _status(sock: socket.socket) -> int:
    data = b""
    while b"\r\n\r\n" not in data:
        more = sock.recv(65536)
        if not more:
            raise ConnectionError(f"closed after {data!r}")
        data += more
    return int(data.split(b" ", 2)[1])


def _closed_by_server(sock: socket.socket) -> bool:
    """Whether the server closes ``sock`` within the socket's timeout."""
    try:
        while sock.recv(65536):
            pass
    except ConnectionResetError:
        pass
    except TimeoutError:
        return False
    return True


def test_idle_keep_alive_connection_is_closed_after_the_idle_timeout(
    sockets: list[socket.socket],
) -> None:
    server = Server(_ok, idle_timeout=0.2)
    server.start()
    try:
        sock = _connect(server, sockets)
        sock.sendall(GET)
        assert _status(sock) == 200
        assert _closed_by_server(sock)
        never_spoke = _connect(server, sockets)
        assert _closed_by_server(never_spoke)
    finally:
        server.shutdown()


def test_headers_trickled_slowly_are_cut_off_by_the_header_timeout(
    sockets: list[socket.socket],
) -> None:
    server = Server(_ok, idle_timeout=5, header_timeout=0.3)
    server.start()
    try:
        sock = _connect(server, sockets)
        sock.sendall(b"GET / HTTP/1.1\r\n")
        answer = b""
        for i in range(200):  # one header line at a time, each well within the idle timeout
            try:
                sock.sendall(b"X-%d: a\r\n" % i)
            except OSError:
                break
            try:
                sock.settimeout(0.05)
                answer += sock.recv(65536)
            except TimeoutError:
                continue
            if answer:
                break
        assert answer.startswith(b"HTTP/1.1 400") and b"RequestTimeout" in answer
    finally:
        server.shutdown()


def test_connections_over_the_cap_close_the_oldest_idle_ones(
    sockets: list[socket.socket],
) -> None:
    server = Server(_ok, max_connections=4)
    server.start()
    try:
        idle = [_connect(server, sockets) for _ in range(10)]
        fresh = _connect(server, sockets)
        fresh.sendall(GET)
        assert _status(fresh) == 200
        assert server.connections <= 4
        assert _closed_by_server(idle[0])  # the oldest made room
    finally:
        server.shutdown()


def test_when_every_connection_is_busy_a_newcomer_waits_for_a_slot(
    sockets: list[socket.socket],
) -> None:
    release = threading.Event()
    entered = threading.Semaphore(0)

    def slow(request: HttpRequest) -> HttpResponse:
        if request.raw_path == "/slow":
            entered.release()
            release.wait(10)
        return HttpResponse(200, body=b"ok")

    server = Server(slow, max_connections=2)
    server.start()
    try:
        busy = [_connect(server, sockets) for _ in range(2)]
        for sock in busy:
            sock.sendall(b"GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
        assert entered.acquire(timeout=5) and entered.acquire(timeout=5)
        waiting = _connect(server, sockets, timeout=0.3)
        waiting.sendall(GET)
        with pytest.raises(TimeoutError):
            waiting.recv(1)  # queued, not refused and not served
        assert server.connections == 2
        release.set()
        waiting.settimeout(5)
        assert _status(waiting) == 200
        assert [_status(sock) for sock in busy] == [200, 200]
    finally:
        release.set()
        server.shutdown()


_FD_LIMITED_SERVER = textwrap.dedent(
    """
    import resource, sys
    from lakestack.gateway.http import HttpResponse
    from lakestack.gateway.server import Server

    server = Server(lambda request: HttpResponse(200, body=b"ok"))
    resource.setrlimit(resource.RLIMIT_NOFILE, (48, 48))
    print(server.port, flush=True)
    server.serve_forever()
    """
)


def test_running_out_of_file_descriptors_on_accept_is_survived(
    sockets: list[socket.socket],
) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", _FD_LIMITED_SERVER],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        port = int(proc.stdout.readline())
        for _ in range(80):  # far more than the 48 descriptors the server may open
            sockets.append(socket.create_connection(("127.0.0.1", port), timeout=10))
        for _ in range(3):
            sock = socket.create_connection(("127.0.0.1", port), timeout=10)
            sockets.append(sock)
            sock.sendall(GET)
            assert _status(sock) == 200
        assert proc.poll() is None
    finally:
        proc.kill()
        _, err = proc.communicate(timeout=10)
    assert "Too many open files" in err  # logged, not fatal
