"""Glossary search: Chinese, English, pinyin with or without spaces, variants; tolerant of typos.

Every searchable string of a term is folded (lowercase, no accents, spaces or punctuation) into
keys in two indexed tables, so that every kind of match is a B-tree range scan with a LIMIT:

- ``glossary_names``: whole strings (Chinese, English, each variant, the pinyin and Tongyong
  syllables of the Chinese). ``fengshan`` finds 鳳山區 by prefix, ``zhong shan`` folds to
  ``zhongshan``.
- ``glossary_name_parts``: every suffix of the Chinese (so any Chinese substring is a prefix
  here) and every suffix of the English starting at a word (``jianguo`` finds
  ``Sec. 3, Jianguo Rd.``).

Typos: the words of the English names and variants form a vocabulary, and each word of four letters or more is stored
with its one-letter deletions (the symmetric-delete method). A query word that matches nothing
is looked up by its own deletions, which finds every word within one edit and most within two
in a few index lookups; the closest words replace it and the search runs again. Plain tables,
no FTS: a read model rebuilt from the log is then row-for-row the same as one kept up to date.

Bounds (domain/glossary/limits.py): a query is cut to ``MAX_QUERY`` characters and
``MAX_QUERY_WORDS`` words here too (the pages refuse longer ones with a message), so a search
costs a few index lookups per word, never one per word of a pasted essay. A term adds at most
``MAX_INDEXED_WORDS`` words to the vocabulary, and every ``IN (...)`` is sent in batches: no
event, however large (history from before the bounds included), can make the projection fail.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from sqlite_utils import Database

from domain.glossary.limits import (
    MAX_INDEXED_WORDS,
    MAX_KEPT_VARIANTS,
    MAX_QUERY,
    MAX_QUERY_WORDS,
    MAX_WORD,
)
from domain.romanization.romanize import tongyong_from_hanyu
from domain.romanization.syllables import CJK, fold

TOP = "\U0010ffff"  # sorts after every character: [key, key + TOP) holds every key with that prefix
EXACT, PREFIX, PART, FUZZY = 0, 1, 2, 3
SHORTEST_WORD = 3
SHORTEST_DELETED = 4
PINYIN_FIELDS = ("pinyin", "tongyong")
ROMANIZED = "romanized"  # an English name's Hanyu words in Tongyong
BATCH = 500  # SQL variables per statement: far below SQLite's limit (32,766, or 999 before 3.32)
MOST_INDEXED_VARIANTS = 2 * MAX_KEPT_VARIANTS  # approved and candidate variants together


# Spellings search takes as one: 臺 and 台 (the city writes 臺, many people type 台), and the
# generic words of English names written out or abbreviated ("Rd." and "Road"). Both the keys and
# the query are normalised the same way, to the long form, so a word still being typed ("Distr")
# is the prefix of its key.
SAME_CHARACTERS = str.maketrans({"臺": "台"})
LONG_FORMS = {"rd": "road", "st": "street", "ave": "avenue", "ln": "lane", "aly": "alley", "sec": "section",
              "dist": "district"}  # fmt: skip
_ABBREVIATED = re.compile(rf"\b({'|'.join(LONG_FORMS)})\b\.?", re.IGNORECASE)
ENGLISH_FIELDS = ("en", "variant")


def normalized(text: str) -> str:
    """The text as search compares it: 臺 as 台, abbreviated generic words written out."""
    return _ABBREVIATED.sub(lambda match: LONG_FORMS[match.group(1).lower()], text.translate(SAME_CHARACTERS))


def in_tongyong(text: str) -> str:
    """The Hanyu words of a (normalised) English name in Tongyong: both systems meet there, so a
    Hanyu query finds a Tongyong name and the reverse. Empty when nothing changes."""
    if CJK.search(text):
        return ""
    converted = " ".join(_word_in_tongyong(word) for word in text.split(" "))
    return converted if converted != text else ""


@lru_cache(maxsize=1 << 16)  # words repeat across names: a rebuild converts each once
def _word_in_tongyong(word: str) -> str:
    return tongyong_from_hanyu(word)


def batches(items: Sequence[str], size: int = BATCH) -> list[Sequence[str]]:
    return [items[start : start + size] for start in range(0, len(items), size)]


def create_search_tables(db: Database) -> None:
    for table in ("glossary_names", "glossary_name_parts"):
        db.execute(
            f"CREATE TABLE IF NOT EXISTS {table} (key TEXT NOT NULL, term_id TEXT NOT NULL, field TEXT NOT NULL)"
        )
        db.execute(f"CREATE INDEX IF NOT EXISTS {table}_key ON {table} (key, term_id)")
    db.execute("CREATE TABLE IF NOT EXISTS glossary_words (word TEXT PRIMARY KEY) WITHOUT ROWID")
    db.execute(
        "CREATE TABLE IF NOT EXISTS glossary_word_deletes (deleted TEXT NOT NULL, word TEXT NOT NULL, "
        "PRIMARY KEY (deleted, word)) WITHOUT ROWID"
    )


def index_term(
    db: Database, term_id: str, names: Sequence[tuple[str, str]], previous: Sequence[tuple[str, str]] = ()
) -> None:
    """Replaces a term's keys for ``previous`` names by those for ``names`` ((field, text) pairs).

    Old keys are deleted by key, through the key index: no second index by term is needed.
    """
    if previous:
        old_whole, old_parts, _ = _keys(previous)
        for table, keys in (("glossary_names", old_whole), ("glossary_name_parts", old_parts)):
            db.conn.executemany(f"DELETE FROM {table} WHERE key = ? AND term_id = ?", [(k, term_id) for k in keys])
    whole, parts, words = _keys(names)
    words = set(sorted(words)[:MAX_INDEXED_WORDS])  # sorted: a rebuild keeps the same ones
    _insert(db, "INSERT INTO glossary_names VALUES (?, ?, ?)", [(k, term_id, f) for k, f in whole.items()])
    _insert(db, "INSERT INTO glossary_name_parts VALUES (?, ?, ?)", [(k, term_id, f) for k, f in parts.items()])
    _add_words(db, words)


def _keys(names: Sequence[tuple[str, str]]) -> tuple[dict[str, str], dict[str, str], set[str]]:
    """Whole-name keys, part keys (each with the field it came from) and vocabulary words."""
    whole: dict[str, str] = {}
    parts: dict[str, str] = {}
    words: set[str] = set()
    # History from before the bounds may hold thousands of variants; the first (in sorted order,
    # so that a rebuild picks the same) are searchable, all of them are still stored and shown.
    variants = [name for name in names if name[0] == "variant"][:MOST_INDEXED_VARIANTS]
    names = [name for name in names if name[0] != "variant"] + variants
    for field, text in names:
        text = normalized(text)
        key = fold(text)
        if not key:
            continue
        whole.setdefault(key, field)
        for part in _parts(text, key):
            parts.setdefault(part, field)
        words.update(_words(text, field))
        converted = in_tongyong(text) if field in ENGLISH_FIELDS else ""
        if converted:  # found in either system, ranked after the name as written
            whole.setdefault(fold(converted), ROMANIZED)
            for part in _parts(converted, fold(converted)):
                parts.setdefault(part, ROMANIZED)
    return whole, {key: field for key, field in parts.items() if key not in whole}, words


def _insert(db: Database, sql: str, rows: list[tuple[str, ...]]) -> None:
    if rows:
        db.conn.executemany(sql, rows)


def _add_words(db: Database, words: set[str]) -> None:
    """Adds new words to the vocabulary with their deletions (known words are already there)."""
    if not words:
        return
    ordered = sorted(words)
    known = {
        word
        for batch in batches(ordered)
        for (word,) in db.execute(
            f"SELECT word FROM glossary_words WHERE word IN ({','.join('?' * len(batch))})", list(batch)
        ).fetchall()
    }
    new = [word for word in ordered if word not in known]
    _insert(db, "INSERT INTO glossary_words VALUES (?)", [(word,) for word in new])
    _insert(
        db,
        "INSERT OR IGNORE INTO glossary_word_deletes VALUES (?, ?)",
        [(deleted, word) for word in new for deleted in sorted(_deletes(word))],
    )


def _parts(text: str, key: str) -> set[str]:
    """Suffixes of the Chinese from each character; of the rest from each word."""
    if CJK.search(text):
        return {key[start:] for start in range(1, len(key))}
    starts = [match.start() for match in re.finditer(r"(?<![^\W_])\w", text)][1:]
    return {fold(text[start:]) for start in starts} - {""}


def _words(text: str, field: str) -> set[str]:
    """Words for typo correction: those of the English names and variants.

    Not the pinyin keys of the Chinese: nearly every term has its own (zhongshanerlu), which
    would double the vocabulary for little gain: the specific part of a name (zhongshan) is a
    word of its English already, in Hanyu or Tongyong, and the other spelling of a variant.
    """
    if CJK.search(text) or field in PINYIN_FIELDS:
        return set()
    words = {fold(word) for word in re.split(r"[\W_]+", text)}
    return {word for word in words if SHORTEST_WORD <= len(word) <= MAX_WORD and word.isalpha()}


def _deletes(word: str) -> set[str]:
    """The word and, for words long enough, the word with each single letter left out."""
    if len(word) < SHORTEST_DELETED:
        return {word}
    return {word} | {word[:index] + word[index + 1 :] for index in range(len(word))}


@dataclass(frozen=True)
class Hit:
    term_id: str
    rank: int  # EXACT, PREFIX, PART or FUZZY
    field: str  # zh, en, candidate, variant, pinyin, tongyong
    key: str
    corrected: str = ""  # the words searched instead, for a fuzzy hit


def find(
    db: Database,
    text: str,
    limit: int = 20,
    statuses: Sequence[str] | None = ("approved",),
    category: str | None = None,
    district: str | None = None,
    correct_typos: bool = True,
) -> list[Hit]:
    """Term hits for a query, best first: exact, then prefix, then part, then corrected typos
    (``correct_typos=False``: none, for checks of whole files, a search per row)."""
    text = normalized(bounded_query(text))
    key = fold(text)
    if not key:
        return []
    filters = _Filters(statuses, category, district)
    hits: dict[str, Hit] = {}
    _scan(db, hits, key, filters, limit)
    converted = fold(in_tongyong(text))
    if converted and converted != key:
        _scan(db, hits, converted, filters, limit, other_system=True)
    if correct_typos and len(hits) < limit and not CJK.search(key) and len(key) >= SHORTEST_DELETED:
        for corrected in corrections(db, text):
            _scan(db, hits, fold(corrected), filters, limit, fuzzy=corrected)
            if len(hits) >= limit:
                break
    return sorted(hits.values(), key=_order)[:limit]


def bounded_query(text: str) -> str:
    """The first MAX_QUERY characters and MAX_QUERY_WORDS words of a query (linear)."""
    words = text[:MAX_QUERY].split()
    return " ".join(words[:MAX_QUERY_WORDS])


_FIELD_ORDER = {"zh": 0, "en": 0, "variant": 1, ROMANIZED: 2, "pinyin": 2, "tongyong": 2}


def _order(hit: Hit) -> tuple[int, int, int, str]:
    """Better match first; then names people read before pinyin keys; then the shortest."""
    return (hit.rank, _FIELD_ORDER.get(hit.field, 3), len(hit.key), hit.key)


@dataclass(frozen=True)
class _Filters:
    statuses: Sequence[str] | None
    category: str | None
    district: str | None

    def sql(self) -> tuple[str, list[str]]:
        clauses, params = [], []
        if self.statuses:
            clauses.append(f"t.status IN ({','.join('?' * len(self.statuses))})")
            params += list(self.statuses)
        if self.category:
            clauses.append("t.category = ?")
            params.append(self.category)
        if self.district:
            clauses.append("t.district = ?")
            params.append(self.district)
        return "".join(f" AND {clause}" for clause in clauses), params


def _scan(
    db: Database, hits: dict[str, Hit], key: str, filters: _Filters, limit: int, fuzzy: str = "",
    other_system: bool = False,
) -> None:  # fmt: skip
    """Adds the hits for one key; ``other_system``: the query converted to Tongyong, scanned
    after the query as typed, fills what that left (its own exact hits still rank as exact)."""
    where, params = filters.sql()
    wanted = limit * 3  # one term can match through several keys
    steps = [
        ("glossary_names", "k.key = ?", [key], FUZZY if fuzzy else EXACT),
        ("glossary_names", "k.key > ? AND k.key < ?", [key, key + TOP], FUZZY if fuzzy else PREFIX),
        ("glossary_name_parts", "k.key >= ? AND k.key < ?", [key, key + TOP], FUZZY if fuzzy else PART),
    ]
    for table, condition, bounds, rank in steps:
        if len(hits) >= limit and not (other_system and rank == EXACT):
            return
        rows = db.execute(
            f"SELECT k.term_id, k.field, k.key FROM {table} AS k CROSS JOIN glossary_terms AS t ON t.id = k.term_id "
            f"WHERE {condition}{where} ORDER BY k.key LIMIT ?",
            [*bounds, *params, wanted],
        ).fetchall()
        for term_id, field, matched in rows:
            hit = Hit(term_id, rank, field, matched, fuzzy)
            if term_id not in hits or _order(hit) < _order(hits[term_id]):
                hits[term_id] = hit


def corrections(db: Database, text: str, most: int = 3) -> list[str]:
    """The query with its unknown words replaced by the closest known ones, best first."""
    tokens = [fold(token) for token in re.split(r"[\W_]+", text) if fold(token)]
    options = [_spellings(db, token, most, typing=i == len(tokens) - 1) for i, token in enumerate(tokens)]
    found = []
    if any(spellings != [token] for spellings, token in zip(options, tokens, strict=True)):
        for choice in range(most):
            found.append(" ".join(spellings[min(choice, len(spellings) - 1)] for spellings in options))
    if len(tokens) > 1:
        joined = "".join(tokens)  # "zhong shna" may be the word zhongshan
        found += [word for word in _spellings(db, joined, most, typing=False) if word != joined]
    return list(dict.fromkeys(found))[:most]


def _spellings(db: Database, token: str, most: int, typing: bool) -> list[str]:
    """[token] when it is a known word (or, for the word being typed, the start of one) or too
    short to correct; else the closest known words."""
    if len(token) < SHORTEST_DELETED or len(token) > MAX_WORD + 2 or _known(db, token, as_prefix=typing):
        return [token]  # too short to correct, or longer than any vocabulary word can reach
    return close_words(db, token, most, typing) or [token]


def _known(db: Database, token: str, as_prefix: bool) -> bool:
    upper = token + TOP if as_prefix else token + "\0"
    row = db.execute("SELECT 1 FROM glossary_words WHERE word >= ? AND word < ? LIMIT 1", [token, upper]).fetchone()
    return row is not None


def close_words(db: Database, token: str, most: int = 3, typing: bool = False) -> list[str]:
    """Known words within one edit (two for longer words), nearest first; for the word being
    typed, known words that start within that many edits of it."""
    reach = 1 if len(token) <= 5 else 2
    deletions = sorted(_deletes(token))
    rows = {
        word
        for batch in batches(deletions)
        for (word,) in db.execute(
            f"SELECT DISTINCT word FROM glossary_word_deletes WHERE deleted IN ({','.join('?' * len(batch))})",
            list(batch),
        ).fetchall()
    }
    scored = [(edit_distance(token, word, reach), len(word), word) for word in sorted(rows)]
    if typing and not any(distance <= reach for distance, _, _ in scored):
        scored = _close_by_prefix(db, token, reach)
    return [word for distance, _, word in sorted(scored)[:most] if distance <= reach]


def _close_by_prefix(db: Database, token: str, reach: int) -> list[tuple[int, int, str]]:
    """Known words whose start is within ``reach`` edits of a word still being typed.

    Candidates share the token's first letters up to its last two (a typo near the end of
    what was typed so far), a few dozen at most: this is the cheap last resort.
    """
    for length in (len(token) - 1, len(token) - 2):
        if length < SHORTEST_WORD:
            break
        rows = db.execute(
            "SELECT word FROM glossary_words WHERE word >= ? AND word < ? LIMIT 40",
            [token[:length], token[:length] + TOP],
        ).fetchall()
        scored = [(edit_distance(token, word[: len(token)], reach), len(word), word) for (word,) in rows]
        scored = [item for item in scored if item[0] <= reach]
        if scored:
            return scored
    return []


def edit_distance(a: str, b: str, reach: int) -> int:
    """Optimal string alignment distance (a swap of neighbours is one edit), capped at reach + 1."""
    if abs(len(a) - len(b)) > reach:
        return reach + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > reach:
            return reach + 1
        previous2, previous = previous, current
    return min(previous[len(b)], reach + 1)
