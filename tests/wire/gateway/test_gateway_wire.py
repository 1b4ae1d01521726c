"""The endpoint as boto3 and plain HTTP clients see it: routing, auth, errors, ids."""

from __future__ import annotations

import http.client
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

import botocore.exceptions
import pytest
from botocore.config import Config

from lakestack.emulator import Emulator
from tests.conftest import boto_client


def _error(exc: pytest.ExceptionInfo[botocore.exceptions.ClientError]) -> tuple[str, int]:
    err = exc.value.response
    return err["Error"]["Code"], err["ResponseMetadata"]["HTTPStatusCode"]


def test_every_response_carries_a_request_id(lakestack_client: Any) -> None:
    resp = lakestack_client("s3").list_buckets()
    headers = resp["ResponseMetadata"]["HTTPHeaders"]
    assert resp["ResponseMetadata"]["RequestId"] == headers["x-amz-request-id"]


def test_error_carries_the_same_request_id_in_header_and_body(lakestack_client: Any) -> None:
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        lakestack_client("s3").get_object(Bucket="nope", Key="k")
    meta = exc.value.response["ResponseMetadata"]
    assert meta["RequestId"] and meta["RequestId"] == meta["HTTPHeaders"]["x-amz-request-id"]
    assert _error(exc) == ("NoSuchBucket", 404)


def test_unimplemented_operation_answers_not_implemented_naming_it(lakestack_client: Any) -> None:
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        lakestack_client("s3").get_bucket_analytics_configuration(Bucket="b", Id="a")
    code, status = _error(exc)
    assert (code, status) == ("NotImplemented", 501)
    assert "GetBucketAnalyticsConfiguration" in exc.value.response["Error"]["Message"]


def test_unimplemented_service_answers_not_implemented(lakestack_client: Any) -> None:
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        lakestack_client("sns").list_topics()
    assert _error(exc)[1] == 501
    assert "ListTopics" in exc.value.response["Error"]["Message"]


def test_known_key_with_wrong_secret_is_refused(lakestack: Emulator) -> None:
    s3 = boto_client("s3", lakestack.endpoint_url, aws_secret_access_key="wrong")
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        s3.list_buckets()  # type: ignore[attr-defined]
    assert _error(exc) == ("SignatureDoesNotMatch", 403)


def test_unknown_key_is_accepted_in_open_mode(lakestack: Emulator) -> None:
    s3 = boto_client(
        "s3",
        lakestack.endpoint_url,
        aws_access_key_id="AKIADUMMY",
        aws_secret_access_key="whatever",
    )
    assert s3.list_buckets()["Buckets"] == []  # type: ignore[attr-defined]


@pytest.fixture
def strict(tmp_path: Any) -> Iterator[Emulator]:
    emu = Emulator(tmp_path / "strict", port=0, auth="strict").start()
    yield emu
    emu.stop()


def test_unknown_key_is_refused_in_strict_mode(strict: Emulator) -> None:
    s3 = boto_client(
        "s3", strict.endpoint_url, aws_access_key_id="AKIADUMMY", aws_secret_access_key="whatever"
    )
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        s3.list_buckets()  # type: ignore[attr-defined]
    assert _error(exc) == ("InvalidAccessKeyId", 403)
    ok = boto_client("s3", strict.endpoint_url)  # the default test/test pair
    assert ok.list_buckets()["Buckets"] == []  # type: ignore[attr-defined]


def test_strict_mode_accepts_added_credentials(strict: Emulator) -> None:
    strict.credentials.add("AKIAEXAMPLE1", "s3cr3t", "123456789012")
    s3 = boto_client(
        "s3", strict.endpoint_url, aws_access_key_id="AKIAEXAMPLE1", aws_secret_access_key="s3cr3t"
    )
    s3.create_bucket(Bucket="mine")  # type: ignore[attr-defined]
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["mine"]  # type: ignore[attr-defined]


def test_accounts_come_from_twelve_digit_access_keys(lakestack: Emulator) -> None:
    a = boto_client("s3", lakestack.endpoint_url, aws_access_key_id="111111111111")
    b = boto_client("s3", lakestack.endpoint_url, aws_access_key_id="222222222222")
    a.create_bucket(Bucket="shared-name")  # type: ignore[attr-defined]
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        b.create_bucket(Bucket="shared-name")  # type: ignore[attr-defined]
    assert _error(exc) == ("BucketAlreadyExists", 409)
    assert b.list_buckets()["Buckets"] == []  # type: ignore[attr-defined]


def _plain_http(method: str, url: str, body: bytes | None = None) -> tuple[int, bytes]:
    """A bare HTTP request, no extra headers (urllib would add a Content-Type to a PUT)."""
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request(method, f"{parts.path}?{parts.query}", body=body)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


@pytest.mark.parametrize("signature_version", ["s3", "s3v4"])
def test_presigned_get_and_put_work_with_plain_http(
    lakestack_client: Any, signature_version: str
) -> None:
    s3 = lakestack_client(
        "s3", config=Config(signature_version=signature_version, s3={"addressing_style": "path"})
    )
    s3.create_bucket(Bucket="pre")
    put_url = s3.generate_presigned_url("put_object", Params={"Bucket": "pre", "Key": "a b.txt"})
    assert _plain_http("PUT", put_url, b"presigned!")[0] == 200
    get_url = s3.generate_presigned_url("get_object", Params={"Bucket": "pre", "Key": "a b.txt"})
    assert _plain_http("GET", get_url) == (200, b"presigned!")


@pytest.mark.parametrize("signature_version", ["s3", "s3v4"])
def test_tampered_presigned_url_is_refused(lakestack_client: Any, signature_version: str) -> None:
    s3 = lakestack_client(
        "s3", config=Config(signature_version=signature_version, s3={"addressing_style": "path"})
    )
    s3.create_bucket(Bucket="pre")
    s3.put_object(Bucket="pre", Key="k", Body=b"x")
    s3.put_object(Bucket="pre", Key="other", Body=b"secret")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": "pre", "Key": "k"})
    with pytest.raises(urllib.error.HTTPError) as exc:
        urllib.request.urlopen(url.replace("/pre/k?", "/pre/other?"))
    assert exc.value.code == 403 and b"SignatureDoesNotMatch" in exc.value.read()


@pytest.mark.parametrize("signature_version", ["s3", "s3v4"])
def test_expired_presigned_url_is_refused(lakestack: Emulator, signature_version: str) -> None:
    s3 = lakestack.client(
        "s3", config=Config(signature_version=signature_version, s3={"addressing_style": "path"})
    )
    s3.create_bucket(Bucket="pre")
    s3.put_object(Bucket="pre", Key="k", Body=b"x")
    url = s3.generate_presigned_url(
        "get_object", Params={"Bucket": "pre", "Key": "k"}, ExpiresIn=60
    )
    lakestack.clock.advance(120)
    try:
        with pytest.raises(urllib.error.HTTPError) as exc:
            urllib.request.urlopen(url)
    finally:
        lakestack.clock.advance(-120)
    assert exc.value.code == 403
    body = exc.value.read()
    assert b"AccessDenied" in body and b"Request has expired" in body


@pytest.fixture
def localhost_resolves(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``<bucket>.localhost`` resolve to loopback, as systemd-resolved and macOS do."""
    real = socket.getaddrinfo

    def fake(host: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(host, str) and host.endswith(".localhost"):
            host = "127.0.0.1"
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)


def test_virtual_host_addressing_works(lakestack: Emulator, localhost_resolves: None) -> None:
    port = lakestack.endpoint_url.rsplit(":", 1)[1]
    s3 = boto_client(
        "s3",
        f"http://localhost:{port}",
        config=Config(s3={"addressing_style": "virtual"}, retries={"max_attempts": 1}),
    )
    s3.create_bucket(Bucket="vhost")  # type: ignore[attr-defined]
    resp = s3.put_object(Bucket="vhost", Key="dir/file.txt", Body=b"v")  # type: ignore[attr-defined]
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == 200
    path_style = lakestack.client("s3")
    assert path_style.get_object(Bucket="vhost", Key="dir/file.txt")["Body"].read() == b"v"
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="vhost")["Contents"]]  # type: ignore[attr-defined]
    assert keys == ["dir/file.txt"]


def test_health_route_reports_running(lakestack: Emulator) -> None:
    with urllib.request.urlopen(lakestack.endpoint_url + "/_lakestack/health") as resp:
        assert b'"running"' in resp.read()


def test_garbage_request_gets_an_error_and_server_stays_up(lakestack: Emulator) -> None:
    host, port = lakestack.endpoint_url[len("http://") :].split(":")
    with socket.create_connection((host, int(port))) as sock:
        sock.sendall(b"\x00\x01garbage\r\n\r\n")
        assert sock.recv(100).startswith(b"HTTP/1.1 400")
    assert lakestack.client("s3").list_buckets()["Buckets"] == []


@pytest.mark.parametrize(
    ("service", "call", "code"),
    [
        ("glue", lambda c: c.get_databases(), "InvalidSignatureException"),
        ("lambda", lambda c: c.list_functions(), "InvalidSignatureException"),
        ("sns", lambda c: c.list_topics(), "SignatureDoesNotMatch"),
    ],
)
def test_wrong_secret_error_code_follows_the_service_protocol(
    lakestack: Emulator, service: str, call: Any, code: str
) -> None:
    client = boto_client(service, lakestack.endpoint_url, aws_secret_access_key="wrong")
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        call(client)
    assert _error(exc) == (code, 403)


def test_unknown_key_in_strict_mode_for_json_service(strict: Emulator) -> None:
    glue = boto_client("glue", strict.endpoint_url, aws_access_key_id="AKIADUMMY")
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        glue.get_databases()  # type: ignore[attr-defined]
    assert _error(exc) == ("UnrecognizedClientException", 403)
