"""The glossary read model: what the pages will show, kept up to date and rebuilt alike."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

import pytest
from sqlite_utils import Database

from domain.eventlog import SYSTEM_ACTOR, EventLog
from domain.glossary.service import Glossary
from projections import glossary as read
from projections import glossary_queues as queues
from projections.glossary import GlossaryView
from projections.runner import Projector, open_read_db, rebuild, table_rows
from tests.unit.glossary.conftest import People, SharedGlossary

GLOSSARY_TABLES = [
    "glossary_terms", "glossary_variants", "glossary_history", "glossary_meetings", "glossary_agenda",
    "glossary_decisions", "glossary_names", "glossary_name_parts", "glossary_words", "glossary_word_deletes",
]  # fmt: skip


@pytest.fixture
def db(tmp_path: Path) -> Database:
    return open_read_db(tmp_path / "read.db")


def a_review_meeting(glossary: Glossary, people: People) -> dict[str, UUID]:
    """Districts imported; a translator proposes three names; a meeting decides them."""
    glossary.import_file(
        "zh,en,category,en_alt\n鳳山區,Fengshan District,district,Fongshan District\n"
        "前金區,Qianjin District,district,Cianjin District\n",
        SYSTEM_ACTOR,
        approved_column="en_alt",
        source="districts.csv",
    )
    ids = {
        "pier": glossary.propose("駁二藝術特區", "Pier-2 Art Center", people.translator, category="landmark",
                                 district="鹽埕區").result,
        "hamasen": glossary.propose("哈瑪星", "Hamaxing", people.translator, category="neighbourhood",
                                    district="鼓山區").result,
        "market": glossary.propose("六合夜市", "Liuhe Night Market", people.translator, category="market",
                                   district="新興區").result,
    }  # fmt: skip
    ids["meeting"] = glossary.convene(
        # After any day the suite runs on: the initial list's meeting is dated the day of the import,
        # and "newest first" below must not depend on the clock (it failed once the date moved on).
        "2099-12-01",
        ["Chair Lin", "Prof. Chen"],
        people.staff,
        title="第1次審查會議",
    ).result
    for key in ("pier", "hamasen", "market"):
        glossary.put_on_agenda(ids["meeting"], ids[key], people.staff)
    glossary.approve_amended(ids["meeting"], ids["pier"], "The Pier-2 Art Center", people.staff)
    glossary.approve(ids["meeting"], ids["hamasen"], people.staff)
    glossary.reject(ids["meeting"], ids["market"], "Use the Night Market's own sign", people.staff)
    return ids


def test_the_minutes_the_history_and_the_count_follow_the_meeting(
    glossary: Glossary, people: People, log: EventLog, db: Database
) -> None:
    ids = a_review_meeting(glossary, people)
    Projector(log, db, [GlossaryView()]).catch_up()

    assert read.approved_count(db) == 4  # two districts, the art center, Hamasen
    minutes = read.meeting(db, str(ids["meeting"]))
    assert minutes is not None
    assert (minutes["title"], minutes["date"], minutes["members"]) == (
        "第1次審查會議",
        "2099-12-01",
        ["Chair Lin", "Prof. Chen"],
    )
    assert [(d["number"], d["outcome"], d["zh"], d["en"], d["reason"]) for d in minutes["decisions"]] == [
        (1, "approve_amended", "駁二藝術特區", "The Pier-2 Art Center", ""),
        (2, "approve", "哈瑪星", "Hamaxing", ""),
        (3, "reject", "六合夜市", "", "Use the Night Market's own sign"),
    ]
    assert [item["decision_number"] for item in minutes["agenda"]] == [1, 2, 3]

    history = read.history(db, str(ids["pier"]))
    assert [(h["event"], h["actor"], h["en"], h["decision_number"], h["meeting_title"]) for h in history] == [
        ("proposed", people.translator, "Pier-2 Art Center", None, None),
        ("put_on_agenda", people.staff, "", None, "第1次審查會議"),
        ("approved_amended", people.staff, "The Pier-2 Art Center", 1, "第1次審查會議"),
    ]
    pier = read.term(db, str(ids["pier"]))
    assert pier is not None
    assert (pier["status"], pier["en"], pier["meeting_title"], pier["candidate"]) == (
        "approved",
        "The Pier-2 Art Center",
        "第1次審查會議",
        None,
    )
    assert read.term(db, str(ids["market"]))["status"] == "rejected"  # type: ignore[index]

    listed = read.meetings(db)
    assert [(m["kind"], m["decision_count"], m["open_items"]) for m in listed] == [
        ("review", 3, 0),
        ("initial_list", 1, 0),
    ]


def test_a_pending_change_shows_beside_the_approved_english(
    glossary: Glossary, people: People, log: EventLog, db: Database
) -> None:
    ids = a_review_meeting(glossary, people)
    glossary.propose_change(ids["hamasen"], "Hamasen", people.translator, variants=[("Hamaxing", "hanyu")])
    Projector(log, db, [GlossaryView()]).catch_up()

    hamasen = read.term(db, str(ids["hamasen"]))
    assert hamasen is not None
    assert (hamasen["en"], hamasen["status"]) == ("Hamaxing", "approved")
    assert hamasen["candidate"] == {
        "en": "Hamasen", "variants": [{"text": "Hamaxing", "kind": "hanyu"}], "notes": "",
        "proposed_by": people.translator,
    }  # fmt: skip


def test_the_display_filter_shows_approved_english_or_an_unofficial_romanization(
    glossary: Glossary, people: People, log: EventLog, db: Database
) -> None:
    a_review_meeting(glossary, people)
    Projector(log, db, [GlossaryView()]).catch_up()

    assert read.english_for(db, "鳳山區") == "Fongshan District"
    assert read.display_name(db, "鳳山區") == read.DisplayName("鳳山區", "Fongshan District", True)
    assert read.display_name(db, "旗津區") == read.DisplayName("旗津區", "Cijin District", False)
    assert read.english_for(db, "六合夜市") is None  # rejected: never shown as approved


def test_english_for_a_name_shared_by_districts(shared: SharedGlossary) -> None:
    assert read.english_for(shared.db, "中山路") == "Zhongshan Rd."
    assert read.english_for(shared.db, "鳳山區") == "Fongshan District"


def test_lists_filter_by_category_and_district(shared: SharedGlossary) -> None:
    assert read.approved_count(shared.db) == 4067
    assert {row["category"]: row["terms"] for row in read.categories(shared.db)}["district"] == 38
    districts = {row["district"]: row for row in read.districts(shared.db)}
    assert (districts["鳳山區"]["terms"], districts["鳳山區"]["en"]) == (345, "Fongshan District")
    streets = read.approved_terms(shared.db, category="street", district="鳳山區", limit=500)
    assert len(streets) == len([1 for row in streets if row["category"] == "street" and row["district"] == "鳳山區"])
    assert 0 < len(streets) < 345
    page_two = read.approved_terms(shared.db, category="street", district="鳳山區", limit=10, offset=10)
    assert page_two == streets[10:20]
    assert [row["zh"] for row in read.approved_terms(shared.db, query="鳳山區", limit=1)] == ["鳳山區"]


def test_catching_up_twice_changes_nothing_and_equals_a_rebuild(
    glossary: Glossary, people: People, log: EventLog, db: Database, tmp_path: Path
) -> None:
    ids = a_review_meeting(glossary, people)
    projector = Projector(log, db, [GlossaryView()])
    projector.catch_up(page=3)
    glossary.propose_change(ids["hamasen"], "Hamasen", people.translator)
    later = glossary.convene("2027-01-05", ["Chair Lin"], people.staff).result
    glossary.put_on_agenda(later, ids["hamasen"], people.staff)
    glossary.approve(later, ids["hamasen"], people.staff)
    glossary.put_on_agenda(later, ids["pier"], people.staff)
    glossary.deprecate(later, ids["pier"], "closed", people.staff)
    projector.catch_up(page=2)
    before = table_rows(db, GLOSSARY_TABLES)

    assert projector.catch_up() == 0
    assert table_rows(db, GLOSSARY_TABLES) == before

    rebuild(log, tmp_path / "rebuilt.db", [GlossaryView()])
    rebuilt = open_read_db(tmp_path / "rebuilt.db")
    assert table_rows(rebuilt, GLOSSARY_TABLES) == before
    rebuilt.close()
    hamasen = read.term(db, str(ids["hamasen"]))
    assert hamasen is not None
    assert (hamasen["en"], [(v["text"], v["kind"]) for v in hamasen["variants"]]) == (
        "Hamasen",
        [("Hamaxing", "historic")],
    )
    assert read.search(db, "hamaxing")[0]["zh"] == "哈瑪星"  # the former English still finds it
    assert read.term(db, str(ids["pier"]))["status"] == "deprecated"  # type: ignore[index]


def test_a_name_the_glossary_lacks_is_romanized_in_the_system_the_city_approves_for_its_kind(
    shared: SharedGlossary,
) -> None:
    # issue 10, build item 4: roads follow the national (Hanyu) address table; districts,
    # villages, stations and landmarks the city's Tongyong signs.
    from domain.glossary.places import HANYU, TONGYONG, approved_system

    assert [approved_system(zh) for zh in ("前鎮區", "新前鎮路", "前鎮街", "前鎮一巷", "前鎮里", "前鎮站", "前鎮公園")] == [
        TONGYONG, HANYU, HANYU, HANYU, TONGYONG, TONGYONG, TONGYONG,
    ]  # fmt: skip
    assert read.display_name(shared.db, "新前鎮路") == read.DisplayName("新前鎮路", "Xinqianzhen Rd.", False)
    assert read.display_name(shared.db, "新前鎮里") == read.DisplayName("新前鎮里", "Sincianjhen Village", False)
    assert read.display_name(shared.db, "前鎮區").official  # approved, in Tongyong
    assert read.display_name(shared.db, "中山一路") == read.DisplayName("中山一路", "Zhongshan 1st Rd.", True)


def test_a_correction_and_the_queues_in_the_read_model(
    glossary: Glossary, people: People, log: EventLog, db: Database, tmp_path: Path
) -> None:
    ids = a_review_meeting(glossary, people)
    projector = Projector(log, db, [GlossaryView()])
    projector.catch_up(page=3)
    lighthouse = glossary.propose("旗津燈塔", "Cijin Lighthouse", people.translator, category="landmark").result
    bay = glossary.propose("西子灣", "Sizihwan Bay", people.translator, category="landmark").result
    later = glossary.convene("2027-01-05", ["Chair Lin"], people.staff).result
    glossary.put_all_on_agenda(later, [ids["hamasen"], bay], people.staff)
    glossary.correct(later, ids["hamasen"], "Hamasen", "the neighbourhood's own name", people.staff)
    glossary.defer(later, bay, people.staff)
    projector.catch_up(page=2)
    before = table_rows(db, GLOSSARY_TABLES)
    rebuild(log, tmp_path / "rebuilt.db", [GlossaryView()])
    rebuilt = open_read_db(tmp_path / "rebuilt.db")
    assert table_rows(rebuilt, GLOSSARY_TABLES) == before
    rebuilt.close()

    first = read.meeting(db, str(ids["meeting"]))
    assert first is not None
    approval = first["decisions"][1]  # decision 2, kept as it was, marked as corrected
    assert (approval["outcome"], approval["en"], approval["corrected_by_meeting_id"], approval["corrected_by_number"]) == (
        "approve", "Hamaxing", str(later), 1
    )  # fmt: skip
    second = read.meeting(db, str(later))
    assert second is not None
    correction = second["decisions"][0]
    assert (correction["outcome"], correction["en"], correction["corrects_meeting_id"], correction["corrects_number"]) == (
        "correct", "Hamasen", str(ids["meeting"]), 2
    )  # fmt: skip
    hamasen = read.term(db, str(ids["hamasen"]))
    assert hamasen is not None
    assert (hamasen["en"], hamasen["approved_meeting_id"], hamasen["approved_decision"]) == ("Hamasen", str(later), 1)
    assert [(v["text"], v["kind"]) for v in hamasen["variants"]] == [("Hamaxing", "historic")]
    assert read.history(db, str(ids["hamasen"]))[-1]["event"] == "corrected"
    assert read.search(db, "hamaxing")[0]["zh"] == "哈瑪星"

    assert {row["zh"]: row["kind"] for row in queues.staff_queue(db)} == {"旗津燈塔": "proposal", "西子灣": "deferred"}
    assert {row["zh"] for row in queues.waiting_for_review(db)} == {"旗津燈塔", "西子灣"}
    states = {row["zh"]: row["state"] for row in queues.my_proposals(db, people.translator)}
    assert states == {
        "駁二藝術特區": "approved_amended", "哈瑪星": "approved", "六合夜市": "rejected", "旗津燈塔": "waiting",
        "西子灣": "deferred",
    }  # fmt: skip
    assert queues.my_proposals(db, people.staff) == []
    assert lighthouse and queues.approvals_by_kind(db) == {"initial_list": 2, "review": 2}
