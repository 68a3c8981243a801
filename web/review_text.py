"""Review's codes in words: methods, flags, tiers, sheet problems and method refusals.

The domain speaks in codes; this is where they become translated sentences, for the pages and the
command line alike. Criterion and tier names are the call's own data in both languages
(``name_zh`` / ``name_en``), chosen by the active language here.
"""

from __future__ import annotations

from domain.review import aggregation, call_file, diagnostics, errors, sheet
from domain.review.awards import BY_IMPACT, BY_INNOVATION, BY_PAIRWISE, Tier
from domain.review.errors import CallFileError, MethodError, SheetProblem
from domain.review.rubric import Criterion
from web.i18n import EN, N_, current_locale, gettext

METHODS = {
    aggregation.MEAN: N_("Mean of the members' totals"),
    aggregation.TRIMMED_MEAN: N_("Trimmed mean: with five totals or more, the highest and the lowest are dropped"),
    aggregation.RANK_SUM: N_("Rank sum (序位法): each member ranks the entries; the lowest sum wins"),
    aggregation.TWO_PLUS_THIRD: N_("Two reviewers, and a third when they differ by %(gap)s points or more"),
}

FLAGS = {
    aggregation.FEW_TO_TRIM: N_("fewer than five totals: plain mean, nothing dropped"),
    aggregation.RECUSED: N_("not every member scored it (recusal)"),
    aggregation.THIRD_USED: N_("third reviewer's score used"),
    aggregation.THIRD_EQUIDISTANT: N_("third reviewer exactly between the two: the third's score"),
    aggregation.THIRD_NOT_NEEDED: N_("third score not counted: the two were within the gap"),
    BY_IMPACT: N_("tie at a cap broken by the mean impact score"),
    BY_INNOVATION: N_("tie at a cap broken by the mean innovation score"),
    BY_PAIRWISE: N_("tie at a cap broken by the members who scored both"),
    "tied": N_("tied at a cap, not broken: placed in the lower tier for the chair to decide"),
    diagnostics.WIDE_SPREAD: N_("wide spread between members (15 points or more)"),
    diagnostics.FAR_FROM_MEDIAN: N_("a member 10 points or more from the median"),
    diagnostics.NORMALISED_TIER: N_("severity-normalised score would change the tier"),
}

METHOD_ERRORS = {
    errors.INCOMPLETE_PANEL: N_("The rank sum needs every member to score every entry; not scored: %(missing)s"),
    errors.THIRD_REVIEWER_REQUIRED: N_(
        "The two reviewers differ by %(gap)s points or more and there is no third score for: %(entries)s"
    ),
    errors.TOO_FEW_REVIEWERS: N_("Fewer than two reviewers scored: %(entries)s"),
    errors.TOO_MANY_REVIEWERS: N_("More than three reviewers scored: %(entries)s"),
    errors.UNKNOWN_METHOD: N_("Unknown method %(method)s"),
    errors.DUPLICATE_SCORE: N_("A member scored these entries twice: %(entries)s"),
    errors.NO_SCORES: N_("There are no scores."),
}

SHEET_PROBLEMS = {
    sheet.NOT_UTF8: N_("the file is not UTF-8 text"),
    sheet.TOO_LARGE: N_("the file is larger than %(bytes)s bytes"),
    sheet.TOO_MANY_ROWS: N_("the file has more than %(rows)s rows"),
    sheet.NO_ROWS: N_("the file has no scores"),
    sheet.BAD_HEADER: N_("the header must be %(expected)s, found %(found)s"),
    sheet.COLUMN_COUNT: N_("expected %(expected)s fields, found %(found)s"),
    sheet.EMPTY_FIELD: N_("%(column)s is empty"),
    sheet.TOO_LONG: N_("%(column)s is longer than %(limit)s characters"),
    sheet.CONTROL_CHARACTER: N_("%(column)s contains a control character"),
    sheet.FORMULA: N_("%(column)s starts with =, +, - or @ (a spreadsheet formula)"),
    sheet.NOT_A_WHOLE_NUMBER: N_("score '%(value)s' is not a whole number"),
    sheet.OUT_OF_RANGE: N_("score %(value)s for %(criterion)s is outside 0 to %(max)s"),
    sheet.UNKNOWN_CRITERION: N_("unknown criterion '%(criterion)s'"),
    sheet.OWN_AGENCY: N_(
        "member %(member)s is from %(agency)s, the agency of entry %(entry)s, and must be recused from it"
    ),
    sheet.DUPLICATE: N_("member %(member)s scored %(criterion)s of entry %(entry)s already on line %(first)s"),
    sheet.MISSING_CRITERION: N_("member %(member)s gave entry %(entry)s no score for %(missing)s"),
    sheet.ENTRY_AGENCY_CHANGES: N_("entry %(entry)s is from %(first)s on an earlier line, here from %(agency)s"),
    sheet.MEMBER_AGENCY_CHANGES: N_("member %(member)s is from %(first)s on an earlier line, here from %(agency)s"),
}


CALL_FILE_PROBLEMS = {
    call_file.SYNTAX: N_("this is not valid TOML"),
    call_file.UNKNOWN_KEY: N_("unknown key %(key)s"),
    call_file.MISSING: N_("%(key)s is missing"),
    call_file.NOT_TEXT: N_("%(key)s must be a text in quotes"),
    call_file.TOO_LONG: N_("%(key)s is longer than %(most)s characters or holds a control character"),
    call_file.NOT_A_NUMBER: N_("%(key)s must be a whole number"),
    call_file.OUT_OF_RANGE: N_("%(key)s must be from %(least)s to %(most)s"),
    call_file.BAD_CODE: N_("code must be lower-case letters, digits, - or _, starting with a letter"),
    call_file.DUPLICATE: N_("the code %(value)s is used twice"),
    call_file.WEIGHTS_SUM: N_("the weights add up to %(total)s, not %(scale)s"),
    call_file.BANDS_COVER: N_("the bands must cover 0 to %(weight)s, each score in exactly one band"),
    call_file.TIERS_ORDER: N_("each tier's min must be lower than the tier above it"),
    call_file.NOT_A_LIST: N_("%(key)s must be one to %(most)s tables"),
}


def call_file_problem(error: CallFileError) -> str:
    """``line 4: …``, as the budgeting cycle file words its problems."""
    template = CALL_FILE_PROBLEMS.get(error.code, CALL_FILE_PROBLEMS[call_file.SYNTAX])
    problem = gettext(template, **{"key": error.key, **error.params})
    return gettext("line %(line)s: %(problem)s", line=error.line, problem=problem) if error.line else problem


def method_name(method: str, gap: int = aggregation.DEFAULT_GAP) -> str:
    return gettext(METHODS[method], gap=gap) if method in METHODS else method


def flag(code: str) -> str:
    return gettext(FLAGS[code]) if code in FLAGS else code


def sheet_problem(problem: SheetProblem) -> str:
    """One problem as the command line prints it: ``line 4: …`` (or without a line)."""
    text = gettext(SHEET_PROBLEMS[problem.code], **problem.params) if problem.code in SHEET_PROBLEMS else problem.code
    return gettext("line %(line)s: %(problem)s", line=problem.line, problem=text) if problem.line else text


def method_error(error: MethodError, gap: int = aggregation.DEFAULT_GAP) -> str:
    params = {
        "entries": ", ".join(error.entries),
        "missing": ", ".join(gettext("%(member)s on %(entry)s", member=m, entry=e) for e, m in error.missing),
        "gap": gap,
        "method": error.method,
    }
    return gettext(METHOD_ERRORS[error.code], **params) if error.code in METHOD_ERRORS else error.code


def tier_name(tier: Tier) -> str:
    return tier.name_en if current_locale.get() == EN else tier.name_zh


def criterion_name(criterion: Criterion) -> str:
    return criterion.name_en if current_locale.get() == EN else criterion.name_zh
