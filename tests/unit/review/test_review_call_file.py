"""A call's rubric and tiers as TOML: the defaults read back to themselves, and each wrong value is
refused with its problem and the line it is on."""

from __future__ import annotations

import pytest

from domain.review.call_file import as_toml, parse
from domain.review.call_settings import default_rubric, default_tiers
from domain.review.errors import CallFileError

OWN = """\
[[criteria]]
code = "service"
name_zh = "服務品質"
name_en = "Service quality"
weight = 60
bands = [
  { low = 30, high = 60, text_zh = "佳", text_en = "Good" },
  { low = 0, high = 29, text_zh = "待加強", text_en = "Needs work" },
]

[[criteria]]
code = "cost"
name_zh = "成本效益"
name_en = "Cost-effectiveness"
weight = 40
bands = [{ low = 0, high = 40, text_zh = "依效益給分", text_en = "By the benefit" }]

[[tiers]]
code = "gold"
name_zh = "金質獎"
name_en = "Gold"
min = 88
cap = 2
prize = 60000

[[tiers]]
code = "silver"
name_zh = "銀質獎"
name_en = "Silver"
min = 80
"""


@pytest.mark.parametrize("kind", ["innovation", "thesis"])
def test_the_defaults_read_back_to_themselves(kind: str) -> None:
    assert parse(as_toml(default_rubric(kind), default_tiers())) == (default_rubric(kind), default_tiers())


def test_a_calls_own_rubric_and_tiers() -> None:
    criteria, tiers = parse(OWN)
    assert criteria is not None and tiers is not None
    assert [(c["code"], c["weight"]) for c in criteria] == [("service", 60), ("cost", 40)]
    assert criteria[0]["bands"][1] == {"low": 0, "high": 29, "text_zh": "待加強", "text_en": "Needs work"}
    assert tiers == [
        {"code": "gold", "name_zh": "金質獎", "name_en": "Gold", "min": 88, "cap": 2, "prize": 60000},
        {"code": "silver", "name_zh": "銀質獎", "name_en": "Silver", "min": 80, "cap": None, "prize": None},
    ]


def test_either_part_may_be_left_out() -> None:
    assert parse(OWN.split("[[tiers]]")[0])[1] is None
    assert parse("[[tiers]]" + OWN.split("[[tiers]]", 1)[1])[0] is None


@pytest.mark.parametrize(
    ("change", "code", "line"),
    [
        (
            ("weight = 40\nbands = [{ low = 0, high = 40", "weight = 30\nbands = [{ low = 0, high = 30"),
            "weights_sum",
            1,
        ),
        (("weight = 40", "weight = 30"), "out_of_range", 16),  # its band reaches 40
        (("weight = 60", "weight = sixty"), "syntax", 5),
        (('code = "cost"', 'code = "service"'), "duplicate", 12),
        (('code = "cost"', 'code = "Cost!"'), "bad_code", 12),
        (("low = 30, high = 60", "low = 31, high = 60"), "bands_cover", 6),  # 30 in no band
        (("min = 80", "min = 88"), "tiers_order", 30),
        (("cap = 2", "cap = 0"), "out_of_range", 23),
        (("prize = 60000", 'prize = "六萬"'), "not_a_number", 24),
        (('name_en = "Silver"', 'colour = "silver"'), "unknown_key", 29),
        (('name_zh = "成本效益"', "name_zh = 1"), "not_text", 13),
    ],
)
def test_a_wrong_value_is_refused_with_its_line(change: tuple[str, str], code: str, line: int) -> None:
    old, new = change
    assert old in OWN
    with pytest.raises(CallFileError) as refused:
        parse(OWN.replace(old, new, 1))
    assert (refused.value.code, refused.value.line) == (code, line)
