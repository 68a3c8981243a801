"""Voting in a real browser: verify, the ballot with its live meter (htmx), cast, the receipt; and
the same without JavaScript ("Check my ballot" fills the meter on a new page, then cast); axe
finds nothing serious on the verification, ballot and receipt pages, in both languages."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import ROOT, Civic, NewPage
from tests.e2e.session import sign_in
from tests.unit.budgeting.voting_fixtures import ANN, BEN, CHI, SPEC, census_csv

SLUG = "vote-e2e"


def _civic(civic: Civic, *args: str) -> None:
    done = subprocess.run([sys.executable, "-m", "civic", *args], env=civic.env, cwd=ROOT, capture_output=True,
                          text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def slug(civic: Civic, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A cycle in voting with a census of three residents, set up from the command line."""
    folder: Path = tmp_path_factory.mktemp("vote-e2e")
    spec = re.sub(r"\[schedule\][^\[]*", "", SPEC.format(kind="approval")).replace("hamasen-2027", SLUG)
    (folder / "cycle.toml").write_text(spec, encoding="utf-8")
    (folder / "census.csv").write_bytes(census_csv(ANN, BEN, CHI))
    _civic(civic, "cycle", "create", str(folder / "cycle.toml"))
    _civic(civic, "cycle", "census", "import", SLUG, str(folder / "census.csv"))
    _civic(civic, "cycle", "advance", SLUG, "voting")
    return SLUG


@pytest.mark.parametrize(
    ("lang", "locale", "resident", "born", "words"),
    [
        ("en", "en-US", ANN, "1980-03-04", {"verify": "Verify", "cast": "Cast my ballot", "spent": "NT$2,500,000 of",
                                             "in_box": "Your ballot is in the box"}),
        ("zh_Hant_TW", "zh-TW", BEN, "84/12/30", {"verify": "驗證", "cast": "投出我的選票", "spent": "新臺幣2,500,000元",
                                                 "in_box": "您的選票已投入票箱"}),
    ],
)  # fmt: skip
def test_verify_and_vote_with_javascript(
    new_page: NewPage, slug: str, lang: str, locale: str, resident: object, born: str, words: dict[str, str]
) -> None:
    page = new_page(locale=locale, bypass_csp=True)  # axe is a script
    subject = f"e2e-voter-{lang}"
    sign_in(page, subject, next_path=f"/budgeting/{slug}/verify")
    page.goto(f"/budgeting/{slug}/verify?lang={lang}")
    assert_accessible(page)
    page.locator("#field-id_number").fill(resident.number)  # type: ignore[attr-defined]
    page.locator("#field-birth_date").fill(born)
    page.get_by_role("button", name=words["verify"], exact=True).click()
    page.wait_for_url(f"**/budgeting/{slug}/vote")
    assert_accessible(page)
    meter = page.get_by_test_id("ballot-meter")
    page.locator("#choice-H1").check()
    page.locator("#choice-H3").check()
    expect(meter).to_contain_text(words["spent"])  # swapped in by htmx, no page load
    assert page.url.endswith(f"/budgeting/{slug}/vote")
    page.get_by_role("button", name=words["cast"]).click()
    page.wait_for_url(f"**/budgeting/{slug}/vote/receipt")
    expect(page.locator("h1")).to_have_text(words["in_box"])
    expect(page.get_by_test_id("receipt")).to_have_text(re.compile(r"^[A-Z0-9]{10}$"))
    assert_accessible(page)


def test_verify_and_vote_without_javascript(new_page: NewPage, slug: str) -> None:
    page = new_page(locale="en-US", java_script_enabled=False)
    sign_in(page, "e2e-voter-nojs", next_path=f"/budgeting/{slug}/verify")
    page.locator("#field-id_number").fill(CHI.number)
    page.locator("#field-birth_date").fill("1960-07-01")
    page.get_by_role("button", name="Verify", exact=True).click()
    page.wait_for_url(f"**/budgeting/{slug}/vote")
    page.locator("#choice-P9").check()
    page.get_by_role("button", name="Check my ballot").click()
    expect(page.get_by_test_id("ballot-meter")).to_contain_text("Your ballot keeps every rule of this cycle.")
    expect(page.locator("#choice-P9")).to_be_checked()
    page.get_by_role("button", name="Cast my ballot").click()
    page.wait_for_url(f"**/budgeting/{slug}/vote/receipt")
    receipt = page.get_by_test_id("receipt").inner_text()
    page.get_by_role("link", name="Check a receipt code").click()
    page.locator("#field-code").fill(receipt)
    page.get_by_role("button", name="Check", exact=True).click()
    expect(page.get_by_test_id("receipt-outcome")).to_contain_text("A ballot with this code is in the box.")


def test_a_polling_station_enters_a_paper_ballot(new_page: NewPage, slug: str) -> None:
    page = new_page(locale="zh-TW", bypass_csp=True)
    sign_in(page, "demo-staff", next_path=f"/budgeting/{slug}/station")
    page.locator("#field-station").fill("鼓山國小")
    page.get_by_role("button", name="開啟選票").click()
    expect(page.locator("#field-id_number")).to_be_visible()
    assert_accessible(page)
    page.locator("#field-id_number").fill(ANN.number)  # voted online above: the paper ballot replaces it
    page.locator("#field-birth_date").fill("69/03/04")
    page.locator("#choice-H2").check()
    page.get_by_role("button", name="投出我的選票").click()
    expect(page.locator("#flash")).to_contain_text("紙本選票已登錄")
    expect(page.locator("#field-id_number")).to_have_value("")  # a fresh form for the next person
    expect(page.locator("#field-station")).to_have_value("鼓山國小")
    page.locator("#field-id_number").fill(ANN.number)
    page.locator("#field-birth_date").fill("1980-03-04")
    page.locator("#choice-H1").check()
    page.get_by_role("button", name="投出我的選票").click()
    expect(page.get_by_test_id("ballot-refused")).to_have_text("此人已投過紙本選票，不得再投第二張紙本選票。")
    assert_accessible(page)
