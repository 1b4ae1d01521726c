"""Athena's AWS errors (API errors, not query failures) and the DuckDB translation table.

API errors answer the request (``InvalidRequestException`` with an
``AthenaErrorCode``, ``ResourceNotFoundException``, ``MetadataException``). Query
failures are *state* on the execution: :class:`QueryFailed` carries what Athena
records there and never leaves the engine. Knows nothing of HTTP or JSON.
"""

from __future__ import annotations

from lakestack.core.errors import AwsError
from lakestack.sql.errors import (
    SYSTEM,
    USER,
    USER_ERROR_TYPE,
    AthenaQueryError,
)
from lakestack.sql.session import error_table


class AthenaApiError(AwsError):
    """Base of every Athena API error."""


class InvalidRequestException(AthenaApiError):
    code = "InvalidRequestException"
    message = "Invalid request."

    def __init__(
        self, message: str | None = None, *, athena_error_code: str = "INVALID_INPUT"
    ) -> None:
        super().__init__(message, AthenaErrorCode=athena_error_code)


class ResourceNotFoundException(AthenaApiError):
    code = "ResourceNotFoundException"
    message = "Resource not found."


class MetadataException(AthenaApiError):
    code = "MetadataException"
    message = "Metadata error."


def workgroup_not_found(name: str) -> InvalidRequestException:
    """The error for an unknown work group.

    >>> workgroup_not_found("etl").message
    'WorkGroup etl is not found.'
    """
    return InvalidRequestException(f"WorkGroup {name} is not found.")


def execution_not_found(query_id: str) -> InvalidRequestException:
    return InvalidRequestException(f"QueryExecution {query_id} was not found")


class QueryFailed(AwsError):
    """A failed statement as Athena records it: ``StateChangeReason`` plus ``AthenaError``.

    An ``AwsError`` only so :func:`lakestack.core.errors.translating` can produce it at
    the DuckDB boundary; the execution layer turns it into state, never into a response.
    ``code`` is the Trino error name (``SYNTAX_ERROR``); ``reason`` is what Athena shows.

    >>> from lakestack.sql.errors import NotSupported
    >>> f = QueryFailed.from_sql_error(NotSupported("x"))
    >>> f.reason, f.category, f.retryable
    ('NOT_SUPPORTED: x', 2, False)
    >>> InvalidCastArgument("Could not convert 'x'").reason
    "INVALID_CAST_ARGUMENT: Could not convert 'x'"
    """

    code = "GENERIC_USER_ERROR"
    category: int = USER
    error_type: int = USER_ERROR_TYPE
    retryable: bool = False

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        category: int | None = None,
        retryable: bool | None = None,
        reason: str | None = None,
    ) -> None:
        text = (message or "").split("\n")[0]
        super().__init__(text, code=code)
        if category is not None:
            self.category = category
            self.error_type = USER_ERROR_TYPE if category == USER else 401
        if retryable is not None:
            self.retryable = retryable
        self.reason = reason if reason is not None else f"{self.code}: {text}"

    @classmethod
    def from_sql_error(cls, err: AthenaQueryError) -> QueryFailed:
        failed = cls(
            err.message,
            code=err.error_name,
            category=err.error_category,
            retryable=err.retryable,
            reason=err.state_change_reason,
        )
        failed.error_type = err.error_type
        return failed

    @classmethod
    def system(cls, text: str, *, retryable: bool = True) -> QueryFailed:
        return cls(
            text, code="GENERIC_INTERNAL_ERROR", category=SYSTEM, retryable=retryable, reason=text
        )


class InvalidCastArgument(QueryFailed):
    code = "INVALID_CAST_ARGUMENT"


class NumericValueOutOfRange(QueryFailed):
    code = "NUMERIC_VALUE_OUT_OF_RANGE"


class EngineSyntaxError(QueryFailed):
    code = "SYNTAX_ERROR"


class HiveBadData(QueryFailed):
    code = "HIVE_BAD_DATA"


class HiveCannotOpenSplit(QueryFailed):
    code = "HIVE_CANNOT_OPEN_SPLIT"


class EngineNotSupported(QueryFailed):
    code = "NOT_SUPPORTED"


class QueryCancelled(Exception):
    """Raised inside the runner when a stop request or the scan cutoff ends a query."""

    def __init__(self, reason: str | None, scanned: int) -> None:
        super().__init__(reason or "cancelled")
        self.reason = reason
        self.scanned = scanned


class PermissionDenied(QueryFailed):
    """DuckDB refused a file outside the directories its session allows (a bug: lakestack
    hands DuckDB only object-store files and its own staging directory)."""

    code = "PERMISSION_DENIED"


# DuckDB's exceptions -> the Athena failure they show as (see lakestack.sql.session).
ENGINE_ERRORS = error_table(
    {
        "conversion": InvalidCastArgument,
        "out_of_range": NumericValueOutOfRange,
        "binder": EngineSyntaxError,
        "parser": EngineSyntaxError,
        "catalog": EngineSyntaxError,
        "permission": PermissionDenied,
        "invalid_input": HiveBadData,
        "io": HiveCannotOpenSplit,
        "not_implemented": EngineNotSupported,
    }
)
