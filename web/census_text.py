"""The census's codes in words: why a census file is refused, line by line, and the import's report.

Used by the census page and by ``civic cycle census import`` alike, in the reader's language.
"""

from __future__ import annotations

from domain.budgeting import census
from domain.budgeting.census import BadLine, CensusFileError
from domain.budgeting.errors import ConcurrentChangeError, CycleLockedError
from web.budgeting_text import refusal
from web.i18n import N_, gettext

PROBLEMS = {
    census.NOT_UTF8: N_("The file is not UTF-8 text: save it as “CSV UTF-8”."),
    census.TOO_LARGE: N_("The file is larger than %(detail)s bytes."),
    census.EMPTY_FILE: N_("The file holds no one: a census needs the header id_number,birth_date,district and a line "
                          "per resident."),
    census.MISSING_COLUMNS: N_("The header lacks the columns %(detail)s (a census has id_number, birth_date, district)."),
    census.UNKNOWN_COLUMNS: N_("The header has columns a census does not have: %(detail)s."),
    census.FIELD_COUNT: N_("%(detail)s fields, not as many as the header has."),
    census.BAD_ID_NUMBER: N_("not a valid national ID or resident certificate number (its format or check digit)."),
    census.BAD_DATE: N_("the birth date is not a date written 1990-05-17 or as a 民國 date 079/05/17."),
    census.FUTURE_DATE: N_("the birth date is after today."),
    census.UNKNOWN_DISTRICT: N_("%(detail)s is not a district of this cycle's areas."),
    census.DUPLICATE: N_("the same number as line %(detail)s."),
}  # fmt: skip


def bad_line(bad: BadLine) -> str:
    """``Line 12: the birth date is after today.`` (a fault of the whole file: the fault alone)."""
    problem = gettext(PROBLEMS[bad.problem], detail=bad.detail) if bad.problem in PROBLEMS else bad.problem
    if bad.line <= 0:
        return problem
    return gettext("Line %(line)s: %(problem)s", line=bad.line, problem=problem)


def more_lines(error: CensusFileError) -> str:
    """What a report says after the bad lines it names ("" when it named them all)."""
    if not error.more:
        return ""
    return gettext("… and %(count)s more bad lines.", count=f"{error.more:,}")


def census_refusal(error: Exception) -> str:
    if isinstance(error, CycleLockedError):
        return gettext("Voting has opened: the census can no longer change. Nothing was recorded.")
    if isinstance(error, ConcurrentChangeError):
        return gettext("Someone else imported a census for this cycle at the same moment. Nothing was recorded: "
                       "look at the census now, then import again if you need to.")  # fmt: skip
    return refusal(error)


def district_count(district: str, count: int) -> str:
    return gettext("%(district)s: %(count)s eligible", district=district, count=f"{count:,}")
