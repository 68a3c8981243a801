"""Exporting the glossary: CSV for translation services, JSON for programs, TBX for Weblate."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from domain.glossary.errors import UnknownExportFormatError
from domain.glossary.jsonfile import write_json
from domain.glossary.names import FORMULA_LEADS
from domain.glossary.rows import Entry
from domain.glossary.tbx import write_tbx
from domain.glossary.terms import APPROVED

FORMATS = ("csv", "json", "tbx")
BOM = "\ufeff"


def export(entries: Iterable[Entry], format: str) -> str:
    entries = list(entries)
    if format == "csv":
        return write_csv(entries)
    if format == "json":
        return write_json(entries)
    if format == "tbx":
        return write_tbx(entries)
    raise UnknownExportFormatError(format)


def write_csv(entries: list[Entry]) -> str:
    """The two columns translation services take (a ``zh,en`` header, one pair per line).

    Only approved English, and each pair once: 中山路 is Zhongshan Rd. in every district it runs
    through, and a service would refuse the same source term twice. Starts with a byte-order
    mark: without one, Excel on a Taiwanese Windows reads the file as Big5 and garbles it (the
    import accepts files with or without one).
    """
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out)
    writer.writerow(["zh", "en"])
    pairs = dict.fromkeys((entry.zh, entry.en) for entry in entries if entry.status == APPROVED)
    writer.writerows((safe_cell(zh), safe_cell(en)) for zh, en in pairs)
    return out.getvalue()


def safe_cell(text: str) -> str:
    """A cell a spreadsheet shows as text: a leading ``= + - @`` (or tab, CR) gets a ``'`` first.

    Such names are refused when proposed or imported, but history recorded before that rule is
    exported too, and a CSV opened in a spreadsheet would run them as formulas (OWASP's advice).
    """
    return "'" + text if text.startswith(FORMULA_LEADS) else text
