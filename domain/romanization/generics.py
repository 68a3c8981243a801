"""The generic part of a place name and its official English, per the national translation rules.

A place name is a specific part (中山, 鳳山) and a generic part (路, 區, 公園). The specific part is
romanized; the generic part is translated, always the same way: 路 Rd., 街 St., 區 District.
``accepted`` lists other spellings the rules allow (Chunghwa Post abbreviates 里 and 村 to Vil.);
anything else is an inconsistency the checks report.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class Generic:
    zh: str
    en: str
    accepted: tuple[str, ...] = ()
    is_address_unit: bool = False  # ends one unit of an address: 路, 段, 巷, 里 ...

    @property
    def forms(self) -> tuple[str, ...]:
        return (self.en, *self.accepted)


def _generics(*rows: Generic) -> dict[str, Generic]:
    return {row.zh: row for row in rows}


GENERICS: dict[str, Generic] = _generics(
    Generic("大道", "Blvd.", is_address_unit=True),
    Generic("大路", "Avenue", is_address_unit=True),  # 鹽埕大路 Yancheng Avenue
    Generic("路", "Rd.", is_address_unit=True),
    Generic("街", "St.", is_address_unit=True),
    Generic("段", "Sec.", is_address_unit=True),
    Generic("橫巷", "Side Ln.", is_address_unit=True),
    Generic("巷", "Ln.", is_address_unit=True),
    Generic("弄", "Aly.", is_address_unit=True),
    Generic("里", "Village", ("Vil.",), is_address_unit=True),
    Generic("村", "Village", ("Vil.",), is_address_unit=True),
    Generic("區", "District", is_address_unit=True),
    Generic("夜市", "Night Market"),
    Generic("市場", "Market"),
    Generic("公園", "Park"),
    Generic("車站", "Station"),
    Generic("站", "Station"),
    Generic("國小", "Elementary School"),
    Generic("國中", "Junior High School"),
    Generic("高中", "Senior High School"),
    Generic("大學", "University"),
    Generic("醫院", "Hospital"),
    Generic("機場", "Airport"),
    Generic("碼頭", "Wharf", ("Pier",)),
    Generic("圖書館", "Library"),
    Generic("博物館", "Museum"),
    Generic("商圈", "Shopping District"),
    Generic("橋", "Bridge"),
)

# Spellings that are not the official English of a generic: what the check reports.
MISTRANSLATIONS: dict[str, tuple[str, ...]] = {
    "路": ("Road", "Rd"),
    "街": ("Street", "St"),
    "巷": ("Lane", "Ln"),
    "橫巷": ("Side Lane", "Ln"),
    "弄": ("Alley", "Aly"),
    "段": ("Section", "Sec"),
    "大道": ("Boulevard", "Blvd", "Avenue", "Ave."),
    "區": ("Dist.", "Dist", "Township"),
    "里": ("Vil", "Li"),
    "村": ("Vil", "Cun"),
}

# Words of an institution's name that are translated, not romanized: 衛武營國家藝術文化中心 is
# Weiwuying National Arts and Culture Center, not one 33-letter word. Only outside addresses
# (中心路 is Zhongxin Rd.). Fields of activity next to each other are joined with "and".
DESCRIPTIVE: dict[str, str] = {
    "國家": "National",
    "國立": "National",
    "市立": "Municipal",
    "藝術": "Arts",
    "文化": "Culture",
    "體育": "Sports",
    "科學": "Science",
    "歷史": "History",
    "中心": "Center",
    "紀念": "Memorial",
}
FIELDS_OF_ACTIVITY = frozenset({"藝術", "文化", "體育", "科學", "歷史"})

# Directions before a generic: 中山南路 Zhongshan S. Rd., 三鳳中街 Sanfeng Central St.
DIRECTIONS: dict[str, str] = {"東": "E.", "西": "W.", "南": "S.", "北": "N.", "中": "Central"}

# Names with an established English spelling that is not pinyin.
CONVENTIONAL: dict[str, str] = {
    "高雄": "Kaohsiung",
    "臺灣": "Taiwan",
    "台灣": "Taiwan",
    "臺北": "Taipei",
    "台北": "Taipei",
    "金門": "Kinmen",
    "基隆": "Keelung",
}


def generic_of(zh: str) -> Generic | None:
    """The generic part a name ends with (the longest that fits), if any."""
    for length in (3, 2, 1):
        generic = GENERICS.get(zh[-length:]) if len(zh) > length else None
        if generic:
            return generic
    return None


@cache
def english_words() -> frozenset[str]:
    """English words of the generics and directions: never mistaken for pinyin ("Side")."""
    words = {"Side", "New", "Old", "Main", "Pier", "South", "North", "East", "West"}
    for generic in GENERICS.values():
        for form in generic.forms:
            words.update(form.replace(".", "").split())
    words.update(direction.rstrip(".") for direction in DIRECTIONS.values())
    return frozenset(word.lower() for word in words)
