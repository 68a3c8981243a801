"""A call's rubric and award tiers as a TOML text, typed by staff opening the call.

``parse(text)`` returns the criteria and the tiers as the Call stores them (either may be None:
the kind's default then), or raises ``CallFileError`` with a problem code, the key and the line
it is on: tomllib gives the line of a syntax error; for a value that parses but is wrong, the
key's line is looked up in the text (``_Lines``). ``as_toml`` writes the defaults the same way,
so that the page can show what to start from.

The rules: criteria codes are unique, weights whole numbers adding up to 100 (the tiers' scale),
each criterion's bands cover 0 … its weight with neither gap nor overlap; tiers from the highest
down, their minimum scores strictly falling, caps and prizes whole numbers when given.
"""

from __future__ import annotations

import re
import tomllib
from typing import Any

from domain.review.errors import CallFileError

SCALE = 100  # the tiers' thresholds are points out of 100: the weights must add up to it
MAX_CRITERIA, MAX_BANDS, MAX_TIERS, MAX_NAME = 12, 10, 8, 100
MAX_PRIZE = 100_000_000  # NT$
CODE = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
HEADER = re.compile(r"^\s*\[\[\s*([a-z_]+)\s*\]\]")

# Problem codes (the page words them)
SYNTAX, UNKNOWN_KEY, MISSING, NOT_TEXT, TOO_LONG, NOT_A_NUMBER, OUT_OF_RANGE = (
    "syntax", "unknown_key", "missing", "not_text", "too_long", "not_a_number", "out_of_range",
)  # fmt: skip
BAD_CODE, DUPLICATE, WEIGHTS_SUM, BANDS_COVER, TIERS_ORDER, NOT_A_LIST = (
    "bad_code", "duplicate", "weights_sum", "bands_cover", "tiers_order", "not_a_list",
)  # fmt: skip

CRITERION_KEYS = ("code", "name_zh", "name_en", "weight", "bands")
BAND_KEYS = ("low", "high", "text_zh", "text_en")
TIER_KEYS = ("code", "name_zh", "name_en", "min", "cap", "prize")


class _Lines:
    """Finds the line of a key inside the n-th ``[[table]]`` of the text (0 when not written)."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()

    def of(self, table: str, index: int, key: str = "") -> int:
        seen, inside, header = -1, False, 0
        for number, line in enumerate(self.lines, start=1):
            found = HEADER.match(line)
            if found:
                if inside:
                    break
                if found.group(1) == table:
                    seen += 1
                    inside, header = seen == index, number
                continue
            if inside and key and re.match(rf"^\s*{re.escape(key)}\s*=", line):
                return number
        return header

    def error(self, problem: str, table: str, index: int, line_key: str = "", **params: object) -> CallFileError:
        return CallFileError(problem, str(params.pop("field", line_key)), self.of(table, index, line_key), **params)


def parse(text: str) -> tuple[list[dict[str, Any]] | None, list[dict[str, Any]] | None]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"line (\d+)", str(error))
        raise CallFileError(SYNTAX, "", int(match.group(1)) if match else 0) from None
    lines = _Lines(text)
    for key in data:
        if key not in ("criteria", "tiers"):
            raise CallFileError(UNKNOWN_KEY, key, _top_line(lines.lines, key))
    criteria = _criteria(data["criteria"], lines) if "criteria" in data else None
    tiers = _tiers(data["tiers"], lines) if "tiers" in data else None
    return criteria, tiers


def _top_line(lines: list[str], key: str) -> int:
    return next((n for n, line in enumerate(lines, start=1) if re.match(rf"^\s*(\[\[\s*)?{re.escape(key)}\b", line)), 0)


def _criteria(raw: object, lines: _Lines) -> list[dict[str, Any]]:
    if not isinstance(raw, list) or not raw or len(raw) > MAX_CRITERIA or not all(isinstance(c, dict) for c in raw):
        raise CallFileError(NOT_A_LIST, "criteria", _top_line(lines.lines, "criteria"), most=MAX_CRITERIA)
    found: list[dict[str, Any]] = []
    for index, table in enumerate(raw):
        _known(table, CRITERION_KEYS, "criteria", index, lines)
        code = _code(table, "criteria", index, lines, [c["code"] for c in found])
        weight = _int(table, "weight", "criteria", index, lines, 1, SCALE)
        bands = table.get("bands")
        if not isinstance(bands, list) or not bands or len(bands) > MAX_BANDS:
            raise lines.error(NOT_A_LIST, "criteria", index, "bands", most=MAX_BANDS)
        checked: list[dict[str, Any]] = []
        for band in bands:
            if not isinstance(band, dict) or set(band) - set(BAND_KEYS):
                raise lines.error(UNKNOWN_KEY, "criteria", index, "bands")
            low = _int(band, "low", "criteria", index, lines, 0, weight, key_line="bands")
            high = _int(band, "high", "criteria", index, lines, low, weight, key_line="bands")
            checked.append({"low": low, "high": high, "text_zh": _name(band, "text_zh", "criteria", index, lines),
                            "text_en": _name(band, "text_en", "criteria", index, lines)})  # fmt: skip
        checked.sort(key=lambda band: -band["low"])
        covered = [score for band in checked for score in range(band["low"], band["high"] + 1)]
        if sorted(covered) != list(range(weight + 1)):
            raise lines.error(BANDS_COVER, "criteria", index, "bands", weight=weight)
        found.append({"code": code, "name_zh": _name(table, "name_zh", "criteria", index, lines),
                      "name_en": _name(table, "name_en", "criteria", index, lines), "weight": weight,
                      "bands": checked})  # fmt: skip
    total = sum(c["weight"] for c in found)
    if total != SCALE:
        raise CallFileError(WEIGHTS_SUM, "weight", _top_line(lines.lines, "criteria"), total=total, scale=SCALE)
    return found


def _tiers(raw: object, lines: _Lines) -> list[dict[str, Any]]:
    if not isinstance(raw, list) or not raw or len(raw) > MAX_TIERS or not all(isinstance(t, dict) for t in raw):
        raise CallFileError(NOT_A_LIST, "tiers", _top_line(lines.lines, "tiers"), most=MAX_TIERS)
    found: list[dict[str, Any]] = []
    for index, table in enumerate(raw):
        _known(table, TIER_KEYS, "tiers", index, lines)
        code = _code(table, "tiers", index, lines, [t["code"] for t in found])
        least = _int(table, "min", "tiers", index, lines, 0, SCALE)
        if found and least >= found[-1]["min"]:
            raise lines.error(TIERS_ORDER, "tiers", index, "min")
        cap = _int(table, "cap", "tiers", index, lines, 1, 1000) if "cap" in table else None
        prize = _int(table, "prize", "tiers", index, lines, 0, MAX_PRIZE) if "prize" in table else None
        found.append({"code": code, "name_zh": _name(table, "name_zh", "tiers", index, lines),
                      "name_en": _name(table, "name_en", "tiers", index, lines), "min": least, "cap": cap,
                      "prize": prize})  # fmt: skip
    return found


def _known(table: dict[str, Any], keys: tuple[str, ...], name: str, index: int, lines: _Lines) -> None:
    for key in table:
        if key not in keys:
            raise lines.error(UNKNOWN_KEY, name, index, key)


def _code(table: dict[str, Any], name: str, index: int, lines: _Lines, taken: list[str]) -> str:
    code = _name(table, "code", name, index, lines)
    if not CODE.match(code):
        raise lines.error(BAD_CODE, name, index, "code")
    if code in taken:
        raise lines.error(DUPLICATE, name, index, "code", value=code)
    return code


def _name(table: dict[str, Any], key: str, name: str, index: int, lines: _Lines) -> str:
    if key not in table:
        raise lines.error(MISSING, name, index, key)
    value = table[key]
    if not isinstance(value, str) or not value.strip():
        raise lines.error(NOT_TEXT, name, index, key)
    if len(value) > MAX_NAME or any(ord(char) < 32 or ord(char) == 127 for char in value):
        raise lines.error(TOO_LONG, name, index, key, most=MAX_NAME)
    return value.strip()


def _int(table: dict[str, Any], key: str, name: str, index: int, lines: _Lines, least: int, most: int, *,
         key_line: str = "") -> int:  # fmt: skip
    if key not in table:
        raise lines.error(MISSING, name, index, key_line or key, field=key)
    value = table[key]
    if isinstance(value, bool) or not isinstance(value, int):
        raise lines.error(NOT_A_NUMBER, name, index, key_line or key, field=key)
    if not least <= value <= most:
        raise lines.error(OUT_OF_RANGE, name, index, key_line or key, field=key, least=least, most=most)
    return value


def as_toml(criteria: list[dict[str, Any]], tiers: list[dict[str, Any]]) -> str:
    """The rubric and tiers as a text ``parse`` reads back to the same."""

    def quoted(value: str) -> str:
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'

    out: list[str] = []
    for criterion in criteria:
        out += ["[[criteria]]", f"code = {quoted(criterion['code'])}", f"name_zh = {quoted(criterion['name_zh'])}",
                f"name_en = {quoted(criterion['name_en'])}", f"weight = {criterion['weight']}", "bands = ["]  # fmt: skip
        for band in criterion["bands"]:
            out.append(f"  {{ low = {band['low']}, high = {band['high']}, text_zh = {quoted(band['text_zh'])}, "
                       f"text_en = {quoted(band['text_en'])} }},")  # fmt: skip
        out += ["]", ""]
    for tier in tiers:
        out += ["[[tiers]]", f"code = {quoted(tier['code'])}", f"name_zh = {quoted(tier['name_zh'])}",
                f"name_en = {quoted(tier['name_en'])}", f"min = {tier['min']}"]  # fmt: skip
        out += [f"cap = {tier['cap']}"] if tier.get("cap") is not None else []
        out += [f"prize = {tier['prize']}"] if tier.get("prize") is not None else []
        out.append("")
    return "\n".join(out)
