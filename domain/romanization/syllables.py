"""Syllables: Hanyu Pinyin from Chinese, Tongyong Pinyin from Hanyu, and telling them apart.

National address data (Chunghwa Post) writes Hanyu Pinyin (Qianzhen, Fengshan); Kaohsiung keeps
Tongyong Pinyin on its own signs (Cianjhen, Fongshan). Both are spelled syllable by syllable
from the same readings, so Tongyong is derived here from Hanyu one syllable at a time.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from domain.romanization.pronunciations import NAME_READINGS, POLYPHONES

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")

# Whole-syllable spellings where Tongyong differs from Hanyu beyond the initial letters.
_TONGYONG_SYLLABLES = {
    "zhi": "jhih", "chi": "chih", "shi": "shih", "ri": "rih",
    "zi": "zih", "ci": "cih", "si": "sih",
    "wen": "wun", "weng": "wong",
    "lü": "lyu", "nü": "nyu", "lüe": "lyue", "nüe": "nyue",
}  # fmt: skip


@cache
def hanyu_syllables() -> frozenset[str]:
    """Every toneless Hanyu Pinyin syllable pypinyin knows (ü written as ü)."""
    # pypinyin is imported when first needed: its dictionaries take a noticeable time and memory
    # to load, and exporting or listing the glossary never needs them.
    from pypinyin.contrib.tone_convert import to_normal
    from pypinyin.pinyin_dict import pinyin_dict

    # Some 42,000 characters share about 1,500 toned readings: each is converted once (converting
    # every character's readings made a worker's first glossary search take 2-3 s).
    toned = {reading for readings in pinyin_dict.values() for reading in readings.split(",")}
    found = set()
    for reading in toned:
        syllable = to_normal(reading, v_to_u=True)
        if syllable.isalpha() and re.search("[aeiouü]", syllable) and syllable != "ê":
            found.add(syllable)
    return frozenset(found)


@cache
def tongyong_syllables() -> frozenset[str]:
    return frozenset(tongyong_syllable(syllable) for syllable in hanyu_syllables())


def readings(zh: str) -> list[str]:
    """One toneless Hanyu syllable per Chinese character, read as in place names.

    Characters that are not Chinese come back unchanged, one item each.
    """
    result: list[str] = []
    position = 0
    for run in CJK_RUN.finditer(zh):
        result.extend(zh[position : run.start()])
        result.extend(_run_readings(run.group()))
        position = run.end()
    result.extend(zh[position:])
    return result


def _run_readings(run: str) -> list[str]:
    # Character by character: pypinyin's phrase guesses suit prose, not place names (it reads
    # 仁平巷 as ...hang), and the place-name lists settle the characters that need context.
    syllables = [_reading(char) for char in run]
    fixed = [False] * len(run)
    for name, name_syllables in _NAMES_LONGEST_FIRST:
        if name not in run:
            continue
        for match in re.finditer(re.escape(name), run):
            for offset, syllable in enumerate(name_syllables):
                if not fixed[match.start() + offset]:
                    syllables[match.start() + offset] = syllable
                    fixed[match.start() + offset] = True
    for index, char in enumerate(run):
        polyphone = POLYPHONES.get(char)
        if polyphone and not fixed[index]:
            syllables[index] = polyphone.place_reading
    return syllables


_NAMES_LONGEST_FIRST = sorted(NAME_READINGS.items(), key=lambda item: -len(item[0]))


@cache
def _reading(char: str) -> str:
    from pypinyin import Style, lazy_pinyin  # lazily: see hanyu_syllables

    return lazy_pinyin(char, style=Style.NORMAL, v_to_u=True)[0]


def tongyong_syllable(syllable: str) -> str:
    """The Tongyong spelling of one toneless Hanyu syllable (lowercase)."""
    syllable = syllable.replace("v", "ü")
    if syllable in _TONGYONG_SYLLABLES:
        return _TONGYONG_SYLLABLES[syllable]
    initial, final = _split_initial(syllable)
    if initial in ("j", "q", "x") and final.startswith("u"):
        final = "y" + final  # ju → jyu, xuan → syuan: Tongyong shows the ü
    elif initial in ("j", "q", "x") and final == "iong":
        final = "yong"  # xiong → syong
    elif final == "iu":
        final = "iou"  # liu → liou
    elif final == "ui":
        final = "uei"  # gui → guei
    elif final == "eng" and initial in ("b", "p", "m", "f"):
        final = "ong"  # feng → fong
    final = final.replace("ü", "yu")
    return {"q": "c", "x": "s", "zh": "jh"}.get(initial, initial) + final


def _split_initial(syllable: str) -> tuple[str, str]:
    for initial in ("zh", "ch", "sh"):
        if syllable.startswith(initial):
            return initial, syllable[2:]
    if syllable[0] in "bpmfdtnlgkhjqxrzcsyw":
        return syllable[0], syllable[1:]
    return "", syllable


def segment(word: str, syllables: frozenset[str]) -> list[str] | None:
    """Splits a joined word ("qianjin") into syllables, or None if it is not all pinyin.

    A syllable after the first never starts with a, o or e: pinyin marks those with an
    apostrophe, and the caller splits words there.
    """
    word = word.lower()
    best: dict[int, list[str] | None] = {len(word): []}
    for start in range(len(word) - 1, -1, -1):
        best[start] = None
        for end in range(min(len(word), start + 6), start, -1):
            piece = word[start:end]
            rest = best.get(end)
            if piece in syllables and rest is not None and (start == 0 or piece[0] not in "aoe"):
                best[start] = [piece, *rest]
                break
    return best[0]


def system_of_word(word: str) -> str | None:
    """'hanyu', 'tongyong', 'both' (spelled the same in each) or None for a word not in pinyin."""
    hanyu = segment(word, hanyu_syllables())
    tongyong = segment(word, tongyong_syllables())
    if hanyu is None and tongyong is None:
        return None
    if hanyu is None:
        return "tongyong"
    if tongyong is None:
        return "hanyu"
    if "".join(tongyong_syllable(s) for s in hanyu) == word.lower():
        return "both"
    return "hanyu"  # spelled validly in both, differently: read it the national way


def join_syllables(syllables: list[str], apostrophe: str = "'") -> str:
    """Joins syllables into one word, marking a/o/e syllables: Yong'an, Shi'er."""
    word = ""
    for syllable in syllables:
        if word and syllable[:1] in ("a", "o", "e") and word[-1].isalpha():
            word += apostrophe
        word += syllable
    return word


def fold(text: str) -> str:
    """A search and comparison key: lowercase, no accents, no spaces or punctuation."""
    if text.isascii():
        return _NOT_ASCII_ALNUM.sub("", text.lower())
    return _NOT_WORD.sub("", unicodedata.normalize("NFKD", text.casefold()))


_NOT_ASCII_ALNUM = re.compile(r"[^a-z0-9]+")
_NOT_WORD = re.compile(r"[\W_]+")  # accents split off by NFKD are not word characters either
