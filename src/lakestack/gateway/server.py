"""A small threaded HTTP/1.1 server: keep-alive, ``Expect: 100-continue``, chunked
request bodies, ``sendfile`` for file payloads. Binds 127.0.0.1 and port 0 by default.

Knows HTTP only; the AWS work is the ``app`` callable it is given.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from email.utils import formatdate
from http import HTTPStatus
from typing import Protocol

from lakestack.gateway.http import (
    FileRange,
    HttpRequest,
    HttpResponse,
    RequestBody,
    StreamPayload,
)

LOG = logging.getLogger(__name__)

App = Callable[[HttpRequest], HttpResponse]

_MAX_HEADER_LINE = 65536
_MAX_HEADERS = 200
_REASONS = {s.value: s.phrase for s in HTTPStatus}
_DRAIN_LIMIT = 1 << 20  # unread request bytes we drain to keep a connection alive


class BadRequest(Exception):
    pass


class LineReader(Protocol):
    def read(self, n: int = -1, /) -> bytes: ...
    def readline(self, limit: int = -1, /) -> bytes: ...


class ChunkedBody(RequestBody):
    """Decodes ``Transfer-Encoding: chunked``; trailers land in ``trailers``."""

    __slots__ = ("_rfile", "_left", "_done")

    def __init__(self, rfile: LineReader) -> None:
        super().__init__(rfile, -1)
        self._rfile = rfile
        self._left = 0
        self._done = False

    def read(self, n: int = -1, /) -> bytes:
        out = bytearray()
        while not self._done and (n < 0 or len(out) < n):
            if self._left == 0:
                line = self._rfile.readline(_MAX_HEADER_LINE)
                size = int(line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    self._read_trailers()
                    self._done = True
                    break
                self._left = size
            want = self._left if n < 0 else min(self._left, n - len(out))
            data = self._rfile.read(want)
            if not data:
                raise ConnectionError("client closed the connection mid-body")
            out += data
            self._left -= len(data)
            if self._left == 0:
                self._rfile.readline(_MAX_HEADER_LINE)
        return bytes(out)

    def _read_trailers(self) -> None:
        while True:
            line = self._rfile.readline(_MAX_HEADER_LINE)
            if line in (b"\r\n", b"\n", b""):
                return
            name, _, value = line.decode("latin-1").partition(":")
            self.trailers[name.strip().lower()] = value.strip()

    def drain(self) -> None:
        while self.read(1 << 16):
            pass


class Server:
    """Serve ``app`` on ``host:port`` with one thread per connection.

    >>> from lakestack.gateway.http import HttpResponse
    >>> s = Server(lambda req: HttpResponse(200, body=b"ok")); s.start()
    >>> import urllib.request
    >>> urllib.request.urlopen(f"http://127.0.0.1:{s.port}/").read()
    b'ok'
    >>> s.shutdown()
    """

    def __init__(self, app: App, host: str = "127.0.0.1", port: int = 0) -> None:
        self.app = app
        self._sock = socket.create_server((host, port), backlog=256, reuse_port=False)
        self.host, self.port = self._sock.getsockname()[:2]
        self._threads: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host
        return f"http://{host}:{self.port}"

    def start(self) -> None:
        """Serve in a background thread."""
        self._thread = threading.Thread(
            target=self.serve_forever, name="lakestack-accept", daemon=True
        )
        self._thread.start()

    def serve_forever(self) -> None:
        while not self._stopping.is_set():
            try:
                conn, addr = self._sock.accept()
            except OSError:
                if self._stopping.is_set():
                    return
                raise
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                self._threads.add(conn)
            threading.Thread(
                target=self._serve_connection,
                args=(conn, addr[0]),
                name="lakestack-conn",
                daemon=True,
            ).start()

    def shutdown(self) -> None:
        self._stopping.set()
        try:
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._sock.close()
        with self._lock:
            conns = list(self._threads)
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if self._thread is not None:
            self._thread.join(timeout=5)

    # -- one connection -------------------------------------------------------------
    def _serve_connection(self, conn: socket.socket, remote: str) -> None:
        rfile = conn.makefile("rb", buffering=1 << 16)
        try:
            while not self._stopping.is_set():
                try:
                    keep_alive = self._serve_one(conn, rfile, remote)
                except (BadRequest, ValueError, UnicodeDecodeError) as exc:
                    LOG.debug("bad request from %s: %s", remote, exc)
                    self._write_simple(conn, 400, b"Bad Request")
                    return
                if not keep_alive:
                    return
        except (ConnectionError, TimeoutError, OSError):
            return
        finally:
            with self._lock:
                self._threads.discard(conn)
            try:
                rfile.close()
                conn.close()
            except OSError:
                pass

    def _serve_one(self, conn: socket.socket, rfile: LineReader, remote: str) -> bool:
        line = rfile.readline(_MAX_HEADER_LINE)
        if not line:
            return False
        if line in (b"\r\n", b"\n"):  # tolerate a stray CRLF between requests
            return True
        try:
            method, target, version = line.decode("latin-1").split()
        except ValueError as exc:
            raise BadRequest(f"bad request line {line!r}") from exc
        headers: dict[str, str] = {}
        for _ in range(_MAX_HEADERS + 1):
            hline = rfile.readline(_MAX_HEADER_LINE)
            if hline in (b"\r\n", b"\n"):
                break
            if not hline:
                return False
            name, sep, value = hline.decode("latin-1").partition(":")
            if not sep:
                raise BadRequest(f"bad header line {hline!r}")
            name = name.strip().lower()
            value = value.strip()
            headers[name] = f"{headers[name]},{value}" if name in headers else value
        else:
            raise BadRequest("too many headers")

        keep_alive = version == "HTTP/1.1"
        conn_hdr = headers.get("connection", "").lower()
        if "close" in conn_hdr:
            keep_alive = False
        elif "keep-alive" in conn_hdr:
            keep_alive = True

        if headers.get("expect", "").lower() == "100-continue":
            conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")

        if "chunked" in headers.get("transfer-encoding", "").lower():
            body: RequestBody = ChunkedBody(rfile)
        else:
            body = RequestBody(rfile, int(headers.get("content-length") or 0))

        path, _, query = target.partition("?")
        if path.startswith(("http://", "https://")):  # absolute-form target
            path = "/" + path.split("/", 3)[3] if path.count("/") >= 3 else "/"
        request = HttpRequest(method.upper(), path, query, headers, body, remote)
        try:
            response = self.app(request)
        except Exception:  # the app maps errors itself; this is the last line of defence
            LOG.exception("unhandled error serving %s %s", method, path)
            response = HttpResponse(500, body=b"Internal Server Error")
            keep_alive = False

        if isinstance(body, ChunkedBody):
            keep_alive = keep_alive and body._done
        elif body.remaining > _DRAIN_LIMIT:
            keep_alive = False  # not worth reading a large unread body: close instead
        elif body.remaining > 0:
            body.drain()
        self._write_response(conn, request, response, keep_alive)
        return keep_alive

    def _write_response(
        self, conn: socket.socket, request: HttpRequest, response: HttpResponse, keep_alive: bool
    ) -> None:
        status = response.status
        body = response.body
        lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Unknown')}"]
        has_length = False
        for k, v in response.headers:
            if k.lower() == "content-length":
                has_length = True
            lines.append(f"{k}: {v}")
        no_body = request.method == "HEAD" or status in (204, 304) or status < 200
        if not has_length and status not in (204, 304):
            lines.append(f"Content-Length: {response.content_length}")
        lines.append(f"Date: {formatdate(usegmt=True)}")
        lines.append("Server: lakestack")
        if not keep_alive:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        if no_body:
            conn.sendall(head)
        elif isinstance(body, bytes):
            conn.sendall(head + body if len(body) < 65536 else head)
            if len(body) >= 65536:
                conn.sendall(body)
        elif isinstance(body, FileRange):
            conn.sendall(head)
            _send_file(conn, body)
        elif isinstance(body, StreamPayload):
            conn.sendall(head)
            for chunk in body.chunks:
                conn.sendall(chunk)

    @staticmethod
    def _write_simple(conn: socket.socket, status: int, text: bytes) -> None:
        try:
            conn.sendall(
                f"HTTP/1.1 {status} {_REASONS[status]}\r\nContent-Length: {len(text)}\r\n"
                "Connection: close\r\n\r\n".encode()
                + text
            )
        except OSError:
            pass


def _send_file(conn: socket.socket, part: FileRange) -> None:
    with open(part.path, "rb") as f:
        offset, left = part.offset, part.length
        while left > 0:
            sent = os.sendfile(conn.fileno(), f.fileno(), offset, left)
            if sent == 0:
                raise OSError(f"{part.path} is shorter than expected")
            offset += sent
            left -= sent
