"""One HTTP/1.1 connection: requests parsed by llhttp (``httptools``), bodies streamed
to the app as it reads them, responses written.

Owns keep-alive and pipelining, ``Expect: 100-continue`` (sent when the app first reads
the body), ``Content-Length`` bodies read straight from the socket buffer (the parser
sees only the head, so a body costs one copy), chunked bodies decoded by llhttp, the
header deadline and size limits, ``sendfile`` for file payloads and a gentle close
after an early answer. Malformed framing (a negative or conflicting ``Content-Length``,
``Content-Length`` with ``Transfer-Encoding``, bad chunk sizes) is refused with 400 and
the connection closed, so bytes after it are never read as a request.

Knows HTTP only; the AWS work is the ``app`` callable it is given.
"""

from __future__ import annotations

import logging
import os
import socket
import struct
import time
from collections import deque
from collections.abc import Callable
from http import HTTPStatus
from io import BufferedReader
from typing import Protocol, cast

import httptools

from lakestack.gateway.http import (
    FileRange,
    HttpRequest,
    HttpResponse,
    RequestBody,
    StreamPayload,
)
from lakestack.gateway.protocols.common import ProtocolError

LOG = logging.getLogger("lakestack.gateway.server")

App = Callable[[HttpRequest], HttpResponse]

_MAX_HEAD = 1 << 18  # bytes of request line + headers (S3 answers 2 KB+ metadata itself)
_MAX_HEADERS = 200
_READ = 1 << 16
_DRAIN_LIMIT = 1 << 20  # unread request bytes we drain to keep a connection alive
_EARLY_CONTINUE = _DRAIN_LIMIT  # bodies up to this size get "100 Continue" at once
_REASONS = {s.value: s.phrase for s in HTTPStatus}
_METHODS = {m.encode(): m for m in ("GET", "PUT", "POST", "HEAD", "DELETE", "OPTIONS")}
_LINGER_S = 2.0  # how long a refused client's unread bytes are discarded before closing
_LINGER_READ_S = 0.5


class ServerSettings(Protocol):
    """What a connection reads from its server (``gateway.server.Server``)."""

    @property
    def app(self) -> App: ...

    @property
    def idle_timeout(self) -> float: ...

    @property
    def header_timeout(self) -> float: ...

    @property
    def stopping(self) -> bool: ...


class BodyError(ProtocolError):
    """The request body could not be read to its end (malformed, cut short or stalled)."""

    code = "IncompleteBody"


class _Reject(Exception):
    """Answer ``status`` with error ``code`` without calling the app, then close."""

    def __init__(self, status: int, reason: str, code: str = "BadRequest") -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.code = code


def _head_too_large(reason: str) -> _Reject:
    return _Reject(400, reason, "RequestHeaderSectionTooLarge")


def _head_timeout() -> _Reject:
    return _Reject(400, "request headers not received in time", "RequestTimeout")


class _Message:
    """One request as the parser reports it: head, then body pieces not yet read."""

    __slots__ = (
        "url",
        "headers",
        "trailers",
        "head_done",
        "complete",
        "chunks",
        "left",
        "method",
        "version",
        "keep_alive",
        "expect",
    )

    def __init__(self) -> None:
        self.url = b""
        self.headers: dict[str, str] = {}
        self.trailers: dict[str, str] = {}
        self.head_done = False
        self.complete = False
        self.chunks: deque[bytes] = deque()
        self.left = 0  # Content-Length bytes not yet off the wire; -1 for chunked
        self.method = "GET"
        self.version = "1.1"
        self.keep_alive = True
        self.expect = False  # "100 Continue" owed before the body is read


class _Body(RequestBody):
    """A request body the connection feeds as it is read (``length`` -1 when chunked)."""

    __slots__ = ("_conn", "_msg")

    def __init__(self, conn: Connection, msg: _Message) -> None:
        if msg.left < 0:
            length = -1
        else:
            length = msg.left + (sum(map(len, msg.chunks)) if msg.chunks else 0)
        super().__init__(conn.rfile, length)
        self._conn = conn
        self._msg = msg
        self.trailers = msg.trailers

    def read(self, n: int = -1, /) -> bytes:
        if n < 0:
            return self.read_all()
        data = self._conn.read_body(self._msg, n)
        if self.remaining > 0:
            self.remaining -= len(data)
        elif self._msg.complete and not self._msg.chunks:
            self.remaining = 0
        return data


class Connection:
    """Reads requests off one socket through llhttp and writes the app's responses."""

    def __init__(
        self, server: ServerSettings, sock: socket.socket, remote: str, idle: list[float]
    ) -> None:
        self.server = server
        self.idle = idle  # shared with the server, which closes the oldest idle connection
        self.sock = sock
        self.remote = remote
        self.rfile = cast(BufferedReader, sock.makefile("rb", buffering=_READ))
        self.parser = httptools.HttpRequestParser(self)
        self.parsing: _Message | None = None  # the message the parser is inside
        self.fields: dict[str, str] = {}  # where the parser's header fields go
        self.ready: deque[_Message] = deque()  # heads parsed, not yet served
        self.error: _Reject | None = None
        self.upgraded = False
        self.head_bytes = 0
        self.framing_bytes = 0
        self.fed_body = False
        self.head_deadline = 0.0
        self.rcvtimeo = 0.0
        _set_timeout(sock, socket.SO_SNDTIMEO, server.idle_timeout)
        self._set_rcvtimeo(server.idle_timeout)

    # -- llhttp callbacks -----------------------------------------------------------
    def on_message_begin(self) -> None:
        self.parsing = msg = _Message()
        self.fields = msg.headers

    def on_url(self, url: bytes) -> None:
        assert self.parsing is not None
        self.parsing.url += url

    def on_header(self, name: bytes, value: bytes) -> None:
        fields = self.fields  # the headers, then the trailers
        key = name.decode("latin-1").lower()
        if key in fields:
            fields[key] += "," + value.decode("latin-1").strip()
        elif len(fields) < _MAX_HEADERS:
            fields[key] = value.decode("latin-1").strip()
        else:
            raise _head_too_large("too many header fields")

    def on_headers_complete(self) -> None:
        msg = self.parsing
        assert msg is not None
        parser = self.parser
        msg.head_done = True
        self.fields = msg.trailers
        method = parser.get_method()
        msg.method = _METHODS.get(method) or method.decode("ascii")
        msg.version = parser.get_http_version()
        msg.keep_alive = parser.should_keep_alive()
        if "transfer-encoding" in msg.headers:
            msg.left = -1
        else:
            msg.left = int(msg.headers.get("content-length") or 0)
        self.head_bytes = 0
        self.framing_bytes = 0
        self.head_deadline = 0.0
        self.ready.append(msg)

    def on_body(self, body: bytes) -> None:
        msg = self.parsing
        assert msg is not None
        self.fed_body = True
        msg.chunks.append(body)
        if msg.left > 0:
            msg.left -= len(body)

    def on_message_complete(self) -> None:
        assert self.parsing is not None
        self.parsing.complete = True
        self.parsing = None

    # -- reading --------------------------------------------------------------------
    def serve(self) -> None:
        server = self.server
        while not server.stopping:
            try:
                msg = self._next_message()
            except _Reject as reject:
                self._refuse(reject)
                self._linger()
                return
            if msg is None or not self._serve_one(msg):
                return

    def _next_message(self) -> _Message | None:
        """The next request whose head is complete; ``None`` once the client is gone."""
        while not self.ready:
            if self.error is not None:
                raise self.error
            if not self._fill():
                if self.error is not None:
                    raise self.error
                return None
        msg = self.ready.popleft()
        if self.error is not None and not msg.complete:
            raise self.error
        if msg.version not in ("1.1", "1.0"):
            raise _Reject(505, f"HTTP/{msg.version} is not supported", "HttpVersionNotSupported")
        return msg

    def _fill(self) -> bool:
        """Read what the client has sent and parse it; ``False`` at EOF or a timeout."""
        if self.upgraded:
            return False  # no protocol switch is offered: nothing after it is read
        waiting = self.parsing is None and not self.ready
        if waiting:
            self.idle[0] = time.monotonic()
        elif self.parsing is not None and not self.parsing.head_done:
            self._start_head_clock()
        in_head = self.parsing is None or not self.parsing.head_done
        try:
            data = self.rfile.peek(1) if in_head else self.rfile.read1(_READ)
        finally:
            self.idle[0] = 0.0
        if not data:
            if self.head_deadline and time.monotonic() >= self.head_deadline:
                self.error = _head_timeout()
            return False
        if not in_head:
            self._feed(data)
            return True
        # Feed the parser up to the end of the headers only: a Content-Length body then
        # stays in the read buffer, for _read_direct to hand over without another copy.
        end = data.find(b"\r\n\r\n")
        take = end + 4 if end >= 0 else len(data)
        self._feed(self.rfile.read(take))
        msg = self.parsing
        if take < len(data) and msg is not None and msg.head_done and msg.left < 0:
            # A chunked body goes through the parser anyway: parse what has come, so that
            # a malformed start is refused before the app runs.
            self._feed(self.rfile.read(len(data) - take))
        return True

    def _start_head_clock(self) -> None:
        """Bound the time to the end of the headers (slowloris)."""
        now = time.monotonic()
        if not self.head_deadline:
            self.head_deadline = now + self.server.header_timeout
        left = self.head_deadline - now
        if left <= 0:
            raise _head_timeout()
        self._set_rcvtimeo(min(left, self.server.idle_timeout))

    def _feed(self, data: bytes) -> None:
        if self.upgraded or self.error is not None:
            return
        msg = self.parsing
        # Only a chunked body's framing and trailers count: a head is bounded apart, and a
        # Content-Length body never reaches the parser.
        in_chunked_body = msg is not None and msg.head_done and msg.left < 0
        self.fed_body = False
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self.upgraded = True  # not supported: the request is served, then we close
        except httptools.HttpParserError as exc:
            cause = exc.__context__
            self.error = cause if isinstance(cause, _Reject) else _Reject(400, str(exc))
            return
        msg = self.parsing
        if msg is not None and not msg.head_done:
            self.head_bytes += len(data)
            if self.head_bytes > _MAX_HEAD:
                self.error = _head_too_large("the request header section is too large")
            return
        if self.rcvtimeo != self.server.idle_timeout:
            self._set_rcvtimeo(self.server.idle_timeout)
        if in_chunked_body:
            # Chunk framing and trailers carry no body; llhttp hands a trailer field over
            # only when it ends, so its size is bounded here, as the headers' is.
            self.framing_bytes = 0 if self.fed_body else self.framing_bytes + len(data)
            if self.framing_bytes > _MAX_HEAD:
                self.error = _Reject(400, "chunk framing or trailers too large")

    def read_body(self, msg: _Message, n: int) -> bytes:
        """Up to ``n`` body bytes of ``msg`` (fewer only at its end)."""
        if msg.expect:
            msg.expect = False
            self.sock.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
        out: list[bytes] = []
        got = 0
        while got < n:
            chunks = msg.chunks
            if chunks:
                piece = chunks[0]
                if len(piece) <= n - got:
                    chunks.popleft()
                else:
                    chunks[0] = piece[n - got :]
                    piece = piece[: n - got]
            elif msg.complete:
                break
            elif self.error is not None:
                raise BodyError(f"malformed request body: {self.error.reason}")
            elif msg.left > 0 and msg is self.parsing and not self.upgraded:
                piece = self._read_direct(msg, min(n - got, msg.left))
            else:
                if not self._fill():
                    raise self._body_failed("the request body ended before its declared length")
                continue
            out.append(piece)
            got += len(piece)
        return out[0] if len(out) == 1 else b"".join(out)

    def _read_direct(self, msg: _Message, n: int) -> bytes:
        """``Content-Length`` body bytes straight off the socket, bypassing the parser."""
        data = self.rfile.read(n)
        if not data:
            raise self._body_failed(
                "the request body ended before its declared length"
                if data is not None
                else "the client stopped sending the request body"
            )
        msg.left -= len(data)
        if msg.left == 0:
            # The parser still expects these bytes: a fresh one starts at the next request.
            msg.complete = True
            self.parsing = None
            self.parser = httptools.HttpRequestParser(self)
        return data

    def _body_failed(self, reason: str) -> BodyError:
        """Remember that the connection is out of step, for the app's error and after it."""
        if self.error is None:
            self.error = _Reject(400, reason)
        return BodyError(reason)

    def _set_rcvtimeo(self, seconds: float) -> None:
        self.rcvtimeo = seconds
        _set_timeout(self.sock, socket.SO_RCVTIMEO, seconds)

    # -- one request ----------------------------------------------------------------
    def _serve_one(self, msg: _Message) -> bool:
        """Run the app for ``msg`` and answer; whether the connection stays open."""
        headers = msg.headers
        if msg.version == "1.1" and not msg.complete:
            # A large body's "100 Continue" goes out when the app first reads it: a request
            # refused before that (AccessDenied, EntityTooLarge) never makes the client send
            # it. A small body is asked for at once, saving the client a round trip on
            # every small PUT (boto3 sends Expect: 100-continue with file-like bodies).
            if headers.get("expect", "").lower() == "100-continue":
                if 0 <= msg.left <= _EARLY_CONTINUE:
                    self.sock.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
                else:
                    msg.expect = True
        path, _, query = msg.url.decode("latin-1").partition("?")
        if path.startswith(("http://", "https://")):  # absolute-form target
            authority, _, rest = path.partition("//")[2].partition("/")
            headers.setdefault("host", authority)
            path = "/" + rest
        body = _Body(self, msg)
        request = HttpRequest(msg.method, path, query, headers, body, self.remote)
        try:
            response = self.server.app(request)
        except Exception:  # the app maps errors itself; this is the last line of defence
            LOG.exception("unhandled error serving %s %s", msg.method, path)
            response = HttpResponse(500, body=b"Internal Server Error")
            msg.keep_alive = False
        keep_alive = msg.keep_alive and not self.upgraded and self._finish_body(msg)
        self._write_response(msg, response, keep_alive)
        if not keep_alive and not (msg.complete and not msg.chunks):
            self._linger()
        return keep_alive

    def _finish_body(self, msg: _Message) -> bool:
        """Skip what the app left unread, if little; whether the connection can go on."""
        if msg.expect:
            return False  # the client may or may not send the body it was not asked for
        drained = 0
        try:
            while not msg.complete or msg.chunks:
                if self.error is not None or drained > _DRAIN_LIMIT:
                    return False
                if msg.left > _DRAIN_LIMIT:
                    return False  # not worth reading a large unread body: close instead
                drained += len(self.read_body(msg, _READ))
        except (BodyError, OSError):
            return False
        return True

    def _write_response(self, msg: _Message, response: HttpResponse, keep_alive: bool) -> None:
        status = response.status
        body = response.body
        lines = [f"HTTP/{msg.version} {status} {_REASONS.get(status, 'Unknown')}"]
        has_length = False
        for k, v in response.headers:
            if not has_length and k.lower() == "content-length":
                has_length = True
            lines.append(f"{k}: {v}")
        no_body = msg.method == "HEAD" or status in (204, 304) or status < 200
        if not has_length and status not in (204, 304):
            lines.append(f"Content-Length: {response.content_length}")
        lines.append(_http_date())
        lines.append("Server: lakestack")
        if not keep_alive:
            lines.append("Connection: close")
        elif msg.version == "1.0":
            lines.append("Connection: keep-alive")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        sock = self.sock
        if no_body:
            sock.sendall(head)
        elif isinstance(body, bytes):
            if len(body) < 65536:
                sock.sendall(head + body)
            else:
                sock.sendall(head)
                sock.sendall(body)
        elif isinstance(body, FileRange):
            sock.sendall(head)
            _send_file(sock, body)
        elif isinstance(body, StreamPayload):
            sock.sendall(head)
            for chunk in body.chunks:
                sock.sendall(chunk)

    def _linger(self) -> None:
        """Close gently after an answer given before the request was read to its end: stop
        sending, then discard what the client still sends for a moment, so that closing
        with unread data (a reset) does not destroy the answer before the client reads it."""
        try:
            self.sock.shutdown(socket.SHUT_WR)
            _set_timeout(self.sock, socket.SO_RCVTIMEO, _LINGER_READ_S)
            deadline = time.monotonic() + _LINGER_S
            while time.monotonic() < deadline and self.sock.recv(_READ):
                pass
        except OSError:
            pass

    def _refuse(self, reject: _Reject) -> None:
        """An error answered before any app saw the request, in S3's error format (the
        service is unknown this early; other SDKs still read the status)."""
        LOG.debug("refused a request from %s: %d %s", self.remote, reject.status, reject.reason)
        text = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<Error><Code>{reject.code}</Code><Message>{_xml_text(reject.reason)}</Message>"
            "</Error>"
        ).encode("utf-8", "replace")
        try:
            self.sock.sendall(
                f"HTTP/1.1 {reject.status} {_REASONS[reject.status]}\r\n"
                f"Content-Type: application/xml\r\nContent-Length: {len(text)}\r\n"
                f"{_http_date()}\r\nServer: lakestack\r\nConnection: close\r\n\r\n".encode()
                + text
            )
        except OSError:
            pass


def _xml_text(text: str) -> str:
    """``text`` escaped for an XML element (xml.sax.saxutils would import urllib at start).

    >>> _xml_text("a<b & c>")
    'a&lt;b &amp; c&gt;'
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _set_timeout(sock: socket.socket, option: int, seconds: float) -> None:
    """A kernel-side timeout (SO_RCVTIMEO/SO_SNDTIMEO): the socket stays blocking, so
    reads and ``sendfile`` cost no extra ``poll``; a timed-out read returns nothing."""
    whole = int(seconds)
    micros = max(int((seconds - whole) * 1_000_000), 0 if whole else 1000)
    try:
        sock.setsockopt(socket.SOL_SOCKET, option, struct.pack("ll", whole, micros))
    except OSError:  # pragma: no cover - platforms without kernel socket timeouts
        pass


_date_cache: tuple[int, str] = (0, "")


def _http_date() -> str:
    """The ``Date`` header line, formatted once per second."""
    global _date_cache
    now = int(time.time())
    if _date_cache[0] != now:
        _date_cache = (now, "Date: " + time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(now)))
    return _date_cache[1]


def _send_file(conn: socket.socket, part: FileRange) -> None:
    with open(part.path, "rb") as f:
        offset, left = part.offset, part.length
        while left > 0:
            sent = os.sendfile(conn.fileno(), f.fileno(), offset, left)
            if sent == 0:
                raise OSError(f"{part.path} is shorter than expected")
            offset += sent
            left -= sent
