"""National ID numbers: validated at the edge, then kept only as a keyed hash.

The raw number never enters an event, a read model or a log line. Eligibility checks compare
HMAC-SHA256 digests made with a secret from settings (``CIVIC_ID_HASH_KEY``), so a leaked database
cannot be reversed by hashing the whole (small) space of valid ID numbers without that key.
"""

from __future__ import annotations

import hashlib
import hmac
import re

# Letter values for the first character (A=10 ... Z=33, in the order the Ministry assigns them).
LETTER_VALUES = {letter: value for value, letter in enumerate("ABCDEFGHJKLMNPQRSTUVXYWZIO", start=10)}
# National ID (A123456789); resident certificate, new format (A800000014) and old (AC01234567).
_NATIONAL = re.compile(r"^[A-Z][12]\d{8}$")
_RESIDENT_NEW = re.compile(r"^[A-Z][89]\d{8}$")
_RESIDENT_OLD = re.compile(r"^[A-Z][A-D]\d{8}$")
_WEIGHTS = (1, 9, 8, 7, 6, 5, 4, 3, 2, 1, 1)


class InvalidNationalIdError(ValueError):
    """The text is not a well-formed Taiwan national ID or resident certificate number."""


def normalize_national_id(raw: str) -> str:
    """Upper-case, without spaces; raises unless the format and check digit are right."""
    text = re.sub(r"\s+", "", raw).upper()
    if _NATIONAL.match(text) or _RESIDENT_NEW.match(text):
        second = int(text[1])
    elif _RESIDENT_OLD.match(text):
        second = LETTER_VALUES[text[1]] % 10
    else:
        raise InvalidNationalIdError()
    letter = LETTER_VALUES[text[0]]
    digits = [letter // 10, letter % 10, second, *(int(d) for d in text[2:])]
    if sum(d * w for d, w in zip(digits, _WEIGHTS)) % 10 != 0:
        raise InvalidNationalIdError()
    return text


def national_id_digest(raw: str, key: bytes) -> str:
    """The only form in which an ID number is ever stored."""
    if len(key) < 16:
        raise ValueError("the ID hash key must be at least 16 bytes")
    return hmac.new(key, normalize_national_id(raw).encode(), hashlib.sha256).hexdigest()
