from __future__ import annotations

import pytest
from s3_engine_helpers import ACCOUNT, REGION, Body, Harness, put

from lakestack.services.s3 import errors
from lakestack.services.s3.engine import S3Engine

OTHER = "444455556666"


@pytest.mark.parametrize(
    "name",
    [
        "ab",
        "a" * 64,
        "Upper",
        "under_score",
        "-start",
        "end-",
        "a..b",
        "192.168.1.1",
        "xn--abc",
        "abc-s3alias",
        "abc--ol-s3",
        "a.-b",
        "sp ace",
    ],
)
def test_create_bucket_invalid_name_raises_invalid_bucket_name(s3: S3Engine, name: str) -> None:
    with pytest.raises(errors.InvalidBucketName) as e:
        s3.create_bucket(ACCOUNT, REGION, name)
    assert e.value.fields["BucketName"] == name


@pytest.mark.parametrize("name", ["abc", "a" * 63, "my.bucket-1", "1bucket"])
def test_create_bucket_valid_names(s3: S3Engine, name: str) -> None:
    assert s3.create_bucket(ACCOUNT, REGION, name).name == name


def test_create_bucket_again_in_us_east_1_returns_existing(s3: S3Engine) -> None:
    first = s3.create_bucket(ACCOUNT, REGION, "bkt")
    assert s3.create_bucket(ACCOUNT, REGION, "bkt") == first


def test_create_bucket_again_elsewhere_raises_already_owned(s3: S3Engine) -> None:
    s3.create_bucket(ACCOUNT, "eu-west-1", "bkt", "eu-west-1")
    with pytest.raises(errors.BucketAlreadyOwnedByYou):
        s3.create_bucket(ACCOUNT, "eu-west-1", "bkt", "eu-west-1")


def test_create_bucket_other_account_raises_already_exists(s3: S3Engine) -> None:
    s3.create_bucket(ACCOUNT, REGION, "bkt")
    with pytest.raises(errors.BucketAlreadyExists) as e:
        s3.create_bucket(OTHER, REGION, "bkt")
    assert e.value.status == 409


def test_create_bucket_location_rules(s3: S3Engine) -> None:
    with pytest.raises(errors.IllegalLocationConstraintException):
        s3.create_bucket(ACCOUNT, "eu-west-1", "bkt")
    with pytest.raises(errors.InvalidLocationConstraint):
        s3.create_bucket(ACCOUNT, REGION, "bkt", "us-east-1")
    with pytest.raises(errors.IllegalLocationConstraintException):
        s3.create_bucket(ACCOUNT, "eu-west-1", "bkt", "us-west-2")
    s3.create_bucket(ACCOUNT, REGION, "bkt", "eu-central-1")  # the global endpoint allows it
    assert s3.get_bucket_location(ACCOUNT, REGION, "bkt") == "eu-central-1"


def test_get_bucket_location_us_east_1_is_none(s3: S3Engine, bucket: str) -> None:
    assert s3.get_bucket_location(ACCOUNT, REGION, bucket) is None


def test_head_bucket_missing_raises_no_such_bucket(s3: S3Engine) -> None:
    with pytest.raises(errors.NoSuchBucket) as e:
        s3.head_bucket(ACCOUNT, REGION, "nope")
    assert e.value.status == 404


def test_list_buckets_only_callers(s3: S3Engine) -> None:
    s3.create_bucket(ACCOUNT, REGION, "bkt2")
    s3.create_bucket(ACCOUNT, REGION, "bkt1")
    s3.create_bucket(OTHER, REGION, "ckt1")
    assert [b.name for b in s3.list_buckets(ACCOUNT, REGION)] == ["bkt1", "bkt2"]
    assert [b.name for b in s3.list_buckets(ACCOUNT, REGION, prefix="bkt2")] == ["bkt2"]


def test_delete_bucket_not_empty_raises(s3: S3Engine, bucket: str) -> None:
    put(s3, bucket, "k")
    with pytest.raises(errors.BucketNotEmpty):
        s3.delete_bucket(ACCOUNT, REGION, bucket)
    s3.delete_object(ACCOUNT, REGION, bucket, "k")
    s3.delete_bucket(ACCOUNT, REGION, bucket)
    with pytest.raises(errors.NoSuchBucket):
        s3.head_bucket(ACCOUNT, REGION, bucket)


def test_delete_bucket_with_delete_markers_raises_not_empty(s3: S3Engine, bucket: str) -> None:
    s3.put_bucket_versioning(ACCOUNT, REGION, bucket, "Enabled")
    s3.delete_object(ACCOUNT, REGION, bucket, "k")
    with pytest.raises(errors.BucketNotEmpty):
        s3.delete_bucket(ACCOUNT, REGION, bucket)


def test_put_bucket_versioning_roundtrip(s3: S3Engine, bucket: str) -> None:
    assert s3.get_bucket_versioning(ACCOUNT, REGION, bucket) is None
    s3.put_bucket_versioning(ACCOUNT, REGION, bucket, "Enabled")
    assert s3.get_bucket_versioning(ACCOUNT, REGION, bucket) == "Enabled"
    with pytest.raises(errors.MalformedXML):
        s3.put_bucket_versioning(ACCOUNT, REGION, bucket, "On")


def _queue(events: list[str], prefix: str | None = None, suffix: str | None = None) -> dict:
    rules = []
    if prefix is not None:
        rules.append({"Name": "prefix", "Value": prefix})
    if suffix is not None:
        rules.append({"Name": "Suffix", "Value": suffix})
    cfg = {"QueueArn": "arn:aws:sqs:us-east-1:111122223333:q", "Events": events}
    if rules:
        cfg["Filter"] = {"Key": {"FilterRules": rules}}
    return cfg


def test_put_bucket_notification_configuration_roundtrip(s3: S3Engine, bucket: str) -> None:
    doc = {
        "QueueConfigurations": [_queue(["s3:ObjectCreated:*"], "in/", ".csv")],
        "LambdaFunctionConfigurations": [
            {
                "Id": "fn",
                "LambdaFunctionArn": "arn:aws:lambda:us-east-1:1:function:f",
                "Events": ["s3:ObjectRemoved:*"],
            }
        ],
    }
    assert s3.get_bucket_notification_configuration(ACCOUNT, REGION, bucket) == {}
    s3.put_bucket_notification_configuration(ACCOUNT, REGION, bucket, doc)
    got = s3.get_bucket_notification_configuration(ACCOUNT, REGION, bucket)
    assert got["LambdaFunctionConfigurations"] == doc["LambdaFunctionConfigurations"]
    assert got["QueueConfigurations"][0]["Filter"] == doc["QueueConfigurations"][0]["Filter"]
    assert got["QueueConfigurations"][0]["Id"]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (_queue(["s3:ObjectCreated:*"]), _queue(["s3:ObjectCreated:Put"])),
        (
            _queue(["s3:ObjectCreated:Put"], "logs/", ".gz"),
            _queue(["s3:ObjectCreated:Put"], "logs/a"),
        ),
        (
            _queue(["s3:ObjectCreated:Put"], "a", "x.csv"),
            _queue(["s3:ObjectCreated:Put"], "", ".csv"),
        ),
    ],
)
def test_put_bucket_notification_configuration_overlap_raises_invalid_argument(
    s3: S3Engine, bucket: str, a: dict, b: dict
) -> None:
    with pytest.raises(errors.InvalidArgument) as e:
        s3.put_bucket_notification_configuration(
            ACCOUNT, REGION, bucket, {"QueueConfigurations": [a, b]}
        )
    assert e.value.message.startswith("Configuration is ambiguously defined.")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (_queue(["s3:ObjectCreated:*"]), _queue(["s3:ObjectRemoved:*"])),
        (_queue(["s3:ObjectCreated:Put"], "a/"), _queue(["s3:ObjectCreated:Put"], "b/")),
        (
            _queue(["s3:ObjectCreated:Put"], "a/", ".csv"),
            _queue(["s3:ObjectCreated:Put"], "a/", ".gz"),
        ),
        (_queue(["s3:ObjectCreated:Put"]), _queue(["s3:ObjectCreated:Copy"])),
    ],
)
def test_put_bucket_notification_configuration_disjoint_is_accepted(
    s3: S3Engine, bucket: str, a: dict, b: dict
) -> None:
    s3.put_bucket_notification_configuration(
        ACCOUNT, REGION, bucket, {"QueueConfigurations": [a, b]}
    )


def test_put_bucket_notification_configuration_bad_event_raises(s3: S3Engine, bucket: str) -> None:
    with pytest.raises(errors.InvalidArgument):
        s3.put_bucket_notification_configuration(
            ACCOUNT, REGION, bucket, {"QueueConfigurations": [_queue(["s3:ObjectMade:*"])]}
        )


def test_put_bucket_lifecycle_configuration_rules(s3: S3Engine, bucket: str) -> None:
    with pytest.raises(errors.NoSuchLifecycleConfiguration):
        s3.get_bucket_lifecycle_configuration(ACCOUNT, REGION, bucket)
    rule = {
        "ID": "r1",
        "Status": "Enabled",
        "Filter": {"Prefix": "tmp/"},
        "Expiration": {"Days": 3},
    }
    s3.put_bucket_lifecycle_configuration(ACCOUNT, REGION, bucket, {"Rules": [rule]})
    assert s3.get_bucket_lifecycle_configuration(ACCOUNT, REGION, bucket) == {"Rules": [rule]}
    with pytest.raises(errors.MalformedXML):
        s3.put_bucket_lifecycle_configuration(
            ACCOUNT, REGION, bucket, {"Rules": [{"ID": "x", "Filter": {}}]}
        )
    with pytest.raises(errors.InvalidArgument):
        s3.put_bucket_lifecycle_configuration(
            ACCOUNT, REGION, bucket, {"Rules": [dict(rule, ID="i" * 256)]}
        )
    with pytest.raises(errors.InvalidRequest):
        s3.put_bucket_lifecycle_configuration(
            ACCOUNT, REGION, bucket, {"Rules": [dict(rule, ID=str(i)) for i in range(1001)]}
        )
    s3.delete_bucket_lifecycle(ACCOUNT, REGION, bucket)
    with pytest.raises(errors.NoSuchLifecycleConfiguration):
        s3.get_bucket_lifecycle_configuration(ACCOUNT, REGION, bucket)


def test_put_bucket_policy_malformed_raises(s3: S3Engine, bucket: str) -> None:
    with pytest.raises(errors.NoSuchBucketPolicy):
        s3.get_bucket_policy(ACCOUNT, REGION, bucket)
    with pytest.raises(errors.MalformedPolicy):
        s3.put_bucket_policy(ACCOUNT, REGION, bucket, "{not json")
    policy = (
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", '
        '"Action": "s3:DeleteBucket", "Resource": "arn:aws:s3:::bkt"}]}'
    )
    s3.put_bucket_policy(ACCOUNT, REGION, bucket, policy)
    assert s3.get_bucket_policy(ACCOUNT, REGION, bucket) == policy
    s3.delete_bucket_policy(ACCOUNT, REGION, bucket)
    with pytest.raises(errors.NoSuchBucketPolicy):
        s3.get_bucket_policy(ACCOUNT, REGION, bucket)


def test_put_bucket_tagging_and_cors_roundtrip(s3: S3Engine, bucket: str) -> None:
    with pytest.raises(errors.NoSuchTagSet):
        s3.get_bucket_tagging(ACCOUNT, REGION, bucket)
    with pytest.raises(errors.NoSuchCORSConfiguration):
        s3.get_bucket_cors(ACCOUNT, REGION, bucket)
    tags = {"TagSet": [{"Key": "team", "Value": "data"}]}
    cors = {"CORSRules": [{"AllowedMethods": ["GET"], "AllowedOrigins": ["*"]}]}
    s3.put_bucket_tagging(ACCOUNT, REGION, bucket, tags)
    s3.put_bucket_cors(ACCOUNT, REGION, bucket, cors)
    assert s3.get_bucket_tagging(ACCOUNT, REGION, bucket) == tags
    assert s3.get_bucket_cors(ACCOUNT, REGION, bucket) == cors
    with pytest.raises(errors.InvalidTag):
        s3.put_bucket_tagging(ACCOUNT, REGION, bucket, {"TagSet": tags["TagSet"] * 2})


def test_get_bucket_acl_returns_owner(s3: S3Engine, bucket: str) -> None:
    owner, grants = s3.get_bucket_acl(ACCOUNT, REGION, bucket)
    assert owner == ACCOUNT and [g[2] for g in grants] == ["FULL_CONTROL"]


def test_stored_bytes_per_bucket(s3: S3Engine, bucket: str) -> None:
    put(s3, bucket, "a", b"12345")
    put(s3, bucket, "b", b"123", storage_class="STANDARD_IA")
    usage = {(u.bucket, u.storage_class): u.bytes for u in s3.stored_bytes()}
    assert usage == {("bkt", "STANDARD"): 5, ("bkt", "STANDARD_IA"): 3}


def test_metering_records_request_tiers(h, s3: S3Engine, bucket: str) -> None:  # noqa: ANN001
    put(s3, bucket, "a")
    s3.get_object(ACCOUNT, REGION, bucket, "a")
    s3.delete_object(ACCOUNT, REGION, bucket, "a")
    ops = [(r[1], r[2]) for r in h.meter.records]
    assert ops == [
        ("CreateBucket", "Requests-Tier1"),
        ("PutObject", "Requests-Tier1"),
        ("GetObject", "Requests-Tier2"),
    ]
    assert h.meter.records[1][5:] == (ACCOUNT, REGION, bucket)


def test_reset_forgets_everything(h, s3: S3Engine, bucket: str) -> None:  # noqa: ANN001
    put(s3, bucket, "k")
    s3.reset()
    assert s3.list_buckets(ACCOUNT, REGION) == []
    s3.create_bucket(ACCOUNT, REGION, "bkt")
    assert s3.list_objects_v2(ACCOUNT, REGION, "bkt").contents == []


def test_meter_storage_reports_levels_only_after_writes(
    h: Harness, s3: S3Engine, bucket: str
) -> None:
    s3.put_object(ACCOUNT, REGION, bucket, "a", Body(b"12345"))
    s3.meter_storage()
    key = ("s3", "StandardStorage", "TimedStorage", "Bytes", ACCOUNT, REGION, bucket)
    assert h.meter.gauges == {key: 5}
    h.meter.gauges.clear()
    s3.meter_storage()  # nothing written since: no new sample
    assert h.meter.gauges == {}
    s3.delete_object(ACCOUNT, REGION, bucket, "a")
    s3.meter_storage()  # the bucket emptied: level drops to zero
    assert h.meter.gauges == {key: 0}
