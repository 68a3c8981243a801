"""The Method of Equal Shares, exactly as pabutools 1.2.3 ``method_of_equal_shares`` computes it.

Every voter starts with the same budget. In each round, every remaining project is priced at the
least ``rho`` (money per unit of satisfaction) at which its supporters can pay its cost, each
paying ``rho x satisfaction`` or everything they have left if that is less. The project with the
smallest ``rho`` is bought (ties: smallest project id as a string, the reference's
``lexico_tie_breaking``) and its supporters pay; a project its supporters can no longer afford is
out for good. The rule stops when nothing is affordable. Projects that cost nothing and have
supporters are selected up front; projects nobody supports never take part.

This module computes one such run in exact rationals. It follows the reference's lazy
evaluation (a price computed in an earlier round is a lower bound, because budgets only shrink),
which finds the same winner: every project whose current price could equal the best is priced.
Voters are kept in classes by the money they have left (what they paid for does not matter
after), so a project is priced from a few classes instead of many voters. ``completion.py`` runs this across per-voter budgets; ``certify.py`` is the fast
engine whose answers this one stands behind.
"""

from __future__ import annotations

# ``_count_elements``: collections.Counter's own counting loop, in C.
from _collections import _count_elements
from _operator import itemgetter, truediv  # (operator.py re-exports these C functions: loading it costs more)
from itertools import chain, pairwise, repeat
from math import lcm

from domain.tally.greedy import total_satisfaction
from domain.tally.rational import Rational
from domain.tally.record import record
from domain.tally.satisfaction import Measure, Profile, each_voter

TYPE_CHECKING = False  # as typing.TYPE_CHECKING (and so for type checkers), without importing typing at run time
if TYPE_CHECKING:
    from collections import defaultdict
    from collections.abc import Sequence
else:
    from _collections import defaultdict  # the same class, without the collections package (2 ms at start-up)


@record
class Purchase:
    project: int
    rho: Rational
    payments: tuple[tuple[Rational, tuple[int, ...], bool], ...]  # (amount, groups, full share)


@record
class Run:
    sequence: tuple[int, ...]  # projects bought, in order (free projects not included)
    purchases: tuple[Purchase, ...]  # filled when recording
    leftover: dict[int, Rational]  # recording: what each unselected project's supporters had left


class ExactMES:
    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        count = len(profile.ids)
        self.cost_sat = profile.measure == Measure.COST
        # Each project's supporters as (group, code): ``values[project][code]`` is the group's
        # satisfaction with it. Equal values share a code, so that the classes below stay few.
        # With the cost measure a project has one value, its cost (code 0); otherwise every
        # project shares one list of the distinct values (points or Borda scores, few), told
        # apart by numerator and denominator (a rational's own hash is slow), each value
        # object looked at once (profiles share them between groups).
        self.supporters: list[list[tuple[int, int]]] = [[] for _ in range(count)]
        self.sizes = [len(group.voters) for group in profile.groups]
        if self.cost_sat:
            self.values: list[list[Rational]] = [[] for _ in range(count)]
            for pair, group in zip(zip(range(len(profile.groups)), repeat(0)), profile.groups):
                for project in group.projects:
                    self.supporters[project].append(pair)
            for project, listed in enumerate(self.supporters):
                if listed:
                    self.values[project].append(profile.costs[project])
        else:
            shared: list[Rational] = []
            self.values = [shared] * count
            codes: dict[tuple[int, int], int] = {}  # (numerator, denominator) -> code
            seen: dict[int, int] = {}  # id of a value object -> code
            for index, group in enumerate(profile.groups):
                for project, value in zip(group.projects, group.values):
                    code = seen.get(id(value))
                    if code is None:
                        code = codes.get((value.numerator, value.denominator))
                        if code is None:
                            code = codes[value.numerator, value.denominator] = len(shared)
                            shared.append(value)
                        seen[id(value)] = code
                    self.supporters[project].append((index, code))
        # The same numbers as integers, for pricing and buying (``_RunState``): each project's
        # cost as (numerator, denominator), the costs' common denominator, and each project's
        # satisfactions over their common denominator ``scale``, as (scale, numerators).
        self.cost_ratios = [(cost.numerator, cost.denominator) for cost in profile.costs]
        self.cost_denominators = lcm(*(cost.denominator for cost in profile.costs))
        scaled: dict[int, tuple[int, list[int]]] = {}  # (once per list: without the cost measure, one)
        for values in self.values:
            if id(values) not in scaled:
                scale = lcm(*(value.denominator for value in values))
                scaled[id(values)] = (scale, [value.numerator * (scale // value.denominator) for value in values])
        self.scaled = [scaled[id(values)] for values in self.values]
        # For pricing, each project's supporting groups repeated by their number of voters
        # (``satisfaction.each_voter``: None where groups are large), with their codes repeated
        # alike; with the cost measure every code is 0, and only classes are counted (None).
        groups: list[list[int]] = [list(map(itemgetter(0), supporters)) for supporters in self.supporters]
        size_of = self.sizes.__getitem__
        self.weighted: list[tuple[list[int], list[int] | None] | None] = []
        for supporters, own, voters in zip(self.supporters, groups, each_voter(groups, self.sizes)):
            if voters is None or self.cost_sat:
                self.weighted.append(None if voters is None else (voters, None))
                continue
            held = list(map(itemgetter(1), supporters))
            if len(voters) > len(own):
                held = list(chain.from_iterable(map(repeat, held, map(size_of, own))))
            self.weighted.append((voters, held))
        self.tot = total_satisfaction(profile)
        self.free = tuple(p for p in range(count) if profile.costs[p] == 0 and self.tot[p] > 0)
        self.eligible = tuple(p for p in range(count) if profile.costs[p] > 0 and self.tot[p] > 0)

    def run(self, beta: Rational, forced: Sequence[int] | None = None, record: bool = False) -> Run:
        """One run with ``beta`` per voter. ``forced``: buy these, in this order (explanations)."""
        state = _RunState(self, beta)
        purchases: list[Purchase] = []
        while True:
            found = state.next_winner(
                forced[len(state.sequence)] if forced is not None and len(state.sequence) < len(forced) else None
            )
            if found is None:
                break
            winner, rho = found
            if record:
                purchases.append(state.purchase(winner, rho))
            state.buy(winner, rho)
        leftover = {p: state.money(p) for p in range(len(self.profile.ids)) if p not in state.bought} if record else {}
        return Run(tuple(state.sequence), tuple(purchases), leftover)


class _RunState:
    """Voters are kept in classes: a class is the voters with the same money left, whatever
    they paid for (what a voter pays next depends only on what it has and its satisfaction),
    so everyone who ran out of money is in one class. Classes are numbered as they appear;
    ``budgets[c]`` is what each voter of class ``c`` has left, as (numerator, denominator)
    (fractions only where a value is handed out).

    The denominators form a chain: each purchase writes the budgets it makes over ``den``, a
    common multiple of every denominator before it (and of the costs), and each earlier
    denominator divides it. So the common denominator of any classes is simply the largest
    of theirs, where lowest terms made pricing find the lcm of up to one denominator per
    class, tens of digits each: about a third of the time of a plain count."""

    def __init__(self, mes: ExactMES, beta: Rational, search: bool = True) -> None:
        """``search=False``: for pricing and buying only (``exactcover.py`` chooses the winners),
        without the stale prices that ``next_winner`` keeps."""
        self.mes = mes
        self.beta = beta
        self.remaining = set(mes.eligible)
        if search:
            self.stale = {p: mes.profile.costs[p] / mes.tot[p] for p in mes.eligible}
            # Sort keys for the stale prices: the float first, which rounding keeps in order (a < b
            # gives float(a) <= float(b)), then the exact price for equal floats, then the project.
            self.order = {p: (float(rho), rho, p) for p, rho in self.stale.items()}
        self.sequence: list[int] = []
        self.bought: set[int] = set(mes.free)
        self.rho: dict[int, Rational] = {}
        self.of = [0] * len(mes.profile.groups)  # each group's class; 0: paid nothing yet
        self.den = lcm(beta.denominator, mes.cost_denominators)  # the top of the chain
        self.budgets = [(beta.numerator * (self.den // beta.denominator), self.den)]
        self.holding = {self.budgets[0]: 0}  # budget -> its class

    def classes(self, project: int) -> dict[tuple[int, int], list[int]]:
        """Supporters of ``project`` by (class, code of their satisfaction with it)."""
        found: dict[tuple[int, int], list[int]] = defaultdict(list)
        of = self.of
        for group, code in self.mes.supporters[project]:
            found[of[group], code].append(group)
        return found

    def budget(self, cls: int) -> Rational:
        return Rational(*self.budgets[cls])

    def money(self, project: int) -> Rational:
        sizes = self.mes.sizes.__getitem__
        return sum(
            (self.budget(cls) * sum(map(sizes, members)) for (cls, _), members in self.classes(project).items()),
            Rational(0),
        )

    def price(self, project: int) -> Rational | None:
        """The least rho its supporters can pay (None: they cannot afford it).

        Computed in integers: money over a common denominator of the budgets and the cost,
        satisfaction over one of the satisfactions, so the walk compares products of integers
        instead of doing fraction arithmetic (each of which normalises by a gcd); only the
        answer is made a fraction. The same numbers exactly, several times faster.
        """
        cost, cost_denominator = self.mes.cost_ratios[project]
        budgets = self.budgets
        scale, sats = self.mes.scaled[project]
        weighted = self.mes.weighted[project]
        if weighted is None:  # large groups: their sizes added up, group by group
            voters: dict[tuple[int, int], int] = {}
            of, sizes = self.of, self.mes.sizes
            for group, code in self.mes.supporters[project]:
                key = (of[group], code)
                voters[key] = voters.get(key, 0) + sizes[group]
            items = [(budgets[cls], sats[code], size) for (cls, code), size in voters.items()]
        elif weighted[1] is None:  # the cost measure: one code (0), voters counted by class alone
            by_class: dict[int, int] = {}
            _count_elements(by_class, map(self.of.__getitem__, weighted[0]))
            items = [(budgets[cls], sats[0], size) for cls, size in by_class.items()]
        else:
            voters = {}
            _count_elements(voters, zip(map(self.of.__getitem__, weighted[0]), weighted[1]))
            items = [(budgets[cls], sats[code], size) for (cls, code), size in voters.items()]
        money = max(denominator for (_, denominator), _, _ in items)  # (a chain: the largest is their lcm)
        if money % cost_denominator:  # (only where every supporter has nothing left: 0 / 1)
            money = lcm(money, cost_denominator)
        up = {denominator: money // denominator for denominator in {denominator for (_, denominator), _, _ in items}}
        whole = [(numerator * up[denominator], sat, size) for (numerator, denominator), sat, size in items]
        need = cost * (money // cost_denominator)
        if sum(budget * size for budget, _, size in whole) < need:
            return None
        if len(sats) == 1:  # one satisfaction for every supporter: poorest first is by budget
            whole.sort()
        else:
            _by_budget_per_satisfaction(whole)
        paid, weight = 0, sum(sat * size for _, sat, size in whole)
        for budget, sat, size in whole:
            # rho = (need - paid) / money / (weight / scale); this class pays rho x sat if it can
            if (need - paid) * sat <= budget * weight:  # and so can all richer ones
                return Rational((need - paid) * scale, money * weight)
            paid += budget * size
            weight -= sat * size
        raise AssertionError("an affordable project always has a paying class")

    def next_winner(self, forced: int | None) -> tuple[int, Rational] | None:
        if forced is not None:
            rho = self.price(forced)
            assert rho is not None, "a forced winner must be affordable"
            return forced, rho
        best: Rational | None = None
        tied: list[int] = []
        for project in sorted(self.remaining, key=self.order.__getitem__):
            if best is not None and self.stale[project] > best:
                break
            rho = self.price(project)
            if rho is None:
                self.remaining.discard(project)
                continue
            self.stale[project] = rho
            self.order[project] = (float(rho), rho, project)
            if best is None or rho < best:
                best, tied = rho, [project]
            elif rho == best:
                tied.append(project)
        if best is None:
            return None
        return min(tied), best

    def purchase(self, project: int, rho: Rational) -> Purchase:
        payments: dict[tuple[Rational, bool], list[int]] = defaultdict(list)
        values = self.mes.values[project]
        for (cls, code), members in self.classes(project).items():
            budget = self.budget(cls)
            share = rho * values[code]
            if share <= budget:
                payments[share, True].extend(members)
            else:
                payments[budget, False].extend(members)
        return Purchase(
            project,
            rho,
            tuple((amount, tuple(sorted(members)), full) for (amount, full), members in sorted(payments.items())),
        )

    def buy(self, project: int, rho: Rational) -> None:
        self.sequence.append(project)
        self.bought.add(project)
        self.remaining.discard(project)
        self.rho[project] = rho
        of, budgets, holding = self.of, self.budgets, self.holding
        # A share is rho x value = r x sats[code] / (e x scale): budgets after paying go over
        # the next link of the chain, a multiple of both the old top and e x scale.
        scale, sats = self.mes.scaled[project]
        r, below = rho.numerator, rho.denominator * scale
        den = self.den = lcm(self.den, below)
        share_up = den // below
        up: dict[int, int] = {}
        after: dict[tuple[int, int], int] = {}  # (class, code) -> the class it moves to
        for group, code in self.mes.supporters[project]:
            step = (of[group], code)
            moved = after.get(step)
            if moved is None:  # the first of its class to pay this: which class it moves to
                numerator, denominator = budgets[step[0]]
                times = up.get(denominator)
                if times is None:
                    times = up[denominator] = den // denominator
                rest = numerator * times - r * sats[code] * share_up
                left = (rest, den) if rest > 0 else (0, 1)
                moved = holding.get(left)
                if moved is None:
                    moved = holding[left] = len(budgets)
                    budgets.append(left)
                after[step] = moved
            of[group] = moved


def _by_budget_per_satisfaction(items: list[tuple[int, int, int]]) -> None:
    """Sort (budget, satisfaction, size) items by budget / satisfaction, ascending, stably.

    By the float of each ratio first: an int divided by an int is correctly rounded, so a
    smaller ratio never gets a larger float, and only ratios with equal floats can be out of
    order. If two neighbours with equal floats differ exactly, the list is sorted again by
    the exact ratios (rarely: it takes differences in the 16th digit). Exact sort keys were
    most of the time of counting a ranked election."""
    floats = list(map(truediv, map(itemgetter(0), items), map(itemgetter(1), items)))
    order = sorted(range(len(items)), key=floats.__getitem__)
    for before, after in pairwise(order):
        if floats[before] == floats[after] and items[before][0] * items[after][1] != items[after][0] * items[before][1]:
            items.sort(key=lambda item: Rational(item[0], item[1]))
            return
    items[:] = [items[at] for at in order]
