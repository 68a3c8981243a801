"""Voting pages: verify against the census, cast and change a ballot, the receipt, the public
receipt check, the polling station's paper ballots and the staff's list of bindings.

Every page works without JavaScript; the ballot form is budgeting/ballot_form.html (web/ballot_form.py)
with its live meter. What the pages never show or keep: a number or a birth date once the request
is over (they pass straight to the Voting service, which keeps only keyed hashes), and anything
that links a ballot to an account beyond the voter's own session. The voter's own ballot is
found through the ballot key (``Voting.ballot_of``), not from a read model listing who voted.

Refusals re-render the page with the reason in the page's language and status 422 (a closed
cycle, a ballot breaking a rule, a census mismatch); nothing is recorded then.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, TypeVar

from sqlite_utils import Database
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from domain.accounts import STAFF
from domain.budgeting import errors
from domain.budgeting.ballot_box import ONLINE, RECEIPT_ALPHABET, RECEIPT_LENGTH, normalize_receipt
from domain.budgeting.ballot_rules import MARKED, Choices
from domain.budgeting.census import parse_birth_date
from domain.budgeting.service import city_now
from domain.budgeting.spec import VOTING, CycleSpec
from projections import ballot_queries
from projections import budgeting_queries as queries
from projections.accounts import accounts as all_accounts
from web import i18n
from web import voting_text as text
from web.auth import require_role, require_user
from web.ballot_form import ballot_context, choices_from_form
from web.consistency import see_own_write
from web.flash import flash
from web.forms import read_form
from web.i18n import gettext
from web.templating import render
from web.threads import in_thread

MAX_NUMBER = 20  # characters of an ID number as typed (10 when clean)
MAX_DATE = 20
T = TypeVar("T")


def _services(request: Request) -> Any:
    return request.app.state.services


def _voting(request: Request) -> Any:
    return _services(request).voting


async def _read(request: Request, query: Callable[[Database], T], *views: str) -> T:
    def run() -> T:
        with _services(request).reader(*views) as db:
            return query(db)

    return await in_thread(run)


def _redirect(url: object) -> Response:
    return RedirectResponse(str(url), status_code=303)


async def _cycle_and_ballot(request: Request, slug: str) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    """The cycle as the budgeting read model has it (phase now, spec) and its areas' ballots.

    Kept between requests until the view moves on (``Services.cached``): a city's cycle is a
    spec of 38 areas and a ballot of hundreds of rows, the same for every voter. Read only.
    """

    def read(db: Database) -> tuple[dict[str, Any] | None, dict[str, list[dict[str, Any]]]]:
        found = queries.cycle(db, slug)
        return found, (queries.ballot(db, found["id"]) if found else {})

    def cached() -> tuple[dict[str, Any] | None, dict[str, list[dict[str, Any]]]]:
        return _services(request).cached(("budgeting",), ("cycle_and_ballot", slug), read)

    found, ballot = await in_thread(cached)
    if found is None:
        raise HTTPException(404)
    return queries.at(found, city_now()), ballot


def _area_of(found: Mapping[str, Any], code: str) -> dict[str, Any]:
    area = next((area for area in found["spec"]["areas"] if area["code"] == code), None)
    if area is None:
        raise HTTPException(404)
    return dict(area)


def _other_area(found: Mapping[str, Any]) -> bool:
    return bool(found["spec"].get("voting", {}).get("other_area", False))


def form_of(kind: str, choices: Mapping[str, int]) -> FormData:
    """A stored ballot as the form would post it: how "change my ballot" comes back pre-filled."""
    if kind in MARKED:
        return FormData([("choice", code) for code in choices])
    prefix = "points-" if kind == "cumulative" else "rank-"
    return FormData([(f"{prefix}{code}", str(value)) for code, value in choices.items()])


def birth_date(raw: str, today: date) -> date:
    """``YYYY-MM-DD`` or 民國 ``YYY/MM/DD`` (also as 民國79年5月17日); ValueError with a problem code."""
    value = raw.strip()
    if not value:
        raise ValueError("missing")
    if len(value) > MAX_DATE:
        raise ValueError("bad_date")
    try:
        return parse_birth_date(value, today)
    except ValueError as error:
        if str(error) == "future_date":
            raise
    try:
        born = i18n.parse_roc_date(value)
    except ValueError:
        raise ValueError("bad_date") from None
    if born > today:
        raise ValueError("future_date")
    return born


# --- verification -----------------------------------------------------------------------------


async def verify_form(request: Request, values: dict[str, str] | None = None, problems: dict[str, str] | None = None,
                      status_code: int = 200) -> Response:  # fmt: skip
    user = require_user(request)
    slug = request.path_params["slug"]
    found, _ballot = await _cycle_and_ballot(request, slug)
    if values is None and await in_thread(_voting(request).binding, slug, user["id"]) is not None:
        return _redirect(request.url_for("budgeting_vote", slug=slug))
    context = {"cycle": found, "spec": found["spec"], "values": values or {}, "errors": problems or {},
               "open": found["phase"] == VOTING}  # fmt: skip
    return render(request, "budgeting/vote_verify.html", context, status_code=status_code)


async def verify(request: Request) -> Response:
    user = require_user(request)
    slug = request.path_params["slug"]
    found, _ballot = await _cycle_and_ballot(request, slug)
    form = await request.form()
    number = str(form.get("id_number", ""))[:MAX_NUMBER].strip()
    raw_date = str(form.get("birth_date", ""))[:MAX_DATE]
    values = {"id_number": number, "birth_date": raw_date}
    if not number:
        return await verify_form(request, values, {"id_number": text.refusal(errors.VerificationError("bad_number"))},
                                 422)  # fmt: skip
    try:
        born = birth_date(raw_date, city_now().date())
    except ValueError as bad:
        return await verify_form(request, values, {"birth_date": text.date_problem(str(bad))}, 422)
    try:
        recorded = await in_thread(_voting(request).verify, slug, user["id"], number, born)
    except errors.VerificationError as refused:
        field = "birth_date" if refused.problem in ("wrong_birth_date", "under_age") else "id_number"
        status = 429 if refused.problem == "too_many_attempts" else 422
        return await verify_form(request, values, {field: text.refusal(refused)}, status)
    except errors.PhaseError as closed:
        return await verify_form(request, values, {"id_number": text.refusal(closed)}, 422)
    await see_own_write(request, recorded.position, "bindings")
    flash(request, gettext("You are verified: you vote in %(area)s.", area=_area_name(found, recorded.result)))
    return _redirect(request.url_for("budgeting_vote", slug=slug))


def _area_name(found: Mapping[str, Any], code: str) -> str:
    area: Mapping[str, Any] = next((area for area in found["spec"]["areas"] if area["code"] == code), {})
    suffix = "zh" if i18n.current_locale.get() == i18n.ZH else "en"
    return str(area.get(f"name_{suffix}") or area.get("name_zh") or code)


# --- the ballot -------------------------------------------------------------------------------


async def vote_page(request: Request) -> Response:
    """The voter's ballot: blank, or pre-filled with their current choices when they change it."""
    user = require_user(request)
    slug = request.path_params["slug"]
    voting = _voting(request)
    found, ballot = await _cycle_and_ballot(request, slug)  # an unknown cycle: 404, not a redirect
    binding = await in_thread(voting.binding, slug, user["id"])
    if binding is None:
        return _redirect(request.url_for("budgeting_verify_form", slug=slug))
    area = request.path_params.get("area", binding.area)
    current = await in_thread(voting.ballot_of, slug, user["id"])
    form = None
    if current is not None and current.area == area:
        form = form_of(found["spec"]["ballot"]["kind"], current.choices)
    return _ballot_page(request, found, ballot, binding.area, area, form, current=current)


def _ballot_page(request: Request, found: dict[str, Any], ballot: dict[str, list[dict[str, Any]]], own: str,
                 area: str, form: FormData | None, *, current: Any = None, problem: str = "", status_code: int = 200,
                 checked: bool = False) -> Response:  # fmt: skip
    slug = found["slug"]
    _area_of(found, area)
    if area != own and not _other_area(found):
        raise HTTPException(404)
    action = (request.url_for("budgeting_vote_area", slug=slug, area=area) if area != own
              else request.url_for("budgeting_cast", slug=slug))  # fmt: skip
    shown = ballot_context(found["spec"], area, ballot.get(area, []), form)
    if not checked:
        shown["ballot_checked"] = False  # a pre-filled ballot: the meter shows, without "checked"
    others = [a for a in found["spec"]["areas"] if a["code"] != area] if _other_area(found) else []
    context = {
        "cycle": found, "spec": found["spec"], **shown, "ballot_action": action, "ballot_cast": True,
        "own_area": own, "other_areas": others, "problem": problem, "open": found["phase"] == VOTING,
        "current": current, "paper": current is not None and current.channel != ONLINE,
    }  # fmt: skip
    return render(request, "budgeting/vote.html", context, status_code=status_code)


async def cast(request: Request) -> Response:
    """Casts (or changes) the voter's ballot, then the 303 to the receipt.

    The way through reads no read model before the 303: the service loads the cycle (kept per
    node while the log holds no newer event of it), the binding and the ballot once each, in one
    trip to a worker thread. Only a refusal, a "check" or an unverified voter reads the views to
    show the ballot page again.
    """
    user = require_user(request)
    slug = request.path_params["slug"]
    voting = _voting(request)
    form = await read_form(request)
    problem = ""
    if form.get("action") != "check":
        area = request.path_params.get("area")

        def read_choices(spec: CycleSpec) -> Choices:
            return choices_from_form(spec.ballot.kind, form)

        try:
            recorded = await in_thread(voting.cast_online, slug, user["id"], area, read_choices)
        except errors.CycleNotFoundError:
            raise HTTPException(404) from None
        except errors.BallotError as refused:
            if refused.problem == "not_verified":
                return _redirect(request.url_for("budgeting_verify_form", slug=slug))
            problem = text.refusal(refused)
        except (errors.BallotRuleError, errors.PhaseError, errors.InvalidFieldError) as refused:
            problem = text.refusal(refused)
        else:
            await see_own_write(request, recorded.position, "ballots")
            return _redirect(request.app.state.urls.url_for(request)("budgeting_receipt", slug=slug))
    return await _cast_again(request, slug, form, problem)


async def _cast_again(request: Request, slug: str, form: FormData, problem: str) -> Response:
    """The ballot page again with the form as sent: a "check" (200), or a refusal (422)."""
    user = require_user(request)
    voting = _voting(request)
    found, ballot = await _cycle_and_ballot(request, slug)
    binding = await in_thread(voting.binding, slug, user["id"])
    if binding is None:
        return _redirect(request.url_for("budgeting_verify_form", slug=slug))
    area = request.path_params.get("area", binding.area)
    current = await in_thread(voting.ballot_of, slug, user["id"])
    checking = form.get("action") == "check"
    return _ballot_page(request, found, ballot, binding.area, area, form, current=current, problem=problem,
                        status_code=200 if checking else 422, checked=True)  # fmt: skip


async def receipt_page(request: Request) -> Response:
    """After each cast: the receipt code of the voter's current ballot, found through the key."""
    user = require_user(request)
    slug = request.path_params["slug"]
    found, _ballot = await _cycle_and_ballot(request, slug)
    current = await in_thread(_voting(request).ballot_of, slug, user["id"])
    if current is None:
        return _redirect(request.url_for("budgeting_vote", slug=slug))
    context = {"cycle": found, "spec": found["spec"], "receipt": current.receipt, "open": found["phase"] == VOTING,
               "paper": current.channel != ONLINE, "changes": current.changes}  # fmt: skip
    return render(request, "budgeting/vote_receipt.html", context)


# --- the public receipt check -----------------------------------------------------------------


def _well_formed(code: str) -> bool:
    return len(code) == RECEIPT_LENGTH and all(char in RECEIPT_ALPHABET for char in code)


async def receipts_page(request: Request) -> Response:
    """Anyone may check a code: in the box, or not. Nothing else: not the area, the choices, the
    channel, nor whether the ballot was changed since (that would tell a coercer holding the code)."""
    slug = request.path_params["slug"]
    found, _ballot = await _cycle_and_ballot(request, slug)
    typed = request.query_params.get("code", "")[:40]
    code = normalize_receipt(typed)
    outcome, status_code = "", 200
    if typed.strip():
        if not _well_formed(code):
            outcome, status_code = "malformed", 422
        else:
            status = await _read(request, lambda db: ballot_queries.receipt_status(db, slug, code), "ballots")
            outcome = "found" if status is not None else "not_found"
    context = {"cycle": found, "spec": found["spec"], "code": typed, "outcome": outcome}
    return render(request, "budgeting/vote_receipts.html", context, status_code=status_code)


# --- the polling station ----------------------------------------------------------------------


async def station_page(request: Request) -> Response:
    require_role(request, STAFF)
    slug = request.path_params["slug"]
    found, ballot = await _cycle_and_ballot(request, slug)
    station = request.query_params.get("station", "").strip()[:100]
    area = request.query_params.get("area", "")
    return _station_page(request, found, ballot, station, area, None, {})


def _station_page(request: Request, found: dict[str, Any], ballot: dict[str, list[dict[str, Any]]], station: str,
                  area: str, form: FormData | None, problems: dict[str, str], *, status_code: int = 200,
                  values: dict[str, str] | None = None, checked: bool = False) -> Response:  # fmt: skip
    context: dict[str, Any] = {
        "cycle": found, "spec": found["spec"], "station": station, "area": area, "errors": problems,
        "values": values or {}, "open": found["phase"] == VOTING, "ballot_ready": False,
        "paper_after_online": found["spec"].get("voting", {}).get("paper_after_online", "replace"),
    }  # fmt: skip
    if station and any(a["code"] == area for a in found["spec"]["areas"]):
        shown = ballot_context(found["spec"], area, ballot.get(area, []), form)
        shown["ballot_checked"] = checked
        context.update(shown, ballot_ready=True, ballot_cast=True,
                       ballot_action=request.url_for("budgeting_station_cast", slug=found["slug"]))  # fmt: skip
    return render(request, "budgeting/station.html", context, status_code=status_code)


async def station_cast(request: Request) -> Response:
    staff = require_role(request, STAFF)
    slug = request.path_params["slug"]
    found, ballot = await _cycle_and_ballot(request, slug)
    form = await request.form()
    station = str(form.get("station", "")).strip()[:100]
    area = str(form.get("area", ""))
    number = str(form.get("id_number", ""))[:MAX_NUMBER].strip()
    raw_date = str(form.get("birth_date", ""))[:MAX_DATE]
    values = {"id_number": number, "birth_date": raw_date}

    def again(problems: dict[str, str], status_code: int = 422, checked: bool = True) -> Response:
        return _station_page(request, found, ballot, station, area, form, problems, status_code=status_code,
                             values=values, checked=checked)  # fmt: skip

    if form.get("action") == "check":
        return again({}, 200)
    if not number:
        return again({"id_number": text.refusal(errors.VerificationError("bad_number"))})
    try:
        born = birth_date(raw_date, city_now().date())
    except ValueError as bad:
        return again({"birth_date": text.date_problem(str(bad))})
    try:
        choices = choices_from_form(found["spec"]["ballot"]["kind"], form)
        recorded = await in_thread(_voting(request).cast_paper, slug, station, number, born, area, choices, staff["id"])
    except errors.VerificationError as refused:
        field = "birth_date" if refused.problem in ("wrong_birth_date", "under_age") else "id_number"
        return again({field: text.refusal(refused)})
    except (errors.BallotRuleError, errors.BallotError, errors.PhaseError, errors.InvalidFieldError) as refused:
        return again({"ballot": text.refusal(refused)})
    await see_own_write(request, recorded.position, "ballots")
    flash(request, gettext("Paper ballot entered. Its receipt code: %(code)s", code=recorded.result))
    next_person = request.url_for("budgeting_station", slug=slug).include_query_params(station=station, area=area)
    return _redirect(next_person)


# --- bindings (staff) -------------------------------------------------------------------------


async def bindings_page(request: Request, problem: str = "", status_code: int = 200) -> Response:
    require_role(request, STAFF)
    slug = request.path_params["slug"]
    found, _ballot = await _cycle_and_ballot(request, slug)
    area = request.query_params.get("area", "")

    def read_bindings(db: Database) -> list[dict[str, str]]:
        return ballot_queries.bindings(db, slug, area or None)

    rows = await _read(request, read_bindings, "bindings")
    names = await _read(request, lambda db: {row["id"]: row["name"] for row in all_accounts(db)}, "accounts")
    shown = [{**row, "name": names.get(row["account"], row["account"])} for row in rows]
    context = {"cycle": found, "spec": found["spec"], "bindings": shown, "area": area, "problem": problem}
    return render(request, "budgeting/station_bindings.html", context, status_code=status_code)


async def release_binding(request: Request) -> Response:
    staff = require_role(request, STAFF)
    slug = request.path_params["slug"]
    await _cycle_and_ballot(request, slug)
    form = await request.form()
    account, reason = str(form.get("account", ""))[:100], str(form.get("reason", ""))
    try:
        recorded = await in_thread(_voting(request).release_binding, slug, account, reason, staff["id"])
    except errors.BindingNotFoundError as missing:
        return await bindings_page(request, text.refusal(missing), 404)
    except (errors.InvalidFieldError, errors.ConcurrentChangeError) as refused:
        return await bindings_page(request, text.refusal(refused), 422)
    await see_own_write(request, recorded.position, "bindings")
    flash(request, gettext("The binding was released; the resident may verify again."))
    return _redirect(request.url_for("budgeting_bindings", slug=slug))


routes = [
    Route("/{slug}/verify", verify_form, name="budgeting_verify_form"),
    Route("/{slug}/verify", verify, methods=["POST"], name="budgeting_verify"),
    Route("/{slug}/vote", vote_page, name="budgeting_vote"),
    Route("/{slug}/vote", cast, methods=["POST"], name="budgeting_cast"),
    Route("/{slug}/vote/receipt", receipt_page, name="budgeting_receipt"),
    Route("/{slug}/vote/{area}", vote_page, name="budgeting_vote_area_form"),
    Route("/{slug}/vote/{area}", cast, methods=["POST"], name="budgeting_vote_area"),
    Route("/{slug}/receipts", receipts_page, name="budgeting_receipts"),
    Route("/{slug}/station", station_page, name="budgeting_station"),
    Route("/{slug}/station", station_cast, methods=["POST"], name="budgeting_station_cast"),
    Route("/{slug}/bindings", bindings_page, name="budgeting_bindings"),
    Route("/{slug}/bindings/release", release_binding, methods=["POST"], name="budgeting_release_binding"),
]
