"""Voting's codes in words: why a verification or a ballot was refused, said to the voter or to staff.

The domain refuses with a problem code (domain/budgeting/errors.py's ``VerificationError`` and
``BallotError``, and ``BallotRuleError`` for the choices); this is where each becomes one
translated sentence, for the pages and for the paper-batch report on the command line.
"""

from __future__ import annotations

from datetime import date

from domain.budgeting import errors
from web import budgeting_text, i18n
from web.i18n import N_, gettext

VERIFICATION_PROBLEMS = {
    "bad_number": N_("This is not a valid national ID or resident certificate number: check each character."),
    "not_in_census": N_("This number is not on the cycle's census of residents."),
    "wrong_birth_date": N_("The birth date does not match the census entry of this number."),
    "under_age": N_("Only residents who are at least %(min_age)s on %(closing_day)s may vote in this cycle."),
    "no_area": N_("The district of this census entry is not in any area of the cycle."),
    "entry_bound": N_(
        "This census entry is already verified by another account. If that was not you, ask the city's staff to "
        "release it."
    ),
    "account_bound": N_("Your account is already verified with another census entry in this cycle."),
    "too_many_attempts": N_("Too many failed attempts. Try again in %(retry_after)s minutes."),
}
BALLOT_PROBLEMS = {
    "not_verified": N_("Verify yourself with your ID number and birth date before you vote."),
    "area_not_allowed": N_("You cannot vote in the area %(area)s."),
    "paper_twice": N_("This person has already voted on paper: a second paper ballot is not allowed."),
    "online_exists": N_(
        "This person has already voted online, and this cycle does not let a paper ballot replace an online one."
    ),
    "paper_final": N_("A paper ballot was entered for you at a polling station: it is final and cannot be changed."),
    "busy": N_("Your ballot was being changed at the same moment elsewhere. Reload the page and check it."),
}
PHASE_ACTIONS = {
    "vote": N_("Voting is not open in this cycle now: nothing was recorded."),
    "verify": N_("Voting in this cycle has closed: verification is no longer possible."),
}
DATE_PROBLEMS = {
    "bad_date": N_("Write the birth date as 1990-05-17 or as a 民國 date, 79/05/17."),
    "future_date": N_("The birth date is in the future."),
    "missing": N_("Enter the birth date."),
}


def verification_problem(error: errors.VerificationError) -> str:
    params = {name: str(value) for name, value in error.params.items()}
    if error.problem == "under_age" and "closing_day" in error.params:
        params["closing_day"] = _day(str(error.params["closing_day"]))
    try:
        return gettext(VERIFICATION_PROBLEMS[error.problem], **params)
    except (KeyError, ValueError):
        return gettext("The verification failed (%(code)s).", code=error.problem)


def ballot_problem(error: errors.BallotError) -> str:
    try:
        return gettext(BALLOT_PROBLEMS[error.problem], **{name: str(value) for name, value in error.params.items()})
    except (KeyError, ValueError):
        return gettext("This ballot cannot be accepted (%(code)s).", code=error.problem)


def refusal(error: Exception) -> str:
    """A refusal of verifying or voting as one sentence; budgeting's words for the rest."""
    if isinstance(error, errors.VerificationError):
        return verification_problem(error)
    if isinstance(error, errors.BallotError):
        return ballot_problem(error)
    if isinstance(error, errors.PhaseError) and error.action in PHASE_ACTIONS:
        return gettext(PHASE_ACTIONS[error.action])
    if isinstance(error, errors.BindingNotFoundError):
        return gettext("This account has no verification to release in this cycle.")
    return budgeting_text.refusal(error)


def date_problem(code: str) -> str:
    return gettext(DATE_PROBLEMS.get(code, DATE_PROBLEMS["bad_date"]))


def _day(iso: str) -> str:
    """The closing day the page's way: 民國116年5月1日, or 1 May 2027."""
    try:
        day = date.fromisoformat(iso)
    except ValueError:
        return iso
    return i18n.format_date(day, i18n.current_locale.get())
