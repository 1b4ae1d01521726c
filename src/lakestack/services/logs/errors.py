"""CloudWatch Logs' errors, named after the codes AWS returns (Logs API reference, "Errors")."""

from __future__ import annotations

from lakestack.core.errors import AwsError


class ResourceNotFoundException(AwsError):
    code = "ResourceNotFoundException"
    status = 400


class ResourceAlreadyExistsException(AwsError):
    code = "ResourceAlreadyExistsException"
    status = 400


class InvalidParameterException(AwsError):
    code = "InvalidParameterException"
    status = 400


class LimitExceededException(AwsError):
    code = "LimitExceededException"
    status = 400
