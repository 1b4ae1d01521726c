"""AthenaProvider: botocore-shaped kwargs in, one engine call, botocore-shaped dict out.

Method names are botocore's ``xform_name(OperationName)``; kwargs are the input
members with snake_case top-level names (nested values keep botocore's PascalCase).
Knows no Athena rules (the engine has them) and no HTTP.
"""

from __future__ import annotations

from typing import Any

from lakestack.gateway.context import RequestContext
from lakestack.services.athena.engine import AthenaEngine, WorkGroupUpdate
from lakestack.services.athena.models import (
    ENGINE_VERSION,
    NamedQuery,
    QueryExecution,
    ResultColumn,
    WorkGroup,
)
from lakestack.services.athena.ports import CatalogColumn, CatalogDatabase, CatalogTable

_CATALOG_SCOPE = "AwsDataCatalog"


def _where(ctx: RequestContext) -> tuple[str, str]:
    return ctx.account_id, ctx.region


def _engine_version(selected: str = "AUTO") -> dict[str, str]:
    return {"SelectedEngineVersion": selected, "EffectiveEngineVersion": ENGINE_VERSION}


def _workgroup_to_wire(wg: WorkGroup) -> dict[str, Any]:
    result: dict[str, Any] = {}
    if wg.output_location:
        result["OutputLocation"] = wg.output_location
    if wg.expected_bucket_owner:
        result["ExpectedBucketOwner"] = wg.expected_bucket_owner
    if wg.encryption:
        result["EncryptionConfiguration"] = wg.encryption
    config: dict[str, Any] = {
        "ResultConfiguration": result,
        "EnforceWorkGroupConfiguration": wg.enforce_configuration,
        "PublishCloudWatchMetricsEnabled": wg.publish_metrics,
        "RequesterPaysEnabled": wg.requester_pays,
        "EngineVersion": _engine_version(wg.engine_version),
    }
    if wg.bytes_scanned_cutoff is not None:
        config["BytesScannedCutoffPerQuery"] = wg.bytes_scanned_cutoff
    return {
        "Name": wg.name,
        "State": wg.state,
        "Configuration": config,
        "Description": wg.description or "",
        "CreationTime": wg.creation_time,
    }


def _workgroup_from_wire(
    name: str, config: dict[str, Any], description: str | None, tags: list[dict[str, str]] | None
) -> WorkGroup:
    result = config.get("ResultConfiguration") or {}
    return WorkGroup(
        name,
        description=description,
        output_location=result.get("OutputLocation"),
        expected_bucket_owner=result.get("ExpectedBucketOwner"),
        encryption=result.get("EncryptionConfiguration"),
        enforce_configuration=config.get("EnforceWorkGroupConfiguration", True),
        publish_metrics=config.get("PublishCloudWatchMetricsEnabled", True),
        bytes_scanned_cutoff=config.get("BytesScannedCutoffPerQuery"),
        requester_pays=config.get("RequesterPaysEnabled", False),
        engine_version=(config.get("EngineVersion") or {}).get("SelectedEngineVersion", "AUTO"),
        tags={t["Key"]: t["Value"] for t in tags or []},
    )


def _update_from_wire(
    updates: dict[str, Any], description: str | None, state: str | None
) -> WorkGroupUpdate:
    result = updates.get("ResultConfigurationUpdates") or {}
    return WorkGroupUpdate(
        description=description,
        state=state,
        enforce_configuration=updates.get("EnforceWorkGroupConfiguration"),
        output_location=result.get("OutputLocation"),
        remove_output_location=bool(result.get("RemoveOutputLocation")),
        expected_bucket_owner=result.get("ExpectedBucketOwner"),
        publish_metrics=updates.get("PublishCloudWatchMetricsEnabled"),
        bytes_scanned_cutoff=updates.get("BytesScannedCutoffPerQuery"),
        remove_bytes_scanned_cutoff=bool(updates.get("RemoveBytesScannedCutoffPerQuery")),
        requester_pays=updates.get("RequesterPaysEnabled"),
        engine_version=(updates.get("EngineVersion") or {}).get("SelectedEngineVersion"),
    )


def _execution_to_wire(q: QueryExecution) -> dict[str, Any]:
    status: dict[str, Any] = {"State": q.state.value, "SubmissionDateTime": q.submitted}
    if q.state_change_reason:
        status["StateChangeReason"] = q.state_change_reason
    if q.completed:
        status["CompletionDateTime"] = q.completed
    if q.error:
        status["AthenaError"] = {
            "ErrorCategory": q.error.category,
            "ErrorType": q.error.type,
            "Retryable": q.error.retryable,
            "ErrorMessage": q.error.message,
        }
    s = q.statistics
    stats: dict[str, Any] = {
        "EngineExecutionTimeInMillis": s.engine_ms,
        "DataScannedInBytes": s.data_scanned,
        "TotalExecutionTimeInMillis": s.total_ms,
        "QueryQueueTimeInMillis": s.queue_ms,
        "ServicePreProcessingTimeInMillis": 0,
        "QueryPlanningTimeInMillis": s.planning_ms,
        "ServiceProcessingTimeInMillis": s.processing_ms,
        "ResultReuseInformation": {"ReusedPreviousResult": False},
    }
    if s.manifest_location:
        stats["DataManifestLocation"] = s.manifest_location
    result: dict[str, Any] = {"OutputLocation": q.output_location}
    if q.encryption:
        result["EncryptionConfiguration"] = q.encryption
    if q.expected_bucket_owner:
        result["ExpectedBucketOwner"] = q.expected_bucket_owner
    context: dict[str, Any] = {"Catalog": q.catalog.lower()}
    if q.database:
        context["Database"] = q.database
    out: dict[str, Any] = {
        "QueryExecutionId": q.id,
        "Query": q.query,
        "StatementType": q.statement_type,
        "ResultConfiguration": result,
        "QueryExecutionContext": context,
        "Status": status,
        "Statistics": stats,
        "WorkGroup": q.work_group,
        "EngineVersion": _engine_version(),
        "ResultReuseConfiguration": {"ResultReuseByAgeConfiguration": {"Enabled": False}},
    }
    if q.substatement_type:
        out["SubstatementType"] = q.substatement_type
    if q.execution_parameters:
        out["ExecutionParameters"] = q.execution_parameters
    return out


def _column_to_wire(c: ResultColumn) -> dict[str, Any]:
    return {
        "CatalogName": "hive",
        "SchemaName": "",
        "TableName": "",
        "Name": c.name,
        "Label": c.name,
        "Type": c.type,
        "Precision": c.precision,
        "Scale": c.scale,
        "Nullable": c.nullable,
        "CaseSensitive": c.type == "varchar",
    }


def _datum(value: str | None) -> dict[str, str]:
    return {} if value is None else {"VarCharValue": value}


def _named_to_wire(q: NamedQuery) -> dict[str, Any]:
    out = {
        "Name": q.name,
        "Database": q.database,
        "QueryString": q.query_string,
        "NamedQueryId": q.id,
        "WorkGroup": q.work_group,
    }
    if q.description:
        out["Description"] = q.description
    return out


def _database_to_wire(d: CatalogDatabase) -> dict[str, Any]:
    out: dict[str, Any] = {"Name": d.name, "Parameters": d.parameters}
    if d.description:
        out["Description"] = d.description
    return out


def _columns_to_wire(columns: list[CatalogColumn]) -> list[dict[str, Any]]:
    return [
        {"Name": c.name, "Type": c.type, **({"Comment": c.comment} if c.comment else {})}
        for c in columns
    ]


def _table_to_wire(t: CatalogTable) -> dict[str, Any]:
    out: dict[str, Any] = {
        "Name": t.name,
        "TableType": t.table_type or "EXTERNAL_TABLE",
        "Columns": _columns_to_wire(t.columns),
        "PartitionKeys": _columns_to_wire(t.partition_keys),
        "Parameters": {
            **t.parameters,
            **({"location": t.location} if t.location else {}),
            **({"inputformat": t.input_format} if t.input_format else {}),
            **({"serde.serialization.lib": t.serde_library} if t.serde_library else {}),
        },
    }
    if t.create_time:
        out["CreateTime"] = t.create_time
    if t.last_access_time:
        out["LastAccessTime"] = t.last_access_time
    return out


class AthenaProvider:
    def __init__(self, engine: AthenaEngine) -> None:
        self.engine = engine

    # -- query executions -------------------------------------------------------------

    def start_query_execution(
        self,
        context: RequestContext,
        query_string: str,
        client_request_token: str | None = None,
        query_execution_context: dict[str, Any] | None = None,
        result_configuration: dict[str, Any] | None = None,
        work_group: str | None = None,
        execution_parameters: list[str] | None = None,
    ) -> dict[str, Any]:
        qc, rc = query_execution_context or {}, result_configuration or {}
        query_id = self.engine.start_query_execution(
            *_where(context),
            query_string,
            client_request_token=client_request_token,
            database=qc.get("Database"),
            catalog=qc.get("Catalog"),
            output_location=rc.get("OutputLocation"),
            work_group=work_group,
            execution_parameters=execution_parameters,
            expected_bucket_owner=rc.get("ExpectedBucketOwner"),
            encryption=rc.get("EncryptionConfiguration"),
        )
        return {"QueryExecutionId": query_id}

    def get_query_execution(
        self, context: RequestContext, query_execution_id: str
    ) -> dict[str, Any]:
        q = self.engine.get_query_execution(*_where(context), query_execution_id)
        return {"QueryExecution": _execution_to_wire(q)}

    def batch_get_query_execution(
        self, context: RequestContext, query_execution_ids: list[str]
    ) -> dict[str, Any]:
        found, missing = self.engine.batch_get_query_execution(
            *_where(context), query_execution_ids
        )
        return {
            "QueryExecutions": [_execution_to_wire(q) for q in found],
            "UnprocessedQueryExecutionIds": [
                {"QueryExecutionId": i, "ErrorCode": code, "ErrorMessage": msg}
                for i, code, msg in missing
            ],
        }

    def list_query_executions(
        self,
        context: RequestContext,
        next_token: str | None = None,
        max_results: int | None = None,
        work_group: str | None = None,
    ) -> dict[str, Any]:
        page = self.engine.list_query_executions(
            *_where(context), work_group, max_results, next_token
        )
        return {"QueryExecutionIds": page.items, "NextToken": page.next_token}

    def stop_query_execution(
        self, context: RequestContext, query_execution_id: str
    ) -> dict[str, Any]:
        self.engine.stop_query_execution(*_where(context), query_execution_id)
        return {}

    def get_query_results(
        self,
        context: RequestContext,
        query_execution_id: str,
        next_token: str | None = None,
        max_results: int | None = None,
    ) -> dict[str, Any]:
        page = self.engine.get_query_results(
            *_where(context), query_execution_id, next_token, max_results
        )
        out: dict[str, Any] = {
            "ResultSet": {
                "Rows": [{"Data": [_datum(v) for v in row]} for row in page.rows],
                "ResultSetMetadata": {"ColumnInfo": [_column_to_wire(c) for c in page.columns]},
            },
            "NextToken": page.next_token,
        }
        if page.update_count is not None:
            out["UpdateCount"] = page.update_count
        return out

    def get_query_runtime_statistics(
        self, context: RequestContext, query_execution_id: str
    ) -> dict[str, Any]:
        s = self.engine.get_query_execution(*_where(context), query_execution_id).statistics
        return {
            "QueryRuntimeStatistics": {
                "Timeline": {
                    "QueryQueueTimeInMillis": s.queue_ms,
                    "ServicePreProcessingTimeInMillis": 0,
                    "QueryPlanningTimeInMillis": s.planning_ms,
                    "EngineExecutionTimeInMillis": s.engine_ms,
                    "ServiceProcessingTimeInMillis": s.processing_ms,
                    "TotalExecutionTimeInMillis": s.total_ms,
                },
                "Rows": {
                    "InputRows": s.input_rows,
                    "InputBytes": s.data_scanned,
                    "OutputBytes": s.output_bytes,
                    "OutputRows": s.output_rows,
                },
            }
        }

    # -- work groups ------------------------------------------------------------------

    def create_work_group(
        self,
        context: RequestContext,
        name: str,
        configuration: dict[str, Any] | None = None,
        description: str | None = None,
        tags: list[dict[str, str]] | None = None,
    ) -> dict[str, Any]:
        self.engine.create_work_group(
            *_where(context), _workgroup_from_wire(name, configuration or {}, description, tags)
        )
        return {}

    def get_work_group(self, context: RequestContext, work_group: str) -> dict[str, Any]:
        wg = self.engine.get_work_group(*_where(context), work_group)
        return {"WorkGroup": _workgroup_to_wire(wg)}

    def list_work_groups(
        self,
        context: RequestContext,
        next_token: str | None = None,
        max_results: int | None = None,
    ) -> dict[str, Any]:
        page = self.engine.list_work_groups(*_where(context), max_results, next_token)
        return {
            "WorkGroups": [
                {
                    "Name": g.name,
                    "State": g.state,
                    "Description": g.description or "",
                    "CreationTime": g.creation_time,
                    "EngineVersion": _engine_version(g.engine_version),
                }
                for g in page.items
            ],
            "NextToken": page.next_token,
        }

    def update_work_group(
        self,
        context: RequestContext,
        work_group: str,
        description: str | None = None,
        configuration_updates: dict[str, Any] | None = None,
        state: str | None = None,
    ) -> dict[str, Any]:
        self.engine.update_work_group(
            *_where(context),
            work_group,
            _update_from_wire(configuration_updates or {}, description, state),
        )
        return {}

    def delete_work_group(
        self,
        context: RequestContext,
        work_group: str,
        recursive_delete_option: bool | None = None,
    ) -> dict[str, Any]:
        self.engine.delete_work_group(*_where(context), work_group, bool(recursive_delete_option))
        return {}

    # -- named queries ----------------------------------------------------------------

    def create_named_query(
        self,
        context: RequestContext,
        name: str,
        database: str,
        query_string: str,
        description: str | None = None,
        client_request_token: str | None = None,
        work_group: str | None = None,
    ) -> dict[str, Any]:
        query_id = self.engine.create_named_query(
            *_where(context),
            name,
            database,
            query_string,
            description,
            work_group,
            client_request_token,
        )
        return {"NamedQueryId": query_id}

    def get_named_query(self, context: RequestContext, named_query_id: str) -> dict[str, Any]:
        q = self.engine.get_named_query(*_where(context), named_query_id)
        return {"NamedQuery": _named_to_wire(q)}

    def list_named_queries(
        self,
        context: RequestContext,
        next_token: str | None = None,
        max_results: int | None = None,
        work_group: str | None = None,
    ) -> dict[str, Any]:
        page = self.engine.list_named_queries(*_where(context), work_group, max_results, next_token)
        return {"NamedQueryIds": page.items, "NextToken": page.next_token}

    def batch_get_named_query(
        self, context: RequestContext, named_query_ids: list[str]
    ) -> dict[str, Any]:
        found, missing = self.engine.batch_get_named_query(*_where(context), named_query_ids)
        return {
            "NamedQueries": [_named_to_wire(q) for q in found],
            "UnprocessedNamedQueryIds": [
                {"NamedQueryId": i, "ErrorCode": code, "ErrorMessage": msg}
                for i, code, msg in missing
            ],
        }

    def delete_named_query(self, context: RequestContext, named_query_id: str) -> dict[str, Any]:
        self.engine.delete_named_query(*_where(context), named_query_id)
        return {}

    # -- catalogs ---------------------------------------------------------------------

    def list_data_catalogs(self, context: RequestContext) -> dict[str, Any]:
        catalogs = self.engine.list_data_catalogs(*_where(context))
        return {
            "DataCatalogsSummary": [
                {"CatalogName": n, "Type": t, "Status": "CREATE_COMPLETE"} for n, t in catalogs
            ]
        }

    def get_data_catalog(self, context: RequestContext, name: str) -> dict[str, Any]:
        params = self.engine.get_data_catalog(*_where(context), name)
        return {
            "DataCatalog": {
                "Name": _CATALOG_SCOPE,
                "Description": "AWS Glue Data Catalog",
                "Type": "GLUE",
                "Parameters": params,
                "Status": "CREATE_COMPLETE",
            }
        }

    def list_databases(
        self,
        context: RequestContext,
        catalog_name: str,
        next_token: str | None = None,
        max_results: int | None = None,
    ) -> dict[str, Any]:
        page = self.engine.list_databases(*_where(context), catalog_name, max_results, next_token)
        return {
            "DatabaseList": [_database_to_wire(d) for d in page.items],
            "NextToken": page.next_token,
        }

    def get_database(
        self, context: RequestContext, catalog_name: str, database_name: str
    ) -> dict[str, Any]:
        d = self.engine.get_database(*_where(context), catalog_name, database_name)
        return {"Database": _database_to_wire(d)}

    def list_table_metadata(
        self,
        context: RequestContext,
        catalog_name: str,
        database_name: str,
        expression: str | None = None,
        next_token: str | None = None,
        max_results: int | None = None,
    ) -> dict[str, Any]:
        page = self.engine.list_table_metadata(
            *_where(context), catalog_name, database_name, expression, max_results, next_token
        )
        return {
            "TableMetadataList": [_table_to_wire(t) for t in page.items],
            "NextToken": page.next_token,
        }

    def get_table_metadata(
        self,
        context: RequestContext,
        catalog_name: str,
        database_name: str,
        table_name: str,
    ) -> dict[str, Any]:
        t = self.engine.get_table_metadata(
            *_where(context), catalog_name, database_name, table_name
        )
        return {"TableMetadata": _table_to_wire(t)}
