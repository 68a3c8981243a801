"""The review application service: staff open calls and appoint panels, agency staff submit
entries, screeners screen them, members score, the chair confirms the shortlist and the awards.

Commands take primitives and the acting account (``actor``; the command line acts as
``SYSTEM_ACTOR``) and return ``Recorded``. ``now`` is the city's local time (naive,
Asia/Taipei), given by tests; without it the clock is read. Who may see what is the read model's
(``projections/review_queries.py``); who may do what is checked here.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import date, datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import RecordConflictError

from domain.accounts import STAFF, Accounts, PermissionDeniedError
from domain.eventlog import SYSTEM_ACTOR, EventLog, Recorded
from domain.review import refusals as errors
from domain.review.call_settings import DEFAULT_GAP, KINDS, METHODS, default_method, default_rubric, default_tiers
from domain.review.calls import CLOSED, SCORING, SCREENING, SUBMISSION, Call, call_id_for, screening_conflict
from domain.review.entries import DECISIONS, FAIL, Entry
from domain.review.panels import ALL, BALANCED, EXTERNAL, INTERNAL, Panel, balanced, panel_id_for
from domain.review.scores import Score, score_id_for
from domain.review.standings import Round, standings

CITY = ZoneInfo("Asia/Taipei")
SLUG_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-")
MAX_TITLE, MAX_NAME, MAX_TEXT, MAX_COMMENT = 200, 100, 4000, 2000
MAX_ATTACHMENT = 5_000_000  # bytes of one PDF, kept in the log
MAX_ATTACHMENTS = 5
MAX_ROUNDS = 3
MISSING, TOO_LONG, CONTROL, UNKNOWN, OUT_OF_RANGE, NOT_PDF = (
    "missing", "too_long", "control", "unknown", "out_of_range", "not_pdf",
)  # fmt: skip


def city_now() -> datetime:
    return datetime.now(CITY).replace(tzinfo=None)


class Review:
    def __init__(self, log: EventLog, accounts: Accounts) -> None:
        self.log = log
        self.accounts = accounts

    # --- calls --------------------------------------------------------------------------------

    def open_call(
        self, slug: str, kind: str, title_zh: str, title_en: str, opens: date | datetime, closes: date | datetime,
        actor: str, *, rounds: int = 1, method: str = "", rubric: list[dict[str, Any]] | None = None,
        tiers: list[dict[str, Any]] | None = None, gap: int = DEFAULT_GAP,
    ) -> Recorded:  # fmt: skip
        """Records a new call in its submission phase, with its (empty) panel; the result is its slug."""
        self.accounts.require(actor, STAFF)
        if not slug or len(slug) > 60 or not set(slug) <= SLUG_CHARS:
            raise errors.InvalidFieldError("slug", UNKNOWN if slug else MISSING)
        if kind not in KINDS:
            raise errors.InvalidFieldError("kind", UNKNOWN)
        title_zh, title_en = _required("title_zh", title_zh, MAX_TITLE), _required("title_en", title_en, MAX_TITLE)
        start, end = _moment(opens, start=True), _moment(closes, start=False)
        if end <= start:
            raise errors.InvalidFieldError("closes", OUT_OF_RANGE)
        method = method or default_method(kind)
        if method not in METHODS:
            raise errors.InvalidFieldError("method", UNKNOWN)
        if not 1 <= rounds <= MAX_ROUNDS:
            raise errors.InvalidFieldError("rounds", OUT_OF_RANGE)
        if self.log.find(call_id_for(slug), Call) is not None:
            raise errors.CallExistsError(slug)
        call = Call(
            slug=slug, kind=kind, title_zh=title_zh, title_en=title_en, opens=start.isoformat(timespec="seconds"),
            closes=end.isoformat(timespec="seconds"), rounds=rounds, rubric=rubric or default_rubric(kind),
            tiers=tiers or default_tiers(), method=method, gap=gap, actor=actor,
        )  # fmt: skip
        panel = Panel(slug=slug, call_id=call.id, actor=actor)
        try:
            return Recorded(self._save(call, panel), slug)
        except errors.ConcurrentChangeError:
            raise errors.CallExistsError(slug) from None

    def start_screening(self, slug: str, actor: str) -> Recorded:
        self.accounts.require(actor, STAFF)
        call = self.call(slug)
        call.start_screening(actor)
        return Recorded(self._save(call), call.phase)

    def open_round(self, slug: str, actor: str) -> Recorded:
        """Staff open the (next) scoring round; a balanced panel gets its assignment now."""
        self.accounts.require(actor, STAFF)
        call, panel = self.call(slug), self.panel(slug)
        call.open_round(actor)
        if panel.mode == BALANCED:
            panel.set_assignment(BALANCED, panel.per_entry, self._balanced(call, panel, panel.per_entry), actor)
        return Recorded(self._save(call, panel), call.round)

    def close_round(self, slug: str, actor: str) -> Recorded:
        """Staff or the chair close the round: from then on scores are refused."""
        call, panel = self.call(slug), self.panel(slug)
        self._require_staff_or_chair(panel, actor)
        call.close_round(actor)
        return Recorded(self._save(call), call.round)

    # --- panel --------------------------------------------------------------------------------

    def appoint_member(self, slug: str, account_id: UUID, name: str, kind: str, agency: str, actor: str, *,
                       chair: bool = False) -> Recorded:  # fmt: skip
        """An internal member comes with their agency (recused from its entries); an external expert without."""
        self.accounts.require(actor, STAFF)
        self.accounts.get(account_id)  # AccountNotFoundError for a made-up id
        if kind not in (INTERNAL, EXTERNAL):
            raise errors.InvalidFieldError("kind", UNKNOWN)
        name = _required("name", name, MAX_NAME, multiline=False)
        agency = _text("agency", agency, MAX_NAME)
        if kind == INTERNAL and not agency:
            raise errors.InvalidFieldError("agency", MISSING)
        self.call(slug)
        panel = self.panel(slug)
        panel.appoint(str(account_id), name, kind, agency if kind == INTERNAL else "", chair, actor)
        return Recorded(self._save(panel), panel.members[str(account_id)]["code"])

    def declare_conflict(self, slug: str, entry_id: UUID, reason: str, actor: str, *,
                         member: UUID | None = None) -> Recorded:  # fmt: skip
        """A member declares a conflict with an entry (or staff record one for a member)."""
        account = str(member) if member else actor
        if account != actor:
            self.accounts.require(actor, STAFF)
        panel = self.panel(slug)
        if account not in panel.members:
            raise errors.NotMemberError(slug, account)
        entry = self.entry(entry_id)
        self._require_of_call(entry, slug)
        panel.declare_conflict(account, str(entry.id), _text("reason", reason, MAX_COMMENT, multiline=True), actor)
        return Recorded(self._save(panel))

    def set_assignment(self, slug: str, mode: str, actor: str, per_entry: int = 0) -> Recorded:
        """``all``: every free member scores every entry; ``balanced``: ``per_entry`` members each."""
        self.accounts.require(actor, STAFF)
        call, panel = self.call(slug), self.panel(slug)
        call.require_phase("set_assignment", SUBMISSION, SCREENING, CLOSED)
        if mode not in (ALL, BALANCED):
            raise errors.InvalidFieldError("mode", UNKNOWN)
        if mode == BALANCED and not 1 <= per_entry <= max(1, len(panel.members)):
            raise errors.InvalidFieldError("per_entry", OUT_OF_RANGE)
        assignments = self._balanced(call, panel, per_entry) if mode == BALANCED and call.shortlist else {}
        panel.set_assignment(mode, per_entry if mode == BALANCED else 0, assignments, actor)
        return Recorded(self._save(panel))

    def add_scorer(self, slug: str, entry_id: UUID, member: UUID, actor: str) -> Recorded:
        """One more member for an entry of a balanced panel: the third reviewer of ``two-plus-third``
        when the two differ by the gap, or a replacement. Refused for a member recused from it."""
        self.accounts.require(actor, STAFF)
        call, panel = self.call(slug), self.panel(slug)
        call.require_phase("add_scorer", SCORING, CLOSED)
        if call.phase == CLOSED:
            raise errors.RoundClosedError(slug, call.round)
        entry = self.entry(entry_id)
        self._require_of_call(entry, slug)
        account = str(member)
        if account not in panel.members:
            raise errors.NotMemberError(slug, account)
        recusal = panel.recusal(account, str(entry.id), entry.agency)
        if recusal:
            raise errors.RecusedError(entry.id, account, recusal)
        if panel.mode != BALANCED:
            raise errors.InvalidFieldError("mode", UNKNOWN)  # with ``all`` every free member scores it already
        assigned = panel.assignments.get(str(entry.id), [])
        if account in assigned:
            return Recorded(0)
        panel.set_assignment(BALANCED, panel.per_entry, {**panel.assignments, str(entry.id): [*assigned, account]},
                             actor)  # fmt: skip
        return Recorded(self._save(panel))

    def _balanced(self, call: Call, panel: Panel, per_entry: int) -> dict[str, list[str]]:
        entries = [(entry_id, self.entry(UUID(entry_id)).agency) for entry_id in call.shortlist]
        return balanced(list(panel.members), entries, per_entry, panel.recusal)

    # --- entries ------------------------------------------------------------------------------

    def submit(self, slug: str, title: str, agency: str, team: str, summary: str, benefits: str, actor: str,
               now: datetime | None = None, attachment: tuple[str, bytes] | None = None) -> Recorded:  # fmt: skip
        """Agency staff submit an entry within the window, with a PDF or not; the result is its id.

        The fields and the file are checked before the window, so that a bad form is told what is
        wrong with it; the entry and its file are saved together or not at all.
        """
        self._require_account(actor)
        fields = _entry_fields(title, agency, team, summary, benefits)
        paper = _attachment(*attachment) if attachment is not None else None
        call = self.call(slug)
        call.require_window(now or city_now())
        entry = Entry(call_id=call.id, **fields, actor=actor)
        if paper is not None:
            entry.attach(*paper, actor=actor)
        return Recorded(self._save(entry), entry.id)

    def edit(self, entry_id: UUID, title: str, agency: str, team: str, summary: str, benefits: str, actor: str,
             now: datetime | None = None) -> Recorded:  # fmt: skip
        entry = self.entry(entry_id)
        entry.require_submitter(actor)
        self._call_of(entry).require_window(now or city_now())
        entry.edit(**_entry_fields(title, agency, team, summary, benefits), actor=actor)
        return Recorded(self._save(entry))

    def attach(self, entry_id: UUID, name: str, content: bytes, actor: str, now: datetime | None = None) -> Recorded:
        """A PDF, within the size limit, kept in the log (the entry's papers survive any rebuild)."""
        entry = self.entry(entry_id)
        entry.require_submitter(actor)
        paper = _attachment(name, content)
        self._call_of(entry).require_window(now or city_now())
        if len(entry.attachments) >= MAX_ATTACHMENTS:
            raise errors.InvalidFieldError("attachment", OUT_OF_RANGE, most=MAX_ATTACHMENTS)
        entry.attach(*paper, actor=actor)
        return Recorded(self._save(entry), len(entry.attachments))

    # --- first screen -------------------------------------------------------------------------

    def appoint_screener(self, slug: str, account_id: UUID, actor: str, agency: str = "") -> Recorded:
        """A screener with their agency (none for an outside expert): they never screen its entries."""
        self.accounts.require(actor, STAFF)
        self.accounts.get(account_id)
        agency = _text("agency", agency, MAX_NAME)
        call = self.call(slug)
        call.appoint_screener(str(account_id), actor, agency)
        return Recorded(self._save(call))

    def screener_agency(self, slug: str, account: str) -> str:
        """The agency a screener was appointed with, else their agency as an internal panel member."""
        call, panel = self.call(slug), self.panel(slug)
        member = panel.members.get(account)
        return call.screener_agencies.get(account) or (member["agency"] if member and member["kind"] == INTERNAL
                                                       else "")  # fmt: skip

    def screen(self, entry_id: UUID, decision: str, reason: str, actor: str) -> Recorded:
        """pass / revise (pass with revision) / fail, a reason required for fail; two screeners per entry."""
        entry = self.entry(entry_id)
        call = self._call_of(entry)
        if actor not in call.screeners and actor != SYSTEM_ACTOR:
            raise errors.NotScreenerError(call.slug, actor)
        call.require_phase("screen", SCREENING)
        conflict = screening_conflict(actor, self.screener_agency(call.slug, actor), entry.agency, entry.submitter)
        if conflict:
            raise errors.ScreenerConflictError(entry.id, actor, conflict)
        if decision not in DECISIONS:
            raise errors.InvalidFieldError("decision", UNKNOWN if decision else MISSING)
        reason = (_required if decision == FAIL else _text)("reason", reason, MAX_COMMENT, multiline=True)
        entry.screen(decision, reason, actor)
        return Recorded(self._save(entry))

    def confirm_shortlist(self, slug: str, entry_ids: list[UUID], actor: str) -> Recorded:
        """The chair (or staff) confirm the shortlist: only entries both screeners passed."""
        call, panel = self.call(slug), self.panel(slug)
        self._require_staff_or_chair(panel, actor)
        chosen = []
        for entry_id in entry_ids:
            entry = self.entry(entry_id)
            if entry.call_id != call.id or not entry.passed_screening():
                raise errors.NotShortlistableError(entry_id)
            chosen.append(str(entry.id))
        if not chosen:
            raise errors.InvalidFieldError("entries", MISSING)
        call.confirm_shortlist(sorted(set(chosen), key=chosen.index), actor)
        return Recorded(self._save(call), len(call.shortlist))

    # --- scoring ------------------------------------------------------------------------------

    def score(self, slug: str, entry_id: UUID, scores: dict[str, int], comment: str, actor: str, *,
              note: str = "", reason: str = "") -> Recorded:  # fmt: skip
        """A member's score of an entry in the open round; a second one is a revision, with its reason.

        The result is the number of revisions so far (0 for the first score).
        """
        call, panel = self.call(slug), self.panel(slug)
        entry = self.entry(entry_id)
        self._require_of_call(entry, slug)
        if actor not in panel.members:
            raise errors.NotMemberError(slug, actor)
        call.require_round_open(call.round)
        if str(entry.id) not in call.shortlist:
            raise errors.NotShortlistableError(entry.id)
        recusal = panel.recusal(actor, str(entry.id), entry.agency)
        if recusal:
            raise errors.RecusedError(entry.id, actor, recusal)
        if actor not in panel.scorers(str(entry.id), entry.agency):
            raise errors.NotAssignedError(entry.id, actor)
        checked = _checked_scores(call, scores)
        comment = _required("comment", comment, MAX_COMMENT)
        note = _text("note", note, MAX_COMMENT, multiline=True)
        existing = self.log.find(score_id_for(call.id, call.round, actor, entry.id), Score)
        if existing is None:
            given = Score(call_id=call.id, round=call.round, entry_id=entry.id, scores=checked, comment=comment,
                          note=note, actor=actor)  # fmt: skip
            return Recorded(self._save(given), 0)
        existing.revise(checked, comment, note, _required("reason", reason, MAX_COMMENT), actor)
        return Recorded(self._save(existing), existing.revisions)

    # --- awards -------------------------------------------------------------------------------

    def standing(self, slug: str) -> Round:
        """Each shortlisted entry's official score and tier in the current round, from the log."""
        call, panel = self.call(slug), self.panel(slug)
        found = []
        for entry_id in call.shortlist:
            for member in panel.members:
                score = self.log.find(score_id_for(call.id, call.round, member, UUID(entry_id)), Score)
                if score is not None:
                    found.append((entry_id, panel.members[member]["code"], score.scores))
        return standings(call.method, call.gap, call.rubric, call.tiers, found, call.shortlist)

    def confirm_awards(self, slug: str, attending: int, in_favour: int, against: int, actor: str) -> Recorded:
        """The chair confirms the tiers as computed, with the vote of the members attending.

        The decision needs a majority of those attending (more than half vote for it); the tiers
        are computed here from the recorded scores, never taken from the page.
        """
        call, panel = self.call(slug), self.panel(slug)
        if actor != panel.chair() and actor != SYSTEM_ACTOR:
            raise errors.NotMemberError(slug, actor, "chair")
        call.require_phase("confirm_awards", CLOSED)
        members = len(panel.members)
        if not 1 <= attending <= members:
            raise errors.VoteError("attending")
        if in_favour < 0 or against < 0 or in_favour + against > attending:
            raise errors.VoteError("counts")
        if in_favour * 2 <= attending:
            raise errors.VoteError("no_majority")
        computed = self.standing(slug)
        if computed.error is not None:
            raise computed.error
        awards = [standing.as_dict() for standing in computed.standings]
        call.confirm_awards(awards, attending, in_favour, against, actor)
        return Recorded(self._save(call), len([a for a in awards if a["tier"]]))

    def publish(self, slug: str, actor: str) -> Recorded:
        call, panel = self.call(slug), self.panel(slug)
        self._require_staff_or_chair(panel, actor)
        call.publish(actor)
        return Recorded(self._save(call))

    # --- reads --------------------------------------------------------------------------------

    def call(self, slug: str) -> Call:
        call = self.log.find(call_id_for(slug), Call) if slug else None
        if call is None:
            raise errors.CallNotFoundError(slug)
        return call

    def panel(self, slug: str) -> Panel:
        panel = self.log.find(panel_id_for(slug), Panel) if slug else None
        if panel is None:
            raise errors.CallNotFoundError(slug)
        return panel

    def entry(self, entry_id: UUID) -> Entry:
        return self.log.get(entry_id, Entry, errors.EntryNotFoundError)

    def _call_of(self, entry: Entry) -> Call:
        return self.log.get(entry.call_id, Call, errors.CallNotFoundError)

    def _require_of_call(self, entry: Entry, slug: str) -> None:
        if entry.call_id != call_id_for(slug):
            raise errors.EntryNotFoundError(entry.id)

    def _require_staff_or_chair(self, panel: Panel, actor: str) -> None:
        if actor != panel.chair() and STAFF not in self.accounts.roles_of(actor):
            raise PermissionDeniedError(actor, STAFF)

    def _require_account(self, actor: str) -> None:
        if not self.accounts.roles_of(actor):
            raise PermissionDeniedError(actor, "resident")

    def _save(self, *aggregates: Aggregate) -> int:
        try:
            return self.log.record(*aggregates)
        except RecordConflictError:
            raise errors.ConcurrentChangeError(tuple(aggregate.id for aggregate in aggregates)) from None


def _checked_scores(call: Call, scores: dict[str, int]) -> dict[str, int]:
    """Every criterion of the call's rubric, each a whole number from 0 to its weight; nothing else."""
    weights = {criterion["code"]: int(criterion["weight"]) for criterion in call.rubric}
    for code in scores:
        if code not in weights:
            raise errors.InvalidFieldError(f"score-{code}", UNKNOWN)
    checked = {}
    for code, weight in weights.items():
        value = scores.get(code)
        if value is None:
            raise errors.InvalidFieldError(f"score-{code}", MISSING)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= weight:
            raise errors.InvalidFieldError(f"score-{code}", OUT_OF_RANGE, most=weight)
        checked[code] = value
    return checked


def _attachment(name: str, content: bytes) -> tuple[str, int, str, str]:
    """A PDF's (name, size, sha256, base64 content), or the field's refusal."""
    name = _required("attachment", name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1], MAX_NAME, multiline=False)
    if any(0x202A <= ord(char) <= 0x202E or 0x2066 <= ord(char) <= 0x2069 for char in name):
        raise errors.InvalidFieldError("attachment", CONTROL)  # bidirectional overrides disguise a name
    if not content.startswith(b"%PDF-"):
        raise errors.InvalidFieldError("attachment", NOT_PDF)
    if len(content) > MAX_ATTACHMENT:
        raise errors.InvalidFieldError("attachment", TOO_LONG, most=MAX_ATTACHMENT)
    return name, len(content), hashlib.sha256(content).hexdigest(), base64.b64encode(content).decode()


def _entry_fields(title: str, agency: str, team: str, summary: str, benefits: str) -> dict[str, str]:
    return {
        "title": _required("title", title, MAX_TITLE, multiline=False),
        "agency": _required("agency", agency, MAX_NAME, multiline=False),
        "team": _text("team", team, MAX_TEXT, multiline=True),
        "summary": _required("summary", summary, MAX_TEXT),
        "benefits": _required("benefits", benefits, MAX_TEXT),
    }


def _moment(value: date | datetime, *, start: bool) -> datetime:
    """A date alone opens at midnight and closes at its last second."""
    if isinstance(value, datetime):
        return value.replace(microsecond=0)
    return (
        datetime(value.year, value.month, value.day)
        if start
        else datetime(value.year, value.month, value.day, 23, 59, 59)
    )


def _text(field: str, raw: str, limit: int, *, multiline: bool = False) -> str:
    text = (raw or "").strip()
    allowed = "\n\r\t" if multiline else ""
    if any((ord(char) < 32 and char not in allowed) or ord(char) == 127 for char in text):
        raise errors.InvalidFieldError(field, CONTROL)
    if len(text) > limit:
        raise errors.InvalidFieldError(field, TOO_LONG, most=limit)
    return text.replace("\r\n", "\n")


def _required(field: str, raw: str, limit: int, *, multiline: bool = True) -> str:
    text = _text(field, raw, limit, multiline=multiline)
    if not text:
        raise errors.InvalidFieldError(field, MISSING)
    return text
