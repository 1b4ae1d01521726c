"""S3 buckets and bucket configuration through boto3 against the live endpoint."""

from __future__ import annotations

import json
from typing import Any

import botocore.exceptions
import pytest


def _code(exc: pytest.ExceptionInfo[botocore.exceptions.ClientError]) -> tuple[str, int]:
    r = exc.value.response
    return r["Error"]["Code"], r["ResponseMetadata"]["HTTPStatusCode"]


@pytest.fixture
def s3(lakestack_client: Any) -> Any:
    return lakestack_client("s3")


@pytest.mark.parametrize(
    "name",
    [
        "ab",
        "a" * 64,
        "Upper",
        "has_underscore",
        "-start",
        "end-",
        "double..dot",
        "192.168.1.1",
        "xn--punycode",
        "x-s3alias",
        "y--ol-s3",
    ],
)
def test_create_bucket_invalid_name_raises_invalid_bucket_name(s3: Any, name: str) -> None:
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        s3.create_bucket(Bucket=name)
    assert _code(exc) == ("InvalidBucketName", 400)


def test_create_bucket_twice_in_us_east_1_succeeds(s3: Any) -> None:
    s3.create_bucket(Bucket="twice")
    assert s3.create_bucket(Bucket="twice")["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_create_bucket_twice_elsewhere_raises_already_owned(lakestack_client: Any) -> None:
    s3 = lakestack_client("s3", region="eu-west-1")
    conf = {"LocationConstraint": "eu-west-1"}
    s3.create_bucket(Bucket="twice-eu", CreateBucketConfiguration=conf)
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        s3.create_bucket(Bucket="twice-eu", CreateBucketConfiguration=conf)
    assert _code(exc) == ("BucketAlreadyOwnedByYou", 409)
    assert s3.get_bucket_location(Bucket="twice-eu")["LocationConstraint"] == "eu-west-1"


def test_get_bucket_location_us_east_1_is_none(s3: Any) -> None:
    s3.create_bucket(Bucket="loc")
    assert s3.get_bucket_location(Bucket="loc")["LocationConstraint"] is None


def test_head_list_delete_bucket(s3: Any) -> None:
    s3.create_bucket(Bucket="bkt1")
    s3.create_bucket(Bucket="bkt2")
    assert s3.head_bucket(Bucket="bkt1")["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["bkt1", "bkt2"]
    s3.delete_bucket(Bucket="bkt1")
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        s3.head_bucket(Bucket="bkt1")
    assert _code(exc) == ("404", 404)  # HEAD errors have no body: botocore reports the status


def test_delete_bucket_not_empty_raises(s3: Any) -> None:
    s3.create_bucket(Bucket="full")
    s3.put_object(Bucket="full", Key="k", Body=b"x")
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        s3.delete_bucket(Bucket="full")
    assert _code(exc) == ("BucketNotEmpty", 409)


def test_delete_missing_bucket_raises_no_such_bucket(s3: Any) -> None:
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        s3.delete_bucket(Bucket="missing")
    assert _code(exc) == ("NoSuchBucket", 404)


def test_bucket_tagging_round_trip_and_missing(s3: Any) -> None:
    s3.create_bucket(Bucket="tags")
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        s3.get_bucket_tagging(Bucket="tags")
    assert _code(exc) == ("NoSuchTagSet", 404)
    tags = [{"Key": "env", "Value": "dev"}, {"Key": "team", "Value": "data"}]
    s3.put_bucket_tagging(Bucket="tags", Tagging={"TagSet": tags})
    assert s3.get_bucket_tagging(Bucket="tags")["TagSet"] == tags


def test_bucket_policy_round_trip_and_malformed(s3: Any) -> None:
    s3.create_bucket(Bucket="pol")
    policy = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::pol/*",
                }
            ],
        }
    )
    s3.delete_public_access_block(Bucket="pol")  # a public policy needs it off, as on AWS
    s3.put_bucket_policy(Bucket="pol", Policy=policy)
    assert json.loads(s3.get_bucket_policy(Bucket="pol")["Policy"]) == json.loads(policy)
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        s3.put_bucket_policy(Bucket="pol", Policy="{not json")
    assert _code(exc) == ("MalformedPolicy", 400)
    s3.delete_bucket_policy(Bucket="pol")
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        s3.get_bucket_policy(Bucket="pol")
    assert _code(exc) == ("NoSuchBucketPolicy", 404)


def test_bucket_cors_round_trip(s3: Any) -> None:
    s3.create_bucket(Bucket="cors")
    rules = [
        {
            "AllowedMethods": ["GET", "PUT"],
            "AllowedOrigins": ["*"],
            "AllowedHeaders": ["*"],
            "MaxAgeSeconds": 3000,
            "ExposeHeaders": ["ETag"],
        }
    ]
    s3.put_bucket_cors(Bucket="cors", CORSConfiguration={"CORSRules": rules})
    assert s3.get_bucket_cors(Bucket="cors")["CORSRules"] == rules
    s3.delete_bucket_cors(Bucket="cors")
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        s3.get_bucket_cors(Bucket="cors")
    assert _code(exc) == ("NoSuchCORSConfiguration", 404)


def test_lifecycle_round_trip(s3: Any) -> None:
    s3.create_bucket(Bucket="lcy")
    rules = [
        {
            "ID": "expire-raw",
            "Status": "Enabled",
            "Filter": {"Prefix": "raw/"},
            "Expiration": {"Days": 90},
            "Transitions": [{"Days": 30, "StorageClass": "STANDARD_IA"}],
        },
        {
            "ID": "abort-mpu",
            "Status": "Enabled",
            "Filter": {"Prefix": ""},
            "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
        },
    ]
    s3.put_bucket_lifecycle_configuration(Bucket="lcy", LifecycleConfiguration={"Rules": rules})
    assert s3.get_bucket_lifecycle_configuration(Bucket="lcy")["Rules"] == rules
    s3.delete_bucket_lifecycle(Bucket="lcy")
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        s3.get_bucket_lifecycle_configuration(Bucket="lcy")
    assert _code(exc) == ("NoSuchLifecycleConfiguration", 404)


QUEUE = "arn:aws:sqs:us-east-1:000000000000:q"
FN = "arn:aws:lambda:us-east-1:000000000000:function:f"


def test_notification_configuration_round_trip(s3: Any) -> None:
    s3.create_bucket(Bucket="notif")
    conf = {
        "QueueConfigurations": [
            {
                "Id": "q1",
                "QueueArn": QUEUE,
                "Events": ["s3:ObjectCreated:*"],
                "Filter": {
                    "Key": {
                        "FilterRules": [
                            {"Name": "Prefix", "Value": "raw/"},
                            {"Name": "Suffix", "Value": ".json"},
                        ]
                    }
                },
            }
        ],
        "LambdaFunctionConfigurations": [
            {"Id": "l1", "LambdaFunctionArn": FN, "Events": ["s3:ObjectRemoved:*"]}
        ],
    }
    s3.put_bucket_notification_configuration(Bucket="notif", NotificationConfiguration=conf)
    got = s3.get_bucket_notification_configuration(Bucket="notif")
    got.pop("ResponseMetadata")
    assert got == conf


def test_notification_overlapping_filters_same_event_rejected(s3: Any) -> None:
    s3.create_bucket(Bucket="ambig")

    def rule(prefix: str, suffix: str) -> dict[str, Any]:
        return {
            "QueueArn": QUEUE,
            "Events": ["s3:ObjectCreated:Put"],
            "Filter": {
                "Key": {
                    "FilterRules": [
                        {"Name": "Prefix", "Value": prefix},
                        {"Name": "Suffix", "Value": suffix},
                    ]
                }
            },
        }

    with pytest.raises(botocore.exceptions.ClientError) as exc:
        s3.put_bucket_notification_configuration(
            Bucket="ambig",
            NotificationConfiguration={
                "QueueConfigurations": [rule("images/", ".jpg"), rule("images/2024/", ".jpg")]
            },
        )
    assert _code(exc) == ("InvalidArgument", 400)
    assert "ambiguously defined" in exc.value.response["Error"]["Message"]
    # non-overlapping suffixes are fine
    s3.put_bucket_notification_configuration(
        Bucket="ambig",
        NotificationConfiguration={
            "QueueConfigurations": [rule("images/", ".jpg"), rule("images/", ".png")]
        },
    )


def test_versioning_configuration_round_trip(s3: Any) -> None:
    s3.create_bucket(Bucket="ver")
    assert "Status" not in s3.get_bucket_versioning(Bucket="ver")
    s3.put_bucket_versioning(Bucket="ver", VersioningConfiguration={"Status": "Enabled"})
    assert s3.get_bucket_versioning(Bucket="ver")["Status"] == "Enabled"
    s3.put_bucket_versioning(Bucket="ver", VersioningConfiguration={"Status": "Suspended"})
    assert s3.get_bucket_versioning(Bucket="ver")["Status"] == "Suspended"
