"""The results page in a browser, in both languages and without JavaScript: axe-core finds no
serious or critical WCAG 2 A/AA violation; the charts are images with names; the explanation
opens without scripts. The cycle is a past election imported with ``civic cycle import-pb``."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import ROOT, Civic

PAST = """META
key;value
description;Zuoying 2025
country;Taiwan
unit;Kaohsiung
subunit;Zuoying
instance;2025
num_projects;3
num_votes;6
budget;1000
vote_type;approval
rule;equalshares/add1
currency;TWD
PROJECTS
project_id;cost;name
Z1;600;蓮池潭步道
Z2;300;眷村文化館
Z3;200;社區共餐
VOTES
voter_id;vote
1;Z1,Z2
2;Z1
3;Z2,Z3
4;Z3
5;Z1,Z3
6;Z2
"""


@pytest.fixture(scope="module")
def imported(civic: Civic, tmp_path_factory: pytest.TempPathFactory) -> str:
    file = Path(tmp_path_factory.mktemp("pb")) / "zuoying.pb"
    file.write_text(PAST, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "civic", "cycle", "import-pb", str(file), "--slug", "zuoying-2025"],
        env=civic.env, cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return "/budgeting/zuoying-2025/results"


@pytest.mark.parametrize("lang", ["zh_Hant_TW", "en"])
@pytest.mark.parametrize("javascript", [True, False])
def test_results_page_is_accessible(browser: Browser, civic: Civic, imported: str, lang: str, javascript: bool) -> None:
    context = browser.new_context(base_url=civic.url, bypass_csp=True, java_script_enabled=javascript)
    page = context.new_page()
    try:
        for _ in range(50):  # the server's read models follow the log the command wrote
            response = page.goto(f"{imported}?lang={lang}")
            if response is not None and response.status == 200 and page.locator("svg.chart").count():
                break
            time.sleep(0.2)
        expect(page.locator("svg.chart[role=img]").first).to_be_visible()
        expect(page.locator("table").first).to_be_visible()
        page.locator("summary").first.click()
        expect(page.locator("ol.explanation li").first).to_be_visible()
        if javascript:
            assert_accessible(page)
        else:
            assert "蓮池潭步道" in page.content()
    finally:
        context.close()
