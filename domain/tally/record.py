"""``@record``: frozen value classes as ``@dataclass(frozen=True)`` makes them, without importing
``dataclasses``.

Importing ``dataclasses`` pulls in ``inspect`` (and ``ast``, ``dis``, ``tokenize``...), and each
class it builds compiles four or five generated functions: together about half of the modules'
import time on a short whole-process ``civic tally`` (``bench/tally_process.py``). A record has
what the tally's values use of a frozen dataclass: an ``__init__`` from the annotated fields (in
order, with their defaults; then ``__post_init__`` if the class has one), ``__repr__``, ``__eq__``
and ``__hash__`` over the fields, ``__match_args__``, and no assignment after construction. A
field given as ``= hidden(init=False)`` is set by ``__post_init__`` only: it is not an argument, not shown
and not compared. ``fields(value)`` names a record's fields (the ``dataclasses.fields`` of
``--json``'s output). Type checkers see records as dataclasses (``dataclass_transform``).
"""

from __future__ import annotations

from _operator import attrgetter  # (operator.py re-exports these C functions: loading it costs more)

from domain.tally.record_init import TEMPLATES

TYPE_CHECKING = False  # typing itself is not imported at run time: a few milliseconds more
if TYPE_CHECKING:
    from types import CodeType, FunctionType
    from typing import Any, TypeVar, dataclass_transform

    T = TypeVar("T")
else:

    def dataclass_transform(**options):
        return lambda decorator: decorator

    FunctionType = type(dataclass_transform)  # types.FunctionType, without importing types


class FrozenInstanceError(AttributeError):
    """An assignment to a record after construction (as ``dataclasses.FrozenInstanceError``)."""


class _Hidden:
    __slots__ = ()


_HIDDEN = _Hidden()


def hidden(*, init: bool = False, repr: bool = False, compare: bool = False) -> Any:
    """A field that ``__post_init__`` sets (``field(init=False, repr=False, compare=False)``)."""
    return _HIDDEN


def fields(value: object) -> tuple[str, ...]:
    """The names of a record's shown fields, in order; ``()`` for anything else."""
    return getattr(type(value), "__record_fields__", ())


@dataclass_transform(frozen_default=True, field_specifiers=(hidden,))
def record(cls: type[T]) -> type[T]:
    own = cls.__dict__.get("__annotations__", {})  # noqa: RUF063 - inspect is what this module avoids
    names = tuple(name for name in own if not _is_classvar(own[name]))
    shown = tuple(name for name in names if cls.__dict__.get(name) is not _HIDDEN)
    for name in names:
        if cls.__dict__.get(name) is _HIDDEN:
            delattr(cls, name)
    defaults = tuple(cls.__dict__[name] for name in shown if name in cls.__dict__)
    if any(name not in cls.__dict__ for name in shown[len(shown) - len(defaults) :]):
        raise TypeError(f"{cls.__qualname__}: a field without a default follows one with a default")
    init = FunctionType(
        _init_code(shown, hasattr(cls, "__post_init__"), f"{cls.__qualname__}.__init__"), {}, "__init__", defaults
    )
    key = attrgetter(*shown) if shown else (lambda _: ())
    cls.__init__ = init  # type: ignore[method-assign]
    for name, method in _methods(cls, shown, key).items():
        setattr(cls, name, method)
    return cls


_TEMPLATES: dict[tuple[int, bool], CodeType] = dict(TEMPLATES)  # (written out in record_init.py)


def _source(count: int, post_init: bool) -> str:
    """The template's source for ``count`` fields (``record_init.py`` holds it compiled)."""
    placeholders = [f"_{index}" for index in range(count)]
    lines = [f"    _values[{name!r}] = {name}" for name in placeholders]
    if post_init:
        lines.append("    self.__post_init__()")
    return f"def __init__(self, {', '.join(placeholders)}):\n    _values = self.__dict__\n" + "\n".join(
        lines or ["    pass"]
    )


def _init_code(names: tuple[str, ...], post_init: bool, qualname: str) -> CodeType:
    """The code of ``__init__(self, *names)``: store each argument, then ``__post_init__``.

    Compiling one small function per class was most of what a record cost at import time. The
    code is compiled once per number of fields (with placeholder names ``_0``, ``_1``...) and
    each class gets a copy with its own names in place of the placeholders: the same bytecode
    as if it had been written out, just as fast to call. Up to ten fields, the templates come
    compiled (``record_init.py``); only a record with more compiles its own here.
    """
    template = _TEMPLATES.get((len(names), post_init))
    if template is None:
        namespace: dict[str, Any] = {}
        exec(_source(len(names), post_init), namespace)
        template = _TEMPLATES[len(names), post_init] = namespace["__init__"].__code__
    if {"self", "_values"} & set(names):
        raise TypeError(f"{qualname}: a record cannot have a field named 'self' or '_values'")
    renamed = dict(zip((f"_{index}" for index in range(len(names))), names))
    return template.replace(
        co_varnames=tuple(renamed.get(name, name) for name in template.co_varnames),
        co_consts=tuple(renamed.get(value, value) if isinstance(value, str) else value for value in template.co_consts),
        co_name="__init__",
        co_qualname=qualname,
    )


def _methods(cls: type, shown: tuple[str, ...], key: Any) -> dict[str, Any]:
    def __repr__(self: Any) -> str:
        return f"{type(self).__qualname__}({', '.join(f'{name}={getattr(self, name)!r}' for name in shown)})"

    def __eq__(self: Any, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return bool(key(self) == key(other))

    def __hash__(self: Any) -> int:
        return hash(key(self))

    def __setattr__(self: Any, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self: Any, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    return {
        "__repr__": __repr__,
        "__eq__": __eq__,
        "__hash__": __hash__,
        "__setattr__": __setattr__,
        "__delattr__": __delattr__,
        "__match_args__": shown,
        "__record_fields__": shown,
    }


def _is_classvar(annotation: object) -> bool:
    return isinstance(annotation, str) and annotation.startswith(("ClassVar", "typing.ClassVar"))
