"""Near-duplicate proposals: a similarity of titles (and descriptions) for Chinese and English.

Chinese has no spaces, so text is compared as sets of character bigrams (of CJK runs) plus
lower-cased words of Latin text; the score is the Dice coefficient of the two sets.
"""

from __future__ import annotations

import re
import unicodedata

CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
WORD = re.compile(r"[a-z0-9]+")
STOP = frozenset({"the", "a", "an", "of", "and", "for", "in", "on", "to", "at", "with"})
THRESHOLD = 0.3


def features(text: str) -> frozenset[str]:
    folded = unicodedata.normalize("NFKC", text).lower()
    found: set[str] = set()
    for run in CJK_RUN.findall(folded):
        found.update(run[i : i + 2] for i in range(max(1, len(run) - 1)))
    found.update(word for word in WORD.findall(folded) if word not in STOP and len(word) > 1)
    return frozenset(found)


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))
