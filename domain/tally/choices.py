"""``Choices``: a fixed set of named string values, as ``class X(str, Enum)`` gives one, for the
modules a plain ``civic tally`` loads.

``enum`` took a third of a small count's whole process: it imports ``re`` and ``functools``, and
building each Enum class runs a good deal of Python. A ``Choices`` class costs a class statement.
What the tally's code and its callers use of an Enum works the same:

* a member is a ``str`` (``VoteType.APPROVAL == "approval"``, also as a dict key); JSON writes
  its value (so do ``str()``, ``%s`` and f-strings, where a ``str`` Enum writes ``VoteType.APPROVAL``);
* one object per value: ``VoteType("approval") is VoteType.APPROVAL``; an unknown value raises
  ``ValueError``; ``copy``, ``deepcopy`` and ``pickle`` give the member back;
* ``.name`` and ``.value``; ``list(VoteType)`` and ``len(VoteType)`` in definition order;
* the class may have methods and properties (``VoteType.is_approval``).

A member is declared with its annotation, for type checkers::

    class VoteType(Choices):
        APPROVAL: ClassVar[VoteType] = choice("approval")

Not carried over: aliases, ``auto()``, ``__members__``, subclassing a class that has members.
"""

from __future__ import annotations

TYPE_CHECKING = False  # as typing.TYPE_CHECKING (and so for type checkers), without importing typing at run time
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any, ClassVar, TypeVar

    _C = TypeVar("_C", bound="Choices")
    _T = TypeVar("_T")


class _Value:
    """A member's value in the class body, until the class is made (``choice``)."""

    __slots__ = ("value",)

    def __init__(self, value: str) -> None:
        self.value = value


def choice(value: str) -> Any:
    """A member's value, in the class body of a ``Choices`` class. (Typed ``Any``: the member's
    own annotation, ``ClassVar[TheClass]``, tells type checkers what it becomes.)"""
    return _Value(value)


class _ChoicesType(type):
    """Only so that the class itself iterates over its members, as an Enum class does."""

    _members: dict[str, Any]

    def __iter__(cls: type[_T]) -> Iterator[_T]:
        members: dict[str, _T] = vars(cls)["_members"]  # (a type checker sees no _members on type[_T])
        return iter(members.values())

    def __len__(cls) -> int:
        return len(cls._members)


class Choices(str, metaclass=_ChoicesType):
    """The base of a class of choices (see the module's docstring)."""

    _members: ClassVar[dict[str, Any]] = {}  # value -> member, in definition order (each class its own)
    name: str
    value: str

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        members: dict[str, Any] = {}
        for name, declared in list(vars(cls).items()):
            if isinstance(declared, _Value):
                member = str.__new__(cls, declared.value)
                member.name, member.value = name, declared.value
                members[declared.value] = member
                setattr(cls, name, member)
        cls._members = members

    def __new__(cls: type[_C], value: str) -> _C:
        """The member of this value (as ``VoteType("approval")``), never a new one."""
        try:
            member: _C = cls._members[value]
        except (KeyError, TypeError):  # (TypeError: an unhashable value)
            raise ValueError(f"{value!r} is not a valid {cls.__qualname__}") from None
        return member

    def __repr__(self) -> str:
        return f"<{type(self).__qualname__}.{self.name}: {self.value!r}>"

    def __reduce__(self) -> tuple[type[Choices], tuple[str]]:
        return type(self), (self.value,)

    def __copy__(self) -> Choices:
        return self

    def __deepcopy__(self, memo: object) -> Choices:
        return self
