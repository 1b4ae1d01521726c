"""S3 Control's account-wide Public Access Block through boto3: stored per account,
refused for another account, and enforced on every bucket of the account.

boto3 puts the account id in front of the endpoint's host name (``<account>.127.0.0.1``),
which a loopback endpoint cannot resolve; the hook sends the request to the endpoint with
the Host header it was signed with, as a DNS entry for ``*.<host>`` would."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import botocore.exceptions
import pytest

from lakestack.emulator import Emulator

ACCOUNT = "000000000000"
ALL_ON = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}
PUBLIC_READ = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::{b}/*",
        }
    ],
}


def _send_to_loopback(request: Any, **_: Any) -> None:
    parts = urlsplit(request.url)
    request.headers["Host"] = parts.netloc
    request.url = urlunsplit(parts._replace(netloc=parts.netloc.split(".", 1)[1]))


@pytest.fixture
def s3control(lakestack: Emulator) -> Any:
    client = lakestack.client("s3control")
    client.meta.events.register("before-send.s3-control", _send_to_loopback)
    return client


def _code(err: pytest.ExceptionInfo[botocore.exceptions.ClientError]) -> str:
    return str(err.value.response["Error"]["Code"])


def test_account_public_access_block_put_get_delete(s3control: Any) -> None:
    with pytest.raises(botocore.exceptions.ClientError) as err:
        s3control.get_public_access_block(AccountId=ACCOUNT)
    assert _code(err) == "NoSuchPublicAccessBlockConfiguration"
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    s3control.put_public_access_block(AccountId=ACCOUNT, PublicAccessBlockConfiguration=ALL_ON)
    got = s3control.get_public_access_block(AccountId=ACCOUNT)
    assert got["PublicAccessBlockConfiguration"] == ALL_ON
    s3control.delete_public_access_block(AccountId=ACCOUNT)
    with pytest.raises(botocore.exceptions.ClientError) as err:
        s3control.get_public_access_block(AccountId=ACCOUNT)
    assert _code(err) == "NoSuchPublicAccessBlockConfiguration"


def test_another_accounts_setting_is_access_denied(s3control: Any) -> None:
    with pytest.raises(botocore.exceptions.ClientError) as err:
        s3control.put_public_access_block(
            AccountId="111111111111", PublicAccessBlockConfiguration=ALL_ON
        )
    assert _code(err) == "AccessDenied"


def test_account_block_refuses_a_public_policy_on_a_bucket_without_its_own(
    lakestack: Emulator, s3control: Any
) -> None:
    s3 = lakestack.client("s3")
    s3.create_bucket(Bucket="acct-block")
    s3.delete_public_access_block(Bucket="acct-block")  # the bucket's own block is off
    s3control.put_public_access_block(AccountId=ACCOUNT, PublicAccessBlockConfiguration=ALL_ON)
    policy = json.dumps(PUBLIC_READ).replace("{b}", "acct-block")
    with pytest.raises(botocore.exceptions.ClientError) as err:
        s3.put_bucket_policy(Bucket="acct-block", Policy=policy)
    assert _code(err) == "AccessDenied"
    s3control.delete_public_access_block(AccountId=ACCOUNT)
    s3.put_bucket_policy(Bucket="acct-block", Policy=policy)
    assert s3.get_bucket_policy_status(Bucket="acct-block")["PolicyStatus"]["IsPublic"] is True
