"""Warnings a translator sees when proposing, on real cases from the shared data."""

from __future__ import annotations

import pytest

from domain.glossary.checks import (
    DifferentEnglishApproved,
    EnglishUsedElsewhere,
    ForbiddenVariant,
    GenericInconsistent,
    GlossaryWarning,
    Known,
    NameIndex,
    OtherRomanization,
    PolyphonicReading,
    check,
    params,
)
from domain.glossary.names import FORBIDDEN, MISSPELLING, Variant
from domain.glossary.typography import (
    CURLY_APOSTROPHE,
    FULLWIDTH,
    MISSING_PERIOD,
    ORDINAL,
    StrayWhitespace,
    Typography,
)
from projections.glossary import KnownNamesInReadModel
from tests.unit.glossary.conftest import SharedGlossary


def codes(warnings: list[GlossaryWarning]) -> list[str]:
    return [warning.code for warning in warnings]


@pytest.fixture(scope="module")
def known(shared: SharedGlossary) -> KnownNamesInReadModel:
    return KnownNamesInReadModel(shared.db)


def test_the_approved_names_themselves_raise_no_warning(known: KnownNamesInReadModel) -> None:
    for zh, en in [("前金區", "Cianjin District"), ("鳳山區", "Fongshan District"), ("重慶街", "Chongqing St."),
                   ("美麗島", "Formosa Boulevard"), ("建國路三段", "Sec. 3, Jianguo Rd.")]:  # fmt: skip
        assert check(zh, en, known) == [], zh


def test_the_hanyu_form_of_a_tongyong_district_is_flagged_as_the_other_system(
    known: KnownNamesInReadModel, shared: SharedGlossary
) -> None:
    cianjin = known.approved_for_chinese("前金區")[0]
    warnings = check("前金區", "Qianjin District", known)
    assert warnings == [
        DifferentEnglishApproved(cianjin.term_id, "前金區", "Cianjin District"),
        OtherRomanization(cianjin.term_id, "Cianjin District", "hanyu", "tongyong"),
    ]
    assert params(warnings[1]) == {
        "term_id": cianjin.term_id,
        "approved_en": "Cianjin District",
        "proposed_system": "hanyu",
        "approved_system": "tongyong",
    }


def test_the_hanyu_and_tongyong_pair_of_qianzhen_is_recognised_from_the_chinese() -> None:
    # 前鎮區 is not among the sampled districts; the check works from the Chinese alone.
    index = NameIndex([Known("t-cianjhen", "前鎮區", "Cianjhen District")])
    assert codes(check("前鎮區", "Qianzhen District", index)) == ["different_english_approved", "other_romanization"]
    index = NameIndex([Known("t-qianzhen", "前鎮區", "Qianzhen District")])
    assert check("前鎮區", "Cianjhen District", index)[1] == OtherRomanization(
        "t-qianzhen", "Qianzhen District", "tongyong", "hanyu"
    )


@pytest.mark.parametrize(
    ("zh", "en", "char", "found"),
    [("重慶街", "Zhongqing St.", "重", "zhong"), ("長明街", "Zhangming St.", "長", "zhang"),
     ("重仁路", "Jhongren Rd.", "重", "zhong")],  # Tongyong spellings count too
)  # fmt: skip
def test_a_polyphonic_character_spelled_with_its_other_reading(
    known: KnownNamesInReadModel, zh: str, en: str, char: str, found: str
) -> None:
    polyphonic = [w for w in check(zh, en, known) if isinstance(w, PolyphonicReading)]
    assert polyphonic == [PolyphonicReading(char, {"重": "chong", "長": "chang"}[char], found)]


def test_the_station_with_a_trailing_space_in_the_source_data(known: KnownNamesInReadModel) -> None:
    assert check("駁二蓬萊", "Penglai Pier-2 ", known) == [StrayWhitespace("en", "trailing")]
    assert codes(check(" 駁二蓬萊", "Penglai  Pier-2", known)) == ["stray_whitespace", "stray_whitespace"]
    assert check("駁二蓬萊", "Penglai\u00a0Pier-2", known) == [StrayWhitespace("en", "unusual")]


def test_typography_of_the_national_road_table(known: KnownNamesInReadModel) -> None:
    assert [w for w in check("博愛一橫巷", "Bo’ai lst Side Ln.", known) if isinstance(w, Typography)] == [
        Typography(CURLY_APOSTROPHE, "Bo’ai", "Bo'ai"),
        Typography(ORDINAL, "lst", "1st"),
    ]
    assert Typography(ORDINAL, "33th", "33rd") in check("第三十三號碼頭", "33th Wharf", known)
    assert Typography(MISSING_PERIOD, "Rd", "Rd.") in check("中山路", "Zhongshan Rd", known)
    assert Typography(FULLWIDTH, "（）", "()") in check("市議會", "City Council （Former Site）", known)


def test_the_same_english_approved_for_another_place(known: KnownNamesInReadModel) -> None:
    # 光復路 and 光富路 are both "Guangfu Rd." in the national table: a real homophone pair.
    warnings = check("光福路", "Guangfu Rd.", known)
    assert {w.zh for w in warnings if isinstance(w, EnglishUsedElsewhere)} >= {"光復路", "光富路"}


def test_a_generic_part_translated_against_the_rules(known: KnownNamesInReadModel) -> None:
    assert GenericInconsistent("路", "Rd.", "Road") in check("自強路", "Ziqiang Road", known)
    assert GenericInconsistent("區", "District", "Dist.") in check("鳳山區", "Fongshan Dist.", known)
    assert GenericInconsistent("站", "Station", "Stop") in check("美麗島站", "Formosa Boulevard Stop", known)
    assert [w for w in check("黃埔二村", "Huangpu 2nd Vil.", known) if isinstance(w, GenericInconsistent)] == []


def test_a_forbidden_or_misspelt_variant_is_flagged() -> None:
    index = NameIndex(
        [
            Known(
                "t-kaohsiung",
                "高雄",
                "Kaohsiung",
                variants=(Variant("Kaoshiung", MISSPELLING), Variant("Takao", FORBIDDEN)),
            )
        ]
    )
    assert ForbiddenVariant("t-kaohsiung", "高雄", MISSPELLING, "Kaohsiung") in check("高雄", "Kaoshiung", index)
    assert ForbiddenVariant("t-kaohsiung", "高雄", FORBIDDEN, "Kaohsiung") in check("打狗", "Takao", index)


def test_a_change_to_a_term_is_not_warned_about_that_term_itself(known: KnownNamesInReadModel) -> None:
    cianjin = known.approved_for_chinese("前金區")[0]
    assert check("前金區", "Cianjin District", known, term_id=cianjin.term_id) == []
    assert codes(check("前金區", "Qianjin District", known, term_id=cianjin.term_id)) == []


def test_small_words_stay_lowercase_as_in_the_citys_own_names(known: KnownNamesInReadModel) -> None:
    # issue 10, defect 7: "Center for the Arts", "Port of Kaohsiung"
    for en in ("National Kaohsiung Center for the Arts", "Port of Kaohsiung", "Museum of Fine Arts",
               "Pier-2 Art Center by the Harbor", "Bridge to the Sea"):  # fmt: skip
        assert [w for w in check("高雄", en, NameIndex()) if isinstance(w, Typography)] == [], en
    assert Typography("lowercase_word", "port", "Port") in check("高雄港", "port of Kaohsiung", NameIndex())
