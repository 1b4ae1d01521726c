"""The internal routes (``/_lakestack/...``) through the live endpoint: every route but
``health`` needs a SigV4 signature (signing name ``lakestack``), any request from a
non-loopback web origin is refused, and ``health`` names no path."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from lakestack.emulator import Emulator
from lakestack.testing.internal import internal_request

EVIL = "http://evil.example"


def _bucket_with_object(emu: Emulator) -> Any:
    s3 = emu.client("s3")
    s3.create_bucket(Bucket="lake")
    s3.put_object(Bucket="lake", Key="raw/a.json", Body=b"{}")
    return s3


def _keys(s3: Any) -> list[str]:
    return [o["Key"] for o in s3.list_objects_v2(Bucket="lake").get("Contents", [])]


@pytest.fixture
def strict() -> Iterator[Emulator]:
    emu = Emulator(temporary=True, port=0, host="127.0.0.1", auth="strict").start()
    try:
        yield emu
    finally:
        emu.stop()


def test_unsigned_reset_is_refused_and_deletes_nothing(lakestack: Emulator) -> None:
    s3 = _bucket_with_object(lakestack)
    status, body = internal_request(lakestack.endpoint_url, "reset", sign=False)
    assert status == 403
    assert body["error"]["code"] == "MissingAuthenticationTokenException"
    assert _keys(s3) == ["raw/a.json"]


def test_signed_reset_forgets_everything(lakestack: Emulator) -> None:
    s3 = _bucket_with_object(lakestack)
    assert internal_request(lakestack.endpoint_url, "reset") == (200, {"reset": True})
    assert s3.list_buckets()["Buckets"] == []


@pytest.mark.parametrize("sign", [False, True])
@pytest.mark.parametrize("origin", [EVIL, "null", "http://127.0.0.1.evil.example", "https://x"])
def test_foreign_origin_is_refused_even_signed(
    lakestack: Emulator, origin: str, sign: bool
) -> None:
    s3 = _bucket_with_object(lakestack)
    status, body = internal_request(
        lakestack.endpoint_url, "reset", sign=sign, headers={"Origin": origin}
    )
    assert (status, body["error"]["code"]) == (403, "AccessDenied")
    assert _keys(s3) == ["raw/a.json"]


def test_foreign_origin_is_refused_on_health_too(lakestack: Emulator) -> None:
    status, _ = internal_request(
        lakestack.endpoint_url, "health", method="GET", sign=False, headers={"Origin": EVIL}
    )
    assert status == 403


@pytest.mark.parametrize("origin", ["http://127.0.0.1:5173", "http://localhost", "http://[::1]:80"])
def test_loopback_origin_with_signature_is_served(lakestack: Emulator, origin: str) -> None:
    s3 = _bucket_with_object(lakestack)
    status, _ = internal_request(lakestack.endpoint_url, "reset", headers={"Origin": origin})
    assert status == 200
    assert s3.list_buckets()["Buckets"] == []


def test_health_is_unsigned_and_names_no_path(lakestack: Emulator) -> None:
    with urllib.request.urlopen(lakestack.endpoint_url + "/_lakestack/health") as resp:
        raw = resp.read().decode()
    info = json.loads(raw)
    assert info["status"] == "running"
    assert {"pid", "version", "services"} <= info.keys()
    assert "data_dir" not in info
    assert str(lakestack.config.data_dir) not in raw
    assert "/" not in raw.replace("\\/", "")


def test_unsigned_files_route_is_refused_without_paths(lakestack: Emulator) -> None:
    _bucket_with_object(lakestack)
    status, body = internal_request(
        lakestack.endpoint_url, "s3/files", {"bucket": "lake", "prefix": ""}, sign=False
    )
    assert status == 403
    assert str(lakestack.config.data_dir) not in json.dumps(body)


def test_signed_files_route_gives_the_blob_paths(lakestack: Emulator) -> None:
    _bucket_with_object(lakestack)
    status, body = internal_request(
        lakestack.endpoint_url, "s3/files", {"bucket": "lake", "prefix": ""}
    )
    assert status == 200
    [found] = body["files"]
    assert found["key"] == "raw/a.json"
    with open(found["path"], "rb") as f:
        assert f.read() == b"{}"


@pytest.mark.parametrize("route", ["reset", "s3/files", "s3/staging", "s3/adopt", "glue/bookmark"])
def test_every_route_but_health_needs_a_signature(lakestack: Emulator, route: str) -> None:
    status, body = internal_request(lakestack.endpoint_url, route, {}, sign=False)
    assert status == 403, route
    assert body["error"]["code"] == "MissingAuthenticationTokenException"


def test_unknown_route_needs_a_signature_before_it_is_404(lakestack: Emulator) -> None:
    assert internal_request(lakestack.endpoint_url, "nosuch", {}, sign=False)[0] == 403
    assert internal_request(lakestack.endpoint_url, "nosuch", {})[0] == 404


def test_known_key_with_wrong_secret_is_signature_does_not_match(lakestack: Emulator) -> None:
    s3 = _bucket_with_object(lakestack)
    status, body = internal_request(lakestack.endpoint_url, "reset", secret_access_key="nope")
    assert (status, body["error"]["code"]) == (403, "SignatureDoesNotMatch")
    assert _keys(s3) == ["raw/a.json"]


def test_tampered_body_is_signature_does_not_match(lakestack: Emulator) -> None:
    url = lakestack.endpoint_url + "/_lakestack/s3/files"
    from lakestack.testing.internal import signed_headers

    headers = signed_headers(url, "POST", b'{"bucket": "lake"}')
    request = urllib.request.Request(
        url, data=b'{"bucket": "other"}', headers=headers, method="POST"
    )
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(request)
    assert info.value.code == 403
    assert json.loads(info.value.read())["error"]["code"] == "SignatureDoesNotMatch"


def test_strict_mode_refuses_unknown_keys_and_accepts_known_ones(strict: Emulator) -> None:
    status, body = internal_request(
        strict.endpoint_url, "reset", access_key_id="AKIDNOBODY", secret_access_key="x"
    )
    assert (status, body["error"]["code"]) == (403, "InvalidAccessKeyId")
    assert internal_request(strict.endpoint_url, "reset", sign=False)[0] == 403
    assert internal_request(strict.endpoint_url, "reset")[0] == 200


def test_lake_routes_act_for_the_signers_account(lakestack: Emulator) -> None:
    glue = lakestack.client("glue", aws_access_key_id="111111111111")
    glue.create_job(
        Name="j",
        Role="arn:aws:iam::111111111111:role/r",
        Command={"Name": "pythonshell", "ScriptLocation": "s3://b/s.py"},
    )
    state = {"src": {"raw/a.json": 1.0}}
    status, _ = internal_request(
        lakestack.endpoint_url,
        "glue/bookmark",
        {"action": "commit", "job": "j", "run_id": "jr_1", "state": state},
        access_key_id="111111111111",
    )
    assert status == 200
    entry = glue.get_job_bookmark(JobName="j")["JobBookmarkEntry"]
    assert json.loads(entry["JobBookmark"]) == state
    # the default account has no job j: its bookmark is its own (empty)
    _, body = internal_request(
        lakestack.endpoint_url, "glue/bookmark", {"action": "load", "job": "j"}
    )
    assert body == {"state": {}}
