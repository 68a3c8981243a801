"""What budgeting refuses, as named errors carrying ids and codes (the web and CLI word them)."""

from __future__ import annotations

from uuid import UUID


class BudgetingError(Exception):
    """Base of every budgeting refusal."""


class CycleNotFoundError(BudgetingError, LookupError):
    def __init__(self, cycle: str) -> None:
        super().__init__(cycle)
        self.cycle = cycle


class ProposalNotFoundError(BudgetingError, LookupError):
    def __init__(self, proposal_id: UUID) -> None:
        super().__init__(str(proposal_id))
        self.proposal_id = proposal_id


class AgencyNotFoundError(BudgetingError, LookupError):
    def __init__(self, agency: str) -> None:
        super().__init__(agency)
        self.agency = agency


class CycleExistsError(BudgetingError):
    def __init__(self, slug: str) -> None:
        super().__init__(slug)
        self.slug = slug


class SpecError(BudgetingError):
    """A cycle's settings have a problem: ``code`` says which, ``line`` where (0: unknown)."""

    def __init__(self, code: str, key: str = "", line: int = 0, **params: object) -> None:
        super().__init__(f"{code} {key} line {line}")
        self.code = code
        self.key = key
        self.line = line
        self.params = params


class CycleLockedError(BudgetingError):
    """Voting has opened: the rule, ballot, areas and budgets can no longer change."""

    def __init__(self, slug: str) -> None:
        super().__init__(slug)
        self.slug = slug


class PhaseError(BudgetingError):
    """The command needs another phase (``action`` names the command, ``phase`` is the current one)."""

    def __init__(self, slug: str, phase: str, action: str) -> None:
        super().__init__(f"{slug} {phase} {action}")
        self.slug = slug
        self.phase = phase
        self.action = action


class ProposalStatusError(BudgetingError):
    """The command does not apply to a proposal in this status."""

    def __init__(self, proposal_id: UUID, status: str, action: str) -> None:
        super().__init__(f"{proposal_id} {status} {action}")
        self.proposal_id = proposal_id
        self.status = status
        self.action = action


class NotAuthorError(BudgetingError):
    """Only the proposal's authors may edit or withdraw it."""

    def __init__(self, proposal_id: UUID, actor: str) -> None:
        super().__init__(f"{proposal_id} {actor}")
        self.proposal_id = proposal_id
        self.actor = actor


class AlreadyEndorsedError(BudgetingError):
    def __init__(self, proposal_id: UUID, actor: str) -> None:
        super().__init__(f"{proposal_id} {actor}")
        self.proposal_id = proposal_id


class NotEndorsedError(BudgetingError):
    def __init__(self, proposal_id: UUID, actor: str) -> None:
        super().__init__(f"{proposal_id} {actor}")
        self.proposal_id = proposal_id


class OwnProposalError(BudgetingError):
    """The cycle does not let authors endorse their own proposals."""

    def __init__(self, proposal_id: UUID) -> None:
        super().__init__(str(proposal_id))
        self.proposal_id = proposal_id


class NotAssignedError(BudgetingError):
    """The reviewer is not one of the agency the proposal is assigned to."""

    def __init__(self, proposal_id: UUID, actor: str) -> None:
        super().__init__(f"{proposal_id} {actor}")
        self.proposal_id = proposal_id


class InvalidFieldError(BudgetingError):
    """A field's value is refused: ``code`` says why (missing, too_long, not_a_number...)."""

    def __init__(self, field: str, code: str) -> None:
        super().__init__(f"{field} {code}")
        self.field = field
        self.code = code


class ConcurrentChangeError(BudgetingError):
    """Someone else changed this between our reading it and our saving it; nothing was recorded."""

    def __init__(self, aggregate_ids: tuple[UUID, ...]) -> None:
        super().__init__(" ".join(map(str, aggregate_ids)))
        self.aggregate_ids = aggregate_ids


class VerificationError(BudgetingError):
    """A resident (or a station) could not be verified against the census: ``problem`` says why.

    Problems: ``bad_number``, ``not_in_census``, ``wrong_birth_date`` (each counted as a failed
    attempt), ``under_age`` (``min_age``, ``closing_day``), ``no_area``, ``entry_bound`` (the entry
    is bound to another account), ``account_bound`` (this account is bound to another entry),
    ``too_many_attempts`` (``retry_after``: minutes until the next attempt is allowed).
    """

    def __init__(self, problem: str, **params: object) -> None:
        super().__init__(f"{problem} {params}" if params else problem)
        self.problem = problem
        self.params = params


class BallotError(BudgetingError):
    """A ballot is refused for who casts it or where, not for its choices: ``problem`` says why.

    Problems: ``not_verified``, ``area_not_allowed`` (``area``), ``other_area_chosen`` (``area``,
    ``chosen``: with ``other_area``, the one other area this ballot was cast in), ``paper_twice``,
    ``online_exists`` (the cycle refuses paper after online), ``paper_final`` (an online ballot
    after a paper one), ``busy`` (two casts of one person at once, twice running), ``duplicate``
    (``line``: a station's batch names the person twice; the first line).
    """

    def __init__(self, problem: str, **params: object) -> None:
        super().__init__(f"{problem} {params}" if params else problem)
        self.problem = problem
        self.params = params


class BindingNotFoundError(BudgetingError, LookupError):
    """Staff asked to release a binding that does not exist (or is released already)."""

    def __init__(self, cycle: str, account: str) -> None:
        super().__init__(f"{cycle} {account}")
        self.cycle = cycle
        self.account = account


class BallotRuleError(BudgetingError):
    """A ballot breaks one of its cycle's ballot rules: ``problem`` says which (too_many,
    over_budget, ...), ``params`` carry what the message needs (codes and numbers, never a voter)."""

    def __init__(self, problem: str, **params: object) -> None:
        super().__init__(" ".join([problem, *(f"{name}={value}" for name, value in params.items())]))
        self.problem = problem
        self.params = params
