"""Language tags: which catalog serves a tag a browser or the environment names.

Apart from ``web.i18n`` (which re-exports all of it) so that the command line can choose its
language without importing the catalogs' machinery.
"""

from __future__ import annotations

ZH = "zh_Hant_TW"
EN = "en"
# What browsers send, mapped to the catalog that serves it.
_ALIASES = {
    "zh-tw": ZH,
    "zh-hant": ZH,
    "zh-hant-tw": ZH,
    "zh": ZH,
    "zh_hant_tw": ZH,
    "zh-hk": ZH,
    "zh-mo": ZH,
    "en": EN,
    "en-us": EN,
    "en-gb": EN,
}


def normalize(tag: str | None) -> str | None:
    if not tag:
        return None
    tag = tag.strip().lower().replace("_", "-")
    if tag in _ALIASES:
        return _ALIASES[tag]
    primary = tag.split("-")[0]
    return _ALIASES.get(primary)


__all__ = ["EN", "ZH", "normalize"]
