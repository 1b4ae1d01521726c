"""Lazy per-(account, region) state with one reset.

Knows nothing of any service: a store is whatever the factory builds.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class AccountRegionStore(Generic[T]):
    """Creates a ``T`` per (account, region) on first use.

    >>> s = AccountRegionStore(dict)
    >>> s.get("1", "us-east-1")["k"] = 1
    >>> s.get("1", "us-east-1")
    {'k': 1}
    >>> s.reset(); s.get("1", "us-east-1")
    {}
    """

    def __init__(self, factory: Callable[[], T]) -> None:
        self._factory = factory
        self._items: dict[tuple[str, str], T] = {}
        self._lock = threading.Lock()

    def get(self, account: str, region: str) -> T:
        key = (account, region)
        item = self._items.get(key)
        if item is None:
            with self._lock:
                item = self._items.get(key)
                if item is None:
                    item = self._items[key] = self._factory()
        return item

    def items(self) -> Iterator[tuple[tuple[str, str], T]]:
        return iter(list(self._items.items()))

    def reset(self) -> None:
        with self._lock:
            self._items.clear()
