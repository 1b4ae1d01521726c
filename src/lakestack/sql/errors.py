"""Athena query errors raised by the SQL layer (parsing, translation, projection).

These are *query* failures, not API errors: Athena records them on the query
execution (``Status.StateChangeReason`` and ``Status.AthenaError``), so they do
not subclass :class:`lakestack.core.errors.AwsError`. The Athena engine maps them
to state (or, for syntax errors it checks synchronously, to
``InvalidRequestException``) at its boundary.

Messages follow Trino/Athena: ``<ERROR_NAME>: line L:C: <text>``, where the
position is 1-based and points at the offending token.

Error category values are from the Athena error catalog
(https://docs.aws.amazon.com/athena/latest/ug/error-reference.html): 1 SYSTEM,
2 USER, 3 OTHER; error type 1000 is "User error". Finer error types per Trino
error name are not documented publicly, so user errors carry 1000.

Must not know: the Glue catalog, DuckDB, HTTP.
"""

from __future__ import annotations

USER = 2
SYSTEM = 1
USER_ERROR_TYPE = 1000


class AthenaQueryError(Exception):
    """A failed Athena statement, as Athena reports it.

    >>> e = SqlSyntaxError("mismatched input 'TABLEE'. Expecting: 'TABLE'", line=1, column=8)
    >>> str(e)
    "line 1:8: mismatched input 'TABLEE'. Expecting: 'TABLE'"
    >>> e.state_change_reason
    "SYNTAX_ERROR: line 1:8: mismatched input 'TABLEE'. Expecting: 'TABLE'"
    >>> (e.error_category, e.error_type, e.retryable)
    (2, 1000, False)
    """

    error_name: str = "GENERIC_USER_ERROR"
    error_category: int = USER
    error_type: int = USER_ERROR_TYPE
    retryable: bool = False

    def __init__(self, text: str, *, line: int | None = None, column: int | None = None) -> None:
        self.text = text
        self.line = line
        self.column = column
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """The text with its position, as Trino prints it (``line 1:8: ...``)."""
        if self.line is None:
            return self.text
        return f"line {self.line}:{self.column}: {self.text}"

    @property
    def state_change_reason(self) -> str:
        """What Athena puts in ``Status.StateChangeReason``."""
        return f"{self.error_name}: {self.message}"


class SqlSyntaxError(AthenaQueryError):
    error_name = "SYNTAX_ERROR"


class ColumnNotFound(AthenaQueryError):
    error_name = "COLUMN_NOT_FOUND"


class TableNotFound(AthenaQueryError):
    error_name = "TABLE_NOT_FOUND"


class SchemaNotFound(AthenaQueryError):
    error_name = "SCHEMA_NOT_FOUND"


class FunctionNotFound(AthenaQueryError):
    error_name = "FUNCTION_NOT_FOUND"


class TypeMismatch(AthenaQueryError):
    error_name = "TYPE_MISMATCH"


class NotSupported(AthenaQueryError):
    error_name = "NOT_SUPPORTED"


class ConstraintViolation(AthenaQueryError):
    error_name = "CONSTRAINT_VIOLATION"


class InvalidParameterUsage(AthenaQueryError):
    error_name = "INVALID_PARAMETER_USAGE"


class ExpressionNotConstant(AthenaQueryError):
    error_name = "EXPRESSION_NOT_CONSTANT"


class InvalidTableProperty(AthenaQueryError):
    """A partition projection configuration Athena rejects (HIVE_METASTORE_ERROR)."""

    error_name = "HIVE_METASTORE_ERROR"
