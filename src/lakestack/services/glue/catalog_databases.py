"""Database operations of the Data Catalog: create, get, list, update, delete.

Part of :class:`lakestack.services.glue.catalog.GlueCatalogEngine`; knows no HTTP.
"""

from __future__ import annotations

import copy
from datetime import datetime

from lakestack.services.glue.catalog_base import (
    CatalogBase,
    check_max_results,
    decode_token,
    encode_token,
    normalize_name,
)
from lakestack.services.glue.errors import AlreadyExistsException
from lakestack.services.glue.models import Database, DatabaseInput, Page

MAX_DATABASES_PAGE = 100


class DatabaseOps(CatalogBase):
    def create_database(self, account: str, region: str, database: DatabaseInput) -> Database:
        """Create a database; its name is folded to lower case.

        Raises:
            InvalidInputException: a name Glue refuses.
            AlreadyExistsException: a database of that name exists.
        """
        self._bill("CreateDatabase", account, region)
        name = normalize_name(database.name, "databaseInput.name")
        db = _database(database, name, account, self._clock.utcnow())
        with self._store.lock:
            if self._store.get_database(account, region, name) is not None:
                raise AlreadyExistsException("Database already exists.")
            self._store.put_database(account, region, db)
        return db

    def get_database(self, account: str, region: str, name: str) -> Database:
        """Raises: EntityNotFoundException ("Database <name> not found.")."""
        self._bill("GetDatabase", account, region)
        return self._database(account, region, name)

    def get_databases(
        self,
        account: str,
        region: str,
        max_results: int | None = None,
        next_token: str | None = None,
    ) -> Page[Database]:
        """The catalog's databases in name order, one page at a time."""
        self._bill("GetDatabases", account, region)
        limit = check_max_results(max_results, MAX_DATABASES_PAGE)
        rows = self._store.list_databases(
            account, region, decode_token(next_token) or "", limit + 1
        )
        token = encode_token(rows[limit - 1].name) if len(rows) > limit else None
        return Page(rows[:limit], token)

    def update_database(
        self, account: str, region: str, name: str, database: DatabaseInput
    ) -> Database:
        """Replace a database's definition (its name and create time stay).

        Raises:
            EntityNotFoundException: no such database.
        """
        self._bill("UpdateDatabase", account, region)
        with self._store.lock:
            old = self._database(account, region, name)
            db = _database(database, old.name, old.catalog_id, old.create_time)
            self._store.put_database(account, region, db)
        return db

    def delete_database(self, account: str, region: str, name: str) -> None:
        """Delete a database and every table and partition in it.

        Raises:
            EntityNotFoundException: no such database.
        """
        self._bill("DeleteDatabase", account, region)
        with self._store.lock:
            db = self._database(account, region, name)
            self._store.delete_database(account, region, db.name)


def _database(
    given: DatabaseInput, name: str, catalog_id: str, create_time: datetime | None
) -> Database:
    return Database(
        name,
        given.description,
        given.location_uri,
        copy.deepcopy(given.parameters),
        copy.deepcopy(given.other),
        catalog_id=catalog_id,
        create_time=create_time,
    )
