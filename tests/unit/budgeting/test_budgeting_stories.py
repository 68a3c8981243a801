"""Budgeting part 1 as stories: propose, endorse past the threshold, review, ballot; and every edge."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

import pytest

from domain.accounts import PermissionDeniedError
from domain.budgeting.errors import (
    AlreadyEndorsedError,
    ConcurrentChangeError,
    CycleExistsError,
    CycleLockedError,
    InvalidFieldError,
    NotAssignedError,
    NotAuthorError,
    OwnProposalError,
    PhaseError,
)
from domain.budgeting.proposals import ASSIGNED, FEASIBLE, MERGED, NOT_FEASIBLE, ON_BALLOT, PUBLISHED, REVIEW
from domain.budgeting.service import Budgeting
from domain.budgeting.spec import CycleSpec
from domain.eventlog import EventLog
from tests.unit.budgeting.conftest import IN_ENDORSEMENT, IN_INTAKE, IN_REVIEW, IN_VOTING, People

SLUG = "hamasen-2027"


def submit(budgeting: Budgeting, author: str, title: str = "哈瑪星老街夜間照明", now=IN_INTAKE) -> UUID:
    return budgeting.submit(SLUG, "hamasen", title, "在老街加裝照明，夜間步行更安全。", "哈瑪星", "public_works",
                            800_000, "zh", author, now).result  # fmt: skip


def test_a_proposal_goes_from_intake_to_the_ballot(budgeting: Budgeting, people: People) -> None:
    pid = submit(budgeting, people.alice)
    budgeting.endorse(pid, people.bob, IN_ENDORSEMENT)
    assert budgeting.proposal(pid).status == PUBLISHED  # one of two endorsements
    budgeting.endorse(pid, people.carol, IN_ENDORSEMENT)
    assert budgeting.proposal(pid).status == REVIEW  # threshold reached within 30 days
    budgeting.assign(pid, "public-works", people.staff, now=IN_REVIEW)
    assert budgeting.proposal(pid).status == ASSIGNED
    budgeting.answer(pid, True, people.reviewer, cost=750_000, duration_days=120, now=IN_REVIEW)
    assert budgeting.proposal(pid).status == FEASIBLE
    budgeting.put_on_ballot(pid, people.staff, now=IN_REVIEW)
    proposal = budgeting.proposal(pid)
    assert (proposal.status, proposal.ballot_cost) == (ON_BALLOT, 750_000)


def test_endorsements_past_the_days_do_not_send_to_review(budgeting: Budgeting, people: People) -> None:
    pid = submit(budgeting, people.alice)  # 2027-01-15; the cycle wants 2 within 30 days
    budgeting.endorse(pid, people.bob, IN_INTAKE)
    budgeting.endorse(pid, people.carol, IN_INTAKE + timedelta(days=31))
    assert budgeting.proposal(pid).status == PUBLISHED
    assert len(budgeting.proposal(pid).endorsers) == 2


def test_a_proposal_submitted_as_intake_closes_is_refused_and_nothing_is_written(
    budgeting: Budgeting, people: People, log: EventLog
) -> None:
    before = log.position()
    with pytest.raises(PhaseError) as refused:
        submit(budgeting, people.alice, now=datetime(2027, 2, 1, 0, 0, 0))  # the second endorsement opens
    assert refused.value.action == "submit"
    assert log.position() == before
    submit(budgeting, people.alice, now=datetime(2027, 1, 31, 23, 59, 59))  # a second earlier: accepted


def test_only_authors_edit_or_withdraw(budgeting: Budgeting, people: People, log: EventLog) -> None:
    pid = submit(budgeting, people.alice)
    before = log.position()
    with pytest.raises(NotAuthorError):
        budgeting.edit(pid, "別人的標題", "改寫", "", "culture", 1, "zh", people.bob, IN_INTAKE)
    with pytest.raises(NotAuthorError):
        budgeting.withdraw(pid, people.bob, IN_INTAKE)
    assert log.position() == before
    budgeting.edit(
        pid, "哈瑪星老街照明", "改寫的說明", "哈瑪星", "public_works", 900_000, "zh", people.alice, IN_INTAKE
    )
    assert budgeting.proposal(pid).content.cost == 900_000
    with pytest.raises(PhaseError):  # editing ends with intake
        budgeting.edit(pid, "再改", "再改", "", "public_works", 1, "zh", people.alice, IN_ENDORSEMENT)


def test_endorsing_twice_or_ones_own_is_refused(budgeting: Budgeting, people: People) -> None:
    pid = submit(budgeting, people.alice)
    budgeting.endorse(pid, people.bob, IN_INTAKE)
    with pytest.raises(AlreadyEndorsedError):
        budgeting.endorse(pid, people.bob, IN_INTAKE)
    with pytest.raises(OwnProposalError):
        budgeting.endorse(pid, people.alice, IN_INTAKE)
    budgeting.withdraw_endorsement(pid, people.bob, IN_ENDORSEMENT)
    assert people.bob not in budgeting.proposal(pid).endorsers
    with pytest.raises(PhaseError):  # withdrawable only until the endorsement phase closes
        budgeting.endorse(pid, people.bob, IN_REVIEW)


def test_answering_a_review_not_assigned_to_you_is_refused(budgeting: Budgeting, people: People) -> None:
    pid = submit(budgeting, people.alice)
    budgeting.send_to_review(pid, people.staff)
    budgeting.assign(pid, "public-works", people.staff, now=IN_REVIEW)
    with pytest.raises(NotAssignedError):
        budgeting.answer(pid, True, people.outsider_reviewer, cost=1, duration_days=1, now=IN_REVIEW)
    with pytest.raises(PermissionDeniedError):
        budgeting.answer(pid, True, people.alice, cost=1, duration_days=1, now=IN_REVIEW)


def test_answers_need_a_cost_and_duration_or_a_reason(budgeting: Budgeting, people: People) -> None:
    pid = submit(budgeting, people.alice)
    budgeting.send_to_review(pid, people.staff)
    budgeting.assign(pid, "public-works", people.staff, now=IN_REVIEW)
    with pytest.raises(InvalidFieldError) as missing:
        budgeting.answer(pid, True, people.reviewer, cost=0, duration_days=90, now=IN_REVIEW)
    assert missing.value.field == "cost"
    with pytest.raises(InvalidFieldError) as no_reason:
        budgeting.answer(pid, False, people.reviewer, reason="  ", now=IN_REVIEW)
    assert no_reason.value.field == "reason"
    budgeting.answer(pid, False, people.reviewer, reason="用地屬港務公司", now=IN_REVIEW)
    assert budgeting.proposal(pid).status == NOT_FEASIBLE


def test_rules_budgets_and_areas_are_locked_once_voting_opens(
    budgeting: Budgeting, people: People, spec: CycleSpec, log: EventLog
) -> None:
    from dataclasses import replace

    budgeting.change_settings(replace(spec, rule="greedy"), people.staff, IN_REVIEW)  # before voting: allowed
    assert budgeting.cycle(SLUG).spec.rule == "greedy"
    before = log.position()
    for changed in (
        replace(spec, rule="phragmen"),
        replace(spec, areas=(replace(spec.areas[0], budget=9_000_000), spec.areas[1])),
        replace(spec, areas=spec.areas[:1]),
    ):
        with pytest.raises(CycleLockedError):
            budgeting.change_settings(changed, people.staff, IN_VOTING)
    assert log.position() == before
    assert budgeting.cycle(SLUG).spec.rule == "greedy"  # the published rule is unchanged


def test_nothing_goes_on_the_ballot_after_voting_opens(budgeting: Budgeting, people: People) -> None:
    pid = submit(budgeting, people.alice)
    budgeting.send_to_review(pid, people.staff)
    budgeting.assign(pid, "public-works", people.staff, now=IN_REVIEW)
    budgeting.answer(pid, True, people.reviewer, cost=10, duration_days=1, now=IN_REVIEW)
    with pytest.raises(CycleLockedError):
        budgeting.put_on_ballot(pid, people.staff, now=IN_VOTING)


def test_merge_keeps_authors_and_counts_each_endorser_once(budgeting: Budgeting, people: People) -> None:
    first = submit(budgeting, people.alice, "哈瑪星老街照明")
    second = budgeting.submit(SLUG, "hamasen", "Lights for Hamasen old street", "Street lights.", "", "public_works",
                              500_000, "en", people.bob, IN_INTAKE).result  # fmt: skip
    budgeting.endorse(first, people.carol, IN_INTAKE)
    budgeting.endorse(second, people.carol, IN_INTAKE)  # carol endorsed both
    budgeting.endorse(first, people.bob, IN_INTAKE)
    budgeting.merge(second, first, people.staff, now=IN_INTAKE)
    target, source = budgeting.proposal(first), budgeting.proposal(second)
    assert source.status == MERGED and source.merged_into == first
    assert target.authors == [people.alice, people.bob]
    assert sorted(target.endorsers) == sorted([people.carol, people.bob])  # carol once


def test_two_staff_changing_one_proposal_at_once_one_wins(budgeting: Budgeting, people: People, log: EventLog) -> None:
    pid = submit(budgeting, people.alice)
    budgeting.send_to_review(pid, people.staff)
    seen = budgeting.proposal(pid).version  # both staff members open the page at this version
    budgeting.assign(pid, "public-works", people.staff, expected_version=seen, now=IN_REVIEW)
    before = log.position()
    with pytest.raises(ConcurrentChangeError):
        budgeting.hide(pid, "重複", people.other_staff, expected_version=seen, now=IN_REVIEW)
    assert log.position() == before
    assert budgeting.proposal(pid).status == ASSIGNED


def test_a_second_cycle_with_the_same_slug_is_refused(budgeting: Budgeting, people: People, spec: CycleSpec) -> None:
    with pytest.raises(CycleExistsError):
        budgeting.create_cycle(spec, people.staff)


def test_residents_cannot_create_cycles_or_advance_them(budgeting: Budgeting, people: People, spec: CycleSpec) -> None:
    from dataclasses import replace

    with pytest.raises(PermissionDeniedError):
        budgeting.create_cycle(replace(spec, slug="other"), people.alice)
    with pytest.raises(PermissionDeniedError):
        budgeting.advance(SLUG, "endorsement", people.alice, IN_INTAKE)


def test_the_schedule_advances_lazily_and_tick_records_it(budgeting: Budgeting, people: People) -> None:
    cycle = budgeting.cycle(SLUG)
    assert cycle.phase == "intake" and cycle.phase_at(IN_REVIEW) == "review"
    moved = budgeting.apply_schedules([SLUG], IN_REVIEW)
    assert moved.result == [SLUG] and budgeting.cycle(SLUG).phase == "review"
    assert budgeting.apply_schedules([SLUG], IN_REVIEW).result == []  # nothing more is due
