"""core.lifecycle: transitions tables, settled states, crash recovery and waiting."""

from __future__ import annotations

import threading

import pytest

from lakestack.core.lifecycle import Lifecycle, Waiters

RUNS: Lifecycle[str] = Lifecycle(
    {
        "STARTING": frozenset({"RUNNING", "FAILED", "STOPPING"}),
        "RUNNING": frozenset({"SUCCEEDED", "FAILED", "STOPPING"}),
        "STOPPING": frozenset({"STOPPED"}),
        "SUCCEEDED": frozenset(),
        "FAILED": frozenset(),
        "STOPPED": frozenset(),
    },
    recovery={"STARTING": "FAILED", "RUNNING": "FAILED", "STOPPING": "STOPPED"},
)
CRAWLER: Lifecycle[str] = Lifecycle(
    {
        "READY": frozenset({"RUNNING"}),
        "RUNNING": frozenset({"READY", "STOPPING"}),
        "STOPPING": frozenset({"READY"}),
    },
    recovery={"RUNNING": "READY", "STOPPING": "READY"},
    resting=frozenset({"READY"}),
)


def test_can_move_follows_the_table_and_terminal_states_have_no_exit() -> None:
    assert RUNS.can_move("RUNNING", "SUCCEEDED")
    assert not RUNS.can_move("SUCCEEDED", "RUNNING")
    assert not RUNS.can_move("UNKNOWN", "RUNNING")
    assert RUNS.is_terminal("STOPPED") and not RUNS.is_terminal("STOPPING")


def test_active_states_are_the_unsettled_ones_resting_states_included() -> None:
    assert RUNS.active == {"STARTING", "RUNNING", "STOPPING"}
    assert CRAWLER.active == {"RUNNING", "STOPPING"}
    assert CRAWLER.is_settled("READY") and not CRAWLER.is_terminal("READY")


def test_recover_moves_each_unsettled_resource_to_its_recovery_state() -> None:
    found = [("a", "RUNNING"), ("b", "STOPPING"), ("c", "SUCCEEDED"), ("d", "STARTING")]
    moved: list[tuple[str, str]] = []
    count = RUNS.recover(found, lambda r: r[1], lambda r, s: moved.append((r[0], s)))
    assert count == 3
    assert moved == [("a", "FAILED"), ("b", "STOPPED"), ("d", "FAILED")]


def test_a_state_left_out_of_recovery_is_resumed_not_moved() -> None:
    resumable: Lifecycle[str] = Lifecycle(
        {"RUNNING": frozenset({"DONE"}), "DONE": frozenset()}, recovery={}
    )
    assert resumable.after_crash("RUNNING") is None
    assert resumable.recover([("x", "RUNNING")], lambda r: r[1], lambda r, s: None) == 0


def test_recovery_to_a_state_the_table_does_not_allow_is_refused() -> None:
    with pytest.raises(ValueError, match="not a transition"):
        Lifecycle({"RUNNING": frozenset({"DONE"}), "DONE": frozenset()}, {"RUNNING": "GONE"})


def test_waiters_wait_for_one_key_and_for_all() -> None:
    waiters: Waiters[str] = Waiters()
    waiters.begin("a")
    waiters.begin("b")
    assert waiters.in_flight("a") and sorted(waiters.keys()) == ["a", "b"]
    assert not waiters.wait("a", timeout=0)
    waiters.settle("a")
    assert waiters.wait("a", timeout=0) and not waiters.wait_all(timeout=0)
    settler = threading.Thread(target=waiters.settle, args=("b",))
    settler.start()
    assert waiters.wait_all(timeout=30)
    settler.join()
    assert waiters.wait("never-begun", timeout=0)
