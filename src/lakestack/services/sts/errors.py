"""STS's errors, named after the codes AWS returns (STS API reference, "Errors")."""

from __future__ import annotations

from lakestack.core.errors import AwsError


class AccessDenied(AwsError):
    code = "AccessDenied"
    status = 403


class ValidationError(AwsError):
    code = "ValidationError"
    status = 400


class MalformedPolicyDocument(AwsError):
    code = "MalformedPolicyDocument"
    status = 400


class PackedPolicyTooLarge(AwsError):
    code = "PackedPolicyTooLarge"
    status = 400
