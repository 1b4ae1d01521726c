"""Internal routes (``/_lakestack/...``) through which Glue scripts reach the lake's files
and their job bookmark: metadata goes over HTTP, object bytes never do.

- ``s3/files``: the files behind ``s3://bucket/prefix`` (paths of the blob files);
- ``s3/staging``: a fresh directory on the object store's file system;
- ``s3/adopt``: the files of a staging directory become objects under a prefix;
- ``glue/bookmark``: load (``Job.init``) or commit (``Job.commit``) a job's bookmark.

Each takes and returns JSON. The gateway lets only SigV4-signed requests through (signing
name ``lakestack``): the account and region are those of the signer, the ones boto3
calls from the same environment get. AWS errors come back as
``{"error": {"code", "message"}}`` with the error's status.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
from collections.abc import Callable
from typing import Any

from lakestack.core.credentials import CredentialStore
from lakestack.core.errors import AwsError
from lakestack.gateway.context import RequestContext
from lakestack.gateway.http import HttpResponse
from lakestack.services.glue.engine import GlueEngines
from lakestack.services.s3.engine import S3Engine

Route = Callable[[RequestContext], HttpResponse]
_MAX_BODY = 16 << 20


class LakeRoutes:
    def __init__(self, s3: S3Engine, glue: GlueEngines, credentials: CredentialStore) -> None:
        self._s3 = s3
        self._jobs = glue.jobs
        self._credentials = credentials

    def routes(self) -> dict[str, Route]:
        return {
            "s3/files": self._json(self.files),
            "s3/staging": self._json(self.staging),
            "s3/adopt": self._json(self.adopt),
            "glue/bookmark": self._json(self.bookmark),
        }

    def files(self, body: dict[str, Any], account: str, region: str) -> dict[str, Any]:
        """``{"files": [...]}`` under ``prefix``, or ``{"groups": [[...], ...]}`` for each
        of ``prefixes`` (a table's partitions in one request)."""
        bucket = body["bucket"]
        if "prefixes" in body:
            return {
                "groups": [
                    [dataclasses.asdict(f) for f in self._s3.object_files(bucket, str(p))]
                    for p in body["prefixes"]
                ]
            }
        return {
            "files": [
                dataclasses.asdict(f)
                for f in self._s3.object_files(bucket, body.get("prefix") or "")
            ]
        }

    def staging(self, body: dict[str, Any], account: str, region: str) -> dict[str, Any]:
        return {"path": self._s3.staging_dir()}

    def adopt(self, body: dict[str, Any], account: str, region: str) -> dict[str, Any]:
        """Every visible file under ``directory`` (names starting ``_`` or ``.`` are a
        writer's markers and checksums, as Hadoop treats them) becomes the object
        ``prefix + relative path``; the directory is removed afterwards."""
        directory, prefix = body["directory"], body.get("prefix") or ""
        files: list[tuple[str, str]] = []
        for root, dirs, names in os.walk(directory):
            dirs[:] = sorted(d for d in dirs if not d.startswith(("_", ".")))
            for name in sorted(names):
                if name.startswith(("_", ".")):
                    continue
                path = os.path.join(root, name)
                rel = os.path.relpath(path, directory).replace(os.sep, "/")
                files.append((prefix + rel, path))
        try:
            made = self._s3.adopt_files(account, region, body["bucket"], files)
        finally:
            if self._s3.is_staged(directory):
                shutil.rmtree(directory, ignore_errors=True)
        return {"objects": [{"key": v.key, "etag": v.etag, "size": v.size} for v in made]}

    def bookmark(self, body: dict[str, Any], account: str, region: str) -> dict[str, Any]:
        job = body["job"]
        if body.get("action") == "commit":
            entry = self._jobs.commit_job_bookmark(
                account, region, job, body["run_id"], json.dumps(body["state"])
            )
            return {"version": entry.version, "run": entry.run}
        state = self._jobs.load_job_bookmark(account, region, job, body.get("run_id"))
        return {"state": json.loads(state)}

    def _json(self, handler: Callable[[dict[str, Any], str, str], dict[str, Any]]) -> Route:
        def route(context: RequestContext) -> HttpResponse:
            request = context.request
            if request.method != "POST":
                return HttpResponse(405)
            try:
                body = json.loads(request.body.read(_MAX_BODY) or b"{}")
                if not isinstance(body, dict):
                    raise TypeError("the request body must be a JSON object")
                result, status = handler(body, context.account_id, context.region), 200
            except AwsError as err:
                result = {"error": {"code": err.code, "message": err.message}}
                status = err.status or 400
            except (KeyError, ValueError, TypeError, AttributeError) as err:
                result = {"error": {"code": "InvalidRequest", "message": repr(err)}}
                status = 400
            return HttpResponse(
                status, [("Content-Type", "application/json")], json.dumps(result).encode()
            )

        return route
