"""Suggested romanizations, checked against the real names in the shared data."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypinyin.pinyin_dict import pinyin_dict

from domain.romanization.romanize import suggest, tongyong_from_hanyu
from domain.romanization.syllables import system_of_word, tongyong_syllable
from tests.unit.glossary.glossary_data import shared_rows as rows


def test_tongyong_from_the_chinese_matches_every_district_name_on_kaohsiungs_signs() -> None:
    districts = [row for row in rows("kaohsiung_districts.csv") if row["category"] == "district"]
    assert len(districts) == 38
    assert [(row["zh"], suggest(row["zh"]).tongyong) for row in districts] == [
        (row["zh"], row["en_alt"]) for row in districts
    ]


def test_tongyong_from_the_national_hanyu_form_matches_the_signs() -> None:
    districts = [row for row in rows("kaohsiung_districts.csv") if row["category"] == "district"]
    converted = {row["zh"]: tongyong_from_hanyu(row["en"]) for row in districts}
    expected = {row["zh"]: row["en_alt"] for row in districts}
    # Chunghwa Post reads 茄 in 茄萣 as qie (the eggplant); the place is Jiading. Converting the
    # wrong Hanyu spelling faithfully gives Cieding, which is why the glossary romanizes from the
    # Chinese, with a pronunciation list, rather than from someone else's English.
    assert converted.pop("茄萣區") == "Cieding District"
    expected.pop("茄萣區")
    assert converted == expected
    for hanyu, tongyong in [
        ("Qianzhen District", "Cianjhen District"),
        ("Fengshan", "Fongshan"),
        ("Xinxing", "Sinsing"),
        ("Lingya District", "Lingya District"),
        ("Zuoying Sec. 2 Rd.", "Zuoying Sec. 2 Rd."),
        ("Sizi Bay", "Sihzih Bay"),
    ]:
        assert tongyong_from_hanyu(hanyu) == tongyong


@pytest.mark.parametrize(
    ("hanyu", "tongyong"),
    [("qian", "cian"), ("zhen", "jhen"), ("xing", "sing"), ("zi", "zih"), ("si", "sih"), ("shi", "shih"),
     ("feng", "fong"), ("meng", "mong"), ("liu", "liou"), ("gui", "guei"), ("xu", "syu"), ("quan", "cyuan"),
     ("jiong", "jyong"), ("lü", "lyu"), ("wen", "wun"), ("weng", "wong"), ("zhong", "jhong"), ("ying", "ying")],
)  # fmt: skip
def test_tongyong_syllables(hanyu: str, tongyong: str) -> None:
    assert tongyong_syllable(hanyu) == tongyong


def test_suggestions_reproduce_almost_every_road_name_of_the_national_table() -> None:
    roads = rows("kaohsiung_roads.csv")
    # The table writes Yong’an with a curly apostrophe; the suggestion uses the straight one.
    same = [row for row in roads if suggest(row["zh"]).hanyu == row["en"].replace("’", "'")]
    assert len(same) / len(roads) > 0.97, len(same)


@pytest.mark.parametrize(
    ("zh", "hanyu", "tongyong"),
    [
        ("建國路三段", "Sec. 3, Jianguo Rd.", "Sec. 3, Jianguo Rd."),
        ("旗甲路三段下宅巷", "Xiazhai Ln., Sec. 3, Qijia Rd.", "Siajhai Ln., Sec. 3, Cijia Rd."),
        ("文安路四巷南弄", "S. Aly., Ln. 4, Wen'an Rd.", "S. Aly., Ln. 4, Wun-an Rd."),
        ("中山南路", "Zhongshan S. Rd.", "Jhongshan S. Rd."),
        ("府北路", "Fubei Rd.", "Fubei Rd."),
        ("高坪二十九路", "Gaoping 29th Rd.", "Gaoping 29th Rd."),
        ("第三十三號碼頭", "33rd Wharf", "33rd Wharf"),
        ("永安區", "Yong'an District", "Yong-an District"),
        ("路竹區", "Luzhu District", "Lujhu District"),
        ("重仁路", "Chongren Rd.", "Chongren Rd."),  # pypinyin alone says Zhongren
        ("長明街", "Changming St.", "Changming St."),  # pypinyin alone says Zhangming
        ("茄萣區", "Jiading District", "Jiading District"),
        ("高雄車站", "Kaohsiung Station", "Kaohsiung Station"),
        ("六合夜市", "Liuhe Night Market", "Liouhe Night Market"),
        ("中央公園", "Zhongyang Park", "Jhongyang Park"),
    ],
)
def test_generic_parts_are_translated_and_the_rest_romanized(zh: str, hanyu: str, tongyong: str) -> None:
    suggestion = suggest(zh)
    assert (suggestion.hanyu, suggestion.tongyong) == (hanyu, tongyong)


def test_a_suggestion_names_the_polyphonic_characters_to_confirm() -> None:
    assert [p.char for p in suggest("長春重慶街").polyphones] == ["長", "重"]
    assert suggest("三民區").polyphones == ()  # 區 read ou is a dictionary curiosity, not a doubt


@pytest.mark.parametrize(
    ("word", "system"),
    [("Qianjin", "hanyu"), ("Cianjin", "tongyong"), ("Fongshan", "tongyong"), ("Zuoying", "both"), ("Formosa", None)],
)
def test_the_spelling_system_of_a_word(word: str, system: str | None) -> None:
    assert system_of_word(word) == system


KNOWN_CHARACTERS = sorted(chr(code) for code in pinyin_dict if 0x4E00 <= code <= 0x9FFF)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(KNOWN_CHARACTERS), min_size=1, max_size=12).map("".join))
def test_any_name_of_readable_characters_gets_a_plain_ascii_romanization(zh: str) -> None:
    suggestion = suggest(zh)
    for text in (suggestion.hanyu, suggestion.tongyong):
        assert text and text.strip() == text
        assert text.isascii(), text


def test_a_character_without_a_known_reading_is_kept_as_it_is() -> None:
    assert suggest("鿅路").hanyu == "鿅 Rd."


def test_a_long_institution_name_is_split_into_words() -> None:
    # issue 10, defect 7: not one 33-letter word
    suggestion = suggest("衛武營國家藝術文化中心")
    assert suggestion.hanyu == "Weiwuying National Arts and Culture Center"
    assert suggestion.tongyong == "Weiwuying National Arts and Culture Center"
    assert max(len(word) for word in suggestion.hanyu.split()) <= 12
    assert suggest("大東文化藝術中心").hanyu == "Dadong Culture and Arts Center"
    assert suggest("中心路").hanyu == "Zhongxin Rd."  # inside a road's name it is a name
