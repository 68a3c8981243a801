"""Search that forgives (issue 10, build item 2): 臺 and 台, abbreviations, the other
romanization system, every district, and results ranked exact, prefix, then the rest."""

from __future__ import annotations

import pytest

from projections.glossary import search
from tests.unit.glossary.conftest import SharedGlossary
from tests.unit.glossary.glossary_data import shared_rows


def found(shared: SharedGlossary, query: str, limit: int = 20) -> list[tuple[str, str]]:
    return [(row["zh"], row["en"]) for row in search(shared.db, query, limit=limit)]


@pytest.mark.parametrize(("query", "zh"), [("臺塑二巷", "台塑二巷"), ("臺安街", "台安街"), ("台安街", "台安街")])
def test_tai_is_one_character_for_search(shared: SharedGlossary, query: str, zh: str) -> None:
    results = search(shared.db, query)
    assert results and results[0]["zh"] == zh and results[0]["match"] == "exact"


@pytest.mark.parametrize(
    ("query", "zh", "en"),
    [
        ("Chongqing Street", "重慶街", "Chongqing St."),
        ("Chongqing Road", "重清路", "Chongqing Rd."),
        ("Qianzhen 1st Lane", "前鎮一巷", "Qianzhen 1st Ln."),
        ("Sec. 3, Jianguo Road", "建國路三段", "Sec. 3, Jianguo Rd."),
        ("Section 3, Jianguo Rd.", "建國路三段", "Sec. 3, Jianguo Rd."),
        ("Fongshan Dist.", "鳳山區", "Fongshan District"),
    ],
)
def test_a_generic_written_out_or_abbreviated_is_the_same_word(
    shared: SharedGlossary, query: str, zh: str, en: str
) -> None:
    results = search(shared.db, query)
    assert results and (results[0]["zh"], results[0]["en"]) == (zh, en), found(shared, query)[:3]
    assert results[0]["match"] == "exact"


@pytest.mark.parametrize(
    ("query", "zh", "en"),
    [
        ("Qianzhen Star", "前鎮之星", "Cianjhen Star"),  # Hanyu finds a Tongyong name (no variant stored)
        ("Chongcing St.", "重慶街", "Chongqing St."),  # Tongyong finds a Hanyu name
        ("Cianjhen 1st Lane", "前鎮一巷", "Qianzhen 1st Ln."),
    ],
)
def test_either_romanization_finds_the_name(shared: SharedGlossary, query: str, zh: str, en: str) -> None:
    assert (zh, en) in found(shared, query)[:3], found(shared, query)[:5]


def test_qianzhen_district_finds_cianjhen_district_first(shared: SharedGlossary) -> None:
    assert found(shared, "Qianzhen District")[0] == ("前鎮區", "Cianjhen District")


def test_every_district_is_found_by_its_chinese_hanyu_and_tongyong_names(shared: SharedGlossary) -> None:
    districts = shared_rows("kaohsiung_districts.csv")
    assert len(districts) == 40
    for row in districts:
        for query in filter(None, (row["zh"], row["en"], row["en_alt"])):
            assert search(shared.db, query, limit=5)[0]["zh"] == row["zh"], (query, found(shared, query, 5))


def test_results_rank_exact_then_prefix_then_the_rest(shared: SharedGlossary) -> None:
    order = {"exact": 0, "prefix": 1, "part": 2, "fuzzy": 3}
    for query in ("鳳山", "Fongshan", "zhongshan 1st", "Qianzhen"):
        ranks = [order[row["match"]] for row in search(shared.db, query, limit=20)]
        assert ranks == sorted(ranks), (query, ranks)
    assert {0, 1} <= {order[row["match"]] for row in search(shared.db, "鳳山", limit=20)}
    assert search(shared.db, "鳳山")[0]["zh"] == "鳳山"  # the name itself first
