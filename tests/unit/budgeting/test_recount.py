"""Recount by anyone: an area exported as ``.pb`` recounts with pabutools 1.2.3 to civic's winners,
for every ballot kind and rule pabutools has; the file carries the META a recount needs, in a
shuffled order; and a ``.pb`` file reads back as a past cycle with the same result."""

from __future__ import annotations

import random
from datetime import date

import pytest

from domain.budgeting.counting import Choices, count_area
from domain.budgeting.recount import area_file, past_election
from domain.budgeting.spec import CycleSpec, parse
from domain.tally.pabulib import parse as parse_pb

pabutools = pytest.importorskip("pabutools")

COSTS = {"P1": 300, "P2": 450, "P3": 200, "P4": 600, "P5": 150, "P6": 350}


BALLOT = {
    "approval": "min_choices = 1\nmax_choices = 4",
    "knapsack": "min_choices = 1",
    "cumulative": "points = 10\nmax_per_project = 6",
    "ranked": "min_choices = 1\nmax_choices = 4",
}


def spec(kind: str, rule: str) -> CycleSpec:
    return parse(f"""\
slug = "recount"
name_zh = "重新計票"
name_en = "Recount"
rule = "{rule}"
[ballot]
kind = "{kind}"
{BALLOT[kind]}
[[areas]]
code = "north"
name_zh = "北區"
name_en = "North"
districts = ["北區"]
budget = 1200
""")


def ballots(kind: str, seed: int, count: int = 40) -> list[Choices]:
    rng = random.Random(seed)
    made: list[Choices] = []
    codes = list(COSTS)
    for _ in range(count):
        picked = rng.sample(codes, rng.randint(1, 4))
        if kind == "cumulative":
            left, given = 10, {}
            for code in picked:
                points = rng.randint(1, min(6, left)) if left else 0
                if points:
                    given[code] = points
                    left -= points
            made.append(given)
        elif kind == "ranked":
            made.append({code: rank for rank, code in enumerate(picked, 1)})
        elif kind == "knapsack":
            chosen: Choices = {}
            for code in picked:
                if sum(COSTS[c] for c in chosen) + COSTS[code] <= 1200:
                    chosen[code] = 1
            made.append(chosen)
        else:
            made.append(dict.fromkeys(picked, 1))
    return made


def pabutools_winners(text: str, kind: str, rule: str) -> list[str]:
    from pabutools.election import Additive_Borda_Sat, Additive_Cardinal_Sat, Cost_Sat
    from pabutools.election.pabulib import parse_pabulib_from_string
    from pabutools.rules import (
        completion_by_rule_combination,
        greedy_utilitarian_welfare,
        method_of_equal_shares,
        sequential_phragmen,
    )

    instance, profile = parse_pabulib_from_string(text)
    sat = {"cumulative": Additive_Cardinal_Sat, "ranked": Additive_Borda_Sat}.get(kind, Cost_Sat)
    if rule == "greedy" and kind == "ranked":
        chosen = greedy_utilitarian_welfare(
            instance, profile, sat_profile=profile.as_sat_profile(sat), is_sat_additive=True
        )
    elif rule == "greedy":
        chosen = greedy_utilitarian_welfare(instance, profile, sat_class=sat)
    elif rule == "mes":
        chosen = method_of_equal_shares(instance, profile, sat_class=sat)
    elif rule == "mes-completed":
        chosen = completion_by_rule_combination(
            instance,
            profile.as_multiprofile(),
            [method_of_equal_shares, greedy_utilitarian_welfare],
            [{"sat_class": sat, "voter_budget_increment": 1}, {"sat_class": sat}],
        )
    else:
        chosen = sequential_phragmen(instance, profile)
    return sorted(project.name for project in chosen)


CASES = [
    (kind, rule)
    for kind in ("approval", "knapsack", "cumulative", "ranked")
    for rule in ("greedy", "mes", "mes-completed", "phragmen")
    if rule != "phragmen" or kind in ("approval", "knapsack")
]


@pytest.mark.parametrize(("kind", "rule"), CASES)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_pabutools_recounts_an_exported_area_to_the_same_winners(kind: str, rule: str, seed: int) -> None:
    cycle = spec(kind, rule)
    cast = ballots(kind, seed)
    result = count_area(cycle, "north", COSTS, cast, eligible=1000)
    text = area_file(cycle, "north", COSTS, {}, cast, result, date(2027, 4, 1), date(2027, 4, 30))
    assert pabutools_winners(text, kind, rule) == result.selected


def test_the_file_carries_what_a_recount_needs_in_the_recommended_order() -> None:
    cycle = spec("approval", "mes-completed")
    cast = ballots("approval", 7)
    result = count_area(cycle, "north", COSTS, cast, eligible=1000)
    titles = {"P1": "公園; 涼亭"}
    text = area_file(cycle, "north", COSTS, titles, cast, result, date(2027, 4, 1), date(2027, 4, 30))
    lines = text.splitlines()
    meta = dict(line.split(";", 1) for line in lines[2 : lines.index("PROJECTS")])
    assert meta["rule"] == "equalshares/add1" and meta["vote_type"] == "approval"
    assert (meta["budget"], meta["currency"], meta["min_length"], meta["max_length"]) == ("1200", "TWD", "1", "4")
    assert (meta["date_begin"], meta["date_end"], meta["num_votes"]) == ("01.04.2027", "30.04.2027", "40")
    keys = list(meta)
    assert keys.index("num_projects") < keys.index("budget") < keys.index("vote_type") < keys.index("rule")
    assert lines[lines.index("PROJECTS") + 1] == "project_id;cost;votes;name;selected"
    assert lines[lines.index("PROJECTS") + 2] == f'P1;300;{result.supporters["P1"]};"公園; 涼亭";' + (
        "1" if "P1" in result.selected else "0"
    )
    assert lines[lines.index("VOTES") + 1] == "voter_id;vote"
    read = parse_pb(text)
    assert {p.id: dict(p.fields)["selected"] for p in read.projects} == {
        code: "1" if code in result.selected else "0" for code in COSTS
    }


def test_the_ballots_are_shuffled_not_in_casting_order() -> None:
    cycle = spec("ranked", "greedy")
    cast = ballots("ranked", 11, count=60)
    result = count_area(cycle, "north", COSTS, cast, eligible=1000)
    text = area_file(cycle, "north", COSTS, {}, cast, result, shuffle=random.Random(5))
    read = parse_pb(text)
    as_cast = [tuple(sorted(choices, key=choices.__getitem__)) for choices in cast]
    written = [voter.ballot.ranking for voter in read.voters]  # type: ignore[union-attr]
    assert sorted(written) == sorted(as_cast)  # the same ballots...
    assert written != as_cast  # ...in another order
    assert [voter.id for voter in read.voters] == [str(n) for n in range(1, 61)]  # numbered after the shuffle
    # Two exports of the same ballots (the real shuffle) are, all but surely, in different orders.
    again = parse_pb(area_file(cycle, "north", COSTS, {}, cast, result))
    other = parse_pb(area_file(cycle, "north", COSTS, {}, cast, result))
    assert [v.ballot for v in again.voters] != [v.ballot for v in other.voters]


def test_a_thresholds_exclusion_is_named_in_the_file() -> None:
    cycle = parse(_with_counting("[counting]\nmin_voters_percent = 50"))
    cast = ballots("approval", 3)
    result = count_area(cycle, "north", COSTS, cast, eligible=40)
    assert result.excluded  # 20 supporters needed
    text = area_file(cycle, "north", COSTS, {}, cast, result)
    assert "min_project_score_threshold;20" in text
    assert "comment;#1: not eligible under the cycle's thresholds:" in text


def _with_counting(table: str) -> str:
    source = """\
slug = "recount"
name_zh = "重新計票"
name_en = "Recount"
rule = "greedy"
[ballot]
kind = "approval"
min_choices = 1
max_choices = 4
{table}
[[areas]]
code = "north"
name_zh = "北區"
name_en = "North"
districts = ["北區"]
budget = 1200
"""
    return source.format(table=table)


@pytest.mark.parametrize("kind", ["approval", "knapsack", "cumulative", "ranked"])
def test_an_exported_file_reads_back_as_a_past_cycle_with_the_same_result(kind: str) -> None:
    cycle = spec(kind, "mes-completed")
    cast = ballots(kind, 4)
    result = count_area(cycle, "north", COSTS, cast, eligible=1000)
    text = area_file(cycle, "north", COSTS, {"P2": "路燈"}, cast, result, date(2027, 4, 1), date(2027, 4, 30))
    past, (area,) = past_election(text, slug="recount-2027")
    assert past.slug == "recount-2027" and past.rule == "mes-completed"
    assert past.ballot.kind == kind
    assert [p.title_zh for p in past.areas[0].projects][:2] == ["P1", "路燈"]
    assert (area.selected, area.votes, area.cost) == (result.selected, result.votes, result.cost)
    again, _ = past_election(text, rule="greedy")
    assert again.rule == "greedy" and again.slug == "recount-north-recount"


def test_a_real_pabulib_file_reads_as_a_past_cycle_counted_as_the_engine_counts_it() -> None:
    from pathlib import Path

    from domain.tally import tally

    text = (Path(__file__).parents[2] / "data/pabulib/Poland_Czestochowa_2024_Srodmiescie.pb").read_text("utf-8-sig")
    past, (area,) = past_election(text, rule="greedy")
    assert past.slug == "czestochowa-srodmiescie-2024" and past.ballot.kind == "cumulative"
    assert area.selected == sorted(tally(parse_pb(text), "greedy").selected)
