"""How polyphonic characters are read in Kaohsiung place names.

pypinyin picks the everyday reading of a character, which for place names is often wrong:
重仁路 is Chongren Rd., not Zhongren; 長明街 is Changming St., not Zhangming; 蚵仔寮 is
Kezailiao, not Hezailiao. This list says how each polyphonic character is read in place names
(``PLACE_READINGS``) and which whole names read a character differently (``NAME_READINGS``).
Sources: Chunghwa Post's road table and KRTC station names (tests/data/glossary), checked by
``tests/unit/glossary/test_glossary_romanize.py``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Polyphone:
    """A character with several readings, and the one place names use."""

    char: str
    readings: tuple[str, ...]
    place_reading: str


# A character listed with one reading is polyphonic in dictionaries only (區 ou, 大 dai): the
# list fixes its reading for pypinyin, but it never makes a warning.
def _polyphones(*rows: tuple[str, str, str]) -> dict[str, Polyphone]:
    table = {}
    for char, readings, place_reading in rows:
        table[char] = Polyphone(char, tuple(readings.split()), place_reading)
    return table


# char, its readings (toneless Hanyu Pinyin), the reading in place names
POLYPHONES: dict[str, Polyphone] = _polyphones(
    ("長", "chang zhang", "chang"),  # 長春 長明 長安: "long", not "elder"
    ("重", "chong zhong", "chong"),  # 重慶 重仁 重忠: Kaohsiung's 重 roads are all Chong
    ("行", "xing hang", "xing"),
    ("廈", "xia sha", "xia"),  # 廈門 Xiamen
    ("茄", "jia qie", "jia"),  # 茄萣 Jiading, 茄苳 Jiadong; qie is the eggplant
    ("樂", "le yue", "le"),  # 樂群 Lequn
    ("六", "liu lu", "liu"),  # 六龜 Liugui, 六合 Liuhe
    ("覺", "jue jiao", "jue"),
    ("澄", "cheng deng", "cheng"),  # 澄清湖 Chengqing Lake
    ("單", "dan shan chan", "dan"),
    ("朝", "chao zhao", "chao"),
    ("大", "da", "da"),
    ("仔", "zai zi", "zai"),  # Taiwanese diminutive: 店仔後 Dianzaihou, 蚵仔寮 Kezailiao
    ("埔", "pu bu", "pu"),  # 前鎮 草衙 青埔 Cingpu
    ("那", "na nuo", "na"),  # 那瑪夏 Namasia
    ("阿", "a e", "a"),  # 阿蓮 Alian, 阿公店 Agongdian
    ("蚵", "ke he", "ke"),  # 蚵仔寮 Kezailiao
    ("車", "che", "che"),
    ("石", "shi", "shi"),
    ("曾", "zeng ceng", "zeng"),
    ("傳", "chuan zhuan", "chuan"),
    ("調", "tiao diao", "tiao"),
    ("校", "xiao jiao", "xiao"),  # 校 as school: 學校路 Xuexiao Rd.
    ("參", "can shen", "can"),
    ("沈", "shen chen", "shen"),
    ("區", "qu", "qu"),
    ("番", "fan pan", "fan"),  # 番薯寮 Fanshuliao (the old name of Qishan)
    ("著", "zhu zhuo", "zhu"),
    ("會", "hui", "hui"),
    ("彈", "dan tan", "dan"),
    ("降", "jiang xiang", "jiang"),
    ("藏", "cang zang", "cang"),
    ("省", "sheng xing", "sheng"),
    ("勁", "jing jin", "jing"),  # 後勁 Houjing
    ("堤", "ti di", "ti"),  # 河堤 Heti: the Taiwan reading
    ("佛", "fo fu", "fo"),
    ("都", "du dou", "du"),  # 楠都 Nandu, 都會公園 Duhui
    ("沓", "ta da", "ta"),  # 山沓路 Shanta Rd.
    ("漯", "ta luo", "ta"),  # 漯底 Tadi
    ("柏", "bo bai", "bo"),  # 松柏街 Songbo St.: the Taiwan reading
    ("圳", "zun zhen", "zun"),  # irrigation canal, Taiwan reading: 東圳巷 Dongzun Ln.
    ("波", "po bo", "po"),  # 鼓波街 Gupo St.
    ("興", "xing", "xing"),  # one syllable, two tones: never a warning, kept for completeness
    ("觀", "guan", "guan"),
    ("營", "ying", "ying"),
    ("瑪", "ma", "ma"),
    ("夏", "xia", "xia"),  # pypinyin offers jia for 夏; place names read xia
    ("龜", "gui", "gui"),  # 六龜 Liugui; 龜茲 Qiuci is not in Taiwan
    ("彌", "mi", "mi"),
    ("陀", "tuo", "tuo"),
)

# Whole names (or parts of names) whose characters are read against the place default.
NAME_READINGS: dict[str, tuple[str, ...]] = {
    "長治": ("chang", "zhi"),  # Pingtung's Changzhi Township keeps chang
    "重劃": ("chong", "hua"),
    "廈門": ("xia", "men"),
    "西藏": ("xi", "zang"),
    "銀行": ("yin", "hang"),
    "行政": ("xing", "zheng"),
    "茄子": ("qie", "zi"),
    "覺民": ("jue", "min"),
    "大夫": ("dai", "fu"),
    "單于": ("chan", "yu"),
    "朝天": ("chao", "tian"),
    "音樂": ("yin", "yue"),
    "樂器": ("yue", "qi"),
}


def polyphones_in(zh: str) -> list[Polyphone]:
    """The characters of a name that have more than one reading, in order, once each."""
    seen: dict[str, Polyphone] = {}
    for char in zh:
        polyphone = POLYPHONES.get(char)
        if polyphone and len(polyphone.readings) > 1 and char not in seen:
            seen[char] = polyphone
    return list(seen.values())
