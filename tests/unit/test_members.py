"""Each service's ``members.json`` (gateway.dispatch.MemberPolicy) names real operations
and real members of their input shapes, declares ``kwargs`` only for methods taking
``**kw``, and gives a reason for every member accepted and ignored."""

from __future__ import annotations

import inspect

import pytest
from botocore import xform_name

from lakestack.gateway.specs import load_service_model
from lakestack.registry import SERVICES, ServiceEntry

ENTRIES = [e for e in SERVICES if e.member_policy().kwargs or e.member_policy().ignored]


def _members(service: str, operation: str) -> set[str]:
    shape = load_service_model(service).operation_model(operation).input_shape
    return set(shape.members) if shape is not None else set()


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.name)
def test_ignored_members_are_real_and_explained(entry: ServiceEntry) -> None:
    model = load_service_model(entry.name)
    for operation, members in entry.member_policy().ignored.items():
        if operation == "*":
            every = set().union(*(_members(entry.name, op) for op in model.operation_names))
            assert set(members) <= every, sorted(set(members) - every)
        else:
            assert operation in model.operation_names
            assert set(members) <= _members(entry.name, operation), operation
        assert all(why.strip() for why in members.values()), operation


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.name)
def test_kwargs_members_belong_to_methods_taking_kwargs(entry: ServiceEntry) -> None:
    provider = entry.provider_class()
    source = inspect.getsource(inspect.getmodule(provider))  # type: ignore[arg-type]
    operations = {xform_name(op): op for op in load_service_model(entry.name).operation_names}
    for operation, members in entry.member_policy().kwargs.items():
        if operation == "*":  # read by a wrapper around every method
            for name, method in inspect.getmembers(provider, inspect.isfunction):
                if name in operations:
                    outer = inspect.signature(method, follow_wrapped=False).parameters.values()
                    assert any(p.kind is p.VAR_KEYWORD for p in outer), name
            continue
        method = getattr(provider, xform_name(operation))
        params = inspect.signature(method).parameters.values()
        assert any(p.kind is p.VAR_KEYWORD for p in params), operation
        assert set(members) <= _members(entry.name, operation), operation
        unread = [m for m in members if f'"{xform_name(m)}"' not in source]
        assert not unread, f"{operation}: the provider never names {unread}"
