"""aws-chunked body decoding, with real boto3 upload bodies and the AWS docs' signed example."""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import os
import zlib
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
from botocore.config import Config

from lakestack.core.credentials import CredentialStore
from lakestack.gateway.auth import InvalidRequest, SignatureDoesNotMatch, SigV4Verifier
from lakestack.gateway.chunked import (
    AwsChunkedBody,
    IncompleteBody,
    MissingContentLength,
    decode_aws_chunked,
)
from lakestack.gateway.http import HttpRequest, RequestBody

MIB = 1 << 20


class Captured(Exception):
    def __init__(self, request: Any) -> None:
        super().__init__("captured")
        self.request = request


class CountingSource(io.BytesIO):
    """A connection stand-in that records the biggest single read."""

    largest = 0

    def read(self, n: int | None = -1, /) -> bytes:
        data = super().read(n)
        self.largest = max(self.largest, len(data))
        return data


def body_of(data: bytes) -> RequestBody:
    return RequestBody(io.BytesIO(data), len(data))


def capture_upload(call: str, payload: bytes, **params: Any) -> HttpRequest:
    """The request boto3 sends (over https, so with trailer checksums), as received."""
    s3 = boto3.session.Session().client(
        "s3",
        endpoint_url="https://localhost:4566",
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(
            request_checksum_calculation="when_supported",
            retries={"total_max_attempts": 1},
            s3={"addressing_style": "path"},
        ),
    )

    def hook(request: Any, **_: Any) -> None:
        raise Captured(request)

    s3.meta.events.register("before-send", hook)
    with pytest.raises(Captured) as info:
        getattr(s3, call)(Bucket="bkt", Key="k", Body=io.BytesIO(payload), **params)
    sent = info.value.request
    raw = sent.body.read()
    parts = urlsplit(sent.url)
    headers = {
        k.lower(): v.decode() if isinstance(v, bytes) else v for k, v in sent.headers.items()
    }
    headers["host"] = parts.netloc
    return HttpRequest(sent.method, parts.path, parts.query, headers, body_of(raw))


def verified(request: HttpRequest, mode: str = "strict", store: CredentialStore | None = None):
    signed_at = datetime.strptime(request.headers["x-amz-date"], "%Y%m%dT%H%M%SZ")
    now = signed_at.replace(tzinfo=UTC).timestamp()  # these tests are not about clock skew
    verifier = SigV4Verifier(
        store or CredentialStore(None),
        mode,  # type: ignore[arg-type]
        lambda: 0.0,
        wall_clock=lambda: now,
    )
    return verifier.verify(request)


def read_in(body: RequestBody, size: int) -> bytes:
    out = []
    while chunk := body.read(size):
        out.append(chunk)
    return b"".join(out)


@pytest.mark.parametrize("size", [0, 1, MIB - 1, MIB, 2 * MIB + 12345])
def test_decode_boto3_put_object_returns_bytes_and_crc32_trailer(size: int) -> None:
    payload = os.urandom(size)
    request = capture_upload("put_object", payload)
    assert request.headers["x-amz-content-sha256"] == "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
    auth = verified(request)
    decode_aws_chunked(request, auth)
    assert isinstance(request.body, AwsChunkedBody)
    assert request.body.length == request.body.remaining == size
    assert request.body.read_all() == payload
    assert request.body.remaining == 0
    crc = base64.b64encode(zlib.crc32(payload).to_bytes(4, "big")).decode()
    assert request.body.trailers == {"x-amz-checksum-crc32": crc}
    assert "content-encoding" not in request.headers
    assert request.headers["content-length"] == str(size)


@pytest.mark.parametrize("algorithm", ["SHA256", "SHA1", "CRC32"])  # CRC32C needs awscrt
def test_decode_boto3_upload_part_other_checksums_fill_trailer(algorithm: str) -> None:
    payload = os.urandom(MIB + 7)
    request = capture_upload(
        "upload_part", payload, PartNumber=2, UploadId="u", ChecksumAlgorithm=algorithm
    )
    decode_aws_chunked(request, verified(request))
    assert request.body.read_all() == payload
    assert list(request.body.trailers) == [f"x-amz-checksum-{algorithm.lower()}"]
    if algorithm == "SHA256":
        expected = base64.b64encode(hashlib.sha256(payload).digest()).decode()
        assert request.body.trailers["x-amz-checksum-sha256"] == expected


def test_decode_keeps_other_content_encodings() -> None:
    request = capture_upload("put_object", b"data", ContentEncoding="gzip")
    assert request.headers["content-encoding"] == "gzip,aws-chunked"
    decode_aws_chunked(request, None)
    assert request.headers["content-encoding"] == "gzip"
    assert request.body.read_all() == b"data"


@pytest.mark.parametrize("read_size", [1, 7, 4096, MIB + 3])
def test_decode_any_read_size_returns_same_bytes(read_size: int) -> None:
    payload = os.urandom(2 * MIB + 99)
    request = capture_upload("put_object", payload)
    decode_aws_chunked(request, None)
    assert read_in(request.body, read_size) == payload
    assert "x-amz-checksum-crc32" in request.body.trailers


def test_decode_reading_exactly_length_fills_trailers() -> None:
    request = capture_upload("put_object", b"0123456789")
    decode_aws_chunked(request, None)
    assert request.body.read(10) == b"0123456789"
    assert request.body.trailers  # no extra read needed to reach the trailer


def test_decode_streams_in_bounded_blocks() -> None:
    payload = os.urandom(8 * MIB)
    raw = capture_upload("put_object", payload).body.read_all()
    source = CountingSource(raw)
    headers = {
        "content-encoding": "aws-chunked",
        "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
        "x-amz-decoded-content-length": str(len(payload)),
    }
    request = HttpRequest("PUT", "/b/k", "", headers, RequestBody(source, len(raw)))
    decode_aws_chunked(request, None)
    assert read_in(request.body, MIB) == payload
    assert source.largest <= MIB


def test_decode_non_chunked_request_is_untouched() -> None:
    body = body_of(b"abc")
    request = HttpRequest("PUT", "/b/k", "", {"content-encoding": "gzip"}, body)
    decode_aws_chunked(request, None)
    assert request.body is body and request.headers == {"content-encoding": "gzip"}


# --- framing errors -------------------------------------------------------------


def chunked(raw: bytes, decoded_length: int | None) -> HttpRequest:
    headers = {
        "content-encoding": "aws-chunked",
        "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
    }
    if decoded_length is not None:
        headers["x-amz-decoded-content-length"] = str(decoded_length)
    request = HttpRequest("PUT", "/b/k", "", headers, body_of(raw))
    decode_aws_chunked(request, None)
    return request


@pytest.mark.parametrize(
    "raw",
    [
        b"zz\r\nhello\r\n0\r\n\r\n",
        b"-5\r\nhello\r\n0\r\n\r\n",
        b"+5\r\nhello\r\n0\r\n\r\n",
        b"5_0\r\nhello\r\n0\r\n\r\n",
        b"\r\nhello\r\n0\r\n\r\n",
        b"5\r\nhelloXX0\r\n\r\n",
        b"5\r\nhello\r\n0\r\nno-colon-here\r\n\r\n",
        b"5" * 10000,
    ],
)
def test_decode_malformed_chunks_raise_400(raw: bytes) -> None:
    request = chunked(raw, 5)
    with pytest.raises(InvalidRequest) as info:
        request.body.read_all()
    assert info.value.status == 400


@pytest.mark.parametrize(
    ("raw", "declared"),
    [
        (b"5\r\nhel", 5),  # truncated inside data
        (b"5\r\nhello\r\n", 5),  # no terminal chunk
        (b"5\r\nhello\r\n0\r\n", 5),  # no end of trailers
        (b"5\r\nhello\r\n0\r\n\r\n", 6),  # shorter than declared
        (b"5\r\nhello\r\n0\r\n\r\n", 4),  # longer than declared
        (b"3\r\nhel\r\n2\r\nlo\r\n0\r\n\r\n", 4),  # longer, across chunks
    ],
)
def test_decode_length_mismatch_or_truncation_raises_incomplete_body(
    raw: bytes, declared: int
) -> None:
    request = chunked(raw, declared)
    with pytest.raises(IncompleteBody) as info:
        request.body.read_all()
    assert (info.value.code, info.value.status) == ("IncompleteBody", 400)


def test_decode_missing_decoded_length_raises_missing_content_length() -> None:
    with pytest.raises(MissingContentLength):
        chunked(b"0\r\n\r\n", None)


def test_decode_without_trailers_and_with_blank_line_before_trailers() -> None:
    assert chunked(b"5\r\nhello\r\n0\r\n\r\n", 5).body.read_all() == b"hello"
    request = chunked(b"5\r\nhello\r\n0\r\n\r\nx-amz-checksum-crc32:abc=\r\n\r\n", 5)
    assert request.body.read_all() == b"hello"
    assert request.body.trailers == {"x-amz-checksum-crc32": "abc="}


# --- signed streaming: the example from the AWS docs (sigv4-streaming.html) ------

DOC_AKID = "AKIAIOSFODNN7EXAMPLE"
DOC_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
DOC_SEED = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
DOC_CHUNKS = [
    (65536, "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648"),
    (1024, "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497"),
    (0, "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9"),
]


def doc_request(body: bytes | None = None) -> HttpRequest:
    if body is None:
        body = b"".join(
            b"%x;chunk-signature=%s\r\n%s\r\n" % (size, sig.encode(), b"a" * size)
            for size, sig in DOC_CHUNKS
        )
    headers = {
        "host": "s3.amazonaws.com",
        "x-amz-date": "20130524T000000Z",
        "x-amz-storage-class": "REDUCED_REDUNDANCY",
        "authorization": (
            f"AWS4-HMAC-SHA256 Credential={DOC_AKID}/20130524/us-east-1/s3/aws4_request,"
            "SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;"
            f"x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,Signature={DOC_SEED}"
        ),
        "x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
        "content-encoding": "aws-chunked",
        "x-amz-decoded-content-length": "66560",
        "content-length": "66824",
    }
    return HttpRequest("PUT", "/examplebucket/chunkObject.txt", "", headers, body_of(body))


def doc_store() -> CredentialStore:
    store = CredentialStore(None)
    store.add(DOC_AKID, DOC_SECRET)
    return store


def test_decode_signed_streaming_docs_example_verifies_every_chunk() -> None:
    request = doc_request()
    assert len(request.body.read_all()) == 66824
    request = doc_request()
    auth = verified(request, store=doc_store())
    assert auth is not None and auth.seed_signature == DOC_SEED
    decode_aws_chunked(request, auth)
    assert request.body.read_all() == b"a" * 66560
    assert request.headers["content-length"] == "66560"


@pytest.mark.parametrize("where", ["chunk-signature", "data", "final-signature"])
def test_decode_signed_streaming_tampered_raises_signature_does_not_match(where: str) -> None:
    raw = doc_request().body.read_all()
    if where == "chunk-signature":
        raw = raw.replace(DOC_CHUNKS[1][1].encode(), b"0" * 64)
    elif where == "data":
        raw = raw[:30000] + b"b" + raw[30001:]
    else:
        raw = raw.replace(DOC_CHUNKS[2][1].encode(), b"f" * 64)
    request = doc_request(raw)
    decode_aws_chunked(request, verified(request, store=doc_store()))
    with pytest.raises(SignatureDoesNotMatch):
        request.body.read_all()


def test_decode_signed_streaming_unknown_key_open_mode_skips_chunk_checks() -> None:
    raw = doc_request().body.read_all().replace(DOC_CHUNKS[1][1].encode(), b"0" * 64)
    request = doc_request(raw)
    auth = verified(request, mode="open")  # the docs' key is not in this store
    assert auth is not None and not auth.verified
    decode_aws_chunked(request, auth)
    assert request.body.read_all() == b"a" * 66560


def sign_trailing(auth: Any, data: list[bytes], trailers: dict[str, str]) -> bytes:
    """Frame ``data`` as STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, per the AWS docs."""
    key, previous, out = auth.signing_key, auth.seed_signature, []
    empty = hashlib.sha256(b"").hexdigest()
    for chunk in [*data, b""]:
        sts = (
            f"AWS4-HMAC-SHA256-PAYLOAD\n{auth.date}\n{auth.scope}\n{previous}\n{empty}\n"
            f"{hashlib.sha256(chunk).hexdigest()}"
        )
        previous = hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()
        out.append(b"%x;chunk-signature=%s\r\n" % (len(chunk), previous.encode()))
        if chunk:
            out.append(chunk + b"\r\n")
    canonical = "".join(f"{k}:{v}\n" for k, v in sorted(trailers.items()))
    sts = (
        f"AWS4-HMAC-SHA256-TRAILER\n{auth.date}\n{auth.scope}\n{previous}\n"
        f"{hashlib.sha256(canonical.encode()).hexdigest()}"
    )
    signature = hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()
    out.extend(f"{k}:{v}\r\n".encode() for k, v in trailers.items())
    out.append(f"x-amz-trailer-signature:{signature}\r\n\r\n".encode())
    return b"".join(out)


@pytest.mark.parametrize("tamper", [False, True])
def test_decode_signed_trailer_verifies_trailer_signature(tamper: bool) -> None:
    request = doc_request(b"")
    request.headers["x-amz-content-sha256"] = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
    request.headers["x-amz-decoded-content-length"] = "9"
    request.headers["authorization"] = request.headers["authorization"].replace(DOC_SEED, "0" * 64)
    store = doc_store()
    # Sign the headers: derive the key as the docs describe and sign the reported StringToSign.
    with pytest.raises(SignatureDoesNotMatch) as info:
        verified(request, store=store)
    key = f"AWS4{DOC_SECRET}".encode()
    for part in ("20130524", "us-east-1", "s3", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    sts = info.value.fields["StringToSign"].encode()
    seed = hmac.new(key, sts, hashlib.sha256).hexdigest()
    request.headers["authorization"] = request.headers["authorization"].replace("0" * 64, seed)
    auth = verified(request, store=store)
    assert auth is not None
    raw = sign_trailing(auth, [b"abcd", b"efghi"], {"x-amz-checksum-crc32c": "yZRlqg=="})
    if tamper:
        raw = raw.replace(b"yZRlqg==", b"AAAAAA==")
    request.body = body_of(raw)
    decode_aws_chunked(request, auth)
    if tamper:
        with pytest.raises(SignatureDoesNotMatch):
            request.body.read_all()
    else:
        assert request.body.read_all() == b"abcdefghi"
        assert request.body.trailers == {"x-amz-checksum-crc32c": "yZRlqg=="}


@pytest.mark.parametrize("split", [1, 7, 4096, 1 << 16])
def test_decode_aws_chunked_inside_chunked_transfer_encoding_through_the_server(
    split: int,
) -> None:
    """The AWS C++ SDK (pyarrow) sends aws-chunked bodies framed again with
    ``Transfer-Encoding: chunked``; the HTTP chunks split the aws-chunked lines anywhere."""
    import socket

    from lakestack.gateway.http import HttpResponse
    from lakestack.gateway.server import Server

    payload = os.urandom(300_000)
    crc = base64.b64encode(zlib.crc32(payload).to_bytes(4, "big")).decode()
    inner = (
        b"%x\r\n" % 200_000
        + payload[:200_000]
        + b"\r\n%x\r\n" % 100_000
        + payload[200_000:]
        + f"\r\n0\r\nx-amz-checksum-crc32:{crc}\r\n\r\n".encode()
    )
    outer = b"".join(
        b"%x\r\n%s\r\n" % (len(inner[i : i + split]), inner[i : i + split])
        for i in range(0, len(inner), split)
    )

    def app(request: HttpRequest) -> HttpResponse:
        decode_aws_chunked(request, None)
        data = read_in(request.body, 65536)
        ok = data == payload and request.body.trailers == {"x-amz-checksum-crc32": crc}
        return HttpResponse(200 if ok else 500)

    server = Server(app)
    server.start()
    try:
        with socket.create_connection((server.host, server.port), timeout=10) as sock:
            sock.sendall(
                b"PUT /b/k HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                b"Content-Encoding: aws-chunked\r\nExpect: 100-continue\r\n"
                b"x-amz-decoded-content-length: 300000\r\n\r\n"
            )
            f = sock.makefile("rb")
            assert f.readline().startswith(b"HTTP/1.1 100")
            assert f.readline() == b"\r\n"
            sock.sendall(outer + b"0\r\n\r\n")
            assert f.readline().startswith(b"HTTP/1.1 200")
            f.close()
    finally:
        server.shutdown()
