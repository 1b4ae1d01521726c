"""The HTTP server: keep-alive, 100-continue, chunked bodies, bad requests, sendfile."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from lakestack.gateway.http import FileRange, HttpRequest, HttpResponse
from lakestack.gateway.server import Server


def _echo(request: HttpRequest) -> HttpResponse:
    if request.raw_path == "/file":
        return HttpResponse(200, body=FileRange(request.query, 2, 5))
    if request.raw_path == "/boom":
        raise RuntimeError("handler bug")
    body = request.body.read_all()
    trailers = ";".join(f"{k}={v}" for k, v in request.body.trailers.items())
    text = f"{request.method} {request.raw_path}?{request.query} {len(body)} {trailers}"
    return HttpResponse(200, [("X-Body", body[:20].decode(errors="replace"))], text.encode())


_OPEN: list[socket.socket] = []


@pytest.fixture
def server() -> Iterator[Server]:
    s = Server(_echo)
    s.start()
    yield s
    while _OPEN:
        _OPEN.pop().close()
    s.shutdown()


def _conn(server: Server) -> socket.socket:
    sock = socket.create_connection((server.host, server.port), timeout=5)
    _OPEN.append(sock)
    return sock


def _read_response(f) -> tuple[int, dict[str, str], bytes]:  # type: ignore[no-untyped-def]
    status = int(f.readline().split()[1])
    headers = {}
    while (line := f.readline()) not in (b"\r\n", b""):
        k, _, v = line.decode().partition(":")
        headers[k.strip().lower()] = v.strip()
    body = f.read(int(headers.get("content-length", 0)))
    return status, headers, body


def test_server_binds_loopback_on_free_port_by_default(server: Server) -> None:
    assert server.host == "127.0.0.1" and server.port > 0


def test_keep_alive_serves_several_requests_on_one_connection(server: Server) -> None:
    sock = _conn(server)
    f = sock.makefile("rb")
    for i in range(3):
        sock.sendall(f"PUT /k{i}?a=b HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc".encode())
        status, _, body = _read_response(f)
        assert status == 200 and body == f"PUT /k{i}?a=b 3 ".encode()


def test_expect_100_continue_is_answered_before_the_body(server: Server) -> None:
    sock = _conn(server)
    f = sock.makefile("rb")
    sock.sendall(b"PUT /x HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
    assert f.readline().startswith(b"HTTP/1.1 100")
    assert f.readline() == b"\r\n"
    sock.sendall(b"data")
    status, headers, _ = _read_response(f)
    assert status == 200 and headers["x-body"] == "data"


def test_chunked_request_body_and_trailers_are_decoded(server: Server) -> None:
    sock = _conn(server)
    f = sock.makefile("rb")
    sock.sendall(
        b"PUT /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\nx-amz-checksum-crc32: AAAA\r\n\r\n"
    )
    status, _, body = _read_response(f)
    assert status == 200 and body == b"PUT /c? 5 x-amz-checksum-crc32=AAAA"


def test_malformed_request_line_gets_400_and_server_stays_up(server: Server) -> None:
    sock = _conn(server)
    sock.sendall(b"garbage\r\n\r\n")
    status, _, _ = _read_response(sock.makefile("rb"))
    assert status == 400
    sock2 = _conn(server)
    sock2.sendall(b"GET /ok HTTP/1.1\r\nHost: x\r\n\r\n")
    assert _read_response(sock2.makefile("rb"))[0] == 200


def test_file_range_payload_is_sent_from_disk(server: Server, tmp_path: Path) -> None:
    path = tmp_path / "blob"
    path.write_bytes(b"0123456789")
    sock = _conn(server)
    sock.sendall(f"GET /file?{path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    status, headers, body = _read_response(sock.makefile("rb"))
    assert status == 200 and headers["content-length"] == "5" and body == b"23456"


def test_head_response_carries_no_body(server: Server) -> None:
    sock = _conn(server)
    f = sock.makefile("rb")
    sock.sendall(b"HEAD /h HTTP/1.1\r\nHost: x\r\n\r\nGET /g HTTP/1.1\r\nHost: x\r\n\r\n")
    first = f.readline()
    while f.readline() != b"\r\n":
        pass
    assert first.startswith(b"HTTP/1.1 200")
    # the next bytes are the second response, not a body of the HEAD
    assert f.readline().startswith(b"HTTP/1.1 200")


def test_app_crash_answers_500_and_server_stays_up(server: Server) -> None:
    sock = _conn(server)
    sock.sendall(b"GET /boom HTTP/1.1\r\nHost: x\r\n\r\n")
    assert _read_response(sock.makefile("rb"))[0] == 500
    sock2 = _conn(server)
    sock2.sendall(b"GET /ok HTTP/1.1\r\nHost: x\r\n\r\n")
    assert _read_response(sock2.makefile("rb"))[0] == 200
