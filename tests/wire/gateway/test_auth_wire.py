"""Authentication through the live endpoint, as AWS answers it: unsigned requests are the
anonymous principal (S3 only; other services want a signature), header-signed requests
more than 15 minutes off the clock are refused, presigned URLs still work."""

from __future__ import annotations

import importlib
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import botocore.auth
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

from lakestack.emulator import Emulator


def _client(emu: Emulator, service: str, **config: Any) -> Any:
    return emu.client(
        service,
        config=Config(retries={"max_attempts": 1}, s3={"addressing_style": "path"}, **config),
    )


def _error(call: Callable[[], Any]) -> dict[str, Any]:
    with pytest.raises(ClientError) as info:
        call()
    response = info.value.response
    return {**response["Error"], "Status": response["ResponseMetadata"]["HTTPStatusCode"]}


@pytest.fixture
def skewed(monkeypatch: pytest.MonkeyPatch) -> Callable[[timedelta], None]:
    """Make botocore sign as if the client's clock were off by ``delta``."""

    def set_skew(delta: timedelta) -> None:
        def now(remove_tzinfo: bool = True) -> datetime:
            moment = datetime.now(UTC) + delta
            return moment.replace(tzinfo=None) if remove_tzinfo else moment

        monkeypatch.setattr(botocore.auth, "get_current_datetime", now)
        try:  # with awscrt installed, botocore signs with the CRT signers
            crt_auth = importlib.import_module("botocore.crt.auth")
        except ImportError:
            return
        monkeypatch.setattr(crt_auth, "get_current_datetime", now)

    return set_skew


# -- anonymous requests ------------------------------------------------------------------


def test_unsigned_put_into_private_bucket_is_access_denied(lakestack: Emulator) -> None:
    lakestack.client("s3").create_bucket(Bucket="private")
    anonymous = _client(lakestack, "s3", signature_version=UNSIGNED)
    err = _error(lambda: anonymous.put_object(Bucket="private", Key="k", Body=b"x"))
    assert (err["Code"], err["Status"]) == ("AccessDenied", 403)
    assert "Contents" not in lakestack.client("s3").list_objects_v2(Bucket="private")


@pytest.mark.parametrize(
    ("service", "call"),
    [
        ("glue", lambda c: c.get_databases()),
        ("athena", lambda c: c.list_work_groups()),
    ],
)
def test_unsigned_json_request_is_missing_authentication_token(
    lakestack: Emulator, service: str, call: Callable[[Any], Any]
) -> None:
    client = _client(lakestack, service, signature_version=UNSIGNED)
    err = _error(lambda: call(client))
    assert (err["Code"], err["Status"]) == ("MissingAuthenticationTokenException", 403)
    assert err["Message"] == "Missing Authentication Token"


def test_unsigned_query_request_is_missing_authentication_token(lakestack: Emulator) -> None:
    sts = _client(lakestack, "sts", signature_version=UNSIGNED)
    err = _error(sts.get_caller_identity)
    assert (err["Code"], err["Status"]) == ("MissingAuthenticationToken", 403)


def test_unsigned_sts_operation_the_model_allows_unsigned_passes_authentication(
    lakestack: Emulator,
) -> None:
    sts = _client(lakestack, "sts", signature_version=UNSIGNED)
    with pytest.raises(ClientError) as info:
        sts.assume_role_with_web_identity(
            RoleArn="arn:aws:iam::000000000000:role/r",
            RoleSessionName="session",
            WebIdentityToken="not-a-token",
        )
    assert info.value.response["Error"]["Code"] != "MissingAuthenticationToken"


def test_presigned_url_still_works_with_curl_style_get(lakestack: Emulator) -> None:
    s3 = lakestack.client("s3")
    s3.create_bucket(Bucket="shared")
    s3.put_object(Bucket="shared", Key="k.txt", Body=b"hello")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": "shared", "Key": "k.txt"})
    with urllib.request.urlopen(url) as resp:
        assert resp.read() == b"hello"


def test_unsigned_plain_get_of_private_object_is_access_denied(lakestack: Emulator) -> None:
    s3 = lakestack.client("s3")
    s3.create_bucket(Bucket="shared")
    s3.put_object(Bucket="shared", Key="k.txt", Body=b"hello")
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(f"{lakestack.endpoint_url}/shared/k.txt")
    assert info.value.code == 403
    assert b"<Code>AccessDenied</Code>" in info.value.read()


# -- clock skew ----------------------------------------------------------------------------


@pytest.mark.parametrize("delta", [timedelta(days=-365), timedelta(minutes=-16)])
def test_s3_request_dated_too_long_ago_is_request_time_too_skewed(
    lakestack: Emulator, skewed: Callable[[timedelta], None], delta: timedelta
) -> None:
    s3 = lakestack.client("s3")
    skewed(delta)
    err = _error(lambda: s3.create_bucket(Bucket="late"))
    assert (err["Code"], err["Status"]) == ("RequestTimeTooSkewed", 403)
    assert err["Message"] == (
        "The difference between the request time and the current time is too large."
    )
    assert err["MaxAllowedSkewMilliseconds"] == "900000"
    assert {"RequestTime", "ServerTime"} <= err.keys()
    skewed(timedelta(0))
    assert s3.list_buckets()["Buckets"] == []


def test_s3_request_dated_in_the_future_is_refused(
    lakestack: Emulator, skewed: Callable[[timedelta], None]
) -> None:
    s3 = lakestack.client("s3")
    skewed(timedelta(minutes=20))
    assert _error(lambda: s3.list_buckets())["Code"] == "RequestTimeTooSkewed"


def test_request_within_fifteen_minutes_passes(
    lakestack: Emulator, skewed: Callable[[timedelta], None]
) -> None:
    s3 = lakestack.client("s3")
    skewed(timedelta(minutes=-14))
    s3.create_bucket(Bucket="ontime")
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["ontime"]


@pytest.mark.parametrize("service", ["glue", "athena"])
def test_json_request_dated_too_long_ago_is_signature_expired(
    lakestack: Emulator, skewed: Callable[[timedelta], None], service: str
) -> None:
    client = lakestack.client(service)
    skewed(timedelta(hours=-1))
    call = client.get_databases if service == "glue" else client.list_work_groups
    err = _error(call)
    assert (err["Code"], err["Status"]) == ("InvalidSignatureException", 400)
    assert err["Message"].startswith("Signature expired: ")
    assert " is now earlier than " in err["Message"]
    assert err["Message"].endswith(" - 15 min.)")


def test_rest_json_request_dated_too_long_ago_is_signature_expired_403(
    lakestack: Emulator, skewed: Callable[[timedelta], None]
) -> None:
    client = lakestack.client("lambda")
    skewed(timedelta(hours=-1))
    err = _error(client.list_functions)
    assert (err["Code"], err["Status"]) == ("InvalidSignatureException", 403)
    assert err["Message"].startswith("Signature expired: ")


def test_query_request_dated_too_long_ago_is_signature_expired(
    lakestack: Emulator, skewed: Callable[[timedelta], None]
) -> None:
    sts = lakestack.client("sts")
    skewed(timedelta(hours=-1))
    err = _error(sts.get_caller_identity)
    assert (err["Code"], err["Status"]) == ("SignatureDoesNotMatch", 403)
    assert err["Message"].startswith("Signature expired: ")


def test_skew_is_measured_against_real_time_not_the_emulators_clock(
    lakestack: Emulator,
) -> None:
    lakestack.clock.advance(86400 * 30)  # tests move the emulator's clock; boto3 does not
    try:
        lakestack.client("s3").create_bucket(Bucket="timetravel")
    finally:
        lakestack.clock.advance(-86400 * 30)


# -- wrong secrets ----------------------------------------------------------------------


def test_default_key_with_wrong_secret_is_signature_does_not_match(lakestack: Emulator) -> None:
    s3 = lakestack.client("s3", aws_secret_access_key="not-test")
    assert _error(s3.list_buckets)["Code"] == "SignatureDoesNotMatch"
