"""Every provider method is a real operation of its service, and every parameter it names
is a member of that operation's input shape (STYLE §11)."""

from __future__ import annotations

import inspect

import pytest
from botocore import xform_name

from lakestack.gateway.specs import load_service_model
from lakestack.registry import SERVICES

PROVIDER_CLASSES = {entry.name: entry.provider_class() for entry in SERVICES}

CASES = [
    (service, name, method)
    for service, cls in sorted(PROVIDER_CLASSES.items())
    for name, method in inspect.getmembers(cls, inspect.isfunction)
    if not name.startswith("_")
]


def _operations(service: str) -> dict[str, str]:
    model = load_service_model(service)
    return {xform_name(op): op for op in model.operation_names}


@pytest.mark.parametrize(
    ("service", "name", "method"), CASES, ids=[f"{s}.{n}" for s, n, _ in CASES]
)
def test_provider_method_is_an_operation_reading_only_its_members(
    service: str, name: str, method: object
) -> None:
    operations = _operations(service)
    assert name in operations, f"{service} has no operation for provider method {name}"
    shape = load_service_model(service).operation_model(operations[name]).input_shape
    members = {xform_name(m) for m in (shape.members if shape is not None else {})}
    params = [
        p
        for p in inspect.signature(method).parameters.values()  # type: ignore[arg-type]
        if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    ][2:]  # self, context
    unknown = [p.name for p in params if p.name not in members]
    assert not unknown, f"{service}.{name} reads {unknown}, not in its input shape"


@pytest.mark.parametrize("service", sorted(PROVIDER_CLASSES))
def test_provider_reads_kwargs_by_real_member_names(service: str) -> None:
    """Names read from ``**kw`` (``kw.get("x")``, ``kw["x"]``) are members of some input
    shape of the service: a misspelt name would silently read None."""
    import re

    source = inspect.getsource(inspect.getmodule(PROVIDER_CLASSES[service]))  # type: ignore[arg-type]
    read = set(re.findall(r"""\bkw(?:\.get\(|\[)\s*["']([a-z0-9_]+)["']""", source))
    model = load_service_model(service)
    members = {
        xform_name(m)
        for op in model.operation_names
        for m in (model.operation_model(op).input_shape or _Empty()).members
    }
    assert read - members == set(), f"{service} provider reads unknown kwargs"


class _Empty:
    members: dict[str, object] = {}
