"""Glossary search at 100,000 terms: time per query, next to a plain LIKE scan of the same table.

    python bench/glossary_search.py [--terms 100000] [--queries 400] [--db PATH] [--seed 20261126]

Builds a glossary read model through the real projection (``GlossaryView`` applying
``Term.Imported`` events): the shared Kaohsiung names from tests/data/glossary plus generated ones
made the same way real names are (name parts from the real roads, recombined, with the usual
generic parts, ordinals, sections and districts; the English from the romanizer, a Tongyong
name with its Hanyu variant now and then). Then runs the queries, ten kinds mixed: Chinese
substrings, English prefixes, pinyin with spaces, pinyin without, typos (one edit in an
English name), and the kinds search forgives: a whole English name, 臺 for 台 (or the
reverse), generic words written out ("Road" for "Rd."), the other romanization system (a
Hanyu name asked in Tongyong), and a district by any of its names. Prints JSON: p50/p95/max milliseconds per kind for ``projections.glossary.search``
and, measured in the same run, for the baseline ``zh LIKE '%q%' OR en LIKE '%q%' OR pinyin LIKE
'%q%' LIMIT 20`` over the same terms table, with how often each returned anything, and for typos
how often the intended place was among the results. ``--db PATH`` keeps the built read model and
reuses it next time. Needs the project importable (``pip install -e .`` or ``PYTHONPATH=.``).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import statistics
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

from sqlite_utils import Database

from domain.eventlog import SYSTEM_ACTOR
from domain.glossary.terms import Term
from domain.romanization.romanize import suggest, tongyong_from_hanyu
from projections.glossary import GlossaryView, search
from projections.runner import open_read_db

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "glossary"
FILES = ("kaohsiung_districts.csv", "kaohsiung_metro_stations.csv", "kaohsiung_roads.csv")
GOAL_MS = 10.0
LIMIT = 20
PATTERNS = [  # (Chinese pattern, category); {b} a name, {n} an ordinal, {d} a direction
    ("{b}路", "road"), ("{b}街", "street"), ("{b}{n}路", "road"), ("{b}{n}街", "street"), ("{b}{d}路", "road"),
    ("{b}路{n}段", "road"), ("{b}巷", "lane"), ("{b}{n}巷", "lane"), ("{b}路{c}巷", "lane"), ("{b}市場", "market"),
    ("{b}公園", "park"), ("{b}國小", "school"), ("{b}站", "station"), ("{b}里", "village"), ("{b}夜市", "market"),
]  # fmt: skip
NUMBERS = "一二三四五六七八九十"
DIRECTIONS = "東西南北中"
GENERIC_TAIL = re.compile(r"[東西南北中]?[一二三四五六七八九十]*(路|街|巷|大道|橫巷|段|區|站)$")


def shared_rows() -> list[dict[str, str]]:
    return [row for name in FILES for row in csv.DictReader((DATA / name).open(encoding="utf-8"))]


def generated_places(rows: list[dict[str, str]], count: int, rng: random.Random) -> Iterator[dict[str, object]]:
    """Realistic new places: real name parts, recombined, with the usual generic parts."""
    plain = [row["zh"] for row in rows if re.fullmatch(r"[\u4e00-\u9fff]{2,4}", row["zh"])]
    bases = [base for base in sorted({GENERIC_TAIL.sub("", zh) for zh in plain}) if 2 <= len(base) <= 3]
    characters = [char for base in bases for char in base]
    districts = sorted({row["district"] for row in rows if row["district"]})
    seen: set[tuple[str, str, str]] = set()
    while len(seen) < count:
        base = rng.choice(bases) if rng.random() < 0.6 else "".join(rng.choices(characters, k=2))
        pattern, category = rng.choice(PATTERNS)
        zh = pattern.format(b=base, n=rng.choice(NUMBERS), d=rng.choice(DIRECTIONS), c=rng.choice(bases))
        district = rng.choice(districts)
        if (zh, category, district) in seen:
            continue
        seen.add((zh, category, district))
        suggestion = suggest(zh)
        tongyong = rng.random() < 0.15 and suggestion.tongyong != suggestion.hanyu
        en, other, kind = (suggestion.tongyong, suggestion.hanyu, "hanyu") if tongyong else (suggestion.hanyu, "", "")
        yield {"zh": zh, "en": en, "category": category, "district": district,
               "variants": [{"text": other, "kind": kind}] if other else []}  # fmt: skip


def real_places(rows: list[dict[str, str]]) -> Iterator[dict[str, object]]:
    for row in rows:
        en, other = (row["en_alt"], row["en"]) if row["en_alt"] else (row["en"], "")
        variants = [{"text": other, "kind": "hanyu"}] if other and other != en else []
        yield {"zh": row["zh"], "en": en.strip(), "category": row["category"], "district": row["district"],
               "variants": variants}  # fmt: skip


def build(db: Database, terms: int, seed: int) -> float:
    """Projects ``terms`` imported terms into an empty read model; returns the seconds taken."""
    started = time.perf_counter()
    view = GlossaryView()
    view.create(db)
    db.execute("PRAGMA synchronous=OFF")  # a scratch file: a crash only loses the benchmark
    rows = shared_rows()
    meeting_id = uuid.uuid5(uuid.NAMESPACE_URL, "civic:bench:initial-list")
    places = list(real_places(rows))
    places += generated_places(rows, terms - len(places), random.Random(seed))
    seen: set[uuid.UUID] = set()
    for start in range(0, len(places), 5000):
        with db.atomic():
            for place in places[start : start + 5000]:
                decided = {"meeting_id": meeting_id, "decision_number": 1, "actor": SYSTEM_ACTOR}
                term = Term.imported(**place, notes="", code="", sources=[], **decided)  # type: ignore[arg-type]
                if term.id in seen:
                    continue  # 美麗島 is listed twice in the stations file; the import merges it
                seen.add(term.id)
                for event in term.collect_events():
                    view.apply(event, db)
        print(f"built {min(start + 5000, len(places))} of {len(places)}", file=sys.stderr)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # so that the file size is the read model's size
    return time.perf_counter() - started


def make_queries(db: Database, count: int, rng: random.Random) -> list[tuple[str, str, str]]:
    """(kind, query, the English the query means) — five kinds, about equally many."""
    total = db.execute("SELECT max(rowid) FROM glossary_terms").fetchone()[0]
    with_tai = db.execute("SELECT rowid FROM glossary_terms WHERE zh LIKE '%台%' OR zh LIKE '%臺%'").fetchall()
    queries: list[tuple[str, str, str]] = []
    while len(queries) < count:
        kind = KINDS[len(queries) % len(KINDS)]
        rowid = rng.choice(with_tai)[0] if kind == "tai" and with_tai else rng.randint(1, total)
        row = db.execute("SELECT zh, en, pinyin FROM glossary_terms WHERE rowid = ?", [rowid]).fetchone()
        if row is None or len(row[0]) < 2:
            continue
        zh, en, pinyin = row
        syllables = pinyin.split()
        if kind in FORGIVING:
            found = forgiving(kind, zh, en, rng)
            if found is None:
                continue
            text, en = found
        elif kind == "chinese":
            start = rng.randrange(len(zh) - 1)
            text = zh[start : start + rng.choice((2, 3))]
        elif kind == "english_prefix":
            text = en[: rng.randint(3, 9)].lower()
        elif kind in ("pinyin_spaced", "pinyin_joined"):
            text = (" " if kind == "pinyin_spaced" else "").join(syllables[: rng.randint(2, 3)])
        else:
            text = typo(en, rng)
            if text is None:
                continue
        queries.append((kind, text, en))
    return queries


KINDS = ("chinese", "english_prefix", "pinyin_spaced", "pinyin_joined", "typo",
         "exact_name", "tai", "written_out", "other_system", "district")  # fmt: skip
FORGIVING = ("exact_name", "tai", "written_out", "other_system", "district")
WRITTEN_OUT = {"Rd.": "Road", "St.": "Street", "Ln.": "Lane", "Aly.": "Alley", "Sec.": "Section", "District": "Dist."}
DISTRICTS = [row for row in csv.DictReader((DATA / "kaohsiung_districts.csv").open(encoding="utf-8"))]


def forgiving(kind: str, zh: str, en: str, rng: random.Random) -> tuple[str, str] | None:
    """The queries search forgives (issue 10): (query, the English it means), or None."""
    if kind == "exact_name":
        return en, en
    if kind == "tai":  # a name with 台 asked with 臺, or the reverse
        swapped = zh.translate(str.maketrans({"台": "臺", "臺": "台"}))
        return (swapped, en) if swapped != zh else None
    if kind == "written_out":
        words = [WRITTEN_OUT.get(word, word) for word in en.split()]
        return (" ".join(words), en) if words != en.split() else None
    if kind == "other_system":
        converted = tongyong_from_hanyu(en)
        return (converted, en) if converted != en else None
    row = rng.choice(DISTRICTS)
    meant = row["en_alt"] or row["en"]
    return rng.choice([row["zh"], row["en"], row["en_alt"] or row["en"], row["en"].replace("District", "Dist.")]), meant


def typo(en: str, rng: random.Random) -> str | None:
    """One edit (swap, substitution, deletion or insertion) in the longest word of a name."""
    words = en.split()
    index = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[index]
    if len(word) < 6 or not word.isalpha():
        return None
    at = rng.randrange(2, len(word) - 1)
    edit = rng.choice(("swap", "substitute", "delete", "insert"))
    letter = rng.choice("aeiounghs")
    if edit == "swap":
        word = word[: at - 1] + word[at] + word[at - 1] + word[at + 1 :]
    elif edit == "substitute":
        word = word[:at] + letter + word[at + 1 :]
    elif edit == "delete":
        word = word[:at] + word[at + 1 :]
    else:
        word = word[:at] + letter + word[at:]
    return " ".join([*words[:index], word, *words[index + 1 :]])


def baseline(db: Database, text: str) -> list[str]:
    """The plain way: a LIKE scan of the terms table, stopping at LIMIT."""
    pattern = f"%{text}%"
    rows = db.execute(
        "SELECT en FROM glossary_terms WHERE status = 'approved' AND (zh LIKE ? OR en LIKE ? OR pinyin LIKE ?) LIMIT ?",
        [pattern, pattern, pattern, LIMIT],
    ).fetchall()
    return [en for (en,) in rows]


def ours(db: Database, text: str) -> list[str]:
    return [row["en"] for row in search(db, text, limit=LIMIT)]


def measure(db: Database, queries: list[tuple[str, str, str]], run: Callable[[Database, str], list[str]]) -> dict:
    times: dict[str, list[float]] = {}
    answered: dict[str, int] = {}
    found: dict[str, int] = {}
    for kind, text, meant in queries:
        started = time.perf_counter()
        results = run(db, text)
        times.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
        answered[kind] = answered.get(kind, 0) + bool(results)
        found[kind] = found.get(kind, 0) + (meant in results)
    return {
        kind: {
            "queries": len(values),
            "p50_ms": round(statistics.median(values), 3),
            "p95_ms": round(statistics.quantiles(values, n=20)[-1], 3),
            "max_ms": round(max(values), 3),
            "answered": round(answered[kind] / len(values), 3),
            "found_meant": round(found[kind] / len(values), 3),
        }
        for kind, values in times.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--terms", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--seed", type=int, default=20261126)
    parser.add_argument("--db", type=Path, default=None, help="keep the read model here and reuse it")
    options = parser.parse_args()

    # The view's version in the name: keys of an older version are not what search reads now.
    path = options.db or Path(f"/tmp/civic-glossary-bench-{options.terms}-v{GlossaryView.version}.db")
    fresh = not path.exists()
    db = open_read_db(path)
    build_seconds = build(db, options.terms, options.seed) if fresh else None
    terms = db.execute("SELECT count(*) FROM glossary_terms").fetchone()[0]
    queries = make_queries(db, options.queries, random.Random(options.seed + 1))
    for _, text, _ in queries[:50]:  # warm the page cache the same way for both
        ours(db, text)
        baseline(db, text)
    mine, plain = measure(db, queries, ours), measure(db, queries, baseline)
    report = {
        "terms": terms,
        "read_model_mb": round(path.stat().st_size / 1e6, 1),
        "build_seconds": round(build_seconds, 1) if build_seconds is not None else "reused",
        "goal_ms": GOAL_MS,
        "search": mine,
        "baseline_like_scan": plain,
        "speedup": {
            kind: {
                "p50": round(plain[kind]["p50_ms"] / mine[kind]["p50_ms"], 1),
                "p95": round(plain[kind]["p95_ms"] / mine[kind]["p95_ms"], 1),
            }
            for kind in mine
        },
        "every_query_under_goal": all(stats["max_ms"] < GOAL_MS for stats in mine.values()),
    }
    db.close()
    if not options.db and fresh:
        print(f"read model kept at {path} (pass --db to choose where)", file=sys.stderr)
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
