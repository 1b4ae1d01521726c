"""The AWS managed policies lakestack knows, attachable by ARN (``arn:aws:iam::aws:policy/…``).

A small built-in list of the ones data pipelines attach; documents abridged to
their main statements. Knows no storage and no wire format.
"""

from __future__ import annotations

import json
from typing import Any

from lakestack.services.iam.models import ManagedPolicy, PolicyVersion

AWS_ACCOUNT = "aws"
_CREATED = 1_423_248_000.0  # 2015-02-06T18:40:00Z, when IAM's first managed policies appeared


def _allow(actions: list[str], resource: str = "*") -> dict[str, Any]:
    return {"Effect": "Allow", "Action": actions, "Resource": resource}


# (path, name, policy id, description, statements)
_POLICIES: tuple[tuple[str, str, str, str, list[dict[str, Any]]], ...] = (
    (
        "/",
        "AdministratorAccess",
        "ANPAIWMBCKSKIEE64ZLYK",
        "Provides full access to AWS services and resources.",
        [_allow(["*"])],
    ),
    (
        "/",
        "AmazonS3FullAccess",
        "ANPAIFIR6V6BVTRAHWINE",
        "Provides full access to all buckets via the AWS Management Console.",
        [_allow(["s3:*", "s3-object-lambda:*"])],
    ),
    (
        "/",
        "AmazonS3ReadOnlyAccess",
        "ANPAIZTJ4DXE7G6AGAE6M",
        "Provides read only access to all buckets via the AWS Management Console.",
        [_allow(["s3:Get*", "s3:List*", "s3:Describe*", "s3-object-lambda:Get*"])],
    ),
    (
        "/service-role/",
        "AWSGlueServiceRole",
        "ANPAIRUJCPEBPMEZFAS32",
        "Policy for AWS Glue service role which allows access to related services "
        "including EC2, S3, and Cloudwatch Logs",
        [
            _allow(["glue:*", "s3:GetBucketLocation", "s3:ListBucket", "s3:ListAllMyBuckets"]),
            _allow(["s3:GetObject", "s3:PutObject"], "arn:aws:s3:::aws-glue-*/*"),
            _allow(
                ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                "arn:aws:logs:*:*:*:/aws-glue/*",
            ),
        ],
    ),
    (
        "/",
        "AmazonAthenaFullAccess",
        "ANPAIPJMLMD4C7RYZ6XCK",
        "Provide full access to Amazon Athena and scoped access to the dependencies "
        "needed to enable querying, writing results, and data management.",
        [
            _allow(["athena:*"]),
            _allow(
                ["glue:Get*", "glue:CreateTable", "glue:UpdateTable", "glue:BatchCreatePartition"]
            ),
            _allow(["s3:GetBucketLocation", "s3:GetObject", "s3:ListBucket", "s3:PutObject"]),
        ],
    ),
    (
        "/service-role/",
        "AWSLambdaBasicExecutionRole",
        "ANPAJNCQGXC42545SKXIK",
        "Provides write permissions to CloudWatch Logs.",
        [_allow(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"])],
    ),
    (
        "/",
        "CloudWatchLogsFullAccess",
        "ANPAIDZC5RA4EOK5UMMW4",
        "Provides full access to CloudWatch Logs",
        [_allow(["logs:*"])],
    ),
)


def _build() -> dict[str, ManagedPolicy]:
    out: dict[str, ManagedPolicy] = {}
    for path, name, policy_id, description, statements in _POLICIES:
        arn = f"arn:aws:iam::{AWS_ACCOUNT}:policy{path}{name}"
        document = json.dumps({"Version": "2012-10-17", "Statement": statements}, indent=4)
        out[arn] = ManagedPolicy(
            name=name,
            policy_id=policy_id,
            arn=arn,
            path=path,
            create_date=_CREATED,
            update_date=_CREATED,
            default_version_id="v1",
            versions=[PolicyVersion("v1", document, _CREATED)],
            description=description,
            aws_managed=True,
        )
    return out


AWS_MANAGED: dict[str, ManagedPolicy] = _build()
