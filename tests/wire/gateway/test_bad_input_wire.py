"""Raw requests that no SDK would send: the server answers AWS errors, never a 500, and
stays up. (An unknown access key is accepted unverified in open mode.)"""

from __future__ import annotations

import http.client
import time

import pytest

from lakestack.emulator import Emulator

JSON = "application/x-amz-json-1.1"


def _auth(service: str) -> dict[str, str]:
    now = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())  # requests are refused 15 min off
    return {
        "Authorization": f"AWS4-HMAC-SHA256 Credential=AKIADUMMY/{now[:8]}/us-east-1/"
        f"{service}/aws4_request, SignedHeaders=host, Signature=00",
        "X-Amz-Date": now,
    }


def _send(
    emu: Emulator, method: str, path: str, body: bytes, headers: dict[str, str]
) -> tuple[int, str]:
    host, port = emu.endpoint_url[len("http://") :].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        return resp.status, resp.read().decode()
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("target", "body", "status", "code"),
    [
        ("AWSGlue.GetDatabases", b"{not json", 400, "SerializationException"),
        ("AWSGlue.NoSuchOperation", b"{}", 400, "UnknownOperationException"),
        ("AWSGlue.GetDatabase", b"{}", 400, "ValidationException"),  # Name missing
        ("AWSGlue.GetDatabase", b'{"Name": 5}', 400, "ValidationException"),  # wrong type
        ("AmazonAthena.StartQueryExecution", b'{"QueryString": ""}', 400, "ValidationException"),
        (
            "AmazonAthena.GetQueryResults",
            b'{"QueryExecutionId": "x", "MaxResults": 0}',
            400,
            "ValidationException",
        ),
    ],
)
def test_bad_json_requests_get_aws_errors(
    lakestack: Emulator, target: str, body: bytes, status: int, code: str
) -> None:
    service = "glue" if target.startswith("AWSGlue") else "athena"
    got, text = _send(
        lakestack,
        "POST",
        "/",
        body,
        {"X-Amz-Target": target, "Content-Type": JSON, **_auth(service)},
    )
    assert (got, code in text) == (status, True), text
    assert lakestack.client("s3").list_buckets()["Buckets"] == []  # still serving


def test_bad_xml_and_query_requests_get_aws_errors(lakestack: Emulator) -> None:
    lakestack.client("s3").create_bucket(Bucket="bad-input")
    status, text = _send(
        lakestack, "PUT", "/bad-input?tagging", b"<Tagging><TagSet><Tag>", _auth("s3")
    )
    assert status == 400 and "MalformedXML" in text
    status, text = _send(
        lakestack,
        "POST",
        "/",
        b"Action=Nope&Version=2011-06-15",
        {"Content-Type": "application/x-www-form-urlencoded", **_auth("sts")},
    )
    assert status == 400 and "InvalidAction" in text
