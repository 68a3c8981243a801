"""Issue 10, part B over HTTP: duplicates shown while proposing, a category that must be chosen,
the import checked before it is confirmed (with its progress streamed), words in the page's
language, the Big5 hint and the search count."""

from __future__ import annotations

import re

import pytest

from domain.eventlog import SYSTEM_ACTOR
from domain.glossary.names import term_id_for
from tests.web.test_glossary_flows import (  # noqa: F401  (platform is a fixture)
    HX,
    Platform,
    field_error,
    platform,
    proposal,
)

MORE_APPROVED = """zh,en,category,district
愛河,Love River,river,
中山一路,Zhongshan 1st Rd.,road,新興區
中山一路,Zhongshan 1st Rd.,road,前金區
中山一路,Zhongshan 1st Rd.,road,苓雅區
"""
LOVE_RIVER = term_id_for("愛河", "river", "")


@pytest.fixture(scope="module")
def glossary(platform: Platform) -> Platform:  # noqa: F811
    platform.services.glossary.import_file(MORE_APPROVED, SYSTEM_ACTOR, source="more.csv")
    platform.services.catch_up()
    return platform


def duplicates_listed(html: str) -> list[tuple[str, str]]:
    found = re.search(r'<ul data-testid="duplicates">(.*?)</ul>', html, re.S)
    if not found:
        return []
    return re.findall(
        r'<a href="[^"]*/glossary/terms/([0-9a-f-]+)"><span lang="zh-Hant-TW">([^<]*)</span>', found.group(1)
    )


# --- defect 2: duplicates, and a category that must be chosen ------------------------------------


@pytest.mark.parametrize(
    ("lang", "heading", "how"),
    [("en", "Already in the glossary", "the same Chinese name"), ("zh_Hant_TW", "詞彙表中已有", "相同的中文名稱")],
)
def test_love_river_in_lowercase_shows_the_approved_love_river_while_typing(
    glossary: Platform, lang: str, heading: str, how: str
) -> None:
    answer = glossary.translator.get(
        "/glossary/suggestions", params={"zh": "愛河", "en": "Love river", "lang": lang}, headers=HX
    )
    assert answer.status_code == 200 and "<html" not in answer.text
    assert heading in answer.text and how in answer.text
    assert duplicates_listed(answer.text) == [(str(LOVE_RIVER), "愛河")]


def test_zhongshan_1st_road_lists_its_three_approved_rows_on_submit_without_javascript(glossary: Platform) -> None:
    position = glossary.position()
    page = glossary.translator.post(
        "/glossary/propose?lang=en",
        data=proposal(zh="中山一路", en="Zhongshan 1st Rd.", category="", district="鹽埕區"),
    )
    assert page.status_code == 422 and "<html" in page.text
    assert "Category is required." in field_error(page.text, "category")
    listed = duplicates_listed(page.text)
    assert len(listed) == 3 and {zh for _, zh in listed} == {"中山一路"}
    assert {term for term, _ in listed} == {
        str(term_id_for("中山一路", "road", district)) for district in ("新興區", "前金區", "苓雅區")
    }
    assert glossary.position() == position


@pytest.mark.parametrize(("lang", "blank", "message"), [("en", "Choose a category", "Category is required."),
                                                        ("zh_Hant_TW", "請選擇類別", "請填寫「類別」。")])  # fmt: skip
def test_the_category_has_no_preset(glossary: Platform, lang: str, blank: str, message: str) -> None:
    form = glossary.translator.get(f"/glossary/propose?lang={lang}").text
    select = re.search(r'<select id="field-category"[^>]*>\s*<option value="">([^<]*)</option>', form)
    assert select and select.group(1) == blank
    assert re.search(r'<select id="field-category" name="category" aria-required="true"', form)
    position = glossary.position()
    page = glossary.translator.post(
        f"/glossary/propose?lang={lang}", data=proposal(zh="壽山", en="Shoushan", category="")
    )
    assert page.status_code == 422 and message in field_error(page.text, "category")
    assert glossary.position() == position


# --- defect 3 and the variant kinds in the page's language ---------------------------------------


def test_the_variant_kinds_and_csv_columns_are_explained_in_chinese(glossary: Platform) -> None:
    form = glossary.translator.get("/glossary/propose?lang=zh_Hant_TW").text
    hint = re.search(r'<p class="hint" id="hint-variants">([^<]*)</p>', form)
    assert hint and "漢語拼音" in hint.group(1) and "hanyu" not in hint.group(1)
    page = glossary.staff.get("/glossary/import?lang=zh_Hant_TW").text
    assert "<code>en_alt</code></th><td>另一種拼音系統的英文</td>" in page


def test_a_variant_kind_may_be_written_in_the_page_language(glossary: Platform) -> None:
    answer = glossary.translator.post(
        "/glossary/propose?lang=zh_Hant_TW", follow_redirects=False,
        data=proposal(zh="西子灣隧道", en="Sizihwan Tunnel", category="landmark", district="鼓山區",
                      variants="漢語拼音: Xiziwan Tunnel\n常見拼寫錯誤: Sizihwan Tunel"),
    )  # fmt: skip
    assert answer.status_code == 303
    term = glossary.term(term_id_for("西子灣隧道", "landmark", "鼓山區"))
    assert term["candidate"]["variants"] == [
        {"text": "Xiziwan Tunnel", "kind": "hanyu"}, {"text": "Sizihwan Tunel", "kind": "misspelling"}
    ]  # fmt: skip


def test_a_rejected_status_in_an_import_report_is_in_chinese(glossary: Platform) -> None:
    term_id = glossary.propose("金獅湖", "Jinshi Lake", category="landmark", district="三民區")
    meeting_id = glossary.on_agenda(term_id)
    glossary.services.glossary.reject(meeting_id, term_id, "demo", SYSTEM_ACTOR)
    glossary.services.catch_up()
    page = _upload(glossary, "zh,en,category,district\n金獅湖,Jinshi Lake,landmark,三民區\n", lang="zh_Hant_TW")
    assert "這個地方的詞條狀態為「不予核定」，須由會議決定" in page.text
    assert "rejected" not in re.sub(r"<[^>]+>", " ", page.text).split("匯入報告")[-1]


# --- check, then confirm -------------------------------------------------------------------------


def _upload(platform: Platform, text: str | bytes, lang: str = "en", step: str = "", name: str = "names.csv"):  # noqa: F811
    content = text.encode("utf-8") if isinstance(text, str) else text
    data = {"approved_column": "en", **({"step": step} if step else {})}
    return platform.staff.post(f"/glossary/import?lang={lang}", files={"file": (name, content, "text/csv")}, data=data)


def test_the_import_page_checks_first_and_records_nothing(glossary: Platform) -> None:
    position = glossary.position()
    text = "zh,en,category,district\n月世界地景公園,Moon World Park,park,田寮區\n愛河,Love river,river,鹽埕區\n火星,Mars,spaceship,\n"
    page = _upload(glossary, text, step="check")
    assert page.status_code == 200 and glossary.position() == position
    findings = re.search(r'<ul data-testid="findings">(.*?)</ul>', page.text, re.S)
    assert findings, page.text
    assert "line 4: not imported: unknown category: spaceship" in findings.group(1)
    assert "line 3: may be the approved term 愛河 Love River again (the same Chinese name)" in findings.group(1)
    assert f'/glossary/terms/{LOVE_RIVER}"' in findings.group(1)
    assert "3 rows checked: 2 new, 0 already approved as they are, 1 would not be imported" in page.text
    confirm = re.search(r'<textarea name="content" hidden[^>]*>(.*?)</textarea>', page.text, re.S)
    assert confirm and "月世界地景公園" in confirm.group(1)
    assert "Import 2 new rows" in page.text


def test_confirming_imports_the_checked_rows_with_progress_streamed(glossary: Platform) -> None:
    text = "zh,en,category,district\n打狗鐵道故事館,Takao Railway Museum,landmark,鼓山區\n"
    position = glossary.position()
    with glossary.staff.stream(
        "POST", "/glossary/import?lang=en",
        files={"_": ("", b"", "application/octet-stream")},
        data={"step": "import", "name": "railway.csv", "approved_column": "en", "content": text},
    ) as answer:  # fmt: skip
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
        parts = [chunk for chunk in answer.iter_text() if chunk]
    page = "".join(parts)
    assert len(parts) > 2  # the page arrives in parts: head, progress, report
    assert page.index('data-testid="import-progress"') < page.index('data-testid="import-summary"')
    assert "Reading railway.csv and comparing it with the glossary" in page and "Done." in page
    assert re.search(r'<p data-testid="import-summary">1 imported, 0 already approved, 0 rejected.</p>', page)
    assert page.rstrip().endswith("</html>")
    assert glossary.position() > position
    assert glossary.term(term_id_for("打狗鐵道故事館", "landmark", "鼓山區"))["status"] == "approved"


def test_a_big5_upload_says_how_to_convert_it(glossary: Platform) -> None:
    page = _upload(glossary, "zh,en\n壽山動物園,Shoushan Zoo\n".encode("big5"), step="check", lang="zh_Hant_TW")
    assert page.status_code == 422
    message = field_error(page.text, "file")
    assert "Big5" in message and "iconv -f BIG5 -t UTF-8" in message and "CSV UTF-8" in message


# --- search count -----------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "expected"), [("en", "1 name matches."), ("zh_Hant_TW", "符合 1 個名稱。")])
def test_search_results_show_a_count(glossary: Platform, lang: str, expected: str) -> None:
    page = glossary.visitor.get("/glossary", params={"q": "Love River", "lang": lang}).text
    count = re.search(r'<p class="result-count" data-testid="result-count">([^<]*)</p>', page)
    assert count and count.group(1) == expected
    many = glossary.visitor.get("/glossary", params={"q": "zhongshan", "lang": "en"}).text
    assert re.search(r'data-testid="result-count">[2-9] names match\.<', many)
