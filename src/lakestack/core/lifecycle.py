"""Asynchronous resources as explicit state machines (STYLE §4): Athena query executions,
Glue job runs and crawls today; Lambda async invokes, Step Functions executions and
Redshift statements next.

A :class:`Lifecycle` is data: the allowed transitions, which states are *settled* (no
work in flight: the terminal states, or a resting state such as a crawler's ``READY``)
and, for every unsettled state, where a resource goes when the process that was
driving it died (recovery on the next open: ``RUNNING -> FAILED`` "lakestack
restarted", ``STOPPING -> STOPPED`` ...; a state left out of ``recovery`` is resumed by
its engine). :class:`Waiters` lets callers block until a resource settles, on one
condition variable and never by sleeping. Knows no service and no storage.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

S = TypeVar("S", bound=Hashable)
K = TypeVar("K", bound=Hashable)
T = TypeVar("T")


@dataclass(frozen=True)
class Lifecycle(Generic[S]):
    """The states of one kind of asynchronous resource.

    >>> runs = Lifecycle(
    ...     {"RUNNING": frozenset({"SUCCEEDED", "FAILED"}), "SUCCEEDED": frozenset(),
    ...      "FAILED": frozenset()},
    ...     recovery={"RUNNING": "FAILED"},
    ... )
    >>> runs.can_move("RUNNING", "FAILED"), runs.can_move("FAILED", "RUNNING")
    (True, False)
    >>> sorted(runs.active), runs.is_settled("SUCCEEDED"), runs.after_crash("RUNNING")
    (['RUNNING'], True, 'FAILED')
    """

    transitions: Mapping[S, frozenset[S]]
    recovery: Mapping[S, S] = field(default_factory=dict)
    """Unsettled state -> the state a resource left in it by a dead process moves to."""
    resting: frozenset[S] = frozenset()
    """Settled states that still have exits (a crawler's READY); terminal ones are implied."""

    def __post_init__(self) -> None:
        for state, target in self.recovery.items():
            if not self.can_move(state, target):
                raise ValueError(f"recovery {state!r} -> {target!r} is not a transition")

    def can_move(self, current: S, new: S) -> bool:
        """Whether the transitions table allows ``current -> new``."""
        return new in self.transitions.get(current, frozenset())

    def is_terminal(self, state: S) -> bool:
        """No state may follow."""
        return not self.transitions.get(state)

    def is_settled(self, state: S) -> bool:
        """Nothing is in flight: a terminal or resting state."""
        return state in self.resting or self.is_terminal(state)

    @property
    def active(self) -> frozenset[S]:
        """The states in which work is in flight."""
        return frozenset(s for s in self.transitions if not self.is_settled(s))

    def after_crash(self, state: S) -> S | None:
        """Where a resource found in ``state`` on open goes (None: leave it, resume it)."""
        return None if self.is_settled(state) else self.recovery.get(state)

    def recover(
        self, found: Iterable[T], state_of: Callable[[T], S], move: Callable[[T, S], object]
    ) -> int:
        """Move every resource a dead process left unsettled to its recovery state;
        returns how many moved.

        >>> runs = Lifecycle({"RUNNING": frozenset({"FAILED"}), "FAILED": frozenset()},
        ...                  recovery={"RUNNING": "FAILED"})
        >>> moved = []
        >>> runs.recover([("a", "RUNNING"), ("b", "FAILED")], lambda r: r[1],
        ...              lambda r, s: moved.append((r[0], s)))
        1
        >>> moved
        [('a', 'FAILED')]
        """
        count = 0
        for item in found:
            target = self.after_crash(state_of(item))
            if target is not None:
                move(item, target)
                count += 1
        return count


class Waiters(Generic[K]):
    """Resources in flight in this process, and waiting for them to settle.

    An engine calls :meth:`begin` when it starts driving a resource and :meth:`settle`
    once it reached a settled state; anyone may :meth:`wait` for one or all of them.

    >>> w: Waiters[str] = Waiters()
    >>> w.begin("q1"); w.wait("q1", timeout=0)
    False
    >>> w.settle("q1"); w.wait("q1", timeout=0), w.wait_all(timeout=0)
    (True, True)
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._flying: set[K] = set()

    def begin(self, key: K) -> None:
        with self._cond:
            self._flying.add(key)

    def settle(self, key: K) -> None:
        with self._cond:
            self._flying.discard(key)
            self._cond.notify_all()

    def in_flight(self, key: K) -> bool:
        with self._cond:
            return key in self._flying

    def keys(self) -> list[K]:
        with self._cond:
            return list(self._flying)

    def wait(self, key: K, timeout: float | None = None) -> bool:
        """Block until ``key`` is settled (True) or ``timeout`` seconds passed (False)."""
        with self._cond:
            return self._cond.wait_for(lambda: key not in self._flying, timeout)

    def wait_all(self, timeout: float | None = None) -> bool:
        """Block until nothing is in flight (True) or ``timeout`` seconds passed."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._flying, timeout)
