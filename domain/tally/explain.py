"""Why a tally came out as it did, as data: the results page and the command line both show it.

Amounts are exact fractions; money is in the election's currency, ``per_voter_budget`` per voter.
"""

from __future__ import annotations

from domain.tally.choices import Choices, choice
from domain.tally.rational import Rational
from domain.tally.record import record

TYPE_CHECKING = False  # as typing.TYPE_CHECKING (and so for type checkers), without importing typing at run time
if TYPE_CHECKING:
    from typing import ClassVar


@record
class Payment:
    """What each of ``voters`` paid for a project bought by the Method of Equal Shares."""

    amount: Rational
    voters: tuple[str, ...]  # voter ids
    full_share: bool  # True: paid their full share; False: paid everything they had left


@record
class MesRound:
    project: str
    cost: Rational
    price: Rational  # paid per unit of satisfaction (the rule's rho); least among affordable projects
    share: Rational | None  # approval: what each supporter who could afford it paid (price x cost)
    payments: tuple[Payment, ...]


class Reason(Choices):
    UNAFFORDABLE: ClassVar[Reason] = choice("unaffordable")  # its supporters' remaining money was less than its cost
    NO_SUPPORTERS: ClassVar[Reason] = choice("no_supporters")
    COSTS_NOTHING: ClassVar[Reason] = choice(
        "costs_nothing"
    )  # with the cost measure it satisfies nobody; greedy adds it


@record
class MesRejection:
    project: str
    cost: Rational
    supporters: int
    supporters_money: Rational  # what its supporters had left when the rule stopped
    reason: Reason


@record
class GreedyStep:
    project: str
    cost: Rational
    score: Rational | None  # satisfaction per unit of cost; None when the project is free
    selected: bool
    remaining: Rational  # budget left after this step


@record
class GreedyExplanation:
    budget: Rational  # what was left to spend when greedy started
    steps: tuple[GreedyStep, ...]  # in the order greedy considered the projects


@record
class MesExplanation:
    per_voter_budget: Rational  # what each voter started with
    increments: int  # how many currency units were added per voter (0 for plain MES)
    free: tuple[str, ...]  # supported projects that cost nothing, selected up front
    rounds: tuple[MesRound, ...]
    rejected: tuple[MesRejection, ...]  # not bought by MES (greedy may still add them)
    completion: GreedyExplanation | None  # mes-completed: how greedy used the rest


@record
class PhragmenRound:
    project: str
    load: Rational  # every supporter's load after buying it
    supporters: int


@record
class PhragmenExplanation:
    rounds: tuple[PhragmenRound, ...]
    stopped_by: str | None  # the next project in line that would have overrun the budget


Explanation = MesExplanation | GreedyExplanation | PhragmenExplanation
