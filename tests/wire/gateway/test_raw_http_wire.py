"""Malformed and hostile requests as raw socket bytes against the live endpoint.

Each case is the bytes a client sends, the status it must get and the AWS error code in
the body. After every case the server still answers and nothing was stored or deleted:
the bucket holds exactly the object it held before (a request smuggled into a body, such
as a DELETE of that object, never runs).
"""

from __future__ import annotations

import hashlib
import hmac
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from lakestack.emulator import Emulator

BUCKET = "raw-http"
KEEP = "keep"
GIB = 1 << 30


@dataclass(frozen=True)
class Endpoint:
    host: str
    port: int

    @property
    def authority(self) -> str:
        return f"{self.host}:{self.port}"


def sign(
    endpoint: Endpoint,
    method: str,
    path: str,
    headers: dict[str, str],
    body: bytes = b"",
    *,
    service: str = "s3",
    payload_hash: str | None = None,
) -> bytes:
    """A request head signed with SigV4 by key ``test`` now, as an SDK would sign it."""
    amz_date = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    payload = payload_hash or hashlib.sha256(body).hexdigest()
    fields = {k.lower(): v for k, v in headers.items()}
    fields.update({"host": endpoint.authority, "x-amz-date": amz_date})
    if service == "s3":
        fields["x-amz-content-sha256"] = payload
    signed = sorted(k for k in fields if k not in ("content-length", "transfer-encoding"))
    path_only, _, query = path.partition("?")
    canonical_query = "&".join(sorted(p if "=" in p else p + "=" for p in query.split("&") if p))
    canonical = "\n".join(
        [
            method,
            path_only,
            canonical_query,
            "".join(f"{k}:{' '.join(fields[k].split())}\n" for k in signed),
            ";".join(signed),
            payload,
        ]
    )
    scope = f"{amz_date[:8]}/us-east-1/{service}/aws4_request"
    to_sign = "\n".join(
        ["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()]
    )
    key = b"AWS4test"
    for part in (amz_date[:8], "us-east-1", service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    fields["authorization"] = (
        f"AWS4-HMAC-SHA256 Credential=test/{scope}, SignedHeaders={';'.join(signed)}, "
        f"Signature={signature}"
    )
    head = f"{method} {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in fields.items())
    return head.encode("latin-1") + b"\r\n"


def smuggled_delete(endpoint: Endpoint) -> bytes:
    """A signed DELETE of the kept object, hidden where a body would be."""
    return sign(endpoint, "DELETE", f"/{BUCKET}/{KEEP}", {}, payload_hash=EMPTY)


EMPTY = hashlib.sha256(b"").hexdigest()
UNSIGNED = "UNSIGNED-PAYLOAD"


def put_with(extra: str, body: bytes = b"abc") -> Callable[[Endpoint], bytes]:
    """A PUT of a new object whose head carries ``extra`` framing header lines."""

    def build(endpoint: Endpoint) -> bytes:
        head = sign(endpoint, "PUT", f"/{BUCKET}/new", {}, payload_hash=UNSIGNED)
        return head[:-2] + extra.encode("latin-1") + b"\r\n" + body + smuggled_delete(endpoint)

    return build


def chunked_put(chunks: bytes) -> Callable[[Endpoint], bytes]:
    return put_with("Transfer-Encoding: chunked\r\n", chunks)


def raw(data: bytes) -> Callable[[Endpoint], bytes]:
    return lambda endpoint: data.replace(b"HOST", endpoint.authority.encode())


def deep_json(target: str, service: str) -> Callable[[Endpoint], bytes]:
    body = b"[" * 100_000 + b"]" * 100_000

    def build(endpoint: Endpoint) -> bytes:
        headers = {
            "X-Amz-Target": target,
            "Content-Type": "application/x-amz-json-1.1",
            "Content-Length": str(len(body)),
        }
        return sign(endpoint, "POST", "/", headers, body, service=service) + body

    return build


def aws_chunked(chunks: bytes, decoded: int) -> Callable[[Endpoint], bytes]:
    """An aws-chunked PutObject (as boto3 streams uploads) with the given framing."""

    def build(endpoint: Endpoint) -> bytes:
        headers = {
            "Content-Encoding": "aws-chunked",
            "X-Amz-Decoded-Content-Length": str(decoded),
            "X-Amz-Trailer": "x-amz-checksum-crc32",
            "Content-Length": str(len(chunks)),
        }
        head = sign(
            endpoint,
            "PUT",
            f"/{BUCKET}/new",
            headers,
            payload_hash="STREAMING-UNSIGNED-PAYLOAD-TRAILER",
        )
        return head + chunks

    return build


def s3_put(headers: dict[str, str], body: bytes = b"") -> Callable[[Endpoint], bytes]:
    def build(endpoint: Endpoint) -> bytes:
        fields = {"Content-Length": str(len(body)), **headers}
        return sign(endpoint, "PUT", f"/{BUCKET}/new", fields, payload_hash=UNSIGNED) + body

    return build


def delete_objects_without_digest(endpoint: Endpoint) -> bytes:
    body = f"<Delete><Object><Key>{KEEP}</Key></Object></Delete>".encode()
    headers = {"Content-Type": "application/xml", "Content-Length": str(len(body))}
    return sign(endpoint, "POST", f"/{BUCKET}?delete", headers, body) + body


# (id, request bytes, status, AWS error code in the body)
HTTP_CASES: list[tuple[str, Callable[[Endpoint], bytes], int, str]] = [
    ("negative-content-length", put_with("Content-Length: -1\r\n", b""), 400, "BadRequest"),
    ("content-length-not-a-number", put_with("Content-Length: 3x\r\n"), 400, "BadRequest"),
    ("content-length-plus-sign", put_with("Content-Length: +3\r\n"), 400, "BadRequest"),
    (
        "content-length-overflow",
        put_with("Content-Length: 99999999999999999999999\r\n"),
        400,
        "BadRequest",
    ),
    (
        "duplicate-conflicting-content-length",
        put_with("Content-Length: 3\r\nContent-Length: 60\r\n"),
        400,
        "BadRequest",
    ),
    (
        "content-length-list",
        put_with("Content-Length: 3, 60\r\n"),
        400,
        "BadRequest",
    ),
    (
        "content-length-and-chunked (CL.TE)",
        put_with("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", b"0\r\n\r\n"),
        400,
        "BadRequest",
    ),
    (
        "chunked-and-content-length (TE.CL)",
        put_with("Transfer-Encoding: chunked\r\nContent-Length: 3\r\n", b"abc"),
        400,
        "BadRequest",
    ),
    ("transfer-encoding-gzip", put_with("Transfer-Encoding: gzip\r\n"), 400, "BadRequest"),
    (
        "transfer-encoding-obfuscated",
        put_with("Transfer-Encoding: xchunked\r\n", b"0\r\n\r\n"),
        400,
        "BadRequest",
    ),
    (
        "transfer-encoding-space-before-colon",
        put_with("Transfer-Encoding : chunked\r\n", b"0\r\n\r\n"),
        400,
        "BadRequest",
    ),
    ("chunk-size-not-hex", chunked_put(b"zz\r\nabc\r\n0\r\n\r\n"), 400, "BadRequest"),
    ("chunk-size-negative", chunked_put(b"-3\r\nabc\r\n0\r\n\r\n"), 400, "BadRequest"),
    (
        "chunk-size-overflow",
        chunked_put(b"fffffffffffffffffff\r\nabc\r\n0\r\n\r\n"),
        400,
        "BadRequest",
    ),
    ("chunk-size-missing", chunked_put(b"\r\nabc\r\n0\r\n\r\n"), 400, "BadRequest"),
    (
        "chunk-data-longer-than-size",
        chunked_put(b"3\r\nabcdef\r\n0\r\n\r\n"),
        400,
        "BadRequest",
    ),
    (
        "header-with-nul",
        raw(b"GET /raw-http HTTP/1.1\r\nHost: HOST\r\nX-A: a\x00b\r\n\r\n"),
        400,
        "BadRequest",
    ),
    (
        "obsolete-line-folding",
        raw(b"GET /raw-http HTTP/1.1\r\nHost: HOST\r\nX-A: a\r\n b\r\n\r\n"),
        400,
        "BadRequest",
    ),
    ("bare-lf-lines", raw(b"GET /raw-http HTTP/1.1\nHost: HOST\n\n"), 400, "BadRequest"),
    ("garbage-request-line", raw(b"\x16\x03\x01\x02\x00\x01\x00\r\n\r\n"), 400, "BadRequest"),
    ("unknown-method", raw(b"BREW /raw-http HTTP/1.1\r\nHost: HOST\r\n\r\n"), 400, "BadRequest"),
    (
        "http-2-request-line",
        raw(b"GET /raw-http HTTP/2.0\r\nHost: HOST\r\n\r\n"),
        505,
        "HttpVersionNotSupported",
    ),
    (
        "header-section-too-large",
        raw(b"GET /raw-http HTTP/1.1\r\nHost: HOST\r\nX-Big: " + b"a" * (300 << 10) + b"\r\n\r\n"),
        400,
        "RequestHeaderSectionTooLarge",
    ),
    (
        "json-nested-100000-deep (Glue)",
        deep_json("AWSGlue.CreateDatabase", "glue"),
        400,
        "SerializationException",
    ),
    (
        "json-nested-100000-deep (Athena)",
        deep_json("AmazonAthena.StartQueryExecution", "athena"),
        400,
        "SerializationException",
    ),
    (
        "aws-chunked-size-not-hex",
        aws_chunked(b"zz\r\nabc\r\n0\r\n\r\n", 3),
        400,
        "InvalidRequest",
    ),
    (
        "aws-chunked-more-than-decoded-length",
        aws_chunked(b"5\r\nabcde\r\n0\r\n\r\n", 3),
        400,
        "IncompleteBody",
    ),
]

# S3's own limits on a request (AWS: PutObject is at most 5 GiB, user metadata at most
# 2 KB, DeleteObjects needs Content-MD5 or a checksum).
S3_CASES: list[tuple[str, Callable[[Endpoint], bytes], int, str]] = [
    (
        "content-length-over-5-gib",
        s3_put({"Content-Length": str(5 * GIB + 1)}),
        400,
        "EntityTooLarge",
    ),
    (
        "user-metadata-over-2-kb",
        s3_put({"x-amz-meta-big": "m" * 2100}, b"abc"),
        400,
        "MetadataTooLarge",
    ),
    (
        "user-metadata-100-kb",
        s3_put({f"x-amz-meta-k{i}": "m" * 1000 for i in range(100)}, b"abc"),
        400,
        "MetadataTooLarge",
    ),
    ("delete-objects-without-content-md5", delete_objects_without_digest, 400, "InvalidRequest"),
]


@pytest.fixture
def endpoint(lakestack: Emulator, lakestack_client: Callable[..., Any]) -> Iterator[Endpoint]:
    s3 = lakestack_client("s3")
    s3.create_bucket(Bucket=BUCKET)
    s3.put_object(Bucket=BUCKET, Key=KEEP, Body=b"kept")
    host, port = lakestack.endpoint_url.removeprefix("http://").split(":")
    yield Endpoint(host, int(port))
    listing = s3.list_objects_v2(Bucket=BUCKET)  # the server still answers
    assert [o["Key"] for o in listing.get("Contents", [])] == [KEEP]  # nothing stored or lost
    assert s3.get_object(Bucket=BUCKET, Key=KEEP)["Body"].read() == b"kept"


def exchange(
    endpoint: Endpoint, data: bytes, *, then_closed: bool = True
) -> tuple[str, dict[str, str], bytes, bool]:
    """Send ``data``; return the first response's status line, headers, body, and (when
    ``then_closed``) whether the server then closed the connection."""
    with socket.create_connection((endpoint.host, endpoint.port), timeout=10) as sock:
        try:
            sock.sendall(data)
        except OSError:
            pass  # the server may refuse and close before reading everything
        f = sock.makefile("rb")
        status_line = f.readline().decode("latin-1").strip()
        headers: dict[str, str] = {}
        while (line := f.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        body = f.read(int(headers.get("content-length", "0")))
        closed = False
        if then_closed:
            try:
                closed = f.read(1) == b""
            except ConnectionResetError:
                closed = True
        f.close()
        return status_line, headers, body, closed


# Refused by the HTTP layer before any service saw the request: the connection is closed,
# so nothing after the malformed framing is ever read as a request.
HTTP_LAYER_CODES = {"BadRequest", "HttpVersionNotSupported", "RequestHeaderSectionTooLarge"}


def check(endpoint: Endpoint, build: Callable[[Endpoint], bytes], status: int, code: str) -> None:
    refused = code in HTTP_LAYER_CODES
    status_line, headers, body, closed = exchange(endpoint, build(endpoint), then_closed=refused)
    assert status_line.split(" ")[:2] == ["HTTP/1.1", str(status)], (status_line, body)
    assert f"<Code>{code}</Code>".encode() in body or f'"{code}"'.encode() in body, body
    if refused:
        assert closed and headers.get("connection") == "close"


@pytest.mark.parametrize(
    ("build", "status", "code"),
    [pytest.param(b, s, c, id=i) for i, b, s, c in HTTP_CASES],
)
def test_malformed_request_gets_its_error_and_stores_nothing(
    endpoint: Endpoint, build: Callable[[Endpoint], bytes], status: int, code: str
) -> None:
    check(endpoint, build, status, code)


@pytest.mark.parametrize(
    ("build", "status", "code"),
    [pytest.param(b, s, c, id=i) for i, b, s, c in S3_CASES],
)
def test_request_over_s3_limits_gets_its_error_and_stores_nothing(
    endpoint: Endpoint, build: Callable[[Endpoint], bytes], status: int, code: str
) -> None:
    check(endpoint, build, status, code)


def test_http10_request_is_answered_in_http10_and_closed(endpoint: Endpoint) -> None:
    head = sign(endpoint, "GET", f"/{BUCKET}?list-type=2", {}, payload_hash=EMPTY)
    status_line, headers, body, closed = exchange(
        endpoint, head.replace(b"HTTP/1.1", b"HTTP/1.0", 1)
    )
    assert status_line.startswith("HTTP/1.0 200"), (status_line, body)
    assert f"<Key>{KEEP}</Key>".encode() in body
    assert closed and headers["connection"] == "close"


def test_pipelined_requests_on_one_connection_each_get_their_answer(
    endpoint: Endpoint,
) -> None:
    get = sign(endpoint, "GET", f"/{BUCKET}/{KEEP}", {}, payload_hash=EMPTY)
    head = sign(endpoint, "HEAD", f"/{BUCKET}/{KEEP}", {}, payload_hash=EMPTY)
    with socket.create_connection((endpoint.host, endpoint.port), timeout=10) as sock:
        sock.sendall(get + head + get)
        f = sock.makefile("rb")
        answers = []
        for method in ("GET", "HEAD", "GET"):
            status = f.readline().split()[1]
            length = 0
            while (line := f.readline()) != b"\r\n":
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            answers.append((status, f.read(length) if method == "GET" else b""))
        f.close()
    assert answers == [(b"200", b"kept"), (b"200", b""), (b"200", b"kept")]


def test_many_idle_connections_are_bounded_and_the_server_keeps_answering(
    lakestack: Emulator, endpoint: Endpoint, lakestack_client: Callable[..., Any]
) -> None:
    assert lakestack.server is not None
    cap = lakestack.server.max_connections
    idle = []
    try:
        for _ in range(cap + 300):
            idle.append(socket.create_connection((endpoint.host, endpoint.port), timeout=10))
        listing = lakestack_client("s3").list_objects_v2(Bucket=BUCKET)
        assert [o["Key"] for o in listing["Contents"]] == [KEEP]
        assert lakestack.server.connections <= cap
    finally:
        for sock in idle:
            sock.close()


def test_refused_large_upload_gets_its_error_not_a_reset(
    endpoint: Endpoint, lakestack_client: Callable[..., Any]
) -> None:
    from io import BytesIO

    from botocore.exceptions import ClientError

    s3 = lakestack_client("s3")
    for _ in range(3):  # sent with Expect: 100-continue, answered before the body
        with pytest.raises(ClientError) as caught:
            s3.put_object(Bucket="no-such-bucket-here", Key="k", Body=BytesIO(b"x" * (8 << 20)))
        assert caught.value.response["Error"]["Code"] == "NoSuchBucket"
