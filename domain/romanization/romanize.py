"""A suggested English name for a Chinese place name, in Hanyu and in Tongyong Pinyin.

The specific part is romanized (toneless, syllables joined, an apostrophe before a/o/e syllables,
place-name readings for polyphonic characters); the generic part is translated (see generics.py).
Addresses read from the largest unit to the smallest in Chinese and the other way in English:
旗甲路三段下宅巷 → Xiazhai Ln., Sec. 3, Qijia Rd.

This is a suggestion for translators and a fallback for unknown names, never an approved name.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from domain.romanization.generics import (
    CONVENTIONAL,
    DESCRIPTIVE,
    DIRECTIONS,
    FIELDS_OF_ACTIVITY,
    GENERICS,
    Generic,
    english_words,
)
from domain.romanization.pronunciations import Polyphone, polyphones_in
from domain.romanization.syllables import (
    CJK,
    hanyu_syllables,
    join_syllables,
    readings,
    segment,
    tongyong_syllable,
)

HANYU = "hanyu"
TONGYONG = "tongyong"

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_NUMERALS = set(_DIGITS) | {"十", "百"}
_ADDRESS_UNITS = sorted((g for g in GENERICS.values() if g.is_address_unit), key=lambda g: -len(g.zh))
_NEEDS_LONG_NAME = {"區", "里", "村", "大路", "大道"}
# Numerals are bounded (at most six) wherever they become an int: a number of thousands of digits
# is no address, and int() refuses more than 4,300 digits.
_LONGEST_NUMBER = 6
_WHARF = re.compile(r"^第([零〇一二三四五六七八九十百]{1,6})號?碼頭$")


@dataclass(frozen=True)
class Suggestion:
    zh: str
    hanyu: str
    tongyong: str
    generic: Generic | None  # the generic part the name ends with
    polyphones: tuple[Polyphone, ...]  # characters whose reading a translator should confirm


def suggest(zh: str) -> Suggestion:
    zh = unicodedata.normalize("NFKC", zh).strip()
    units = split_units(zh)
    last = units[-1] if units else ""
    generic = _address_generic(last) or _place_generic(last)
    return Suggestion(
        zh=zh,
        hanyu=_render(units, HANYU),
        tongyong=_render(units, TONGYONG),
        generic=generic,
        polyphones=tuple(polyphones_in(zh)),
    )


def hanyu(zh: str) -> str:
    return suggest(zh).hanyu


def tongyong(zh: str) -> str:
    return suggest(zh).tongyong


def split_units(zh: str) -> list[str]:
    """Cuts an address after each unit: 德松路光明巷 → [德松路, 光明巷].

    A generic at the very start of a unit is part of its name (路竹區 is one unit, Luzhu).
    """
    units: list[str] = []
    start = position = 0
    while position < len(zh):
        generic = next((g for g in _ADDRESS_UNITS if _ends_unit(zh, g, start, position)), None)
        if generic:
            position += len(generic.zh)
            units.append(zh[start:position])
            start = position
        else:
            position += 1
    if start < len(zh):
        units.append(zh[start:])
    return units


def _ends_unit(zh: str, generic: Generic, start: int, position: int) -> bool:
    if not zh.startswith(generic.zh, position):
        return False
    if generic.zh == "橫巷":
        return True  # 石潭路橫巷: a side lane needs no name of its own
    # 鳳山區 and 鹽埕大路 cut; 環區二路 and 師大路 do not: districts, villages and avenues
    # have names of two characters or more.
    shortest = 2 if generic.zh in _NEEDS_LONG_NAME else 1
    end = position + len(generic.zh)
    # 中路巷 and 鐵路街 are one unit: cutting would leave a bare generic behind. (Generics are at
    # most three characters: only a short rest is sliced, so long inputs stay linear.)
    bare = len(zh) - end <= 3 and zh[end:] in GENERICS and zh[end:] != "橫巷"
    return position - start >= shortest and not bare


def _render(units: list[str], system: str) -> str:
    parts = []
    for index, unit in enumerate(units):
        is_last = index == len(units) - 1
        parts.append(_render_unit(unit, system, after_another=index > 0, is_last=is_last))
    return ", ".join(reversed([part for part in parts if part]))


def _render_unit(unit: str, system: str, after_another: bool, is_last: bool) -> str:
    wharf = _WHARF.match(unit)
    if wharf:
        return f"{ordinal(number(wharf.group(1)))} Wharf"
    generic = _address_generic(unit) or (_place_generic(unit) if is_last else None)
    body = unit[: len(unit) - len(generic.zh)] if generic else unit
    if generic and generic.zh == "段":
        return "Sec. " + _section_name(body, system)
    if generic and generic.zh in ("巷", "弄") and after_another and body and _is_number(body):
        return f"{generic.en} {number(body)}"  # 文安路四巷: house-numbered lane, Ln. 4
    if generic and generic.is_address_unit and body.endswith("市場"):
        # Lanes and streets named after their market: 三多市場巷 Sanduo Market Ln.
        return " ".join(filter(None, [_romanize_name(body[:-2], system), "Market", generic.en]))
    if not (generic and generic.is_address_unit):
        described = _described(body, system)
        if described:
            return " ".join(word for word in (described, generic.en if generic else "") if word)
    name, direction, count = _parse_body(body, after_another)
    words = [
        _romanize_name(name, system),
        DIRECTIONS.get(direction, ""),
        ordinal(number(count)) if count else "",
        generic.en if generic else "",
    ]
    return " ".join(word for word in words if word)


def _described(body: str, system: str) -> str:
    """An institution's name in words: the specific part romanized, descriptive words translated
    (衛武營 | 國家 | 藝術 | 文化 | 中心). Empty when the name has no descriptive word to split at."""
    pieces: list[tuple[bool, str]] = []  # (is descriptive, Chinese)
    start = position = 0
    while position < len(body):
        word = body[position : position + 2]
        if word in DESCRIPTIVE and position + 2 <= len(body):
            if start < position:
                pieces.append((False, body[start:position]))
            pieces.append((True, word))
            position = start = position + 2
        else:
            position += 1
    if start < len(body):
        pieces.append((False, body[start:]))
    if not any(descriptive for descriptive, _ in pieces) or len(body) < 4:
        return ""
    words: list[str] = []
    previous = ""
    for descriptive, zh in pieces:
        if not descriptive:
            words.append(_romanize_name(zh, system))
        else:
            if previous in FIELDS_OF_ACTIVITY and zh in FIELDS_OF_ACTIVITY:
                words.append("and")
            words.append(DESCRIPTIVE[zh])
        previous = zh if descriptive else ""
    return " ".join(word for word in words if word)


def _section_name(body: str, system: str) -> str:
    if _is_number(body):
        return str(number(body))
    if body in DIRECTIONS:
        return DIRECTIONS[body]
    return _romanize_name(body, system)


def _parse_body(body: str, after_another: bool) -> tuple[str, str, str]:
    """Splits 中山南 into (中山, 南, ''), 五福三 into (五福, '', 三), 北一 into ('', 北, 一)."""
    digits = len(body) - len(body.rstrip("".join(_NUMERALS)))
    count = ""
    if 0 < digits <= _LONGEST_NUMBER:
        count, body = body[-digits:], body[:-digits]
    direction = ""
    if body and body[-1] in DIRECTIONS:
        rest = body[:-1]
        # 府北路 is Fubei Rd.: a one-character name keeps its direction character.
        if len(rest) >= 2 or (not rest and (count or after_another)):
            direction, body = body[-1], rest
    return body, direction, count


def _romanize_name(name: str, system: str) -> str:
    if not name:
        return ""
    # Conventional spellings at the start (高雄 Kaohsiung), as many as there are: a loop, not a
    # recursion, so that no name is too long to romanize.
    leading: list[str] = []
    while name:
        conventional = next(((zh, en) for zh, en in CONVENTIONAL.items() if name.startswith(zh)), None)
        if conventional is None:
            break
        leading.append(conventional[1])
        name = name[len(conventional[0]) :]
    if leading:
        return " ".join([*leading, _romanize_name(name, system)]).strip()
    pieces: list[str] = []
    syllables: list[str] = []
    for char, reading in zip(name, readings(name), strict=True):
        if CJK.match(char):
            syllables.append(reading)
            continue
        if syllables:
            pieces.append(_word(syllables, system))
            syllables = []
        pieces.append(char)
    if syllables:
        pieces.append(_word(syllables, system))
    return re.sub(r"\s+", " ", "".join(pieces).replace("(", " (")).strip()


def _word(syllables: list[str], system: str) -> str:
    if system == TONGYONG:
        word = join_syllables([tongyong_syllable(s) for s in syllables], apostrophe="-")
    else:
        # ü is written u in Taiwan's address data (綠川街 Luchuan St.); Tongyong keeps it as yu.
        word = join_syllables([s.replace("ü", "u") for s in syllables])
    return word[:1].upper() + word[1:]


def _address_generic(unit: str) -> Generic | None:
    for generic in _ADDRESS_UNITS:
        body = len(unit) - len(generic.zh)
        shortest = 2 if generic.zh in _NEEDS_LONG_NAME else 1
        if unit.endswith(generic.zh) and (body >= shortest or generic.zh == "橫巷"):
            return generic
    return None


def _place_generic(unit: str) -> Generic | None:
    for length in (3, 2, 1):
        generic = GENERICS.get(unit[-length:]) if len(unit) > length else None
        if generic and not generic.is_address_unit:
            return generic
    return None


def _is_number(text: str) -> bool:
    return 0 < len(text) <= _LONGEST_NUMBER and all(char in _NUMERALS for char in text)


def number(text: str) -> int:
    """Chinese numerals to an int: 二十九 → 29, 十一 → 11, 一〇一 → 101."""
    if "十" not in text and "百" not in text:
        return int("".join(str(_DIGITS[char]) for char in text))
    total = 0
    pending = 0
    for char in text:
        if char in _DIGITS:
            pending = _DIGITS[char]
        else:
            total += (pending or 1) * (100 if char == "百" else 10)
            pending = 0
    return total + pending


def ordinal(value: int) -> str:
    """1st, 2nd, 3rd, 4th ... 11th, 12th, 13th ... 21st."""
    return f"{value}{ordinal_suffix(str(value))}"


def ordinal_suffix(digits: str) -> str:
    """The suffix for a number written in digits, from its last two (no int() of the whole)."""
    last_two = int(digits[-2:])
    if 10 <= last_two <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(last_two % 10, "th")


def tongyong_from_hanyu(text: str) -> str:
    """Rewrites the pinyin words of an English name in Tongyong: Qianjin District → Cianjin District.

    Words that are not pinyin (District, Rd., Pier-2, Formosa) are left as they are.
    """
    keep = english_words()

    def convert(match: re.Match[str]) -> str:
        word = match.group()
        if word.lower() in keep:
            return word
        parts = re.split(r"['’\-]", word)
        converted = []
        for part in parts:
            syllables = segment(part, hanyu_syllables()) if part else None
            if syllables is None:
                return word
            converted.append("".join(tongyong_syllable(s) for s in syllables))
        joined = "-".join(converted)
        return joined[:1].upper() + joined[1:] if word[:1].isupper() else joined

    return re.sub(r"[A-Za-zü]+(?:['’\-][A-Za-zü]+)*", convert, text)
