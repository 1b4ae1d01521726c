"""SigV4 verification, with botocore's own signers as the oracle."""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Iterator
from email.utils import formatdate
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from botocore.auth import S3SigV4Auth, SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

from lakestack.core.credentials import CredentialStore
from lakestack.core.errors import AccessDenied
from lakestack.gateway.auth import (
    MAX_SKEW_SECONDS,
    AnonymousRefused,
    AuthorizationHeaderMalformed,
    AuthorizationQueryParametersError,
    AuthResult,
    IncompleteSignature,
    InvalidAccessKeyId,
    InvalidArgument,
    RequestTimeTooSkewed,
    SignatureDoesNotMatch,
    SigV4Verifier,
    XAmzContentSHA256Mismatch,
)
from lakestack.gateway.http import HttpRequest, RequestBody

AKID = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
ENDPOINT = "http://localhost:4566"
ODD_KEYS = [
    "plain.txt",
    "with space.txt",
    "ünï/cødé ✓.bin",
    "a+b=c&d.txt",
    "100%.csv",
    "x//y",
    "/leading",
    "~tilde!'()*",
    "dir/../dot/./seg",
]


class Captured(Exception):
    """Raised from a before-send hook to stop botocore after signing."""

    def __init__(self, request: Any) -> None:
        super().__init__("captured")
        self.request = request


class Clock:
    def __init__(self, now: float = 0.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def to_http(method: str, url: str, headers: Any, body: Any) -> HttpRequest:
    parts = urlsplit(url)
    if body is None:
        data = b""
    elif isinstance(body, bytes | bytearray):
        data = bytes(body)
    elif isinstance(body, str):
        data = body.encode()
    else:
        data = body.read()
    lowered = {k.lower(): v.decode() if isinstance(v, bytes) else v for k, v in headers.items()}
    lowered.setdefault("host", parts.netloc)
    return HttpRequest(
        method=method,
        raw_path=parts.path,
        query=parts.query,
        headers=lowered,
        body=RequestBody(io.BytesIO(data), len(data)),
    )


def capture(client: Any, call: Callable[[], Any]) -> HttpRequest:
    def hook(request: Any, **_: Any) -> None:
        raise Captured(request)

    client.meta.events.register("before-send", hook)
    with pytest.raises(Captured) as info:
        call()
    r = info.value.request
    return to_http(r.method, r.url, r.headers, r.body)


def client(service: str, key: str = AKID, secret: str = SECRET, **config: Any) -> Any:
    return boto3.session.Session().client(
        service,
        endpoint_url=ENDPOINT,
        region_name="eu-west-1",
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        config=Config(retries={"total_max_attempts": 1}, **config),
    )


def sign(
    signer_cls: type[SigV4Auth], service: str, method: str, url: str, body: bytes = b"", **kw: Any
) -> HttpRequest:
    headers = kw.pop("headers", {})
    request = AWSRequest(method=method, url=url, data=body, headers=headers)
    signer_cls(Credentials(AKID, SECRET), service, "us-east-1", **kw).add_auth(request)
    return to_http(method, request.url, request.headers, body)


@pytest.fixture
def store() -> CredentialStore:
    s = CredentialStore(None)
    s.add(AKID, SECRET)
    return s


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def verifier(store: CredentialStore, clock: Clock) -> SigV4Verifier:
    return SigV4Verifier(store, "strict", clock)


def presign_time(request: HttpRequest) -> float:
    from datetime import UTC, datetime

    stamp = parse_qs(request.query)["X-Amz-Date"][0]
    return datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC).timestamp()


def tamper_signature(request: HttpRequest) -> None:
    auth = request.headers["authorization"]
    last = auth[-1]
    request.headers["authorization"] = auth[:-1] + ("0" if last != "0" else "1")


def tamper_cases(request: HttpRequest) -> Iterator[tuple[str, HttpRequest]]:
    def copy() -> HttpRequest:
        data = request.body.read_all()
        request.body = RequestBody(io.BytesIO(data), len(data))
        return HttpRequest(
            request.method,
            request.raw_path,
            request.query,
            dict(request.headers),
            RequestBody(io.BytesIO(data), len(data)),
        )

    r = copy()
    tamper_signature(r)
    yield "signature", r
    r = copy()
    r.headers["host"] = r.headers["host"] + "0"
    yield "header", r
    r = copy()
    r.raw_path = r.raw_path + "x"
    yield "path", r
    r = copy()
    r.query = (r.query + "&" if r.query else "") + "extra=1"
    yield "query", r
    r = copy()
    r.method = "DELETE" if r.method != "DELETE" else "GET"
    yield "method", r


# --- real clients, captured after signing ----------------------------------------


@pytest.mark.parametrize("key", ODD_KEYS)
def test_verify_s3_put_object_odd_keys_passes(verifier: SigV4Verifier, key: str) -> None:
    s3 = client("s3", s3={"addressing_style": "path"})
    request = capture(s3, lambda: s3.put_object(Bucket="bkt", Key=key, Body=b"hello"))
    result = verifier.verify(request)
    assert result is not None and result.verified
    assert (result.access_key_id, result.region, result.service) == (AKID, "eu-west-1", "s3")
    assert request.body.read_all() == b"hello"


@pytest.mark.parametrize("key", ODD_KEYS)
def test_verify_s3_put_object_tampered_raises_signature_does_not_match(
    verifier: SigV4Verifier, key: str
) -> None:
    s3 = client("s3", s3={"addressing_style": "path"})
    request = capture(s3, lambda: s3.put_object(Bucket="bkt", Key=key, Body=b"hello"))
    for what, tampered in tamper_cases(request):
        with pytest.raises(SignatureDoesNotMatch) as info:
            verifier.verify(tampered)
        assert info.value.status == 403, what
        assert info.value.fields["SignatureProvided"]


def test_verify_s3_put_object_tampered_body_raises_sha256_mismatch(
    verifier: SigV4Verifier,
) -> None:
    s3 = client("s3", s3={"addressing_style": "path"})
    request = capture(s3, lambda: s3.put_object(Bucket="bkt", Key="k", Body=b"hello"))
    request.body = RequestBody(io.BytesIO(b"jello"), 5)
    assert verifier.verify(request) is not None
    with pytest.raises(XAmzContentSHA256Mismatch):
        request.body.read_all()


@pytest.mark.parametrize("prefix", ["", "a b+c%/", "ü/", "x//y/"])
def test_verify_s3_list_objects_v2_query_passes(verifier: SigV4Verifier, prefix: str) -> None:
    s3 = client("s3", s3={"addressing_style": "path"})
    request = capture(
        s3,
        lambda: s3.list_objects_v2(
            Bucket="bkt", Prefix=prefix, Delimiter="/", StartAfter="k=1&2", MaxKeys=7
        ),
    )
    assert verifier.verify(request) is not None
    for what, tampered in tamper_cases(request):
        with pytest.raises(SignatureDoesNotMatch):
            verifier.verify(tampered)
        assert what


def test_verify_s3_virtual_host_style_passes(verifier: SigV4Verifier) -> None:
    s3 = client("s3", s3={"addressing_style": "virtual"})
    request = capture(s3, lambda: s3.get_object(Bucket="bkt", Key="a b/c"))
    assert request.headers["host"].startswith("bkt.")
    assert verifier.verify(request) is not None


@pytest.mark.parametrize(
    ("service", "call"),
    [
        ("glue", lambda c: c.get_table(DatabaseName="db", Name="t ü")),
        ("athena", lambda c: c.start_query_execution(QueryString="SELECT 'ü' + 1")),
        ("sns", lambda c: c.publish(TopicArn="arn:aws:sns:eu-west-1:1:t", Message="a+b c&d=ü")),
        ("sqs", lambda c: c.send_message(QueueUrl=ENDPOINT + "/1/q", MessageBody="x y")),
        ("lambda", lambda c: c.invoke(FunctionName="fn:alias", Payload=b'{"a": "b c"}')),
        (
            "lambda",
            lambda c: c.get_function(FunctionName="arn:aws:lambda:eu-west-1:1:function:f"),
        ),
        ("stepfunctions", lambda c: c.list_state_machines()),
    ],
)
def test_verify_signed_body_services_pass_and_detect_tampering(
    verifier: SigV4Verifier, service: str, call: Callable[[Any], Any]
) -> None:
    c = client(service)
    request = capture(c, lambda: call(c))
    original = request.body.read_all()
    request.body = RequestBody(io.BytesIO(original), len(original))
    result = verifier.verify(request)
    assert result is not None and result.service == c.meta.service_model.signing_name
    assert request.body.read_all() == original  # the body is handed back intact
    request.body = RequestBody(io.BytesIO(original), len(original))
    for _, tampered in tamper_cases(request):
        with pytest.raises(SignatureDoesNotMatch):
            verifier.verify(tampered)
    if original:
        flipped = bytes([original[0] ^ 1]) + original[1:]
        request.body = RequestBody(io.BytesIO(flipped), len(flipped))
        with pytest.raises(SignatureDoesNotMatch):
            verifier.verify(request)


# --- low-level signers ----------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost:4566/",
        "http://localhost:4566/2015-03-31/functions/a%3Ab/invocations?Qualifier=x%20y",
        "http://localhost:4566/a/./b/../c//d/",
        "http://localhost:4566/?b=2&a=1&a=0&empty=&flag",
    ],
)
def test_verify_sigv4auth_paths_and_queries_pass(verifier: SigV4Verifier, url: str) -> None:
    request = sign(SigV4Auth, "lambda", "POST", url, b"{}")
    assert verifier.verify(request) is not None


def test_verify_date_header_instead_of_x_amz_date_passes(verifier: SigV4Verifier) -> None:
    request = sign(
        S3SigV4Auth,
        "s3",
        "GET",
        ENDPOINT + "/bkt/k",
        headers={"Date": "Mon, 01 Jan 2024 00:00:00 GMT"},
    )
    assert "x-amz-date" not in request.headers
    assert verifier.verify(request) is not None


def test_verify_missing_date_raises_access_denied(verifier: SigV4Verifier) -> None:
    request = sign(S3SigV4Auth, "s3", "GET", ENDPOINT + "/bkt/k")
    del request.headers["x-amz-date"]
    with pytest.raises(AccessDenied):
        verifier.verify(request)


def test_verify_signed_repeated_spaces_in_header_passes(verifier: SigV4Verifier) -> None:
    request = sign(
        S3SigV4Auth, "s3", "GET", ENDPOINT + "/bkt/k", headers={"x-amz-meta-a": "  a   b  "}
    )
    assert verifier.verify(request) is not None


def test_verify_security_token_passes(store: CredentialStore, clock: Clock) -> None:
    request = AWSRequest(method="GET", url=ENDPOINT + "/bkt/k")
    S3SigV4Auth(Credentials(AKID, SECRET, "session-token"), "s3", "us-east-1").add_auth(request)
    http = to_http("GET", request.url, request.headers, b"")
    assert http.headers["x-amz-security-token"] == "session-token"
    assert SigV4Verifier(store, "strict", clock).verify(http) is not None


# --- presigned URLs -------------------------------------------------------------


def presigned(method: str, params: dict[str, Any], expires: int = 3600) -> HttpRequest:
    s3 = client("s3", s3={"addressing_style": "path"}, signature_version="s3v4")
    url = s3.generate_presigned_url(method, Params=params, ExpiresIn=expires)
    return to_http("GET" if method.startswith("get") else "PUT", url, {}, b"")


@pytest.mark.parametrize("key", ODD_KEYS)
def test_verify_presigned_get_object_passes(
    verifier: SigV4Verifier, clock: Clock, key: str
) -> None:
    request = presigned("get_object", {"Bucket": "bkt", "Key": key})
    clock.now = presign_time(request) + 10
    result = verifier.verify(request)
    assert result is not None and result.presigned and result.verified


def test_verify_presigned_put_object_with_params_passes(
    verifier: SigV4Verifier, clock: Clock
) -> None:
    request = presigned(
        "put_object", {"Bucket": "bkt", "Key": "a b", "ContentType": "text/plain+x"}
    )
    clock.now = presign_time(request)
    with pytest.raises(SignatureDoesNotMatch):  # content-type is a signed header
        verifier.verify(request)
    request.headers["content-type"] = "text/plain+x"
    assert verifier.verify(request) is not None


def test_verify_presigned_tampered_raises_signature_does_not_match(
    verifier: SigV4Verifier, clock: Clock
) -> None:
    request = presigned("get_object", {"Bucket": "bkt", "Key": "k"})
    clock.now = presign_time(request)
    for mutate in (
        lambda r: setattr(r, "raw_path", "/bkt/other"),
        lambda r: setattr(r, "query", r.query.replace("X-Amz-Expires=3600", "X-Amz-Expires=3601")),
        lambda r: setattr(r, "query", r.query[:-1] + ("0" if r.query[-1] != "0" else "1")),
        lambda r: setattr(r, "query", r.query + "&response-content-type=x"),
    ):
        tampered = HttpRequest(
            request.method, request.raw_path, request.query, dict(request.headers)
        )
        mutate(tampered)
        with pytest.raises(SignatureDoesNotMatch):
            verifier.verify(tampered)


def test_verify_presigned_expired_raises_access_denied(
    verifier: SigV4Verifier, clock: Clock
) -> None:
    request = presigned("get_object", {"Bucket": "bkt", "Key": "k"}, expires=60)
    clock.now = presign_time(request) + 60
    assert verifier.verify(request) is not None
    clock.now += 1
    with pytest.raises(AccessDenied) as info:
        verifier.verify(request)
    assert (info.value.code, info.value.status) == ("AccessDenied", 403)
    assert info.value.message == "Request has expired"
    assert info.value.fields["X-Amz-Expires"] == "60"
    assert set(info.value.fields) == {"X-Amz-Expires", "Expires", "ServerTime"}


def test_verify_presigned_expired_unknown_key_in_open_mode_raises_access_denied(
    store: CredentialStore, clock: Clock
) -> None:
    s3 = client("s3", key="dummy", secret="dummy", signature_version="s3v4")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": "b", "Key": "k"}, ExpiresIn=5)
    request = to_http("GET", url, {}, b"")
    clock.now = presign_time(request) + 6
    with pytest.raises(AccessDenied):
        SigV4Verifier(store, "open", clock).verify(request)


def test_verify_presigned_over_seven_days_raises_query_parameters_error(
    verifier: SigV4Verifier, clock: Clock
) -> None:
    request = presigned("get_object", {"Bucket": "bkt", "Key": "k"}, expires=604800)
    clock.now = presign_time(request)
    assert verifier.verify(request) is not None
    request = presigned("get_object", {"Bucket": "bkt", "Key": "k"}, expires=604801)
    with pytest.raises(AuthorizationQueryParametersError) as info:
        verifier.verify(request)
    assert info.value.status == 400
    assert "604800" in info.value.message


def test_verify_presigned_missing_parameter_raises_query_parameters_error(
    verifier: SigV4Verifier,
) -> None:
    request = presigned("get_object", {"Bucket": "bkt", "Key": "k"})
    request.query = "&".join(p for p in request.query.split("&") if "X-Amz-Date" not in p)
    with pytest.raises(AuthorizationQueryParametersError):
        verifier.verify(request)


def test_verify_presigned_non_s3_sigv4queryauth_passes(
    verifier: SigV4Verifier, clock: Clock
) -> None:
    request = AWSRequest(method="GET", url=ENDPOINT + "/?Action=ListTopics&Version=2010-03-31")
    SigV4QueryAuth(Credentials(AKID, SECRET), "sns", "us-east-1", expires=300).add_auth(request)
    http = to_http("GET", request.url, request.headers, b"")
    clock.now = presign_time(http)
    result = verifier.verify(http)
    assert result is not None and result.service == "sns"


# --- access keys and modes ------------------------------------------------------


def test_verify_unknown_key_open_mode_accepts_without_checking(
    store: CredentialStore, clock: Clock
) -> None:
    s3 = client("s3", key="123456789012", secret="whatever")
    request = capture(s3, lambda: s3.head_bucket(Bucket="bkt"))
    tamper_signature(request)
    result = SigV4Verifier(store, "open", clock).verify(request)
    assert result is not None and not result.verified
    assert result.account_id == "123456789012"


def test_verify_unknown_key_strict_mode_raises_invalid_access_key_id(
    verifier: SigV4Verifier,
) -> None:
    s3 = client("s3", key="AKIDUNKNOWN", secret="whatever")
    request = capture(s3, lambda: s3.head_bucket(Bucket="bkt"))
    with pytest.raises(InvalidAccessKeyId) as info:
        verifier.verify(request)
    assert info.value.status == 403
    assert info.value.message == (
        "The AWS Access Key Id you provided does not exist in our records."
    )


def test_verify_known_key_wrong_secret_raises_even_in_open_mode(
    store: CredentialStore, clock: Clock
) -> None:
    s3 = client("s3", secret="not-the-secret")
    request = capture(s3, lambda: s3.head_bucket(Bucket="bkt"))
    with pytest.raises(SignatureDoesNotMatch) as info:
        SigV4Verifier(store, "open", clock).verify(request)
    assert info.value.message.startswith("The request signature we calculated does not match")


def test_verify_default_test_credentials_pass(store: CredentialStore, clock: Clock) -> None:
    s3 = client("s3", key="test", secret="test")
    request = capture(s3, lambda: s3.head_bucket(Bucket="bkt"))
    result = SigV4Verifier(store, "strict", clock).verify(request)
    assert result is not None and result.verified and result.account_id == "000000000000"


def test_verify_explicit_account_is_reported(store: CredentialStore, clock: Clock) -> None:
    store.add("AKIDACCOUNT", "s3cret", account_id="111122223333")
    s3 = client("s3", key="AKIDACCOUNT", secret="s3cret")
    request = capture(s3, lambda: s3.head_bucket(Bucket="bkt"))
    result = SigV4Verifier(store, "strict", clock).verify(request)
    assert result is not None and result.account_id == "111122223333"


def test_verify_anonymous_open_returns_none_and_strict_raises(
    store: CredentialStore, clock: Clock
) -> None:
    request = HttpRequest("GET", "/bkt/k", headers={"host": "localhost"})
    assert SigV4Verifier(store, "open", clock).verify(request) is None
    with pytest.raises(AccessDenied):
        SigV4Verifier(store, "strict", clock).verify(request)


@pytest.mark.parametrize("key", ODD_KEYS)
@pytest.mark.parametrize("style", ["path", "virtual"])
def test_verify_sigv2_header_signed_by_botocore(
    verifier: SigV4Verifier, key: str, style: str
) -> None:
    s3 = client("s3", signature_version="s3", s3={"addressing_style": style})
    request = capture(
        s3, lambda: s3.put_object(Bucket="bkt", Key=key, Body=b"v2", Metadata={"a": "1"})
    )
    assert request.headers["authorization"].startswith("AWS ")
    result = verifier.verify(request)
    assert result is not None and result.access_key_id == AKID
    request.headers["x-amz-meta-a"] = "2"
    with pytest.raises(SignatureDoesNotMatch):
        verifier.verify(request)


@pytest.mark.parametrize("key", ODD_KEYS)
def test_verify_sigv2_presigned_url_by_botocore(
    verifier: SigV4Verifier, clock: Clock, key: str
) -> None:
    s3 = client("s3", signature_version="s3", s3={"addressing_style": "path"})
    url = s3.generate_presigned_url(
        "get_object", Params={"Bucket": "bkt", "Key": key, "VersionId": "v1"}, ExpiresIn=60
    )
    assert "AWSAccessKeyId=" in url
    request = to_http("GET", url, {}, None)
    expires = int(dict(request.query_params())["Expires"])
    clock.now = expires - 30
    assert verifier.verify(request) is not None
    tampered = to_http("GET", url.replace("/bkt/", "/other/"), {}, None)
    with pytest.raises(SignatureDoesNotMatch):
        verifier.verify(tampered)
    clock.now = expires + 1
    with pytest.raises(AccessDenied, match="Request has expired"):
        verifier.verify(request)


def test_verify_sigv2_unknown_key_open_accepts_strict_refuses(
    store: CredentialStore, clock: Clock
) -> None:
    request = HttpRequest(
        "GET",
        "/bkt/k",
        headers={"authorization": "AWS 123456789012:c2ln", "date": formatdate(usegmt=True)},
    )
    result = SigV4Verifier(store, "open", clock).verify(request)
    assert isinstance(result, AuthResult) and not result.verified
    assert result.account_id == "123456789012"
    with pytest.raises(InvalidAccessKeyId):
        SigV4Verifier(store, "strict", clock).verify(request)


@pytest.mark.parametrize(
    ("authorization", "error"),
    [
        ("AWS4-HMAC-SHA256 SignedHeaders=host, Signature=abc", IncompleteSignature),
        ("AWS4-HMAC-SHA256 Credential=AKID/20240101/r/s/aws4_request", IncompleteSignature),
        ("Bearer abc", IncompleteSignature),
        (
            "AWS4-HMAC-SHA256 Credential=AKID/20240101/r/aws4_request, "
            "SignedHeaders=host, Signature=abc",
            AuthorizationHeaderMalformed,
        ),
        (
            "AWS4-HMAC-SHA256 Credential=AKID/20230101/r/s/aws4_request, "
            "SignedHeaders=host, Signature=abc",
            AuthorizationHeaderMalformed,
        ),
    ],
)
def test_verify_malformed_authorization_raises_400(
    verifier: SigV4Verifier, authorization: str, error: type[Exception]
) -> None:
    headers = {"authorization": authorization, "x-amz-date": "20240101T000000Z", "host": "h"}
    with pytest.raises(error) as info:
        verifier.verify(HttpRequest("GET", "/", headers=headers))
    assert getattr(info.value, "status", None) == 400


def test_verify_invalid_content_sha256_raises_invalid_argument(verifier: SigV4Verifier) -> None:
    request = sign(S3SigV4Auth, "s3", "GET", ENDPOINT + "/bkt/k")
    request.headers["x-amz-content-sha256"] = "nonsense"
    with pytest.raises(InvalidArgument):
        verifier.verify(request)


def test_verifier_rejects_unknown_mode(store: CredentialStore, clock: Clock) -> None:
    with pytest.raises(ValueError):
        SigV4Verifier(store, "lenient", clock)  # type: ignore[arg-type]


@pytest.mark.parametrize("style", ["path", "virtual"])
def test_verify_sigv2_bucket_only_requests(verifier: SigV4Verifier, style: str) -> None:
    s3 = client("s3", signature_version="s3", s3={"addressing_style": style})
    for call in (
        lambda: s3.create_bucket(Bucket="bkt"),
        lambda: s3.list_objects_v2(Bucket="bkt", Prefix="a/"),
        lambda: s3.get_bucket_versioning(Bucket="bkt"),
    ):
        request = capture(s3, call)
        assert verifier.verify(request) is not None


# -- clock skew ---------------------------------------------------------------------------


def signed_at(request: HttpRequest) -> float:
    from datetime import UTC, datetime

    stamp = request.headers["x-amz-date"]
    return datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC).timestamp()


@pytest.mark.parametrize("offset", [-MAX_SKEW_SECONDS + 5, 0, MAX_SKEW_SECONDS - 5])
@pytest.mark.parametrize("mode", ["open", "strict"])
def test_verify_header_signed_within_15_minutes_passes(
    store: CredentialStore, clock: Clock, offset: int, mode: str
) -> None:
    request = sign(SigV4Auth, "glue", "POST", f"{ENDPOINT}/", b"{}")
    now = signed_at(request) + offset
    result = SigV4Verifier(store, mode, clock, wall_clock=lambda: now).verify(request)  # type: ignore[arg-type]
    assert result is not None and result.verified


@pytest.mark.parametrize("mode", ["open", "strict"])
def test_verify_header_signed_an_hour_old_raises_request_time_too_skewed(
    store: CredentialStore, clock: Clock, mode: str
) -> None:
    request = sign(S3SigV4Auth, "s3", "GET", f"{ENDPOINT}/bkt/k")
    now = signed_at(request) + 3600
    verifier = SigV4Verifier(store, mode, clock, wall_clock=lambda: now)  # type: ignore[arg-type]
    with pytest.raises(RequestTimeTooSkewed) as info:
        verifier.verify(request)
    err = info.value
    assert err.status == 403
    assert err.message == (
        "The difference between the request time and the current time is too large."
    )
    assert err.fields["RequestTime"] == request.headers["x-amz-date"]
    assert err.fields["MaxAllowedSkewMilliseconds"] == 900000
    assert err.fields["ServerTime"] == time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now))
    stamp = request.headers["x-amz-date"]
    assert err.signature_message.startswith(f"Signature expired: {stamp} is now earlier than ")
    assert err.signature_message.endswith(" - 15 min.)")


def test_verify_header_signed_in_the_future_raises_not_yet_current(
    store: CredentialStore, clock: Clock
) -> None:
    request = sign(SigV4Auth, "sts", "POST", f"{ENDPOINT}/", b"Action=GetCallerIdentity")
    now = signed_at(request) - 3600
    verifier = SigV4Verifier(store, "strict", clock, wall_clock=lambda: now)
    with pytest.raises(RequestTimeTooSkewed) as info:
        verifier.verify(request)
    assert info.value.signature_message.startswith("Signature not yet current: ")
    assert info.value.signature_message.endswith(" + 15 min.)")


def test_verify_unknown_key_with_old_date_is_refused_in_open_mode(
    store: CredentialStore, clock: Clock
) -> None:
    request = sign(SigV4Auth, "glue", "POST", f"{ENDPOINT}/", b"{}")
    request.headers["authorization"] = request.headers["authorization"].replace(AKID, "nobody")
    now = signed_at(request) + 86400 * 365
    with pytest.raises(RequestTimeTooSkewed):
        SigV4Verifier(store, "open", clock, wall_clock=lambda: now).verify(request)


def test_verify_presigned_url_ignores_skew_and_uses_expires(
    store: CredentialStore, clock: Clock
) -> None:
    request = presigned("get_object", {"Bucket": "bkt", "Key": "k"}, expires=7 * 86400)
    clock.now = presign_time(request) + 86400  # a day later: still valid
    far = presign_time(request) + 86400
    assert SigV4Verifier(store, "strict", clock, wall_clock=lambda: far).verify(request)


def test_verify_sigv2_date_header_skew_is_refused(store: CredentialStore, clock: Clock) -> None:
    request = HttpRequest(
        "GET",
        "/bkt/k",
        headers={"authorization": "AWS someone:c2ln", "date": "Thu, 01 Jan 2026 00:00:00 GMT"},
    )
    now = 1767225600.0 + 16 * 60
    with pytest.raises(RequestTimeTooSkewed) as info:
        SigV4Verifier(store, "open", clock, wall_clock=lambda: now).verify(request)
    assert info.value.fields["RequestTime"] == "Thu, 01 Jan 2026 00:00:00 GMT"
    assert info.value.fields["ServerTime"] == "2026-01-01T00:16:00Z"


def test_verify_anonymous_strict_raises_anonymous_refused(
    store: CredentialStore, clock: Clock
) -> None:
    with pytest.raises(AnonymousRefused) as info:
        SigV4Verifier(store, "strict", clock).verify(HttpRequest("GET", "/bkt/k"))
    assert info.value.code == "AccessDenied"


def test_verify_impossible_x_amz_date_is_refused_not_a_crash(verifier: SigV4Verifier) -> None:
    request = sign(SigV4Auth, "glue", "POST", f"{ENDPOINT}/", b"{}")
    request.headers["x-amz-date"] = "20261399T999999Z"
    with pytest.raises(AccessDenied):
        verifier.verify(request)


def test_verify_presigned_impossible_date_is_query_parameters_error(
    verifier: SigV4Verifier,
) -> None:
    request = presigned("get_object", {"Bucket": "bkt", "Key": "k"})
    stamp = dict(request.query_params())["X-Amz-Date"]
    request.query = request.query.replace(stamp, "20261399T999999Z")
    with pytest.raises(AuthorizationQueryParametersError):
        verifier.verify(request)
