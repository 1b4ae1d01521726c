"""GlueProvider: botocore-shaped kwargs in, one engine call, botocore-shaped dict out,
for the Data Catalog operations lakestack serves.

Method names are botocore's ``xform_name(OperationName)``; kwargs are the input
members with snake_case top-level names (nested values keep botocore's PascalCase).
Wire structures map to the models by name (``SerdeInfo`` <-> ``serde_info``);
members a model does not name go to its ``other`` dict and come back unchanged.
Knows no Glue rules (the engine has them) and no HTTP.
"""

from __future__ import annotations

from typing import Any, TypeVar

from lakestack.core.wire import WireMapper, pascal
from lakestack.gateway.context import RequestContext
from lakestack.services.glue.crawler_models import Crawler, Schedule
from lakestack.services.glue.engine import GlueEngines, SearchFilter
from lakestack.services.glue.job_models import Job, JobCommand, JobRun
from lakestack.services.glue.models import (
    Database,
    DatabaseInput,
    EntryError,
    Partition,
    PartitionInput,
    Segment,
    Table,
    TableInput,
)

M = TypeVar("M")


def _catalog(ctx: RequestContext, catalog_id: str | None) -> tuple[str, str]:
    return catalog_id or ctx.account_id, ctx.region


_WIRE = WireMapper("glue")
_pascal = pascal


def _to_wire(model: Any, shape: str) -> dict[str, Any]:
    out: dict[str, Any] = _WIRE.to_wire(model, shape)
    return out


def _from_wire(cls: type[M], wire: dict[str, Any], shape: str) -> M:
    return _WIRE.from_wire(cls, wire, shape)


def _partition_to_wire(p: Partition, exclude_columns: bool = False) -> dict[str, Any]:
    out = _to_wire(p, "Partition")
    if exclude_columns and "StorageDescriptor" in out:
        out["StorageDescriptor"].pop("Columns", None)
    return out


def _errors_to_wire(errors: list[EntryError], key_member: str) -> list[dict[str, Any]]:
    return [
        {
            key_member: e.key,
            "ErrorDetail": {"ErrorCode": e.error_code, "ErrorMessage": e.error_message},
        }
        for e in errors
    ]


def _table_input(wire: dict[str, Any], name: str | None = None) -> TableInput:
    if name and not wire.get("Name"):
        wire = {**wire, "Name": name}
    return _from_wire(TableInput, wire, "TableInput")


_JOB_FIELDS = (
    "Description",
    "DefaultArguments",
    "NonOverridableArguments",
    "MaxRetries",
    "Timeout",
    "MaxCapacity",
    "WorkerType",
    "NumberOfWorkers",
    "GlueVersion",
    "ExecutionClass",
    "AllocatedCapacity",
)
_JOB_DROPPED = {"Name", "Role", "Command", "ExecutionProperty", "Tags", *_JOB_FIELDS}


def _job_from_wire(name: str, wire: dict[str, Any]) -> Job:
    """A job definition from CreateJob's members or UpdateJob's ``JobUpdate``."""
    cmd = wire.get("Command") or {}
    kwargs = {
        n: wire[_pascal(n)]
        for n in Job.__dataclass_fields__
        if _pascal(n) in _JOB_FIELDS and wire.get(_pascal(n)) is not None
    }
    return Job(
        name,
        wire.get("Role") or "",
        JobCommand(
            cmd.get("Name") or "",
            cmd.get("ScriptLocation"),
            cmd.get("PythonVersion"),
            cmd.get("Runtime"),
        ),
        max_concurrent_runs=(wire.get("ExecutionProperty") or {}).get("MaxConcurrentRuns", 1),
        other={k: v for k, v in wire.items() if k not in _JOB_DROPPED},
        **kwargs,
    )


def _job_to_wire(job: Job) -> dict[str, Any]:
    out = _to_wire_members(job, "Job")
    out["ExecutionProperty"] = {"MaxConcurrentRuns": job.max_concurrent_runs}
    if not job.non_overridable_arguments:
        out.pop("NonOverridableArguments", None)
    return {**job.other, **out}


def _job_run_to_wire(run: JobRun) -> dict[str, Any]:
    out = _to_wire_members(run, "JobRun")
    out["LogGroupName"] = "/aws-glue/jobs"  # Glue's default; the logs are the run's files
    return out


def _to_wire_members(model: Any, shape: str) -> dict[str, Any]:
    out: dict[str, Any] = _WIRE.to_wire(model, shape, members_only=True)
    return out


class GlueProvider:
    """``GlueProvider(engines)``: the catalog, jobs and crawlers operations, each on its
    engine."""

    def __init__(self, engines: GlueEngines) -> None:
        self.catalog = engines.catalog
        self.jobs = engines.jobs
        self.crawlers = engines.crawlers

    # -- databases --------------------------------------------------------------------

    def create_database(
        self,
        context: RequestContext,
        database_input: dict[str, Any],
        catalog_id: str | None = None,
    ) -> dict[str, Any]:
        self.catalog.create_database(
            *_catalog(context, catalog_id),
            _from_wire(DatabaseInput, database_input, "DatabaseInput"),
        )
        return {}

    def get_database(
        self, context: RequestContext, name: str, catalog_id: str | None = None
    ) -> dict[str, Any]:
        db: Database = self.catalog.get_database(*_catalog(context, catalog_id), name)
        return {"Database": _to_wire(db, "Database")}

    def get_databases(
        self,
        context: RequestContext,
        catalog_id: str | None = None,
        next_token: str | None = None,
        max_results: int | None = None,
    ) -> dict[str, Any]:
        page = self.catalog.get_databases(*_catalog(context, catalog_id), max_results, next_token)
        return {
            "DatabaseList": [_to_wire(d, "Database") for d in page.items],
            "NextToken": page.next_token,
        }

    def update_database(
        self,
        context: RequestContext,
        name: str,
        database_input: dict[str, Any],
        catalog_id: str | None = None,
    ) -> dict[str, Any]:
        self.catalog.update_database(
            *_catalog(context, catalog_id),
            name,
            _from_wire(DatabaseInput, database_input, "DatabaseInput"),
        )
        return {}

    def delete_database(
        self, context: RequestContext, name: str, catalog_id: str | None = None
    ) -> dict[str, Any]:
        self.catalog.delete_database(*_catalog(context, catalog_id), name)
        return {}

    # -- tables -----------------------------------------------------------------------

    def create_table(
        self,
        context: RequestContext,
        database_name: str,
        table_input: dict[str, Any],
        name: str | None = None,
        catalog_id: str | None = None,
    ) -> dict[str, Any]:
        self.catalog.create_table(
            *_catalog(context, catalog_id), database_name, _table_input(table_input, name)
        )
        return {}

    def get_table(
        self,
        context: RequestContext,
        database_name: str,
        name: str,
        catalog_id: str | None = None,
    ) -> dict[str, Any]:
        table: Table = self.catalog.get_table(*_catalog(context, catalog_id), database_name, name)
        return {"Table": _to_wire(table, "Table")}

    def get_tables(
        self,
        context: RequestContext,
        database_name: str,
        expression: str | None = None,
        next_token: str | None = None,
        max_results: int | None = None,
        catalog_id: str | None = None,
    ) -> dict[str, Any]:
        page = self.catalog.get_tables(
            *_catalog(context, catalog_id), database_name, expression, max_results, next_token
        )
        return {
            "TableList": [_to_wire(t, "Table") for t in page.items],
            "NextToken": page.next_token,
        }

    def update_table(
        self,
        context: RequestContext,
        database_name: str,
        table_input: dict[str, Any],
        name: str | None = None,
        catalog_id: str | None = None,
    ) -> dict[str, Any]:
        self.catalog.update_table(
            *_catalog(context, catalog_id), database_name, _table_input(table_input, name)
        )
        return {}

    def delete_table(
        self,
        context: RequestContext,
        database_name: str,
        name: str,
        catalog_id: str | None = None,
    ) -> dict[str, Any]:
        self.catalog.delete_table(*_catalog(context, catalog_id), database_name, name)
        return {}

    def batch_delete_table(
        self,
        context: RequestContext,
        database_name: str,
        tables_to_delete: list[str],
        catalog_id: str | None = None,
    ) -> dict[str, Any]:
        errors = self.catalog.batch_delete_table(
            *_catalog(context, catalog_id), database_name, tables_to_delete
        )
        return {"Errors": _errors_to_wire(errors, "TableName")}

    def search_tables(
        self,
        context: RequestContext,
        search_text: str | None = None,
        filters: list[dict[str, Any]] | None = None,
        next_token: str | None = None,
        max_results: int | None = None,
        catalog_id: str | None = None,
    ) -> dict[str, Any]:
        preds = [
            SearchFilter(f.get("Key", ""), f.get("Value", ""), f.get("Comparator") or "EQUALS")
            for f in filters or []
        ]
        page = self.catalog.search_tables(
            *_catalog(context, catalog_id), search_text, preds, max_results, next_token
        )
        return {
            "TableList": [_to_wire(t, "Table") for t in page.items],
            "NextToken": page.next_token,
        }

    # -- partitions -------------------------------------------------------------------

    def create_partition(
        self,
        context: RequestContext,
        database_name: str,
        table_name: str,
        partition_input: dict[str, Any],
        catalog_id: str | None = None,
    ) -> dict[str, Any]:
        self.catalog.create_partition(
            *_catalog(context, catalog_id),
            database_name,
            table_name,
            _from_wire(PartitionInput, partition_input, "PartitionInput"),
        )
        return {}

    def batch_create_partition(
        self,
        context: RequestContext,
        database_name: str,
        table_name: str,
        partition_input_list: list[dict[str, Any]],
        catalog_id: str | None = None,
    ) -> dict[str, Any]:
        inputs = [_from_wire(PartitionInput, p, "PartitionInput") for p in partition_input_list]
        errors = self.catalog.batch_create_partition(
            *_catalog(context, catalog_id), database_name, table_name, inputs
        )
        return {"Errors": _errors_to_wire(errors, "PartitionValues")}

    def get_partition(
        self,
        context: RequestContext,
        database_name: str,
        table_name: str,
        partition_values: list[str],
        catalog_id: str | None = None,
    ) -> dict[str, Any]:
        p = self.catalog.get_partition(
            *_catalog(context, catalog_id), database_name, table_name, partition_values
        )
        return {"Partition": _partition_to_wire(p)}

    def get_partitions(
        self,
        context: RequestContext,
        database_name: str,
        table_name: str,
        expression: str | None = None,
        next_token: str | None = None,
        segment: dict[str, int] | None = None,
        max_results: int | None = None,
        exclude_column_schema: bool = False,
        catalog_id: str | None = None,
    ) -> dict[str, Any]:
        seg = Segment(segment["SegmentNumber"], segment["TotalSegments"]) if segment else None
        page = self.catalog.get_partitions(
            *_catalog(context, catalog_id),
            database_name,
            table_name,
            expression,
            seg,
            max_results,
            next_token,
        )
        return {
            "Partitions": [_partition_to_wire(p, exclude_column_schema) for p in page.items],
            "NextToken": page.next_token,
        }

    def batch_get_partition(
        self,
        context: RequestContext,
        database_name: str,
        table_name: str,
        partitions_to_get: list[dict[str, Any]],
        catalog_id: str | None = None,
    ) -> dict[str, Any]:
        values = [p.get("Values", []) for p in partitions_to_get]
        result = self.catalog.batch_get_partition(
            *_catalog(context, catalog_id), database_name, table_name, values
        )
        return {
            "Partitions": [_partition_to_wire(p) for p in result.partitions],
            "UnprocessedKeys": [{"Values": v} for v in result.unprocessed_keys],
        }

    def update_partition(
        self,
        context: RequestContext,
        database_name: str,
        table_name: str,
        partition_value_list: list[str],
        partition_input: dict[str, Any],
        catalog_id: str | None = None,
    ) -> dict[str, Any]:
        self.catalog.update_partition(
            *_catalog(context, catalog_id),
            database_name,
            table_name,
            partition_value_list,
            _from_wire(PartitionInput, partition_input, "PartitionInput"),
        )
        return {}

    def batch_update_partition(
        self,
        context: RequestContext,
        database_name: str,
        table_name: str,
        entries: list[dict[str, Any]],
        catalog_id: str | None = None,
    ) -> dict[str, Any]:
        pairs = [
            (
                e["PartitionValueList"],
                _from_wire(PartitionInput, e["PartitionInput"], "PartitionInput"),
            )
            for e in entries
        ]
        errors = self.catalog.batch_update_partition(
            *_catalog(context, catalog_id), database_name, table_name, pairs
        )
        return {"Errors": _errors_to_wire(errors, "PartitionValueList")}

    def delete_partition(
        self,
        context: RequestContext,
        database_name: str,
        table_name: str,
        partition_values: list[str],
        catalog_id: str | None = None,
    ) -> dict[str, Any]:
        self.catalog.delete_partition(
            *_catalog(context, catalog_id), database_name, table_name, partition_values
        )
        return {}

    def batch_delete_partition(
        self,
        context: RequestContext,
        database_name: str,
        table_name: str,
        partitions_to_delete: list[dict[str, Any]],
        catalog_id: str | None = None,
    ) -> dict[str, Any]:
        values = [p.get("Values", []) for p in partitions_to_delete]
        errors = self.catalog.batch_delete_partition(
            *_catalog(context, catalog_id), database_name, table_name, values
        )
        return {"Errors": _errors_to_wire(errors, "PartitionValues")}

    # -- jobs -------------------------------------------------------------------------

    def create_job(self, context: RequestContext, name: str, **members: Any) -> dict[str, Any]:
        wire = {_pascal(k): v for k, v in members.items()}
        job = self.jobs.create_job(context.account_id, context.region, _job_from_wire(name, wire))
        return {"Name": job.name}

    def get_job(self, context: RequestContext, job_name: str) -> dict[str, Any]:
        return {
            "Job": _job_to_wire(self.jobs.get_job(context.account_id, context.region, job_name))
        }

    def get_jobs(
        self,
        context: RequestContext,
        next_token: str | None = None,
        max_results: int | None = None,
    ) -> dict[str, Any]:
        page = self.jobs.get_jobs(context.account_id, context.region, max_results, next_token)
        return {"Jobs": [_job_to_wire(j) for j in page.items], "NextToken": page.next_token}

    def update_job(
        self, context: RequestContext, job_name: str, job_update: dict[str, Any]
    ) -> dict[str, Any]:
        self.jobs.update_job(
            context.account_id, context.region, job_name, _job_from_wire(job_name, job_update)
        )
        return {"JobName": job_name}

    def delete_job(self, context: RequestContext, job_name: str) -> dict[str, Any]:
        return {"JobName": self.jobs.delete_job(context.account_id, context.region, job_name)}

    def start_job_run(
        self,
        context: RequestContext,
        job_name: str,
        arguments: dict[str, str] | None = None,
        timeout: int | None = None,
        max_capacity: float | None = None,
        worker_type: str | None = None,
        number_of_workers: int | None = None,
    ) -> dict[str, Any]:
        run = self.jobs.start_job_run(
            context.account_id,
            context.region,
            job_name,
            arguments,
            timeout=timeout,
            max_capacity=max_capacity,
            worker_type=worker_type,
            number_of_workers=number_of_workers,
        )
        return {"JobRunId": run.id}

    def get_job_run(self, context: RequestContext, job_name: str, run_id: str) -> dict[str, Any]:
        run = self.jobs.get_job_run(context.account_id, context.region, job_name, run_id)
        return {"JobRun": _job_run_to_wire(run)}

    def get_job_runs(
        self,
        context: RequestContext,
        job_name: str,
        next_token: str | None = None,
        max_results: int | None = None,
    ) -> dict[str, Any]:
        page = self.jobs.get_job_runs(
            context.account_id, context.region, job_name, max_results, next_token
        )
        return {"JobRuns": [_job_run_to_wire(r) for r in page.items], "NextToken": page.next_token}

    def get_job_bookmark(self, context: RequestContext, job_name: str) -> dict[str, Any]:
        entry = self.jobs.get_job_bookmark(context.account_id, context.region, job_name)
        return {"JobBookmarkEntry": _to_wire(entry, "JobBookmarkEntry")}

    def reset_job_bookmark(
        self, context: RequestContext, job_name: str, run_id: str | None = None
    ) -> dict[str, Any]:
        entry = self.jobs.reset_job_bookmark(context.account_id, context.region, job_name, run_id)
        return {"JobBookmarkEntry": _to_wire(entry, "JobBookmarkEntry")}

    def batch_stop_job_run(
        self, context: RequestContext, job_name: str, job_run_ids: list[str]
    ) -> dict[str, Any]:
        ok, errors = self.jobs.batch_stop_job_run(
            context.account_id, context.region, job_name, job_run_ids
        )
        return {
            "SuccessfulSubmissions": [{"JobName": job_name, "JobRunId": i} for i in ok],
            "Errors": [
                {
                    "JobName": job_name,
                    "JobRunId": e.job_run_id,
                    "ErrorDetail": {"ErrorCode": e.error_code, "ErrorMessage": e.error_message},
                }
                for e in errors
            ],
        }

    # -- crawlers ---------------------------------------------------------------------

    def create_crawler(
        self, context: RequestContext, name: str, tags: dict[str, str] | None = None, **members: Any
    ) -> dict[str, Any]:
        crawler = _crawler_from_wire(name, members)
        self.crawlers.create_crawler(context.account_id, context.region, crawler, tags)
        return {}

    def get_crawler(self, context: RequestContext, name: str) -> dict[str, Any]:
        crawler = self.crawlers.get_crawler(context.account_id, context.region, name)
        return {"Crawler": _to_wire(crawler, "Crawler")}

    def get_crawlers(
        self,
        context: RequestContext,
        max_results: int | None = None,
        next_token: str | None = None,
    ) -> dict[str, Any]:
        page = self.crawlers.get_crawlers(
            context.account_id, context.region, max_results, next_token
        )
        return {
            "Crawlers": [_to_wire(c, "Crawler") for c in page.items],
            "NextToken": page.next_token,
        }

    def list_crawlers(
        self,
        context: RequestContext,
        max_results: int | None = None,
        next_token: str | None = None,
        tags: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        page = self.crawlers.list_crawlers(
            context.account_id, context.region, max_results, next_token, tags
        )
        return {"CrawlerNames": page.items, "NextToken": page.next_token}

    def update_crawler(self, context: RequestContext, name: str, **members: Any) -> dict[str, Any]:
        crawler = _crawler_from_wire(name, members)
        self.crawlers.update_crawler(context.account_id, context.region, crawler)
        return {}

    def delete_crawler(self, context: RequestContext, name: str) -> dict[str, Any]:
        self.crawlers.delete_crawler(context.account_id, context.region, name)
        return {}

    def start_crawler(self, context: RequestContext, name: str) -> dict[str, Any]:
        self.crawlers.start_crawler(context.account_id, context.region, name)
        return {}

    def stop_crawler(self, context: RequestContext, name: str) -> dict[str, Any]:
        self.crawlers.stop_crawler(context.account_id, context.region, name)
        return {}

    def get_crawler_metrics(
        self,
        context: RequestContext,
        crawler_name_list: list[str] | None = None,
        max_results: int | None = None,
        next_token: str | None = None,
    ) -> dict[str, Any]:
        page = self.crawlers.get_crawler_metrics(
            context.account_id, context.region, crawler_name_list, max_results, next_token
        )
        return {
            "CrawlerMetricsList": [_to_wire(m, "CrawlerMetrics") for m in page.items],
            "NextToken": page.next_token,
        }


def _crawler_from_wire(name: str, members: dict[str, Any]) -> Crawler:
    """A crawler from CreateCrawler's or UpdateCrawler's members (there ``Schedule`` is the
    cron string; in ``Crawler`` it is a structure)."""
    wire = {_pascal(k): v for k, v in members.items() if k != "catalog_id"}
    schedule = wire.pop("Schedule", None)
    crawler = _from_wire(Crawler, {**wire, "Name": name}, "Crawler")
    if schedule is not None:  # "" removes the schedule
        crawler.schedule = Schedule(schedule or None, "SCHEDULED" if schedule else "NOT_SCHEDULED")
    return crawler
