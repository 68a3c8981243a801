"""``Rational`` computes what ``fractions.Fraction`` computes: the same values in the same lowest
terms, the same order, equality and hashes, and the same errors, including mixed with ``int``,
``float`` and ``Fraction`` on either side."""

from __future__ import annotations

import copy
import math
import operator
import pickle
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.tally.rational import Rational

integers = st.integers(min_value=-(10**30), max_value=10**30)
denominators = st.integers(min_value=1, max_value=10**12) | st.integers(min_value=-(10**6), max_value=-1)
pairs = st.tuples(integers, denominators)
small = st.integers(min_value=-1000, max_value=1000)

ARITHMETIC = (operator.add, operator.sub, operator.mul, operator.truediv, operator.floordiv, operator.mod)
COMPARISONS = (operator.eq, operator.ne, operator.lt, operator.le, operator.gt, operator.ge)


def same(ours: object, theirs: object) -> None:
    if isinstance(theirs, Fraction):
        assert type(ours) is Rational
        assert (ours.numerator, ours.denominator) == (theirs.numerator, theirs.denominator)  # type: ignore[attr-defined]
        assert hash(ours) == hash(theirs)
    else:
        assert type(ours) is type(theirs)
        assert ours == theirs


@given(pairs)
def test_made_in_lowest_terms_with_a_positive_denominator(pair: tuple[int, int]) -> None:
    same(Rational(*pair), Fraction(*pair))
    same(Rational(Fraction(*pair)), Fraction(*pair))


@given(pairs, pairs)
def test_arithmetic_and_comparison_as_fraction(a: tuple[int, int], b: tuple[int, int]) -> None:
    x, y, fx, fy = Rational(*a), Rational(*b), Fraction(*a), Fraction(*b)
    for operation in ARITHMETIC:
        if operation in (operator.truediv, operator.floordiv, operator.mod) and fy == 0:
            with pytest.raises(ZeroDivisionError):
                operation(x, y)
            continue
        expected = operation(fx, fy)
        same(operation(x, y), expected)
        same(operation(x, fy), expected)  # a Fraction on the right: ours answers
        assert operation(fx, y) == expected  # a Fraction on the left answers in Fraction
    for comparison in COMPARISONS:
        assert comparison(x, y) is comparison(fx, fy)
        assert comparison(x, fy) is comparison(fx, fy)
        assert comparison(fx, y) is comparison(fx, fy)


@given(pairs, small)
def test_with_integers_on_either_side(a: tuple[int, int], k: int) -> None:
    x, fx = Rational(*a), Fraction(*a)
    for operation in (operator.add, operator.sub, operator.mul):
        same(operation(x, k), operation(fx, k))
        same(operation(k, x), operation(k, fx))
    if k:
        same(x / k, fx / k)
    if fx:
        same(k / x, k / fx)
    for comparison in COMPARISONS:
        assert comparison(x, k) is comparison(fx, k)
        assert comparison(k, x) is comparison(k, fx)
    same(-x, -fx)
    same(abs(x), abs(fx))
    same(x**2, fx**2)
    if fx:
        same(x**-3, fx**-3)


@given(pairs, st.floats(allow_nan=True, allow_infinity=True, width=64))
def test_with_floats_as_fraction(a: tuple[int, int], value: float) -> None:
    x, fx = Rational(*a), Fraction(*a)
    for comparison in COMPARISONS:
        assert comparison(x, value) is comparison(fx, value)
    if math.isfinite(value):
        assert x + value == fx + value
        assert type(x * value) is float


@given(pairs)
def test_conversions_as_fraction(a: tuple[int, int]) -> None:
    x, fx = Rational(*a), Fraction(*a)
    assert float(x) == float(fx)
    assert int(x) == int(fx)
    assert math.floor(x) == math.floor(fx)
    assert math.ceil(x) == math.ceil(fx)
    assert round(x) == round(fx)
    assert round(x, 2) == round(fx, 2)
    assert str(x) == str(fx)
    assert bool(x) is bool(fx)
    assert x.as_integer_ratio() == fx.as_integer_ratio()


def test_equal_values_are_one_key() -> None:
    table = {Rational(4, 2): "two", Fraction(1, 3): "third"}
    assert table[2] == "two"
    assert table[Fraction(2)] == "two"
    assert table[Rational(1, 3)] == "third"
    assert {Rational(1, 2), Fraction(1, 2), 0.5} == {0.5}


@pytest.mark.parametrize(
    "text", ["12", " 7 ", "969245.38", "400000.0", "-2.50", "+3", "1e3", "-3/4", "1_000", "0.10", "1.", ".5", "-0"]
)
def test_text_read_as_fraction_reads_it(text: str) -> None:
    same(Rational(text), Fraction(text))


@pytest.mark.parametrize("text", ["", "abc", "1.2.3", "²", "1/0x", ".", "-", "1.-2", "--1", "1 2"])
def test_text_refused_as_fraction_refuses_it(text: str) -> None:
    with pytest.raises(ValueError):
        Fraction(text)
    with pytest.raises(ValueError):
        Rational(text)


def test_errors() -> None:
    with pytest.raises(ZeroDivisionError):
        Rational(1, 0)
    with pytest.raises(ZeroDivisionError):
        Rational(1) / 0
    with pytest.raises(TypeError):
        Rational(1.5, 2)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Rational(1) + "1"  # type: ignore[operator]


def test_immutable_and_kept_whole_by_pickle_and_copy() -> None:
    value = Rational(-6, 4)
    with pytest.raises(AttributeError):
        value.numerator = 5  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(value)) == value
    assert copy.deepcopy(value) is value
    assert repr(value) == "Rational(-3, 2)"
    assert Fraction(value) == Fraction(-3, 2)
    assert sum([Rational(1, 3)] * 3, Rational(0)) == 1


@given(st.decimals(allow_nan=False, allow_infinity=False))
def test_decimal_text_read_as_fraction_reads_it(value: object) -> None:
    for text in (str(value), f"{value:f}"):
        same(Rational(text), Fraction(text))
