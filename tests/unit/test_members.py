"""Each service's ``members.json`` (gateway.dispatch.MemberPolicy) names real operations
and real members of their input shapes, declares ``kwargs`` only for methods taking
``**kw``, and gives a reason for every member accepted and ignored."""

from __future__ import annotations

import ast
import inspect
import re
import textwrap
from typing import Any

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
        if operation == "*":  # read by wrappers taking **kw around methods
            wrapped = [
                name
                for name, method in inspect.getmembers(provider, inspect.isfunction)
                if name in operations and _takes_kwargs(method, follow_wrapped=False)
            ]
            assert wrapped, "no method sits in a wrapper taking **kw"
            unread = [m for m in members if f'"{xform_name(m)}"' not in source]
            assert not unread, f"the provider never names {unread}"
            continue
        method = getattr(provider, xform_name(operation))
        assert _takes_kwargs(method), operation
        assert set(members) <= _members(entry.name, operation), operation
        if not _forwards_kwargs(method):  # else it stores every member it is given
            unread = [m for m in members if f'"{xform_name(m)}"' not in source]
            assert not unread, f"{operation}: the provider never names {unread}"


def _takes_kwargs(method: Any, follow_wrapped: bool = True) -> bool:
    params = inspect.signature(method, follow_wrapped=follow_wrapped).parameters.values()
    return any(p.kind is p.VAR_KEYWORD for p in params)


def _forwards_kwargs(method: Any) -> bool:
    """Whether the method iterates its whole ``**kw`` (``kw.items()``), itself or in a
    module function it hands ``kw`` to: it then keeps every member it is given."""
    name = next(
        p.name for p in inspect.signature(method).parameters.values() if p.kind is p.VAR_KEYWORD
    )
    method = inspect.unwrap(method)
    if re.search(rf"\b{name}\.items\(\)", inspect.getsource(method)):
        return True
    module = inspect.getmodule(method)
    for call in ast.walk(ast.parse(textwrap.dedent(inspect.getsource(method)))):
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)):
            continue
        helper = getattr(module, call.func.id, None)
        for i, arg in enumerate(call.args):
            if isinstance(arg, ast.Name) and arg.id == name and inspect.isfunction(helper):
                param = list(inspect.signature(helper).parameters)[i]
                if re.search(rf"\b{param}\.items\(\)", inspect.getsource(helper)):
                    return True
    return False
