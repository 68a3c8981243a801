"""A call's settings as plain data: its rubric (criteria with score bands) and its award tiers.

Stored in the Call's ``Opened`` event as dicts, so a call keeps the rubric it was opened with
whatever the defaults become. The defaults follow issue 13 (innovation proposals: 創意性 30,
可行性 20, 效益性 30, 擴散性 10, 完整性與簡報 10; tiers 特優 ≥ 90, 優等 ≥ 85, 甲等 ≥ 80, 佳作 ≥ 75,
the thresholds of 臺北市停車管理工程處's 2021 rules in review-data/tier_rules.csv).

The pure rules (``rubric.py``, ``aggregation.py``, ``awards.py``) are R1's; until their interfaces
settle this module holds the data the aggregates need.
"""

from __future__ import annotations

from typing import Any

KINDS = ("innovation", "thesis", "other")
METHODS = ("mean", "trimmed-mean", "rank-sum", "two-plus-third")
DEFAULT_GAP = 15


def _bands(most: int) -> list[dict[str, Any]]:
    """Four bands over 0..most: excellent (≥ 90 %), good (≥ 75 %), fair (≥ 50 %), weak."""
    cuts = [(round(most * 0.9), "卓越", "Excellent"), (round(most * 0.75), "良好", "Good"),
            (round(most * 0.5), "尚可", "Fair"), (0, "待加強", "Needs work")]  # fmt: skip
    bands, top = [], most
    for low, zh, en in cuts:
        bands.append({"low": low, "high": top, "text_zh": zh, "text_en": en})
        top = low - 1
    return bands


def criterion(code: str, name_zh: str, name_en: str, most: int, about_zh: str, about_en: str) -> dict[str, Any]:
    return {"code": code, "name_zh": name_zh, "name_en": name_en, "weight": most,
            "about_zh": about_zh, "about_en": about_en, "bands": _bands(most)}  # fmt: skip


INNOVATION_RUBRIC = [
    criterion("innovation", "創意性", "Innovation", 30, "作法新穎，突破既有流程", "New ways that break with the usual process"),
    criterion("feasibility", "可行性", "Feasibility", 20, "人力、經費與時程可行", "Staff, money and time make it workable"),
    criterion("impact", "效益性", "Impact", 30, "對市民與機關的具體效益", "Concrete benefits to residents and the agency"),
    criterion("transferability", "擴散性", "Transferability", 10, "可推廣至其他機關", "Other agencies could adopt it"),
    criterion("presentation", "完整性與簡報", "Completeness and presentation", 10, "資料完整，簡報清楚",
              "Complete papers, a clear presentation"),
]  # fmt: skip
THESIS_RUBRIC = [
    criterion("significance", "主題重要性與創新性", "Significance and originality", 20, "", ""),
    criterion("literature", "理論與文獻", "Theory and literature", 20, "", ""),
    criterion("method", "研究方法", "Method", 20, "", ""),
    criterion("writing", "文字組織架構", "Writing and structure", 20, "", ""),
    criterion("contribution", "研究貢獻", "Contribution", 20, "", ""),
]  # fmt: skip
DEFAULT_TIERS = [
    {"code": "special", "name_zh": "特優", "name_en": "Special merit", "min": 90, "cap": None, "prize": None},
    {"code": "excellent", "name_zh": "優等", "name_en": "Excellent", "min": 85, "cap": None, "prize": None},
    {"code": "first", "name_zh": "甲等", "name_en": "First class", "min": 80, "cap": None, "prize": None},
    {"code": "honourable", "name_zh": "佳作", "name_en": "Honourable mention", "min": 75, "cap": None, "prize": None},
]


def default_rubric(kind: str) -> list[dict[str, Any]]:
    return [dict(c) for c in (THESIS_RUBRIC if kind == "thesis" else INNOVATION_RUBRIC)]


def default_tiers() -> list[dict[str, Any]]:
    return [dict(t) for t in DEFAULT_TIERS]


def default_method(kind: str) -> str:
    return "two-plus-third" if kind == "thesis" else "mean"
