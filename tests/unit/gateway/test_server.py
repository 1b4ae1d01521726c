"""The HTTP server: keep-alive, 100-continue, chunked bodies, bad requests, sendfile."""

from __future__ import annotations

import socket
import threading
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


def test_keep_alive_connection_serves_requests_past_the_head_limit_in_total(
    server: Server,
) -> None:
    # 600 heads of ~1 KiB each: far more than one header section may hold, in total only.
    sock = _conn(server)
    f = sock.makefile("rb")
    pad = "x" * 1000
    for i in range(300):
        sock.sendall(
            f"PUT /k{i} HTTP/1.1\r\nHost: x\r\nX-Pad: {pad}\r\n"
            "Content-Length: 3\r\n\r\nabc".encode()
        )
        status, _, body = _read_response(f)
        assert status == 200 and body == f"PUT /k{i}? 3 ".encode()
        sock.sendall(
            f"PUT /c{i} HTTP/1.1\r\nHost: x\r\nX-Pad: {pad}\r\n"
            "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n".encode()
        )
        status, _, body = _read_response(f)
        assert status == 200 and body == f"PUT /c{i}? 3 ".encode()


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


# -- framing, versions and pipelining (llhttp) -------------------------------------------


def _calls_app(server: Server) -> list[str]:
    """Make ``server`` record the requests its app sees."""
    seen: list[str] = []

    def app(request: HttpRequest) -> HttpResponse:
        seen.append(f"{request.method} {request.raw_path}")
        return _echo(request)

    server.app = app
    return seen


def _closed(sock: socket.socket) -> bool:
    """Whether the server closed ``sock`` (EOF or reset), having read any pending answer."""
    try:
        while sock.recv(65536):
            pass
    except ConnectionResetError:
        pass
    return True


def test_pipelined_requests_are_answered_in_order_on_one_connection(server: Server) -> None:
    sock = _conn(server)
    f = sock.makefile("rb")
    sock.sendall(
        b"PUT /a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
        b"PUT /b HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nde\r\n0\r\n\r\n"
        b"GET /c HTTP/1.1\r\nHost: x\r\n\r\n"
    )
    bodies = [_read_response(f)[2] for _ in range(3)]
    assert bodies == [b"PUT /a? 3 ", b"PUT /b? 2 ", b"GET /c? 0 "]


@pytest.mark.parametrize(
    "head",
    [
        b"Content-Length: -1\r\n",
        b"Content-Length: +3\r\n",
        b"Content-Length: 3x\r\n",
        b"Content-Length: 1\r\nContent-Length: 2\r\n",
        b"Content-Length: 3\r\nContent-Length: 3\r\n",
        b"Content-Length: 99999999999999999999999\r\n",
        b"Content-Length: 3\r\nTransfer-Encoding: chunked\r\n",
        b"Transfer-Encoding: chunked\r\nContent-Length: 3\r\n",
        b"Transfer-Encoding: gzip\r\n",
        b"Transfer-Encoding: xchunked\r\n",
        b"Transfer-Encoding : chunked\r\n",
    ],
)
def test_ambiguous_framing_is_refused_and_the_body_never_runs(server: Server, head: bytes) -> None:
    seen = _calls_app(server)
    sock = _conn(server)
    sock.sendall(
        b"PUT /a HTTP/1.1\r\nHost: x\r\n" + head + b"\r\n"
        b"DELETE /smuggled HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"
    )
    f = sock.makefile("rb")
    status, headers, body = _read_response(f)
    assert status == 400 and headers["connection"] == "close"
    assert b"<Code>BadRequest</Code>" in body
    assert _closed(sock) and seen == []


@pytest.mark.parametrize("size", [b"zz", b"-3", b"ffffffffffffffffff", b"3 ;x", b""])
def test_bad_chunk_size_is_refused_without_calling_the_app(server: Server, size: bytes) -> None:
    seen = _calls_app(server)
    sock = _conn(server)
    sock.sendall(
        b"PUT /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        + size
        + b"\r\nabc\r\n0\r\n\r\nDELETE /smuggled HTTP/1.1\r\nHost: x\r\n\r\n"
    )
    status, _, _ = _read_response(sock.makefile("rb"))
    assert status == 400 and _closed(sock) and seen == []


def test_bad_chunk_met_while_the_app_reads_is_a_protocol_error_then_close(
    server: Server,
) -> None:
    from lakestack.gateway.protocols.common import ProtocolError

    errors: list[str] = []
    started = threading.Event()

    def app(request: HttpRequest) -> HttpResponse:
        request.body.read(3)
        started.set()
        try:
            request.body.read_all()
        except ProtocolError as exc:
            errors.append(exc.code)
            return HttpResponse(400, body=b"bad body")
        return HttpResponse(200)

    server.app = app
    sock = _conn(server)
    sock.sendall(b"PUT /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n")
    assert started.wait(5)
    sock.sendall(b"zz\r\nGET /smuggled HTTP/1.1\r\n\r\n")
    f = sock.makefile("rb")
    status, headers, _ = _read_response(f)
    assert (status, headers["connection"], errors) == (400, "close", ["IncompleteBody"])
    assert _closed(sock)


def test_body_streams_to_the_app_before_the_client_has_sent_it_all(server: Server) -> None:
    halfway = threading.Event()
    sizes: list[int] = []

    def app(request: HttpRequest) -> HttpResponse:
        sizes.append(len(request.body.read(1000)))
        halfway.set()
        while chunk := request.body.read(1 << 16):
            sizes.append(len(chunk))
        return HttpResponse(200, body=str(sum(sizes)).encode())

    server.app = app
    total = 3 << 20
    sock = _conn(server)
    sock.sendall(f"PUT /big HTTP/1.1\r\nHost: x\r\nContent-Length: {total}\r\n\r\n".encode())
    sock.sendall(b"x" * 1000)
    assert halfway.wait(5)  # the app runs with most of the body still unsent
    sock.sendall(b"y" * (total - 1000))
    status, _, body = _read_response(sock.makefile("rb"))
    assert status == 200 and body == str(total).encode()
    assert max(sizes) <= 1 << 16


def test_http10_request_gets_http10_status_line_and_close(server: Server) -> None:
    sock = _conn(server)
    sock.sendall(b"GET /old HTTP/1.0\r\n\r\n")
    f = sock.makefile("rb")
    first = f.readline()
    assert first.startswith(b"HTTP/1.0 200")
    headers = {}
    while (line := f.readline()) != b"\r\n":
        k, _, v = line.decode().partition(":")
        headers[k.strip().lower()] = v.strip()
    assert headers["connection"] == "close"
    assert f.read() == b"GET /old? 0 "  # then EOF


def test_http10_keep_alive_is_honoured(server: Server) -> None:
    sock = _conn(server)
    f = sock.makefile("rb")
    for _ in range(2):
        sock.sendall(b"GET /ka HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        status, headers, _ = _read_response(f)
        assert status == 200 and headers["connection"] == "keep-alive"


@pytest.mark.parametrize("version", [b"HTTP/2.0", b"HTTP/0.9"])
def test_other_http_versions_get_505(server: Server, version: bytes) -> None:
    sock = _conn(server)
    sock.sendall(b"GET /v " + version + b"\r\nHost: x\r\n\r\n")
    status, _, body = _read_response(sock.makefile("rb"))
    assert status == 505 and b"HttpVersionNotSupported" in body


def test_absolute_form_target_is_served_by_its_path(server: Server) -> None:
    sock = _conn(server)
    sock.sendall(b"GET http://bucket.localhost:4566/k/e%20y?x=1 HTTP/1.1\r\nHost: h\r\n\r\n")
    assert _read_response(sock.makefile("rb"))[2] == b"GET /k/e%20y?x=1 0 "


def test_oversized_header_section_is_refused(server: Server) -> None:
    sock = _conn(server)
    sock.sendall(b"GET /h HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (300 << 10) + b"\r\n\r\n")
    status, _, body = _read_response(sock.makefile("rb"))
    assert status == 400 and b"RequestHeaderSectionTooLarge" in body


def test_too_many_header_fields_are_refused(server: Server) -> None:
    sock = _conn(server)
    fields = b"".join(b"X-%d: v\r\n" % i for i in range(300))
    sock.sendall(b"GET /h HTTP/1.1\r\nHost: x\r\n" + fields + b"\r\n")
    status, _, body = _read_response(sock.makefile("rb"))
    assert status == 400 and b"RequestHeaderSectionTooLarge" in body


def test_unread_small_body_is_skipped_and_the_connection_kept(server: Server) -> None:
    server.app = lambda request: HttpResponse(403, body=b"no")
    sock = _conn(server)
    f = sock.makefile("rb")
    sock.sendall(b"PUT /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello")
    sock.sendall(
        b"PUT /b HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n"
    )
    assert [_read_response(f)[0] for _ in range(2)] == [403, 403]


def test_unread_large_body_closes_the_connection(server: Server) -> None:
    server.app = lambda request: HttpResponse(403, body=b"no")
    sock = _conn(server)
    sock.sendall(b"PUT /a HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n")
    status, headers, _ = _read_response(sock.makefile("rb"))
    assert (status, headers["connection"]) == (403, "close") and _closed(sock)


def test_upgrade_request_is_served_and_the_connection_closed(server: Server) -> None:
    sock = _conn(server)
    sock.sendall(
        b"GET /u HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n"
        b"PRI * HTTP/2.0\r\n\r\n"
    )
    status, headers, body = _read_response(sock.makefile("rb"))
    assert (status, headers["connection"], body) == (200, "close", b"GET /u? 0 ")


def test_client_gone_mid_body_leaves_the_server_serving(server: Server) -> None:
    sock = _conn(server)
    sock.sendall(b"PUT /a HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc")
    sock.close()
    sock2 = _conn(server)
    sock2.sendall(b"GET /ok HTTP/1.1\r\nHost: x\r\n\r\n")
    assert _read_response(sock2.makefile("rb"))[0] == 200


def test_endless_trailer_is_cut_off_without_buffering_it(server: Server) -> None:
    from lakestack.gateway.protocols.common import ProtocolError

    def app(request: HttpRequest) -> HttpResponse:  # maps body errors as the gateway does
        try:
            return _echo(request)
        except ProtocolError as exc:
            return HttpResponse(exc.status, body=exc.code.encode())

    server.app = app
    sock = _conn(server)
    sock.sendall(
        b"PUT /t HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"3\r\nabc\r\n0\r\nx-amz-checksum-crc32: "
    )
    try:
        for _ in range(64):  # 4 MiB of one trailer value, never ended
            sock.sendall(b"A" * 65536)
    except OSError:
        pass  # refused and closed part way: what we want
    status, headers, body = _read_response(sock.makefile("rb"))
    assert (status, body, headers["connection"]) == (400, b"IncompleteBody", "close")


def test_expect_100_continue_for_a_small_body_is_answered_before_the_app_runs(
    server: Server,
) -> None:
    # The app has not read anything when it answers: the 100 came from the server at once.
    seen: list[str] = []
    server.app = lambda request: (seen.append(request.method), HttpResponse(204))[1]
    sock = _conn(server)
    f = sock.makefile("rb")
    sock.sendall(b"PUT /x HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
    assert f.readline().startswith(b"HTTP/1.1 100")
    assert f.readline() == b"\r\n"
    sock.sendall(b"data")
    assert _read_response(f)[0] == 204
    sock.sendall(b"GET /next HTTP/1.1\r\nHost: x\r\n\r\n")  # the unread body was skipped
    assert _read_response(f)[0] == 204 and seen == ["PUT", "GET"]


def test_expect_100_continue_refused_unread_gets_no_100_and_the_connection_closes(
    server: Server,
) -> None:
    server.app = lambda request: HttpResponse(403, body=b"no")
    sock = _conn(server)
    sock.sendall(
        b"PUT /x HTTP/1.1\r\nHost: x\r\nContent-Length: 8000000\r\nExpect: 100-continue\r\n\r\n"
    )
    f = sock.makefile("rb")
    status, headers, body = _read_response(f)  # the final answer, with no 100 before it
    assert (status, body, headers["connection"]) == (403, b"no", "close")
    assert f.read() == b""
