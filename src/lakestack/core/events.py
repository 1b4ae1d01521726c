"""In-process event bus: typed events, synchronous delivery.

Subscriptions are made only in ``emulator.py``. Knows no service; services define
their event dataclasses and publish them here.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Callable
from typing import Any

LOG = logging.getLogger(__name__)

Handler = Callable[[Any], None]


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
