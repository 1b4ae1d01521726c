"""Bare loopback HTTP/1.1 server: the "ceiling" target of the S3 benchmark.

It speaks just enough of the S3 REST wire format for boto3 to be satisfied and
does no work at all: PUT is drained and answered ``200`` with an ``ETag``, GET
of an object returns a fixed in-memory body of ``--body-size`` bytes, and
``Expect: 100-continue`` is answered at once.  Nothing is stored.  Whatever
throughput the harness reaches against this server is what boto3 itself can
drive on this machine, the upper bound for any real emulator.

Run: ``python bench/ceiling_server.py --port 9000 [--body-size 1048576]``.
It binds 127.0.0.1 only; one thread per keep-alive connection.
"""

from __future__ import annotations

import argparse
import base64
import signal
import socket
import sys
import threading
import zlib
from email.utils import formatdate
from typing import BinaryIO

HOST = "127.0.0.1"
ETAG = '"d41d8cd98f00b204e9800998ecf8427e"'
MAX_LINE = 65536
SINK_SIZE = 256 * 1024
LIST_BUCKETS_XML = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
    b"<Owner><ID>ceiling</ID><DisplayName>ceiling</DisplayName></Owner>"
    b"<Buckets></Buckets></ListAllMyBucketsResult>"
)
NOT_IMPLEMENTED_XML = (
    b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>NotImplemented</Code>'
    b"<Message>The ceiling server only answers PUT and GET of objects.</Message></Error>"
)


class BadRequest(Exception):
    """The client sent something this tiny server does not parse."""


def read_headers(rfile: BinaryIO) -> dict[str, str]:
    """Read header lines up to the blank line; names are lower-cased."""
    headers: dict[str, str] = {}
    while True:
        line = rfile.readline(MAX_LINE)
        if not line:
            raise BadRequest("connection closed inside headers")
        if line in (b"\r\n", b"\n"):
            return headers
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()


def drain_exact(rfile: BinaryIO, length: int, sink: memoryview) -> None:
    """Read and discard exactly ``length`` bytes of request body."""
    remaining = length
    while remaining > 0:
        got = rfile.readinto(sink[: min(remaining, len(sink))])
        if not got:
            raise BadRequest("connection closed inside body")
        remaining -= got


def drain_chunked(rfile: BinaryIO, sink: memoryview) -> None:
    """Read and discard a ``Transfer-Encoding: chunked`` body and its trailers."""
    while True:
        size_line = rfile.readline(MAX_LINE)
        size = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
        if size == 0:
            read_headers(rfile)  # trailer section, ends with a blank line
            return
        drain_exact(rfile, size, sink)
        rfile.readline(MAX_LINE)  # CRLF after each chunk


def drain_body(rfile: BinaryIO, headers: dict[str, str], sink: memoryview) -> None:
    """Discard the request body, whatever framing it uses."""
    if "chunked" in headers.get("transfer-encoding", "").lower():
        drain_chunked(rfile, sink)
    else:
        drain_exact(rfile, int(headers.get("content-length", "0") or 0), sink)


def response_head(status: str, headers: dict[str, str]) -> bytes:
    """Serialise a status line and headers (with the blank line)."""
    lines = [f"HTTP/1.1 {status}"]
    lines.append(f"Date: {formatdate(usegmt=True)}")
    lines.append("x-amz-request-id: ceiling")
    lines.extend(f"{name}: {value}" for name, value in headers.items())
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def is_object_path(target: str) -> bool:
    """True for ``/bucket/key...`` (path style), false for ``/`` or ``/bucket``."""
    path = target.split("?", 1)[0]
    return len(path.strip("/").split("/", 1)) == 2


def crc32_b64(data: bytes) -> str:
    """The ``x-amz-checksum-crc32`` value (base64 of the big-endian CRC32)."""
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


def build_response(method: str, target: str, body: bytes, checksum: str) -> tuple[bytes, bytes]:
    """Return (head, body) for one request.

    GET carries the body's CRC32 like real S3 (and the peers) do, so boto3 does
    the same response-checksum validation work here as against a real server.
    """
    if method == "PUT":
        return response_head("200 OK", {"ETag": ETAG, "Content-Length": "0"}), b""
    if method in ("GET", "HEAD") and is_object_path(target):
        head = response_head(
            "200 OK",
            {
                "ETag": ETAG,
                "Content-Type": "application/octet-stream",
                "Content-Length": str(len(body)),
                "Last-Modified": "Wed, 01 Jan 2025 00:00:00 GMT",
                "Accept-Ranges": "bytes",
                "x-amz-checksum-crc32": checksum,
                "x-amz-checksum-type": "FULL_OBJECT",
            },
        )
        return head, (body if method == "GET" else b"")
    if method == "GET" and target.split("?", 1)[0] == "/":
        head = response_head(
            "200 OK",
            {"Content-Type": "application/xml", "Content-Length": str(len(LIST_BUCKETS_XML))},
        )
        return head, LIST_BUCKETS_XML
    if method == "DELETE":
        return response_head("204 No Content", {}), b""
    head = response_head(
        "501 Not Implemented",
        {"Content-Type": "application/xml", "Content-Length": str(len(NOT_IMPLEMENTED_XML))},
    )
    return head, NOT_IMPLEMENTED_XML


def handle_request(
    conn: socket.socket, rfile: BinaryIO, sink: memoryview, body: bytes, checksum: str
) -> bool:
    """Serve one request on a keep-alive connection; False when it should close."""
    request_line = rfile.readline(MAX_LINE)
    while request_line in (b"\r\n", b"\n"):
        request_line = rfile.readline(MAX_LINE)
    if not request_line:
        return False
    method, target, _version = request_line.decode("latin-1").split()
    headers = read_headers(rfile)
    if headers.get("expect", "").lower() == "100-continue":
        conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
    drain_body(rfile, headers, sink)
    head, payload = build_response(method, target, body, checksum)
    conn.sendall(head)
    if payload:
        conn.sendall(payload)
    return headers.get("connection", "").lower() != "close"


def serve_connection(conn: socket.socket, body: bytes, checksum: str) -> None:
    """Serve requests on one connection until the client closes it."""
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sink = memoryview(bytearray(SINK_SIZE))
    try:
        with conn, conn.makefile("rb", buffering=SINK_SIZE) as rfile:
            while handle_request(conn, rfile, sink, body, checksum):
                pass
    except (OSError, ValueError, BadRequest):
        pass


def serve_forever(port: int, body_size: int) -> None:
    """Accept connections on 127.0.0.1:port, one daemon thread each."""
    body = bytes(body_size)
    checksum = crc32_b64(body)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((HOST, port))
    listener.listen(128)
    print(f"ceiling server on http://{HOST}:{port} (GET body {body_size} bytes)", flush=True)
    while True:
        conn, _addr = listener.accept()
        threading.Thread(target=serve_connection, args=(conn, body, checksum), daemon=True).start()


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--body-size", type=int, default=1024 * 1024)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Entry point: serve until SIGTERM or Ctrl-C."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        serve_forever(args.port, args.body_size)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
