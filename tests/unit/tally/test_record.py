"""``@record``: each class's ``__init__`` is a renamed copy of code shared by all records with as
many fields; these check that the copies take their own names, defaults and ``__post_init__``."""

from __future__ import annotations

import pytest

from domain.tally.record import FrozenInstanceError, _source, fields, hidden, record
from domain.tally.record_init import TEMPLATES


@record
class Pair:
    left: int
    right: str = "r"


@record
class Other:  # as many fields as Pair: the same shared code, other names and defaults
    first: str
    second: int = 7


@record
class Doubled:
    value: int
    twice: int = hidden(init=False)

    def __post_init__(self) -> None:
        self.__dict__["twice"] = 2 * self.value


@record
class Placeholders:  # names that look like the shared code's own placeholders
    _1: int
    _0: int


def test_each_record_binds_its_own_names_and_defaults() -> None:
    assert Pair(1) == Pair(left=1, right="r")
    assert Pair(1, "x").right == "x"
    assert Other("a") == Other(first="a", second=7)
    assert Other(second=3, first="b").second == 3
    assert repr(Pair(2)) == "Pair(left=2, right='r')"
    assert fields(Other("a")) == ("first", "second")
    assert Pair.__init__.__qualname__ == "Pair.__init__"


def test_wrong_arguments_are_refused_as_python_refuses_them() -> None:
    with pytest.raises(TypeError, match="left"):
        Pair()  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="unexpected keyword argument 'left'"):
        Other(first="a", left=1)  # type: ignore[call-arg]


def test_post_init_runs_and_hidden_fields_are_not_arguments() -> None:
    doubled = Doubled(4)
    assert doubled.twice == 8
    assert fields(doubled) == ("value",)
    assert doubled == Doubled(4)
    with pytest.raises(FrozenInstanceError):
        doubled.value = 5  # type: ignore[misc]


def test_placeholder_like_names_keep_their_order() -> None:
    value = Placeholders(1, 2)
    assert (value._1, value._0) == (1, 2)
    assert Placeholders(_0=2, _1=1) == value


def test_a_default_before_a_field_without_one_is_refused() -> None:
    with pytest.raises(TypeError, match="default"):

        @record
        class Bad:
            first: int = 1
            second: int  # type: ignore[misc]


@pytest.mark.parametrize(("count", "post_init"), sorted(TEMPLATES))
def test_the_written_out_templates_are_the_compiled_ones(count: int, post_init: bool) -> None:
    namespace: dict[str, object] = {}
    exec(_source(count, post_init), namespace)
    compiled = namespace["__init__"].__code__  # type: ignore[attr-defined]
    written = TEMPLATES[count, post_init]
    assert written.co_code == compiled.co_code
    assert (written.co_consts, written.co_varnames, written.co_argcount) == (
        compiled.co_consts,
        compiled.co_varnames,
        compiled.co_argcount,
    )
