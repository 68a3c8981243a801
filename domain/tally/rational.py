"""Exact rational numbers for counting: the values ``fractions.Fraction`` computes, at less cost.

Every amount, satisfaction and price in a tally is exact. ``fractions.Fraction`` gives exactly
that, but a whole-process ``civic tally`` of a small election paid for it twice over:

* importing ``fractions`` imports ``decimal`` and ``re`` (and through ``re``, ``enum`` and
  ``functools``) and compiles a regular expression: on a slow machine 18 ms, while a Python that
  does nothing takes 21 ms and counting a few hundred ballots takes a few more;
* every comparison and arithmetic step first asks ``isinstance(other, numbers.Rational)``, an
  abstract-class check that costs more than the integer arithmetic itself. Sorting prices
  compares thousands of times.

``Rational`` is the same arithmetic (the same reductions by gcd that Python 3.11's ``Fraction``
does, so results are in lowest terms with a positive denominator), checked by type first, with
an integer or another ``Rational`` the fast cases. It equals, orders and hashes like a
``Fraction`` or an ``int`` of the same value, so either can stand for the other in a set, as a
dict key or in a comparison. It is registered as a ``numbers.Rational``: ``Fraction(value)``
accepts it, and arithmetic with a ``Fraction`` works both ways (a ``Fraction`` on the left
answers in ``Fraction``). Text in plain decimals (``Rational("969245.38")``), what Pabulib
files hold, is read here; any other text, and ``float`` and ``Decimal`` values, are read by
``fractions.Fraction`` itself, imported only then, so every spelling it accepts is accepted
here, and only those.
"""

from __future__ import annotations

import numbers
import sys
from math import gcd

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

_MODULUS = sys.hash_info.modulus
_INFINITE_HASH = sys.hash_info.inf


class Rational:
    """An exact rational number in lowest terms (``denominator`` > 0). Immutable, as ``int`` is."""

    __slots__ = ("denominator", "numerator")

    numerator: int
    denominator: int

    def __new__(cls, numerator: object = 0, denominator: int | None = None) -> Rational:
        if denominator is None:
            if type(numerator) is int:
                return _exact(numerator, 1)
            if type(numerator) is Rational:
                return numerator
            if isinstance(numerator, int):  # bool, or another int subclass
                return _exact(int(numerator), 1)
            if isinstance(numerator, numbers.Rational):  # fractions.Fraction
                return _exact(int(numerator.numerator), int(numerator.denominator))
            if isinstance(numerator, str) and numerator.isascii():
                read = _decimal(numerator.strip())
                if read is not None:
                    return read
            # Text, float or Decimal: read as fractions.Fraction reads it (its errors included).
            from fractions import Fraction

            read = Fraction(numerator)  # type: ignore[call-overload]  # (anything else: its TypeError)
            return _exact(read.numerator, read.denominator)
        if type(numerator) is not int or type(denominator) is not int:
            if not (isinstance(numerator, int) and isinstance(denominator, int)):
                raise TypeError("both arguments should be integers")
            numerator, denominator = int(numerator), int(denominator)
        if denominator == 0:
            raise ZeroDivisionError(f"Rational({numerator}, 0)")
        common = gcd(numerator, denominator)
        if denominator < 0:
            common = -common
        if common != 1:
            numerator //= common
            denominator //= common
        return _exact(numerator, denominator)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"a Rational cannot be changed ({name})")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"a Rational cannot be changed ({name})")

    def __reduce__(self) -> tuple[type[Rational], tuple[int, int]]:
        return (Rational, (self.numerator, self.denominator))

    def __copy__(self) -> Rational:
        return self

    def __deepcopy__(self, memo: object) -> Rational:
        return self

    # --- arithmetic --------------------------------------------------------------------------

    def __add__(self, other: int | Rational) -> Rational:
        if type(other) is Rational:
            return _add(self.numerator, self.denominator, other.numerator, other.denominator)
        if type(other) is int:
            return _exact(self.numerator + other * self.denominator, self.denominator)
        result: Rational = _fallback(self, other, _add)
        return result

    def __radd__(self, other: int | Rational) -> Rational:
        if type(other) is int:
            return _exact(self.numerator + other * self.denominator, self.denominator)
        result: Rational = _fallback(other, self, _add)
        return result

    def __sub__(self, other: int | Rational) -> Rational:
        if type(other) is Rational:
            return _add(self.numerator, self.denominator, -other.numerator, other.denominator)
        if type(other) is int:
            return _exact(self.numerator - other * self.denominator, self.denominator)
        result: Rational = _fallback(self, other, _subtract)
        return result

    def __rsub__(self, other: int | Rational) -> Rational:
        if type(other) is int:
            return _exact(other * self.denominator - self.numerator, self.denominator)
        result: Rational = _fallback(other, self, _subtract)
        return result

    def __mul__(self, other: int | Rational) -> Rational:
        if type(other) is Rational:
            return _multiply(self.numerator, self.denominator, other.numerator, other.denominator)
        if type(other) is int:
            return _multiply(self.numerator, self.denominator, other, 1)
        result: Rational = _fallback(self, other, _multiply)
        return result

    def __rmul__(self, other: int | Rational) -> Rational:
        if type(other) is int:
            return _multiply(other, 1, self.numerator, self.denominator)
        result: Rational = _fallback(other, self, _multiply)
        return result

    def __truediv__(self, other: int | Rational) -> Rational:
        if type(other) is Rational:
            return _divide(self.numerator, self.denominator, other.numerator, other.denominator)
        if type(other) is int:
            return _divide(self.numerator, self.denominator, other, 1)
        result: Rational = _fallback(self, other, _divide)
        return result

    def __rtruediv__(self, other: int | Rational) -> Rational:
        if type(other) is int:
            return _divide(other, 1, self.numerator, self.denominator)
        result: Rational = _fallback(other, self, _divide)
        return result

    def __floordiv__(self, other: int | Rational) -> int:
        if isinstance(other, float):
            return float(self) // other  # type: ignore[return-value]  # (a float, as with Fraction)
        quotient = self / other
        return quotient.numerator // quotient.denominator

    def __rfloordiv__(self, other: int | Rational) -> int:
        if isinstance(other, float):
            return other // float(self)  # type: ignore[return-value]
        quotient = other / self
        return quotient.numerator // quotient.denominator

    def __mod__(self, other: int | Rational) -> Rational:
        if isinstance(other, float):
            return float(self) % other  # type: ignore[return-value]
        return self - (self // other) * other

    def __rmod__(self, other: int | Rational) -> Rational:
        if isinstance(other, float):
            return other % float(self)  # type: ignore[return-value]
        return other - (other // self) * self

    def __pow__(self, power: int) -> Rational:
        if type(power) is not int:
            return NotImplemented
        if power >= 0:
            return _exact(self.numerator**power, self.denominator**power)
        return Rational(self.denominator**-power, self.numerator**-power)

    def __neg__(self) -> Rational:
        return _exact(-self.numerator, self.denominator)

    def __pos__(self) -> Rational:
        return self

    def __abs__(self) -> Rational:
        return self if self.numerator >= 0 else _exact(-self.numerator, self.denominator)

    # --- comparison --------------------------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        if type(other) is Rational:
            return self.numerator == other.numerator and self.denominator == other.denominator
        if type(other) is int:
            return self.denominator == 1 and self.numerator == other
        if isinstance(other, numbers.Rational):
            return self.numerator == other.numerator and self.denominator == other.denominator
        if isinstance(other, float):
            if other != other or other in (float("inf"), float("-inf")):
                return False
            return self == Rational(*other.as_integer_ratio())
        return NotImplemented

    def __hash__(self) -> int:
        # As fractions.Fraction (and so int and float) hash equal values.
        if self.denominator == 1:
            return hash(self.numerator)
        try:
            inverse = pow(self.denominator, -1, _MODULUS)
        except ValueError:
            value = _INFINITE_HASH
        else:
            value = hash(hash(abs(self.numerator)) * inverse)
        result = value if self.numerator >= 0 else -value
        return -2 if result == -1 else result

    def __lt__(self, other: int | Rational) -> bool:
        if type(other) is Rational:
            return self.numerator * other.denominator < other.numerator * self.denominator
        if type(other) is int:
            return self.numerator < other * self.denominator
        compared = _cross(self, other)
        return NotImplemented if compared is None else bool(compared[0] < compared[1])

    def __le__(self, other: int | Rational) -> bool:
        if type(other) is Rational:
            return self.numerator * other.denominator <= other.numerator * self.denominator
        if type(other) is int:
            return self.numerator <= other * self.denominator
        compared = _cross(self, other)
        return NotImplemented if compared is None else bool(compared[0] <= compared[1])

    def __gt__(self, other: int | Rational) -> bool:
        if type(other) is Rational:
            return self.numerator * other.denominator > other.numerator * self.denominator
        if type(other) is int:
            return self.numerator > other * self.denominator
        compared = _cross(self, other)
        return NotImplemented if compared is None else bool(compared[0] > compared[1])

    def __ge__(self, other: int | Rational) -> bool:
        if type(other) is Rational:
            return self.numerator * other.denominator >= other.numerator * self.denominator
        if type(other) is int:
            return self.numerator >= other * self.denominator
        compared = _cross(self, other)
        return NotImplemented if compared is None else bool(compared[0] >= compared[1])

    def __bool__(self) -> bool:
        return self.numerator != 0

    # --- conversion --------------------------------------------------------------------------

    def __float__(self) -> float:
        return self.numerator / self.denominator  # (int division rounds correctly, however large)

    def __int__(self) -> int:
        # Towards zero, as int(Fraction) does.
        if self.numerator < 0:
            return -(-self.numerator // self.denominator)
        return self.numerator // self.denominator

    def __floor__(self) -> int:
        return self.numerator // self.denominator

    def __ceil__(self) -> int:
        return -(-self.numerator // self.denominator)

    def __round__(self, digits: int | None = None) -> Any:
        from fractions import Fraction

        return round(Fraction(self.numerator, self.denominator), digits)  # (rare: its exact rules)

    def as_integer_ratio(self) -> tuple[int, int]:
        return self.numerator, self.denominator

    def is_integer(self) -> bool:
        return self.denominator == 1

    def __repr__(self) -> str:
        return f"Rational({self.numerator}, {self.denominator})"

    def __str__(self) -> str:
        if self.denominator == 1:
            return str(self.numerator)
        return f"{self.numerator}/{self.denominator}"


numbers.Rational.register(Rational)

_new = object.__new__
_set_numerator = vars(Rational)["numerator"].__set__  # (the slots' own setters: __setattr__ refuses)
_set_denominator = vars(Rational)["denominator"].__set__


def _exact(numerator: int, denominator: int) -> Rational:
    """A ``Rational`` of a numerator and a positive denominator already in lowest terms."""
    value = _new(Rational)
    _set_numerator(value, numerator)
    _set_denominator(value, denominator)
    return value


def _decimal(text: str) -> Rational | None:
    """``12``, ``-3``, ``400000.0``, ``969245.38`` (ASCII, stripped) without ``fractions``;
    None for any other spelling (exponents, underscores, ``p/q``, mistakes), which
    ``fractions.Fraction`` reads or refuses."""
    digits = text[1:] if text[:1] in ("-", "+") else text
    whole, point, part = digits.partition(".")
    if not whole.isdigit() or (point and not part.isdigit()):
        return None
    sign = -1 if text[:1] == "-" else 1
    if not point:
        return _exact(sign * int(whole), 1)
    return Rational(sign * int(whole + part), 10 ** len(part))


def _add(a: int, b: int, c: int, d: int) -> Rational:
    """a/b + c/d, with the gcds of ``fractions.Fraction._add`` (Knuth, TAOCP 4.5.1)."""
    common = gcd(b, d)
    if common == 1:
        return _exact(a * d + b * c, b * d)
    s = b // common
    t = a * (d // common) + c * s
    again = gcd(t, common)
    if again == 1:
        return _exact(t, s * d)
    return _exact(t // again, s * (d // again))


def _subtract(a: int, b: int, c: int, d: int) -> Rational:
    return _add(a, b, -c, d)


def _multiply(a: int, b: int, c: int, d: int) -> Rational:
    common = gcd(a, d)
    if common > 1:
        a //= common
        d //= common
    common = gcd(c, b)
    if common > 1:
        c //= common
        b //= common
    return _exact(a * c, b * d)


def _divide(a: int, b: int, c: int, d: int) -> Rational:
    if c == 0:
        raise ZeroDivisionError(f"Rational({a * d}, 0)")
    common = gcd(a, c)
    if common > 1:
        a //= common
        c //= common
    common = gcd(b, d)
    if common > 1:
        b //= common
        d //= common
    numerator, denominator = a * d, b * c
    if denominator < 0:
        return _exact(-numerator, -denominator)
    return _exact(numerator, denominator)


def _fallback(left: Any, right: Any, operation: Any) -> Any:
    """Arithmetic with anything but an int or a Rational: another rational (a ``Fraction``)
    gives a ``Rational``; a float gives a float, as with ``Fraction``; anything else is not ours."""
    if isinstance(left, numbers.Rational) and isinstance(right, numbers.Rational):
        return operation(int(left.numerator), int(left.denominator), int(right.numerator), int(right.denominator))
    if isinstance(left, float) or isinstance(right, float):
        floats = {_add: float.__add__, _subtract: float.__sub__, _multiply: float.__mul__, _divide: float.__truediv__}
        return floats[operation](float(left), float(right))
    return NotImplemented


def _cross(value: Rational, other: object) -> tuple[int | float, int | float] | None:
    """Both sides of a comparison with a non-int, non-Rational ``other``, made comparable
    without rounding (None: not a number we compare with)."""
    if isinstance(other, numbers.Rational):
        return value.numerator * int(other.denominator), int(other.numerator) * value.denominator
    if isinstance(other, float):
        if other != other or other in (float("inf"), float("-inf")):
            return 0.0, other  # as Fraction: every finite value is below inf, nothing compares with nan
        return _cross(value, Rational(*other.as_integer_ratio()))
    return None
