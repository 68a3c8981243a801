"""The census page over HTTP: staff upload a file and follow its progress; a refused file names
every bad line in the visitor's language; nobody else may see the page or upload."""

from __future__ import annotations

import time

from starlette.testclient import TestClient

from domain.accounts import STAFF
from domain.budgeting.census import CensusKeys
from projections.census_queries import census_entry
from tests.census_files import HEADER, census_file, id_number
from tests.web.test_budgeting_flows import SPEC, Browser, browser  # noqa: F401  (a fixture)

SLUG = "pier2-2027"
DISTRICTS = ("鹽埕區",)


def follow(staff: TestClient, location: str) -> str:
    """The progress page until the import is over; returns the last page's text."""
    for _ in range(300):
        page = staff.get(location)
        assert page.status_code == 200
        if 'data-testid="census-progress"' not in page.text:
            return page.text
        assert "<progress" in page.text
        time.sleep(0.1)
    raise AssertionError("the import did not finish")


def test_staff_import_a_census_and_follow_its_progress(browser: Browser) -> None:  # noqa: F811
    staff = browser("demo-staff", (STAFF,))
    assert staff.post("/budgeting/new", data={"spec": SPEC}, follow_redirects=False).status_code == 303
    assert f'href="http://testserver/budgeting/{SLUG}/census"' in staff.get(f"/budgeting/{SLUG}").text
    empty = staff.get(f"/budgeting/{SLUG}/census?lang=en")
    assert empty.status_code == 200 and "No census has been imported for this cycle yet." in empty.text

    files = {"file": ("census.csv", census_file(300, DISTRICTS), "text/csv")}
    sent = staff.post(f"/budgeting/{SLUG}/census?lang=en", files=files, follow_redirects=False)

    assert sent.status_code == 303 and "/census/progress/" in sent.headers["location"]
    done = follow(staff, sent.headers["location"])
    assert "census.csv imported: 300 eligible residents." in done
    page = staff.get(f"/budgeting/{SLUG}/census?lang=zh_Hant_TW")
    assert 'data-testid="census-summary"' in page.text and "鹽埕區" in page.text and ">300<" in page.text
    services = staff.app.state.services  # type: ignore[attr-defined]
    with services.reader("census") as db:
        keys = CensusKeys(services.settings.national_id_key())
        assert census_entry(db, SLUG, keys.person(id_number(299))) is not None
    # A poll of htmx gets the progress block alone while it runs, and a refresh once it is over.
    polled = staff.get(sent.headers["location"], headers={"HX-Request": "true"})
    assert polled.headers.get("HX-Refresh") == "true"

    again = staff.post(f"/budgeting/{SLUG}/census?lang=en", files=files, follow_redirects=False)
    assert "is the census already recorded: nothing was recorded." in follow(staff, again.headers["location"])


def test_a_refused_file_names_every_bad_line_and_records_nothing(browser: Browser) -> None:  # noqa: F811
    staff = browser("demo-staff", (STAFF,))
    assert staff.post("/budgeting/new", data={"spec": SPEC}, follow_redirects=False).status_code == 303
    services = staff.app.state.services  # type: ignore[attr-defined]
    before = services.log.position()
    lines = [HEADER, f"{id_number(1)},1990-01-01,鹽埕區", f"{id_number(2)},1990-01-01,鼓山區", "A123,1990-01-01,鹽埕區"]
    files = {"file": ("bad.csv", "\n".join(lines).encode(), "text/csv")}

    refused = staff.post(f"/budgeting/{SLUG}/census?lang=en", files=files)

    assert refused.status_code == 422
    assert "bad.csv is refused: nothing was recorded" in refused.text
    assert "Line 3: 鼓山區 is not a district of this cycle&#39;s areas." in refused.text
    assert "Line 4: not a valid national ID" in refused.text
    zh = staff.post(f"/budgeting/{SLUG}/census?lang=zh_Hant_TW", files=files)
    assert zh.status_code == 422 and "第 3 行" in zh.text
    assert services.log.position() == before
    missing = staff.post(f"/budgeting/{SLUG}/census?lang=en", files={"file": ("", b"", "text/csv")})
    assert missing.status_code == 422 and "Choose the census file (CSV) to import." in missing.text


def test_only_staff_see_the_census_page_or_upload(browser: Browser) -> None:  # noqa: F811
    staff = browser("demo-staff", (STAFF,))
    assert staff.post("/budgeting/new", data={"spec": SPEC}, follow_redirects=False).status_code == 303
    resident = browser("demo-resident")
    services = staff.app.state.services  # type: ignore[attr-defined]
    before = services.log.position()
    assert f"/budgeting/{SLUG}/census" not in resident.get(f"/budgeting/{SLUG}").text
    assert resident.get(f"/budgeting/{SLUG}/census").status_code == 403
    files = {"file": ("census.csv", census_file(3, DISTRICTS), "text/csv")}
    assert resident.post(f"/budgeting/{SLUG}/census", files=files).status_code == 403
    assert resident.get(f"/budgeting/{SLUG}/census/progress/made-up").status_code == 403
    gone = staff.get(f"/budgeting/{SLUG}/census/progress/made-up?lang=en", follow_redirects=False)
    assert gone.status_code == 303 and gone.headers["location"].endswith(f"/budgeting/{SLUG}/census")
    assert "no longer known here" in staff.get(gone.headers["location"] + "?lang=en").text
    assert staff.get("/budgeting/no-such-cycle/census").status_code == 404
    assert services.log.position() == before
