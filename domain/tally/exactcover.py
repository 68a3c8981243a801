"""Prove what the Method of Equal Shares buys over ranges of per-voter budgets, in exact
rationals and without numpy: for small elections, whose whole count is over before numpy would
even be imported.

``ExactCover(mes, b0).pieces(first)`` yields ``(a, b, sequence)``, left to right from ``first``:
MES buys ``sequence`` at every per-voter budget ``b0 + k``, ``a <= k <= b``. It stops (returns)
once it has done ``work`` units of pricing (``spent``), leaving the rest of the range to the
caller (``certify.py``'s engine, for which such an election is big enough); ``next`` is then the
first k it did not cover.

A range ``[k0, k1]`` is proven as in ``../shared/notes/mes-completion.md`` (section 3b): run MES
along the known sequence with every voter at ``b0 + k0`` (budgets from below) and at
``b0 + k1`` (from above). A project's price ``rho`` falls as budgets rise, and a voter's budget
after paying, ``max(0, b - rho u)``, rises with ``b`` and falls with ``rho``. So, by induction
over the rounds, for every k in the range the true budgets lie between the two, and every
project's true price lies between its price with budgets from above (``low``) and from below
(``high``). A round is proven when the winner's ``high`` is below every other project's
``low`` (or equal, for a project later in id order, which loses the tie), and the run ends
when every remaining project is unaffordable even with budgets from above. Twins (same cost,
same supporters with the same satisfactions) always cost the same, so id order decides between
them. All arithmetic is exact (``mes._RunState``), so nothing is rounded and no tie is
guessed: a single budget (``k0 == k1``) is proven exactly when the sequence is MES's there.

A price computed in an earlier round is still below the current one (budgets only fall), so a
project whose old ``low`` already loses to the winner is not priced again, as in ``mes.py``.
"""

from __future__ import annotations

from domain.tally.mes import ExactMES, _RunState
from domain.tally.rational import Rational

TYPE_CHECKING = False  # as typing.TYPE_CHECKING (and so for type checkers), without importing typing at run time
if TYPE_CHECKING:
    from collections.abc import Iterator


class ExactCover:
    def __init__(self, mes: ExactMES, b0: Rational, work: int) -> None:
        self.mes = mes
        self.b0 = b0
        self.work = work
        self.spent = 0
        self.next = 0
        # Work: supporters priced. Points and ranks cost about three times as much per supporter
        # as approvals (more satisfaction levels, so more classes to sort and walk).
        per = 1 if mes.cost_sat else 3
        self.weight = [per * (len(supporters) or 1) for supporters in mes.supporters]
        # Below each project's price for every budget: the cost over its total satisfaction.
        # Kept as (float, exact, project), compared by the float first (rounding keeps order:
        # a < b gives float(a) <= float(b)), the exact value only when the floats are equal.
        self.least: dict[int, tuple[float, Rational, int]] = {}
        for p in mes.eligible:
            least = mes.profile.costs[p] / mes.tot[p]
            self.least[p] = (float(least), least, p)
        signature: dict[object, list[int]] = {}
        for p in mes.eligible:
            values = mes.values[p]
            key = (mes.profile.costs[p], tuple((g, values[code]) for g, code in mes.supporters[p]))
            signature.setdefault(key, []).append(p)
        self.twins = {p: frozenset(same) for same in signature.values() for p in same}

    def _price(self, state: _RunState, project: int) -> Rational | None:
        self.spent += self.weight[project]
        return state.price(project)

    def sequence(self, k: int) -> tuple[int, ...]:
        """MES's sequence at ``b0 + k`` (one exact run, counted as work)."""
        before = sum(self.weight)
        run = self.mes.run(self.b0 + k)
        self.spent += before * (len(run.sequence) + 1)  # about what the run priced
        return run.sequence

    def proven(self, sequence: tuple[int, ...], k0: int, k1: int) -> bool:
        """Whether MES buys ``sequence`` at every ``b0 + k``, ``k0 <= k <= k1``."""
        low_state = _RunState(self.mes, self.b0 + k1, search=False)  # budgets from above: prices from below
        high_state = low_state if k0 == k1 else _RunState(self.mes, self.b0 + k0, search=False)
        bound = dict(self.least)  # below each remaining project's price, for every k
        for winner in sequence:
            if winner not in bound:
                return False
            high = self._price(high_state, winner)
            if high is None:
                return False
            low = high if high_state is low_state else self._price(low_state, winner)
            assert low is not None  # (affordable from below, so from above)
            del bound[winner]
            twins = self.twins[winner]
            best = (float(high), high, winner)  # what a rival must stay above (or equal, later in id order)
            for rival in sorted(bound, key=bound.__getitem__):
                if bound[rival] > best:
                    break  # this one and all later ones lose to the winner
                if rival > winner and rival in twins:
                    continue  # always the same price: the winner's id comes first
                price = self._price(low_state, rival)
                if price is None:  # unaffordable even from above: out, for every k
                    del bound[rival]
                    continue
                bound[rival] = (float(price), price, rival)
                if bound[rival] < best:
                    return False
            low_state.buy(winner, low)
            if high_state is not low_state:
                high_state.buy(winner, high)
        return all(self._price(low_state, project) is None for project in bound)

    def pieces(self, first: int) -> Iterator[tuple[int, int, tuple[int, ...]]]:
        """Proven pieces from ``first`` on, until the work is spent (then ``next`` says where
        to go on). Ranges double while they are proven and halve when not (notes, 3b)."""
        k, width = first, 1
        while self.spent < self.work:
            sequence = self.sequence(k)
            yield k, k, sequence  # at once: the caller may stop here
            end = k
            while self.spent < self.work:
                if self.proven(sequence, end + 1, end + 1 + width):
                    yield end + 1, end + 1 + width, sequence
                    end += width + 1
                    width *= 2
                elif width == 0:
                    break  # MES buys something else at end + 1
                else:
                    width //= 2
            k, width = end + 1, max(width, 1)
            self.next = k
        self.next = k
