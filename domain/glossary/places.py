"""The lists a term's category and district come from.

A category or district outside these lists is refused: both feed the term id (one place, one
id), so a free-text value would make a second id for the same place, and an unbounded one an
unbounded event. The districts are those of tests/data/glossary/kaohsiung_districts.csv (Kaohsiung's
38 districts and the two island groups it administers); a test keeps the two in step.
"""

from __future__ import annotations

from domain.romanization.generics import generic_of

CATEGORIES = (
    "district", "islands", "road", "street", "lane", "boulevard", "village", "locality", "mrt_station",
    "lrt_station", "landmark", "park", "market", "neighbourhood", "river",
)  # fmt: skip

DISTRICTS = (
    "新興區", "前金區", "苓雅區", "鹽埕區", "鼓山區", "旗津區", "前鎮區", "三民區", "楠梓區", "小港區",
    "左營區", "仁武區", "大社區", "岡山區", "路竹區", "阿蓮區", "田寮區", "燕巢區", "橋頭區", "梓官區",
    "彌陀區", "永安區", "湖內區", "鳳山區", "大寮區", "林園區", "鳥松區", "大樹區", "旗山區", "美濃區",
    "六龜區", "內門區", "杉林區", "甲仙區", "桃源區", "那瑪夏區", "茂林區", "茄萣區",
    "東沙群島", "南沙群島",  # administered by the city, not districts, but where places are
)  # fmt: skip


# The romanization policy (README, "Romanization policy"): which system the city approves for
# which kind of name, and so which one a page falls back on for a name the glossary lacks.
HANYU = "hanyu"
TONGYONG = "tongyong"
# Address units follow the national address table (Chunghwa Post, Hanyu Pinyin): roads, streets,
# sections, lanes, alleys. Everything else (districts, villages, stations, landmarks) follows the
# city's own signs and KRTC's stations, which write Tongyong Pinyin.
_ADDRESS_GENERICS = ("路", "街", "大道", "大路", "段", "橫巷", "巷", "弄")


def approved_system(zh: str) -> str:
    """The romanization system the city approves for this kind of name: HANYU or TONGYONG."""
    zh = zh.strip()
    if zh in DISTRICTS:
        return TONGYONG
    generic = generic_of(zh)
    return HANYU if generic is not None and generic.zh in _ADDRESS_GENERICS else TONGYONG
