"""Decoding of ``aws-chunked`` request bodies (S3 streaming uploads).

Owns the wire framing boto3 and other SDKs use for streaming uploads::

    <hex-size>[;chunk-signature=<sig>]\\r\\n<data>\\r\\n ... 0[;chunk-signature=<sig>]\\r\\n
    [<trailer-name>:<value>\\r\\n ... [x-amz-trailer-signature:<sig>\\r\\n]]\\r\\n

and the chunk/trailer signatures of ``STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]``.
Decodes while streaming (a 5 GB part is never held in memory). Knows nothing of
what the body is for: checksum trailers are handed on in ``body.trailers``, and
checking them against the data is the S3 engine's business.

References: https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html and
https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming-trailers.html
"""

from __future__ import annotations

import hashlib
import re

from lakestack.core.errors import AwsError
from lakestack.gateway.auth import (
    EMPTY_SHA256,
    SIGNED_STREAMING_PAYLOADS,
    AuthResult,
    InvalidRequest,
    SignatureDoesNotMatch,
    same_signature,
)
from lakestack.gateway.http import HttpRequest, RequestBody

AWS_CHUNKED = "aws-chunked"
_BLOCK = 1 << 20
_MAX_LINE = 8192
_CHUNK_SIZE = re.compile(rb"[0-9a-fA-F]{1,16}")
_CHUNK_SIGNATURE = b"chunk-signature="
_TRAILER_SIGNATURE = "x-amz-trailer-signature"


class IncompleteBody(AwsError):
    code = "IncompleteBody"
    message = "You did not provide the number of bytes specified by the Content-Length HTTP header"
    status = 400


class MissingContentLength(AwsError):
    code = "MissingContentLength"
    message = "You must provide the Content-Length HTTP header."
    status = 411


def is_aws_chunked(request: HttpRequest) -> bool:
    """Whether the body uses aws-chunked framing (by encoding or streaming payload hash)."""
    encoding = request.headers.get("content-encoding", "")
    if AWS_CHUNKED in encoding.lower():
        return True
    # Some SDKs (Java v1) stream signed chunks without declaring the encoding.
    return request.headers.get("x-amz-content-sha256", "").startswith("STREAMING-")


def decode_aws_chunked(request: HttpRequest, auth: AuthResult | None) -> None:
    """Replace an aws-chunked ``request.body`` with a decoding :class:`AwsChunkedBody`.

    Does nothing for other requests. Removes ``aws-chunked`` from
    ``content-encoding`` (dropping the header when nothing remains) and sets
    ``content-length`` to the decoded length, so neither leaks into object
    metadata. Chunk signatures are checked when the payload is signed and
    ``auth`` was verified (a known key).

    Raises:
        MissingContentLength: no valid ``x-amz-decoded-content-length``.
    """
    if not is_aws_chunked(request):
        return
    headers = request.headers
    declared = headers.get("x-amz-decoded-content-length", "").strip()
    if not declared.isdigit():
        raise MissingContentLength()
    encodings = [
        e.strip()
        for e in headers.get("content-encoding", "").split(",")
        if e.strip() and e.strip().lower() != AWS_CHUNKED
    ]
    if encodings:
        headers["content-encoding"] = ",".join(encodings)
    else:
        headers.pop("content-encoding", None)
    headers["content-length"] = declared
    payload = headers.get("x-amz-content-sha256", "")
    signer = (
        auth
        if auth is not None and auth.verified and payload in SIGNED_STREAMING_PAYLOADS
        else None
    )
    request.body = AwsChunkedBody(request.body, int(declared), signer)


class AwsChunkedBody(RequestBody):
    """The decoded bytes of an aws-chunked body; ``length`` is the decoded length.

    ``read(n)`` returns up to ``n`` decoded bytes (fewer only at the end).
    ``trailers`` is filled as soon as the last data byte has been returned.

    >>> import io
    >>> raw = b"5\\r\\nhello\\r\\n0\\r\\nx-amz-checksum-crc32:NhCmhg==\\r\\n\\r\\n"
    >>> body = AwsChunkedBody(RequestBody(io.BytesIO(raw), len(raw)), 5, None)
    >>> body.read(), body.trailers
    (b'hello', {'x-amz-checksum-crc32': 'NhCmhg=='})
    """

    __slots__ = (
        "_src",
        "_buf",
        "_pos",
        "_chunk_left",
        "_need_crlf",
        "_done",
        "_signer",
        "_previous",
        "_chunk_signature",
        "_chunk_hash",
    )

    def __init__(self, source: RequestBody, decoded_length: int, signer: AuthResult | None) -> None:
        super().__init__(source, decoded_length)
        self._src = source
        self._buf = b""
        self._pos = 0
        self._chunk_left = 0
        self._need_crlf = False
        self._done = False
        self._signer = signer
        self._previous = signer.seed_signature if signer is not None else ""
        self._chunk_signature = ""
        self._chunk_hash = hashlib.sha256()

    def read(self, n: int = -1, /) -> bytes:
        if n < 0 or n > self.remaining:
            n = self.remaining
        parts: list[bytes] = []
        while n > 0:
            if self._chunk_left == 0:
                self._next_chunk()
            piece = self._take(min(n, self._chunk_left))
            parts.append(piece)
            n -= len(piece)
            self.remaining -= len(piece)
        if self.remaining == 0 and not self._done:
            # Read the terminal chunk and trailers now, so that a caller reading
            # exactly ``length`` bytes still sees trailers and length errors.
            self._next_chunk()
        return parts[0] if len(parts) == 1 else b"".join(parts)

    def _take(self, n: int) -> bytes:
        available = len(self._buf) - self._pos
        if available:
            n = min(n, available)
            piece = self._buf[self._pos : self._pos + n]
            self._pos += n
        else:
            piece = self._src.read(n)  # large reads bypass the buffer (no copy)
            if not piece:
                raise IncompleteBody()
        self._chunk_left -= len(piece)
        if self._signer is not None:
            self._chunk_hash.update(piece)
            if self._chunk_left == 0:
                self._check_chunk_signature(self._chunk_hash.hexdigest())
        if self._chunk_left == 0:
            self._need_crlf = True
        return piece

    def _next_chunk(self) -> None:
        if self._need_crlf:
            if self._read_line() != b"":
                raise _malformed("chunk data is not followed by CRLF")
            self._need_crlf = False
        size_field, _, extensions = self._read_line().partition(b";")
        if not _CHUNK_SIZE.fullmatch(size_field.strip()):
            raise _malformed(f"invalid chunk size {size_field[:32]!r}")
        size = int(size_field, 16)
        self._chunk_signature = _chunk_signature(extensions)
        if size > self.remaining:
            raise IncompleteBody()  # more data than x-amz-decoded-content-length
        if size == 0:
            if self.remaining:
                raise IncompleteBody()
            if self._signer is not None:
                self._check_chunk_signature(EMPTY_SHA256)
            self._read_trailers()
            self._done = True
            return
        self._chunk_left = size
        self._chunk_hash = hashlib.sha256()

    def _check_chunk_signature(self, data_sha256: str) -> None:
        assert self._signer is not None
        string_to_sign = (
            f"AWS4-HMAC-SHA256-PAYLOAD\n{self._signer.date}\n{self._signer.scope}\n"
            f"{self._previous}\n{EMPTY_SHA256}\n{data_sha256}"
        )
        self._previous = _require(self._signer, string_to_sign, self._chunk_signature)

    def _read_trailers(self) -> None:
        trailers: dict[str, str] = {}
        while True:
            line = self._read_line()
            if not line:
                if not trailers and self._has_more_input():
                    continue  # tolerate a CRLF between the last chunk and the trailers
                break
            name, sep, value = line.decode("latin-1").partition(":")
            if not sep:
                raise _malformed("trailer line without ':'")
            trailers[name.strip().lower()] = value.strip()
        signature = trailers.pop(_TRAILER_SIGNATURE, "")
        if self._signer is not None and (trailers or signature):
            canonical = "".join(f"{k}:{v}\n" for k, v in sorted(trailers.items()))
            string_to_sign = (
                f"AWS4-HMAC-SHA256-TRAILER\n{self._signer.date}\n{self._signer.scope}\n"
                f"{self._previous}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
            )
            self._previous = _require(self._signer, string_to_sign, signature)
        self.trailers = trailers
        self._buf, self._pos = b"", 0
        self._src.drain()  # keep the connection in step if a client sent stray bytes

    def _has_more_input(self) -> bool:
        return self._pos < len(self._buf) or self._src.remaining > 0

    def _read_line(self) -> bytes:
        while True:
            end = self._buf.find(b"\r\n", self._pos)
            if end >= 0:
                line = self._buf[self._pos : end]
                self._pos = end + 2
                return line
            if len(self._buf) - self._pos > _MAX_LINE:
                raise _malformed("chunk header line too long")
            more = self._src.read(_BLOCK)
            if not more:
                raise IncompleteBody()
            self._buf = self._buf[self._pos :] + more
            self._pos = 0


def _chunk_signature(extensions: bytes) -> str:
    for extension in extensions.split(b";"):
        extension = extension.strip()
        if extension.startswith(_CHUNK_SIGNATURE):
            return extension[len(_CHUNK_SIGNATURE) :].decode("latin-1")
    return ""


def _require(signer: AuthResult, string_to_sign: str, provided: str) -> str:
    expected = signer.sign(string_to_sign)
    if not same_signature(expected, provided):
        raise SignatureDoesNotMatch(
            AWSAccessKeyId=signer.access_key_id,
            StringToSign=string_to_sign,
            SignatureProvided=provided,
        )
    return expected


def _malformed(why: str) -> AwsError:
    return InvalidRequest(f"Malformed aws-chunked request body: {why}")
