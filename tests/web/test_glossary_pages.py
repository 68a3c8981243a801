"""The public glossary, read by a visitor: the approved list and its search, a term's history and
the meeting that approved it, the downloads, and place names shown in the page's language.

One app for the whole module, seeded with ``civic demo`` (the three shared files, approved in their
Tongyong form, and one review meeting); these tests only read.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from civic import demo
from civic.app import create_app
from civic.commands.glossary import DEMO_MEETING
from civic.local_provider import LocalProvider
from civic.settings import Settings
from domain.eventlog import SYSTEM_ACTOR
from domain.glossary.names import term_id_for
from projections import glossary_queries as queries
from tests.fixtures import metadata_url
from tests.web.conftest import BASE_URL

LANGS = ("en", "zh_Hant_TW")
PIER2 = term_id_for("駁二藝術特區", "landmark", "鹽埕區")  # proposed as "Pier-2 Art Center", amended
LOTUS_POND = term_id_for("蓮池潭", "landmark", "左營區")  # deferred: not approved
QIXIAN_RD = term_id_for("七賢三路", "road", "鹽埕區")  # in a district the glossary approves
YIDE_RD = term_id_for("一德路", "road", "前鎮區")  # in a district the glossary does not know


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory: pytest.TempPathFactory, oidc_provider: LocalProvider) -> Iterator[Starlette]:
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("glossary-demo"),
        oidc_metadata_url=metadata_url(oidc_provider),
        rate_limit_per_minute=0,
    )
    app = create_app(settings)
    services = app.state.services
    for _ in demo.seed(services):
        pass
    # The demo approves every district; a meeting retires 前鎮區's English here, so that one district
    # has no approved name, as after any deprecation, and pages show it as unofficial.
    meeting = services.glossary.convene("2026-12-01", ["林委員"], SYSTEM_ACTOR).result
    qianzhen = term_id_for("前鎮區", "district", "")
    services.glossary.put_on_agenda(meeting, qianzhen, SYSTEM_ACTOR)
    services.glossary.deprecate(meeting, qianzhen, "demo: a district without approved English", SYSTEM_ACTOR)
    services.catch_up()
    yield app
    services.close()


@pytest.fixture
def visitor(demo_app: Starlette) -> Iterator[TestClient]:
    with TestClient(demo_app, base_url=BASE_URL) as browser:
        yield browser


def rows(html: str) -> list[tuple[str, str]]:
    """(Chinese, English) of each row of the results table."""
    return re.findall(
        r'<th scope="row"[^>]*><a href="[^"]+" lang="zh-Hant-TW">([^<]+)</a></th>\s*<td [^>]*lang="en">([^<]+?)\s*(?:<|</td>)',
        html,
    )


def results(html: str) -> str:
    found = re.search(r'<section id="results".*?</section>', html, re.S)
    assert found, "no #results block"
    return found.group(0)


# --- the list ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "heading", "sentence"),
    [
        ("en", "<h1>Approved English place names</h1>", "place names have an approved English form."),
        ("zh_Hant_TW", "<h1>核定英文地名</h1>", "個地名核定英文譯名。"),
    ],
)
def test_the_list_shows_how_many_names_are_approved(
    visitor: TestClient, demo_app: Starlette, lang: str, heading: str, sentence: str
) -> None:
    with demo_app.state.services.reader() as db:
        approved = queries.approved_count(db)
    assert approved > 4000  # three shared files and the demo meeting's approvals
    page = visitor.get(f"/glossary?lang={lang}")
    assert page.status_code == 200
    assert heading in page.text
    assert f'<span class="count">{approved:,}</span>' in page.text and sentence in page.text
    assert len(rows(page.text)) == 50  # the first page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("鳳山", ("鳳山區", "Fongshan District")),  # Chinese, part of the name
        ("Fongshan District", ("鳳山區", "Fongshan District")),  # the approved English
        ("fengshan", ("鳳山區", "Fongshan District")),  # Hanyu Pinyin of an approved Tongyong name
        ("feng shan", ("鳳山區", "Fongshan District")),  # pinyin with a space
        ("Xinxing District", ("新興區", "Sinsing District")),  # a variant (the Hanyu column of the file)
        ("Fongshn District", ("鳳山區", "Fongshan District")),  # a typo
        ("pier-2 art", ("駁二藝術特區", "The Pier-2 Art Center")),  # as amended by the meeting
    ],
)
def test_search_by_chinese_english_pinyin_variant_and_typo(
    visitor: TestClient, query: str, expected: tuple[str, str]
) -> None:
    page = visitor.get("/glossary", params={"q": query, "lang": "en"})
    assert page.status_code == 200
    assert expected in rows(page.text), rows(page.text)[:5]
    assert f'value="{query}"' in page.text  # the search box keeps what was typed


def test_a_corrected_typo_says_what_was_searched_instead(visitor: TestClient) -> None:
    english = visitor.get("/glossary", params={"q": "zhongsahn", "lang": "en"}).text
    assert ("中山路", "Zhongshan Rd.") in rows(english)
    assert "(matched zhongshan)" in english
    chinese = visitor.get("/glossary", params={"q": "zhongsahn", "lang": "zh_Hant_TW"}).text
    assert "依「zhongshan」比對" in chinese


@pytest.mark.parametrize(
    ("lang", "message"), [("en", "No approved place name matches."), ("zh_Hant_TW", "沒有符合的核定地名。")]
)
def test_a_search_that_finds_nothing_says_so(visitor: TestClient, lang: str, message: str) -> None:
    page = visitor.get("/glossary", params={"q": "xyzzyplugh", "lang": lang})
    assert page.status_code == 200 and message in page.text and rows(page.text) == []


def test_deferred_and_rejected_proposals_are_not_in_the_list(visitor: TestClient) -> None:
    for query in ("蓮池潭", "Lotus Pond", "Qijin Peninsula"):
        assert rows(visitor.get("/glossary", params={"q": query}).text) == [], query


def test_filter_by_category(visitor: TestClient) -> None:
    page = visitor.get("/glossary", params={"category": "landmark", "lang": "en"})
    assert rows(page.text) == [("駁二藝術特區", "The Pier-2 Art Center")]  # 蓮池潭 was deferred
    districts = visitor.get("/glossary", params={"category": "district", "lang": "en"}).text
    assert ("鳳山區", "Fongshan District") in rows(districts) and ("中山路", "Zhongshan Rd.") not in rows(districts)
    assert '<option value="district" selected>District</option>' in districts


def test_filter_by_district_and_category_and_search_together(visitor: TestClient) -> None:
    page = visitor.get("/glossary", params={"district": "鹽埕區", "lang": "en"}).text
    found = rows(page)
    assert ("七賢三路", "Qixian 3rd Rd.") in found and ("駁二藝術特區", "The Pier-2 Art Center") in found
    assert ("一德路", "Yide Rd.") not in found  # 前鎮區
    table = results(page)
    assert table.count('<span class="place">Yancheng District</span>') == len(found)  # the District column
    roads = rows(visitor.get("/glossary", params={"district": "鹽埕區", "category": "road", "q": "七賢"}).text)
    assert roads and all(zh.startswith("七賢") for zh, _ in roads)
    assert ("駁二藝術特區", "The Pier-2 Art Center") not in roads


@pytest.mark.parametrize(
    ("lang", "approved", "unknown"),
    [
        ("en", '<option value="鹽埕區" >Yancheng District (鹽埕區)</option>',
         '<option value="前鎮區" >前鎮區 (Cianjhen District, unofficial romanization)</option>'),
        ("zh_Hant_TW", '<option value="鹽埕區" >鹽埕區</option>', '<option value="前鎮區" >前鎮區</option>'),
    ],
)  # fmt: skip
def test_the_district_filter_names_districts_in_the_page_language(
    visitor: TestClient, lang: str, approved: str, unknown: str
) -> None:
    page = visitor.get(f"/glossary?lang={lang}").text
    assert approved in page and unknown in page


@pytest.mark.parametrize("lang", LANGS)
def test_the_htmx_request_gets_only_the_results_block(visitor: TestClient, lang: str) -> None:
    answer = visitor.get("/glossary", params={"q": "fengshan", "lang": lang}, headers={"HX-Request": "true"})
    assert answer.status_code == 200
    fragment = answer.text.strip()
    assert fragment.startswith('<section id="results"') and fragment.endswith("</section>")
    assert "<html" not in fragment and "<form" not in fragment and "<h1>" not in fragment
    assert ("鳳山區", "Fongshan District") in rows(fragment)
    assert "HX-Request" in answer.headers["vary"]
    boosted = visitor.get("/glossary", params={"q": "fengshan"}, headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<html" in boosted.text  # a boosted link loads the whole page


@pytest.mark.parametrize(
    ("lang", "previous", "next_"), [("en", "Previous page", "Next page"), ("zh_Hant_TW", "上一頁", "下一頁")]
)
def test_pagination(visitor: TestClient, lang: str, previous: str, next_: str) -> None:
    first = visitor.get("/glossary", params={"lang": lang}).text
    assert next_ in first and previous not in first
    assert re.search(r'href="\?q=&(amp;)?category=&(amp;)?district=&(amp;)?page=2"', first)
    second = visitor.get("/glossary", params={"page": "2", "lang": lang}).text
    assert previous in second and next_ in second
    assert len(rows(second)) == 50 and not set(rows(first)) & set(rows(second))
    # a filtered list that fits on one page has no pager links; nonsense page numbers are page 1
    landmarks = visitor.get("/glossary", params={"category": "landmark", "lang": lang}).text
    assert next_ not in landmarks and previous not in landmarks
    assert rows(visitor.get("/glossary", params={"page": "oops", "lang": lang}).text) == rows(first)
    assert visitor.get("/glossary", params={"page": "99999999999999999999", "lang": lang}).status_code == 400
    paged_search = visitor.get(
        "/glossary", params={"q": "路", "page": "2", "lang": lang}, headers={"HX-Request": "true"}
    )
    assert len(rows(paged_search.text)) == 50 and previous in paged_search.text


def test_the_list_links_to_the_downloads(visitor: TestClient) -> None:
    page = visitor.get("/glossary?lang=en").text
    for format in ("csv", "json", "tbx"):
        assert f'href="{BASE_URL}/glossary/export.{format}" download' in page


# --- a term ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", ["Approved English", "The Pier-2 Art Center", "Landmark", "Approved by",
                f"{DEMO_MEETING}</a> (meeting of November 20, 2026), decision 1, recorded ",
                "Proposed", "Put on a meeting's agenda", "Approved with amended English", "Pier-2 Art Center"]),
        ("zh_Hant_TW", ["核定英文", "The Pier-2 Art Center", "核定依據", f"{DEMO_MEETING}</a>（民國115年11月20日會議），第 1 號決議，紀錄於",
                        "已提案", "列入會議議程", "修正英文後核定"]),
    ],
)  # fmt: skip
def test_the_term_page_shows_its_history_and_the_meeting_that_approved_it(
    visitor: TestClient, lang: str, expected: list[str]
) -> None:
    page = visitor.get(f"/glossary/terms/{PIER2}?lang={lang}")
    assert page.status_code == 200
    for text in expected:
        assert text in page.text, text
    history = re.search(r'<ol class="history">(.*?)</ol>', page.text, re.S)
    assert history
    entries = re.findall(r"<li>(.*?)</li>", history.group(1), re.S)
    assert len(entries) == 3  # proposed, put on the agenda, approved as amended
    assert "Pier-2 Art Center" in entries[0] and "The Pier-2 Art Center" in entries[2]
    meeting_link = re.search(r'href="[^"]*/glossary/meetings/([0-9a-f-]+)"', entries[2])
    assert meeting_link, entries[2]
    minutes = visitor.get(f"/glossary/meetings/{meeting_link.group(1)}?lang={lang}").text
    assert DEMO_MEETING in minutes and "駁二藝術特區" in minutes


def test_an_imported_term_names_its_initial_list(visitor: TestClient) -> None:
    page = visitor.get(f"/glossary/terms/{QIXIAN_RD}?lang=en").text
    assert "Qixian 3rd Rd." in page and "Approved in the initial list" in page and "kaohsiung_roads.csv" in page


def test_a_deferred_term_shows_no_approved_english(visitor: TestClient) -> None:
    page = visitor.get(f"/glossary/terms/{LOTUS_POND}?lang=en").text
    assert "Deferred" in page and '<dd lang="en">—</dd>' in page and "Waiting for a meeting" in page


@pytest.mark.parametrize("term", ["00000000-0000-0000-0000-000000000000", "not-a-uuid"])
def test_an_unknown_term_is_not_found(visitor: TestClient, term: str) -> None:
    assert visitor.get(f"/glossary/terms/{term}").status_code == 404


# --- downloads ---------------------------------------------------------------------------------


def test_the_csv_download_has_the_approved_pairs(visitor: TestClient) -> None:
    answer = visitor.get("/glossary/export.csv")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.headers["content-disposition"] == 'attachment; filename="kaohsiung-glossary.csv"'
    assert answer.content.startswith(b"\xef\xbb\xbfzh,en")  # a byte-order mark, for Excel
    pairs = list(csv.reader(io.StringIO(answer.text.removeprefix("\ufeff"))))
    assert pairs[0] == ["zh", "en"]
    assert ["駁二藝術特區", "The Pier-2 Art Center"] in pairs and ["鳳山區", "Fongshan District"] in pairs
    assert ["哈瑪星", "Hamasen"] in pairs and ["愛河", "Love River"] in pairs
    assert not [pair for pair in pairs if pair[0] in ("蓮池潭", "旗津半島")]  # deferred, rejected
    assert len(pairs) == len(set(map(tuple, pairs)))  # each pair once


def test_the_json_download(visitor: TestClient) -> None:
    answer = visitor.get("/glossary/export.json")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/json")
    assert "駁二藝術特區" in answer.text and "The Pier-2 Art Center" in answer.text
    json.loads(answer.text)


def test_the_tbx_download_parses(visitor: TestClient) -> None:
    answer = visitor.get("/glossary/export.tbx")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/x-tbx")
    assert answer.headers["content-disposition"] == 'attachment; filename="kaohsiung-glossary.tbx"'
    root = ET.fromstring(answer.content)
    assert root.tag == "martif"
    entry = root.find(f".//termEntry[@id='t-{PIER2}']")
    assert entry is not None
    terms = [term.text for term in entry.iter("term")]
    assert "駁二藝術特區" in terms and "The Pier-2 Art Center" in terms


def test_an_unknown_download_format_is_not_found(visitor: TestClient) -> None:
    assert visitor.get("/glossary/export.xlsx").status_code == 404


# --- place names in the page's language ----------------------------------------------------------


def test_an_approved_district_shows_its_approved_english_on_an_english_page(visitor: TestClient) -> None:
    page = visitor.get(f"/glossary/terms/{QIXIAN_RD}?lang=en").text
    assert '<dd><span class="place">Yancheng District</span></dd>' in page
    assert "unofficial" not in page


def test_an_unknown_district_shows_the_chinese_and_an_unofficial_romanization(visitor: TestClient) -> None:
    page = visitor.get(f"/glossary/terms/{YIDE_RD}?lang=en").text
    assert (
        '<span class="place unofficial"><span lang="zh-Hant-TW">前鎮區</span> '
        "(Cianjhen District, unofficial romanization)</span>"
    ) in page
    listed = visitor.get("/glossary", params={"q": "一德路", "lang": "en"}).text
    assert "unofficial romanization" in results(listed)


@pytest.mark.parametrize("term", [QIXIAN_RD, YIDE_RD])
def test_a_chinese_page_shows_the_district_in_chinese(visitor: TestClient, term: object) -> None:
    page = visitor.get(f"/glossary/terms/{term}?lang=zh_Hant_TW").text
    assert re.search(r'<dd><span lang="zh-Hant-TW">(鹽埕區|前鎮區)</span></dd>', page)
    assert "非官方拼音" not in page and "Yancheng District" not in page and "Cianjhen District" not in page


def test_the_meeting_minutes_show_places_through_the_filter(visitor: TestClient, demo_app: Starlette) -> None:
    with demo_app.state.services.reader() as db:
        meeting = next(row for row in queries.meetings(db) if row["title"] == DEMO_MEETING)
    page = visitor.get(f"/glossary/meetings/{meeting['id']}?lang=en")
    assert page.status_code == 200
    for text in ("Approved with amended English", "The Pier-2 Art Center", "Rejected", "Deferred",
                 "Kaohsiung&#39;s signs write Cijin (Tongyong)", "林委員, 陳委員, 黃委員"):  # fmt: skip
        assert text in page.text, text
    decisions = re.findall(r"<tr>\s*<td[^>]*>(\d+)</td>", page.text)
    assert decisions == ["1", "2", "3", "4", "5"]
    chinese = visitor.get(f"/glossary/meetings/{meeting['id']}?lang=zh_Hant_TW").text
    assert "林委員、陳委員、黃委員" in chinese and "修正英文後核定" in chinese and "緩議" in chinese
