"""Stories of terms and meetings: translators propose, a review meeting decides."""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest

from domain.accounts import PermissionDeniedError
from domain.eventlog import SYSTEM_ACTOR, EventLog
from domain.glossary.errors import (
    AlreadyOnAgendaError,
    ChangePendingError,
    InitialListMeetingError,
    InvalidFieldError,
    MeetingNotFoundError,
    NotOnAgendaError,
    TermExistsError,
    TermNotFoundError,
    TermStatusError,
)
from domain.glossary.meetings import APPROVE, APPROVE_AMENDED, DEFER, REJECT
from domain.glossary.names import HISTORIC, TONGYONG, Variant, term_id_for
from domain.glossary.service import Glossary
from domain.glossary.terms import APPROVED, DEPRECATED, PROPOSED, REJECTED, SUPERSEDED, UNDER_REVIEW
from tests.unit.glossary.conftest import People


def meeting_with(glossary: Glossary, people: People, *term_ids: UUID) -> UUID:
    meeting_id = glossary.convene("2026-12-01", ["Chair Lin", "Prof. Chen"], people.staff, title="第1次審查會議").result
    for term_id in term_ids:
        glossary.put_on_agenda(meeting_id, term_id, people.staff)
    return meeting_id


def test_a_proposed_term_approved_by_a_meeting_carries_the_meeting_and_decision(
    glossary: Glossary, people: People
) -> None:
    pier = glossary.propose(
        "駁二藝術特區", "The Pier-2 Art Center", people.translator, category="landmark", district="鹽埕區",
        variants=[{"text": "Bo'er Yishu Tequ", "kind": "hanyu"}], notes="not pinyin: the venue's own name",
    ).result  # fmt: skip
    assert glossary.term(pier).status == PROPOSED
    assert glossary.term(pier).en == ""  # nothing approved yet

    meeting = meeting_with(glossary, people, pier)
    assert glossary.term(pier).status == UNDER_REVIEW
    number = glossary.approve(meeting, pier, people.staff).result

    term = glossary.term(pier)
    assert (term.status, term.en, term.approved_by, number) == (APPROVED, "The Pier-2 Art Center", (meeting, 1), 1)
    assert term.variants == (Variant("Bo'er Yishu Tequ", "hanyu"),)
    minutes = glossary.meeting(meeting)
    assert [(d.number, d.outcome, d.term_id, d.en) for d in minutes.decisions] == [
        (1, APPROVE, pier, "The Pier-2 Art Center")
    ]
    assert minutes.agenda == []


def test_a_meeting_decides_each_item_its_own_way_numbering_the_decisions(glossary: Glossary, people: People) -> None:
    hamasen = glossary.propose("哈瑪星", "Hamaxing", people.translator, category="neighbourhood").result
    pier = glossary.propose("駁二", "Pier2", people.translator, category="landmark").result
    night_market = glossary.propose("六合夜市", "Liuhe Night Market", people.translator, category="market").result
    meeting = meeting_with(glossary, people, hamasen, pier, night_market)

    assert glossary.approve_amended(meeting, hamasen, "Hamasen", people.staff).result == 1
    assert glossary.reject(meeting, pier, "Use the venue's name, The Pier-2 Art Center", people.staff).result == 2
    assert glossary.defer(meeting, night_market, people.staff).result == 3

    assert (glossary.term(hamasen).status, glossary.term(hamasen).en) == (APPROVED, "Hamasen")
    assert glossary.term(pier).status == REJECTED
    deferred = glossary.term(night_market)
    assert deferred.candidate is not None
    assert (deferred.status, deferred.candidate.en) == (PROPOSED, "Liuhe Night Market")
    decisions = glossary.meeting(meeting).decisions
    assert [(d.number, d.outcome, d.en, d.reason) for d in decisions] == [
        (1, APPROVE_AMENDED, "Hamasen", ""),
        (2, REJECT, "", "Use the venue's name, The Pier-2 Art Center"),
        (3, DEFER, "", ""),
    ]


def test_a_rejected_term_can_be_proposed_again_and_an_existing_one_cannot(glossary: Glossary, people: People) -> None:
    pier = glossary.propose("駁二", "Pier2", people.translator, category="landmark").result
    meeting = meeting_with(glossary, people, pier)
    glossary.reject(meeting, pier, "ambiguous", people.staff)

    assert glossary.propose("駁二", "The Pier-2", people.translator, category="landmark").result == pier
    assert glossary.term(pier).status == PROPOSED
    with pytest.raises(TermExistsError) as refused:
        glossary.propose("駁二", "Pier 2", people.translator, category="landmark")
    assert (refused.value.term_id, refused.value.status) == (pier, PROPOSED)


def test_a_change_to_an_approved_term_keeps_it_approved_until_a_meeting_decides(
    glossary: Glossary, people: People
) -> None:
    fengshan = glossary.propose("鳳山區", "Fengshan District", people.translator, category="district").result
    first = meeting_with(glossary, people, fengshan)
    glossary.approve(first, fengshan, people.staff)

    glossary.propose_change(
        fengshan, "Fongshan District", people.translator, variants=[("Fongshan Dist.", "misspelling")]
    )
    assert (glossary.term(fengshan).status, glossary.term(fengshan).en) == (APPROVED, "Fengshan District")
    with pytest.raises(ChangePendingError):
        glossary.propose_change(fengshan, "Fong-shan District", people.translator)

    second = meeting_with(glossary, people, fengshan)
    glossary.approve(second, fengshan, people.staff)

    term = glossary.term(fengshan)
    assert (term.en, term.approved_by) == ("Fongshan District", (second, 1))
    assert set(term.variants) == {Variant("Fengshan District", HISTORIC), Variant("Fongshan Dist.", "misspelling")}


def test_rejecting_a_change_leaves_the_approved_english_alone(glossary: Glossary, people: People) -> None:
    zuoying = glossary.propose("左營區", "Zuoying District", people.translator, category="district").result
    glossary.approve(meeting_with(glossary, people, zuoying), zuoying, people.staff)
    glossary.propose_change(zuoying, "Tsoying District", people.translator)
    glossary.reject(meeting_with(glossary, people, zuoying), zuoying, "Wade-Giles", people.staff)

    term = glossary.term(zuoying)
    assert (term.status, term.en, term.candidate) == (APPROVED, "Zuoying District", None)


def test_an_approved_term_can_be_deprecated_or_superseded_by_a_later_decision(
    glossary: Glossary, people: People
) -> None:
    old = glossary.propose("市議會", "City Council", people.translator, category="mrt_station").result
    new = glossary.propose(
        "市議會（舊址）", "City Council (Former Site)", people.translator, category="mrt_station"
    ).result
    gone = glossary.propose("旅運中心", "Cruise Terminal", people.translator, category="lrt_station").result
    meeting = meeting_with(glossary, people, old, new, gone)
    for term_id in (old, new, gone):
        glossary.approve(meeting, term_id, people.staff)

    later = meeting_with(glossary, people, old, gone)
    with pytest.raises(TermStatusError):
        glossary.supersede(later, old, old, people.staff)  # not by itself
    glossary.supersede(later, old, new, people.staff)
    glossary.deprecate(later, gone, "station renamed", people.staff)

    assert (glossary.term(old).status, glossary.term(old).superseded_by) == (SUPERSEDED, new)
    assert glossary.term(gone).status == DEPRECATED
    assert glossary.term(new).status == APPROVED


def test_decisions_need_the_term_on_that_meetings_agenda(glossary: Glossary, people: People) -> None:
    hamasen = glossary.propose("哈瑪星", "Hamasen", people.translator).result
    elsewhere = meeting_with(glossary, people)
    here = meeting_with(glossary, people, hamasen)

    with pytest.raises(NotOnAgendaError):
        glossary.approve(elsewhere, hamasen, people.staff)
    with pytest.raises(TermStatusError):
        glossary.put_on_agenda(elsewhere, hamasen, people.staff)  # on one already
    with pytest.raises(AlreadyOnAgendaError):
        glossary.put_on_agenda(here, hamasen, people.staff)
    with pytest.raises(TermStatusError):
        glossary.deprecate(here, hamasen, "never approved", people.staff)
    assert glossary.approve(here, hamasen, people.staff).result == 1


def test_only_translators_propose_and_only_staff_decide(glossary: Glossary, people: People, log: EventLog) -> None:
    before = log.position()
    with pytest.raises(PermissionDeniedError):
        glossary.propose("哈瑪星", "Hamasen", people.resident)
    with pytest.raises(PermissionDeniedError):
        glossary.convene("2026-12-01", ["Chair Lin"], people.translator)
    with pytest.raises(PermissionDeniedError):
        glossary.import_file("zh,en\n哈瑪星,Hamasen\n", people.translator)
    assert log.position() == before
    assert glossary.propose("哈瑪星", "Hamasen", people.staff).result  # staff may propose too
    assert glossary.propose("鹽埕區", "Yancheng District", SYSTEM_ACTOR).result  # and the command line


@pytest.mark.parametrize(
    ("zh", "en", "field", "code"),
    [("", "Hamasen", "zh", "missing"), ("Hamasen", "Hamasen", "zh", "not_chinese"), ("哈瑪星", " ", "en", "missing"),
     ("哈瑪星", "哈瑪星 Hamasen", "en", "contains_chinese"), ("哈瑪星", "H" * 201, "en", "too_long")],
)  # fmt: skip
def test_invalid_names_are_refused_with_the_field_and_a_code(
    glossary: Glossary, people: People, zh: str, en: str, field: str, code: str
) -> None:
    with pytest.raises(InvalidFieldError) as refused:
        glossary.propose(zh, en, people.translator)
    assert (refused.value.field, refused.value.code) == (field, code)


def test_proposals_are_stored_tidy_and_variant_kinds_are_checked(glossary: Glossary, people: People) -> None:
    term_id = glossary.propose("  駁二蓬萊 ", "Penglai Pier-2 ", people.translator, category=" lrt_station").result
    assert term_id == term_id_for("駁二蓬萊", "lrt_station", "")
    candidate = glossary.term(term_id).candidate
    assert candidate is not None and candidate.en == "Penglai Pier-2"
    with pytest.raises(InvalidFieldError) as refused:
        glossary.propose("大東", "Dadong", people.translator, variants=[("Ta-tung", "wade-giles")])
    assert (refused.value.field, refused.value.code) == ("variants", "unknown_kind")
    assert glossary.propose("大東", "Dadong", people.translator, variants=[("Dadong", TONGYONG)]).result


def test_meetings_need_a_date_and_members_and_an_import_record_takes_no_agenda(
    glossary: Glossary, people: People
) -> None:
    with pytest.raises(InvalidFieldError) as refused:
        glossary.convene("105/03/05", ["Chair Lin"], people.staff)  # ROC dates are parsed by the web
    assert refused.value.field == "date"
    with pytest.raises(InvalidFieldError):
        glossary.convene("2026-12-01", [" "], people.staff)
    report = glossary.import_file("zh,en\n哈瑪星,Hamasen\n", people.staff).result
    other = glossary.propose("大東", "Dadong", people.translator).result
    with pytest.raises(InitialListMeetingError):
        glossary.put_on_agenda(report.meeting_id, other, people.staff)


def test_unknown_ids_are_named_errors(glossary: Glossary, people: People) -> None:
    with pytest.raises(TermNotFoundError):
        glossary.term(uuid4())
    with pytest.raises(MeetingNotFoundError):
        glossary.put_on_agenda(uuid4(), uuid4(), people.staff)
