"""Every bound on what the glossary accepts, in one place, each with the reason for its value.

A stored event is read by every projection, every rebuild and every export for as long as the
log exists, so what one event may carry is bounded where the event is made (the service and the
aggregates' command methods), not where it is read. The bounds are generous for real place names
and far below what would hurt: the longest name in the shared Chunghwa Post and KRTC data is 11
Chinese characters and 39 English ones, its longest note 124 characters, its longest source 296.

Inputs that are not stored are bounded too (a search, a page number, an uploaded file), so that
no single request can hold a worker or the event loop for long.
"""

from __future__ import annotations

from datetime import date

# --- a term -------------------------------------------------------------------------------------

MAX_ZH = 100
"""Chinese name. The longest real one in the data is 11 characters; an official full name of an
institution (衛武營國家藝術文化中心 is 11) stays far below 100. It also feeds the term id."""

MAX_EN = 200
"""English name and each variant. The longest in the data is 39 characters; a full address
("Ln. 12, Sec. 3, Zhongshan 4th Rd.") or an institution's English name stays below 200."""

MAX_VARIANTS = 20
"""Variants one proposal or imported row may carry: Hanyu, Tongyong, a few historic forms and
misspellings. The issue's file had 6,800, which made one event index 265,000 words."""

MAX_KEPT_VARIANTS = 60
"""Variants a term keeps after approvals: each approved change adds its candidate's variants and
the former English as a historic one. Past this, the oldest are dropped (the history keeps them),
so that a term changed many times does not grow without end."""

MAX_NOTES = 2_000
"""Notes (multi-line). The longest in the data is 124 characters; 2,000 is a long paragraph."""

MAX_SOURCE = 500
"""One source (a citation or URL). The longest in the data is 296 characters."""

MAX_SOURCES = 20
"""Sources of one term: a place is rarely attested in more than a handful of lists."""

MAX_CODE = 40
"""A zip or station code (830, R9, C14); two merged rows join theirs with a space."""

MAX_REASON = 1_000
"""Why a meeting rejected or deprecated a name, in its own words: a few sentences."""

# --- a meeting ------------------------------------------------------------------------------------

MAX_TITLE = 200
"""Meeting title (英語友善環境審查會議 第12次) and the recorded file name of an import."""

MAX_MEMBERS = 50
"""Members present at one meeting: a committee, not a crowd."""

MAX_MEMBER = 100
"""One member's name (with a title: 林委員, Prof. Chen)."""

# --- search and pages ---------------------------------------------------------------------------

MAX_QUERY = 200
"""Characters of a search. A place name is under 100; a longer query is refused with a message
(not silently cut) so that the person sees why nothing matched."""

MAX_QUERY_WORDS = 20
"""Words of a search: each unknown word is looked up for typos, so words cost lookups."""

MAX_PAGE = 10_000
"""Page numbers of the public list (50 a page): far past the last page of any glossary, and small
enough that the offset stays an ordinary integer for SQLite."""

# --- the search index -----------------------------------------------------------------------------

MAX_INDEXED_WORDS = 2_000
"""Vocabulary words one term adds for typo correction. The bounds above keep a term well below;
this is the projection's own guard, so that no valid event can make it fail or crawl."""

MAX_WORD = 40
"""Longest word kept for typo correction: longer "words" are not words people mistype."""

# --- files ----------------------------------------------------------------------------------------

MAX_IMPORT_BYTES = 20_000_000
"""A glossary file (the same as the upload limit, CIVIC_MAX_UPLOAD_BYTES' default): the whole road
table of Kaohsiung is under 1 MB."""

MAX_IMPORT_ROWS = 100_000
"""Rows (entries) of one file: every road, lane and station of the city is under 20,000. An
import is one save, so the bound also bounds one transaction of the event store."""

MAX_NESTING = 16
"""Nesting of a JSON or TBX file: the glossary's own exports nest 4 (JSON) and 7 (TBX) deep.
Deeper files are refused before they are parsed, so that no file can exhaust a parser's
recursion (a JSON file of 100,000 brackets raised RecursionError: a 500)."""

REPUBLIC_ERA = date(1912, 1, 1)  # 民國1年1月1日: meeting dates start here (ROC years are shown)
MAX_AGENDA_BATCH = 200  # items put on an agenda from the queue at once (the queue shows as many)
