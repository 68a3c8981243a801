"""Only the review paths that take a PDF (an entry's submission, an attachment to an entry) accept
bodies as large as an upload; every other review POST is held to the small form limit (413).
Here the form limit is 4 kB and the upload limit 1 MB: a 50 kB PDF passes where a file may go,
and the same 50 kB anywhere else under /review/ is refused before the route reads it."""

from __future__ import annotations

import re
from datetime import date, timedelta
from uuid import UUID

from civic.local_provider import LocalProvider
from domain.accounts import STAFF
from domain.eventlog import SYSTEM_ACTOR
from tests.fixtures import MakeClient, SignIn

SLUG = "uploads-2027"
PDF = b"%PDF-1.4\n" + b"0" * 50_000
ENTRY = {"title": "公車到站提醒", "agency": "交通局", "team": "", "summary": "到站前提醒。", "benefits": "減少候車。"}


def test_large_bodies_pass_only_where_a_pdf_may_go(make_client: MakeClient, sign_in: SignIn,
                                                   oidc_provider: LocalProvider) -> None:  # fmt: skip
    client = make_client(rate_limit_per_minute=0, max_body_bytes=4_000, max_upload_bytes=1_000_000)
    services = client.app.state.services  # type: ignore[attr-defined]
    today = date.today()
    services.review.open_call(SLUG, "innovation", "測試創新提案", "Test innovation proposals",
                              today - timedelta(days=1), today + timedelta(days=30), SYSTEM_ACTOR)  # fmt: skip
    services.catch_up()
    assert sign_in(client, "demo-resident").status_code == 303

    sent = client.post(f"/review/{SLUG}/submit", data=ENTRY, files={"attachment": ("plan.pdf", PDF, "application/pdf")},
                       follow_redirects=False)  # fmt: skip
    assert sent.status_code == 303
    found = re.search(r"/entries/([0-9a-f-]{36})/edit", client.get("/review/mine").text)
    assert found
    entry = found.group(1)
    added = client.post(f"/review/{SLUG}/entries/{entry}/attachments",
                        files={"attachment": ("annex.pdf", PDF, "application/pdf")}, follow_redirects=False)  # fmt: skip
    assert added.status_code == 303
    assert len(services.review.entry(UUID(entry)).attachments) == 2
    page = client.get(f"/review/{SLUG}/entries/{entry}/edit?lang=en").text
    assert "annex.pdf" in page and 'enctype="multipart/form-data"' in page

    large = {**ENTRY, "summary": "長" * 20_000}  # 60 kB of UTF-8: a form, not a file
    assert client.post(f"/review/{SLUG}/entries/{entry}/edit", data=large).status_code == 413
    assert client.post(f"/review/{SLUG}/entries/{entry}/conflict", data={"reason": "x" * 50_000}).status_code == 413
    assert client.post(f"/review/{SLUG}/entries/{entry}/screen", content=PDF,
                       headers={"content-type": "application/pdf"}).status_code == 413  # fmt: skip
    assert services.review.entry(UUID(entry)).summary == "到站前提醒。"  # nothing changed

    services.accounts.grant_from_command_line(oidc_provider.issuer, "demo-staff", STAFF)
    services.catch_up()
    assert sign_in(client, "demo-staff").status_code == 303
    assert client.post("/review/new", data={"slug": "x" * 50_000}).status_code == 413
