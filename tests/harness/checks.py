"""The rules every answer keeps, however hostile the request."""

from __future__ import annotations

import httpx

from tests.harness.platform import Platform
from tests.harness.served import ANSWER_SECONDS, PROBE_SECONDS, Answer, Probe

ENGLISH, CHINESE = "en", "zh"
LANGUAGE_TAGS = {ENGLISH: "en", CHINESE: "zh-Hant-TW"}  # Content-Language and <html lang>


def check_language(response: httpx.Response, language: str, what: str) -> None:
    """The page is in the language the visitor asked for: the header and the document say so."""
    tag = LANGUAGE_TAGS[language]
    assert response.headers.get("content-language") == tag, (
        f"{what} → {response.status_code} with Content-Language {response.headers.get('content-language')!r}, "
        f"not {tag!r}"
    )
    assert f'<html lang="{tag}">' in response.text, (
        f"{what} → {response.status_code} is not a page in {tag}: {response.text[:300]!r}"
    )


def check_answer(
    platform: Platform, probe: Probe, answer: Answer, *, before: int, language: str | None, what: str,
    records_refusals: bool = False,
) -> None:  # fmt: skip
    """Never a 500; an answer within ANSWER_SECONDS that held the event loop for less than PROBE_SECONDS;
    a refusal (4xx) wrote nothing and speaks the visitor's language (``None``: either of ours)."""
    status = answer.response.status_code
    assert status < 500, f"{what} → {status}\n--- server log ---\n{platform.server.log_tail()}"
    assert answer.seconds <= ANSWER_SECONDS, f"{what} took {answer.seconds:.2f} s (the bound is {ANSWER_SECONDS} s)"
    wait = probe.longest_wait(answer.started, answer.ended)
    assert wait <= PROBE_SECONDS, (
        f"{what}: a /healthz probe waited {wait:.2f} s while it ran: the request holds the event loop"
    )
    if 400 <= status < 500:
        after = platform.position()
        assert after == before or records_refusals, f"{what} → {status}, yet the log moved from {before} to {after}"
        if language is None:
            assert any(f'<html lang="{tag}">' in answer.response.text for tag in LANGUAGE_TAGS.values()), (
                f"{what} → {status} is not one of our pages: {answer.response.text[:300]!r}"
            )
        else:
            check_language(answer.response, language, what)
