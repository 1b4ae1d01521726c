"""SigV4 request authentication: the Authorization header and presigned-query forms.

Owns parsing AWS signature material off an :class:`HttpRequest`, rebuilding the
canonical request exactly as botocore's signers do (``SigV4Auth``,
``S3SigV4Auth``, ``SigV4QueryAuth``, ``S3SigV4QueryAuth``), checking it against
the stored secret, and the authentication errors AWS returns. Knows nothing of
services beyond the signing name in the credential scope (S3 signers do not
normalize the path), nor of IAM: a valid signature is all it establishes.

Modes: ``open`` accepts anonymous requests and unknown access keys without
checking their signature (any dummy credentials work); ``strict`` rejects both.
Known keys are always verified. An anonymous request is not a signed one: what it
may do is decided later (S3 serves it as AWS's anonymous principal, other services
refuse it).

Clock skew: a header-signed request dated more than 15 minutes away from the
server's wall-clock time is refused (``RequestTimeTooSkewed``), as AWS does. The
skew is measured against real time, not the emulator's injectable clock: clients
(boto3, the Glue runner) sign with the machine's real time, while the emulator's
clock may run scaled or be moved forward in tests. Presigned URLs are checked
against their ``X-Amz-Expires`` on the emulator's clock instead, so tests can let
them expire by moving that clock.

Reference: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
and https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
"""

from __future__ import annotations

import hashlib
import hmac
import io
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import lru_cache
from typing import Literal
from urllib.parse import quote, unquote, unquote_plus

from lakestack.core.credentials import Credential, CredentialStore, account_id_for
from lakestack.core.errors import AccessDenied, AwsError
from lakestack.core.hashing import BackgroundHash
from lakestack.gateway import auth_v2
from lakestack.gateway.http import HttpRequest, RequestBody

ALGORITHM = "AWS4-HMAC-SHA256"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
STREAMING_SIGNED_PAYLOAD = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
STREAMING_SIGNED_PAYLOAD_TRAILER = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
STREAMING_UNSIGNED_PAYLOAD_TRAILER = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
SIGNED_STREAMING_PAYLOADS = frozenset({STREAMING_SIGNED_PAYLOAD, STREAMING_SIGNED_PAYLOAD_TRAILER})
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
MAX_PRESIGNED_EXPIRES = 7 * 24 * 3600
MAX_SKEW_SECONDS = 15 * 60

AuthMode = Literal["open", "strict"]

# Literal x-amz-content-sha256 values S3 accepts besides a hex digest. The ECDSA
# (SigV4a) ones are recognised so that open mode can pass them through.
_PAYLOAD_LITERALS = frozenset(
    {
        UNSIGNED_PAYLOAD,
        STREAMING_SIGNED_PAYLOAD,
        STREAMING_SIGNED_PAYLOAD_TRAILER,
        STREAMING_UNSIGNED_PAYLOAD_TRAILER,
        "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD",
        "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER",
    }
)
# Signing names whose signers send the path as-is (botocore S3SigV4Auth); every
# other service signs a dot-segment-normalized, percent-encoded-again path.
_RAW_PATH_SERVICES = frozenset({"s3", "s3-outposts", "s3-object-lambda", "s3express"})
_HEX64 = re.compile(r"[0-9a-f]{64}")
_AMZ_DATE = re.compile(r"\d{8}T\d{6}Z")
_CANONICAL_COMPONENT = re.compile(r"(?:[A-Za-z0-9_.~-]|%[0-9A-F]{2})*")
_PRESIGN_PARAMS = (
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Signature",
    "X-Amz-Date",
    "X-Amz-SignedHeaders",
    "X-Amz-Expires",
)
_KEY_CACHE_SIZE = 1024


class SignatureDoesNotMatch(AwsError):
    code = "SignatureDoesNotMatch"
    message = (
        "The request signature we calculated does not match the signature you provided. "
        "Check your key and signing method."
    )
    status = 403


class InvalidAccessKeyId(AwsError):
    code = "InvalidAccessKeyId"
    message = "The AWS Access Key Id you provided does not exist in our records."
    status = 403


class InvalidToken(AwsError):
    code = "InvalidToken"
    message = "The provided token is malformed or otherwise invalid."
    status = 400


class ExpiredToken(AwsError):
    code = "ExpiredToken"
    message = "The provided token has expired."
    status = 400


class AuthorizationHeaderMalformed(AwsError):
    code = "AuthorizationHeaderMalformed"
    message = "The authorization header that you provided is not valid."
    status = 400


class IncompleteSignature(AwsError):
    code = "IncompleteSignature"
    message = "The request signature does not conform to AWS standards."
    status = 400


class AuthorizationQueryParametersError(AwsError):
    code = "AuthorizationQueryParametersError"
    message = (
        "Query-string authentication version 4 requires the X-Amz-Algorithm, "
        "X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, "
        "and X-Amz-Expires parameters."
    )
    status = 400


class InvalidRequest(AwsError):
    code = "InvalidRequest"
    message = (
        "The authorization mechanism you have provided is not supported. "
        "Please use AWS4-HMAC-SHA256."
    )
    status = 400


class InvalidArgument(AwsError):
    code = "InvalidArgument"
    message = (
        "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, "
        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, "
        "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, "
        "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER or a valid sha256 value."
    )
    status = 400


class XAmzContentSHA256Mismatch(AwsError):
    code = "XAmzContentSHA256Mismatch"
    message = "The provided 'x-amz-content-sha256' header does not match what was computed."
    status = 400


class AnonymousRefused(AccessDenied):
    """An unsigned request in strict mode (S3's code; other protocols name it their way)."""


class RequestTimeTooSkewed(AwsError):
    """The request's date is more than 15 minutes away from the server's time.

    S3 answers this code with the times in the body; the other protocols answer their
    signature error with :attr:`signature_message` (AWS's "Signature expired" text).
    """

    code = "RequestTimeTooSkewed"
    message = "The difference between the request time and the current time is too large."
    status = 403

    def __init__(self, request_time: str, timestamp: str, now: float) -> None:
        super().__init__(
            RequestTime=request_time,
            ServerTime=_iso(now),
            MaxAllowedSkewMilliseconds=MAX_SKEW_SECONDS * 1000,
        )
        self.signature_message = _skew_message(timestamp, now)


@dataclass(frozen=True, slots=True)
class AuthResult:
    """Who signed a request and with which scope.

    ``date`` is the request timestamp (``yyyymmddTHHMMSSZ``; empty for SigV2).
    ``signing_key`` is set only when the signature was verified; with
    ``seed_signature`` it lets the aws-chunked decoder check chunk signatures.
    """

    access_key_id: str
    account_id: str
    region: str
    service: str
    date: str
    signing_key: bytes | None
    seed_signature: str
    presigned: bool = False

    @property
    def verified(self) -> bool:
        return self.signing_key is not None

    @property
    def scope(self) -> str:
        """The credential scope, ``yyyymmdd/region/service/aws4_request``."""
        return f"{self.date[:8]}/{self.region}/{self.service}/aws4_request"

    def sign(self, string_to_sign: str) -> str:
        """Hex HMAC of ``string_to_sign`` under the verified signing key."""
        if self.signing_key is None:
            raise ValueError("request was not verified; no signing key")
        return hmac.digest(self.signing_key, string_to_sign.encode(), "sha256").hex()


@dataclass(slots=True)
class _Signed:
    """Signature material parsed from either form, before verification."""

    access_key_id: str
    region: str
    service: str
    timestamp: str
    signed_headers: list[str]
    signature: str
    presigned: bool


class SigV4Verifier:
    """Verifies SigV4-signed requests against a :class:`CredentialStore`.

    ``clock`` returns epoch seconds; it decides whether presigned URLs expired.
    ``wall_clock`` (real time unless a test injects one) is what header-signed
    requests' dates are compared with (see the module's note on clock skew).
    """

    def __init__(
        self,
        credentials: CredentialStore,
        mode: AuthMode,
        clock: Callable[[], float],
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        if mode not in ("open", "strict"):
            raise ValueError(f"auth mode must be 'open' or 'strict', got {mode!r}")
        self._credentials = credentials
        self._mode = mode
        self._clock = clock
        self._wall_clock = wall_clock
        self._keys: dict[tuple[str, str, str, str], bytes] = {}

    @property
    def mode(self) -> AuthMode:
        return self._mode

    def verify(self, request: HttpRequest) -> AuthResult | None:
        """Authenticate ``request``; ``None`` means anonymous (open mode only).

        May replace ``request.body``: with the bytes it read when the signature
        covers the body, or with a reader that checks a declared
        ``x-amz-content-sha256`` digest at end of body.

        Raises:
            AccessDenied: anonymous request in strict mode, missing date,
                expired presigned URL.
            RequestTimeTooSkewed: a header-signed request dated more than 15 minutes
                away from the wall clock.
            InvalidAccessKeyId: unknown access key in strict mode.
            SignatureDoesNotMatch: known key, wrong signature.
            AuthorizationHeaderMalformed, IncompleteSignature,
            AuthorizationQueryParametersError, InvalidArgument, InvalidRequest:
                malformed signature material.
        """
        authorization = request.headers.get("authorization")
        if authorization:
            if authorization.startswith("AWS "):
                access_key_id, _, provided = authorization[4:].partition(":")
                self._check_v2_date(request)
                return self._check_v2(request, access_key_id.strip(), provided.strip(), None)
            signed = _parse_authorization(authorization, request.headers)
            self._check_skew(
                request.headers.get("x-amz-date") or request.headers.get("date", ""),
                signed.timestamp,
            )
        elif "X-Amz-Credential=" in request.query:
            signed = self._parse_presigned(request)
        elif "AWSAccessKeyId=" in request.query:
            params = dict(request.query_params())
            return self._check_v2(
                request,
                params.get("AWSAccessKeyId", ""),
                params.get("Signature", ""),
                params.get("Expires", ""),
            )
        else:
            if self._mode == "strict":
                raise AnonymousRefused()
            return None
        return self._check(request, signed)

    def _check_skew(self, request_time: str, timestamp: str) -> None:
        """Refuse a request dated ``timestamp`` (``yyyymmddTHHMMSSZ``) more than 15
        minutes away from the wall clock; ``request_time`` is the date as sent."""
        now = self._wall_clock()
        if abs(_epoch(timestamp) - now) > MAX_SKEW_SECONDS:
            raise RequestTimeTooSkewed(request_time, timestamp, now)

    def _check_v2_date(self, request: HttpRequest) -> None:
        """The date of a SigV2 header-signed request: ``x-amz-date`` or ``Date``."""
        raw = request.headers.get("x-amz-date") or request.headers.get("date") or ""
        if _is_amz_date(raw):
            self._check_skew(raw, raw)
            return
        try:
            parsed = parsedate_to_datetime(raw)
        except (TypeError, ValueError, IndexError):
            raise AccessDenied(
                "AWS authentication requires a valid Date or x-amz-date header"
            ) from None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        self._check_skew(raw, parsed.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ"))

    def _check_v2(
        self, request: HttpRequest, access_key_id: str, provided: str, expires: str | None
    ) -> AuthResult:
        """S3 signature version 2 (``expires`` is set for the presigned-query form)."""
        if not access_key_id or not provided:
            raise AccessDenied(
                "Query-string authentication requires the Signature, Expires "
                "and AWSAccessKeyId parameters"
                if expires is not None
                else "AWS authentication requires a valid Authorization header"
            )
        if expires is not None:
            if not expires.isdigit():
                raise AccessDenied(f"Invalid date (should be seconds since epoch): {expires}")
            if int(expires) < self._clock():
                raise AccessDenied(
                    "Request has expired",
                    Expires=_iso(int(expires)),
                    ServerTime=_iso(self._clock()),
                )
        credential = self._credentials.get(access_key_id)
        if credential is None:
            if self._mode == "strict":
                raise InvalidAccessKeyId(AWSAccessKeyId=access_key_id)
        else:
            self._check_session(request, credential)
            text = auth_v2.string_to_sign(request, expires)
            if not same_signature(auth_v2.signature(credential.secret_access_key, text), provided):
                raise SignatureDoesNotMatch(
                    AWSAccessKeyId=access_key_id, StringToSign=text, SignatureProvided=provided
                )
        account = account_id_for(access_key_id, credential)
        return AuthResult(
            access_key_id, account, "", "s3", "", None, "", presigned=expires is not None
        )

    def _check_session(self, request: HttpRequest, credential: Credential) -> None:
        """Temporary credentials (STS) need their session token, and expire.

        Without a token the key is unknown to AWS (``InvalidAccessKeyId``); a wrong
        token is ``InvalidToken``; past its expiry (the emulator's clock) ``ExpiredToken``.
        """
        if credential.session_token is None:
            return
        token = request.headers.get("x-amz-security-token")
        if token is None:
            token = next(
                (v for n, v in request.query_params() if n.lower() == "x-amz-security-token"),
                None,
            )
        if token is None:
            raise InvalidAccessKeyId(AWSAccessKeyId=credential.access_key_id)
        if not same_signature(credential.session_token, token):
            raise InvalidToken()
        if credential.expired(self._clock()):
            raise ExpiredToken()

    def _check(self, request: HttpRequest, signed: _Signed) -> AuthResult:
        credential = self._credentials.get(signed.access_key_id)
        if credential is None:
            if self._mode == "strict":
                raise InvalidAccessKeyId(AWSAccessKeyId=signed.access_key_id)
            return _result(signed, account_id_for(signed.access_key_id), None)
        self._check_session(request, credential)
        payload_hash = _payload_hash(request, signed)
        key = self._signing_key(
            credential.secret_access_key, signed.timestamp[:8], signed.region, signed.service
        )
        scope = f"{signed.timestamp[:8]}/{signed.region}/{signed.service}/aws4_request"
        canonical = ""
        string_to_sign = ""
        for path in _canonical_paths(request.raw_path, signed.service):
            canonical = _canonical_request(request, signed, path, payload_hash)
            string_to_sign = (
                f"{ALGORITHM}\n{signed.timestamp}\n{scope}\n"
                f"{hashlib.sha256(canonical.encode()).hexdigest()}"
            )
            expected = hmac.digest(key, string_to_sign.encode(), "sha256").hex()
            if same_signature(expected, signed.signature):
                break
        else:
            raise SignatureDoesNotMatch(
                AWSAccessKeyId=signed.access_key_id,
                StringToSign=string_to_sign,
                SignatureProvided=signed.signature,
                CanonicalRequest=canonical,
            )
        if _HEX64.fullmatch(payload_hash) and "x-amz-content-sha256" in request.headers:
            request.body = _checked_body(request.body, payload_hash)
        return _result(signed, account_id_for(signed.access_key_id, credential), key)

    def _signing_key(self, secret: str, date: str, region: str, service: str) -> bytes:
        cache_key = (secret, date, region, service)
        key = self._keys.get(cache_key)
        if key is None:
            key = hmac.digest(f"AWS4{secret}".encode(), date.encode(), "sha256")
            for part in (region, service, "aws4_request"):
                key = hmac.digest(key, part.encode(), "sha256")
            if len(self._keys) >= _KEY_CACHE_SIZE:
                self._keys.clear()
            self._keys[cache_key] = key
        return key

    def _parse_presigned(self, request: HttpRequest) -> _Signed:
        params: dict[str, str] = {}
        for name, value in request.query_params():
            params.setdefault(name, value)
        if any(not params.get(name) for name in _PRESIGN_PARAMS):
            raise AuthorizationQueryParametersError()
        if params["X-Amz-Algorithm"] != ALGORITHM:
            raise AuthorizationQueryParametersError(f'X-Amz-Algorithm only supports "{ALGORITHM}"')
        access_key_id, region, service = _parse_scope(
            params["X-Amz-Credential"], params["X-Amz-Date"], AuthorizationQueryParametersError
        )
        expires_raw = params["X-Amz-Expires"]
        if not expires_raw.isdigit():
            raise AuthorizationQueryParametersError("X-Amz-Expires should be a number")
        expires = int(expires_raw)
        if expires > MAX_PRESIGNED_EXPIRES:
            raise AuthorizationQueryParametersError(
                "X-Amz-Expires must be less than a week (in seconds) that is; "
                f"the maximum expires is {MAX_PRESIGNED_EXPIRES} seconds"
            )
        start = _epoch(params["X-Amz-Date"])
        now = self._clock()
        if start + expires < now:
            expired = AccessDenied("Request has expired")
            expired.fields.update(
                {"X-Amz-Expires": expires_raw, "Expires": _iso(start + expires)},
                ServerTime=_iso(now),
            )
            raise expired
        return _Signed(
            access_key_id,
            region,
            service,
            params["X-Amz-Date"],
            params["X-Amz-SignedHeaders"].split(";"),
            params["X-Amz-Signature"],
            presigned=True,
        )


def same_signature(expected: str, provided: str) -> bool:
    """Constant-time comparison that tolerates non-ASCII garbage in ``provided``.

    >>> same_signature("ab", "ab"), same_signature("ab", "\u00e9b")
    (True, False)
    """
    return hmac.compare_digest(expected.encode(), provided.encode("utf-8", "surrogatepass"))


def _result(signed: _Signed, account_id: str, key: bytes | None) -> AuthResult:
    return AuthResult(
        signed.access_key_id,
        account_id,
        signed.region,
        signed.service,
        signed.timestamp,
        key,
        signed.signature,
        signed.presigned,
    )


def _parse_authorization(value: str, headers: dict[str, str]) -> _Signed:
    algorithm, _, rest = value.strip().partition(" ")
    if algorithm != ALGORITHM:
        raise IncompleteSignature(f"Unsupported AWS 'algorithm': '{algorithm}'")
    parts: dict[str, str] = {}
    for component in rest.split(","):
        name, _, val = component.strip().partition("=")
        parts[name] = val
    missing = [n for n in ("Credential", "SignedHeaders", "Signature") if not parts.get(n)]
    if missing:
        raise IncompleteSignature(
            " ".join(f"Authorization header requires '{n}' parameter." for n in missing)
            + f" Authorization={value}"
        )
    timestamp = _request_timestamp(headers)
    access_key_id, region, service = _parse_scope(
        parts["Credential"], timestamp, AuthorizationHeaderMalformed
    )
    return _Signed(
        access_key_id,
        region,
        service,
        timestamp,
        parts["SignedHeaders"].split(";"),
        parts["Signature"],
        presigned=False,
    )


def _request_timestamp(headers: dict[str, str]) -> str:
    amz_date = headers.get("x-amz-date")
    if amz_date is not None and _is_amz_date(amz_date):
        return amz_date
    date = headers.get("date")
    if amz_date is None and date:
        try:
            return parsedate_to_datetime(date).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        except (TypeError, ValueError):
            pass
    raise AccessDenied("AWS authentication requires a valid Date or x-amz-date header")


def _parse_scope(credential: str, timestamp: str, error: type[AwsError]) -> tuple[str, str, str]:
    parts = credential.split("/")
    if len(parts) != 5 or parts[4] != "aws4_request" or not all(parts):
        if error is AuthorizationHeaderMalformed:
            raise error(
                "The authorization header is malformed; the Credential is mal-formed; "
                'expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".'
            )
        raise error(
            "Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; "
            'expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".'
        )
    if not _is_amz_date(timestamp):
        raise error("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"")
    if parts[1] != timestamp[:8]:
        raise error(
            f'Invalid credential date "{parts[1]}". '
            f'This date is not the same as X-Amz-Date: "{timestamp[:8]}".'
        )
    return parts[0], parts[2], parts[3]


def _payload_hash(request: HttpRequest, signed: _Signed) -> str:
    declared = request.headers.get("x-amz-content-sha256")
    if declared is not None:
        if declared not in _PAYLOAD_LITERALS and not _HEX64.fullmatch(declared):
            raise InvalidArgument(ArgumentName="x-amz-content-sha256", ArgumentValue=declared)
        return declared
    if signed.presigned and signed.service in _RAW_PATH_SERVICES:
        return UNSIGNED_PAYLOAD
    # Non-S3 signers hash the body itself; read it and hand the caller a copy.
    data = request.body.read_all()
    request.body = RequestBody(io.BytesIO(data), len(data))
    return hashlib.sha256(data).hexdigest() if data else EMPTY_SHA256


def _canonical_paths(raw_path: str, service: str) -> list[str]:
    """The canonical URI botocore would have signed, then a lenient fallback.

    >>> _canonical_paths("/b/a%20b", "s3")
    ['/b/a%20b']
    >>> _canonical_paths("/fn/a%3Ab/./x//y", "lambda")
    ['/fn/a%253Ab/x/y']
    """
    if service in _RAW_PATH_SERVICES:
        path = raw_path or "/"
        # Clients that do not percent-encode exactly like botocore (curl, some
        # SDKs) sign the canonically encoded form AWS itself computes.
        canonical = quote(unquote(path), safe="/~")
        return [path] if canonical == path else [path, canonical]
    return [quote(_remove_dot_segments(raw_path), safe="/~")]


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 dot-segment removal plus collapsing of empty segments, as botocore does.

    >>> _remove_dot_segments("/a/./b/../c//d/"), _remove_dot_segments("")
    ('/a/c/d/', '/')
    """
    if not path:
        return "/"
    out: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            if out:
                out.pop()
        elif segment and segment != ".":
            out.append(segment)
    first = "/" if path[0] == "/" else ""
    last = "/" if path[-1] == "/" and out else ""
    return first + "/".join(out) + last


def _canonical_query(query: str, presigned: bool) -> str:
    """Sorted, uniformly encoded query; ``X-Amz-Signature`` dropped when presigned.

    >>> _canonical_query("b=2&a=x%2fy&versioning&c=a+b", False)
    'a=x%2Fy&b=2&c=a%20b&versioning='
    """
    if not query:
        return ""
    pairs: list[tuple[str, str]] = []
    for piece in query.split("&"):
        if not piece:
            continue
        name, _, value = piece.partition("=")
        if presigned and name == "X-Amz-Signature":
            continue
        if not _CANONICAL_COMPONENT.fullmatch(name):
            name = quote(unquote_plus(name), safe="-_.~")
        if not _CANONICAL_COMPONENT.fullmatch(value):
            value = quote(unquote_plus(value), safe="-_.~")
        pairs.append((name, value))
    pairs.sort()
    return "&".join(f"{name}={value}" for name, value in pairs)


def _canonical_request(request: HttpRequest, signed: _Signed, path: str, payload_hash: str) -> str:
    headers = request.headers
    names = signed.signed_headers
    canonical_headers = "".join(
        f"{name}:{' '.join(headers.get(name, '').split())}\n" for name in names
    )
    return (
        f"{request.method.upper()}\n{path}\n{_canonical_query(request.query, signed.presigned)}\n"
        f"{canonical_headers}\n{';'.join(names)}\n{payload_hash}"
    )


def _is_amz_date(value: str) -> bool:
    """Whether ``value`` is a real moment in ``yyyymmddTHHMMSSZ`` form.

    >>> _is_amz_date("20260101T000000Z"), _is_amz_date("20261399T999999Z")
    (True, False)
    """
    if not _AMZ_DATE.fullmatch(value):
        return False
    try:
        _epoch(value)
    except ValueError:
        return False
    return True


@lru_cache(maxsize=256)
def _epoch(timestamp: str) -> float:
    """Epoch seconds of a ``yyyymmddTHHMMSSZ`` timestamp (cached: every request of the
    same second carries the same one)."""
    return datetime.strptime(timestamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC).timestamp()


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _amz(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y%m%dT%H%M%SZ")


def _skew_message(timestamp: str, now: float) -> str:
    """AWS's text for a skewed signature in the JSON and query protocols.

    >>> _skew_message("20250101T000000Z", 1767226500.0).split(": ")
    ['Signature expired', '20250101T000000Z is now earlier than 20260101T000000Z \
(20260101T001500Z - 15 min.)']
    >>> _skew_message("20260101T010000Z", 1767226500.0).split(" (")
    ['Signature not yet current: 20260101T010000Z is still later than 20260101T003000Z', \
'20260101T001500Z + 15 min.)']
    """
    if _epoch(timestamp) < now:
        return (
            f"Signature expired: {timestamp} is now earlier than "
            f"{_amz(now - MAX_SKEW_SECONDS)} ({_amz(now)} - 15 min.)"
        )
    return (
        f"Signature not yet current: {timestamp} is still later than "
        f"{_amz(now + MAX_SKEW_SECONDS)} ({_amz(now)} + 15 min.)"
    )


class _Sha256CheckedBody(RequestBody):
    """Passes a body through and checks its sha256 against the declared one at the end."""

    __slots__ = ("_inner", "_digest", "_expected")

    def __init__(self, inner: RequestBody, expected: str) -> None:
        super().__init__(inner, inner.length)
        self.remaining = inner.remaining
        self._inner = inner
        self._digest = BackgroundHash(hashlib.sha256())  # large reads hash on the other core
        self._expected = expected

    def read(self, n: int = -1, /) -> bytes:
        data = self._inner.read(n)
        self.remaining = self._inner.remaining
        if data:
            self._digest.update(data)
        # Check on the read that finds the end (readers read until b""), so the hash of
        # the last large chunk runs on the other core while the caller writes it out.
        if not data and self._expected:
            declared, self._expected = self._expected, ""  # check once, at the end
            computed = self._digest.hexdigest()
            if computed != declared:
                raise XAmzContentSHA256Mismatch(
                    ClientComputedContentSHA256=declared, S3ComputedContentSHA256=computed
                )
        return data


def _checked_body(body: RequestBody, expected: str) -> RequestBody:
    if body.remaining == 0 and body.length == 0:
        if expected != EMPTY_SHA256:
            raise XAmzContentSHA256Mismatch(
                ClientComputedContentSHA256=expected, S3ComputedContentSHA256=EMPTY_SHA256
            )
        return body
    return _Sha256CheckedBody(body, expected)
