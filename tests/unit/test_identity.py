from __future__ import annotations

import pytest

from domain.identity import InvalidNationalIdError, national_id_digest, normalize_national_id

KEY = b"a-secret-of-at-least-16-bytes"


@pytest.mark.parametrize("raw", ["A123456789", " a123456789 ", "F131104093", "A800000014", "AC01234567"])
def test_valid_numbers_are_accepted(raw: str) -> None:
    assert normalize_national_id(raw) == raw.strip().upper()


@pytest.mark.parametrize("raw", ["A123456788", "A323456789", "123456789", "", "AZ12345678", "A12345678"])
def test_malformed_numbers_are_refused(raw: str) -> None:
    with pytest.raises(InvalidNationalIdError):
        normalize_national_id(raw)


def test_only_a_keyed_digest_is_produced() -> None:
    digest = national_id_digest("a123456789", KEY)
    assert digest == national_id_digest("A123456789", KEY)
    assert "123456789" not in digest
    assert digest != national_id_digest("A123456789", b"another-secret-key-16b")
