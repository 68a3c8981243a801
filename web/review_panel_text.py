"""The review panels' codes in words: kinds, phases, decisions, fields and every refusal of the service.

The rules' words (methods, flags, sheet problems) are in review_text.py.
"""

from __future__ import annotations

from domain.accounts import PermissionDeniedError
from domain.review import refusals as errors
from domain.review.errors import MethodError
from web.i18n import N_, gettext
from web.review_text import method_error

KINDS = {"innovation": N_("Municipal innovation proposals"), "thesis": N_("Thesis grants"), "other": N_("Other call")}
PHASES = {
    "submission": N_("Taking entries"),
    "screening": N_("First screen"),
    "scoring": N_("Panel scoring"),
    "closed": N_("Round closed"),
    "decided": N_("Awards decided"),
    "published": N_("Awards published"),
}
DECISIONS = {"pass": N_("Pass"), "revise": N_("Pass with revision"), "fail": N_("Fail")}
MEMBER_KINDS = {"internal": N_("Internal (agency representative)"), "external": N_("External expert")}
FIELDS = {
    "slug": N_("Short name"),
    "kind": N_("Kind"),
    "title_zh": N_("Title (Chinese)"),
    "title_en": N_("Title (English)"),
    "opens": N_("Entries open"),
    "closes": N_("Entries close"),
    "method": N_("Official aggregation method"),
    "rounds": N_("Rounds"),
    "title": N_("Title"),
    "agency": N_("Agency"),
    "team": N_("Team members"),
    "summary": N_("Summary"),
    "benefits": N_("Expected benefits"),
    "attachment": N_("Attachment (PDF)"),
    "comment": N_("Comment"),
    "note": N_("Note to the secretariat"),
    "reason": N_("Reason"),
    "decision": N_("Decision"),
    "name": N_("Name"),
    "account_id": N_("Account"),
    "entries": N_("Entries"),
    "mode": N_("Assignment"),
    "per_entry": N_("Members per entry"),
    "settings": N_("Rubric and award tiers (TOML), optional"),
}
PROBLEMS = {
    "missing": N_("%(field)s is required."),
    "too_long": N_("%(field)s is too long."),
    "control": N_("%(field)s holds characters that cannot be shown."),
    "unknown": N_("%(field)s is not one of the choices."),
    "out_of_range": N_("%(field)s is out of range."),
    "not_pdf": N_("%(field)s must be a PDF file."),
    "not_a_number": N_("%(field)s must be a whole number."),
}


def field_problem(field: str, code: str, **params: object) -> str:
    if field.startswith("score-"):
        if code == "out_of_range" and "most" in params:
            return gettext("Give a whole number from 0 to %(most)s.", most=params["most"])
        return gettext("Give this criterion a score.") if code == "missing" else gettext("This score is refused.")
    return gettext(PROBLEMS.get(code, PROBLEMS["unknown"]), field=gettext(FIELDS.get(field, field)))


def screening_conflict(reason: str) -> str:
    if reason == "own_entry":
        return gettext("You may not screen this entry: you submitted it.")
    return gettext("You may not screen this entry: it comes from your own agency.")


def refusal(error: Exception) -> str:
    """One translated sentence per refusal (pages and the command line)."""
    if isinstance(error, MethodError):
        return method_error(error)
    if isinstance(error, errors.RoundClosedError):
        return gettext("Round %(round)s is closed: scores can no longer be given or changed.", round=error.round)
    if isinstance(error, errors.WindowClosedError):
        return gettext("The submission window is closed: entries can no longer be submitted or changed.")
    if isinstance(error, errors.PhaseError):
        return gettext(
            "This cannot be done while the call is at “%(phase)s”.", phase=gettext(PHASES.get(error.phase, error.phase))
        )
    if isinstance(error, errors.RecusedError):
        if error.reason == "own_agency":
            return gettext("You are recused from this entry: it comes from your own agency.")
        return gettext("You are recused from this entry: you declared a conflict of interest.")
    if isinstance(error, errors.NotAssignedError):
        return gettext("This entry is not assigned to you.")
    if isinstance(error, errors.NotMemberError):
        if error.needed == "chair":
            return gettext("Only the panel's chair may do this.")
        return gettext("You are not on this call's panel.")
    if isinstance(error, errors.AlreadyMemberError):
        return gettext("That person is already on the panel.")
    if isinstance(error, errors.NotScreenerError):
        return gettext("You are not a screener of this call.")
    if isinstance(error, errors.ScreenerConflictError):
        return screening_conflict(error.reason)
    if isinstance(error, errors.ScreeningFullError):
        return gettext("Two screeners have already decided this entry.")
    if isinstance(error, errors.NotShortlistableError):
        return gettext("Only entries both screeners passed can be shortlisted.")
    if isinstance(error, errors.NotSubmitterError):
        return gettext("Only the person who submitted the entry may change it.")
    if isinstance(error, errors.VoteError):
        return {
            "no_majority": gettext("The decision needs the votes of more than half of the members attending."),
            "attending": gettext("The members attending must be between 1 and the panel's size."),
        }.get(error.code, gettext("The votes for and against cannot exceed the members attending."))
    if isinstance(error, errors.CallExistsError):
        return gettext("A call with this short name already exists.")
    if isinstance(error, errors.CallNotFoundError | errors.EntryNotFoundError):
        return gettext("There is no such call or entry.")
    if isinstance(error, errors.InvalidFieldError):
        return field_problem(error.field, error.code, **error.params)
    if isinstance(error, errors.ConcurrentChangeError):
        return gettext("Someone else changed this at the same time: please try again.")
    if isinstance(error, PermissionDeniedError):
        return gettext("You may not do this.")
    return gettext("This was refused.")
