"""Plain HTTP request and response values passed through the handler chain.

Owns the shapes of a request (method, raw path, raw query, lower-cased headers,
a body stream) and a response (status, headers, bytes or a streamed payload).
Knows nothing of AWS.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO, Protocol
from urllib.parse import parse_qsl


class Readable(Protocol):
    def read(self, n: int = -1, /) -> bytes: ...


class RequestBody:
    """A request body read from the connection, at most ``length`` bytes.

    ``trailers`` holds HTTP/aws-chunked trailer headers (lower-cased) once the
    body has been read to its end; decoders that wrap this class fill it.

    >>> b = RequestBody(io.BytesIO(b"hello world"), 5)
    >>> b.read(3), b.read(), b.read()
    (b'hel', b'lo', b'')
    """

    __slots__ = ("_raw", "remaining", "length", "trailers")

    def __init__(self, raw: Readable, length: int) -> None:
        self._raw = raw
        self.length = length
        self.remaining = length
        self.trailers: dict[str, str] = {}

    def read(self, n: int = -1, /) -> bytes:
        if self.remaining <= 0:
            return b""
        if n < 0 or n > self.remaining:
            n = self.remaining
        data = self._raw.read(n)
        if not data:
            raise ConnectionError("client closed the connection mid-body")
        self.remaining -= len(data)
        return data

    def read_all(self) -> bytes:
        chunks: list[bytes] = []
        while True:
            chunk = self.read(1 << 20)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)

    def drain(self) -> None:
        while self.read(1 << 16):
            pass


EMPTY_BODY = RequestBody(io.BytesIO(b""), 0)


@dataclass(slots=True)
class HttpRequest:
    """One HTTP request as it came off the wire.

    ``raw_path`` is percent-encoded exactly as sent, without the query string.
    Header names are lower-case; repeated headers are joined with ``,``.
    """

    method: str
    raw_path: str
    query: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    body: RequestBody = EMPTY_BODY
    remote_addr: str = "127.0.0.1"

    def query_params(self) -> list[tuple[str, str]]:
        """Decoded query pairs, blank values kept (``?versioning`` -> ``("versioning", "")``)."""
        return parse_qsl(self.query, keep_blank_values=True)

    @property
    def host(self) -> str:
        return self.headers.get("host", "")


@dataclass(slots=True)
class FileRange:
    """A byte range of a file on disk, sent with ``os.sendfile`` when possible."""

    path: str
    offset: int
    length: int

    def chunks(self, size: int = 1 << 20) -> Iterator[bytes]:
        with open(self.path, "rb") as f:
            f.seek(self.offset)
            left = self.length
            while left > 0:
                data = f.read(min(size, left))
                if not data:
                    raise OSError(f"{self.path} is shorter than expected")
                left -= len(data)
                yield data


@dataclass(slots=True)
class StreamPayload:
    """A payload of known length produced by an iterator of byte chunks."""

    chunks: Iterable[bytes]
    length: int


Payload = bytes | FileRange | StreamPayload


@dataclass(slots=True)
class HttpResponse:
    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: Payload = b""

    def header(self, name: str) -> str | None:
        lname = name.lower()
        for k, v in self.headers:
            if k.lower() == lname:
                return v
        return None

    @property
    def content_length(self) -> int:
        body = self.body
        if isinstance(body, bytes):
            return len(body)
        return body.length


def file_size(f: BinaryIO) -> int:
    return os.fstat(f.fileno()).st_size
