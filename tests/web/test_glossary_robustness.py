"""What one request must not do to everyone else: stall the loop, answer 500, or get in whole.

The platform of test_glossary_flows (a few approved names, a translator and staff signed in).
Every refusal speaks the user's language and records nothing.
"""

from __future__ import annotations

import json
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from domain.glossary import limits
from tests.fixtures import MakeClient
from tests.web.test_glossary_flows import HX, Platform, field_error, proposal
from tests.web.test_glossary_flows import platform as platform


@contextmanager
def finishes_within(seconds: int) -> Iterator[None]:
    def stop(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def upload(platform: Platform, name: str, body: bytes | str, lang: str = "en") -> httpx.Response:
    data = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body
    return platform.staff.post(f"/glossary/import?lang={lang}", data={"approved_column": "en"},
                               files={"file": (name, data, "application/octet-stream")})  # fmt: skip


# --- search (finding 1) ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "query", "message"),
    [
        ("en", " ".join(["zhongshna"] * 6000), "Search for at most 200 characters."),
        ("zh_Hant_TW", "中" * 201, "搜尋最多 200 個字元。"),
        ("en", " ".join(["ab"] * 25), "Search for at most 20 words."),
    ],
)
def test_a_search_over_the_bounds_is_refused_with_a_message(
    platform: Platform, lang: str, query: str, message: str
) -> None:
    with finishes_within(10):
        page = platform.visitor.get("/glossary", params={"q": query, "lang": lang})
    assert page.status_code == 422
    assert f'<p class="field-error" id="error-q" role="alert">{message}</p>' in page.text
    assert 'aria-invalid="true" aria-describedby="error-q search-hint"' in page.text
    fragment = platform.visitor.get("/glossary", params={"q": query, "lang": lang}, headers=HX)
    assert fragment.status_code == 422 and message in fragment.text and "<html" not in fragment.text


def test_twenty_misspelled_words_are_searched_quickly(platform: Platform) -> None:
    with finishes_within(10):
        page = platform.visitor.get("/glossary", params={"q": " ".join(["fongshna"] * limits.MAX_QUERY_WORDS)})
    assert page.status_code == 200


@pytest.mark.parametrize("page", ["99999999999999999999", "1" * 5000, str(limits.MAX_PAGE + 1)])
@pytest.mark.parametrize(("lang", "message"), [("en", "Page numbers go from 1 to 10000."),
                                                ("zh_Hant_TW", "頁碼從 1 到 10000。")])  # fmt: skip
def test_a_page_number_out_of_range_is_a_bad_request(platform: Platform, page: str, lang: str, message: str) -> None:
    answer = platform.visitor.get("/glossary", params={"page": page, "lang": lang})
    assert answer.status_code == 400 and message in answer.text


# --- proposals (findings 3, 4, 6, 7, 8) ----------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field", "lang", "message"),
    [
        ({"en": "1" * 4301 + "th St."}, "en", "en", "English name is too long."),
        ({"en": "A" * 20_000}, "en", "zh_Hant_TW", "「英文名稱」太長。"),
        ({"en": "Meinong\x1b Lake"}, "en", "en", "English name contains a control or text-direction character"),
        ({"en": "=HYPERLINK(1)"}, "en", "en", "English name must not start with =, +, - or @."),
        ({"notes": "n\u202e"}, "notes", "en", "Notes contains a control or text-direction character"),
        ({"category": "c" * 100_000}, "category", "en", "Category is not one of the listed values."),
        ({"district": "台北市"}, "district", "zh_Hant_TW", "「行政區」不是列出的選項之一。"),
    ],
)
def test_a_proposal_over_the_bounds_is_refused_in_the_users_language(
    platform: Platform, fields: dict[str, str], field: str, lang: str, message: str
) -> None:
    position = platform.position()
    with finishes_within(10):
        answer = platform.translator.post(f"/glossary/propose?lang={lang}", data=proposal(zh="美濃湖", **fields))
    assert answer.status_code == 422
    assert message in field_error(answer.text, field)
    assert platform.position() == position


@pytest.mark.parametrize("en", ["1" * 4301 + "th", "A" * 20_000, "’" * 3_000])
def test_live_suggestions_on_huge_input_answer_quickly_with_a_message(platform: Platform, en: str) -> None:
    with finishes_within(10):
        answer = platform.translator.get("/glossary/suggestions", params={"zh": "美濃湖", "en": en, "lang": "en"},
                                         headers=HX)  # fmt: skip
    assert answer.status_code == 422
    assert answer.text.strip().startswith('<div id="suggestions"') and "English name is too long." in answer.text


def test_a_meeting_title_with_a_control_character_is_refused(platform: Platform) -> None:
    position = platform.position()
    answer = platform.staff.post("/glossary/meetings?lang=en",
                                 data={"date": "2026-12-01", "members": "林委員", "title": "第1\x00次"})  # fmt: skip
    assert answer.status_code == 422 and "Title contains a control" in field_error(answer.text, "title")
    assert platform.position() == position


# --- uploads (findings 4, 9, 10) ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "body", "lang", "message"),
    [
        ("cut.csv", 'zh,en,notes\n美濃湖,Meinong Lake,"cut off', "en", "The file is not valid csv from line 2 on"),
        ("deep.json", "[" * 100_000 + "]" * 100_000, "en", "The file nests deeper than 16 levels."),
        ("deep.json", "[" * 100_000 + "]" * 100_000, "zh_Hant_TW", "檔案巢狀超過 16 層。"),
        ("lone.json", json.dumps({"terms": [{"zh": "美濃湖", "en": "Meinong \ud800 Lake"}]}), "en",
         "entry 1: English name contains a control or text-direction character. Nothing was imported."),
        ("formula.csv", "zh,en\n美濃湖,=HYPERLINK(1)\n", "en", "line 2: English name starts with =, +, - or @"),
        ("bidi.tbx", ('<martif><text><body><termEntry><langSet xml:lang="zh"><tig><term>美濃湖</term></tig></langSet>'
                      '<langSet xml:lang="en"><tig><term>Mei\u202enong</term></tig></langSet></termEntry></body></text>'
                      "</martif>"),
         "en", "entry 1: English name contains a control or text-direction character."),
        ("columns.json", '{"terms": "美濃湖"}', "en", "The file is not valid json."),
        ("big5.csv", "zh,en\n美濃湖,Meinong Lake\n".encode("big5"), "en", "The file is not UTF-8 text."),
    ],
)  # fmt: skip
def test_a_bad_upload_is_refused_with_a_message_and_imports_nothing(
    platform: Platform, name: str, body: str | bytes, lang: str, message: str
) -> None:
    position = platform.position()
    with finishes_within(20):
        answer = upload(platform, name, body, lang)
    assert answer.status_code == 422
    assert message in field_error(answer.text, "file")
    assert platform.position() == position


def test_an_oversized_upload_is_refused(make_client: MakeClient) -> None:
    client = make_client(max_upload_bytes=1_000)
    answer = client.post("/glossary/import?lang=en", files={"file": ("big.csv", b"zh,en\n" + b"x" * 2_000, "text/csv")})
    assert answer.status_code == 413 and "What you sent is too large" in answer.text


# --- races (finding 5) ----------------------------------------------------------------------------


def test_concurrent_agenda_additions_answer_409_never_500(platform: Platform) -> None:
    terms = [platform.propose(f"茂林{n}號橋", f"Maolin Bridge {n}", district="茂林區") for n in range(6)]
    meeting_id = platform.convene()
    start = threading.Barrier(len(terms))
    statuses: list[int] = []

    def add(term_id: object) -> None:
        start.wait()
        answer = platform.staff.post(f"/glossary/meetings/{meeting_id}/agenda?lang=en", data={"term_id": str(term_id)},
                                     follow_redirects=False)  # fmt: skip
        statuses.append(answer.status_code)
        if answer.status_code == 409:
            assert "Someone else changed this first" in answer.text

    threads = [threading.Thread(target=add, args=(term_id,)) for term_id in terms]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(statuses) == len(terms) and set(statuses) <= {303, 409}, statuses
