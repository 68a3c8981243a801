"""The glossary application service: translators propose, meetings decide, staff import.

Commands take primitives and the acting account (``actor``); the command line acts as
``SYSTEM_ACTOR``. Translators (or staff) propose; staff convene meetings, record decisions and
import. A decision changes the meeting (its minutes) and the term together, in one save.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import RecordConflictError

from domain.accounts import STAFF, TRANSLATOR, Accounts, PermissionDeniedError
from domain.eventlog import EventLog, Recorded
from domain.glossary import checks, limits
from domain.glossary.checks import KnownNames
from domain.glossary.errors import (
    ConcurrentChangeError,
    InvalidFieldError,
    MeetingNotFoundError,
    TermExistsError,
    TermNotFoundError,
    TermStatusError,
    UnconfirmedWarningsError,
)
from domain.glossary.importing import parse
from domain.glossary.meetings import (
    APPROVE,
    APPROVE_AMENDED,
    DEFER,
    DEPRECATE,
    INITIAL_LIST,
    REJECT,
    REVIEW,
    SUPERSEDE,
    Meeting,
)
from domain.glossary.names import (
    CONTROL_CHARACTER,
    MISSING,
    TOO_MANY,
    english_problems,
    has_control,
    list_problem,
    name_problems,
    place_problems,
    term_id_for,
    text_problem,
    tidy,
    variant_problems,
    variants_from,
)
from domain.glossary.rows import (
    DIFFERS_FROM_APPROVED,
    PENDING_REVIEW,
    RETIRED,
    ImportReport,
    Row,
    RowNote,
)
from domain.glossary.terms import APPROVED, PROPOSED, REJECTED, UNDER_REVIEW, Term

VariantInput = Iterable[Mapping[str, str] | tuple[str, str]]
Progress = Callable[[int, int], None]  # (terms saved so far, terms to save)
T = TypeVar("T")
BEFORE_REPUBLIC = "before_republic"  # a date before 1912-01-01, which no ROC date can name


def warning_key(warning: checks.GlossaryWarning) -> str:
    """A warning's identity, as the confirmation form carries what the chair saw."""
    fields = "|".join(f"{name}={value}" for name, value in sorted(checks.params(warning).items()))
    return f"{warning.code}|{fields}"


class Glossary:
    def __init__(self, log: EventLog, accounts: Accounts) -> None:
        self.log = log
        self.accounts = accounts

    # --- translators ----------------------------------------------------------------------

    def propose(
        self,
        zh: str,
        en: str,
        actor: str,
        *,
        category: str = "",
        district: str = "",
        code: str = "",
        variants: VariantInput = (),
        notes: str = "",
        sources: Iterable[str] = (),
    ) -> Recorded:
        """Proposes a new term (or again, a rejected one); the result is its id."""
        self._require_one_of(actor, TRANSLATOR, STAFF)
        zh, en = _text("zh", zh, limits.MAX_ZH), _text("en", en, limits.MAX_EN)
        category, district = _line("category", category), _line("district", district)
        code = _text("code", code, limits.MAX_CODE)
        notes = _text("notes", notes, limits.MAX_NOTES, multiline=True)
        sources = list(sources)
        problem = list_problem(sources, limits.MAX_SOURCES, limits.MAX_SOURCE, multiline=True)
        if problem:
            raise InvalidFieldError("sources", problem)
        checked = _checked(zh, en, variants)
        problems = place_problems(category, district)  # which also bounds their length
        if problems:
            raise InvalidFieldError(*problems[0])
        term = self.log.get_or_none(term_id_for(zh, category, district))
        is_new = term is None
        if term is None:
            term = Term(
                zh=zh, category=category, district=district, en=en, variants=checked,
                notes=notes, code=code, sources=[tidy(s) for s in sources if tidy(s)], actor=actor,
            )  # fmt: skip
        elif isinstance(term, Term) and term.status == REJECTED:
            term.propose_again(en, checked, notes, actor)
        else:
            raise TermExistsError(term.id, getattr(term, "status", ""))
        try:
            return Recorded(self._save(term), term.id)
        except ConcurrentChangeError:
            if is_new:
                # The same place proposed at the same moment: the store keeps the first (the id
                # is derived from the place), and this one meets the term that is there now.
                raise TermExistsError(term.id, PROPOSED) from None
            raise

    def propose_change(
        self, term_id: UUID, en: str, actor: str, *, variants: VariantInput = (), notes: str = ""
    ) -> Recorded:
        """Proposes new English (and variants, notes) for an approved term."""
        self._require_one_of(actor, TRANSLATOR, STAFF)
        en, notes = _text("en", en, limits.MAX_EN), _text("notes", notes, limits.MAX_NOTES, multiline=True)

        def change() -> Recorded:
            term = self.term(term_id)
            term.propose_change(en, _checked(term.zh, en, variants), notes, actor)
            return Recorded(self._save(term))

        return self._retrying(change)

    # --- meetings ---------------------------------------------------------------------------

    def convene(self, meeting_date: str, members: Iterable[str], actor: str, *, title: str = "") -> Recorded:
        self.accounts.require(actor, STAFF)
        try:
            day = date.fromisoformat(_text("date", meeting_date, 10))
        except (ValueError, InvalidFieldError):
            raise InvalidFieldError("date", "invalid") from None
        if day < limits.REPUBLIC_ERA:
            raise InvalidFieldError("date", BEFORE_REPUBLIC)  # ROC dates start at 民國1年1月1日
        members = list(members)
        problem = list_problem(members, limits.MAX_MEMBERS, limits.MAX_MEMBER)
        if problem:
            raise InvalidFieldError("members", problem)
        present = [tidy(member) for member in members if tidy(member)]
        if not present:
            raise InvalidFieldError("members", MISSING)
        title = _text("title", title, limits.MAX_TITLE)
        meeting = Meeting(date=day.isoformat(), members=present, title=title, kind=REVIEW, actor=actor)
        return Recorded(self._save(meeting), meeting.id)

    def put_on_agenda(self, meeting_id: UUID, term_id: UUID, actor: str) -> Recorded:
        self.accounts.require(actor, STAFF)

        def add() -> Recorded:
            meeting, term = self.meeting(meeting_id), self.term(term_id)
            meeting.add_to_agenda(term.id, actor)
            term.put_on_agenda(meeting.id, actor)
            return Recorded(self._save(meeting, term))

        return self._retrying(add)

    def put_all_on_agenda(self, meeting_id: UUID, term_ids: Iterable[UUID], actor: str) -> Recorded:
        """Builds an agenda from the queue: every item goes on, in the order given, or none does."""
        self.accounts.require(actor, STAFF)
        wanted = list(dict.fromkeys(term_ids))
        if not wanted:
            raise InvalidFieldError("term_id", MISSING)
        if len(wanted) > limits.MAX_AGENDA_BATCH:
            raise InvalidFieldError("term_id", TOO_MANY)

        def add() -> Recorded:
            meeting = self.meeting(meeting_id)
            terms = [self.term(term_id) for term_id in wanted]
            for term in terms:
                meeting.add_to_agenda(term.id, actor)
                term.put_on_agenda(meeting.id, actor)
            return Recorded(self._save(meeting, *terms), len(terms))

        return self._retrying(add)

    def approve(
        self, meeting_id: UUID, term_id: UUID, actor: str, *,
        en: str | None = None, known: KnownNames | None = None, seen: Iterable[str] = (),
    ) -> Recorded:  # fmt: skip
        """Approves the English the chair confirmed (``en``; the proposal's when not given).

        The decision records exactly that English: approved as proposed when it is the proposal's,
        else approved with amended English. With ``known`` (what the glossary holds now) the
        warnings are checked again at decision time, and any the chair has not ``seen`` (their
        ``warning_key``) stop the decision with UnconfirmedWarningsError: nothing is recorded.
        The result is the decision number.
        """
        if en is not None:
            en = _english(en)

        def decide(meeting: Meeting, term: Term) -> Recorded:
            candidate = term.candidate.en if term.candidate else ""
            approved_en = candidate if en is None else en
            if known is not None and term.candidate is not None:
                self._require_seen(term, approved_en, known, seen)
            approved = term.approve(meeting.id, meeting.next_number, actor, amended_en=approved_en)
            outcome = APPROVE if approved == candidate else APPROVE_AMENDED
            return self._record_decision(meeting, term, outcome, actor, en=approved)

        return self._decide(meeting_id, term_id, actor, decide)

    def approve_amended(self, meeting_id: UUID, term_id: UUID, en: str, actor: str) -> Recorded:
        """Approves the term with the English the meeting settled on instead."""
        return self.approve(meeting_id, term_id, actor, en=en)

    def correct(
        self, meeting_id: UUID, term_id: UUID, en: str, reason: str, actor: str, *,
        known: KnownNames | None = None, seen: Iterable[str] = (),
    ) -> Recorded:  # fmt: skip
        """A later decision corrects the English an earlier one approved (history kept: the earlier
        decision stays in its meeting's minutes). The term must be on this meeting's agenda."""
        en, reason = _english(en), _required_reason(reason)

        def decide(meeting: Meeting, term: Term) -> Recorded:
            if known is not None:
                self._require_seen(term, en, known, seen)
            corrects = term.correct(meeting.id, meeting.next_number, en, reason, actor)
            number = meeting.record_correction(term.id, en, reason, corrects, actor)
            return Recorded(self._save(meeting, term), number)

        return self._decide(meeting_id, term_id, actor, decide)

    def review_english(
        self, term_id: UUID, en: str, known: KnownNames, *, reason: str | None = None
    ) -> tuple[str, list[checks.GlossaryWarning]]:
        """What the chair confirms before a decision is final: the English exactly as it would be
        recorded, and the warnings it raises now. InvalidFieldError for English (or, for a
        correction, a ``reason``) that no decision could record."""
        en = _english(en)
        if reason is not None:
            _required_reason(reason)
        return en, checks.check(self.term(term_id).zh, en, known, str(term_id))

    def _require_seen(self, term: Term, en: str, known: KnownNames, seen: Iterable[str]) -> None:
        warnings = checks.check(term.zh, en, known, str(term.id))
        if not {warning_key(warning) for warning in warnings} <= set(seen):
            raise UnconfirmedWarningsError(term.id, en, tuple(warnings))

    def reject(self, meeting_id: UUID, term_id: UUID, reason: str, actor: str) -> Recorded:
        reason = _required_reason(reason)

        def decide(meeting: Meeting, term: Term) -> Recorded:
            term.reject(meeting.id, meeting.next_number, reason, actor)
            return self._record_decision(meeting, term, REJECT, actor, reason=reason)

        return self._decide(meeting_id, term_id, actor, decide)

    def defer(self, meeting_id: UUID, term_id: UUID, actor: str) -> Recorded:
        def decide(meeting: Meeting, term: Term) -> Recorded:
            term.defer(meeting.id, meeting.next_number, actor)
            return self._record_decision(meeting, term, DEFER, actor)

        return self._decide(meeting_id, term_id, actor, decide)

    def deprecate(self, meeting_id: UUID, term_id: UUID, reason: str, actor: str) -> Recorded:
        reason = _required_reason(reason)

        def decide(meeting: Meeting, term: Term) -> Recorded:
            term.deprecate(meeting.id, meeting.next_number, reason, actor)
            return self._record_decision(meeting, term, DEPRECATE, actor, reason=reason)

        return self._decide(meeting_id, term_id, actor, decide)

    def supersede(self, meeting_id: UUID, term_id: UUID, by_term_id: UUID, actor: str) -> Recorded:
        """Records that an approved term is replaced by another approved term for the place."""

        def decide(meeting: Meeting, term: Term) -> Recorded:
            successor = self.term(by_term_id)
            if successor.status != APPROVED or successor.id == term.id:
                raise TermStatusError(successor.id, successor.status, "supersede_with")
            term.supersede(successor.id, meeting.id, meeting.next_number, actor)
            return self._record_decision(meeting, term, SUPERSEDE, actor, superseded_by=successor.id)

        return self._decide(meeting_id, term_id, actor, decide)

    def _decide(
        self, meeting_id: UUID, term_id: UUID, actor: str, decision: Callable[[Meeting, Term], Recorded]
    ) -> Recorded:
        """Loads the meeting and the term (which checks it is on this agenda) and decides."""
        self.accounts.require(actor, STAFF)
        return self._retrying(lambda: decision(self.meeting(meeting_id), self.term(term_id)))

    def _record_decision(
        self, meeting: Meeting, term: Term, outcome: str, actor: str, *,
        en: str = "", reason: str = "", superseded_by: UUID | None = None,
    ) -> Recorded:  # fmt: skip
        number = meeting.record_decision(term.id, outcome, actor, en=en, reason=reason, superseded_by=superseded_by)
        return Recorded(self._save(meeting, term), number)  # minutes and term in one save

    # --- import -----------------------------------------------------------------------------

    def import_file(
        self,
        text: str,
        actor: str,
        *,
        format: str = "csv",
        approved_column: str = "en",
        category_default: str = "",
        source: str = "",
        today: date | None = None,
        progress: Progress | None = None,
        known: KnownNames | None = None,
    ) -> Recorded:
        """Records every new row as approved by one "initial list" decision.

        Terms have deterministic ids, so rows already in the glossary are found by id: the same
        file imported again records nothing. Rows with neither category nor district (the
        two-column CSV export) are also matched by their Chinese against ``known`` (the read
        model), so importing an export back does not duplicate the glossary. Raises
        ImportStructureError for a malformed file.
        """
        self.accounts.require(actor, STAFF)
        parsed = parse(text, format, approved_column, category_default)
        source = _file_name(source)
        new_rows, unchanged, rejected = self._sort_rows(parsed.rows, known)
        meeting_id, number, position = None, 0, 0
        if new_rows:
            meeting_id, number, position = self._record_list(new_rows, source, actor, today or date.today(), progress)
        return Recorded(
            position,
            ImportReport(
                unit=parsed.unit,
                imported=len(new_rows),
                unchanged=unchanged,
                rejected=tuple(sorted([*parsed.rejected, *rejected], key=lambda note: note.line)),
                notices=tuple(sorted(parsed.notices, key=lambda note: note.line)),
                meeting_id=meeting_id,
                decision_number=number,
            ),
        )

    def _sort_rows(self, rows: list[Row], known: KnownNames | None) -> tuple[list[Row], int, list[RowNote]]:
        new_rows: list[Row] = []
        unchanged = 0
        rejected: list[RowNote] = []
        for row in rows:
            if known and any(
                o.term_id == str(row.term_id) and o.en == row.en for o in known.approved_for_chinese(row.zh)
            ):
                unchanged += 1  # the read model, up to date, has it approved as it is: no need to load it
                continue
            found = self.log.get_or_none(row.term_id)
            term = found if isinstance(found, Term) else None  # term ids are uuid5s of their own
            approved = known.approved_for_chinese(row.zh) if known and not (row.category or row.district) else []
            if term is None and any(other.en == row.en for other in approved):
                unchanged += 1  # a place the glossary has under its category and district
            elif term is None and approved:
                rejected.append(RowNote(row.line, DIFFERS_FROM_APPROVED, {"approved_en": approved[0].en}))
            elif term is None:
                new_rows.append(row)
            elif term.status == APPROVED and term.en == row.en:
                unchanged += 1
            elif term.status == APPROVED:
                rejected.append(RowNote(row.line, DIFFERS_FROM_APPROVED, {"approved_en": term.en}))
            elif term.status in (PROPOSED, UNDER_REVIEW):
                rejected.append(RowNote(row.line, PENDING_REVIEW, {"status": term.status}))
            else:
                rejected.append(RowNote(row.line, RETIRED, {"status": term.status}))
        return new_rows, unchanged, rejected

    def _record_list(
        self, rows: list[Row], source: str, actor: str, day: date, progress: Progress | None
    ) -> tuple[UUID, int, int]:
        """Records the list and all its terms in one save: an import lands whole or not at all."""
        meeting = Meeting(date=day.isoformat(), members=[], title=source, kind=INITIAL_LIST, actor=actor)
        number = meeting.adopt_list(source, len(rows), actor)
        batch: list[Meeting | Term] = [meeting]
        for done, row in enumerate(rows, start=1):
            batch.append(
                Term.imported(
                    zh=row.zh,
                    category=row.category,
                    district=row.district,
                    en=row.en,
                    variants=[variant.to_dict() for variant in row.variants],
                    notes=row.notes,
                    code=row.code,
                    sources=list(row.sources),
                    meeting_id=meeting.id,
                    decision_number=number,
                    actor=actor,
                )
            )
            if progress and (done % 250 == 0 or done == len(rows)):
                progress(done, len(rows))
        return meeting.id, number, self._save(*batch)

    # --- reads ------------------------------------------------------------------------------

    def term(self, term_id: UUID) -> Term:
        return self.log.get(term_id, Term, TermNotFoundError)

    def meeting(self, meeting_id: UUID) -> Meeting:
        return self.log.get(meeting_id, Meeting, MeetingNotFoundError)

    # --- saving -----------------------------------------------------------------------------

    def _save(self, *aggregates: Aggregate) -> int:
        """Records the aggregates' new events in one save; ConcurrentChangeError if another
        save changed one of them since it was loaded (the store keeps each version once)."""
        try:
            return self.log.record(*aggregates)
        except RecordConflictError:
            raise ConcurrentChangeError(tuple(aggregate.id for aggregate in aggregates)) from None

    def _retrying(self, command: Callable[[], T]) -> T:
        """Runs a command once more when another save got there first.

        Safe because the command loads its aggregates afresh and checks every rule again: the
        second run is what the person would get by reloading the page and pressing again. A
        second conflict is reported (409: someone else changed this first).
        """
        try:
            return command()
        except ConcurrentChangeError:
            return command()

    def _require_one_of(self, actor: str, *roles: str) -> None:
        if not self.accounts.roles_of(actor) & set(roles):
            raise PermissionDeniedError(actor, roles[0])


def _text(field: str, raw: str, limit: int, *, multiline: bool = False) -> str:
    """The tidied text of a field, or InvalidFieldError (control characters, too long)."""
    problem = text_problem(raw or "", limit, multiline=multiline)
    if problem:
        raise InvalidFieldError(field, problem)
    return tidy(raw)


def _line(field: str, raw: str) -> str:
    """The tidied text of a field whose length another rule bounds, or InvalidFieldError."""
    if has_control(raw or ""):
        raise InvalidFieldError(field, CONTROL_CHARACTER)
    return tidy(raw)


def _file_name(name: str) -> str:
    """An imported file's name as recorded: controls dropped and the length bounded (the name is
    the browser's or the file system's, not something staff typed, so it is cleaned, not refused)."""
    cleaned = "".join(char for char in name if not has_control(char))
    return tidy(cleaned)[: limits.MAX_TITLE]


def _checked(zh: str, en: str, variants: VariantInput) -> list[dict[str, str]]:
    """Validated names and variants (as stored in events), or InvalidFieldError."""
    variants = list(variants)
    raw = [item.get("text", "") if isinstance(item, Mapping) else item[0] for item in variants]
    if any(has_control(text) for text in raw):
        raise InvalidFieldError("variants", CONTROL_CHARACTER)
    if len(raw) > limits.MAX_VARIANTS:
        raise InvalidFieldError("variants", TOO_MANY)
    parsed = variants_from(variants)
    problems = name_problems(zh, en) + variant_problems(parsed)
    if problems:
        raise InvalidFieldError(*problems[0])
    return [variant.to_dict() for variant in parsed]


def _english(raw: str) -> str:
    en = _text("en", raw, limits.MAX_EN)
    problems = english_problems(en)
    if problems:
        raise InvalidFieldError(*problems[0])
    return en


def _required_reason(reason: str) -> str:
    reason = _text("reason", reason, limits.MAX_REASON)
    if not reason:
        raise InvalidFieldError("reason", MISSING)
    return reason
