"""Shared plumbing of the Glue Data Catalog engine: construction and lifecycle of its
one SQLite file, lookups, name and size validation, paging tokens and request metering.

The operation groups (``catalog_databases``, ``catalog_tables``,
``catalog_partitions``) add methods to :class:`CatalogBase` and nothing else (no
state, no lifecycle of their own); ``catalog.GlueCatalogEngine`` is their union. The
validation and paging helpers are shared with the jobs and crawlers engines. Knows no
HTTP and no other service.
"""

from __future__ import annotations

import re
from pathlib import Path

from lakestack.core import pagination
from lakestack.core.clock import Clock
from lakestack.core.ids import Ids
from lakestack.core.storage.private import private_dir
from lakestack.metering.meter import UsageSink
from lakestack.services.glue.errors import (
    InvalidInputException,
    database_not_found,
    table_not_found,
)
from lakestack.services.glue.models import Database, Table
from lakestack.services.glue.store import GlueStore

SERVICE = "glue"
MAX_NAME = 255
# Glue's "single-line string" pattern (botocore glue model): no control characters but tab.
_SINGLE_LINE = re.compile("[\u0020-\ud7ff\ue000-\ufffd\t]*")
_SINGLE_LINE_TEXT = r"[\u0020-\uD7FF\uE000-\uFFFD\uD800\uDC00-\uDBFF\uDFFF\t]*"


def validation_error(value: str, member: str, constraint: str) -> InvalidInputException:
    """Glue's wording for a member that breaks the model's constraints.

    >>> validation_error("x", "name", "Member must have length less than or equal to 255").message
    "1 validation error detected: Value 'x' at 'name' failed to satisfy constraint: \
Member must have length less than or equal to 255"
    """
    return InvalidInputException(
        f"1 validation error detected: Value '{value}' at '{member}' "
        f"failed to satisfy constraint: {constraint}"
    )


def normalize_name(name: str, member: str) -> str:
    """Check a database or table name as Glue does and fold it to lower case (Hive rule).

    Glue accepts any single-line string of 1-255 characters (``my-db`` works; Athena
    prefers ``[a-z0-9_]``), and stores it lower-cased.

    >>> normalize_name("Sales_2026", "name")
    'sales_2026'
    """
    if not isinstance(name, str) or not name:
        raise validation_error(
            str(name or ""), member, "Member must have length greater than or equal to 1"
        )
    if len(name) > MAX_NAME:
        raise validation_error(
            name, member, f"Member must have length less than or equal to {MAX_NAME}"
        )
    if not _SINGLE_LINE.fullmatch(name):
        raise validation_error(
            name, member, f"Member must satisfy regular expression pattern: {_SINGLE_LINE_TEXT}"
        )
    return name.lower()


def check_batch_size(count: int, limit: int, member: str) -> None:
    if count > limit:
        raise validation_error(
            f"[{count} entries]", member, f"Member must have length less than or equal to {limit}"
        )


def check_max_results(max_results: int | None, limit: int) -> int:
    if max_results is None:
        return limit
    if not 1 <= max_results <= limit:
        raise validation_error(
            str(max_results),
            "maxResults",
            f"Member must have value less than or equal to {limit}"
            if max_results > limit
            else "Member must have value greater than or equal to 1",
        )
    return max_results


def encode_token(position: str) -> str:
    """An opaque NextToken for a position in a listing.

    >>> decode_token(encode_token("sales"))
    'sales'
    """
    return pagination.encode_token("lakestack", position)


def decode_token(token: str | None) -> str | None:
    try:
        return pagination.decode_token("lakestack", token)
    except pagination.BadToken:
        raise InvalidInputException("Invalid pagination token") from None


CATALOG_FILE = "catalog.sqlite"


def remove_database_files(path: Path) -> None:
    """Delete a closed SQLite database with its WAL and shared-memory files."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


class CatalogBase:
    """``GlueCatalogEngine(data_dir, clock, ids, meter)``: the Data Catalog of every
    account and region, in ``<data_dir>/glue/catalog.sqlite``, a file only this engine
    opens.

    ``account`` in every method is the catalog id (Glue's ``CatalogId`` defaults
    to the caller's account id).
    """

    def __init__(self, data_dir: Path, clock: Clock, ids: Ids, meter: UsageSink) -> None:
        self._root = Path(data_dir) / "glue"
        self._clock = clock
        self._ids = ids
        self._meter = meter
        private_dir(self._root)
        self._store = GlueStore(self._root / CATALOG_FILE)

    def close(self) -> None:
        self._store.close()

    def reset(self) -> None:
        """Forget every database, table and partition of every catalog."""
        self._store.close()
        remove_database_files(self._root / CATALOG_FILE)
        private_dir(self._root)
        self._store = GlueStore(self._root / CATALOG_FILE)

    # -- helpers ----------------------------------------------------------------------

    def _bill(self, operation: str, account: str, region: str) -> None:
        """One Data Catalog request (AWS bills them per million after a free tier)."""
        self._meter.record(SERVICE, operation, "Catalog-Request", 1, "Requests", account, region)

    def _database(self, account: str, region: str, name: str) -> Database:
        db = self._store.get_database(account, region, (name or "").lower())
        if db is None:
            raise database_not_found(name)
        return db

    def _table(self, account: str, region: str, database: str, name: str) -> Table:
        db = self._database(account, region, database)
        table = self._store.get_table(account, region, db.name, (name or "").lower())
        if table is None:
            raise table_not_found(name)
        return table
