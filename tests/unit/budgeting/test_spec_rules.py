"""The cycle file's ballot, [voting] and [counting] settings: defaults, checks that name key and
line, and stored cycles from before part 2 loading with the defaults."""

from __future__ import annotations

import pytest

from domain.budgeting import spec as settings
from domain.budgeting.errors import SpecError
from domain.budgeting.spec import CountingRules, CycleSpec, VotingRules, parse
from tests.unit.budgeting.conftest import SPEC

APPROVAL = '[ballot]\nkind = "approval"\nmin_choices = 1\nmax_choices = 3\n'


def with_ballot(ballot: str, extra: str = "") -> str:
    assert APPROVAL in SPEC
    return SPEC.replace(APPROVAL, ballot + extra)


def refused(text: str) -> SpecError:
    with pytest.raises(SpecError) as caught:
        parse(text)
    return caught.value


def test_a_file_without_the_new_tables_gets_the_defaults() -> None:
    spec = parse(SPEC)
    assert spec.voting == VotingRules(other_area=False, paper_after_online="replace")
    assert spec.counting == CountingRules(min_voters_percent=0, min_vote_share=False)


def test_taipei_and_swiecie_and_estonia_settings_are_read() -> None:
    spec = parse(
        with_ballot(
            APPROVAL,
            '\n[voting]\nother_area = true\npaper_after_online = "refuse"\n'
            "\n[counting]\nmin_voters_percent = 1\nmin_vote_share = true\n",
        )
    )
    assert spec.voting == VotingRules(other_area=True, paper_after_online="refuse")
    assert spec.counting == CountingRules(min_voters_percent=1.0, min_vote_share=True)
    assert parse(with_ballot(APPROVAL, "[counting]\nmin_voters_percent = 0.5\n")).counting.min_voters_percent == 0.5


def test_settings_round_trip_through_the_stored_form() -> None:
    spec = parse(with_ballot(APPROVAL, "[voting]\nother_area = true\n[counting]\nmin_voters_percent = 1\n"))
    assert CycleSpec.from_dict(spec.to_dict()) == spec


def test_a_cycle_stored_before_part_2_loads_with_the_defaults() -> None:
    stored = parse(SPEC).to_dict()
    del stored["voting"], stored["counting"]
    loaded = CycleSpec.from_dict(stored)
    assert loaded.voting == VotingRules() and loaded.counting == CountingRules()
    assert loaded.locked_part() == parse(SPEC).locked_part()  # re-sending the same file after voting opens is no change


def test_voting_and_counting_settings_are_locked_with_the_ballot() -> None:
    before = parse(SPEC)
    after = parse(with_ballot(APPROVAL, "[counting]\nmin_vote_share = true\n"))
    assert before.locked_part() != after.locked_part()
    moved = parse(with_ballot(APPROVAL, '[voting]\npaper_after_online = "refuse"\n'))
    assert before.locked_part() != moved.locked_part()


@pytest.mark.parametrize(
    ("extra", "code", "key", "line"),
    [
        ('[voting]\npaper_after_online = "ignore"\n', settings.NOT_ONE_OF, "voting.paper_after_online", 13),
        ('[voting]\nother_area = "yes"\n', settings.NOT_TEXT, "voting.other_area", 13),
        ("[voting]\nareas = 2\n", settings.UNKNOWN_KEY, "voting.areas", 13),
        ("[counting]\nmin_voters_percent = -1\n", settings.NOT_POSITIVE, "counting.min_voters_percent", 13),
        ("[counting]\nmin_voters_percent = 101\n", settings.TOO_LARGE, "counting.min_voters_percent", 13),
        ('[counting]\nmin_voters_percent = "1%"\n', settings.NOT_A_NUMBER, "counting.min_voters_percent", 13),
        ("[counting]\nmin_vote_share = 1\n", settings.NOT_TEXT, "counting.min_vote_share", 13),
    ],
)
def test_wrong_voting_and_counting_settings_name_key_and_line(extra: str, code: str, key: str, line: int) -> None:
    error = refused(with_ballot(APPROVAL, "\n" + extra))
    assert (error.code, error.key, error.line) == (code, key, line)


def test_shilin_2017_pick_at_least_4_at_most_8_is_approval_4_to_8() -> None:
    ballot = parse(with_ballot('[ballot]\nkind = "approval"\nmin_choices = 4\nmax_choices = 8\n')).ballot
    assert (ballot.kind, ballot.min_choices, ballot.max_choices) == ("approval", 4, 8)


def test_a_knapsack_has_no_number_limit_unless_set_and_decidim_70_on_request() -> None:
    plain = parse(with_ballot('[ballot]\nkind = "knapsack"\n')).ballot
    assert (plain.min_choices, plain.max_choices, plain.min_share) == (1, settings.MAX_CHOICES, 0)
    decidim = parse(with_ballot('[ballot]\nkind = "knapsack"\nmin_share = true\n')).ballot
    assert decidim.min_share == settings.DECIDIM_MIN_SHARE == 70
    both = parse(with_ballot('[ballot]\nkind = "knapsack"\nmin_share = 50\nmin_choices = 2\nmax_choices = 5\n')).ballot
    assert (both.min_share, both.min_choices, both.max_choices) == (50, 2, 5)


def test_cumulative_and_ranked_settings() -> None:
    points = parse(with_ballot('[ballot]\nkind = "cumulative"\npoints = 10\nmax_per_project = 5\n')).ballot
    assert (points.points, points.max_per_project, points.max_choices) == (10, 5, settings.MAX_CHOICES)
    ranked = parse(with_ballot('[ballot]\nkind = "ranked"\nmax_choices = 5\nmin_choices = 2\n')).ballot
    assert (ranked.min_choices, ranked.max_choices) == (2, 5)


@pytest.mark.parametrize(
    ("ballot", "code", "key", "line"),
    [
        (
            '[ballot]\nkind = "approval"\nmin_choices = 5\nmax_choices = 4\n',
            settings.CHOICES_ORDER,
            "ballot.max_choices",
            10,
        ),
        ('[ballot]\nkind = "approval"\npoints = 10\n', settings.NOT_FOR_KIND, "ballot.points", 9),
        ('[ballot]\nkind = "ranked"\nmin_share = 70\n', settings.NOT_FOR_KIND, "ballot.min_share", 9),
        ('[ballot]\nkind = "knapsack"\nmin_share = 101\n', settings.TOO_LARGE, "ballot.min_share", 9),
        ('[ballot]\nkind = "knapsack"\nmin_share = "70%"\n', settings.NOT_A_NUMBER, "ballot.min_share", 9),
        (
            '[ballot]\nkind = "cumulative"\npoints = 10\nmax_per_project = 11\n',
            settings.TOO_LARGE,
            "ballot.max_per_project",
            10,
        ),
        ('[ballot]\nkind = "cumulative"\npoints = 0\n', settings.NOT_POSITIVE, "ballot.points", 9),
        ('[ballot]\nkind = "ranked"\nmax_choices = 0\n', settings.NOT_POSITIVE, "ballot.max_choices", 9),
        ('[ballot]\nkind = "approval"\nrounds = 2\n', settings.UNKNOWN_KEY, "ballot.rounds", 9),
    ],
)
def test_wrong_ballot_settings_name_key_and_line(ballot: str, code: str, key: str, line: int) -> None:
    error = refused(with_ballot(ballot))
    assert (error.code, error.key, error.line) == (code, key, line)
