"""AWS errors as Python exceptions, and the one helper that translates foreign ones.

Owns the :class:`AwsError` base every service error subclasses. Knows nothing of
HTTP or wire envelopes: the gateway serializer turns these into protocol errors.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any


class AwsError(Exception):
    """An error AWS would return.

    Subclasses set ``code`` (the AWS error code), ``message`` (default text),
    ``sender_fault`` and optionally ``status``; when ``status`` is ``None`` the
    gateway takes the error shape's ``httpStatusCode`` from the botocore model,
    else 400. ``fields`` carries extra members AWS puts in the error body
    (S3's ``BucketName``, ``Key``, ``Condition`` ...). ``headers`` holds response
    headers AWS sends with the error (S3's ``x-amz-delete-marker``); providers set it.
    """

    code: str = "InternalFailure"
    message: str = ""
    sender_fault: bool = True
    status: int | None = None

    def __init__(
        self,
        message: str | None = None,
        *,
        status: int | None = None,
        code: str | None = None,
        **fields: Any,
    ) -> None:
        self.message = message if message is not None else type(self).message
        if status is not None:
            self.status = status
        if code is not None:
            self.code = code
        self.fields: dict[str, Any] = fields
        self.headers: dict[str, str] = {}
        super().__init__(self.message)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, {self.message!r})"


class ValidationException(AwsError):
    code = "ValidationException"


class InvalidParameterValueException(AwsError):
    code = "InvalidParameterValue"


class AccessDenied(AwsError):
    code = "AccessDenied"
    message = "Access Denied"
    status = 403


class NotImplementedOperation(AwsError):
    """An operation of a known service that lakestack does not implement (yet)."""

    code = "NotImplemented"
    message = "The operation is not implemented by lakestack"
    status = 501

    def __init__(self, service: str, operation: str) -> None:
        super().__init__(
            f"{service}.{operation} is not implemented by lakestack; "
            "see docs/coverage.md for the operations it supports"
        )


class InternalFailure(AwsError):
    code = "InternalFailure"
    message = "An internal error occurred"
    sender_fault = False
    status = 500


ErrorTable = Sequence[tuple[type[BaseException], type[AwsError]]]


@contextmanager
def translating(table: ErrorTable) -> Iterator[None]:
    """Translate foreign exceptions into AWS errors at an engine boundary.

    The first row whose exception class matches wins, so list the most specific
    classes first. The original exception is chained as ``__cause__``.

    >>> with translating([(KeyError, ValidationException)]):
    ...     try:
    ...         with translating([(KeyError, ValidationException)]):
    ...             {}["x"]
    ...     except ValidationException as e:
    ...         print(e.code, e.message)
    ValidationException 'x'
    """
    try:
        yield
    except AwsError:
        raise
    except BaseException as exc:  # noqa: BLE001 - the table decides
        for foreign, aws in table:
            if isinstance(exc, foreign):
                raise aws(str(exc)) from exc
        raise
