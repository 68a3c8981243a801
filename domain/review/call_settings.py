"""A call's settings as plain data: its rubric (criteria with score bands) and its award tiers.

Stored in the Call's ``Opened`` event as dicts, so a call keeps the rubric and tiers it was
opened with whatever the defaults become. The defaults are the rules' (``rubric.py``: 創意性 30,
可行性 20, 效益性 30, 擴散性 10, 完整性與簡報 10; ``awards.py``: 特優 ≥ 90, 優等 ≥ 85, 甲等 ≥ 80,
佳作 ≥ 75); thesis grants get the five equal criteria of 教育部獎助家庭教育碩博士論文要點 (碩士,
review-data/rules.md §2), with bands at the same shares of each weight.
"""

from __future__ import annotations

from typing import Any

from domain.review.aggregation import DEFAULT_GAP, METHODS, TWO_PLUS_THIRD
from domain.review.awards import DEFAULT_TIERS
from domain.review.rubric import DEFAULT_INNOVATION_RUBRIC, Criterion

KINDS = ("innovation", "thesis", "other")
__all__ = ["DEFAULT_GAP", "KINDS", "METHODS", "default_method", "default_rubric", "default_tiers"]


def criterion_dict(criterion: Criterion) -> dict[str, Any]:
    return {"code": criterion.code, "name_zh": criterion.name_zh, "name_en": criterion.name_en,
            "weight": criterion.weight, "bands": [{"low": b.low, "high": b.high, "text_zh": b.text_zh,
                                                  "text_en": b.text_en} for b in criterion.bands]}  # fmt: skip


def _thesis(code: str, name_zh: str, name_en: str) -> dict[str, Any]:
    texts = (("優異", "Outstanding"), ("良好", "Good"), ("尚可", "Fair"), ("待加強", "Needs work"))
    edges = (21, 17, 14, 10, 0)  # of 20 points: 17-20, 14-16, 10-13, 0-9
    bands = [
        {"low": edges[i + 1], "high": edges[i] - 1, "text_zh": zh, "text_en": en} for i, (zh, en) in enumerate(texts)
    ]
    return {"code": code, "name_zh": name_zh, "name_en": name_en, "weight": 20, "bands": bands}


THESIS_RUBRIC = [
    _thesis("significance", "主題重要性與創新性", "Significance and originality"),
    _thesis("literature", "理論與文獻", "Theory and literature"),
    _thesis("method", "研究方法", "Method"),
    _thesis("writing", "文字組織架構", "Writing and structure"),
    _thesis("contribution", "研究貢獻", "Contribution"),
]


def default_rubric(kind: str) -> list[dict[str, Any]]:
    if kind == "thesis":
        return [dict(c) for c in THESIS_RUBRIC]
    return [criterion_dict(c) for c in DEFAULT_INNOVATION_RUBRIC.criteria]


def default_tiers() -> list[dict[str, Any]]:
    return [{"code": t.code, "name_zh": t.name_zh, "name_en": t.name_en, "min": int(t.min_score), "cap": t.cap,
             "prize": t.prize_ntd} for t in DEFAULT_TIERS]  # fmt: skip


def default_method(kind: str) -> str:
    return TWO_PLUS_THIRD if kind == "thesis" else "mean"
