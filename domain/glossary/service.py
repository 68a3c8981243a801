"""The glossary application service: translators propose, meetings decide, staff import.

Commands take primitives and the acting account (``actor``); the command line acts as
``SYSTEM_ACTOR``. Translators (or staff) propose; staff convene meetings, record decisions and
import. A decision changes the meeting (its minutes) and the term together, in one save.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from uuid import UUID

from domain.accounts import STAFF, TRANSLATOR, Accounts, PermissionDeniedError
from domain.eventlog import EventLog
from domain.glossary.checks import KnownNames
from domain.glossary.errors import (
    InvalidFieldError,
    MeetingNotFoundError,
    TermExistsError,
    TermNotFoundError,
    TermStatusError,
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
    MISSING,
    english_problems,
    name_problems,
    term_id_for,
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
    ) -> UUID:
        """Proposes a new term (or again, a rejected one); returns its id."""
        self._require_one_of(actor, TRANSLATOR, STAFF)
        zh, en, category, district = tidy(zh), tidy(en), tidy(category), tidy(district)
        checked = _checked(zh, en, variants)
        term = self.log.get_or_none(term_id_for(zh, category, district))
        if term is None:
            term = Term(
                zh=zh, category=category, district=district, en=en, variants=checked,
                notes=tidy(notes), code=tidy(code), sources=[tidy(s) for s in sources if tidy(s)], actor=actor,
            )  # fmt: skip
        elif isinstance(term, Term) and term.status == REJECTED:
            term.propose_again(en, checked, tidy(notes), actor)
        else:
            raise TermExistsError(term.id, getattr(term, "status", ""))
        self.log.record(term)
        return term.id

    def propose_change(
        self, term_id: UUID, en: str, actor: str, *, variants: VariantInput = (), notes: str = ""
    ) -> None:
        """Proposes new English (and variants, notes) for an approved term."""
        self._require_one_of(actor, TRANSLATOR, STAFF)
        term = self.term(term_id)
        term.propose_change(tidy(en), _checked(term.zh, tidy(en), variants), tidy(notes), actor)
        self.log.record(term)

    # --- meetings ---------------------------------------------------------------------------

    def convene(self, meeting_date: str, members: Iterable[str], actor: str, *, title: str = "") -> UUID:
        self.accounts.require(actor, STAFF)
        try:
            day = date.fromisoformat(tidy(meeting_date))
        except ValueError:
            raise InvalidFieldError("date", "invalid") from None
        present = [tidy(member) for member in members if tidy(member)]
        if not present:
            raise InvalidFieldError("members", MISSING)
        meeting = Meeting(date=day.isoformat(), members=present, title=tidy(title), kind=REVIEW, actor=actor)
        self.log.record(meeting)
        return meeting.id

    def put_on_agenda(self, meeting_id: UUID, term_id: UUID, actor: str) -> None:
        self.accounts.require(actor, STAFF)
        meeting, term = self.meeting(meeting_id), self.term(term_id)
        meeting.add_to_agenda(term.id, actor)
        term.put_on_agenda(meeting.id, actor)
        self.log.record(meeting, term)

    def approve(self, meeting_id: UUID, term_id: UUID, actor: str) -> int:
        """Approves the proposed English; returns the decision number."""
        meeting, term = self._agenda_item(meeting_id, term_id, actor)
        en = term.approve(meeting.id, meeting.next_number, actor)
        return self._record_decision(meeting, term, APPROVE, actor, en=en)

    def approve_amended(self, meeting_id: UUID, term_id: UUID, en: str, actor: str) -> int:
        """Approves the term with the English the meeting settled on instead."""
        en = tidy(en)
        problems = english_problems(en)
        if problems:
            raise InvalidFieldError(*problems[0])
        meeting, term = self._agenda_item(meeting_id, term_id, actor)
        en = term.approve(meeting.id, meeting.next_number, actor, amended_en=en)
        return self._record_decision(meeting, term, APPROVE_AMENDED, actor, en=en)

    def reject(self, meeting_id: UUID, term_id: UUID, reason: str, actor: str) -> int:
        reason = _required_reason(reason)
        meeting, term = self._agenda_item(meeting_id, term_id, actor)
        term.reject(meeting.id, meeting.next_number, reason, actor)
        return self._record_decision(meeting, term, REJECT, actor, reason=reason)

    def defer(self, meeting_id: UUID, term_id: UUID, actor: str) -> int:
        meeting, term = self._agenda_item(meeting_id, term_id, actor)
        term.defer(meeting.id, meeting.next_number, actor)
        return self._record_decision(meeting, term, DEFER, actor)

    def deprecate(self, meeting_id: UUID, term_id: UUID, reason: str, actor: str) -> int:
        reason = _required_reason(reason)
        meeting, term = self._agenda_item(meeting_id, term_id, actor)
        term.deprecate(meeting.id, meeting.next_number, reason, actor)
        return self._record_decision(meeting, term, DEPRECATE, actor, reason=reason)

    def supersede(self, meeting_id: UUID, term_id: UUID, by_term_id: UUID, actor: str) -> int:
        """Records that an approved term is replaced by another approved term for the place."""
        meeting, term = self._agenda_item(meeting_id, term_id, actor)
        successor = self.term(by_term_id)
        if successor.status != APPROVED or successor.id == term.id:
            raise TermStatusError(successor.id, successor.status, "supersede_with")
        term.supersede(successor.id, meeting.id, meeting.next_number, actor)
        return self._record_decision(meeting, term, SUPERSEDE, actor, superseded_by=successor.id)

    def _agenda_item(self, meeting_id: UUID, term_id: UUID, actor: str) -> tuple[Meeting, Term]:
        """The meeting and the term for a decision; the term checks it is on this agenda."""
        self.accounts.require(actor, STAFF)
        return self.meeting(meeting_id), self.term(term_id)

    def _record_decision(
        self, meeting: Meeting, term: Term, outcome: str, actor: str, *,
        en: str = "", reason: str = "", superseded_by: UUID | None = None,
    ) -> int:  # fmt: skip
        number = meeting.record_decision(term.id, outcome, actor, en=en, reason=reason, superseded_by=superseded_by)
        self.log.record(meeting, term)  # minutes and term in one save
        return number

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
    ) -> ImportReport:
        """Records every new row as approved by one "initial list" decision.

        Terms have deterministic ids, so rows already in the glossary are found by id: the same
        file imported again records nothing. Rows with neither category nor district (the
        two-column CSV export) are also matched by their Chinese against ``known`` (the read
        model), so importing an export back does not duplicate the glossary. Raises
        ImportStructureError for a malformed file.
        """
        self.accounts.require(actor, STAFF)
        parsed = parse(text, format, approved_column, category_default)
        new_rows, unchanged, rejected = self._sort_rows(parsed.rows, known)
        meeting_id, number = None, 0
        if new_rows:
            meeting_id, number = self._record_list(new_rows, source, actor, today or date.today(), progress)
        return ImportReport(
            unit=parsed.unit,
            imported=len(new_rows),
            unchanged=unchanged,
            rejected=tuple(sorted([*parsed.rejected, *rejected], key=lambda note: note.line)),
            notices=tuple(sorted(parsed.notices, key=lambda note: note.line)),
            meeting_id=meeting_id,
            decision_number=number,
        )

    def _sort_rows(self, rows: list[Row], known: KnownNames | None) -> tuple[list[Row], int, list[RowNote]]:
        new_rows: list[Row] = []
        unchanged = 0
        rejected: list[RowNote] = []
        for row in rows:
            term = self.log.get_or_none(row.term_id)
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
    ) -> tuple[UUID, int]:
        """Records the list and all its terms in one save: an import lands whole or not at all."""
        meeting = Meeting(date=day.isoformat(), members=[], title=source, kind=INITIAL_LIST, actor=actor)
        number = meeting.adopt_list(source, len(rows), actor)
        batch: list[Meeting | Term] = [meeting]
        for done, row in enumerate(rows, start=1):
            batch.append(
                Term.imported(
                    zh=row.zh, category=row.category, district=row.district, en=row.en,
                    variants=[variant.to_dict() for variant in row.variants], notes=row.notes, code=row.code,
                    sources=list(row.sources), meeting_id=meeting.id, decision_number=number, actor=actor,
                )  # fmt: skip
            )
            if progress and (done % 250 == 0 or done == len(rows)):
                progress(done, len(rows))
        self.log.record(*batch)
        return meeting.id, number

    # --- reads ------------------------------------------------------------------------------

    def term(self, term_id: UUID) -> Term:
        term = self.log.get_or_none(term_id)
        if not isinstance(term, Term):
            raise TermNotFoundError(term_id)
        return term

    def meeting(self, meeting_id: UUID) -> Meeting:
        meeting = self.log.get_or_none(meeting_id)
        if not isinstance(meeting, Meeting):
            raise MeetingNotFoundError(meeting_id)
        return meeting

    def _require_one_of(self, actor: str, *roles: str) -> None:
        if not self.accounts.roles_of(actor) & set(roles):
            raise PermissionDeniedError(actor, roles[0])


def _checked(zh: str, en: str, variants: VariantInput) -> list[dict[str, str]]:
    """Validated names and variants (as stored in events), or InvalidFieldError."""
    parsed = variants_from(variants)
    problems = name_problems(zh, en) + variant_problems(parsed)
    if problems:
        raise InvalidFieldError(*problems[0])
    return [variant.to_dict() for variant in parsed]


def _required_reason(reason: str) -> str:
    if not tidy(reason):
        raise InvalidFieldError("reason", MISSING)
    return tidy(reason)
