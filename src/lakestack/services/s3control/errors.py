"""S3 Control's errors (the account-level ones; the S3 engine raises its own)."""

from __future__ import annotations

from lakestack.core.errors import AwsError


class AccessDenied(AwsError):
    code = "AccessDenied"
    message = "Access Denied"
    status = 403
