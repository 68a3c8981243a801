"""Who may use each route, and what it reads: the table the route × role matrix and the fuzzer run on.

Every (method, path template) the application serves must have an entry here; a route without
one, or an entry without a route, fails ``test_route_access.py``. An entry says:

- who may use it: ``Access(EVERYONE)``, ``Access(SIGNED_IN)``, or the roles, ``Access(TRANSLATOR, STAFF)``;
  everyone else is refused: anonymous visitors with ``anonymous`` (401 today: the page asks them
  to sign in), signed-in people without the role with 403;
- ``records_refusals=True`` for the one kind of route whose refusal is itself recorded on purpose
  (a failed census verification counts towards its rate limit in the log): the fuzzer then
  does not ask that a 4xx wrote nothing;
- what it reads, with one valid example each: ``query={...}`` (query parameters), ``form={...}``
  (form fields), ``files={...}`` (uploads: field name → (file name, content, type)). The matrix
  sends the examples; the fuzzer replaces them with hostile values. ``{name}`` in an example (or
  in the path) is filled from the seeded data (``tests/harness/seed.py``: ``Seeded.samples``).

Path templates are the full paths, with the prefixes of any ``Mount`` the route sits in, and
with converters left out (``/static/{path}``, not ``{path:path}``). HEAD goes with GET.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from domain.accounts import ADMIN, RESIDENT, REVIEWER, STAFF, TRANSLATOR

ANONYMOUS = "anonymous"
EVERYONE = "everyone"  # including anonymous visitors
SIGNED_IN = "signed-in"  # any account, whatever its roles
ROLES = (ANONYMOUS, RESIDENT, REVIEWER, TRANSLATOR, STAFF, ADMIN)  # each seeded with that role alone

SIGN_IN_REQUIRED = 401  # what an anonymous visitor gets from a page that needs an account
ROLE_REQUIRED = 403  # what a signed-in person without the role gets

Upload = tuple[str, bytes, str]  # (file name, content, media type)


@dataclass(frozen=True, init=False)
class Access:
    who: tuple[str, ...]
    query: Mapping[str, str] = field(default_factory=dict)
    form: Mapping[str, str] = field(default_factory=dict)
    files: Mapping[str, Upload] = field(default_factory=dict)
    anonymous: int = SIGN_IN_REQUIRED
    records_refusals: bool = False

    def __init__(
        self, *who: str, query: Mapping[str, str] | None = None, form: Mapping[str, str] | None = None,
        files: Mapping[str, Upload] | None = None, anonymous: int = SIGN_IN_REQUIRED, records_refusals: bool = False,
    ) -> None:  # fmt: skip
        unknown = set(who) - {EVERYONE, SIGNED_IN, *ROLES}
        assert who and not unknown, f"Access() takes EVERYONE, SIGNED_IN or roles of {ROLES}, not {unknown or who}"
        object.__setattr__(self, "who", who)
        object.__setattr__(self, "query", dict(query or {}))
        object.__setattr__(self, "form", dict(form or {}))
        object.__setattr__(self, "files", dict(files or {}))
        object.__setattr__(self, "anonymous", anonymous)
        object.__setattr__(self, "records_refusals", records_refusals)

    def allows(self, role: str) -> bool:
        if EVERYONE in self.who:
            return True
        if SIGNED_IN in self.who:
            return role != ANONYMOUS
        return role in self.who

    def refusal(self, role: str) -> int:
        """The status someone in ``role`` gets when the route is not theirs."""
        return self.anonymous if role == ANONYMOUS else ROLE_REQUIRED

    def first_allowed(self) -> str:
        """The weakest role allowed: the one the fuzzer uses."""
        return next(role for role in ROLES if self.allows(role))

    def parameters(self) -> list[str]:
        return [*self.query, *self.form, *self.files]


CSV_UPLOAD: Upload = (
    "names.csv",
    "zh,en,category,district\n旗津燈塔,Cijin Lighthouse,landmark,旗津區\n".encode(),
    "text/csv",
)
BALLOT = {"area": "hamasen", "choice": "P1", "action": "cast"}
CENSUS_UPLOAD: Upload = (
    "census.csv",
    "id_number,birth_date,district\nA123456789,079/05/17,鼓山區\n".encode(),
    "text/csv",
)
PROPOSAL = {
    "zh": "蓮池潭", "en": "Lotus Pond", "category": "landmark", "district": "左營區",
    "variants": "hanyu: Lianchi Pond", "notes": "", "sources": "", "term_id": "",
}  # fmt: skip

BUDGET_SPEC = """slug = "harness-2027"
name_zh = "測試參與式預算"
name_en = "Harness budgeting"
rule = "top-per-area"
[ballot]
kind = "approval"
max_choices = 2
[[areas]]
code = "cijin"
name_zh = "旗津"
name_en = "Cijin"
districts = ["旗津區"]
budget = 1000000
"""
BUDGET_PROPOSAL = {
    "area": "hamasen", "title": "哈瑪星街角書櫃", "description": "在街角設置共享書櫃。", "place": "哈瑪星",
    "category": "culture", "cost": "120000", "language": "zh",
}  # fmt: skip

REVIEW_CALL = {
    "slug": "harness-call", "kind": "innovation", "title_zh": "測試創新提案", "title_en": "Harness call",
    "opens": "2026-01-01", "closes": "2026-12-31", "method": "mean",
}  # fmt: skip
REVIEW_ENTRY = {
    "title": "智慧停車導引",
    "agency": "交通局",
    "team": "王小明",
    "summary": "停車導引。",
    "benefits": "減少繞行。",
}
REVIEW_SCORE = {
    "score-innovation": "25", "score-feasibility": "16", "score-impact": "25", "score-transferability": "8",
    "score-presentation": "8", "comment": "具體可行。", "note": "", "reason": "再看一次",
}  # fmt: skip
PDF_UPLOAD: Upload = ("plan.pdf", b"%PDF-1.4\n% harness\n", "application/pdf")

ROUTES: dict[tuple[str, str], Access] = {
    # --- the shell ---------------------------------------------------------------------------
    ("GET", "/"): Access(EVERYONE),
    ("GET", "/account"): Access(SIGNED_IN),
    ("GET", "/admin/accounts"): Access(ADMIN),
    ("POST", "/admin/accounts/{account_id}/roles"): Access(ADMIN, form={"role": "reviewer", "change": "grant"}),
    ("GET", "/admin/audit/"): Access(
        ADMIN,
        query={"context": "glossary", "actor": "system", "since": "2026-01-01", "until": "2026-12-31", "page": "1"},
    ),
    ("GET", "/healthz"): Access(EVERYONE),
    ("GET", "/static/{path}"): Access(EVERYONE),
    # --- signing in --------------------------------------------------------------------------
    ("GET", "/login"): Access(EVERYONE, query={"next": "/glossary/"}),
    ("GET", "/auth/callback"): Access(
        EVERYONE, query={"code": "not-a-code", "state": "not-a-state", "error": "", "error_description": ""}
    ),
    ("POST", "/logout"): Access(EVERYONE),
    ("POST", "/account/sign-out-everywhere"): Access(SIGNED_IN),
    # --- the glossary ------------------------------------------------------------------------
    ("GET", "/glossary/"): Access(
        EVERYONE, query={"q": "fengshan", "category": "district", "district": "", "page": "1"}
    ),
    ("GET", "/glossary/terms/{term_id}"): Access(EVERYONE),
    ("GET", "/glossary/export.{format}"): Access(EVERYONE),
    ("GET", "/glossary/propose"): Access(TRANSLATOR, STAFF, query={"zh": "蓮池潭", "term": "{term_id}"}),
    ("POST", "/glossary/propose"): Access(TRANSLATOR, STAFF, form={**PROPOSAL, "action": "propose"}),
    ("GET", "/glossary/suggestions"): Access(TRANSLATOR, STAFF, query=PROPOSAL),
    ("GET", "/glossary/waiting"): Access(EVERYONE),
    ("GET", "/glossary/mine"): Access(TRANSLATOR, STAFF),
    ("GET", "/glossary/queue"): Access(STAFF),
    ("POST", "/glossary/queue"): Access(STAFF, form={"meeting_id": "{meeting_id}", "term_id": "{proposed_term_id}"}),
    ("GET", "/glossary/meetings"): Access(EVERYONE),
    ("POST", "/glossary/meetings"): Access(
        STAFF, form={"date": "2026-12-15", "title": "英語友善環境審查會議 第13次", "members": "林委員\n陳委員"}
    ),
    ("GET", "/glossary/meetings/{meeting_id}"): Access(EVERYONE),
    ("POST", "/glossary/meetings/{meeting_id}/agenda"): Access(STAFF, form={"term_id": "{proposed_term_id}"}),
    ("POST", "/glossary/meetings/{meeting_id}/decisions"): Access(
        STAFF, form={"term_id": "{agenda_term_id}", "outcome": "defer", "en": "", "reason": ""}
    ),
    ("GET", "/glossary/import"): Access(STAFF),
    ("POST", "/glossary/import"): Access(
        STAFF, form={"approved_column": "en", "step": "check"}, files={"file": CSV_UPLOAD}
    ),
    # --- participatory budgeting -----------------------------------------------------------
    # Author-only routes are declared RESIDENT: the seeded proposal is the resident's, and anyone
    # else (reviewer, translator, staff, admin) is refused with 403 by the author check itself.
    ("GET", "/budgeting/"): Access(EVERYONE),
    ("GET", "/budgeting/new"): Access(STAFF),
    ("POST", "/budgeting/new"): Access(STAFF, form={"spec": BUDGET_SPEC}),
    ("GET", "/budgeting/agencies"): Access(STAFF),
    ("POST", "/budgeting/agencies"): Access(
        STAFF, form={"code": "water", "name_zh": "高雄市政府水利局", "name_en": "Water Resources Bureau"}
    ),
    ("POST", "/budgeting/agencies/{agency}/reviewers"): Access(STAFF, form={"account_id": "{reviewer_account_id}"}),
    ("GET", "/budgeting/mine/proposals"): Access(SIGNED_IN),
    ("GET", "/budgeting/mine/endorsements"): Access(SIGNED_IN),
    ("GET", "/budgeting/proposals/{proposal_id}"): Access(EVERYONE),
    ("GET", "/budgeting/proposals/{proposal_id}/endorsements"): Access(EVERYONE),
    ("POST", "/budgeting/proposals/{proposal_id}/endorse"): Access(SIGNED_IN, form={"action": "endorse"}),
    ("GET", "/budgeting/proposals/{proposal_id}/edit"): Access(RESIDENT),
    ("POST", "/budgeting/proposals/{proposal_id}/edit"): Access(RESIDENT, form={**BUDGET_PROPOSAL, "action": "submit"}),
    ("POST", "/budgeting/proposals/{proposal_id}/withdraw"): Access(RESIDENT),
    ("POST", "/budgeting/proposals/{proposal_id}/hide"): Access(STAFF, form={"reason": "重複提案", "version": "1"}),
    ("POST", "/budgeting/proposals/{proposal_id}/merge"): Access(
        STAFF, form={"target": "{other_proposal_id}", "version": "1"}
    ),
    ("POST", "/budgeting/proposals/{proposal_id}/review"): Access(STAFF, form={"version": "1"}),
    ("POST", "/budgeting/proposals/{proposal_id}/assign"): Access(STAFF, form={"agency": "{agency}", "version": "1"}),
    ("POST", "/budgeting/proposals/{proposal_id}/answer"): Access(
        REVIEWER, form={"feasible": "yes", "cost": "100000", "duration_days": "60", "reason": ""}
    ),
    ("POST", "/budgeting/proposals/{proposal_id}/notes"): Access(STAFF, REVIEWER, form={"note": "現勘完成"}),
    ("POST", "/budgeting/proposals/{proposal_id}/ballot"): Access(STAFF, form={"version": "1"}),
    ("GET", "/budgeting/{slug}"): Access(EVERYONE),
    ("POST", "/budgeting/{slug}/phase"): Access(STAFF, form={"phase": "endorsement"}),
    ("GET", "/budgeting/{slug}/proposals"): Access(
        EVERYONE,
        query={
            "q": "書櫃",
            "area": "hamasen",
            "category": "culture",
            "status": "published",
            "sort": "cost",
            "page": "1",
        },
    ),
    ("GET", "/budgeting/{slug}/propose"): Access(SIGNED_IN, query={"area": "hamasen"}),
    ("POST", "/budgeting/{slug}/propose"): Access(SIGNED_IN, form={**BUDGET_PROPOSAL, "action": "submit"}),
    ("GET", "/budgeting/{slug}/similar"): Access(EVERYONE, query={"title": "街角書櫃", "description": "共享書櫃"}),
    ("GET", "/budgeting/{slug}/review"): Access(STAFF, REVIEWER),
    # Public once published; staff may preview at counting (before that: 404 for everyone).
    ("GET", "/budgeting/{slug}/results"): Access(EVERYONE),
    ("GET", "/budgeting/{slug}/results/{area}.pb"): Access(EVERYONE),
    ("GET", "/budgeting/{slug}/ballot/meter"): Access(EVERYONE, query={"area": "hamasen"}),
    ("POST", "/budgeting/{slug}/ballot/meter"): Access(EVERYONE, form={"area": "hamasen", "choice": "P1"}),
    # Voting (web/voting.py): the seeded cycle is in intake, so these meet their refusals.
    ("GET", "/budgeting/{slug}/verify"): Access(SIGNED_IN),
    ("POST", "/budgeting/{slug}/verify"): Access(
        SIGNED_IN, form={"id_number": "E223456710", "birth_date": "69/03/04"}, records_refusals=True
    ),
    ("GET", "/budgeting/{slug}/vote"): Access(SIGNED_IN),
    ("POST", "/budgeting/{slug}/vote"): Access(SIGNED_IN, form=BALLOT),
    ("GET", "/budgeting/{slug}/vote/receipt"): Access(SIGNED_IN),
    ("GET", "/budgeting/{slug}/vote/{area}"): Access(SIGNED_IN),
    ("POST", "/budgeting/{slug}/vote/{area}"): Access(SIGNED_IN, form=BALLOT),
    ("GET", "/budgeting/{slug}/receipts"): Access(EVERYONE, query={"code": "ACDE-FG2347"}),
    ("GET", "/budgeting/{slug}/station"): Access(STAFF, query={"station": "鼓山國小", "area": "hamasen"}),
    ("POST", "/budgeting/{slug}/station"): Access(
        STAFF, form={**BALLOT, "station": "鼓山國小", "id_number": "E223456710", "birth_date": "1980-03-04"}
    ),
    ("GET", "/budgeting/{slug}/bindings"): Access(STAFF, query={"area": "hamasen"}),
    ("POST", "/budgeting/{slug}/bindings/release"): Access(
        STAFF, form={"account": "{account_id}", "reason": "冒用他人身分"}
    ),
    ("GET", "/budgeting/{slug}/census"): Access(STAFF),
    ("POST", "/budgeting/{slug}/census"): Access(STAFF, files={"file": CENSUS_UPLOAD}),
    ("GET", "/budgeting/{slug}/census/progress/{job}"): Access(STAFF),
    # --- review panels and awards (the seeded call is in its scoring round; the harness reviewer
    # chairs its panel and screens; the resident submitted its entry) -------------------------
    ("GET", "/review/"): Access(EVERYONE),
    ("GET", "/review/new"): Access(STAFF),
    ("POST", "/review/new"): Access(STAFF, form=REVIEW_CALL),
    ("GET", "/review/mine"): Access(SIGNED_IN),
    ("GET", "/review/{call}"): Access(EVERYONE),
    ("POST", "/review/{call}/phase"): Access(STAFF, form={"action": "start_screening"}),
    ("GET", "/review/{call}/panel"): Access(STAFF),
    ("POST", "/review/{call}/panel"): Access(
        STAFF, form={"account_id": "{account_id}", "name": "外部委員", "kind": "external", "agency": "", "chair": ""}
    ),
    ("POST", "/review/{call}/screeners"): Access(STAFF, form={"screener": "{account_id}"}),
    ("GET", "/review/{call}/submit"): Access(SIGNED_IN),
    ("POST", "/review/{call}/submit"): Access(SIGNED_IN, form=REVIEW_ENTRY, files={"attachment": PDF_UPLOAD}),
    ("GET", "/review/{call}/screening"): Access(STAFF, REVIEWER),
    ("POST", "/review/{call}/shortlist"): Access(STAFF, REVIEWER, form={"entry": "{entry}"}),
    ("POST", "/review/{call}/entries/{entry}/screen"): Access(STAFF, REVIEWER, form={"decision": "pass", "reason": ""}),
    ("GET", "/review/{call}/queue"): Access(REVIEWER),
    ("GET", "/review/{call}/entries/{entry}/score"): Access(REVIEWER),
    ("POST", "/review/{call}/entries/{entry}/score"): Access(REVIEWER, form=REVIEW_SCORE),
    ("GET", "/review/{call}/entries/{entry}/letter"): Access(RESIDENT, STAFF),
    ("GET", "/review/{call}/entries/{entry}/edit"): Access(RESIDENT),
    ("POST", "/review/{call}/entries/{entry}/edit"): Access(RESIDENT, form=REVIEW_ENTRY),
    ("POST", "/review/{call}/entries/{entry}/conflict"): Access(REVIEWER, form={"reason": "曾擔任顧問"}),
    ("POST", "/review/{call}/entries/{entry}/attachments"): Access(RESIDENT, files={"attachment": PDF_UPLOAD}),
    ("GET", "/review/{call}/entries/{entry}/attachments/{attachment}"): Access(RESIDENT, REVIEWER, STAFF),
    ("POST", "/review/{call}/assignment"): Access(STAFF, form={"mode": "balanced", "per_entry": "1"}),
    ("POST", "/review/{call}/scorers"): Access(STAFF, form={"entry": "{entry}", "member": "{reviewer_account_id}"}),
    ("GET", "/review/{call}/chair"): Access(REVIEWER, STAFF),
    ("POST", "/review/{call}/awards"): Access(REVIEWER, form={"attending": "1", "in_favour": "1", "against": "0"}),
    ("GET", "/review/{call}/awards"): Access(EVERYONE),
    ("GET", "/review/{call}/awards.csv"): Access(EVERYONE),
    ("GET", "/review/{call}/sheet.csv"): Access(STAFF),
}

UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
