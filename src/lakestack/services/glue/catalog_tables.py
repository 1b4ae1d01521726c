"""Table operations of the Data Catalog: create, get, list (with a name pattern),
update, delete, batch delete and a basic SearchTables.

Part of :class:`lakestack.services.glue.catalog.GlueCatalogEngine`; knows no HTTP.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from lakestack.core.errors import AwsError
from lakestack.services.glue.catalog_base import (
    CatalogBase,
    check_batch_size,
    check_max_results,
    decode_token,
    encode_token,
    normalize_name,
)
from lakestack.services.glue.errors import AlreadyExistsException, InvalidInputException
from lakestack.services.glue.models import EntryError, Page, Table, TableInput
from lakestack.sql.types import check_column_types

MAX_TABLES_PAGE = 100
MAX_BATCH_DELETE_TABLES = 100
_TOKEN_SPLIT = re.compile(r"[-:#/.,;\s]+")
_FIELDS = {
    "Name": "name",
    "DatabaseName": "database_name",
    "Description": "description",
    "Owner": "owner",
    "TableType": "table_type",
}


@dataclass(frozen=True, slots=True)
class SearchFilter:
    """One ``PropertyPredicate`` of SearchTables: a table field (``Name``,
    ``DatabaseName``, ``Description``, ``Owner``, ``TableType``) or a table parameter key."""

    key: str
    value: str
    comparator: str = "EQUALS"


def name_pattern(expression: str) -> re.Pattern[str]:
    """GetTables' ``Expression``: a regex where a bare ``*`` means any run, as in Hive.

    >>> bool(name_pattern("sales*").fullmatch("sales_2026"))
    True
    >>> bool(name_pattern("a|b").fullmatch("b"))
    True
    """
    try:
        return re.compile(re.sub(r"(?<!\.)\*", ".*", expression), re.IGNORECASE)
    except re.error as exc:
        raise InvalidInputException(f"Invalid expression '{expression}': {exc}") from None


class TableOps(CatalogBase):
    def create_table(
        self,
        account: str,
        region: str,
        database: str,
        table: TableInput,
        created_by: str | None = None,
    ) -> Table:
        """Create a table in ``database``; the definition is kept as given.

        Args:
            created_by: the creating principal's ARN (default: the account root).

        Raises:
            EntityNotFoundException: no such database.
            AlreadyExistsException: the table exists.
            InvalidInputException: a name Glue refuses, or a column type that is not a
                Hive type (lakestack executes types; Glue itself stores any string).
        """
        self._bill("CreateTable", account, region)
        name = normalize_name(table.name, "tableInput.name")
        sd = table.storage_descriptor
        check_column_types(
            sd.columns if sd else None, table.partition_keys, error=InvalidInputException
        )
        with self._store.lock:
            db = self._database(account, region, database)
            if self._store.get_table(account, region, db.name, name) is not None:
                raise AlreadyExistsException("Table already exists.")
            now = self._clock.utcnow()
            by = created_by or f"arn:aws:iam::{account}:root"
            created = _table(table, name, db.name, account, now, now, by, "0")
            self._store.put_table(account, region, created)
        return created

    def get_table(self, account: str, region: str, database: str, name: str) -> Table:
        """Raises: EntityNotFoundException for a missing database or table."""
        self._bill("GetTable", account, region)
        return self._table(account, region, database, name)

    def get_tables(
        self,
        account: str,
        region: str,
        database: str,
        expression: str | None = None,
        max_results: int | None = None,
        next_token: str | None = None,
    ) -> Page[Table]:
        """Tables of a database in name order whose names match ``expression``."""
        self._bill("GetTables", account, region)
        db = self._database(account, region, database)
        pattern = name_pattern(expression) if expression else None
        after = decode_token(next_token) or ""
        tables = [
            t
            for t in self._store.list_tables(account, region, db.name)
            if t.name > after and (pattern is None or pattern.fullmatch(t.name))
        ]
        return _page(tables, check_max_results(max_results, MAX_TABLES_PAGE))

    def update_table(self, account: str, region: str, database: str, table: TableInput) -> Table:
        """Replace a table's definition (named by ``table.name``); bumps ``version_id``.

        Raises:
            EntityNotFoundException: no such database or table.
        """
        self._bill("UpdateTable", account, region)
        with self._store.lock:
            sd = table.storage_descriptor
            check_column_types(
                sd.columns if sd else None, table.partition_keys, error=InvalidInputException
            )
            old = self._table(account, region, database, table.name)
            new = _table(
                table,
                old.name,
                old.database_name,
                old.catalog_id,
                old.create_time,
                self._clock.utcnow(),
                old.created_by,
                str(int(old.version_id) + 1),
            )
            self._store.put_table(account, region, new)
        return new

    def delete_table(self, account: str, region: str, database: str, name: str) -> None:
        """Delete a table and its partitions.

        Raises:
            EntityNotFoundException: no such database or table.
        """
        self._bill("DeleteTable", account, region)
        with self._store.lock:
            t = self._table(account, region, database, name)
            self._store.delete_table(account, region, t.database_name, t.name)

    def batch_delete_table(
        self, account: str, region: str, database: str, names: Sequence[str]
    ) -> list[EntryError]:
        """Delete several tables; a missing one is an entry error, not a failure.

        Raises:
            EntityNotFoundException: no such database.
        """
        self._bill("BatchDeleteTable", account, region)
        check_batch_size(len(names), MAX_BATCH_DELETE_TABLES, "tablesToDelete")
        errors: list[EntryError] = []
        with self._store.lock:
            db = self._database(account, region, database)
            for name in names:
                try:
                    t = self._table(account, region, db.name, name)
                except AwsError as err:
                    errors.append(EntryError(name, err.code, err.message))
                    continue
                self._store.delete_table(account, region, t.database_name, t.name)
        return errors

    def search_tables(
        self,
        account: str,
        region: str,
        search_text: str | None = None,
        filters: Sequence[SearchFilter] = (),
        max_results: int | None = None,
        next_token: str | None = None,
    ) -> Page[Table]:
        """Tables of every database whose name, description or database name contain
        ``search_text`` (exactly equal when it is in double quotes) and that pass
        every filter; string filters match the whole value or one of its
        punctuation-separated tokens, as Glue's fuzzy match does."""
        self._bill("SearchTables", account, region)
        after = decode_token(next_token) or ""
        found = [
            t
            for t in self._store.list_tables(account, region, None)
            if _position(t) > after
            and _text_matches(t, search_text)
            and all(_filter_matches(t, f) for f in filters)
        ]
        limit = check_max_results(max_results, MAX_TABLES_PAGE)
        token = encode_token(_position(found[limit - 1])) if len(found) > limit else None
        return Page(found[:limit], token)


def _page(tables: list[Table], limit: int) -> Page[Table]:
    token = encode_token(tables[limit - 1].name) if len(tables) > limit else None
    return Page(tables[:limit], token)


def _position(t: Table) -> str:
    return f"{t.database_name}\x00{t.name}"


def _text_matches(t: Table, text: str | None) -> bool:
    if not text:
        return True
    if len(text) > 1 and text[0] == text[-1] == '"':
        return text[1:-1].lower() in (t.name, t.database_name)
    needle = text.lower()
    return any(needle in (s or "").lower() for s in (t.name, t.description, t.database_name))


def _filter_matches(t: Table, f: SearchFilter) -> bool:
    attr = _FIELDS.get(f.key)
    if attr is None:
        return (t.parameters or {}).get(f.key) == f.value
    actual = getattr(t, attr) or ""
    if f.comparator != "EQUALS":
        ops = {
            "GREATER_THAN": actual > f.value,
            "LESS_THAN": actual < f.value,
            "GREATER_THAN_EQUALS": actual >= f.value,
            "LESS_THAN_EQUALS": actual <= f.value,
        }
        return ops.get(f.comparator, False)
    value = f.value.lower()
    return actual.lower() == value or value in _TOKEN_SPLIT.split(actual.lower())


def _table(
    given: TableInput,
    name: str,
    database: str,
    catalog_id: str,
    create_time: datetime | None,
    update_time: datetime,
    created_by: str | None,
    version_id: str,
) -> Table:
    g = copy.deepcopy(given)
    return Table(
        name,
        g.description,
        g.owner,
        g.last_access_time,
        g.last_analyzed_time,
        g.retention,
        g.storage_descriptor,
        g.partition_keys,
        g.view_original_text,
        g.view_expanded_text,
        g.table_type,
        g.parameters,
        g.other,
        database_name=database,
        catalog_id=catalog_id,
        create_time=create_time,
        update_time=update_time,
        created_by=created_by,
        version_id=version_id,
    )
