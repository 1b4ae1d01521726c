"""One generic mapper between models and wire structures: snake_case dataclasses <->
PascalCase dicts, member names taken from a botocore service model's shapes.

A model field maps to the shape member whose botocore ``xform_name`` it is
(``dpu_seconds`` <-> ``DPUSeconds``, ``serde_info`` <-> ``SerdeInfo``); a field the
shape does not name falls back to plain PascalCase (``stored_as_sub_directories`` ->
``StoredAsSubDirectories``). Nested dataclasses (alone, in lists, in dict values)
follow the member's target shape. A model's ``other: dict`` field carries members it
does not name: unknown wire members land there and go back out unchanged.

Providers use it for the plain ``_x_to_wire``/``_x_from_wire`` cases; anything with
AWS semantics stays in the engine. Knows botocore's model files (data, read lazily),
no HTTP and no service.
"""

from __future__ import annotations

import dataclasses
import threading
import types
import typing
from functools import cache
from typing import Any, TypeVar

M = TypeVar("M")
OTHER = "other"


def pascal(snake: str) -> str:
    """A field's PascalCase member name when the model names no shape member for it.

    >>> pascal("stored_as_sub_directories")
    'StoredAsSubDirectories'
    """
    return "".join(part.capitalize() for part in snake.split("_"))


@cache
def _hints(cls: Any) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _unwrap_optional(tp: Any) -> Any:
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(tp) if a is not type(None)]
        return inner[0] if len(inner) == 1 else Any
    return tp


class WireMapper:
    """``WireMapper("glue")``: models <-> wire structures of one service.

    >>> @dataclasses.dataclass
    ... class JobRun:
    ...     id: str
    ...     dpu_seconds: float | None = None
    ...     stdout_path: str | None = None
    >>> mapper = WireMapper("glue")
    >>> mapper.to_wire(JobRun("jr_1", 600.0, "/tmp/out"), "JobRun")
    {'Id': 'jr_1', 'DPUSeconds': 600.0, 'StdoutPath': '/tmp/out'}
    >>> mapper.to_wire(JobRun("jr_1", 600.0, "/tmp/out"), "JobRun", members_only=True)
    {'Id': 'jr_1', 'DPUSeconds': 600.0}
    >>> mapper.from_wire(JobRun, {"Id": "jr_2", "DPUSeconds": 60}, "JobRun").dpu_seconds
    60
    """

    def __init__(self, service: str) -> None:
        self._service = service
        self._lock = threading.Lock()
        self._shapes: dict[str, Any] | None = None
        self._names: dict[str, dict[str, str]] = {}

    # -- the model's shapes -------------------------------------------------------------

    def _model_shapes(self) -> dict[str, Any]:
        with self._lock:
            if self._shapes is None:
                from botocore.loaders import create_loader

                model = create_loader().load_service_model(self._service, "service-2")
                self._shapes = dict(model["shapes"])
            return self._shapes

    def _members(self, shape: str | None) -> dict[str, Any]:
        if shape is None:
            return {}
        found = self._model_shapes().get(shape) or {}
        return dict(found.get("members") or {})

    def _field_names(self, shape: str | None) -> dict[str, str]:
        """snake_case field -> member name, for the members of ``shape``."""
        if shape is None:
            return {}
        with self._lock:
            cached = self._names.get(shape)
        if cached is None:
            from botocore import xform_name

            cached = {xform_name(m): m for m in self._members(shape)}
            with self._lock:
                self._names[shape] = cached
        return cached

    def _target(self, shape: str | None, member: str) -> str | None:
        """The structure shape a member's value (or its items / map values) has."""
        ref = self._members(shape).get(member)
        if ref is None:
            return None
        target = self._model_shapes().get(ref["shape"]) or {}
        kind = target.get("type")
        if kind == "list":
            return str(target["member"]["shape"])
        if kind == "map":
            return str(target["value"]["shape"])
        return str(ref["shape"])

    # -- model -> wire ------------------------------------------------------------------

    def to_wire(self, model: Any, shape: str | None = None, *, members_only: bool = False) -> Any:
        """A model as its wire structure; ``None`` fields are left out, ``other`` spread in.

        Args:
            shape: the botocore shape the structure is (e.g. ``"Table"``).
            members_only: leave out fields the shape does not name (lakestack's own).
        """
        names = self._field_names(shape)
        out: dict[str, Any] = {}
        for f in dataclasses.fields(model):
            value = getattr(model, f.name)
            if f.name == OTHER and isinstance(value, dict):
                out.update(value)
            elif value is not None and (f.name in names or not members_only):
                member = names.get(f.name) or pascal(f.name)
                out[member] = self._value_to_wire(value, self._target(shape, member))
        return out

    def _value_to_wire(self, value: Any, shape: str | None) -> Any:
        if isinstance(value, list):
            return [self._value_to_wire(v, shape) for v in value]
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return self.to_wire(value, shape)
        if isinstance(value, dict):
            return {k: self._value_to_wire(v, shape) for k, v in value.items()}
        return value

    # -- wire -> model ------------------------------------------------------------------

    def from_wire(self, cls: type[M], wire: dict[str, Any], shape: str | None = None) -> M:
        """A model from a wire structure; unknown members land in ``other`` if it has one."""
        names = self._field_names(shape)
        fields = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
        hints = _hints(typing.cast(Any, cls))
        members = {n: names.get(n) or pascal(n) for n in fields if n != OTHER}
        kwargs: dict[str, Any] = {
            n: self._value_from_wire(hints[n], wire[m], self._target(shape, m))
            for n, m in members.items()
            if m in wire
        }
        if OTHER in fields:
            known = set(members.values())
            kwargs[OTHER] = {k: v for k, v in wire.items() if k not in known}
        return cls(**kwargs)

    def _value_from_wire(self, tp: Any, value: Any, shape: str | None) -> Any:
        if value is None:
            return None
        tp = _unwrap_optional(tp)
        origin = typing.get_origin(tp)
        if origin is list and isinstance(value, list):
            (item,) = typing.get_args(tp) or (Any,)
            return [self._value_from_wire(item, v, shape) for v in value]
        if origin is dict and isinstance(value, dict):
            args = typing.get_args(tp)
            item = args[1] if len(args) == 2 else Any
            return {k: self._value_from_wire(item, v, shape) for k, v in value.items()}
        if isinstance(tp, type) and dataclasses.is_dataclass(tp) and isinstance(value, dict):
            return self.from_wire(tp, value, shape)
        return value
