"""In-process event bus (typed events, synchronous delivery) and the events that cross
services, as plain dataclasses: a subscriber imports this module, never the publisher.

Subscriptions are made only in ``emulator.py``. Knows no service: an event carries
plain values (account, region, names), no model of the service that published it.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

LOG = logging.getLogger(__name__)

Handler = Callable[[Any], None]


# -- S3 ----------------------------------------------------------------------------------


@dataclass(slots=True, frozen=True)
class ObjectCreated:
    """Published by S3 after an object version became visible.

    ``event_name`` is as in S3 notification records, e.g. ``ObjectCreated:Put``;
    ``etag`` is unquoted, like the records show it.
    """

    account: str
    region: str
    bucket: str
    key: str
    size: int
    etag: str
    version_id: str | None
    sequencer: str
    event_name: str


@dataclass(slots=True, frozen=True)
class ObjectRemoved:
    """Published by S3 after a version was deleted or a delete marker was created
    (``ObjectRemoved:Delete`` / ``ObjectRemoved:DeleteMarkerCreated``)."""

    account: str
    region: str
    bucket: str
    key: str
    version_id: str | None
    sequencer: str
    event_name: str


class EventBus:
    """Publish an event to every handler subscribed to its type.

    >>> bus = EventBus(); seen = []
    >>> bus.subscribe(int, seen.append); bus.publish(3); seen
    [3]
    """

    def __init__(self) -> None:
        self._handlers: dict[type, list[Handler]] = defaultdict(list)
        self._lock = threading.Lock()

    def subscribe(self, event_type: type, handler: Handler) -> None:
        with self._lock:
            self._handlers[event_type].append(handler)

    def publish(self, event: object) -> None:
        for handler in list(self._handlers.get(type(event), ())):
            try:
                handler(event)
            except Exception:  # a subscriber's bug must not fail the publisher's request
                LOG.exception("event handler %r failed for %r", handler, event)
