"""The glossary's codes in words: statuses, kinds, decisions, warnings and field problems.

The domain speaks in codes; this is where they become translated sentences, for the pages and
the command line alike.
"""

from __future__ import annotations

from collections.abc import Iterable

from domain.glossary import checks, filecheck, rows
from domain.glossary.errors import ImportStructureError
from domain.glossary.rows import RowNote
from web.i18n import N_, gettext

STATUSES = {
    "proposed": N_("Proposed"),
    "under_review": N_("Under review"),
    "approved": N_("Approved"),
    "rejected": N_("Rejected"),
    "superseded": N_("Superseded"),
    "deprecated": N_("Deprecated"),
}
CATEGORIES = {
    "district": N_("District"),
    "islands": N_("Island group"),
    "road": N_("Road"),
    "street": N_("Street"),
    "lane": N_("Lane"),
    "boulevard": N_("Boulevard"),
    "village": N_("Village"),
    "locality": N_("Locality"),
    "mrt_station": N_("MRT station"),
    "lrt_station": N_("Light rail station"),
    "landmark": N_("Landmark"),
    "park": N_("Park"),
    "market": N_("Market"),
    "neighbourhood": N_("Neighbourhood"),
    "river": N_("River"),
}
VARIANT_KINDS = {
    "hanyu": N_("Hanyu Pinyin"),
    "tongyong": N_("Tongyong Pinyin"),
    "historic": N_("Historic"),
    "misspelling": N_("Common misspelling"),
    "forbidden": N_("Forbidden"),
}
OUTCOMES = {
    "approve": N_("Approved"),
    "approve_amended": N_("Approved with amended English"),
    "reject": N_("Rejected"),
    "defer": N_("Deferred"),
    "deprecate": N_("Deprecated"),
    "supersede": N_("Superseded"),
    "adopt_list": N_("Initial list adopted"),
    "correct": N_("Corrected an earlier decision"),
}
HISTORY_EVENTS = {
    "proposed": N_("Proposed"),
    "imported": N_("Approved in the initial list"),
    "proposed_again": N_("Proposed again"),
    "change_proposed": N_("Change proposed"),
    "put_on_agenda": N_("Put on a meeting's agenda"),
    "approved": N_("Approved"),
    "approved_amended": N_("Approved with amended English"),
    "approve": N_("Approved"),
    "approve_amended": N_("Approved with amended English"),
    "rejected": N_("Rejected"),
    "deferred": N_("Deferred"),
    "deprecated": N_("Deprecated"),
    "superseded": N_("Superseded"),
    "corrected": N_("Corrected by a later decision"),
}
DUPLICATES = {
    "same_chinese": N_("the same Chinese name"),
    "same_english": N_("the same English"),
    "similar_english": N_("similar English"),
}
MEETING_KINDS = {"review": N_("Review meeting"), "initial_list": N_("Initial list")}
SYSTEMS = {"hanyu": N_("Hanyu Pinyin"), "tongyong": N_("Tongyong Pinyin")}
FIELDS = {
    "zh": N_("Chinese name"),
    "en": N_("English name"),
    "variants": N_("Variants"),
    "reason": N_("Reason"),
    "date": N_("Date"),
    "members": N_("Members"),
    "category": N_("Category"),
    "district": N_("District"),
    "notes": N_("Notes"),
    "sources": N_("Sources"),
    "code": N_("Code"),
    "title": N_("Title"),
    "term_id": N_("Items"),
    "meeting_id": N_("Meeting"),
}
FIELD_PROBLEMS = {
    "missing": N_("%(field)s is required."),
    "not_chinese": N_("%(field)s must contain Chinese characters."),
    "contains_chinese": N_("%(field)s must not contain Chinese characters."),
    "too_long": N_("%(field)s is too long."),
    "unknown_kind": N_(
        "Each variant needs a known kind: Hanyu Pinyin, Tongyong Pinyin, historic, common misspelling or forbidden."
    ),
    "invalid": N_("%(field)s is not valid."),
    "control_character": N_("%(field)s contains a control or text-direction character; remove it."),
    "formula": N_("%(field)s must not start with =, +, - or @."),
    "too_many": N_("%(field)s has too many entries."),
    "unknown": N_("%(field)s is not one of the listed values."),
    "before_republic": N_(
        "%(field)s must be on or after 1 January 1912 (民國1年1月1日), the first day of the Republic era."
    ),
}
WHITESPACE = {
    "leading": N_("%(field)s starts with a space."),
    "trailing": N_("%(field)s ends with a space."),
    "repeated": N_("%(field)s has repeated spaces."),
    "unusual": N_("%(field)s has a tab, a no-break or a full-width space."),
}
TYPOGRAPHY = {
    "curly_apostrophe": N_("Use a straight apostrophe: %(suggested)s instead of %(found)s."),
    "fullwidth": N_("Full-width characters in the English: %(suggested)s instead of %(found)s."),
    "ordinal": N_("Write the ordinal as %(suggested)s, not %(found)s."),
    "missing_period": N_("Abbreviations take a period: %(suggested)s, not %(found)s."),
    "space_before_punctuation": N_("No space before punctuation: %(suggested)s."),
    "lowercase_word": N_("Capitalize %(found)s as %(suggested)s."),
}
WARNINGS = {
    "different_english_approved": N_("%(zh)s already has approved English: %(approved_en)s."),
    "other_romanization": N_(
        "This is %(approved_en)s spelled in %(proposed_system)s; the approved form uses %(approved_system)s."
    ),
    "english_used_elsewhere": N_("This English is already approved for another place: %(zh)s %(district)s."),
    "generic_inconsistent": N_("%(generic)s is officially translated as %(expected)s (found: %(found)s)."),
    "polyphonic_reading": N_("%(char)s in this place name is read %(expected)s, not %(found)s."),
    "forbidden_variant": N_("This English is listed as %(kind)s for %(zh)s; the approved form is %(approved_en)s."),
}


def listed(items: Iterable[str]) -> str:
    """Items in a sentence: 、 between them in Chinese, a comma in English."""
    from web import i18n

    return ("、" if i18n.current_locale.get() == i18n.ZH else ", ").join(items)


def label(mapping: dict[str, str], code: str) -> str:
    return gettext(mapping[code]) if code in mapping else code


def field_problem(field: str, code: str) -> str:
    template = FIELD_PROBLEMS.get(code, FIELD_PROBLEMS["invalid"])
    return gettext(template, field=label(FIELDS, field)) if "%(field)s" in template else gettext(template)


def warning_message(warning: checks.GlossaryWarning) -> str:
    params = checks.params(warning)
    if warning.code == "stray_whitespace":
        template = WHITESPACE[params["where"]]
        return gettext(template, field=label(FIELDS, params["field"]))
    if warning.code == "typography":
        template = TYPOGRAPHY[params["problem"]]
        return gettext(template, found=params["found"], suggested=params["suggested"])
    for key in ("proposed_system", "approved_system"):
        if key in params:
            params[key] = label(SYSTEMS, params[key])
    if "kind" in params:
        params["kind"] = label(VARIANT_KINDS, params["kind"])
    template = WARNINGS[warning.code]
    return gettext(template, **{key: value for key, value in params.items() if f"%({key})s" in template})


def where(unit: str, note: RowNote) -> str:
    return (
        gettext("line %(number)s", number=note.line)
        if unit == "line"
        else gettext("entry %(number)s", number=note.line)
    )


VARIANT_PROBLEMS = {
    "unknown_kind": N_("its kind is not one of Hanyu Pinyin, Tongyong Pinyin, historic, misspelling, forbidden"),
    "contains_chinese": N_("it contains Chinese characters"),
    "too_long": N_("it is too long"),
    "too_many": N_("there are too many variants"),
    "formula": N_("it starts with =, +, - or @"),
}


def reason_message(note: RowNote) -> str:
    """Each import reason code in words, for the import page and the command line."""
    p = _printable(note.params)
    if "status" in p:
        p["status"] = label(STATUSES, str(p["status"]))  # "rejected" in the page's language
    if note.code == rows.BAD_VARIANT and str(p.get("code")) in VARIANT_PROBLEMS:
        p["code"] = gettext(VARIANT_PROBLEMS[str(p["code"])])
    messages = {
        rows.FIELD_COUNT: lambda: gettext("%(found)s fields where the header has %(expected)s", **p),
        rows.MISSING_ZH: lambda: gettext("the Chinese name is missing"),
        rows.ZH_NOT_CHINESE: lambda: gettext("the Chinese name has no Chinese characters"),
        rows.ZH_TOO_LONG: lambda: gettext("the Chinese name is too long"),
        rows.MISSING_EN: lambda: gettext("the English name is missing"),
        rows.EN_CONTAINS_CHINESE: lambda: gettext("the English name contains Chinese characters"),
        rows.EN_TOO_LONG: lambda: gettext("the English name is too long"),
        rows.BAD_VARIANT: lambda: gettext("a variant is not valid (%(code)s)", **p),
        rows.CONFLICTING_DUPLICATE: lambda: gettext(
            "the same place as line %(first_line)s, with different English (%(first_en)s)", **p
        ),
        rows.NOT_AN_ENTRY: lambda: gettext("not a glossary entry"),
        rows.NOT_APPROVED: lambda: gettext("not approved (%(status)s): not imported", **p),
        rows.DIFFERS_FROM_APPROVED: lambda: gettext(
            "the glossary already approves other English: %(approved_en)s", **p
        ),
        rows.PENDING_REVIEW: lambda: gettext("a proposal for this place is waiting for a meeting"),
        rows.RETIRED: lambda: gettext("this place's term is %(status)s; a meeting must decide on it", **p),
        rows.MERGED_DUPLICATE: lambda: gettext("the same place as line %(first_line)s: merged into it", **p),
        rows.FIELD_TOO_LONG: lambda: gettext("the %(field)s is too long", field=_field_name(p.get("field"))),
        rows.TOO_MANY_SOURCES: lambda: gettext("more than %(most)s sources", **p),
        rows.UNKNOWN_CATEGORY: lambda: gettext("unknown category: %(category)s", **p),
        rows.UNKNOWN_DISTRICT: lambda: gettext("unknown district: %(district)s", **p),
        rows.WHITESPACE_TIDIED: lambda: gettext("stray spaces removed from %(field)s", **p),
    }
    return messages[note.code]() if note.code in messages else note.code


def finding_message(finding: filecheck.Finding) -> str:
    """One finding of a file check in words."""
    if finding.note is not None:
        message = reason_message(finding.note)
        return gettext("not imported: %(reason)s", reason=message) if finding.kind == filecheck.REJECTED else message
    if finding.warning is not None:
        return warning_message(finding.warning)
    duplicate = finding.duplicate
    assert duplicate is not None
    return gettext(
        "may be the approved term %(zh)s %(en)s again (%(how)s)",
        zh=duplicate.zh, en=duplicate.en, how=label(DUPLICATES, duplicate.how),
    )  # fmt: skip


def finding_term(finding: filecheck.Finding) -> str:
    """The id of the approved term a finding is about, for a link ("" when none)."""
    if finding.duplicate is not None:
        return finding.duplicate.term_id
    return str(getattr(finding.warning, "term_id", "") or "")


def structure_message(error: ImportStructureError) -> str:
    p = _printable(error.params)
    messages = {
        rows.NOT_UTF8: lambda: " ".join(
            [
                gettext("The file is not UTF-8 text."),
                gettext("It looks like Big5 (Excel's CSV on a Chinese Windows).") if p.get("encoding") else "",
                gettext(
                    "Save it as UTF-8: in Excel, Save As and choose “CSV UTF-8 (Comma delimited)”; "
                    "or convert it with: iconv -f BIG5 -t UTF-8 names.csv > names-utf8.csv"
                ),
            ]
        ).replace("  ", " "),
        rows.EMPTY_FILE: lambda: gettext("The file is empty."),
        rows.MISSING_COLUMNS: lambda: gettext("The header lacks the columns: %(columns)s.", **p),
        rows.UNKNOWN_COLUMNS: lambda: gettext("The header has unknown columns: %(columns)s.", **p),
        rows.DUPLICATE_COLUMNS: lambda: gettext("The header repeats the columns: %(columns)s.", **p),
        rows.MALFORMED: lambda: gettext("The file is not valid %(format)s.", **p),
        rows.MALFORMED_AT: lambda: gettext(
            "The file is not valid %(format)s from line %(line)s on (cut off, or a quote left open).", **p
        ),
        rows.TOO_DEEP: lambda: gettext("The file nests deeper than %(depth)s levels.", **p),
        rows.TOO_LARGE: lambda: gettext("The file is larger than %(bytes)s bytes.", **p),
        rows.TOO_MANY_ROWS: lambda: gettext("The file has more than %(rows)s rows.", **p),
        rows.CONTROL_CHARACTER: lambda: gettext(
            "%(where)s: %(field)s contains a control or text-direction character. Nothing was imported.",
            where=_where(p),
            field=_field_name(p.get("field")),
        ),
        rows.FORMULA: lambda: gettext(
            "%(where)s: %(field)s starts with =, +, - or @, which spreadsheets run as a formula. Nothing was imported.",
            where=_where(p),
            field=_field_name(p.get("field")),
        ),
        rows.UNKNOWN_FORMAT: lambda: gettext("Unknown format: %(format)s.", **p),
        rows.UNKNOWN_APPROVED_COLUMN: lambda: gettext("Unknown approved column: %(column)s.", **p),
    }
    return messages[error.code]() if error.code in messages else error.code


def _where(params: dict[str, object]) -> str:
    return where(str(params.get("unit", "line")), RowNote(int(str(params.get("line", 0))), ""))


def _field_name(field: object) -> str:
    return label(FIELDS, "sources" if field == "source" else str(field))


def _printable(params: dict[str, object]) -> dict[str, object]:
    """Lists (of columns) as one comma-separated string, for interpolation."""
    return {key: ", ".join(map(str, value)) if isinstance(value, list) else value for key, value in params.items()}
