"""What the glossary refuses, as named errors carrying ids and codes (the web and CLI word them)."""

from __future__ import annotations

from uuid import UUID


class GlossaryError(Exception):
    """Base of every glossary refusal."""


class TermNotFoundError(GlossaryError, LookupError):
    def __init__(self, term_id: UUID) -> None:
        super().__init__(str(term_id))
        self.term_id = term_id


class MeetingNotFoundError(GlossaryError, LookupError):
    def __init__(self, meeting_id: UUID) -> None:
        super().__init__(str(meeting_id))
        self.meeting_id = meeting_id


class TermExistsError(GlossaryError):
    """A place with this Chinese name, category and district is already in the glossary."""

    def __init__(self, term_id: UUID, status: str) -> None:
        super().__init__(f"{term_id} {status}")
        self.term_id = term_id
        self.status = status


class TermStatusError(GlossaryError):
    """The command does not apply to a term in this status (``action`` names the command)."""

    def __init__(self, term_id: UUID, status: str, action: str) -> None:
        super().__init__(f"{term_id} {status} {action}")
        self.term_id = term_id
        self.status = status
        self.action = action


class ChangePendingError(GlossaryError):
    """An approved term already has a proposed change waiting for a meeting."""

    def __init__(self, term_id: UUID) -> None:
        super().__init__(str(term_id))
        self.term_id = term_id


class NotOnAgendaError(GlossaryError):
    def __init__(self, term_id: UUID, meeting_id: UUID) -> None:
        super().__init__(f"{term_id} {meeting_id}")
        self.term_id = term_id
        self.meeting_id = meeting_id


class AlreadyOnAgendaError(GlossaryError):
    def __init__(self, term_id: UUID, meeting_id: UUID) -> None:
        super().__init__(f"{term_id} {meeting_id}")
        self.term_id = term_id
        self.meeting_id = meeting_id


class InitialListMeetingError(GlossaryError):
    """The record of an imported initial list takes no agenda and no further decisions."""

    def __init__(self, meeting_id: UUID) -> None:
        super().__init__(str(meeting_id))
        self.meeting_id = meeting_id


class InvalidFieldError(GlossaryError, ValueError):
    """A field is missing or malformed: ``field`` names it, ``code`` says how (see names.py)."""

    def __init__(self, field: str, code: str) -> None:
        super().__init__(f"{field}: {code}")
        self.field = field
        self.code = code


class ImportStructureError(GlossaryError, ValueError):
    """The file as a whole is not a glossary file; nothing was imported."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code, params)
        self.code = code
        self.params = params


class UnknownExportFormatError(GlossaryError, ValueError):
    def __init__(self, format: str) -> None:
        super().__init__(format)
        self.format = format


class ConcurrentChangeError(GlossaryError):
    """Someone else changed this term or meeting between our reading it and our saving it.

    The store refused the save (each aggregate version is stored once); nothing was recorded.
    """

    def __init__(self, aggregate_ids: tuple[UUID, ...]) -> None:
        super().__init__(" ".join(map(str, aggregate_ids)))
        self.aggregate_ids = aggregate_ids


class UnconfirmedWarningsError(GlossaryError):
    """The English to approve raises warnings the chair has not seen (``warnings``: all of them now).

    A decision records the English the chair saw with its warnings: one found only at decision
    time (another term approved meanwhile, or other English typed) is shown before it is final.
    """

    def __init__(self, term_id: UUID, en: str, warnings: tuple[object, ...]) -> None:
        super().__init__(f"{term_id}: {len(warnings)} warnings for {en!r} not confirmed")
        self.term_id = term_id
        self.en = en
        self.warnings = warnings
