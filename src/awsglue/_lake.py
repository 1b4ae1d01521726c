"""How Glue code in this package reaches lakestack: the files behind an ``s3://`` path,
a staging directory for Spark's output (adopted as objects afterwards) and the job
bookmark, over the endpoint's internal routes. Object bytes never cross HTTP: Spark
reads and writes the object store's files directly.

The endpoint is ``AWS_ENDPOINT_URL_S3`` or ``AWS_ENDPOINT_URL`` (lakestack sets both for
job runs), else ``http://127.0.0.1:4566``. Requests are SigV4-signed (signing name
``lakestack``) with the credentials boto3 would use here: the environment's
``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``/``AWS_SESSION_TOKEN`` (as job runs get
them), else the profile's; the account the routes act for is the signer's.
"""

from __future__ import annotations

import functools
import json
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

DEFAULT_ENDPOINT = "http://127.0.0.1:4566"


class LakeError(Exception):
    """An AWS error the endpoint answered (``code`` is AWS's error code)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class S3File:
    """One object: its key, size, last-modified time (epoch seconds) and the file."""

    key: str
    size: int
    last_modified: float
    path: str


def split_s3_uri(uri: str) -> tuple[str, str]:
    """``s3://bucket/prefix`` -> ``(bucket, prefix)``; ``s3a://`` and ``s3n://`` too.

    >>> split_s3_uri("s3://b/raw/x=1/")
    ('b', 'raw/x=1/')
    >>> split_s3_uri("s3a://b")
    ('b', '')
    """
    for scheme in ("s3://", "s3a://", "s3n://"):
        if uri.startswith(scheme):
            bucket, _, prefix = uri[len(scheme) :].partition("/")
            if bucket:
                return bucket, prefix
    raise ValueError(f"not an S3 path: {uri!r} (expected s3://bucket/prefix)")


def directory_prefix(prefix: str) -> str:
    """A key prefix that names a folder: ``raw/x`` -> ``raw/x/`` (empty stays empty).

    >>> directory_prefix("raw/x"), directory_prefix("")
    ('raw/x/', '')
    """
    return prefix if not prefix or prefix.endswith("/") else prefix + "/"


class Lake:
    """The endpoint's internal routes, as calls."""

    def __init__(self, endpoint: str | None = None) -> None:
        self.endpoint = (
            endpoint
            or os.environ.get("AWS_ENDPOINT_URL_S3")
            or os.environ.get("AWS_ENDPOINT_URL")
            or DEFAULT_ENDPOINT
        ).rstrip("/")

    def files(self, uri: str, folder: bool = True) -> list[S3File]:
        """Every object under ``uri``, key order: a folder (``s3://b/p`` means ``p/``), or
        with ``folder=False`` every key starting with the prefix as written."""
        bucket, prefix = split_s3_uri(uri)
        prefix = directory_prefix(prefix) if folder else prefix
        body = self._post("s3/files", {"bucket": bucket, "prefix": prefix})
        return [S3File(f["key"], f["size"], f["last_modified"], f["path"]) for f in body["files"]]

    def objects_at(self, uri: str) -> tuple[list[S3File], str]:
        """What an ``s3://`` path names, as S3 readers take it: the one object whose key it
        is, else every object in the folder it names; and the key prefix their paths are
        relative to (the object's folder, or the folder itself). One listing either way."""
        _, prefix = split_s3_uri(uri)
        listed = self.files(uri, folder=False)
        exact = [f for f in listed if f.key == prefix]
        if prefix and not prefix.endswith("/") and exact:
            return exact, prefix[: prefix.rfind("/") + 1]
        base = directory_prefix(prefix)
        return [f for f in listed if f.key.startswith(base)], base

    def files_under(self, uris: list[str]) -> dict[str, list[S3File]]:
        """``files`` of many folders in one request per bucket (a table's partitions)."""
        by_bucket: dict[str, list[tuple[str, str]]] = {}
        for uri in uris:
            bucket, prefix = split_s3_uri(uri)
            by_bucket.setdefault(bucket, []).append((uri, directory_prefix(prefix)))
        out: dict[str, list[S3File]] = {}
        for bucket, items in by_bucket.items():
            body = self._post(
                "s3/files", {"bucket": bucket, "prefixes": [prefix for _, prefix in items]}
            )
            for (uri, _), found in zip(items, body["groups"], strict=True):
                out[uri] = [
                    S3File(f["key"], f["size"], f["last_modified"], f["path"]) for f in found
                ]
        return out

    def staging_dir(self) -> str:
        return str(self._post("s3/staging", {})["path"])

    def adopt(self, directory: str, uri: str) -> list[dict[str, Any]]:
        """Make the files Spark wrote under ``directory`` objects below ``uri``."""
        bucket, prefix = split_s3_uri(uri)
        body = {"bucket": bucket, "prefix": directory_prefix(prefix), "directory": directory}
        return list(self._post("s3/adopt", body)["objects"])

    def load_bookmark(self, job: str, run_id: str | None = None) -> dict[str, Any]:
        body = {"action": "load", "job": job, "run_id": run_id}
        return dict(self._post("glue/bookmark", body)["state"])

    def commit_bookmark(self, job: str, run_id: str, state: dict[str, Any]) -> None:
        self._post(
            "glue/bookmark", {"action": "commit", "job": job, "run_id": run_id, "state": state}
        )

    def _post(self, route: str, body: dict[str, Any]) -> dict[str, Any]:
        url = f"{self.endpoint}/_lakestack/{route}"
        payload = json.dumps(body).encode()
        request = urllib.request.Request(
            url, data=payload, headers=_signed_headers(url, payload), method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=300) as response:
                return dict(json.loads(response.read()))
        except urllib.error.HTTPError as err:
            try:
                error = json.loads(err.read())["error"]
            except (ValueError, KeyError):
                raise LakeError("InternalError", f"{route}: HTTP {err.code}") from None
            raise LakeError(error["code"], error["message"]) from None
        except urllib.error.URLError as err:
            raise LakeError(
                "EndpointConnectionError",
                f"cannot reach lakestack at {self.endpoint} ({err.reason}); "
                "start it with `lakestack serve` or set AWS_ENDPOINT_URL",
            ) from None


SIGNING_NAME = "lakestack"


def _signed_headers(url: str, payload: bytes) -> dict[str, str]:
    """Headers of a POST of ``payload`` to ``url``, SigV4-signed when credentials exist
    (without any, the request goes unsigned and the endpoint refuses it)."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest

    headers = {"Content-Type": "application/json"}
    credentials, region = _identity()
    if credentials is None:
        return headers
    request = AWSRequest(method="POST", url=url, data=payload, headers=headers)
    SigV4Auth(credentials, SIGNING_NAME, region).add_auth(request)
    return dict(request.headers.items())


def _identity() -> tuple[Any, str]:
    """The credentials (botocore ``Credentials`` or None) and region boto3 would use here:
    from the environment when it names them, as in job runs; else from a boto3 session,
    built once per setting."""
    from botocore.credentials import Credentials

    key = os.environ.get("AWS_ACCESS_KEY_ID")
    secret = os.environ.get("AWS_SECRET_ACCESS_KEY")
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    if key and secret and region:
        return Credentials(key, secret, os.environ.get("AWS_SESSION_TOKEN") or None), region
    return _session_identity(os.environ.get("AWS_PROFILE"), key, region)


@functools.lru_cache(maxsize=8)
def _session_identity(profile: str | None, key: str | None, region: str | None) -> tuple[Any, str]:
    import boto3

    session = boto3.session.Session()
    creds = session.get_credentials()
    frozen = creds.get_frozen_credentials() if creds is not None else None
    return frozen, region or session.region_name or "us-east-1"
