"""The code every record's ``__init__`` is copied from (``record.py``), written out.

``record._init_code`` gives each record class a copy of the function here with as many fields,
its placeholders ``_0``, ``_1``... renamed to the class's own fields. Compiling these at run time
(as ``record.py`` still does for a record of more fields than are written here) cost more than
everything else a record does, about 0.1 ms each, at every start of ``civic tally``; written out,
they come compiled in this module's bytecode. ``tests/unit/tally/test_record.py`` checks that each
is the same code the run-time template compiles to. Do not edit by hand: keep them as the
template (``record._source``) writes them.
"""

from __future__ import annotations

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from types import CodeType
    from typing import Any


def _init_0(self: Any) -> None:
    _values = self.__dict__
    pass


def _init_0_post(self: Any) -> None:
    _values = self.__dict__
    self.__post_init__()


def _init_1(self: Any, _0: Any) -> None:
    _values = self.__dict__
    _values["_0"] = _0


def _init_1_post(self: Any, _0: Any) -> None:
    _values = self.__dict__
    _values["_0"] = _0
    self.__post_init__()


def _init_2(self: Any, _0: Any, _1: Any) -> None:
    _values = self.__dict__
    _values["_0"] = _0
    _values["_1"] = _1


def _init_2_post(self: Any, _0: Any, _1: Any) -> None:
    _values = self.__dict__
    _values["_0"] = _0
    _values["_1"] = _1
    self.__post_init__()


def _init_3(self: Any, _0: Any, _1: Any, _2: Any) -> None:
    _values = self.__dict__
    _values["_0"] = _0
    _values["_1"] = _1
    _values["_2"] = _2


def _init_3_post(self: Any, _0: Any, _1: Any, _2: Any) -> None:
    _values = self.__dict__
    _values["_0"] = _0
    _values["_1"] = _1
    _values["_2"] = _2
    self.__post_init__()


def _init_4(self: Any, _0: Any, _1: Any, _2: Any, _3: Any) -> None:
    _values = self.__dict__
    _values["_0"] = _0
    _values["_1"] = _1
    _values["_2"] = _2
    _values["_3"] = _3


def _init_4_post(self: Any, _0: Any, _1: Any, _2: Any, _3: Any) -> None:
    _values = self.__dict__
    _values["_0"] = _0
    _values["_1"] = _1
    _values["_2"] = _2
    _values["_3"] = _3
    self.__post_init__()


def _init_5(self: Any, _0: Any, _1: Any, _2: Any, _3: Any, _4: Any) -> None:
    _values = self.__dict__
    _values["_0"] = _0
    _values["_1"] = _1
    _values["_2"] = _2
    _values["_3"] = _3
    _values["_4"] = _4


def _init_5_post(self: Any, _0: Any, _1: Any, _2: Any, _3: Any, _4: Any) -> None:
    _values = self.__dict__
    _values["_0"] = _0
    _values["_1"] = _1
    _values["_2"] = _2
    _values["_3"] = _3
    _values["_4"] = _4
    self.__post_init__()


def _init_6(self: Any, _0: Any, _1: Any, _2: Any, _3: Any, _4: Any, _5: Any) -> None:
    _values = self.__dict__
    _values["_0"] = _0
    _values["_1"] = _1
    _values["_2"] = _2
    _values["_3"] = _3
    _values["_4"] = _4
    _values["_5"] = _5


def _init_6_post(self: Any, _0: Any, _1: Any, _2: Any, _3: Any, _4: Any, _5: Any) -> None:
    _values = self.__dict__
    _values["_0"] = _0
    _values["_1"] = _1
    _values["_2"] = _2
    _values["_3"] = _3
    _values["_4"] = _4
    _values["_5"] = _5
    self.__post_init__()


def _init_7(self: Any, _0: Any, _1: Any, _2: Any, _3: Any, _4: Any, _5: Any, _6: Any) -> None:
    _values = self.__dict__
    _values["_0"] = _0
    _values["_1"] = _1
    _values["_2"] = _2
    _values["_3"] = _3
    _values["_4"] = _4
    _values["_5"] = _5
    _values["_6"] = _6


def _init_7_post(self: Any, _0: Any, _1: Any, _2: Any, _3: Any, _4: Any, _5: Any, _6: Any) -> None:
    _values = self.__dict__
    _values["_0"] = _0
    _values["_1"] = _1
    _values["_2"] = _2
    _values["_3"] = _3
    _values["_4"] = _4
    _values["_5"] = _5
    _values["_6"] = _6
    self.__post_init__()


def _init_8(self: Any, _0: Any, _1: Any, _2: Any, _3: Any, _4: Any, _5: Any, _6: Any, _7: Any) -> None:
    _values = self.__dict__
    _values["_0"] = _0
    _values["_1"] = _1
    _values["_2"] = _2
    _values["_3"] = _3
    _values["_4"] = _4
    _values["_5"] = _5
    _values["_6"] = _6
    _values["_7"] = _7


def _init_8_post(self: Any, _0: Any, _1: Any, _2: Any, _3: Any, _4: Any, _5: Any, _6: Any, _7: Any) -> None:
    _values = self.__dict__
    _values["_0"] = _0
    _values["_1"] = _1
    _values["_2"] = _2
    _values["_3"] = _3
    _values["_4"] = _4
    _values["_5"] = _5
    _values["_6"] = _6
    _values["_7"] = _7
    self.__post_init__()


def _init_9(self: Any, _0: Any, _1: Any, _2: Any, _3: Any, _4: Any, _5: Any, _6: Any, _7: Any, _8: Any) -> None:
    _values = self.__dict__
    _values["_0"] = _0
    _values["_1"] = _1
    _values["_2"] = _2
    _values["_3"] = _3
    _values["_4"] = _4
    _values["_5"] = _5
    _values["_6"] = _6
    _values["_7"] = _7
    _values["_8"] = _8


def _init_9_post(self: Any, _0: Any, _1: Any, _2: Any, _3: Any, _4: Any, _5: Any, _6: Any, _7: Any, _8: Any) -> None:
    _values = self.__dict__
    _values["_0"] = _0
    _values["_1"] = _1
    _values["_2"] = _2
    _values["_3"] = _3
    _values["_4"] = _4
    _values["_5"] = _5
    _values["_6"] = _6
    _values["_7"] = _7
    _values["_8"] = _8
    self.__post_init__()


def _init_10(
    self: Any, _0: Any, _1: Any, _2: Any, _3: Any, _4: Any, _5: Any, _6: Any, _7: Any, _8: Any, _9: Any
) -> None:
    _values = self.__dict__
    _values["_0"] = _0
    _values["_1"] = _1
    _values["_2"] = _2
    _values["_3"] = _3
    _values["_4"] = _4
    _values["_5"] = _5
    _values["_6"] = _6
    _values["_7"] = _7
    _values["_8"] = _8
    _values["_9"] = _9


def _init_10_post(
    self: Any, _0: Any, _1: Any, _2: Any, _3: Any, _4: Any, _5: Any, _6: Any, _7: Any, _8: Any, _9: Any
) -> None:
    _values = self.__dict__
    _values["_0"] = _0
    _values["_1"] = _1
    _values["_2"] = _2
    _values["_3"] = _3
    _values["_4"] = _4
    _values["_5"] = _5
    _values["_6"] = _6
    _values["_7"] = _7
    _values["_8"] = _8
    _values["_9"] = _9
    self.__post_init__()


TEMPLATES: dict[tuple[int, bool], CodeType] = {
    (0, False): _init_0.__code__,
    (0, True): _init_0_post.__code__,
    (1, False): _init_1.__code__,
    (1, True): _init_1_post.__code__,
    (2, False): _init_2.__code__,
    (2, True): _init_2_post.__code__,
    (3, False): _init_3.__code__,
    (3, True): _init_3_post.__code__,
    (4, False): _init_4.__code__,
    (4, True): _init_4_post.__code__,
    (5, False): _init_5.__code__,
    (5, True): _init_5_post.__code__,
    (6, False): _init_6.__code__,
    (6, True): _init_6_post.__code__,
    (7, False): _init_7.__code__,
    (7, True): _init_7_post.__code__,
    (8, False): _init_8.__code__,
    (8, True): _init_8_post.__code__,
    (9, False): _init_9.__code__,
    (9, True): _init_9_post.__code__,
    (10, False): _init_10.__code__,
    (10, True): _init_10_post.__code__,
}
