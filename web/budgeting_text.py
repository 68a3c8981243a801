"""Budgeting's codes in words: phases, statuses, categories, rules, and every refusal.

The domain speaks in codes; this is where they become translated sentences, for the pages and
the command line alike.
"""

from __future__ import annotations

from collections.abc import Mapping

from domain.budgeting import errors
from domain.budgeting.errors import SpecError
from web import i18n
from web.i18n import N_, gettext

PHASES = {
    "intake": N_("Proposals (intake)"),
    "endorsement": N_("Endorsement"),
    "review": N_("Feasibility review"),
    "voting": N_("Voting"),
    "counting": N_("Counting"),
    "results": N_("Results"),
}
STATUSES = {
    "published": N_("Open for endorsement"),
    "review": N_("Waiting for feasibility review"),
    "assigned": N_("Under review"),
    "feasible": N_("Feasible"),
    "not_feasible": N_("Not feasible"),
    "on_ballot": N_("On the ballot"),
    "withdrawn": N_("Withdrawn"),
    "hidden": N_("Hidden by staff"),
    "merged": N_("Merged into another proposal"),
}
CATEGORIES = {
    "public_works": N_("Public works"),
    "culture": N_("Arts and culture"),
    "welfare": N_("Social welfare"),
    "transport": N_("Transport"),
    "environment": N_("Environment"),
    "education": N_("Education"),
    "community": N_("Community building"),
}
RULES = {
    "greedy": N_("Most votes first, while the budget lasts (greedy)"),
    "mes": N_("Method of Equal Shares"),
    "mes-completed": N_("Method of Equal Shares, completed to use the budget"),
    "phragmen": N_("Phragmén's sequential rule"),
    "top-per-area": N_("The most-voted project of each area wins"),
}
BALLOT_KINDS = {
    "approval": N_("Approval: choose between %(min)s and %(max)s projects"),
    "knapsack": N_("Knapsack: choose projects whose total cost fits the area's budget"),
    "cumulative": N_("Points: share %(points)s points, at most %(per)s on one project"),
    "ranked": N_("Ranked: rank up to %(max)s projects"),
}
HISTORY = {
    "submitted": N_("Submitted"),
    "edited": N_("Edited"),
    "withdrawn": N_("Withdrawn by its author"),
    "hidden": N_("Hidden by staff"),
    "sent_to_review": N_("Reached the endorsement threshold: sent to review"),
    "merged_into": N_("Merged into another proposal"),
    "absorbed": N_("Took in a duplicate proposal, its authors and endorsements"),
    "assigned": N_("Assigned to an agency for review"),
    "answered_feasible": N_("Found feasible"),
    "answered_not_feasible": N_("Found not feasible"),
    "put_on_ballot": N_("Put on the ballot"),
}
FIELDS = {
    "title": N_("Title"),
    "description": N_("Description"),
    "place": N_("Place"),
    "category": N_("Category"),
    "cost": N_("Estimated cost (NT$)"),
    "area": N_("Area"),
    "language": N_("Language"),
    "reason": N_("Reason"),
    "note": N_("Note"),
    "duration_days": N_("Duration (days)"),
    "code": N_("Code"),
    "name_zh": N_("Chinese name"),
    "name_en": N_("English name"),
    "agency": N_("Agency"),
    "feasible": N_("Feasibility"),
    "target": N_("Merge target"),
}
FIELD_PROBLEMS = {
    "missing": N_("%(field)s is required."),
    "too_long": N_("%(field)s is too long."),
    "control": N_("%(field)s contains characters that cannot be stored."),
    "unknown": N_("Choose one of the listed values for %(field)s."),
    "not_a_number": N_("%(field)s must be a whole number."),
    "out_of_range": N_("%(field)s is out of range."),
}
SPEC_PROBLEMS = {
    "syntax": N_("the file is not valid TOML (%(detail)s)"),
    "missing": N_("%(key)s is missing"),
    "unknown_key": N_("%(key)s is not a setting (known here: %(known)s)"),
    "not_text": N_("%(key)s has the wrong type"),
    "not_a_number": N_("%(key)s must be a whole number, not %(value)s"),
    "not_positive": N_("%(key)s must be at least %(least)s"),
    "too_large": N_("%(key)s must be at most %(most)s"),
    "bad_slug": N_("%(key)s must be lower-case letters, digits and hyphens"),
    "bad_code": N_("%(key)s must be letters, digits, _ or -"),
    "unknown_rule": N_("%(key)s: unknown counting rule %(rule)s (one of %(rules)s)"),
    "unknown_kind": N_("%(key)s: unknown ballot kind %(kind)s (one of %(kinds)s)"),
    "choices_order": N_("%(key)s (%(max)s) is less than min_choices (%(min)s)"),
    "no_districts": N_("area %(area)s has no districts"),
    "no_areas": N_("the cycle has no [[areas]]"),
    "duplicate": N_("%(key)s: %(value)s is used twice"),
    "not_a_date": N_("%(key)s must be a date (2027-03-01) or a date and time"),
    "schedule_order": N_("%(key)s must come after the phase before it"),
    "unknown_phase": N_("%(key)s is not a phase (one of %(phases)s)"),
    "too_long": N_("%(key)s is too long (at most %(most)s characters)"),
    "over_budget": N_("%(key)s: the project costs NT$%(cost)s, more than its area's budget of NT$%(budget)s"),
    "not_one_of": N_("%(key)s: %(value)s is not one of %(choices)s"),
    "not_for_kind": N_("%(key)s is not a setting of a %(kind)s ballot (its settings: %(known)s)"),
}
# What a ballot breaks (domain/budgeting/ballot_rules.py's problem codes), said to the voter.
BALLOT_PROBLEMS = {
    "unknown_area": N_("There is no area %(area)s in this cycle."),
    "unknown_project": N_("%(project)s is not on this area's ballot."),
    "not_positive": N_("%(project)s: give it at least 1, or leave it out."),
    "bad_mark": N_("%(project)s can only be chosen or left out."),
    "too_few": N_("Too few projects chosen: %(count)s (at least %(least)s)."),
    "too_many": N_("Too many projects chosen: %(count)s (at most %(most)s)."),
    "over_budget": N_("Your projects cost %(spent)s, more than the budget of %(budget)s."),
    "under_min_share": N_(
        "Choose projects worth at least %(least)s (%(share)s%% of the budget); yours cost %(spent)s."
    ),
    "points_over_cap": N_("%(project)s has %(points)s points; one project may have at most %(cap)s."),
    "points_over_total": N_("You have given %(used)s points; there are only %(total)s to share."),
    "bad_rank": N_("Rank the projects 1, 2, 3 and so on, each rank once (you gave %(ranks)s)."),
    "duplicate": N_("%(project)s is chosen twice."),
    "malformed": N_("This cannot be read as a choice: %(part)s"),
}
# The params that are NT$ amounts, written the page's way (新臺幣…元, NT$…)
MONEY_PARAMS = {"over_budget": ("spent", "budget"), "under_min_share": ("spent", "least")}
ACTIONS = {
    "submit": N_("Proposals can be submitted only during intake."),
    "edit": N_("Proposals can be edited only until intake closes."),
    "withdraw": N_("Proposals can be withdrawn only before voting opens."),
    "endorse": N_("Endorsements are open only during intake and endorsement."),
    "withdraw_endorsement": N_("Endorsements can be withdrawn only until the endorsement phase closes."),
    "hide": N_("Proposals can be hidden only before voting opens."),
    "merge": N_("Proposals can be merged only before voting opens."),
    "assign": N_("Reviews can be assigned only before voting opens."),
    "answer": N_("Reviews can be answered only before voting opens."),
    "count": N_("The ballots are counted only once voting has closed."),
    "publish": N_("Results are published only once they are counted and the cycle is at results."),
    "advance": N_("The cycle is already in that phase or past it."),
    "unknown_phase": N_("That is not a phase of a cycle."),
    "rename": N_("A cycle's slug cannot change."),
}


def label(table: dict[str, str], code: str) -> str:
    return gettext(table[code]) if code in table else code


def field_problem(field: str, code: str) -> str:
    return gettext(FIELD_PROBLEMS.get(code, FIELD_PROBLEMS["unknown"]), field=label(FIELDS, field))


def spec_problem(error: SpecError) -> str:
    """``line 26: areas.2.budget must be a whole number, not lots``."""
    params = {"key": error.key, **{name: str(value) for name, value in error.params.items()}}
    try:
        what = gettext(SPEC_PROBLEMS[error.code], **params)
    except (KeyError, ValueError):
        what = error.code
    if error.line:
        return gettext("line %(line)s: %(problem)s", line=error.line, problem=what)
    return what


def ballot_problem(code: str, params: Mapping[str, object]) -> str:
    """``Choose at most 8 projects; you have chosen 9.`` in the page's language."""
    locale = i18n.current_locale.get()
    money = MONEY_PARAMS.get(code, ())
    shown = {
        name: i18n.format_money(value, locale) if name in money and isinstance(value, int) else str(value)
        for name, value in params.items()
    }
    try:
        return gettext(BALLOT_PROBLEMS[code], **shown)
    except (KeyError, ValueError):
        return gettext("This ballot breaks a rule of the cycle (%(code)s).", code=code)


def refusal(error: Exception) -> str:
    """A domain refusal as one sentence in the page's (or terminal's) language."""
    if isinstance(error, errors.PhaseError):
        return gettext(ACTIONS.get(error.action, ACTIONS["advance"]))
    if isinstance(error, errors.CycleLockedError):
        return gettext("Voting has opened: the rule, ballot, areas and budgets are locked. Nothing was changed.")
    if isinstance(error, errors.NotAuthorError):
        return gettext("Only the proposal's authors may do that.")
    if isinstance(error, errors.AlreadyEndorsedError):
        return gettext("You have already endorsed this proposal.")
    if isinstance(error, errors.NotEndorsedError):
        return gettext("You have not endorsed this proposal.")
    if isinstance(error, errors.OwnProposalError):
        return gettext("This cycle does not let authors endorse their own proposals.")
    if isinstance(error, errors.NotAssignedError):
        return gettext("This review is not assigned to your agency.")
    if isinstance(error, errors.ProposalStatusError):
        return gettext("This cannot be done to a proposal that is %(status)s.", status=label(STATUSES, error.status))
    if isinstance(error, errors.ConcurrentChangeError):
        return gettext("Someone else changed this proposal first. Reload the page to see the change, then try again.")
    if isinstance(error, errors.CycleExistsError):
        return gettext("A cycle with the slug %(slug)s already exists.", slug=error.slug)
    if isinstance(error, errors.CycleNotFoundError):
        return gettext("There is no cycle %(slug)s.", slug=error.cycle)
    if isinstance(error, errors.AgencyNotFoundError):
        return gettext("There is no agency %(code)s.", code=error.agency)
    if isinstance(error, errors.InvalidFieldError):
        return field_problem(error.field, error.code)
    if isinstance(error, SpecError):
        return spec_problem(error)
    if isinstance(error, errors.BallotRuleError):
        return ballot_problem(error.problem, error.params)
    return gettext("That cannot be done.")
