"""Stories of decisions as the chair makes them: the English confirmed is the English recorded,
warnings are checked again when the decision is made, and a later decision corrects an earlier one."""

from __future__ import annotations

from uuid import UUID

import pytest

from domain.eventlog import EventLog
from domain.glossary.checks import Known, NameIndex
from domain.glossary.errors import (
    InvalidFieldError,
    NotOnAgendaError,
    TermStatusError,
    UnconfirmedWarningsError,
)
from domain.glossary.meetings import APPROVE, APPROVE_AMENDED, CORRECT
from domain.glossary.names import HISTORIC, Variant
from domain.glossary.service import Glossary, warning_key
from domain.glossary.terms import APPROVED, PROPOSED, UNDER_REVIEW
from tests.unit.glossary.conftest import People


def meeting_with(glossary: Glossary, people: People, *term_ids: UUID, day: str = "2026-12-01") -> UUID:
    meeting_id = glossary.convene(day, ["Chair Lin"], people.staff, title="第1次審查會議").result
    if term_ids:
        glossary.put_all_on_agenda(meeting_id, term_ids, people.staff)
    return meeting_id


def test_the_english_the_chair_typed_is_the_english_approved(glossary: Glossary, people: People) -> None:
    port = glossary.propose("高雄港", "port of kaohsiung", people.translator, category="landmark").result
    meeting = meeting_with(glossary, people, port)
    number = glossary.approve(meeting, port, people.staff, en="Port of Kaohsiung", known=NameIndex()).result
    term = glossary.term(port)
    assert (term.status, term.en, term.approved_by) == (APPROVED, "Port of Kaohsiung", (meeting, number))
    decision = glossary.meeting(meeting).decisions[0]
    assert (decision.outcome, decision.en) == (APPROVE_AMENDED, "Port of Kaohsiung")


def test_the_proposed_english_typed_again_is_a_plain_approval(glossary: Glossary, people: People) -> None:
    love = glossary.propose("愛河", "Love River", people.translator, category="river").result
    meeting = meeting_with(glossary, people, love)
    glossary.approve(meeting, love, people.staff, en=" Love  River ")
    assert glossary.meeting(meeting).decisions[0].outcome == APPROVE
    assert glossary.term(love).en == "Love River"


def test_warnings_are_checked_again_when_the_decision_is_made(glossary: Glossary, people: People) -> None:
    port = glossary.propose("高雄港", "port of kaohsiung", people.translator, category="landmark").result
    meeting = meeting_with(glossary, people, port)
    known = NameIndex([Known("other", "高雄港站", "Port of Kaohsiung")])  # the English is used elsewhere
    with pytest.raises(UnconfirmedWarningsError) as unseen:
        glossary.approve(meeting, port, people.staff, en="Port of Kaohsiung", known=known, seen=())
    warnings = unseen.value.warnings
    assert [warning.code for warning in warnings] == ["english_used_elsewhere"]
    assert glossary.term(port).status == UNDER_REVIEW  # nothing recorded
    # The chair saw those warnings and confirms: the decision is recorded.
    glossary.approve(
        meeting, port, people.staff, en="Port of Kaohsiung", known=known, seen=[warning_key(w) for w in warnings]
    )
    assert glossary.term(port).en == "Port of Kaohsiung"


def test_a_warning_that_appeared_after_the_chair_looked_stops_the_decision(glossary: Glossary, people: People) -> None:
    port = glossary.propose("高雄港", "Port of Kaohsiung", people.translator, category="landmark").result
    meeting = meeting_with(glossary, people, port)
    known = NameIndex()
    en, warnings = glossary.review_english(port, " Port of  Kaohsiung", known)
    assert (en, warnings) == ("Port of Kaohsiung", [])  # the English as it will be recorded
    seen = [warning_key(w) for w in warnings]
    known.add(Known("other", "高雄港站", "Port of Kaohsiung"))  # approved meanwhile, elsewhere
    with pytest.raises(UnconfirmedWarningsError):
        glossary.approve(meeting, port, people.staff, en="Port of Kaohsiung", known=known, seen=seen)
    assert glossary.term(port).status == UNDER_REVIEW


def test_an_invalid_english_is_refused_before_anything_is_recorded(glossary: Glossary, people: People) -> None:
    port = glossary.propose("高雄港", "Port of Kaohsiung", people.translator, category="landmark").result
    meeting = meeting_with(glossary, people, port)
    with pytest.raises(InvalidFieldError) as refused:
        glossary.approve(meeting, port, people.staff, en="高雄港 Port")
    assert refused.value.field == "en"
    assert glossary.meeting(meeting).decisions == []


def test_a_later_decision_corrects_an_earlier_one_and_both_stay_in_the_minutes(
    glossary: Glossary, people: People
) -> None:
    port = glossary.propose("高雄港", "Port of Kaohsiung", people.translator, category="landmark").result
    first = meeting_with(glossary, people, port)
    glossary.approve(first, port, people.staff)
    second = meeting_with(glossary, people, port, day="2026-12-15")
    assert glossary.term(port).status == APPROVED  # an approved term on an agenda stays approved
    number = glossary.correct(
        second, port, "Port of Kaohsiung Harbor", "The harbour bureau's own name", people.staff
    ).result
    term = glossary.term(port)
    assert (term.en, term.approved_by) == ("Port of Kaohsiung Harbor", (second, number))
    assert Variant("Port of Kaohsiung", HISTORIC) in term.variants  # what was published stays findable
    assert [(d.outcome, d.en) for d in glossary.meeting(first).decisions] == [(APPROVE, "Port of Kaohsiung")]
    correction = glossary.meeting(second).decisions[0]
    assert (correction.outcome, correction.en, correction.reason, correction.corrects) == (
        CORRECT, "Port of Kaohsiung Harbor", "The harbour bureau's own name", (first, 1)
    )  # fmt: skip


def test_a_correction_needs_a_reason_and_an_approved_term_on_the_agenda(glossary: Glossary, people: People) -> None:
    port = glossary.propose("高雄港", "Port of Kaohsiung", people.translator, category="landmark").result
    meeting = meeting_with(glossary, people, port)
    with pytest.raises(TermStatusError):
        glossary.correct(meeting, port, "Kaohsiung Port", "typo", people.staff)  # nothing approved yet
    glossary.approve(meeting, port, people.staff)
    with pytest.raises(NotOnAgendaError):
        glossary.correct(meeting, port, "Kaohsiung Port", "typo", people.staff)
    glossary.put_on_agenda(meeting, port, people.staff)
    with pytest.raises(InvalidFieldError) as refused:
        glossary.correct(meeting, port, "Kaohsiung Port", "  ", people.staff)
    assert refused.value.field == "reason"
    assert glossary.term(port).en == "Port of Kaohsiung"


@pytest.mark.parametrize("day", ["1900-01-01", "1911-12-31", "0001-01-01"])
def test_a_meeting_before_the_republic_era_is_refused(glossary: Glossary, people: People, day: str) -> None:
    with pytest.raises(InvalidFieldError) as refused:
        glossary.convene(day, ["Chair Lin"], people.staff)
    assert (refused.value.field, refused.value.code) == ("date", "before_republic")


def test_the_first_day_of_the_republic_is_a_meeting_date(glossary: Glossary, people: People) -> None:
    meeting = glossary.convene("1912-01-01", ["Chair Lin"], people.staff).result
    assert glossary.meeting(meeting).date == "1912-01-01"


def test_an_agenda_is_built_from_several_items_at_once_or_not_at_all(
    glossary: Glossary, people: People, log: EventLog
) -> None:
    love = glossary.propose("愛河", "Love River", people.translator, category="river").result
    port = glossary.propose("高雄港", "Port of Kaohsiung", people.translator, category="landmark").result
    meeting = meeting_with(glossary, people)
    elsewhere = meeting_with(glossary, people, port)
    with pytest.raises(TermStatusError):  # the port is on another agenda already
        glossary.put_all_on_agenda(meeting, [love, port], people.staff)
    assert glossary.meeting(meeting).agenda == [] and glossary.term(love).status == PROPOSED
    glossary.defer(elsewhere, port, people.staff)
    glossary.put_all_on_agenda(meeting, [love, port], people.staff)
    assert glossary.meeting(meeting).agenda == [love, port]
    assert {glossary.term(love).status, glossary.term(port).status} == {UNDER_REVIEW}
