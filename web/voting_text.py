"""Voting's codes in words: why a verification or a ballot was refused, said to the voter or to staff.

The domain refuses with a problem code (domain/budgeting/errors.py's ``VerificationError`` and
``BallotError``, and ``BallotRuleError`` for the choices); this is where each becomes one
translated sentence, for the pages and for the paper-batch report on the command line.
"""

from __future__ import annotations

from datetime import date

from domain.budgeting import errors, paper
from domain.budgeting.paper import BadPaperLine
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


# What is wrong with a line of a station's paper-batch file (domain/budgeting/paper.py).
PAPER_PROBLEMS = {
    paper.NOT_UTF8: N_("The file is not UTF-8 text: save it as “CSV UTF-8”."),
    paper.TOO_LARGE: N_("The file is larger than %(detail)s bytes."),
    paper.EMPTY_FILE: N_("The file holds no ballot: it needs the header station,id_number,birth_date,area,choices and a "
                         "line per ballot."),
    paper.MISSING_COLUMNS: N_("The header lacks the columns %(detail)s (station, id_number, birth_date, area, choices)."),
    paper.UNKNOWN_COLUMNS: N_("The header has columns a paper batch does not have: %(detail)s."),
    paper.FIELD_COUNT: N_("%(detail)s fields, not as many as the header has."),
    paper.BAD_STATION: N_("the station is missing, too long or holds characters that cannot be stored."),
    paper.BAD_ID_NUMBER: N_("not a valid national ID or resident certificate number (its format or check digit)."),
    paper.BAD_DATE: N_("the birth date is not a date written 1990-05-17 or as a 民國 date 079/05/17."),
    paper.FUTURE_DATE: N_("the birth date is after today."),
    paper.UNKNOWN_AREA: N_("%(detail)s is not an area of this cycle."),
    paper.DUPLICATE: N_("the same person as line %(detail)s."),
    paper.NOT_IN_CENSUS: N_("this number is not on the cycle's census."),
    paper.WRONG_BIRTH_DATE: N_("the birth date does not match the census entry of this number."),
    paper.UNKNOWN_DISTRICT: N_("the census entry's district %(detail)s is in no area of this cycle."),
    paper.AREA_NOT_ALLOWED: N_("this person may not vote in the area %(detail)s."),
    paper.PAPER_TWICE: N_("this person has already voted on paper."),
    paper.ONLINE_EXISTS: N_("this person has voted online, and this cycle refuses a paper ballot after an online one."),
}  # fmt: skip


def paper_bad_line(bad: BadPaperLine) -> str:
    """``Line 4: the same person as line 2.`` (a fault of the whole file: the fault alone)."""
    params = dict(bad.params)
    if bad.problem == paper.BAD_CHOICES:
        problem = budgeting_text.ballot_problem(bad.rule, params)
    elif bad.problem == paper.UNDER_AGE:
        problem = verification_problem(errors.VerificationError("under_age", **params))
    elif bad.problem in PAPER_PROBLEMS:
        problem = gettext(PAPER_PROBLEMS[bad.problem], detail=bad.detail)
    else:
        problem = bad.problem
    if bad.line <= 0:
        return problem
    return gettext("Line %(line)s: %(problem)s", line=bad.line, problem=problem)
