"""What the review panels refuse, as named errors carrying ids and codes (the web words them)."""

from __future__ import annotations

from uuid import UUID

from domain.review.errors import ReviewError  # the rules' base: one handler answers for both

__all__ = ["ReviewError"]


class CallNotFoundError(ReviewError, LookupError):
    def __init__(self, slug: str) -> None:
        super().__init__(slug)
        self.slug = slug


class EntryNotFoundError(ReviewError, LookupError):
    def __init__(self, entry_id: UUID | str) -> None:
        super().__init__(str(entry_id))
        self.entry_id = entry_id


class CallExistsError(ReviewError):
    def __init__(self, slug: str) -> None:
        super().__init__(slug)
        self.slug = slug


class PhaseError(ReviewError):
    """The command needs another phase of the call (``action`` names it, ``phase`` is the current one)."""

    def __init__(self, slug: str, phase: str, action: str) -> None:
        super().__init__(f"{slug} {phase} {action}")
        self.slug = slug
        self.phase = phase
        self.action = action


class WindowClosedError(ReviewError):
    """The submission window is not open (before it opens, or after it closed)."""

    def __init__(self, slug: str) -> None:
        super().__init__(slug)
        self.slug = slug


class RoundClosedError(ReviewError):
    """The scoring round is closed: scores can no longer be given or revised."""

    def __init__(self, slug: str, round_number: int) -> None:
        super().__init__(f"{slug} round {round_number}")
        self.slug = slug
        self.round = round_number


class NotSubmitterError(ReviewError):
    def __init__(self, entry_id: UUID, actor: str) -> None:
        super().__init__(f"{entry_id} {actor}")
        self.entry_id = entry_id


class NotMemberError(ReviewError):
    """The account is not on the call's panel (or not its chair, for the chair's commands)."""

    def __init__(self, slug: str, actor: str, needed: str = "member") -> None:
        super().__init__(f"{slug} {actor} {needed}")
        self.slug = slug
        self.needed = needed


class AlreadyMemberError(ReviewError):
    def __init__(self, slug: str, account_id: str) -> None:
        super().__init__(f"{slug} {account_id}")
        self.slug = slug


class RecusedError(ReviewError):
    """The member is recused from this entry: their own agency's, or a declared conflict."""

    def __init__(self, entry_id: UUID, member: str, reason: str) -> None:
        super().__init__(f"{entry_id} {member} {reason}")
        self.entry_id = entry_id
        self.reason = reason


class NotAssignedError(ReviewError):
    """With a balanced assignment, the member does not score this entry."""

    def __init__(self, entry_id: UUID, member: str) -> None:
        super().__init__(f"{entry_id} {member}")
        self.entry_id = entry_id


class NotScreenerError(ReviewError):
    def __init__(self, slug: str, actor: str) -> None:
        super().__init__(f"{slug} {actor}")
        self.slug = slug


class ScreenerConflictError(ReviewError):
    """A screener may not screen an entry they submitted or one of their own agency."""

    def __init__(self, entry_id: UUID, screener: str, reason: str) -> None:
        super().__init__(f"{entry_id} {screener} {reason}")
        self.entry_id = entry_id
        self.reason = reason


class ScreeningFullError(ReviewError):
    """Two screeners already decided this entry."""

    def __init__(self, entry_id: UUID) -> None:
        super().__init__(str(entry_id))
        self.entry_id = entry_id


class NotShortlistableError(ReviewError):
    """An entry of the shortlist was not passed by both its screeners (or is of another call)."""

    def __init__(self, entry_id: UUID | str) -> None:
        super().__init__(str(entry_id))
        self.entry_id = entry_id


class VoteError(ReviewError):
    """The chair's award vote: ``code`` says what is wrong (no_majority, attending, counts)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class InvalidFieldError(ReviewError):
    """A field's value is refused: ``code`` says why (missing, too_long, out_of_range...)."""

    def __init__(self, field: str, code: str, **params: object) -> None:
        super().__init__(f"{field} {code}")
        self.field = field
        self.code = code
        self.params = params


class ConcurrentChangeError(ReviewError):
    def __init__(self, ids: tuple[UUID, ...]) -> None:
        super().__init__(" ".join(str(i) for i in ids))
        self.ids = ids
