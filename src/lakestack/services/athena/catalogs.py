"""Data catalogs and catalog metadata through the Athena API: ``AwsDataCatalog`` (the
Glue Data Catalog of the caller's account) and its databases and tables.

Part of :class:`lakestack.services.athena.engine.AthenaEngine`; knows no HTTP.
"""

from __future__ import annotations

import re

from lakestack.core.errors import AwsError
from lakestack.services.athena.base import (
    AthenaBase,
    check_max_results,
    decode_token,
    encode_token,
)
from lakestack.services.athena.errors import InvalidRequestException, MetadataException
from lakestack.services.athena.models import Page
from lakestack.services.athena.ports import CatalogDatabase, CatalogTable

AWS_DATA_CATALOG = "AwsDataCatalog"
MAX_DATABASES = 50
MAX_TABLES = 50


def _check_catalog(name: str) -> None:
    if name.lower() != AWS_DATA_CATALOG.lower():
        raise InvalidRequestException(
            f"Catalog {name} was not found", athena_error_code="INVALID_INPUT"
        )


def _page(names: list[str], items: list[object], limit: int, token: str | None) -> Page[object]:
    after = decode_token(token) or ""
    kept = [i for n, i in zip(names, items, strict=True) if n > after]
    kept_names = [n for n in names if n > after]
    if len(kept) > limit:
        return Page(kept[:limit], encode_token(kept_names[limit - 1]))
    return Page(kept)


class CatalogOps(AthenaBase):
    def list_data_catalogs(self, account: str, region: str) -> list[tuple[str, str]]:
        """(name, type) of every data catalog: only ``AwsDataCatalog`` (GLUE)."""
        return [(AWS_DATA_CATALOG, "GLUE")]

    def get_data_catalog(self, account: str, region: str, name: str) -> dict[str, str]:
        """Raises: InvalidRequestException for any catalog but AwsDataCatalog."""
        _check_catalog(name)
        return {"catalog-id": account}

    def list_databases(
        self,
        account: str,
        region: str,
        catalog_name: str,
        max_results: int | None = None,
        next_token: str | None = None,
    ) -> Page[CatalogDatabase]:
        _check_catalog(catalog_name)
        limit = check_max_results(max_results, MAX_DATABASES)
        dbs = sorted(self._catalog.list_databases(account, region), key=lambda d: d.name)
        return _page([d.name for d in dbs], list(dbs), limit, next_token)  # type: ignore[return-value]

    def get_database(
        self, account: str, region: str, catalog_name: str, database_name: str
    ) -> CatalogDatabase:
        """Raises: MetadataException for a missing database."""
        _check_catalog(catalog_name)
        try:
            return self._catalog.get_database(account, region, database_name.lower())
        except AwsError as err:
            if err.code == "EntityNotFoundException":
                raise MetadataException(f"Database {database_name} not found.") from err
            raise

    def list_table_metadata(
        self,
        account: str,
        region: str,
        catalog_name: str,
        database_name: str,
        expression: str | None = None,
        max_results: int | None = None,
        next_token: str | None = None,
    ) -> Page[CatalogTable]:
        """Tables of a database; ``expression`` is a regex (``*`` any run)."""
        self.get_database(account, region, catalog_name, database_name)
        limit = check_max_results(max_results, MAX_TABLES)
        tables = sorted(
            self._catalog.list_tables(account, region, database_name.lower()), key=lambda t: t.name
        )
        if expression:
            pattern = re.compile(re.sub(r"(?<!\.)\*", ".*", expression), re.IGNORECASE)
            tables = [t for t in tables if pattern.fullmatch(t.name)]
        return _page([t.name for t in tables], list(tables), limit, next_token)  # type: ignore[return-value]

    def get_table_metadata(
        self, account: str, region: str, catalog_name: str, database_name: str, table_name: str
    ) -> CatalogTable:
        """Raises: MetadataException for a missing database or table."""
        self.get_database(account, region, catalog_name, database_name)
        try:
            return self._catalog.get_table(
                account, region, database_name.lower(), table_name.lower()
            )
        except AwsError as err:
            if err.code == "EntityNotFoundException":
                raise MetadataException(f"Table {table_name} not found.") from err
            raise
