"""Compiled XML writers for botocore shapes (query and rest-xml response bodies).

Owns turning a value of a shape into XML text appended to a list of strings.
Each shape is compiled once into a small closure (element names, escaping,
member order precomputed), because S3 listings write thousands of elements per
response. Output is built with string joins, never ElementTree. Knows shapes and
XML; nothing of HTTP or services.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable
from typing import Any

from botocore.model import Shape

from lakestack.gateway.protocols.values import format_bool, format_timestamp, xml_escape

LOG = logging.getLogger(__name__)

Out = list[str]
Writer = Callable[[Any, Out], None]


def scalar_text(shape: Shape, value: Any, default_timestamp: str = "iso8601") -> str:
    """The XML/header text of a scalar value of ``shape`` (unescaped).

    >>> from botocore.model import Shape
    >>> scalar_text(Shape("B", {"type": "boolean"}), True)
    'true'
    """
    kind = shape.type_name
    if kind == "timestamp":
        fmt = shape.serialization.get("timestampFormat", default_timestamp)
        return str(format_timestamp(value, fmt))
    if kind == "boolean":
        return format_bool(value)
    if kind == "blob":
        raw = value.encode("utf-8") if isinstance(value, str) else bytes(value)
        return base64.b64encode(raw).decode("ascii")
    if kind in ("integer", "long"):
        return str(int(value))
    return str(value)


def xml_member_name(member: Any, member_name: str, query: bool = False) -> str:
    """The element name of a structure member, as botocore's XML parsers look it up.

    A flattened list is named after its item's ``locationName`` when it has one; the
    query protocol prefers ``queryName`` (query-only names patched into JSON models).
    """
    if member.type_name == "list" and member.serialization.get("flattened"):
        item_name = member.member.serialization.get("name")
        if item_name:
            return str(item_name)
    if query and member.serialization.get("queryName"):
        return str(member.serialization["queryName"])
    return str(member.serialization.get("name", member_name))


def namespace_attr(shape: Shape, default_uri: str | None = None) -> str:
    """`` xmlns="..."`` (or ``xmlns:prefix``) for an element, from the shape or a default."""
    namespace = shape.serialization.get("xmlNamespace")
    if isinstance(namespace, dict):
        prefix = namespace.get("prefix")
        attr = f"xmlns:{prefix}" if prefix else "xmlns"
        return f' {attr}="{xml_escape(namespace["uri"])}"'
    if isinstance(namespace, str):
        return f' xmlns="{xml_escape(namespace)}"'
    if default_uri:
        return f' xmlns="{xml_escape(default_uri)}"'
    return ""


class _StructureContent:
    """Writes a structure's member elements in model order; drops unknown keys."""

    __slots__ = ("shape_name", "members", "attributes")

    def __init__(self, shape_name: str) -> None:
        self.shape_name = shape_name
        self.members: list[tuple[str, Writer]] = []
        self.attributes: list[tuple[str, str, Shape]] = []

    def __call__(self, value: dict[str, Any], out: Out) -> None:
        written = 0
        for name, write in self.members:
            item = value.get(name)
            if item is not None:
                write(item, out)
                written += 1
        if written + len(self.attributes) < len(value):
            self._log_dropped(value)

    def _log_dropped(self, value: dict[str, Any]) -> None:
        known = {n for n, _ in self.members} | {n for n, _, _ in self.attributes}
        dropped = [k for k, v in value.items() if k not in known and v is not None]
        if dropped:
            LOG.debug("dropping non-members of %s: %s", self.shape_name, dropped)

    def attribute_text(self, value: dict[str, Any]) -> str:
        parts = []
        for name, attr, shape in self.attributes:
            item = value.get(name)
            if item is not None:
                parts.append(f' {attr}="{xml_escape(scalar_text(shape, item))}"')
        return "".join(parts)


class XmlWriter:
    """Compiles and caches writers per shape for one service model."""

    def __init__(self, query: bool = False) -> None:
        self._structures: dict[tuple[str, bool], _StructureContent] = {}
        self._query = query

    def structure_content(self, shape: Any, top_level: bool = False) -> _StructureContent:
        """Member elements of ``shape``; ``top_level`` skips header/status members."""
        key = (shape.name, top_level)
        found = self._structures.get(key)
        if found is not None:
            return found
        content = self._structures[key] = _StructureContent(shape.name)
        for name, member in shape.members.items():
            if top_level and member.serialization.get("location"):
                continue
            if member.serialization.get("xmlAttribute"):
                attr = member.serialization.get("name", name)
                content.attributes.append((name, attr, member))
                continue
            content.members.append((name, self.member_writer(member, name)))
        return content

    def member_writer(self, member: Any, member_name: str) -> Writer:
        name = xml_member_name(member, member_name, self._query)
        if member.type_name == "list" and member.serialization.get("flattened"):
            item = self.element(member.member, name)

            def write_flat_list(value: Any, out: Out) -> None:
                for entry in value:
                    item(entry, out)

            return write_flat_list
        return self.element(member, name)

    def element(self, shape: Any, name: str, extra_attrs: str = "") -> Writer:
        """A writer of ``<name>value</name>`` for ``shape``."""
        kind = shape.type_name
        if kind == "structure":
            return self._structure_element(shape, name, extra_attrs)
        if kind == "list":
            return self._list_element(shape, name, extra_attrs)
        if kind == "map":
            return self._map_element(shape, name, extra_attrs)
        return self._scalar_element(shape, name, extra_attrs)

    def _structure_element(self, shape: Any, name: str, extra_attrs: str) -> Writer:
        head = f"<{name}{namespace_attr(shape)}{extra_attrs}"
        close = f"</{name}>"
        content = self.structure_content(shape)

        def write_structure(value: Any, out: Out) -> None:
            if content.attributes:
                out.append(head + content.attribute_text(value) + ">")
            else:
                out.append(head + ">")
            content(value, out)
            out.append(close)

        return write_structure

    def _list_element(self, shape: Any, name: str, extra_attrs: str) -> Writer:
        member = shape.member
        item = self.element(member, member.serialization.get("name", "member"))
        open_tag, close = f"<{name}{extra_attrs}>", f"</{name}>"

        def write_list(value: Any, out: Out) -> None:
            out.append(open_tag)
            for entry in value:
                item(entry, out)
            out.append(close)

        return write_list

    def _map_element(self, shape: Any, name: str, extra_attrs: str) -> Writer:
        key_name = shape.key.serialization.get("name", "key")
        write_key = self.element(shape.key, key_name)
        write_value = self.element(shape.value, shape.value.serialization.get("name", "value"))
        flattened = bool(shape.serialization.get("flattened"))
        outer = f"<{name}{extra_attrs}>", f"</{name}>"
        entry = (f"<{name}>", f"</{name}>") if flattened else ("<entry>", "</entry>")

        def write_map(value: Any, out: Out) -> None:
            if not flattened:
                out.append(outer[0])
            for k, v in value.items():
                out.append(entry[0])
                write_key(k, out)
                if v is not None:
                    write_value(v, out)
                out.append(entry[1])
            if not flattened:
                out.append(outer[1])

        return write_map

    def _scalar_element(self, shape: Any, name: str, extra_attrs: str) -> Writer:
        open_tag, close = f"<{name}{extra_attrs}>", f"</{name}>"
        if shape.type_name == "string":

            def write_string(value: Any, out: Out) -> None:
                out.append(
                    open_tag + xml_escape(value if type(value) is str else str(value)) + close
                )

            return write_string

        def write_scalar(value: Any, out: Out) -> None:
            out.append(open_tag + xml_escape(scalar_text(shape, value)) + close)

        return write_scalar
