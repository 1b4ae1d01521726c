"""STS identity through boto3: the account follows the access key."""

from __future__ import annotations

from lakestack.emulator import Emulator
from tests.conftest import boto_client


def test_get_caller_identity_default_account(lakestack: Emulator) -> None:
    identity = lakestack.client("sts").get_caller_identity()
    assert identity["Account"] == "000000000000"
    assert identity["Arn"] == "arn:aws:iam::000000000000:root"


def test_get_caller_identity_twelve_digit_key_is_the_account(lakestack: Emulator) -> None:
    sts = boto_client("sts", lakestack.endpoint_url, aws_access_key_id="123456789012")
    assert sts.get_caller_identity()["Account"] == "123456789012"  # type: ignore[attr-defined]


def test_get_access_key_info_uses_added_credentials(lakestack: Emulator) -> None:
    lakestack.credentials.add("AKIAINFO00000001", "secret", "444455556666")
    sts = lakestack.client("sts")
    assert sts.get_access_key_info(AccessKeyId="AKIAINFO00000001")["Account"] == "444455556666"
    assert sts.get_access_key_info(AccessKeyId="AKIAOTHER0000001")["Account"] == "000000000000"
