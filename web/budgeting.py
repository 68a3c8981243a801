"""Budgeting pages: cycles and their timeline, proposals (list, page, propose, edit), endorsement,
feasibility review, and "my proposals" / "my endorsements". Every page works without JavaScript;
htmx swaps the endorsement counter, the similar-proposal suggestions and the proposal list.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any, TypeVar
from uuid import UUID

from sqlite_utils import Database
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route

from domain.accounts import REVIEWER, STAFF
from domain.budgeting import errors
from domain.budgeting.cycles import next_scheduled
from domain.budgeting.errors import SpecError
from domain.budgeting.service import BEFORE_VOTING, CATEGORIES, city_now
from domain.budgeting.spec import MAX_BUDGET, PHASES, parse
from projections import budgeting_queries as queries
from projections.accounts import accounts as all_accounts
from web import budgeting_census, i18n
from web import budgeting_text as text
from web import voting as voting_pages
from web.auth import require_role, require_user
from web.ballot_form import ballot_meter
from web.budgeting_results import record_results
from web.budgeting_results import routes as results_routes
from web.consistency import see_own_write
from web.errors import error_page
from web.i18n import gettext
from web.navigation import N_, NavItem
from web.parts import AuditWording, WebPart
from web.templating import SharedPage, is_htmx, render

VIEW = "budgeting"
MAX_PAGE = 10_000
MAX_QUERY = 100
MAX_SPEC = 100_000
T = TypeVar("T")


def _services(request: Request) -> Any:
    return request.app.state.services


async def _read(request: Request, query: Callable[[Database], T], *views: str) -> T:
    def run() -> T:
        with _services(request).reader(*(views or (VIEW,))) as db:
            return query(db)

    return await run_in_threadpool(run)


def _texts() -> dict[str, Any]:
    return {
        "phases_text": text.PHASES, "statuses": text.STATUSES, "categories_text": text.CATEGORIES,
        "rules_text": text.RULES, "ballot_kinds": text.BALLOT_KINDS, "history_text": text.HISTORY,
        "all_phases": PHASES, "category_codes": CATEGORIES,
    }  # fmt: skip


def _user(request: Request) -> dict | None:
    return getattr(request.state, "user", None)


def _roles(request: Request) -> set[str]:
    user = _user(request)
    return set(user["roles"]) if user else set()


def _uuid(value: str) -> UUID:
    try:
        return UUID(value)
    except ValueError:
        raise HTTPException(404) from None


def _redirect(request: Request, url: object) -> Response:
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": str(url)})
    return RedirectResponse(str(url), status_code=303)


def _int_field(raw: object, field: str, errors_: dict[str, str]) -> int:
    value = str(raw or "").strip().replace(",", "")
    if not value.isascii() or not value.isdecimal() or len(value) > 13:
        errors_[field] = text.field_problem(field, "not_a_number")
        return 0
    number = int(value)
    if number > MAX_BUDGET:
        errors_[field] = text.field_problem(field, "out_of_range")
    return number


def _shared(request: Request, page: str, problem: str = "") -> SharedPage | None:
    """The page as every visitor without a session sees it (``SharedPage``), for a plain GET."""
    return SharedPage.of(request, (VIEW,), (page,)) if request.method == "GET" and not problem else None


def _fresh(spec: Mapping[str, Any], read_at: datetime) -> Callable[[], bool] | None:
    """Whether a page read at ``read_at`` (or later) still shows the cycle's phase: until the next
    scheduled start after ``read_at`` (the phase opens then, before any event says so)."""
    until = next_scheduled(spec.get("schedule", {}), read_at)
    return None if until is None else lambda: city_now() < until


def _page_number(raw: str) -> int:
    if not raw.isascii() or not raw.isdecimal() or len(raw) > 6:
        return 1
    return max(1, min(int(raw), MAX_PAGE))


async def _cycle(request: Request, slug: str) -> dict[str, Any]:
    found = await _read(request, lambda db: queries.cycle(db, slug, city_now()))
    if found is None:
        raise HTTPException(404)
    return found


async def _proposal(request: Request, proposal_id: UUID) -> dict[str, Any]:
    found = await _read(request, lambda db: queries.proposal(db, str(proposal_id)))
    if found is None:
        raise HTTPException(404)
    return found


# --- cycles -----------------------------------------------------------------------------------


async def cycles_page(request: Request) -> Response:
    rows = await _read(request, lambda db: queries.cycles(db, city_now()))
    return render(request, "budgeting/cycles.html", {"cycles": rows, **_texts()})


async def new_cycle_form(request: Request) -> Response:
    require_role(request, STAFF)
    return render(request, "budgeting/new.html", {"spec": "", "errors": {}})


async def create_cycle(request: Request) -> Response:
    user = require_role(request, STAFF)
    form = await request.form()
    spec_text = str(form.get("spec", ""))
    problem = ""
    if len(spec_text) > MAX_SPEC:
        problem = gettext("The settings are too long.")
    else:
        try:
            spec = parse(spec_text)
            recorded = await run_in_threadpool(_services(request).budgeting.create_cycle, spec, user["id"])
        except (SpecError, errors.CycleExistsError) as error:
            problem = text.refusal(error)
    if problem:
        context = {"spec": spec_text, "errors": {"spec": problem}}
        return render(request, "budgeting/new.html", context, status_code=422)
    await see_own_write(request, recorded.position, VIEW)
    return _redirect(request, request.url_for("budgeting_cycle", slug=recorded.result))


async def cycle_page(request: Request, problem: str = "", status_code: int = 200) -> Response:
    slug = request.path_params["slug"]
    shared = _shared(request, "cycle", problem)
    recalled = shared.recalled() if shared else None
    if recalled is not None:
        return recalled
    read_at = city_now()

    def read(db: Database) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]] | None:
        cycle = queries.cycle(db, slug, city_now())  # one trip to a worker thread, not two
        return None if cycle is None else (cycle, queries.phase_log(db, cycle["id"]), queries.ballot(db, cycle["id"]))

    read_together = await _read(request, read)
    if read_together is None:
        raise HTTPException(404)
    found, phases, ballot = read_together
    context = {"cycle": found, "spec": found["spec"], "phase_log": phases, "ballot": ballot, "problem": problem,
               "next_phases": PHASES[PHASES.index(found["phase"]) + 1:], **_texts()}  # fmt: skip
    response = render(request, "budgeting/cycle.html", context, block="phase", status_code=status_code)
    return shared.keep(response, _fresh(found["spec"], read_at)) if shared else response


async def advance(request: Request) -> Response:
    user = require_role(request, STAFF)
    slug = request.path_params["slug"]
    form = await request.form()
    phase = str(form.get("phase", ""))
    if phase not in PHASES:
        return await cycle_page(request, text.refusal(errors.PhaseError(slug, "", "unknown_phase")), 422)
    try:
        recorded = await run_in_threadpool(_services(request).budgeting.advance, slug, phase, user["id"])
    except errors.PhaseError as error:
        return await cycle_page(request, text.refusal(error), 409)
    counted = await run_in_threadpool(record_results, _services(request), slug, user["id"])  # at counting
    await see_own_write(request, max(recorded.position, counted.position), VIEW, "results")
    return _redirect(request, request.url_for("budgeting_cycle", slug=slug))


# --- proposals: list and page -----------------------------------------------------------------


async def proposals_page(request: Request) -> Response:
    shared = _shared(request, "proposals")
    recalled = shared.recalled() if shared else None
    if recalled is not None:
        return recalled
    read_at = city_now()
    found = await _cycle(request, request.path_params["slug"])
    params = request.query_params
    area, category, status = params.get("area", ""), params.get("category", ""), params.get("status", "")
    query, sort = params.get("q", "").strip(), params.get("sort", "newest")
    page = _page_number(params.get("page", "1"))
    query_error = gettext("Search for at most %(most)s characters.", most=MAX_QUERY) if len(query) > MAX_QUERY else ""
    sort = sort if sort in queries.SORTS else "newest"

    def read(db: Database) -> list[dict[str, Any]]:
        return queries.proposals(
            db, found["id"], area=area, category=category, status=status, query="" if query_error else query,
            sort=sort, limit=queries.PAGE_SIZE + 1, offset=(page - 1) * queries.PAGE_SIZE,
        )  # fmt: skip

    rows = await _read(request, read)
    context = {
        "cycle": found, "spec": found["spec"], "proposals": rows[: queries.PAGE_SIZE],
        "has_next": len(rows) > queries.PAGE_SIZE, "page": page, "area": area, "category": category,
        "status": status, "query": query, "sort": sort, "query_error": query_error, "sorts": SORT_LABELS, **_texts(),
    }  # fmt: skip
    response = render(
        request, "budgeting/proposals.html", context, block="results", status_code=422 if query_error else 200
    )
    return shared.keep(response, _fresh(found["spec"], read_at)) if shared else response


SORT_LABELS = {
    "newest": N_("Newest first"),
    "oldest": N_("Oldest first"),
    "endorsements": N_("Most endorsed"),
    "cost": N_("Lowest cost"),
}


async def proposal_page(
    request: Request, problem: str = "", status_code: int = 200, block: str | None = None
) -> Response:
    proposal_id = _uuid(request.path_params["proposal_id"])
    user, roles = _user(request), _roles(request)
    account = user["id"] if user else ""
    insider = bool({STAFF, REVIEWER} & roles)
    shared = _shared(request, "proposal", problem)
    recalled = shared.recalled() if shared else None
    if recalled is not None:
        return recalled
    read_at = city_now()

    def read(db: Database) -> dict[str, Any]:
        row = queries.proposal(db, str(proposal_id))
        if row is None:
            return {}
        cycle_row = queries.cycle_by_id(db, row["cycle_id"], city_now())
        return {
            "proposal": row, "cycle": cycle_row, "spec": cycle_row["spec"],
            "versions": queries.versions(db, str(proposal_id)), "history": queries.history(db, str(proposal_id)),
            "notes": queries.notes(db, str(proposal_id)) if insider else [],
            "endorsed": bool(account) and queries.endorsed_by(db, str(proposal_id), account),
            "agencies": queries.agencies(db),
            "my_agencies": queries.agencies_of(db, account) if account else [],
            "merge_targets": [
                p for p in queries.proposals(db, row["cycle_id"], area=row["area"], limit=200) if p["id"] != row["id"]
            ] if STAFF in roles else [],
        }  # fmt: skip

    context = await _read(request, read)
    if not context:
        raise HTTPException(404)
    is_author = bool(account) and account in context["proposal"]["authors"]
    context.update(problem=problem, problem_block=block, is_author=is_author, is_staff=STAFF in roles, is_reviewer=REVIEWER in roles,
                   can_review=REVIEWER in roles and context["proposal"]["agency"] in context["my_agencies"],
                   before_voting=context["cycle"]["phase"] in BEFORE_VOTING, **_texts())  # fmt: skip
    response = render(request, "budgeting/proposal.html", context, block=block, status_code=status_code)
    return shared.keep(response, _fresh(context["spec"], read_at)) if shared else response


async def endorsements_fragment(request: Request) -> Response:
    """The live counter: the plain page without JavaScript, the block for htmx polling."""
    return await proposal_page(request, block="endorsement")


# --- proposing and editing --------------------------------------------------------------------

FIELDS = ("area", "title", "description", "place", "category", "cost", "language")


def _values(source: Mapping[str, Any]) -> dict[str, str]:
    return {key: str(source.get(key, "")) for key in FIELDS}


async def propose_form(request: Request) -> Response:
    require_user(request)
    found = await _cycle(request, request.path_params["slug"])
    values = _values(request.query_params)
    values["language"] = values["language"] or ("zh" if i18n.current_locale.get() == i18n.ZH else "en")
    return await _proposal_form(request, found, values, {})


async def _proposal_form(
    request: Request, found: dict[str, Any], values: dict[str, str], errors_: dict[str, str], *,
    proposal_id: str = "", status_code: int = 200, block: str | None = "form",
) -> Response:  # fmt: skip
    probe = f"{values.get('title', '')} {values.get('description', '')}"
    similar = await _read(request, lambda db: queries.similar(db, found["id"], probe, exclude=proposal_id))
    context = {"cycle": found, "spec": found["spec"], "values": values, "errors": errors_, "similar": similar,
               "proposal_id": proposal_id, **_texts()}  # fmt: skip
    if errors_ and status_code == 200:
        status_code = 422
    return render(request, "budgeting/propose.html", context, block=block, status_code=status_code)


async def similar_fragment(request: Request) -> Response:
    """Suggestions while typing (htmx), or the form with them (no JavaScript: "check" button)."""
    found = await _cycle(request, request.path_params["slug"])
    values = _values(request.query_params)
    return await _proposal_form(request, found, values, {}, block="similar")


def _content(values: dict[str, str], errors_: dict[str, str]) -> int:
    cost = _int_field(values["cost"], "cost", errors_)
    if values["category"] not in CATEGORIES:
        errors_["category"] = text.field_problem("category", "unknown")
    for field in ("title", "description"):
        if not values[field].strip():
            errors_[field] = text.field_problem(field, "missing")
    return cost


async def propose(request: Request) -> Response:
    user = require_user(request)
    slug = request.path_params["slug"]
    found = await _cycle(request, slug)
    form = await request.form()
    values = _values(form)
    if form.get("action") == "check":
        return await _proposal_form(request, found, values, {})
    errors_: dict[str, str] = {}
    cost = _content(values, errors_)
    if errors_:
        return await _proposal_form(request, found, values, errors_)
    try:
        recorded = await run_in_threadpool(
            lambda: _services(request).budgeting.submit(
                slug, values["area"], values["title"], values["description"], values["place"], values["category"],
                cost, values["language"], user["id"],
            )
        )  # fmt: skip
    except errors.InvalidFieldError as invalid:
        return await _proposal_form(request, found, values, {invalid.field: text.refusal(invalid)})
    except errors.PhaseError as closed:
        return await _proposal_form(request, found, values, {"title": text.refusal(closed)}, status_code=409)
    await see_own_write(request, recorded.position, VIEW)
    return _redirect(request, request.url_for("budgeting_proposal", proposal_id=str(recorded.result)))


async def edit_form(request: Request) -> Response:
    user = require_user(request)
    proposal_id = _uuid(request.path_params["proposal_id"])
    row = await _proposal(request, proposal_id)
    if user["id"] not in row["authors"]:
        raise HTTPException(403)
    found = await _read(request, lambda db: queries.cycle_by_id(db, row["cycle_id"], city_now()))
    values = {key: str(row[key]) for key in FIELDS}
    return await _proposal_form(request, found, values, {}, proposal_id=str(proposal_id))


async def edit(request: Request) -> Response:
    user = require_user(request)
    proposal_id = _uuid(request.path_params["proposal_id"])
    row = await _proposal(request, proposal_id)
    found = await _read(request, lambda db: queries.cycle_by_id(db, row["cycle_id"], city_now()))
    form = await request.form()
    values = {**_values(form), "area": row["area"]}
    if form.get("action") == "check":
        return await _proposal_form(request, found, values, {}, proposal_id=str(proposal_id))
    errors_: dict[str, str] = {}
    cost = _content(values, errors_)
    if errors_:
        return await _proposal_form(request, found, values, errors_, proposal_id=str(proposal_id))
    try:
        recorded = await run_in_threadpool(
            lambda: _services(request).budgeting.edit(
                proposal_id, values["title"], values["description"], values["place"], values["category"], cost,
                values["language"], user["id"],
            )
        )  # fmt: skip
    except errors.NotAuthorError:
        raise HTTPException(403) from None
    except errors.InvalidFieldError as invalid:
        return await _proposal_form(request, found, values, {invalid.field: text.refusal(invalid)},
                                    proposal_id=str(proposal_id))  # fmt: skip
    except (errors.PhaseError, errors.ProposalStatusError) as refused:
        return await _proposal_form(request, found, values, {"title": text.refusal(refused)},
                                    proposal_id=str(proposal_id), status_code=409)  # fmt: skip
    await see_own_write(request, recorded.position, VIEW)
    return _redirect(request, request.url_for("budgeting_proposal", proposal_id=str(proposal_id)))


# --- commands on a proposal -------------------------------------------------------------------


def _version(form: Mapping[str, Any]) -> int | None:
    raw = str(form.get("version", ""))
    return int(raw) if raw.isascii() and raw.isdecimal() and len(raw) < 10 else None


async def _act(request: Request, command: Callable[[UUID, Mapping[str, Any], dict], Any], *,
               block: str | None = None) -> Response:  # fmt: skip
    """Runs a command on the proposal; a refusal re-renders the page with the reason (409/422)."""
    user = require_user(request)
    proposal_id = _uuid(request.path_params["proposal_id"])
    await _proposal(request, proposal_id)
    form = await request.form()
    try:
        recorded = await run_in_threadpool(command, proposal_id, form, user)
    except (errors.NotAuthorError, errors.NotAssignedError):
        raise HTTPException(403) from None
    except errors.InvalidFieldError as invalid:
        return await proposal_page(request, text.refusal(invalid), 422, block=block)
    except (errors.ProposalNotFoundError, errors.AgencyNotFoundError) as missing:
        return await proposal_page(request, text.refusal(missing), 422, block=block)
    except errors.BudgetingError as refused:
        return await proposal_page(request, text.refusal(refused), 409, block=block)
    await see_own_write(request, recorded.position, VIEW)
    if block and is_htmx(request):
        return await proposal_page(request, block=block)
    return _redirect(request, request.url_for("budgeting_proposal", proposal_id=str(proposal_id)))


async def endorse(request: Request) -> Response:
    budgeting = _services(request).budgeting

    def run(proposal_id: UUID, form: Mapping[str, Any], user: dict) -> Any:
        if form.get("action") == "withdraw":
            return budgeting.withdraw_endorsement(proposal_id, user["id"])
        return budgeting.endorse(proposal_id, user["id"])

    return await _act(request, run, block="endorsement")


async def withdraw(request: Request) -> Response:
    budgeting = _services(request).budgeting
    return await _act(request, lambda pid, form, user: budgeting.withdraw(pid, user["id"]))


async def hide(request: Request) -> Response:
    require_role(request, STAFF)
    budgeting = _services(request).budgeting
    return await _act(
        request, lambda pid, form, user: budgeting.hide(pid, str(form.get("reason", "")), user["id"], _version(form))
    )


async def merge(request: Request) -> Response:
    require_role(request, STAFF)
    budgeting = _services(request).budgeting

    def run(pid: UUID, form: Mapping[str, Any], user: dict) -> Any:
        try:
            target = UUID(str(form.get("target", "")))
        except ValueError:
            raise errors.InvalidFieldError("target", "unknown") from None
        return budgeting.merge(pid, target, user["id"], _version(form))

    return await _act(request, run)


async def assign(request: Request) -> Response:
    require_role(request, STAFF)
    budgeting = _services(request).budgeting
    return await _act(
        request, lambda pid, form, user: budgeting.assign(pid, str(form.get("agency", "")), user["id"], _version(form))
    )


async def send_to_review(request: Request) -> Response:
    require_role(request, STAFF)
    budgeting = _services(request).budgeting
    return await _act(request, lambda pid, form, user: budgeting.send_to_review(pid, user["id"], _version(form)))


async def put_on_ballot(request: Request) -> Response:
    require_role(request, STAFF)
    budgeting = _services(request).budgeting
    return await _act(request, lambda pid, form, user: budgeting.put_on_ballot(pid, user["id"], _version(form)))


async def answer(request: Request) -> Response:
    require_role(request, REVIEWER)
    budgeting = _services(request).budgeting

    def run(pid: UUID, form: Mapping[str, Any], user: dict) -> Any:
        feasible = form.get("feasible") == "yes"
        if form.get("feasible") not in ("yes", "no"):
            raise errors.InvalidFieldError("feasible", "missing")
        cost = duration = 0
        if feasible:
            problems: dict[str, str] = {}
            cost = _int_field(form.get("cost", ""), "cost", problems)
            duration = _int_field(form.get("duration_days", ""), "duration_days", problems)
            if problems:
                raise errors.InvalidFieldError(next(iter(problems)), "not_a_number")
        return budgeting.answer(pid, feasible, user["id"], cost=cost, duration_days=duration,
                                reason=str(form.get("reason", "")))  # fmt: skip

    return await _act(request, run)


async def add_note(request: Request) -> Response:
    if not {STAFF, REVIEWER} & set(require_user(request)["roles"]):
        raise HTTPException(403)
    budgeting = _services(request).budgeting
    return await _act(request, lambda pid, form, user: budgeting.add_note(pid, str(form.get("note", "")), user["id"]))


# --- review queue, agencies, my pages ---------------------------------------------------------


async def review_page(request: Request) -> Response:
    user = require_user(request)
    if not {STAFF, REVIEWER} & set(user["roles"]):
        raise HTTPException(403)
    found = await _cycle(request, request.path_params["slug"])
    rows, mine = await _read(request, lambda db: (queries.review_queue(db, found["id"]),
                                                  queries.agencies_of(db, user["id"])))  # fmt: skip
    if STAFF not in user["roles"]:
        rows = [row for row in rows if row["agency"] in mine]
    return render(request, "budgeting/review.html", {"cycle": found, "spec": found["spec"], "queue": rows, **_texts()})


async def agencies_page(request: Request, problem: str = "", status_code: int = 200) -> Response:
    require_role(request, STAFF)

    def read(db: Database) -> dict[str, Any]:
        rows = queries.agencies(db)
        members = queries.reviewers_by_agency(db)
        people = {row["id"]: row for row in all_accounts(db)}
        return {"agencies": rows, "members": {row["code"]: members.get(row["code"], []) for row in rows}, "people": people,
                "reviewers": [row for row in people.values() if REVIEWER in row["roles"]]}  # fmt: skip

    context = await _read(request, read, VIEW, "accounts")
    return render(request, "budgeting/agencies.html", {**context, "problem": problem}, status_code=status_code)


async def add_agency(request: Request) -> Response:
    user = require_role(request, STAFF)
    form = await request.form()
    code, name_zh, name_en = (str(form.get(key, "")).strip() for key in ("code", "name_zh", "name_en"))
    try:
        recorded = await run_in_threadpool(_services(request).budgeting.register_agency, code, name_zh, name_en,
                                           user["id"])  # fmt: skip
    except errors.InvalidFieldError as invalid:
        return await agencies_page(request, text.refusal(invalid), 422)
    await see_own_write(request, recorded.position, VIEW)
    return _redirect(request, request.url_for("budgeting_agencies"))


async def add_reviewer(request: Request) -> Response:
    from domain.accounts import AccountNotFoundError

    user = require_role(request, STAFF)
    form = await request.form()
    code = request.path_params["agency"]
    try:
        account_id = UUID(str(form.get("account_id", "")))
        recorded = await run_in_threadpool(_services(request).budgeting.add_reviewer, code, account_id, user["id"])
    except (ValueError, AccountNotFoundError):
        return await agencies_page(request, gettext("Choose a reviewer from the list."), 422)
    except errors.AgencyNotFoundError as missing:
        return await agencies_page(request, text.refusal(missing), 404)
    await see_own_write(request, recorded.position, VIEW)
    return _redirect(request, request.url_for("budgeting_agencies"))


async def my_proposals(request: Request) -> Response:
    user = require_user(request)
    rows = await _read(request, lambda db: queries.my_proposals(db, user["id"]))
    return render(request, "budgeting/mine.html", {"rows": rows, "kind": "proposals", **_texts()})


async def my_endorsements(request: Request) -> Response:
    user = require_user(request)
    rows = await _read(request, lambda db: queries.my_endorsements(db, user["id"]))
    return render(request, "budgeting/mine.html", {"rows": rows, "kind": "endorsements", **_texts()})


# --- filters, wiring --------------------------------------------------------------------------


def day(value: date | datetime | str) -> str:
    """民國116年3月1日 on Chinese pages, the long English date on English ones."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    moment = i18n.local_time(moment)
    if i18n.current_locale.get() == i18n.ZH:
        return i18n.roc_date(moment)
    return i18n.format_date(moment, i18n.current_locale.get())


def localized(row: Mapping[str, Any], field: str) -> str:
    """``name_zh`` on Chinese pages, ``name_en`` on English ones."""
    suffix = "zh" if i18n.current_locale.get() == i18n.ZH else "en"
    return str(row.get(f"{field}_{suffix}") or row.get(f"{field}_zh") or "")


async def refused(request: Request, exc: Exception) -> Response:
    status = 404 if isinstance(exc, LookupError) else 422 if isinstance(exc, errors.BallotRuleError) else 409
    return error_page(request, status, detail=text.refusal(exc))


routes = [
    Mount(
        "/budgeting",
        routes=[
            Route("/", cycles_page, name="budgeting"),
            Route("/new", new_cycle_form, name="budgeting_new"),
            Route("/new", create_cycle, methods=["POST"], name="budgeting_create"),
            Route("/agencies", agencies_page, name="budgeting_agencies"),
            Route("/agencies", add_agency, methods=["POST"], name="budgeting_add_agency"),
            Route("/agencies/{agency}/reviewers", add_reviewer, methods=["POST"], name="budgeting_add_reviewer"),
            Route("/mine/proposals", my_proposals, name="budgeting_my_proposals"),
            Route("/mine/endorsements", my_endorsements, name="budgeting_my_endorsements"),
            Route("/proposals/{proposal_id}", proposal_page, name="budgeting_proposal"),
            Route("/proposals/{proposal_id}/endorsements", endorsements_fragment, name="budgeting_endorsements"),
            Route("/proposals/{proposal_id}/endorse", endorse, methods=["POST"], name="budgeting_endorse"),
            Route("/proposals/{proposal_id}/edit", edit_form, name="budgeting_edit_form"),
            Route("/proposals/{proposal_id}/edit", edit, methods=["POST"], name="budgeting_edit"),
            Route("/proposals/{proposal_id}/withdraw", withdraw, methods=["POST"], name="budgeting_withdraw"),
            Route("/proposals/{proposal_id}/hide", hide, methods=["POST"], name="budgeting_hide"),
            Route("/proposals/{proposal_id}/merge", merge, methods=["POST"], name="budgeting_merge"),
            Route("/proposals/{proposal_id}/review", send_to_review, methods=["POST"], name="budgeting_send_to_review"),
            Route("/proposals/{proposal_id}/assign", assign, methods=["POST"], name="budgeting_assign"),
            Route("/proposals/{proposal_id}/answer", answer, methods=["POST"], name="budgeting_answer"),
            Route("/proposals/{proposal_id}/notes", add_note, methods=["POST"], name="budgeting_note"),
            Route("/proposals/{proposal_id}/ballot", put_on_ballot, methods=["POST"], name="budgeting_ballot"),
            Route("/{slug}", cycle_page, name="budgeting_cycle"),
            Route("/{slug}/phase", advance, methods=["POST"], name="budgeting_advance"),
            Route("/{slug}/proposals", proposals_page, name="budgeting_proposals"),
            Route("/{slug}/propose", propose_form, name="budgeting_propose_form"),
            Route("/{slug}/propose", propose, methods=["POST"], name="budgeting_propose"),
            Route("/{slug}/similar", similar_fragment, name="budgeting_similar"),
            Route("/{slug}/review", review_page, name="budgeting_review"),
            *results_routes,
            Route("/{slug}/ballot/meter", ballot_meter, methods=["GET", "POST"], name="budgeting_ballot_meter"),
            *budgeting_census.routes,
            *voting_pages.routes,
        ],
    )
]

nav = [
    NavItem(N_("Participatory budgeting"), "budgeting"),
    NavItem(N_("My budget proposals"), "budgeting_my_proposals", "signed-in"),
    NavItem(N_("Review agencies"), "budgeting_agencies", STAFF),
]


def home_widget(db: Database) -> dict | None:
    return {
        "title": N_("Participatory budgeting"),
        "figure": queries.cycle_count(db),
        "caption": N_("budgeting cycles: propose, endorse and follow the reviews"),
        "url": "/budgeting/",
        "link": N_("See the cycles"),
    }


AUDIT = AuditWording(
    code="budgeting",
    context=N_("Participatory budgeting"),
    events={
        "Cycle.Opened": N_("Created a budgeting cycle"),
        "Cycle.SettingsChanged": N_("Changed a cycle's settings (its loaded ballot follows)"),
        "Cycle.PhaseAdvanced": N_("Moved a cycle to its next phase"),
        "Cycle.EntryAdded": N_("Gave a proposal its code on the ballot"),
        "Proposal.Submitted": N_("Submitted a proposal"),
        "Proposal.Edited": N_("Edited a proposal"),
        "Proposal.Withdrawn": N_("Withdrew a proposal"),
        "Proposal.Hidden": N_("Hid a proposal"),
        "Proposal.Endorsed": N_("Endorsed a proposal"),
        "Proposal.EndorsementWithdrawn": N_("Withdrew an endorsement"),
        "Proposal.SentToReview": N_("Sent a proposal to review"),
        "Proposal.MergedInto": N_("Merged a proposal into another"),
        "Proposal.Absorbed": N_("Took in a merged proposal"),
        "Proposal.Assigned": N_("Assigned a proposal to an agency"),
        "Proposal.Answered": N_("Answered a feasibility review"),
        "Proposal.NoteAdded": N_("Added an internal review note"),
        "Proposal.PutOnBallot": N_("Put a proposal on the ballot"),
        "Agency.Registered": N_("Registered a review agency"),
        "Agency.ReviewerAdded": N_("Added a reviewer to an agency"),
        "Agency.ReviewerRemoved": N_("Removed a reviewer from an agency"),
        "CycleResults.Counted": N_("Counted a cycle's ballots"),
        "CycleResults.Published": N_("Published a cycle's results"),
        # Voting (domain/budgeting/bindings.py, stations.py): ballots themselves are never audited.
        "AccountBinding.Verified": N_("Verified as a resident on the census"),
        "AccountBinding.Reverified": N_("Verified again after a binding was released"),
        "AccountBinding.Released": N_("Released a resident's census binding"),
        "EntryBinding.Bound": N_("Bound a census entry to an account"),
        "EntryBinding.Rebound": N_("Bound a released census entry to an account"),
        "EntryBinding.Released": N_("Released a census entry from its account"),
        "FailedAttempts.Failed": N_("Failed a census verification"),
        "FailedAttempts.FailedAgain": N_("Failed a census verification again"),
        "PollingStation.Opened": N_("Opened a polling station"),
        "PollingStation.BallotEntered": N_("Entered a paper ballot at a polling station"),
        "Census.Opened": N_("Started a cycle's census"),
        "Census.Imported": N_("Imported a cycle's census"),
    },
    link=lambda kind, aggregate_id: {"Proposal": f"/budgeting/proposals/{aggregate_id}"}.get(kind),
)

part = WebPart(
    routes=routes,
    nav=nav,
    filters=lambda services: {"day": day, "localized": localized},
    audit=AUDIT,
    errors={errors.BudgetingError: refused},
    home_widgets=[home_widget],
    views=(VIEW,),
    uploads=budgeting_census.UPLOADS,
)
