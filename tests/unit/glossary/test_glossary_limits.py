"""What the glossary refuses at its edge, so that no stored event can hurt the platform later.

Each story is a finding of the robustness review: a proposal, a meeting or a file that was
accepted (or took seconds, or crashed) and is now refused with a field and a code.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from domain.eventlog import SYSTEM_ACTOR, EventLog
from domain.glossary import limits
from domain.glossary.checks import NameIndex, check
from domain.glossary.errors import InvalidFieldError
from domain.glossary.names import MISSPELLING, tidy
from domain.glossary.service import Glossary
from domain.glossary.typography import typography_problems, whitespace_problems
from domain.romanization import fold, suggest, tongyong_from_hanyu
from projections.glossary import GlossaryView, search
from projections.runner import Projector, open_read_db
from tests.unit.glossary.conftest import People


@contextmanager
def finishes_within(seconds: int) -> Iterator[None]:
    """Fails the test if the block has not returned after ``seconds`` (a hang, not a slow machine)."""

    def stop(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def refused(call: Callable[[], Any]) -> tuple[str, str]:
    with pytest.raises(InvalidFieldError) as refusal:
        call()
    return refusal.value.field, refusal.value.code


# --- control characters (finding 6) --------------------------------------------------------------

BAD_CHARACTERS = ["\x00", "\x1b", "\x07", "\x7f", "\x85", "\x9b", "\u202a", "\u202e", "\u2066", "\u2069", "\ud800"]


@pytest.mark.parametrize("bad", BAD_CHARACTERS)
def test_control_and_bidi_characters_are_refused_in_every_field_of_a_proposal(
    glossary: Glossary, people: People, bad: str
) -> None:
    def propose(**fields: Any) -> Callable[[], Any]:
        values = {"zh": "美濃湖", "en": "Meinong Lake", "category": "landmark", "district": "美濃區", **fields}
        zh, en = values.pop("zh"), values.pop("en")
        return lambda: glossary.propose(zh, en, people.translator, **values)

    assert refused(propose(zh=f"美濃{bad}湖")) == ("zh", "control_character")
    assert refused(propose(en=f"Meinong{bad} Lake")) == ("en", "control_character")
    assert refused(propose(notes=f"by the {bad}lake")) == ("notes", "control_character")
    assert refused(propose(sources=[f"KCG{bad}"])) == ("sources", "control_character")
    assert refused(propose(variants=[(f"Meinung{bad}", MISSPELLING)])) == ("variants", "control_character")
    assert refused(propose(code=f"8{bad}43")) == ("code", "control_character")


def test_tabs_and_newlines_are_text_only_in_notes_and_sources(glossary: Glossary, people: People) -> None:
    assert refused(lambda: glossary.propose("美濃湖", "Meinong\tLake", people.translator)) == (
        "en",
        "control_character",
    )
    assert refused(lambda: glossary.propose("美濃\n湖", "Meinong Lake", people.translator)) == (
        "zh",
        "control_character",
    )
    term_id = glossary.propose(
        "美濃湖", "Meinong Lake", people.translator, notes="first line\nsecond\tline", sources=["KCG\tsigns"]
    ).result
    assert glossary.term(term_id).candidate.notes == "first line second line"  # type: ignore[union-attr]


@pytest.mark.parametrize("bad", ["\x00", "\u202e"])
def test_meetings_refuse_control_characters_in_title_members_and_reasons(
    glossary: Glossary, people: People, bad: str
) -> None:
    assert refused(lambda: glossary.convene("2026-12-01", ["林委員"], people.staff, title=f"第1{bad}次")) == (
        "title", "control_character",
    )  # fmt: skip
    assert refused(lambda: glossary.convene("2026-12-01", [f"林{bad}委員"], people.staff)) == (
        "members", "control_character",
    )  # fmt: skip
    term_id = glossary.propose("美濃湖", "Meinong Lake", people.translator).result
    meeting = glossary.convene("2026-12-01", ["林委員"], people.staff).result
    glossary.put_on_agenda(meeting, term_id, people.staff)
    assert refused(lambda: glossary.reject(meeting, term_id, f"no{bad}", people.staff)) == (
        "reason", "control_character",
    )  # fmt: skip
    assert refused(lambda: glossary.approve_amended(meeting, term_id, f"Meinong{bad} Lake", people.staff)) == (
        "en", "control_character",
    )  # fmt: skip


def test_a_change_refuses_control_characters_too(glossary: Glossary, people: People) -> None:
    glossary.import_file("zh,en,category\n美濃湖,Meinong Lake,landmark\n", SYSTEM_ACTOR)
    from domain.glossary.names import term_id_for

    term_id = term_id_for("美濃湖", "landmark", "")
    assert refused(lambda: glossary.propose_change(term_id, "Meinong\x1b Lake", people.translator)) == (
        "en", "control_character",
    )  # fmt: skip
    assert refused(lambda: glossary.propose_change(term_id, "Meinung Lake", people.translator, notes="\u2066x")) == (
        "notes", "control_character",
    )  # fmt: skip


# --- formula injection (finding 7) ---------------------------------------------------------------


@pytest.mark.parametrize("lead", ["=", "+", "-", "@"])
def test_names_may_not_start_like_a_spreadsheet_formula(glossary: Glossary, people: People, lead: str) -> None:
    assert refused(lambda: glossary.propose("美濃湖", f"{lead}HYPERLINK(1)", people.translator)) == ("en", "formula")
    assert refused(lambda: glossary.propose(f"{lead}美濃湖", "Meinong Lake", people.translator)) == ("zh", "formula")
    assert refused(
        lambda: glossary.propose("美濃湖", "Meinong Lake", people.translator, variants=[(f"{lead}cmd", MISSPELLING)])
    ) == ("variants", "formula")


# --- lengths, counts and lists (findings 2 and 8) ------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"zh": "湖" * (limits.MAX_ZH + 1)}, ("zh", "too_long")),
        ({"en": "A" * (limits.MAX_EN + 1)}, ("en", "too_long")),
        ({"notes": "n" * (limits.MAX_NOTES + 1)}, ("notes", "too_long")),
        ({"sources": ["s" * (limits.MAX_SOURCE + 1)]}, ("sources", "too_long")),
        ({"sources": [f"source {n}" for n in range(limits.MAX_SOURCES + 1)]}, ("sources", "too_many")),
        (
            {"variants": [(f"Meinong {n}", MISSPELLING) for n in range(limits.MAX_VARIANTS + 1)]},
            ("variants", "too_many"),
        ),
        ({"variants": [("V" * (limits.MAX_EN + 1), MISSPELLING)]}, ("variants", "too_long")),
        ({"code": "9" * (limits.MAX_CODE + 1)}, ("code", "too_long")),
        ({"category": "c" * 100_000}, ("category", "unknown")),
        ({"category": "pier"}, ("category", "unknown")),
        ({"district": "台北市"}, ("district", "unknown")),
        ({"district": "區" * 100_000}, ("district", "unknown")),
    ],
)
def test_every_field_has_a_bound(glossary: Glossary, people: People, fields: dict[str, Any], expected: tuple) -> None:
    values = {"zh": "美濃湖", "en": "Meinong Lake", "category": "landmark", "district": "美濃區", **fields}
    zh, en = values.pop("zh"), values.pop("en")
    assert refused(lambda: glossary.propose(zh, en, people.translator, **values)) == expected


def test_every_district_of_the_city_and_its_islands_is_a_district(glossary: Glossary, people: People) -> None:
    from domain.glossary.places import DISTRICTS
    from tests.unit.glossary.glossary_data import shared_rows

    places = {row["zh"]: row["category"] for row in shared_rows("kaohsiung_districts.csv")}
    assert len(places) == 40 and sorted(DISTRICTS) == sorted(places)
    assert glossary.propose("東沙島", "Pratas Island", people.translator, category="islands", district="東沙群島")


def test_a_meeting_has_bounds_too(glossary: Glossary, people: People) -> None:
    assert refused(lambda: glossary.convene("2026-12-01", ["林委員"], people.staff, title="會" * 201)) == (
        "title", "too_long",
    )  # fmt: skip
    assert refused(lambda: glossary.convene("2026-12-01", [f"委員{n}" for n in range(51)], people.staff)) == (
        "members", "too_many",
    )  # fmt: skip
    term_id = glossary.propose("美濃湖", "Meinong Lake", people.translator).result
    meeting = glossary.convene("2026-12-01", ["林委員"], people.staff).result
    glossary.put_on_agenda(meeting, term_id, people.staff)
    assert refused(lambda: glossary.reject(meeting, term_id, "r" * 1001, people.staff)) == ("reason", "too_long")


def test_a_term_changed_many_times_keeps_a_bounded_list_of_variants(glossary: Glossary, people: People) -> None:
    term_id = glossary.propose("美濃湖", "Meinong Lake 0", people.translator).result
    for change in range(1, 6):
        meeting = glossary.convene("2026-12-01", ["林委員"], people.staff).result
        glossary.put_on_agenda(meeting, term_id, people.staff)
        glossary.approve(meeting, term_id, people.staff)
        variants = [(f"Meinong {change} {n}", MISSPELLING) for n in range(limits.MAX_VARIANTS)]
        glossary.propose_change(term_id, f"Meinong Lake {change}", people.translator, variants=variants)
    assert len(glossary.term(term_id).variants) <= limits.MAX_KEPT_VARIANTS


def test_the_projection_applies_a_term_at_every_bound(tmp_path: Path, people: People, log: EventLog) -> None:
    """The largest event a proposal can make, and the largest import, project without error."""
    glossary = Glossary(log, __import__("domain.accounts", fromlist=["Accounts"]).Accounts(log))
    words = " ".join(f"w{n:03d}x" for n in range(40))[: limits.MAX_EN]
    variants = [(f"{words[:-3]}{n:03d}", MISSPELLING) for n in range(limits.MAX_VARIANTS)]
    term_id = glossary.propose(
        "湖" * limits.MAX_ZH, words, people.translator, category="landmark", district="美濃區",
        variants=variants, notes="n" * limits.MAX_NOTES, code="9" * limits.MAX_CODE,
        sources=["s" * limits.MAX_SOURCE] * limits.MAX_SOURCES,
    ).result  # fmt: skip
    meeting = glossary.convene("2026-12-01", ["委員"] * limits.MAX_MEMBERS, people.staff, title="會" * 200).result
    glossary.put_on_agenda(meeting, term_id, people.staff)
    glossary.approve(meeting, term_id, people.staff)
    db = open_read_db(tmp_path / "read.db")
    Projector(log, db, [GlossaryView()]).catch_up()
    assert search(db, "w001x")[0]["id"] == str(term_id)


# --- checks in bounded time (findings 3 and 4) ---------------------------------------------------

HUGE = 100_000


@pytest.mark.parametrize(
    "text",
    ["A" * HUGE, "’" * HUGE, "A’" * (HUGE // 2), "1" * HUGE + "th", "a " * (HUGE // 2), " " * HUGE, "Rd" * HUGE,
     "l" * HUGE + "st", "x-" * (HUGE // 2), "路" * HUGE, "一" * HUGE, "高雄" * (HUGE // 2), "第" + "一" * HUGE + "碼頭"],
)  # fmt: skip
def test_every_check_on_a_huge_input_returns(text: str) -> None:
    with finishes_within(20):
        typography_problems(text)
        whitespace_problems(text, "en")
        fold(text)
        tidy(text)
        tongyong_from_hanyu(text)
        suggest(text)
        for zh, en in ((text, "Meinong Lake"), ("美濃湖", text)):
            if tidy(text):  # a huge name is refused before any check runs
                assert refused(lambda zh=zh, en=en: check(zh, en, NameIndex()))[1] == "too_long"
            else:  # only spaces: tidied away, nothing to check but the spaces
                check(zh, en, NameIndex())


def test_an_ordinal_of_thousands_of_digits_is_a_warning_not_a_crash() -> None:
    [problem] = [p for p in typography_problems("1" * 5000 + "21th St.") if p.problem == "ordinal"]
    assert problem.suggested.endswith("121st") and problem.found.endswith("121th")
    assert [p.suggested for p in typography_problems("33th Wharf") if p.problem == "ordinal"] == ["33rd"]


def test_the_projection_applies_an_event_stored_before_the_bounds(tmp_path: Path, log: EventLog) -> None:
    """History recorded before the bounds existed (the issue's 6,800 variants) still projects."""
    from uuid import uuid4

    from domain.glossary.terms import Term

    def word(number: int) -> str:  # 0 → "aaaa", 1 → "aaab", ...: letters only, as vocabulary words are
        return "".join("abcdefghijklmnopqrstuvwxyz"[number // 26**power % 26] for power in (3, 2, 1, 0))

    variants = [{"text": " ".join(word(n * 40 + k) for k in range(40)), "kind": MISSPELLING} for n in range(7_000)]
    term = Term.imported(
        zh="美濃湖", category="landmark", district="美濃區", en="Meinong Lake", variants=variants, notes="",
        code="", sources=[], meeting_id=uuid4(), decision_number=1, actor=SYSTEM_ACTOR,
    )  # fmt: skip
    log.record(term)
    db = open_read_db(tmp_path / "read.db")
    with finishes_within(120):
        Projector(log, db, [GlossaryView()]).catch_up()
    assert search(db, "meinong lake")[0]["en"] == "Meinong Lake"
    words = db.execute("SELECT count(*) FROM glossary_words").fetchone()[0]
    assert 0 < words <= limits.MAX_INDEXED_WORDS


def test_every_category_has_words_on_the_pages() -> None:
    from domain.glossary.places import CATEGORIES
    from web.glossary_text import CATEGORIES as WORDED

    assert tuple(WORDED) == CATEGORIES
