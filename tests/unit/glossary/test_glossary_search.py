"""Searching the shared glossary by Chinese, English, pinyin and variants, with typos."""

from __future__ import annotations

import pytest

from projections.glossary import search
from projections.glossary_search import close_words, corrections, edit_distance
from tests.unit.glossary.conftest import SharedGlossary


def first(shared: SharedGlossary, text: str, **filters: object) -> tuple[str, str, str]:
    row = search(shared.db, text, **filters)[0]  # type: ignore[arg-type]
    return row["zh"], row["en"], row["match"]


@pytest.mark.parametrize(
    ("query", "zh", "match"),
    [
        ("鳳山區", "鳳山區", "exact"),  # Chinese
        ("鳳山國", "鳳山國中", "prefix"),
        ("山國中", "鳳山國中", "part"),  # a Chinese substring
        ("fongshan district", "鳳山區", "exact"),  # English, any case
        ("Formosa", "美麗島", "prefix"),
        ("boulevard", "美麗島", "part"),  # a later word of the English
        ("feng shan qu", "鳳山區", "exact"),  # Hanyu pinyin with spaces...
        ("fengshanqu", "鳳山區", "exact"),  # ...and without
        ("fong shan cyu", "鳳山區", "exact"),  # Tongyong pinyin
        ("Fengshan District", "鳳山區", "exact"),  # the Hanyu variant of a Tongyong name
        ("qieding", "茄萣區", "prefix"),  # Chunghwa Post's misreading, kept as a variant
        ("Penglai Pier-2", "駁二蓬萊", "exact"),
        ("penglai pier 2", "駁二蓬萊", "exact"),
    ],
)
def test_every_way_of_writing_a_place_finds_it(shared: SharedGlossary, query: str, zh: str, match: str) -> None:
    found = first(shared, query)
    assert (found[0], found[2]) == (zh, match)


@pytest.mark.parametrize(
    ("typo", "zh"),
    [
        ("Kaohsuing Arena", "巨蛋"),  # the classic transposition
        ("Zhongshna Rd", "中山路"),
        ("Fongshen District", "鳳山區"),
        ("Cianjhin District", "前金區"),
        ("hamasne", "哈瑪星"),
        ("zhongzehng", "中正路"),  # Zhongzheng, in one go
    ],
)
def test_a_typo_still_finds_the_place(shared: SharedGlossary, typo: str, zh: str) -> None:
    results = search(shared.db, typo, limit=20)
    assert zh in [row["zh"] for row in results], [(r["zh"], r["en"], r["corrected"]) for r in results]
    assert all(row["match"] == "fuzzy" and row["corrected"] for row in results if row["zh"] == zh)


def test_results_are_filtered_and_limited(shared: SharedGlossary) -> None:
    results = search(shared.db, "中山", limit=50, category="road")
    assert results and all(row["category"] == "road" for row in results)
    in_fengshan = search(shared.db, "zhongshan", district="鳳山區")
    assert in_fengshan and {row["district"] for row in in_fengshan} == {"鳳山區"}
    assert len(search(shared.db, "路", limit=7)) == 7
    assert search(shared.db, "  ") == []
    assert search(shared.db, "xyzzyplugh") == []


def test_approved_terms_only_unless_asked(shared: SharedGlossary) -> None:
    assert search(shared.db, "鳳山區", statuses=("proposed",)) == []
    assert search(shared.db, "鳳山區", statuses=None)[0]["zh"] == "鳳山區"


def test_better_matches_come_first(shared: SharedGlossary) -> None:
    names = [row["zh"] for row in search(shared.db, "鳳山", limit=5)]
    assert names[0] == "鳳山"  # the station: an exact match before the longer names
    assert names[1:3] == ["鳳山區", "鳳山國中"] or names[1] == "鳳山區"


def test_corrections_replace_unknown_words_by_the_closest_known(shared: SharedGlossary) -> None:
    assert corrections(shared.db, "Kaohsuing Arena")[0] == "kaohsiung arena"
    assert corrections(shared.db, "zhong shan") == []  # nothing unknown: nothing to correct
    assert close_words(shared.db, "fongshen")[0] in ("fongshan", "fengshen")


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [("fongshan", "fongshan", 0), ("kaohsuing", "kaohsiung", 1), ("zhongshna", "zhongshan", 1),
     ("cianjhin", "cianjin", 1), ("fongshen", "fengshan", 2), ("abc", "xyzxyz", 3)],
)  # fmt: skip
def test_edit_distance_counts_a_swap_as_one_edit_and_stops_past_the_reach(a: str, b: str, distance: int) -> None:
    assert edit_distance(a, b, reach=2) == distance
