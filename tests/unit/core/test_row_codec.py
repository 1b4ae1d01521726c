"""core.sqlite's row codec: every store's models as JSON text and back."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import UTC, datetime

from lakestack.core.sqlite import dump, dumps, load, loads


class Color(enum.StrEnum):
    RED = "RED"
    BLUE = "BLUE"


@dataclass
class Leaf:
    name: str
    at: datetime | None = None


@dataclass
class Tree:
    leaves: list[Leaf] = field(default_factory=list)
    by_name: dict[str, Leaf] = field(default_factory=dict)
    color: Color = Color.RED
    data: bytes | None = None
    other: dict[str, object] = field(default_factory=dict)


def test_nested_models_enums_datetimes_and_bytes_round_trip() -> None:
    when = datetime(2026, 7, 1, 12, 30, tzinfo=UTC)
    tree = Tree(
        [Leaf("a", when), Leaf("b")],
        {"c": Leaf("c", when)},
        Color.BLUE,
        b"\x00\xff",
        {"Kept": {"Nested": [1, 2]}},
    )
    again = load(Tree, dump(tree))
    assert again == tree
    assert isinstance(again.leaves[0], Leaf) and isinstance(again.by_name["c"], Leaf)
    assert again.color is Color.BLUE and again.leaves[0].at == when


def test_stored_fields_the_model_no_longer_has_are_ignored() -> None:
    assert load(Leaf, '{"name": "x", "retired": 1}') == Leaf("x")


def test_dumps_loads_keep_datetimes_and_bytes_in_plain_values() -> None:
    value = {"d": datetime(2026, 1, 1, tzinfo=UTC), "b": b"\x01", "n": [1, None]}
    assert loads(dumps(value)) == value
