"""Values shared by the protocol parsers, serializers and ``gateway.errors``.

Knows the wire-level error vocabulary (codes the protocols themselves raise), not
any service's semantics.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class ErrorDetails:
    """A wire error ready for a serializer: everything but the envelope."""

    code: str
    message: str
    status: int = 400
    sender_fault: bool = True
    fields: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)


class ProtocolError(Exception):
    """The request could not be parsed. ``code``/``status`` are what AWS answers."""

    code = "SerializationException"
    status = 400

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status


class UnknownOperation(ProtocolError):
    """No operation of the service matches the request."""

    code = "UnknownOperationException"


class MissingParameter(ProtocolError):
    """A required member is absent (query protocol's ``MissingParameter``)."""

    code = "MissingParameter"


class MalformedXML(ProtocolError):
    code = "MalformedXML"
