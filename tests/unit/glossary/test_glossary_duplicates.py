"""Duplicates a translator sees before proposing (issue 10, defect 2), on the shared data."""

from __future__ import annotations

from domain.glossary.checks import SAME_CHINESE, SAME_ENGLISH, SIMILAR_ENGLISH, Known, NameIndex, duplicates
from projections.glossary import KnownNamesInReadModel
from tests.unit.glossary.conftest import SharedGlossary


def test_love_river_in_lowercase_is_the_approved_love_river() -> None:
    index = NameIndex([Known("t-love", "愛河", "Love River", category="river")])
    found = duplicates("愛河", "Love river", index)
    assert [(d.how, d.term_id, d.en) for d in found] == [(SAME_CHINESE, "t-love", "Love River")]
    # another Chinese name with that English, and one with a typo in it
    assert [(d.how, d.term_id) for d in duplicates("愛之河", "love river", index)] == [(SAME_ENGLISH, "t-love")]
    assert [(d.how, d.term_id) for d in duplicates("愛之河", "Love Rivr", index)] == [(SIMILAR_ENGLISH, "t-love")]


def test_zhongshan_1st_road_is_approved_three_times(shared: SharedGlossary) -> None:
    found = duplicates("中山一路", "Zhongshan 1st Rd.", KnownNamesInReadModel(shared.db))
    same = [d for d in found if d.how == SAME_CHINESE]
    assert len(same) >= 2 and {d.en for d in same} == {"Zhongshan 1st Rd."}
    assert all(d.district for d in same)


def test_a_near_duplicate_in_the_read_model_is_found_by_its_english(shared: SharedGlossary) -> None:
    found = duplicates("鳳山區公所", "Fongshan Distrcit", KnownNamesInReadModel(shared.db))
    assert ("鳳山區", SIMILAR_ENGLISH) in {(d.zh, d.how) for d in found}


def test_a_new_place_has_no_duplicates_and_a_term_is_no_duplicate_of_itself(shared: SharedGlossary) -> None:
    known = KnownNamesInReadModel(shared.db)
    assert duplicates("衛武營國家藝術文化中心", "National Kaohsiung Center for the Arts", known) == []
    fongshan = known.approved_for_chinese("鳳山區")[0]
    assert duplicates("鳳山區", "Fongshan District", known, term_id=fongshan.term_id) == []
