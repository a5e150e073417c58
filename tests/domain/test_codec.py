"""The type-driven JSON codec: round trips of every supported shape, and corrupt data refused."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import Enum
from typing import Any

import pytest

from bot.domain.codec import CodecError, decode, encode


class Colour(Enum):
    RED = "red"
    BLUE = "blue"


@dataclass(frozen=True)
class Leaf:
    when: datetime
    day: date
    at: time
    lasting: timedelta
    colour: Colour
    ratio: float = 0.5


@dataclass(frozen=True)
class Tree:
    name: str
    count: int
    flag: bool
    leaves: tuple[Leaf, ...]
    pair: tuple[int, str]
    tags: frozenset[str]
    ranks: list[int]
    extra: dict[str, int]
    anything: Any = None
    maybe: Leaf | None = None
    either: int | str = 0
    children: tuple[Tree, ...] = ()
    computed: int = field(default=7, init=False)


def _leaf() -> Leaf:
    return Leaf(
        datetime(2026, 11, 22, 7, 30, tzinfo=UTC),
        date(2026, 11, 22),
        time(6, 15),
        timedelta(minutes=90),
        Colour.BLUE,
    )


def _tree() -> Tree:
    return Tree(
        name="root",
        count=3,
        flag=True,
        leaves=(_leaf(),),
        pair=(1, "one"),
        tags=frozenset({"b", "a"}),
        ranks=[3, 1],
        extra={"k": 1},
        anything={"free": [1, 2]},
        maybe=_leaf(),
        either="text",
        children=(Tree("child", 0, False, (), (2, "two"), frozenset(), [], {}),),
    )


def test_every_supported_shape_round_trips() -> None:
    data = encode(_tree())
    assert data["tags"] == ["a", "b"]
    assert data["leaves"][0]["lasting"] == 5400.0
    assert data["leaves"][0]["colour"] == "blue"
    assert decode(Tree, data) == _tree()


def test_missing_optional_fields_take_their_defaults() -> None:
    data = encode(_tree())
    for name in ("anything", "maybe", "either", "children"):
        del data[name]
    decoded = decode(Tree, data)
    assert decoded.maybe is None
    assert decoded.either == 0
    assert decoded.children == ()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("name"), "Tree.name is missing"),
        (lambda d: d.update(count=True), "expected an int"),
        (lambda d: d.update(count="3"), "expected an int"),
        (lambda d: d.update(pair=[1]), "tuple length mismatch"),
        (lambda d: d.update(leaves={"not": "a list"}), "expected list"),
        (lambda d: d.update(flag="yes"), "expected bool"),
        (lambda d: d["leaves"][0].update(colour="green"), "cannot decode"),
        (lambda d: d["leaves"][0].update(when="not a date"), "cannot decode"),
        (lambda d: d["leaves"][0].update(lasting="long"), "expected a number"),
        (lambda d: d.update(either=[1]), "no option"),
    ],
)
def test_corrupt_data_is_refused_with_a_codec_error(change: Any, message: str) -> None:
    data = encode(_tree())
    change(data)
    with pytest.raises(CodecError, match=message):
        decode(Tree, data)


def test_an_unsupported_type_is_a_codec_error() -> None:
    with pytest.raises(CodecError, match="unsupported type"):
        decode(complex, 1)
