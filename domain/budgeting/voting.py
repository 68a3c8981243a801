"""Verifying residents and casting their ballots, online and at polling stations.

``verify`` binds a signed-in account to its census entry for a cycle (main log,
domain/budgeting/bindings.py). ``cast_online`` finds that binding by identity (not from a read
model that may lag), checks the choices with the cycle's ballot rules, and casts or changes the
person's one ballot in the ballot box (domain/budgeting/ballot_box.py). ``cast_paper`` verifies a
person at a station by number and birth date, without any account, and enters their ballot.

One person, one counted ballot: the ballot's id is the keyed hash of the cycle and the census
entry, so two casts of one person at once meet in the store. The loser of a version conflict
reloads and tries once more as a change (the last ballot counts); a paper ballot is final.

The census is passed in as a lookup (``census(slug, person)`` → the entry's proof and district,
or None), so the domain does not read the read models; the keys are passed in too. Commands
return ``Recorded``: ``cast_*`` the position in the ballot box (the ``ballots`` view waits for
it) and the receipt code; ``verify`` and ``release_binding`` a position in the main log.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol, TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import RecordConflictError

from domain.accounts import STAFF, Accounts, PermissionDeniedError
from domain.budgeting import ballot_rules as rules
from domain.budgeting.ballot_box import ONLINE, PAPER, Ballot, BallotBox, BallotKeys, age_band, new_receipt
from domain.budgeting.bindings import (
    AccountBinding,
    EntryBinding,
    FailedAttempts,
    account_binding_id,
    attempts_id,
    entry_binding_id,
)
from domain.budgeting.census import CensusKeys, age_on
from domain.budgeting.cycles import Cycle, cycle_id_for
from domain.budgeting.errors import (
    BallotError,
    BallotRuleError,
    BindingNotFoundError,
    BudgetingError,
    ConcurrentChangeError,
    CycleNotFoundError,
    InvalidFieldError,
    PhaseError,
    VerificationError,
)
from domain.budgeting.service import city_now
from domain.budgeting.spec import PHASES, VOTING, CycleSpec
from domain.budgeting.stations import PollingStation, station_audit_id
from domain.eventlog import EventLog, Recorded
from domain.identity import InvalidNationalIdError

Choices = rules.Choices
REPLACE, REFUSE = "replace", "refuse"  # the cycle's ``paper_after_online``
MAX_STATION = 100
MAX_REASON = 1000
T = TypeVar("T")


@dataclass(frozen=True)
class PaperRow:
    """One paper ballot as a station's batch gives it (``line``: where in the file, for the report)."""

    line: int
    station: str
    number: str
    birth_date: date
    area: str
    choices: Choices


@dataclass(frozen=True)
class PaperProblem:
    line: int
    problem: str  # a VerificationError, BallotError or BallotRuleError problem, or "<field>_<code>"
    params: dict[str, object] = field(default_factory=dict)


class PaperBatchError(BudgetingError):
    """A station's batch is refused whole: ``problems`` names every bad line."""

    def __init__(self, problems: list[PaperProblem]) -> None:
        super().__init__(", ".join(f"line {p.line}: {p.problem}" for p in problems[:5]))
        self.problems = problems


class CensusRecord(Protocol):
    @property
    def proof(self) -> str: ...

    @property
    def district(self) -> str: ...


CensusLookup = Callable[[str, str], CensusRecord | None]  # (cycle slug, person) → the entry, or None
ChoiceCheck = Callable[[CycleSpec, str, Mapping[str, int], Mapping[str, int]], Choices]
ChoicesOf = Callable[[CycleSpec], Mapping[str, int]]  # the choices, read knowing the cycle's ballot


class Voting:
    def __init__(
        self, log: EventLog, box: BallotBox, accounts: Accounts, census_keys: CensusKeys, ballot_keys: BallotKeys,
        census: CensusLookup, check_choices: ChoiceCheck = rules.check_choices,
    ) -> None:  # fmt: skip
        self.log = log
        self.box = box
        self.accounts = accounts
        self.census_keys = census_keys
        self.ballot_keys = ballot_keys
        self.census = census
        self.check_choices = check_choices  # domain/budgeting/ballot_rules.py (BallotRuleError)
        self._cycles: dict[str, Cycle] = {}  # never changed here: casting only reads a cycle

    # --- verification -----------------------------------------------------------------------

    def verify(self, slug: str, account: str, number: str, birth_date: date, now: datetime | None = None) -> Recorded:
        """Binds the account to its census entry; the result is the area it votes in.

        Refused with ``VerificationError``; a wrong number or birth date is counted, and past
        ``MAX_FAILURES`` within the hour per account or per entry every attempt is refused.
        """
        if not self.accounts.roles_of(account):
            raise PermissionDeniedError(account, "resident")
        moment = now or city_now()
        cycle = self.cycle(slug)
        if PHASES.index(cycle.phase_at(moment)) > PHASES.index(VOTING):
            raise PhaseError(slug, cycle.phase_at(moment), "verify")
        self._refuse_if_locked(slug, "account", account, moment)
        try:
            person = self.census_keys.person(number)
        except InvalidNationalIdError:
            self._failed(slug, account, None, moment)
            raise VerificationError("bad_number") from None
        self._refuse_if_locked(slug, "entry", person, moment)
        entry = self.census(slug, person)
        if entry is None:
            self._failed(slug, account, None, moment)
            raise VerificationError("not_in_census")
        if entry.proof != self.census_keys.proof(number, birth_date):
            self._failed(slug, account, person, moment)
            raise VerificationError("wrong_birth_date")
        area, band = self._eligible(cycle, entry, birth_date, moment)
        try:
            return self._bind(slug, account, person, area, band)
        except RecordConflictError:
            return self._bind(slug, account, person, area, band)  # reloaded: bound by now, or refused

    def _bind(self, slug: str, account: str, person: str, area: str, band: str) -> Recorded:
        mine = self.log.find(account_binding_id(slug, account), AccountBinding)
        entry = self.log.find(entry_binding_id(slug, person), EntryBinding)
        if entry is not None and entry.account and entry.account != account:
            raise VerificationError("entry_bound")
        if mine is not None and mine.bound and mine.person != person:
            raise VerificationError("account_bound")
        if mine is not None and mine.bound and entry is not None and entry.account == account:
            return Recorded(0, area)  # verified already
        if mine is None:
            tag = self.ballot_keys.band_tag(slug, account, band)
            mine = AccountBinding(cycle=slug, account=account, person=person, area=area, age_tag=tag, actor=account)
        else:
            mine.verify_again(person, area, self.ballot_keys.band_tag(slug, account, band), account)
        if entry is None:
            entry = EntryBinding(id=entry_binding_id(slug, person), cycle=slug, account=account, actor=account)
        elif entry.account != account:
            entry.bind_again(account, account)
        return Recorded(self.log.record(mine, entry), area)

    def _eligible(self, cycle: Cycle, entry: CensusRecord, birth_date: date, now: datetime) -> tuple[str, str]:
        """The entry's area and the person's age band on the closing day (today, while unknown)."""
        closing = cycle.closing_day() or now.date()
        age = age_on(birth_date, closing)
        if age < cycle.spec.min_age:
            raise VerificationError("under_age", min_age=cycle.spec.min_age, closing_day=closing.isoformat())
        area = next((area.code for area in cycle.spec.areas if entry.district in area.districts), None)
        if area is None:
            raise VerificationError("no_area")
        return area, age_band(age)

    def _refuse_if_locked(self, slug: str, kind: str, key: str, now: datetime) -> None:
        attempts = self.log.find(attempts_id(slug, kind, key), FailedAttempts)
        until = attempts.locked_until(now) if attempts else None
        if until is not None:
            minutes = max(1, -int(-(until - now).total_seconds() // 60))
            raise VerificationError("too_many_attempts", retry_after=minutes)

    def _failed(self, slug: str, account: str, person: str | None, now: datetime) -> None:
        """Counts a failed attempt against the account (and the entry, when it was one)."""
        at = now.isoformat(timespec="seconds")
        keys = [("account", account)] + ([("entry", person)] if person else [])
        for kind, key in keys:
            for _ in range(2):  # another node counted one at the same moment: count ours after it
                attempts = self.log.find(attempts_id(slug, kind, key), FailedAttempts)
                if attempts is None:
                    attempts = FailedAttempts(id=attempts_id(slug, kind, key), cycle=slug, at=at, actor=account)
                else:
                    attempts.fail_again(at, account)
                try:
                    self.log.record(attempts)
                    break
                except RecordConflictError:
                    continue

    def binding(self, slug: str, account: str) -> AccountBinding | None:
        """The account's verification for the cycle (None: not verified, or released)."""
        binding = self.log.find(account_binding_id(slug, account), AccountBinding)
        return binding if binding is not None and binding.bound else None

    def release_binding(self, slug: str, account: str, reason: str, actor: str) -> Recorded:
        """Staff undo a verification (a resident bound the wrong entry, or someone else's)."""
        self.accounts.require(actor, STAFF)
        reason = (reason or "").strip()
        if not reason:
            raise InvalidFieldError("reason", "missing")
        if len(reason) > MAX_REASON or any(ord(char) < 32 and char not in "\n\t" for char in reason):
            raise InvalidFieldError("reason", "too_long" if len(reason) > MAX_REASON else "control")
        mine = self.binding(slug, account)
        if mine is None:
            raise BindingNotFoundError(slug, account)
        entry = self.log.find(entry_binding_id(slug, mine.person), EntryBinding)
        mine.release(reason, actor)
        released: list[Aggregate] = [mine]
        if entry is not None and entry.account == account:
            entry.release(reason, actor)
            released.append(entry)
        try:
            return Recorded(self.log.record(*released))
        except RecordConflictError:
            raise ConcurrentChangeError(tuple(aggregate.id for aggregate in released)) from None

    # --- casting ----------------------------------------------------------------------------

    def cast_online(self, slug: str, account: str, area: str | None, choices: Mapping[str, int] | ChoicesOf,
                    now: datetime | None = None) -> Recorded:  # fmt: skip
        """Casts or changes the account's person's ballot; result: the new receipt code.

        ``area`` None: the voter's own. ``choices`` may be a function of the cycle's spec (the
        web reads a form by the ballot's kind), so that a cast reads the cycle once. A cast loads
        each aggregate once: the cycle (kept while the log holds no newer event of it), the
        account's binding and the ballot; it loads the ballot again only after losing a race.
        """
        moment = now or city_now()
        cycle = self.cycle(slug)
        cycle.require_phase(moment, "vote", VOTING)
        binding = self.binding(slug, account)
        if binding is None:
            raise BallotError("not_verified")
        wanted = choices(cycle.spec) if callable(choices) else choices
        ballot_id = self.ballot_keys.ballot_id(slug, binding.person)
        where = binding.area if area is None else area

        def cast(ballot: Ballot | None) -> Recorded:
            self._require_area(cycle, binding.area, where, ballot)
            checked = self.check_choices(cycle.spec, where, cycle.ballot(where), wanted)
            receipt = new_receipt()
            if ballot is None:
                ballot = Ballot(id=ballot_id, cycle=slug, area=where, choices=checked, channel=ONLINE, station="",
                                age_band=self.ballot_keys.band_of_tag(slug, account, binding.age_tag), receipt=receipt)  # fmt: skip
            elif ballot.channel == PAPER:
                raise BallotError("paper_final")
            else:
                ballot.change(where, checked, receipt)
            return Recorded(self.box.record(ballot), receipt)

        return self._once_more(cast, ballot_id)

    def cast_paper(
        self, slug: str, station: str, number: str, birth_date: date, area: str, choices: Mapping[str, int],
        staff_actor: str, now: datetime | None = None,
    ) -> Recorded:  # fmt: skip
        """Staff at a station enter the ballot of a person they verified; result: the receipt code."""
        self.accounts.require(staff_actor, STAFF)
        moment = now or city_now()
        cycle = self.cycle(slug)
        cycle.require_phase(moment, "vote", VOTING)
        row = PaperRow(0, station, number, birth_date, area, dict(choices))
        ballot_id, own_area, band = self._paper_voter(cycle, row, moment)

        def cast(ballot: Ballot | None) -> Recorded:
            paper = self._paper_ballot(cycle, row, ballot_id, own_area, band, ballot)
            return Recorded(self.box.record(paper), paper.receipt)

        recorded = self._once_more(cast, ballot_id)
        self._audit_paper(slug, [row.station.strip()], staff_actor)
        return recorded

    def cast_paper_batch(self, slug: str, rows: Sequence[PaperRow], staff_actor: str,
                         now: datetime | None = None) -> Recorded:  # fmt: skip
        """A station's batch of paper ballots: all of them in one save, or none.

        Every row is checked first, as ``cast_paper`` would; any bad row (also a person twice in
        the batch) refuses the whole batch with ``PaperBatchError`` naming every bad line. The
        result is how many ballots were recorded.
        """
        self.accounts.require(staff_actor, STAFF)
        moment = now or city_now()
        cycle = self.cycle(slug)
        cycle.require_phase(moment, "vote", VOTING)
        for _ in range(2):
            papers: list[Ballot] = []
            problems: list[PaperProblem] = []
            first_line: dict[UUID, int] = {}
            for row in rows:
                try:
                    ballot_id, own_area, band = self._paper_voter(cycle, row, moment)
                    if ballot_id in first_line:
                        raise BallotError("duplicate", line=first_line[ballot_id])
                    first_line[ballot_id] = row.line
                    ballot = self.box.ballot(ballot_id)
                    papers.append(self._paper_ballot(cycle, row, ballot_id, own_area, band, ballot))
                except (VerificationError, BallotError, BallotRuleError, InvalidFieldError) as refused:
                    problems.append(_problem(row.line, refused))
            if problems:
                raise PaperBatchError(problems)
            if not papers:
                return Recorded(0, 0)
            try:
                position = self.box.record(*papers)
            except RecordConflictError:
                continue  # someone voted meanwhile: check every row again against the box as it is now
            self._audit_paper(slug, [row.station.strip() for row in rows], staff_actor)
            return Recorded(position, len(papers))
        raise BallotError("busy")

    def _paper_voter(self, cycle: Cycle, row: PaperRow, now: datetime) -> tuple[UUID, str, str]:
        """The person of a paper ballot, verified at the station: their ballot id, area and age band."""
        _station(row.station)
        try:
            person = self.census_keys.person(row.number)
        except InvalidNationalIdError:
            raise VerificationError("bad_number") from None
        entry = self.census(cycle.slug, person)
        if entry is None:
            raise VerificationError("not_in_census")
        if entry.proof != self.census_keys.proof(row.number, row.birth_date):
            raise VerificationError("wrong_birth_date")
        own_area, band = self._eligible(cycle, entry, row.birth_date, now)
        return self.ballot_keys.ballot_id(cycle.slug, person), own_area, band

    def _paper_ballot(self, cycle: Cycle, row: PaperRow, ballot_id: UUID, own_area: str, band: str,
                      ballot: Ballot | None) -> Ballot:  # fmt: skip
        """The ballot with the paper one cast (not yet saved), or the reason it is refused."""
        self._require_area(cycle, own_area, row.area, ballot)
        checked = self.check_choices(cycle.spec, row.area, cycle.ballot(row.area), row.choices)
        station, receipt = _station(row.station), new_receipt()
        if ballot is None:
            return Ballot(id=ballot_id, cycle=cycle.slug, area=row.area, choices=checked, channel=PAPER,
                          station=station, age_band=band, receipt=receipt)  # fmt: skip
        if ballot.channel == PAPER:
            raise BallotError("paper_twice")
        if cycle.spec.voting.paper_after_online == REFUSE:
            raise BallotError("online_exists")
        ballot.replace_with_paper(row.area, checked, station, receipt)
        return ballot

    def _audit_paper(self, slug: str, stations: Sequence[str], actor: str) -> None:
        """Who entered paper ballots at which station (one event per ballot): recorded after the
        ballots, naming none of them."""
        for _ in range(3):
            audits: dict[str, PollingStation] = {}
            for station in stations:
                audit = audits.get(station) or self.log.find(station_audit_id(slug, station), PollingStation)
                if audit is None:
                    audit = PollingStation(id=station_audit_id(slug, station), cycle=slug, station=station, actor=actor)
                audit.ballot_entered(actor)
                audits[station] = audit
            try:
                self.log.record(*audits.values())
                return
            except RecordConflictError:
                continue

    def has_voted(self, slug: str, account: str) -> bool:
        """Whether the account's person has a ballot in the box: asked through the key, of no roll."""
        return self.ballot_of(slug, account) is not None

    def ballot_of(self, slug: str, account: str) -> Ballot | None:
        binding = self.binding(slug, account)
        if binding is None:
            return None
        return self.box.ballot(self.ballot_keys.ballot_id(slug, binding.person))

    # --- reads and helpers --------------------------------------------------------------------

    def cycle(self, slug: str) -> Cycle:
        """The cycle, read only: kept between casts while the log holds no newer event of it.

        A city's cycle (38 areas, hundreds of projects) takes milliseconds to rebuild from its
        events, and every cast reads it; asking whether it has a newer event is one indexed query.
        """
        cached = self._cycles.get(slug)
        if cached is not None and not self.log.recorder.select_events(cached.id, gt=cached.version, limit=1):
            return cached
        cycle = self.log.find(cycle_id_for(slug), Cycle) if slug else None
        if cycle is None:
            raise CycleNotFoundError(slug)
        self._cycles[slug] = cycle
        return cycle

    @staticmethod
    def _require_area(cycle: Cycle, own: str, area: str, ballot: Ballot | None) -> None:
        """Their own area; with ``other_area``, one other area instead: the first other area their
        ballot was cast in stays the one (a change may go back to their own area, or to it)."""
        if area == own:
            return
        if not cycle.spec.voting.other_area or cycle.spec.area(area) is None:
            raise BallotError("area_not_allowed", area=area)
        chosen = next((used for used in (ballot.areas if ballot else []) if used != own), None)
        if chosen is not None and chosen != area:
            raise BallotError("other_area_chosen", area=area, chosen=chosen)

    def _once_more(self, cast: Callable[[Ballot | None], T], ballot_id: UUID) -> T:
        """Two casts of one person at once: the store's version check lets one through; the other
        reloads and is cast again, as a change (or refused, when the first was on paper)."""
        for _ in range(2):
            try:
                return cast(self.box.ballot(ballot_id))
            except RecordConflictError:
                continue
        raise BallotError("busy")


def _problem(line: int, refused: Exception) -> PaperProblem:
    if isinstance(refused, InvalidFieldError):
        return PaperProblem(line, f"{refused.field}_{refused.code}")
    return PaperProblem(line, str(getattr(refused, "problem", "refused")), dict(getattr(refused, "params", {})))


def _station(raw: str) -> str:
    station = (raw or "").strip()
    if not station:
        raise InvalidFieldError("station", "missing")
    if len(station) > MAX_STATION or any(ord(char) < 32 for char in station):
        raise InvalidFieldError("station", "too_long" if len(station) > MAX_STATION else "control")
    return station
