"""Adapters between services: one service's engine shaped as another's port.

Services never import each other (STYLE.md §2); ``emulator.py`` builds these and injects
them. Each adapter only translates models, it adds no behaviour.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from lakestack.services.athena.ports import (
    CatalogColumn,
    CatalogDatabase,
    CatalogPartition,
    CatalogTable,
)
from lakestack.services.glue import models as glue_models
from lakestack.services.glue.catalog import GlueCatalogEngine


class GlueCatalogForAthena:
    """The Glue catalog engine as Athena's ``Catalog`` port (services never import each
    other)."""

    def __init__(self, glue: GlueCatalogEngine) -> None:
        self.glue = glue

    def get_database(self, account: str, region: str, name: str) -> CatalogDatabase:
        return _athena_db(self.glue.get_database(account, region, name))

    def list_databases(self, account: str, region: str) -> list[CatalogDatabase]:
        found, token = [], None
        while True:
            page = self.glue.get_databases(account, region, next_token=token)
            found += [_athena_db(d) for d in page.items]
            if not (token := page.next_token):
                return found

    def create_database(self, account: str, region: str, database: CatalogDatabase) -> None:
        self.glue.create_database(
            account,
            region,
            glue_models.DatabaseInput(
                database.name, database.description, database.location, dict(database.parameters)
            ),
        )

    def delete_database(self, account: str, region: str, name: str) -> None:
        self.glue.delete_database(account, region, name)

    def get_table(self, account: str, region: str, database: str, name: str) -> CatalogTable:
        return _athena_table(self.glue.get_table(account, region, database, name))

    def list_tables(self, account: str, region: str, database: str) -> list[CatalogTable]:
        found, token = [], None
        while True:
            page = self.glue.get_tables(account, region, database, next_token=token)
            found += [_athena_table(t) for t in page.items]
            if not (token := page.next_token):
                return found

    def create_table(self, account: str, region: str, table: CatalogTable) -> None:
        self.glue.create_table(account, region, table.database, _glue_table(table))

    def update_table(self, account: str, region: str, table: CatalogTable) -> None:
        self.glue.update_table(account, region, table.database, _glue_table(table))

    def delete_table(self, account: str, region: str, database: str, name: str) -> None:
        self.glue.delete_table(account, region, database, name)

    def iter_partitions(
        self, account: str, region: str, database: str, table: str
    ) -> Iterator[CatalogPartition]:
        for p in self.glue.iter_partitions(account, region, database, table):
            sd = p.storage_descriptor
            yield CatalogPartition(list(p.values), sd.location if sd else None)

    def create_partitions(
        self, account: str, region: str, table: CatalogTable, partitions: Sequence[CatalogPartition]
    ) -> list[tuple[list[str], str]]:
        inputs = []
        for p in partitions:
            sd = _glue_table(table).storage_descriptor
            assert sd is not None
            sd.location = p.location
            inputs.append(glue_models.PartitionInput(list(p.values), storage_descriptor=sd))
        errors = self.glue.batch_create_partition(
            account, region, table.database, table.name, inputs
        )
        return [(list(e.key), e.error_code) for e in errors]

    def delete_partitions(
        self, account: str, region: str, database: str, table: str, values: Sequence[Sequence[str]]
    ) -> list[tuple[list[str], str]]:
        errors = []
        for i in range(0, len(values), 25):
            errors += self.glue.batch_delete_partition(
                account, region, database, table, values[i : i + 25]
            )
        return [(list(e.key), e.error_code) for e in errors]


def _athena_db(d: glue_models.Database) -> CatalogDatabase:
    return CatalogDatabase(d.name, d.description, d.location_uri, dict(d.parameters or {}))


def _athena_table(t: glue_models.Table) -> CatalogTable:
    sd = t.storage_descriptor or glue_models.StorageDescriptor()
    serde = sd.serde_info or glue_models.SerDeInfo()
    return CatalogTable(
        t.database_name,
        t.name,
        [CatalogColumn(c.name, c.type or "string", c.comment) for c in sd.columns or []],
        [CatalogColumn(c.name, c.type or "string", c.comment) for c in t.partition_keys],
        sd.location,
        sd.input_format,
        sd.output_format,
        serde.serialization_library,
        dict(serde.parameters or {}),
        dict(t.parameters or {}),
        t.table_type,
        t.view_original_text,
        t.view_expanded_text,
        t.description,
        t.create_time,
        t.last_access_time,
    )


def _glue_table(t: CatalogTable) -> glue_models.TableInput:
    columns = [glue_models.Column(c.name, c.type, c.comment) for c in t.columns]
    sd = glue_models.StorageDescriptor(
        columns=columns,
        location=t.location,
        input_format=t.input_format,
        output_format=t.output_format,
        compressed=False,
        number_of_buckets=-1,
        serde_info=glue_models.SerDeInfo(
            serialization_library=t.serde_library, parameters=dict(t.serde_parameters)
        ),
        bucket_columns=[],
        sort_columns=[],
        parameters={},
        stored_as_sub_directories=False,
    )
    return glue_models.TableInput(
        t.name,
        description=t.description,
        storage_descriptor=sd,
        partition_keys=[glue_models.Column(c.name, c.type, c.comment) for c in t.partition_keys],
        view_original_text=t.view_original_text,
        view_expanded_text=t.view_expanded_text,
        table_type=t.table_type,
        parameters=dict(t.parameters),
    )
