"""Glue's AWS errors: codes and default messages as the Glue API returns them.

Glue answers every error with HTTP 400 (the botocore model sets no status), so
classes carry only ``code`` and a default ``message``; the varying text (which
database, which table) is passed when raised. Knows nothing of HTTP or JSON.
"""

from __future__ import annotations

from lakestack.core.errors import AwsError


class GlueError(AwsError):
    """Base of every Glue error."""


class EntityNotFoundException(GlueError):
    code = "EntityNotFoundException"
    message = "Entity not found."


class AlreadyExistsException(GlueError):
    code = "AlreadyExistsException"
    message = "Entity already exists."


class InvalidInputException(GlueError):
    code = "InvalidInputException"
    message = "Invalid input."


class InvalidStateException(GlueError):
    """A stored value cannot be read as its declared type (e.g. ``int`` key holding ``x``)."""

    code = "InvalidStateException"
    message = "Invalid state."


class CrawlerRunningException(GlueError):
    code = "CrawlerRunningException"
    message = "Crawler is running."


class CrawlerNotRunningException(GlueError):
    code = "CrawlerNotRunningException"
    message = "Crawler is not running."


class CrawlerStoppingException(GlueError):
    code = "CrawlerStoppingException"
    message = "Crawler is stopping."


class ConcurrentRunsExceededException(GlueError):
    code = "ConcurrentRunsExceededException"
    message = "Concurrent runs exceeded."


def database_not_found(name: str) -> EntityNotFoundException:
    """The error Glue raises for a missing database.

    >>> database_not_found("nosuch").message
    'Database nosuch not found.'
    """
    return EntityNotFoundException(f"Database {name} not found.")


def table_not_found(name: str) -> EntityNotFoundException:
    return EntityNotFoundException(f"Table {name} not found.")


def partition_not_found() -> EntityNotFoundException:
    return EntityNotFoundException("Cannot find partition.")
