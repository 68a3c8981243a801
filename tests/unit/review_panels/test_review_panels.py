"""Stories of a review panel: entries in their window, the first screen, recusal, scoring, awards."""

from __future__ import annotations

from uuid import UUID

import pytest

from domain.accounts import Accounts, PermissionDeniedError
from domain.eventlog import EventLog
from domain.review import refusals as errors
from domain.review.scores import Score, score_id_for
from domain.review.service import Review
from tests.unit.review_panels.conftest import AFTER_WINDOW, FULL, IN_WINDOW, People, shortlisted

SLUG = "innovation-2027"


def test_an_entry_is_edited_until_the_window_closes_then_refused(review: Review, people: People) -> None:
    entry = review.submit(SLUG, "智慧停車", "交通局", "", "摘要", "效益", people.entrant, now=IN_WINDOW).result
    review.edit(entry, "智慧停車 2.0", "交通局", "", "摘要", "效益", people.entrant, now=IN_WINDOW)
    assert review.entry(entry).title == "智慧停車 2.0"
    with pytest.raises(errors.WindowClosedError):
        review.edit(entry, "太晚了", "交通局", "", "摘要", "效益", people.entrant, now=AFTER_WINDOW)
    with pytest.raises(errors.NotSubmitterError):
        review.edit(entry, "別人的", "交通局", "", "摘要", "效益", people.other_entrant, now=IN_WINDOW)
    assert review.entry(entry).title == "智慧停車 2.0"


def test_attachments_must_be_pdf(review: Review, people: People) -> None:
    entry = review.submit(SLUG, "智慧停車", "交通局", "", "摘要", "效益", people.entrant, now=IN_WINDOW).result
    assert review.attach(entry, "plan.pdf", b"%PDF-1.4 plan", people.entrant, now=IN_WINDOW).result == 1
    with pytest.raises(errors.InvalidFieldError):
        review.attach(entry, "plan.exe", b"MZ", people.entrant, now=IN_WINDOW)


def test_fail_needs_a_reason_and_only_passed_entries_reach_the_shortlist(review: Review, people: People) -> None:
    good = review.submit(SLUG, "好提案", "交通局", "", "摘要", "效益", people.entrant, now=IN_WINDOW).result
    weak = review.submit(SLUG, "弱提案", "交通局", "", "摘要", "效益", people.entrant, now=IN_WINDOW).result
    review.start_screening(SLUG, people.staff)
    with pytest.raises(errors.InvalidFieldError):
        review.screen(weak, "fail", "", people.staff)
    review.screen(weak, "fail", "與既有業務重複", people.staff)
    review.screen(weak, "pass", "", people.chair)
    review.screen(good, "pass", "", people.staff)
    review.screen(good, "revise", "補充", people.chair)
    with pytest.raises(errors.NotScreenerError):
        review.screen(good, "pass", "", people.finance)
    with pytest.raises(errors.NotShortlistableError):
        review.confirm_shortlist(SLUG, [good, weak], people.chair)
    with pytest.raises(PermissionDeniedError):
        review.confirm_shortlist(SLUG, [good], people.finance)
    review.confirm_shortlist(SLUG, [good], people.chair)
    assert review.call(SLUG).shortlist == [str(good)]


def test_a_member_is_recused_from_their_own_agency_and_declared_conflicts(review: Review, people: People) -> None:
    finance_entry, transport_entry = shortlisted(
        review, people, ("稅務一站通", "財政局", people.other_entrant), ("智慧停車", "交通局", people.entrant)
    )
    with pytest.raises(errors.RecusedError) as own:
        review.score(SLUG, finance_entry, FULL, "好", people.finance)
    assert own.value.reason == "own_agency"
    review.declare_conflict(SLUG, transport_entry, "曾參與規劃", people.outside)
    with pytest.raises(errors.RecusedError) as declared:
        review.score(SLUG, transport_entry, FULL, "好", people.outside)
    assert declared.value.reason == "declared"
    panel = review.panel(SLUG)
    assert people.finance not in panel.scorers(str(finance_entry), "財政局")
    assert people.outside not in panel.scorers(str(transport_entry), "交通局")


def test_scores_are_whole_numbers_in_range_with_a_comment(review: Review, people: People) -> None:
    (entry,) = shortlisted(review, people, ("智慧停車", "交通局", people.entrant))
    for bad in ({**FULL, "impact": 31}, {**FULL, "impact": -1}, {k: v for k, v in FULL.items() if k != "impact"},
                {**FULL, "charm": 3}, {**FULL, "impact": 2.5}):  # fmt: skip
        with pytest.raises(errors.InvalidFieldError):
            review.score(SLUG, entry, bad, "評語", people.chair)  # type: ignore[arg-type]
    with pytest.raises(errors.InvalidFieldError):
        review.score(SLUG, entry, FULL, "  ", people.chair)
    with pytest.raises(errors.NotMemberError):
        review.score(SLUG, entry, FULL, "評語", people.staff)
    assert review.score(SLUG, entry, FULL, "評語", people.chair, note="給秘書處").result == 0


def test_one_score_per_member_entry_and_round_revisions_keep_their_reason(
    review: Review, people: People, log: EventLog
) -> None:
    (entry,) = shortlisted(review, people, ("智慧停車", "交通局", people.entrant))
    review.score(SLUG, entry, FULL, "初評", people.chair)
    with pytest.raises(errors.InvalidFieldError):  # a revision needs its reason
        review.score(SLUG, entry, {**FULL, "impact": 20}, "再評", people.chair)
    assert review.score(SLUG, entry, {**FULL, "impact": 20}, "再評", people.chair, reason="重看效益").result == 1
    score = log.find(score_id_for(review.call(SLUG).id, 1, people.chair, entry), Score)
    assert score is not None and score.scores["impact"] == 20 and score.revisions == 1
    reasons = [getattr(e, "reason", "") for e in log.repository.event_store.get(score.id)]
    assert reasons == ["", "重看效益"]


def test_after_the_round_closes_scores_are_refused_and_nothing_changes(
    review: Review, people: People, log: EventLog
) -> None:
    (entry,) = shortlisted(review, people, ("智慧停車", "交通局", people.entrant))
    review.score(SLUG, entry, FULL, "初評", people.chair)
    review.close_round(SLUG, people.chair)
    before = log.position()
    with pytest.raises(errors.RoundClosedError):
        review.score(SLUG, entry, {**FULL, "impact": 0}, "改", people.chair, reason="想改")
    with pytest.raises(errors.RoundClosedError):
        review.score(SLUG, entry, FULL, "新", people.outside)
    assert log.position() == before
    score = log.find(score_id_for(review.call(SLUG).id, 1, people.chair, entry), Score)
    assert score is not None and score.scores == FULL


def test_balanced_assignment_gives_k_free_members_per_entry(review: Review, people: People) -> None:
    review.set_assignment(SLUG, "balanced", people.staff, per_entry=2)
    ids = shortlisted(
        review, people, *[(f"提案{i}", "財政局" if i % 2 else "交通局", people.entrant) for i in range(6)]
    )
    panel = review.panel(SLUG)
    loads: dict[str, int] = {}
    for entry_id in ids:
        agency = review.entry(entry_id).agency
        chosen = panel.scorers(str(entry_id), agency)
        assert len(chosen) == 2
        assert all(panel.recusal(m, str(entry_id), agency) is None for m in chosen)
        for member in chosen:
            loads[member] = loads.get(member, 0) + 1
    assert max(loads.values()) - min(loads.values()) <= 1
    unassigned = next(m for m in panel.members if m not in panel.scorers(str(ids[0]), review.entry(ids[0]).agency)
                      and panel.recusal(m, str(ids[0]), review.entry(ids[0]).agency) is None)  # fmt: skip
    with pytest.raises(errors.NotAssignedError):
        review.score(SLUG, ids[0], FULL, "評語", unassigned)


def test_the_chair_confirms_awards_with_a_majority_of_those_attending(review: Review, people: People) -> None:
    top, low = shortlisted(
        review, people, ("智慧停車", "交通局", people.entrant), ("稅務一站通", "財政局", people.entrant)
    )
    for member in (people.chair, people.urban, people.outside, people.finance):
        review.score(SLUG, top, FULL, "佳", member)  # 90 each
        if member != people.finance:
            review.score(SLUG, low, {**FULL, "impact": 10}, "普通", member)  # 73
    with pytest.raises(errors.PhaseError):
        review.confirm_awards(SLUG, 4, 3, 1, people.chair)
    review.close_round(SLUG, people.staff)
    with pytest.raises(errors.NotMemberError):
        review.confirm_awards(SLUG, 4, 3, 1, people.finance)
    with pytest.raises(errors.VoteError) as tie:
        review.confirm_awards(SLUG, 4, 2, 2, people.chair)
    assert tie.value.code == "no_majority"
    with pytest.raises(errors.VoteError):
        review.confirm_awards(SLUG, 9, 9, 0, people.chair)
    review.confirm_awards(SLUG, 4, 3, 1, people.chair)
    awards = {a["entry"]: a for a in review.call(SLUG).awards}
    assert awards[str(top)]["tier"] == "outstanding" and awards[str(top)]["score"] == "90.00"
    assert awards[str(low)]["tier"] is None and awards[str(low)]["score"] == "73.00"
    review.publish(SLUG, people.chair)
    assert review.call(SLUG).phase == "published"


def test_a_second_call_with_the_same_slug_is_refused(review: Review, people: People) -> None:
    from datetime import date

    with pytest.raises(errors.CallExistsError):
        review.open_call(SLUG, "innovation", "重複", "Again", date(2027, 3, 1), date(2027, 3, 31), people.staff)
    with pytest.raises(PermissionDeniedError):
        review.open_call("other", "innovation", "別的", "Other", date(2027, 3, 1), date(2027, 3, 31), people.chair)
    assert UUID(str(review.call(SLUG).id))


def test_a_capped_tier_cascades_and_the_decision_records_the_tiers_as_computed(log: EventLog, people: People) -> None:
    from datetime import date

    from domain.review.call_settings import default_tiers

    review = Review(log, Accounts(log))
    tiers = [{**tier, "cap": 1 if tier["name_zh"] == "特優" else None} for tier in default_tiers()]
    review.open_call(SLUG, "innovation", "創新提案", "Innovation", date(2027, 3, 1), date(2027, 3, 31), people.staff,
                     tiers=tiers)  # fmt: skip
    review.appoint_member(SLUG, UUID(people.chair), "陳", "external", "", people.staff, chair=True)
    review.appoint_screener(SLUG, UUID(people.staff), people.staff)
    review.appoint_screener(SLUG, UUID(people.chair), people.staff)
    first, second = shortlisted(review, people, ("甲案", "交通局", people.entrant), ("乙案", "交通局", people.entrant))
    review.score(SLUG, first, {**FULL, "impact": 30}, "佳", people.chair)  # 93
    review.score(SLUG, second, FULL, "佳", people.chair)  # 90
    review.close_round(SLUG, people.staff)
    review.confirm_awards(SLUG, 1, 1, 0, people.chair)
    awards = {a["entry"]: a["tier"] for a in review.call(SLUG).awards}
    assert awards == {str(first): "outstanding", str(second): "excellent"}  # over the cap: down one tier


def test_a_third_reviewer_joins_an_entry_of_a_balanced_panel(review: Review, people: People) -> None:
    review.set_assignment(SLUG, "balanced", people.staff, per_entry=2)
    (entry,) = shortlisted(review, people, ("智慧停車", "交通局", people.entrant))
    panel = review.panel(SLUG)
    third = next(m for m in panel.members if m not in panel.scorers(str(entry), "交通局"))
    with pytest.raises(errors.NotAssignedError):
        review.score(SLUG, entry, FULL, "評語", third)
    review.add_scorer(SLUG, entry, UUID(third), people.staff)
    assert review.score(SLUG, entry, FULL, "評語", third).result == 0
    with pytest.raises(errors.RecusedError):  # 財政局's member is free of 交通局's entry; 交通局's would not be
        review.appoint_member(SLUG, UUID(people.other_entrant), "交通代表", "internal", "交通局", people.staff)
        review.add_scorer(SLUG, entry, UUID(people.other_entrant), people.staff)


def test_a_screener_never_screens_their_own_agencys_entry_nor_their_own(review: Review, people: People) -> None:
    # 方科長 of 財政局 screens beside the chair; staff screen too but submitted an entry themselves.
    review.appoint_screener(SLUG, UUID(people.finance), people.staff, agency="財政局")
    finance = review.submit(
        SLUG, "稅單行動支付", "財政局", "", "摘要", "效益", people.other_entrant, now=IN_WINDOW
    ).result
    traffic = review.submit(SLUG, "公車到站提醒", "交通局", "", "摘要", "效益", people.entrant, now=IN_WINDOW).result
    own = review.submit(SLUG, "公文線上簽核", "秘書處", "", "摘要", "效益", people.staff, now=IN_WINDOW).result
    review.start_screening(SLUG, people.staff)
    with pytest.raises(errors.ScreenerConflictError) as agency:
        review.screen(finance, "pass", "", people.finance)
    assert agency.value.reason == "own_agency"
    with pytest.raises(errors.ScreenerConflictError) as author:
        review.screen(own, "pass", "", people.staff)
    assert author.value.reason == "own_entry"
    assert review.entry(finance).screenings == {} and review.entry(own).screenings == {}  # nothing recorded
    review.screen(traffic, "pass", "", people.finance)  # another agency's entry: free
    review.screen(finance, "pass", "", people.staff)
    assert len(review.entry(traffic).screenings) == 1 and len(review.entry(finance).screenings) == 1


def test_an_internal_panel_member_who_screens_is_held_to_their_agency(review: Review, people: People) -> None:
    review.appoint_screener(SLUG, UUID(people.urban), people.staff)  # no agency given: the panel's 都市發展局
    assert review.screener_agency(SLUG, people.urban) == "都市發展局"
    entry = review.submit(SLUG, "都市更新", "都市發展局", "", "摘要", "效益", people.entrant, now=IN_WINDOW).result
    review.start_screening(SLUG, people.staff)
    with pytest.raises(errors.ScreenerConflictError):
        review.screen(entry, "pass", "", people.urban)


def test_a_screener_appointed_before_agencies_were_recorded_has_none() -> None:
    from domain.review.calls import Call

    call = Call(slug="old-2026", kind="innovation", title_zh="舊", title_en="Old", opens="2026-01-01T00:00:00",
                closes="2026-02-01T00:00:00", rounds=1, rubric=[], tiers=[], method="mean", gap=15, actor="s")  # fmt: skip
    call.appoint_screener("acc", "s", "交通局")
    opened, appointed = call.collect_events()
    # As the log's mapper rebuilds a stored event (object.__new__, then its state): one stored
    # before the agency was part of it.
    stored = object.__new__(type(appointed))
    stored.__dict__.update({k: v for k, v in appointed.__dict__.items() if k != "agency"})
    rebuilt = opened.mutate(None)
    stored.mutate(rebuilt)
    assert rebuilt is not None and (rebuilt.screeners, rebuilt.screener_agencies) == (["acc"], {"acc": ""})
