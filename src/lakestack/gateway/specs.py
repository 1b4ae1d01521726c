"""Botocore service models for the gateway, with lakestack's spec corrections applied.

Owns loading (cached) ``botocore.model.ServiceModel`` objects, applying JSON-patch
data files from ``specs/patches/<service>.json`` (RFC 6902 ``add``/``replace``/
``remove``/``test``), and the lazily built indexes from SigV4 signing name and
JSON ``X-Amz-Target`` prefix to service name. Knows nothing of any service's
semantics: a correction to a model is data, never code.

A loaded model's ``metadata.protocol`` is the protocol botocore's clients speak to it
(``ServiceModel.resolved_protocol``: the first of the model's ``protocols`` in botocore's
order of preference), since requests arrive in it: CloudWatch's model lists
``smithy-rpc-v2-cbor`` first, but boto3 sends it JSON.
"""

from __future__ import annotations

import gzip
import json
import logging
import threading
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from botocore.loaders import Loader
    from botocore.model import ServiceModel

LOG = logging.getLogger(__name__)

PATCH_DIR = Path(__file__).with_name("specs") / "patches"

_LOADER_LOCK = threading.Lock()
_INDEX_LOCK = threading.Lock()


@cache
def _loader() -> Loader:
    from botocore.loaders import Loader

    return Loader()


@cache
def load_service_model(name: str) -> ServiceModel:
    """The botocore model of service ``name`` (e.g. ``s3``), patched, cached per process."""
    with _LOADER_LOCK:
        data = _loader().load_service_model(name, "service-2")
    data = json.loads(json.dumps(data))  # private copy: patches must not leak into botocore
    patch_file = PATCH_DIR / f"{name}.json"
    if patch_file.exists():
        apply_json_patch(data, json.loads(patch_file.read_text()))
    data["metadata"]["protocol"] = client_protocol(data["metadata"])
    from botocore.model import ServiceModel

    return ServiceModel(data, service_name=name)


def client_protocol(metadata: dict[str, Any]) -> str:
    """The protocol botocore's clients use for a model with this ``metadata``.

    >>> client_protocol({"protocol": "x", "protocols": ["smithy-rpc-v2-cbor", "json"]})
    'json'
    >>> client_protocol({"protocol": "query"})
    'query'
    """
    from botocore.utils import PRIORITY_ORDERED_SUPPORTED_PROTOCOLS

    protocols = metadata.get("protocols") or ()
    for protocol in PRIORITY_ORDERED_SUPPORTED_PROTOCOLS:
        if protocol in protocols:
            return str(protocol)
    return str(metadata["protocol"])


def apply_json_patch(document: Any, operations: list[dict[str, Any]]) -> Any:
    """Apply RFC 6902 operations in place (the subset spec corrections need).

    >>> doc = {"shapes": {"A": {"type": "structure"}}}
    >>> _ = apply_json_patch(doc, [{"op": "add", "path": "/shapes/A/locationName", "value": "X"}])
    >>> doc["shapes"]["A"]["locationName"]
    'X'
    """
    for operation in operations:
        op, path = operation["op"], operation["path"]
        parts = [p.replace("~1", "/").replace("~0", "~") for p in path.split("/")[1:]]
        parent = document
        for part in parts[:-1]:
            parent = parent[int(part)] if isinstance(parent, list) else parent[part]
        last = parts[-1]
        if op == "test":
            current = parent[int(last)] if isinstance(parent, list) else parent[last]
            if current != operation["value"]:
                raise ValueError(f"JSON patch test failed at {path}")
        elif op in ("add", "replace"):
            if isinstance(parent, list):
                index = len(parent) if last == "-" else int(last)
                if op == "add":
                    parent.insert(index, operation["value"])
                else:
                    parent[index] = operation["value"]
            else:
                if op == "replace" and last not in parent:
                    raise ValueError(f"JSON patch replace of missing {path}")
                parent[last] = operation["value"]
        elif op == "remove":
            del parent[int(last) if isinstance(parent, list) else last]
        else:
            raise ValueError(f"unsupported JSON patch op {op!r}")
    return document


class _ServiceIndex:
    """Signing-name and target-prefix lookups over every service botocore ships."""

    def __init__(self) -> None:
        self.by_signing_name: dict[str, list[str]] = {}
        self.by_target_prefix: dict[str, list[str]] = {}
        loader = _loader()
        for name in sorted(loader.list_available_services("service-2")):
            metadata = _read_metadata(loader, name)
            signing = metadata.get("signingName") or metadata.get("endpointPrefix") or name
            self.by_signing_name.setdefault(signing, []).append(name)
            prefix = metadata.get("targetPrefix")
            if prefix:
                self.by_target_prefix.setdefault(prefix, []).append(name)


def _read_metadata(loader: Loader, name: str) -> dict[str, Any]:
    """The ``metadata`` block of a model, read from the file head when possible (fast)."""
    for directory in loader.search_paths:
        service_dir = Path(directory) / name
        if not service_dir.is_dir():
            continue
        versions = sorted(p for p in service_dir.iterdir() if p.is_dir())
        for version in reversed(versions):
            for filename, opener in (("service-2.json.gz", gzip.open), ("service-2.json", open)):
                path = version / filename
                if path.exists():
                    with opener(path, "rt", encoding="utf-8") as f:
                        head = f.read(16384)
                    found = _metadata_from_head(head)
                    if found is not None:
                        return found
    with _LOADER_LOCK:
        return dict(loader.load_service_model(name, "service-2").get("metadata", {}))


def _metadata_from_head(head: str) -> dict[str, Any] | None:
    """Parse the first ``metadata`` object found in the head of a model file.

    >>> _metadata_from_head('{"version":"2.0","metadata":{"signingName":"x"},"op')
    {'signingName': 'x'}
    """
    start = head.find('"metadata"')
    if start < 0:
        return None
    brace = head.find("{", start)
    try:
        value, _ = json.JSONDecoder().raw_decode(head, brace)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


_INDEX: _ServiceIndex | None = None


def _index() -> _ServiceIndex:
    global _INDEX
    if _INDEX is None:
        with _INDEX_LOCK:
            if _INDEX is None:
                _INDEX = _ServiceIndex()
    return _INDEX


def services_for_signing_name(signing_name: str) -> tuple[str, ...]:
    """Every service whose SigV4 signing name is ``signing_name`` (best match first)."""
    names = _index().by_signing_name.get(signing_name, [])
    return tuple(sorted(names, key=lambda n: (n != signing_name, n)))


def service_for_signing_name(signing_name: str) -> str | None:
    """The service a SigV4 credential scope names (``states`` -> ``stepfunctions``).

    Several models share a signing name (``s3`` and ``s3control``); the service
    named exactly like it wins, else the alphabetically first.
    """
    names = services_for_signing_name(signing_name)
    return names[0] if names else None


def service_for_target_prefix(prefix: str) -> str | None:
    """The json-protocol service whose ``X-Amz-Target`` prefix is ``prefix`` (``AWSGlue``)."""
    names = _index().by_target_prefix.get(prefix)
    return names[0] if names else None
