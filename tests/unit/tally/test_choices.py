"""``Choices``: the tally's light-weight stand-in for ``class X(str, Enum)`` keeps what callers use."""

from __future__ import annotations

import copy
import json
import pickle
from typing import ClassVar

import pytest

from domain.tally.ballots import VoteType
from domain.tally.choices import Choices, choice
from domain.tally.pabulib import Problem


class Colour(Choices):
    RED: ClassVar[Colour] = choice("red")
    LIGHT_BLUE: ClassVar[Colour] = choice("light-blue")

    @property
    def is_red(self) -> bool:
        return self is Colour.RED


def test_a_member_is_its_value_as_a_string() -> None:
    assert Colour.RED == "red" and isinstance(Colour.RED, str)
    assert (Colour.LIGHT_BLUE.name, Colour.LIGHT_BLUE.value) == ("LIGHT_BLUE", "light-blue")
    assert type(Colour.RED.value) is str
    assert (str(Colour.RED), f"{Colour.RED:>5}") == ("red", "  red")
    assert json.dumps({Colour.RED: [Colour.LIGHT_BLUE]}) == '{"red": ["light-blue"]}'
    by_value: dict[str, int] = {Colour.RED: 1}
    assert by_value["red"] == 1 and {"red": 1}[Colour.RED] == 1
    assert repr(Colour.LIGHT_BLUE) == "<Colour.LIGHT_BLUE: 'light-blue'>"


def test_there_is_one_member_per_value() -> None:
    assert Colour("red") is Colour.RED and Colour(Colour.RED) is Colour.RED
    assert VoteType("choose-1") is VoteType.CHOOSE_1
    for unknown in ("blue", "RED", 1, ["red"]):
        with pytest.raises(ValueError, match="is not a valid Colour"):
            Colour(unknown)  # type: ignore[arg-type]
    assert copy.copy(Colour.RED) is Colour.RED and copy.deepcopy([Colour.RED])[0] is Colour.RED
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        assert pickle.loads(pickle.dumps(VoteType.ORDINAL, protocol)) is VoteType.ORDINAL


def test_the_class_lists_its_members_in_order() -> None:
    assert list(Colour) == [Colour.RED, Colour.LIGHT_BLUE] and len(Colour) == 2
    assert [kind.value for kind in VoteType] == ["approval", "choose-1", "cumulative", "scoring", "ordinal"]
    assert len(Problem) == len(set(Problem)) == 18


def test_a_class_has_its_own_methods() -> None:
    assert Colour.RED.is_red and not Colour.LIGHT_BLUE.is_red
    assert [kind for kind in VoteType if kind.is_approval] == [VoteType.APPROVAL, VoteType.CHOOSE_1]
    assert [kind for kind in VoteType if kind.has_points] == [VoteType.CUMULATIVE, VoteType.SCORING]
