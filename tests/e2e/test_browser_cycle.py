"""A whole participatory-budgeting cycle in a real browser, from the census to the results.

Staff create a cycle and upload its census; a resident proposes, two others endorse, staff
assign the review, the reviewer answers feasible, staff put it on the ballot and open voting; a
resident verifies with number and birth date, votes (the live meter follows the choices), changes
the vote (a new receipt code) and checks the receipt on the public page; staff enter another
resident's paper ballot at a polling station, close voting (counting) and publish; the results
show the winners. In English and in Chinese with JavaScript (htmx: meter, census progress, phase
form), and once without JavaScript (the same forms, whole pages). axe-core on every page of part 2
(census, verify, vote, receipt, receipt check, station, bindings, results) in the walks with
JavaScript (axe is a script).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from civic.commands.budgeting_demo_votes import census_bytes, residents
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import NewPage
from tests.e2e.session import sign_in
from web.i18n import load_catalogs

SPEC = """\
slug = "{slug}"
name_zh = "鹽埕參與式預算（全週期瀏覽器測試）"
name_en = "Yancheng budgeting (whole-cycle browser test)"
rule = "greedy"
min_age = 16

[ballot]
kind = "approval"
min_choices = 1
max_choices = 2

[endorsement]
threshold = 2
days = 30

[[areas]]
code = "pier2"
name_zh = "駁二"
name_en = "Pier-2"
districts = ["鹽埕區"]
budget = 2000000

[[areas.projects]]
code = "Y1"
title_zh = "大義街綠化"
title_en = "Greening Dayi Street"
cost = 900000

[[areas.projects]]
code = "Y2"
title_zh = "河濱夜間照明"
title_en = "Riverside lights at night"
cost = 1500000
"""
CATALOGS = load_catalogs()


def words(lang: str, message: str) -> str:
    """A message as the page shows it in ``lang`` (the catalogs' own test checks the translations)."""
    return CATALOGS[lang].gettext(message)


WALKS = {
    "en-with-javascript": ("en", True),
    "zh-with-javascript": ("zh_Hant_TW", True),
    "zh-without-javascript": ("zh_Hant_TW", False),
}


def person(new_page: NewPage, subject: str, lang: str, javascript: bool, next_path: str) -> Page:
    page = new_page(locale="en-US" if lang == "en" else "zh-TW", java_script_enabled=javascript, bypass_csp=True)
    sign_in(page, subject, next_path=next_path)
    return page


def check(page: Page, javascript: bool) -> None:
    if javascript:
        assert_accessible(page)


def move_on(staff: Page, slug: str, phase: str) -> None:
    """The staff's phase form on the cycle page (htmx swaps the phase list; without it, a redirect):
    once moved, ``phase`` is no longer one to move on to."""
    staff.goto(f"/budgeting/{slug}")
    staff.locator("#field-phase").select_option(phase)
    staff.locator("#phase form button[type=submit]").click()
    expect(staff.locator(f"#field-phase option[value={phase}]")).to_have_count(0)


def minguo(born: object) -> str:
    return f"{born.year - 1911}/{born.month:02d}/{born.day:02d}"  # type: ignore[attr-defined]


@pytest.mark.parametrize(("lang", "javascript"), WALKS.values(), ids=WALKS.keys())
def test_whole_cycle_walk(new_page: NewPage, lang: str, javascript: bool) -> None:
    slug = f"cycle-{'en' if lang == 'en' else 'zh'}-{'js' if javascript else 'nojs'}"
    people = residents(40, ["鹽埕區"], seed=slug)
    ann, ben = people[0], people[1]

    # Staff create the cycle and upload its census (progress: htmx polling, or reloading).
    staff = person(new_page, "demo-staff", lang, javascript, f"/budgeting/new?lang={lang}")
    staff.locator("#field-spec").fill(SPEC.format(slug=slug))
    staff.locator("form[action$='/budgeting/new'] button[type=submit]").click()
    staff.wait_for_url(f"**/budgeting/{slug}")
    staff.goto(f"/budgeting/{slug}/census")
    check(staff, javascript)
    staff.locator("#field-file").set_input_files(
        {"name": "census.csv", "mimeType": "text/csv", "buffer": census_bytes(people)}
    )
    staff.locator("form[enctype='multipart/form-data'] button[type=submit]").click()
    done = staff.get_by_test_id("census-done")
    for _ in range(30):  # with JavaScript the progress polls, then reloads itself when done
        if javascript or done.count():
            break
        staff.wait_for_timeout(500)
        staff.reload()
    expect(done).to_contain_text("40", timeout=20_000)
    check(staff, javascript)

    # Part 1: propose, endorse past the threshold, review, put on the ballot.
    author = person(new_page, f"{slug}-author", lang, javascript, f"/budgeting/{slug}/propose")
    author.locator("#field-title").fill("駁二倉庫前的遮陽棚")
    author.locator("#field-description").fill("夏天排隊參觀時需要遮陽，也能擋雨。")
    author.locator("#field-place").fill("大勇路")
    author.locator("#field-category").select_option("public_works")
    author.locator("#field-cost").fill("450000")
    author.locator("#proposal-form button[value=submit]").click()
    author.wait_for_url(re.compile(r"/budgeting/proposals/[0-9a-f-]{36}$"))
    proposal = "/budgeting/proposals/" + author.url.rsplit("/", 1)[1]
    for endorser in ("bob", "carol"):
        page = person(new_page, f"{slug}-{endorser}", lang, javascript, proposal)
        page.locator("#endorsement button[type=submit]").click()
        # The count itself, first on the line: "2 needed within 30 days" follows it, and a bare "2"
        # matched that before the endorsement was in (then staff came too soon to see it in review).
        count = "1" if endorser == "bob" else "2"
        expect(page.get_by_test_id("endorsements")).to_have_text(re.compile(rf"^\s*{count}(?!\d)"))
    staff.goto(proposal)
    staff.locator("#assign-agency").select_option("public-works")
    staff.locator("form[action$='/assign'] button").click()
    reviewer = person(new_page, "demo-reviewer", lang, javascript, proposal)
    reviewer.locator("#answer-cost").fill("480000")
    reviewer.locator("#answer-days").fill("90")
    reviewer.locator("form[action$='/answer'] button").click()
    staff.goto(proposal)
    staff.locator("form[action$='/ballot'] button").click()
    expect(staff.get_by_test_id("status")).to_have_text(words(lang, "On the ballot"))
    move_on(staff, slug, "voting")

    # A resident verifies (number and birth date; 民國 in Chinese) and votes.
    voter = person(new_page, f"{slug}-ann", lang, javascript, f"/budgeting/{slug}/verify")
    check(voter, javascript)
    voter.locator("#field-id_number").fill(ann.number)
    voter.locator("#field-birth_date").fill(ann.born.isoformat() if lang == "en" else minguo(ann.born))
    voter.locator("form[action$='/verify'] button[type=submit]").click()
    voter.wait_for_url(f"**/budgeting/{slug}/vote")
    check(voter, javascript)
    choices = voter.locator("#ballot-form input[name=choice]")
    expect(choices).to_have_count(3)  # Y1, Y2 and the proposal put on the ballot
    voter.locator("#choice-Y1").check()
    if javascript:  # the live meter follows the choices (htmx)
        expect(voter.locator("#ballot-meter")).to_contain_text("900,000")
    else:  # without JavaScript, "Check my ballot" renders the page with the meter filled
        voter.locator("#ballot-form button[value=check]").click()
        expect(voter.locator("#ballot-meter")).to_contain_text("900,000")
    voter.locator("#ballot-form button[value=cast]").click()
    voter.wait_for_url(f"**/budgeting/{slug}/vote/receipt")
    first_receipt = voter.get_by_test_id("receipt").inner_text()
    check(voter, javascript)

    # The vote is changed: a new receipt code; the old one is still "in the box" as a code.
    voter.goto(f"/budgeting/{slug}/vote")
    expect(voter.get_by_test_id("changing")).to_be_visible()
    voter.locator("#choice-Y1").uncheck()
    voter.locator("#choice-Y2").check()
    voter.locator("#ballot-form button[value=cast]").click()
    voter.wait_for_url(f"**/budgeting/{slug}/vote/receipt")
    second_receipt = voter.get_by_test_id("receipt").inner_text()
    assert second_receipt != first_receipt
    voter.goto(f"/budgeting/{slug}/receipts")
    check(voter, javascript)
    voter.locator("#field-code").fill(second_receipt)
    voter.locator("main form button[type=submit]").click()
    expect(voter.get_by_test_id("receipt-outcome")).to_contain_text(
        words(lang, "A ballot with this code is in the box.")
    )
    check(voter, javascript)

    # Staff enter another resident's paper ballot at a polling station.
    staff.goto(f"/budgeting/{slug}/station?station=鹽埕區公所&area=pier2")
    check(staff, javascript)
    staff.locator("#field-id_number").fill(ben.number)
    staff.locator("#field-birth_date").fill(ben.born.isoformat())
    staff.locator("#choice-Y2").check()
    staff.locator("#ballot-form button[value=cast]").click()
    expect(staff.locator("main")).to_contain_text(re.compile(r"[ACDEFGHJKMNPQRTUVWXY234679-]{10,11}"))
    staff.goto(f"/budgeting/{slug}/bindings")
    check(staff, javascript)

    # Voting closes (counted at counting), then the results are published.
    move_on(staff, slug, "counting")
    move_on(staff, slug, "results")
    visitor = new_page(locale="en-US" if lang == "en" else "zh-TW", java_script_enabled=javascript, bypass_csp=True)
    visitor.goto(f"/budgeting/{slug}/results")
    table = visitor.get_by_test_id("table-pier2")
    expect(table).to_contain_text("Y2")
    winner = table.locator("tbody tr").first  # most votes first: both ballots chose Y2
    expect(winner).to_contain_text("Y2")
    expect(winner).to_have_class("selected")
    expect(winner).to_contain_text(words(lang, "Selected"))
    expect(visitor.get_by_test_id("area-pier2")).to_contain_text("2")
    check(visitor, javascript)
    with visitor.expect_download() as download:
        visitor.locator("a[href$='pier2.pb']").click()
    text = open(download.value.path(), encoding="utf-8").read()  # noqa: SIM115
    assert "VOTES" in text and ann.number not in text
