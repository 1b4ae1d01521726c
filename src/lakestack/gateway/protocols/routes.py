"""Operation matching for the REST protocols (rest-json, rest-xml).

Owns the compiled form of every operation's ``http.method`` + ``requestUri``:
a path regex with label groups and the query keys that must be present, ranked
most specific first. Knows botocore models and HTTP only; service quirks (S3's
copy-source header) are applied by the parser subclasses, not here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import unquote

from botocore.model import OperationModel, ServiceModel

_LABEL = re.compile(r"\{([^}]+)\}")


@dataclass(slots=True)
class RestRoute:
    """One operation's matching rule.

    ``literal_query`` pairs come from the template (``?list-type=2`` ->
    ``("list-type", "2")``, ``?uploads`` -> ``("uploads", None)``);
    ``required_query`` are querystring members the input shape marks required
    (S3 ``ListParts`` needs ``uploadId``), used to rank and, in the strict pass,
    to filter.
    """

    operation: OperationModel
    method: str
    regex: re.Pattern[str]
    labels: dict[str, str]
    literal_query: tuple[tuple[str, str | None], ...]
    required_query: tuple[str, ...]
    rank: tuple[int, int, int, int] = field(default=(0, 0, 0, 0))

    def match_query(self, query: dict[str, list[str]], strict: bool) -> bool:
        for key, value in self.literal_query:
            values = query.get(key)
            if values is None or (value is not None and value not in values):
                return False
        if strict:
            for key in self.required_query:
                if key not in query:
                    return False
        return True

    def match_path(self, path: str) -> dict[str, str] | None:
        """Label values (percent-decoded exactly once) keyed by member name, or None."""
        found = self.regex.match(path)
        if found is None:
            return None
        return {self.labels[g]: unquote(v) for g, v in found.groupdict().items()}


def compile_route(operation: OperationModel) -> RestRoute:
    """Compile ``operation``'s request URI template.

    >>> from lakestack.gateway.specs import load_service_model
    >>> r = compile_route(load_service_model("s3").operation_model("ListObjectsV2"))
    >>> r.literal_query, r.match_path("/my-bucket/")
    ((('list-type', '2'),), {'Bucket': 'my-bucket'})
    """
    template = operation.http.get("requestUri", "/")
    path_template, _, query_template = template.partition("?")
    pattern, labels, literal_chars, greedy = _path_pattern(operation, path_template)
    literal_query = tuple(_literal_query(query_template))
    required_query = _required_query_names(operation)
    rank = (
        len(literal_query) + len(required_query),
        literal_chars,
        0 if operation.deprecated else 1,
        -greedy,
    )
    return RestRoute(
        operation=operation,
        method=operation.http.get("method", "POST").upper(),
        regex=re.compile(pattern),
        labels=labels,
        literal_query=literal_query,
        required_query=required_query,
        rank=rank,
    )


def _path_pattern(
    operation: OperationModel, path_template: str
) -> tuple[str, dict[str, str], int, int]:
    labels: dict[str, str] = {}
    parts: list[str] = ["^"]
    literal_chars = greedy = 0
    position = 0
    members = operation.input_shape.members if operation.input_shape else {}
    by_label = {
        m.serialization.get("name", n): n
        for n, m in members.items()
        if m.serialization.get("location") == "uri"
    }
    for found in _LABEL.finditer(path_template):
        literal = path_template[position : found.start()]
        parts.append(re.escape(literal))
        literal_chars += len(literal)
        name = found.group(1)
        group = f"g{len(labels)}"
        if name.endswith("+"):
            name = name[:-1]
            greedy += 1
            parts.append(f"(?P<{group}>.+)")
        else:
            parts.append(f"(?P<{group}>[^/]+)")
        labels[group] = str(by_label.get(name, name))
        position = found.end()
    tail = path_template[position:]
    literal_chars += len(tail)
    if tail.endswith("/"):
        parts.append(re.escape(tail))
    else:
        # AWS accepts ``/bucket/`` for ``/{Bucket}``: a trailing slash is optional.
        parts.append(re.escape(tail) + "/?")
    parts.append("$")
    return "".join(parts), labels, literal_chars, greedy


def _literal_query(query_template: str) -> list[tuple[str, str | None]]:
    pairs: list[tuple[str, str | None]] = []
    for part in filter(None, query_template.split("&")):
        key, sep, value = part.partition("=")
        pairs.append((key, value if sep else None))
    return pairs


def _required_query_names(operation: OperationModel) -> tuple[str, ...]:
    shape = operation.input_shape
    if shape is None:
        return ()
    names = []
    for name in shape.required_members:
        member = shape.members[name]
        if member.serialization.get("location") == "querystring" and "name" in member.serialization:
            names.append(member.serialization["name"])
    return tuple(names)


class RestRouter:
    """All routes of one service, grouped by method and ranked most specific first."""

    def __init__(self, service: ServiceModel, excluded: frozenset[str] = frozenset()) -> None:
        self.by_method: dict[str, list[RestRoute]] = {}
        for name in service.operation_names:
            if name in excluded:
                continue
            route = compile_route(service.operation_model(name))
            self.by_method.setdefault(route.method, []).append(route)
        for routes in self.by_method.values():
            routes.sort(key=lambda r: (tuple(-x for x in r.rank), r.operation.name))

    def match(
        self, method: str, path: str, query: dict[str, list[str]]
    ) -> tuple[RestRoute, dict[str, str]] | None:
        """The best route for the request and its label values, or None.

        First pass requires the required querystring members too; a second pass
        only the template's literal keys, so a request missing a required
        parameter still reaches its operation (whose engine reports it).
        """
        routes = self.by_method.get(method.upper(), ())
        for strict in (True, False):
            for route in routes:
                if not route.match_query(query, strict):
                    continue
                labels = route.match_path(path)
                if labels is not None:
                    return route, labels
        return None
