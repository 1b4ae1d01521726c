"""IAM's errors, named after the codes AWS returns (IAM API reference, "Errors")."""

from __future__ import annotations

from lakestack.core.errors import AwsError


class NoSuchEntity(AwsError):
    code = "NoSuchEntity"
    status = 404


class EntityAlreadyExists(AwsError):
    code = "EntityAlreadyExists"
    status = 409


class MalformedPolicyDocument(AwsError):
    code = "MalformedPolicyDocument"
    message = "Syntax errors in policy."
    status = 400


class DeleteConflict(AwsError):
    code = "DeleteConflict"
    status = 409


class LimitExceeded(AwsError):
    code = "LimitExceeded"
    status = 409


class InvalidInput(AwsError):
    code = "InvalidInput"
    status = 400


class ValidationError(AwsError):
    code = "ValidationError"
    status = 400
