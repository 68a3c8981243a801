"""Review pages: calls, the panel, entries, the first screen, a member's queue and score form, the
chair's dashboard and award confirmation, the public award list, and the downloads (score sheet,
award list, each entry's feedback letter). Every form works without JavaScript.

Who may read what is decided on the server, by the queries of projections/review_queries.py:
the pages only show what those return for the person asking.
"""

from __future__ import annotations

import base64
import csv
import io
from collections.abc import Callable, Mapping
from datetime import date
from fractions import Fraction
from typing import Any, TypeVar
from urllib.parse import quote
from uuid import UUID

from sqlite_utils import Database
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route

from domain.accounts import REVIEWER, STAFF
from domain.review import refusals as errors
from domain.review.aggregation import format_score
from domain.review.awards import boundaries
from domain.review.call_file import as_toml
from domain.review.call_file import parse as parse_call_file
from domain.review.call_settings import KINDS, METHODS, default_rubric, default_tiers
from domain.review.calls import screening_conflict
from domain.review.entries import DECISIONS
from domain.review.errors import CallFileError
from domain.review.standings import tiers_of
from projections import review_queries as queries
from web import i18n
from web import review_panel_text as text
from web import review_text as rules_text
from web.auth import require_role, require_user
from web.consistency import see_own_write
from web.errors import error_page
from web.i18n import gettext
from web.navigation import N_, NavItem
from web.parts import AuditWording, WebPart
from web.templating import is_htmx, render

VIEW = "review"
MAX_SETTINGS = 20_000  # characters of a call's rubric-and-tiers text: a dozen criteria fit many times
T = TypeVar("T")


def _services(request: Request) -> Any:
    return request.app.state.services


async def _read(request: Request, query: Callable[[Database], T]) -> T:
    def run() -> T:
        with _services(request).reader(VIEW) as db:
            return query(db)

    return await run_in_threadpool(run)


def _texts() -> dict[str, Any]:
    return {"kinds_text": text.KINDS, "phases_text": text.PHASES, "method_name": rules_text.method_name,
            "decisions_text": text.DECISIONS, "member_kinds": text.MEMBER_KINDS}  # fmt: skip


def _roles(request: Request) -> set[str]:
    user = getattr(request.state, "user", None)
    return set(user["roles"]) if user else set()


def _redirect(request: Request, url: object) -> Response:
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": str(url)})
    return RedirectResponse(str(url), status_code=303)


async def _call(request: Request) -> dict[str, Any]:
    slug = request.path_params["call"]
    found = await _read(request, lambda db: queries.call(db, slug))
    if found is None:
        raise HTTPException(404)
    return found


async def _entry(request: Request, call_row: dict[str, Any]) -> dict[str, Any]:
    try:
        entry_id = str(UUID(request.path_params["entry"]))
    except ValueError:
        raise HTTPException(404) from None
    found = await _read(request, lambda db: queries.entry(db, entry_id))
    if found is None or found["call_id"] != call_row["id"]:
        raise HTTPException(404)
    return found


def localized(row: Mapping[str, Any], field: str) -> str:
    suffix = "zh" if i18n.current_locale.get() == i18n.ZH else "en"
    return str(row.get(f"{field}_{suffix}") or row.get(f"{field}_zh") or "")


def tier_name(call_row: Mapping[str, Any], code: str | None) -> str:
    tier = next((t for t in call_row["tiers"] if t["code"] == code), None)
    return localized(tier, "name") if tier else gettext("No award")


async def refused(request: Request, exc: Exception) -> Response:
    status = 404 if isinstance(exc, LookupError) else 403 if isinstance(exc, errors.NotMemberError) else 409
    return error_page(request, status, detail=text.refusal(exc))


# --- calls ------------------------------------------------------------------------------------


async def calls_page(request: Request) -> Response:
    rows = await _read(request, queries.calls)
    return render(request, "review/calls.html", {"calls": rows, **_texts()})


CALL_FIELDS = ("slug", "kind", "title_zh", "title_en", "opens", "closes", "method", "rounds", "caps", "settings")


def _new_context(form: Mapping[str, Any], problems: dict[str, str]) -> dict[str, Any]:
    values = {name: str(form.get(name, "")) for name in CALL_FIELDS}
    examples = {kind: as_toml(default_rubric(kind), default_tiers()) for kind in ("innovation", "thesis")}
    return {"values": values, "errors": problems, "kinds": KINDS, "methods": METHODS, "examples": examples,
            **_texts()}  # fmt: skip


async def new_call_form(request: Request) -> Response:
    require_role(request, STAFF)
    return render(request, "review/new.html", _new_context({"kind": "innovation", "method": "mean"}, {}))


def _capped_tiers(text_: str, problems: dict[str, str], tiers: list[dict[str, Any]] | None = None
                  ) -> list[dict[str, Any]]:  # fmt: skip
    """The tiers (the defaults, or the call's own) with the caps typed as ``特優=1,優等=2`` (names
    in either language, or codes)."""
    tiers = tiers or default_tiers()
    for part in filter(None, (piece.strip() for piece in text_.replace("，", ",").split(","))):
        name, equals, number = part.partition("=")
        number = number.strip()
        found = next((t for t in tiers if name.strip() in (t["code"], t["name_zh"])
                      or name.strip().casefold() == t["name_en"].casefold()), None)  # fmt: skip
        if not equals or not number.isascii() or not number.isdecimal() or len(number) > 4 or found is None:
            problems["caps"] = gettext("Write the caps as TIER=NUMBER, separated by commas, e.g. 特優=1,優等=2.")
            return tiers
        found["cap"] = int(number)
    return tiers


def _date(raw: str, field: str, problems: dict[str, str]) -> date:
    try:
        return i18n.parse_roc_date(raw) if "/" in raw else date.fromisoformat(raw)
    except (ValueError, TypeError):
        problems[field] = text.field_problem(field, "missing" if not raw else "unknown")
        return date.min


async def create_call(request: Request) -> Response:
    user = require_role(request, STAFF)
    form = await request.form()
    values = {name: str(form.get(name, "")).strip() for name in CALL_FIELDS}
    problems: dict[str, str] = {}
    opens, closes = _date(values["opens"], "opens", problems), _date(values["closes"], "closes", problems)
    rounds = int(values["rounds"]) if values["rounds"] in ("1", "2", "3") else 1
    rubric, own_tiers = None, None
    if len(values["settings"]) > MAX_SETTINGS:
        problems["settings"] = text.field_problem("settings", "too_long")
    elif values["settings"]:
        try:
            rubric, own_tiers = parse_call_file(values["settings"])
        except CallFileError as error:
            problems["settings"] = rules_text.call_file_problem(error)
    tiers = _capped_tiers(values["caps"], problems, own_tiers)
    if not problems:
        try:
            recorded = await run_in_threadpool(
                lambda: _services(request).review.open_call(
                    values["slug"], values["kind"], values["title_zh"], values["title_en"], opens, closes, user["id"],
                    method=values["method"], rounds=rounds, tiers=tiers, rubric=rubric,
                )
            )  # fmt: skip
        except errors.InvalidFieldError as error:
            problems[error.field] = text.refusal(error)
        except errors.CallExistsError as error:
            problems["slug"] = text.refusal(error)
    if problems:
        return render(request, "review/new.html", _new_context(form, problems), status_code=422)
    await see_own_write(request, recorded.position, VIEW)
    return _redirect(request, request.url_for("review_call", call=recorded.result))


async def call_page(request: Request, problem: str = "", status_code: int = 200) -> Response:
    found = await _call(request)
    staff = STAFF in _roles(request)
    user = getattr(request.state, "user", None)

    def read(db: Database) -> dict[str, Any]:
        me = queries.member(db, found["id"], user["id"]) if user else None
        return {"entries": queries.entries(db, found["id"]) if staff else [],
                "members": queries.members(db, found["id"]), "me": me}  # fmt: skip

    context = {"call": found, "problem": problem, "staff": staff, **await _read(request, read), **_texts()}
    return render(request, "review/call.html", context, status_code=status_code)


ACTIONS = ("start_screening", "open_round", "close_round", "publish")


async def advance(request: Request) -> Response:
    user = require_role(request, STAFF)
    found = await _call(request)
    action = str((await request.form()).get("action", ""))
    if action not in ACTIONS:
        return await call_page(request, gettext("Choose what to do."), 422)
    try:
        recorded = await run_in_threadpool(getattr(_services(request).review, action), found["slug"], user["id"])
    except errors.ReviewError as error:
        return await call_page(request, text.refusal(error), 409)
    await see_own_write(request, recorded.position, VIEW)
    return _redirect(request, request.url_for("review_call", call=found["slug"]))


# --- panel ------------------------------------------------------------------------------------


async def panel_page(request: Request, problems: dict[str, str] | None = None, status_code: int = 200) -> Response:
    require_role(request, STAFF)
    found = await _call(request)
    members = await _read(request, lambda db: queries.members(db, found["id"]))
    accounts = await run_in_threadpool(_accounts, request)
    screeners = await run_in_threadpool(_accounts, request, REVIEWER, STAFF)
    names = {a["id"]: a["name"] for a in screeners}
    mode = await _read(request, lambda db: queries.panel(db, found["id"]))
    context = {"call": found, "members": members, "accounts": accounts, "screener_choices": screeners, "mode": mode,
               "screener_names": [names.get(a, a) for a in found["screeners"]], "errors": problems or {}, **_texts()}  # fmt: skip
    return render(request, "review/panel.html", context, status_code=status_code)


def _accounts(request: Request, *roles: str) -> list[dict[str, Any]]:
    from projections.accounts import accounts as all_accounts

    with _services(request).reader("accounts") as db:
        return [a for a in all_accounts(db) if set(roles or (REVIEWER,)) & set(a.get("roles", ()))]


async def appoint_screener(request: Request) -> Response:
    user = require_role(request, STAFF)
    found = await _call(request)
    form = await request.form()
    try:
        account = UUID(str(form.get("screener", "")))
        recorded = await run_in_threadpool(_services(request).review.appoint_screener, found["slug"], account,
                                           user["id"], str(form.get("screener_agency", "")))  # fmt: skip
    except errors.InvalidFieldError as error:
        return await panel_page(request, {"screener_agency": text.refusal(error)}, 422)
    except (ValueError, LookupError):
        return await panel_page(request, {"screener": gettext("There is no such account.")}, 422)
    await see_own_write(request, recorded.position, VIEW)
    return _redirect(request, request.url_for("review_panel", call=found["slug"]))


async def appoint(request: Request) -> Response:
    user = require_role(request, STAFF)
    found = await _call(request)
    form = await request.form()
    problems: dict[str, str] = {}
    try:
        account = UUID(str(form.get("account_id", "")))
    except ValueError:
        problems["account_id"] = text.field_problem("account_id", "missing")
    if not problems:
        try:
            recorded = await run_in_threadpool(
                lambda: _services(request).review.appoint_member(
                    found["slug"], account, str(form.get("name", "")), str(form.get("kind", "")),
                    str(form.get("agency", "")), user["id"], chair=form.get("chair") == "yes",
                )
            )  # fmt: skip
        except errors.InvalidFieldError as error:
            problems[error.field] = text.refusal(error)
        except (errors.AlreadyMemberError, LookupError) as error:
            problems["account_id"] = text.refusal(error) if isinstance(error, errors.ReviewError) else gettext(
                "There is no such account.")  # fmt: skip
    if problems:
        return await panel_page(request, problems, 422)
    await see_own_write(request, recorded.position, VIEW)
    return _redirect(request, request.url_for("review_panel", call=found["slug"]))


# --- entries ----------------------------------------------------------------------------------

ENTRY_FIELDS = ("title", "agency", "team", "summary", "benefits")


async def submit_form(request: Request, values: dict[str, str] | None = None, problems: dict[str, str] | None = None,
                      status_code: int = 200) -> Response:  # fmt: skip
    require_user(request)
    found = await _call(request)
    context = {"call": found, "values": values or dict.fromkeys(ENTRY_FIELDS, ""), "errors": problems or {}}
    return render(request, "review/submit.html", context, status_code=status_code)


async def submit(request: Request) -> Response:
    user = require_user(request)
    found = await _call(request)
    form = await request.form()
    values = {name: str(form.get(name, "")) for name in ENTRY_FIELDS}
    upload = form.get("attachment")
    attachment = None
    if isinstance(upload, UploadFile) and upload.filename:
        attachment = (upload.filename, await upload.read())
    review = _services(request).review
    try:
        recorded = await run_in_threadpool(
            lambda: review.submit(found["slug"], *values.values(), user["id"], attachment=attachment)
        )
    except errors.InvalidFieldError as error:
        return await submit_form(request, values, {error.field: text.refusal(error)}, 422)
    except (errors.WindowClosedError, errors.PhaseError) as error:
        return await submit_form(request, values, {"title": text.refusal(error)}, 409)
    await see_own_write(request, recorded.position, VIEW)
    return _redirect(request, request.url_for("review_mine"))


async def edit_form(request: Request, values: dict[str, str] | None = None, problems: dict[str, str] | None = None,
                    status_code: int = 200) -> Response:  # fmt: skip
    user = require_user(request)
    found = await _call(request)
    entry_row = await _entry(request, found)
    if entry_row["submitter"] != user["id"]:
        raise HTTPException(403)
    attached = await _read(request, lambda db: queries.attachments(db, entry_row["id"]))
    context = {"call": found, "entry": entry_row, "values": values or {k: entry_row[k] for k in ENTRY_FIELDS},
               "errors": problems or {}, "attachments": attached}  # fmt: skip
    return render(request, "review/edit.html", context, status_code=status_code)


async def edit(request: Request) -> Response:
    user = require_user(request)
    found = await _call(request)
    entry_row = await _entry(request, found)
    if entry_row["submitter"] != user["id"]:
        raise HTTPException(403)
    form = await request.form()
    values = {name: str(form.get(name, "")) for name in ENTRY_FIELDS}
    try:
        recorded = await run_in_threadpool(
            lambda: _services(request).review.edit(UUID(entry_row["id"]), *values.values(), user["id"])
        )
    except errors.InvalidFieldError as error:
        return await edit_form(request, values, {error.field: text.refusal(error)}, 422)
    except (errors.WindowClosedError, errors.PhaseError) as error:
        return await edit_form(request, values, {"title": text.refusal(error)}, 409)
    await see_own_write(request, recorded.position, VIEW)
    return _redirect(request, request.url_for("review_mine"))


async def add_attachment(request: Request) -> Response:
    """The submitter adds a PDF to their entry until the window closes (one of the two upload
    paths, with the submission: only these take bodies as large as an attachment)."""
    user = require_user(request)
    found = await _call(request)
    entry_row = await _entry(request, found)
    if entry_row["submitter"] != user["id"]:
        raise HTTPException(403)
    upload = (await request.form()).get("attachment")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return await edit_form(request, None, {"attachment": text.field_problem("attachment", "missing")}, 422)
    name, content = upload.filename, await upload.read()
    try:
        recorded = await run_in_threadpool(_services(request).review.attach, UUID(entry_row["id"]), name, content,
                                           user["id"])  # fmt: skip
    except errors.InvalidFieldError as error:
        return await edit_form(request, None, {"attachment": text.refusal(error)}, 422)
    except (errors.WindowClosedError, errors.PhaseError) as error:
        return await edit_form(request, None, {"attachment": text.refusal(error)}, 409)
    await see_own_write(request, recorded.position, VIEW)
    return _redirect(request, request.url_for("review_edit_form", call=found["slug"], entry=entry_row["id"]))


async def attachment(request: Request) -> Response:
    """An entry's PDF: for staff, its submitter and the panel's members (recusal hides scores and
    comments, not the entry's own papers)."""
    user = require_user(request)
    found = await _call(request)
    entry_row = await _entry(request, found)
    raw = request.path_params["attachment"]
    number = int(raw) if raw.isascii() and raw.isdecimal() and len(raw) < 3 else 0

    def allowed(db: Database) -> bool:
        if STAFF in user["roles"] or entry_row["submitter"] == user["id"]:
            return True
        return queries.member(db, found["id"], user["id"]) is not None

    if not await _read(request, allowed):
        raise HTTPException(403)
    papers = (await run_in_threadpool(_services(request).review.entry, UUID(entry_row["id"]))).attachments
    if not 1 <= number <= len(papers):
        raise HTTPException(404)
    paper = papers[number - 1]
    fallback = "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "_" for c in paper["name"]) or "entry.pdf"
    disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(paper['name'])}"
    return Response(base64.b64decode(paper["content"]), media_type="application/pdf",
                    headers={"Content-Disposition": disposition, "X-Content-Type-Options": "nosniff"})  # fmt: skip


async def mine_page(request: Request) -> Response:
    user = require_user(request)
    rows = await _read(request, lambda db: queries.entries_of(db, user["id"]))
    return render(request, "review/mine.html", {"entries": rows, **_texts()})


# --- first screen -----------------------------------------------------------------------------


async def screening_page(request: Request, problem: str = "", status_code: int = 200) -> Response:
    user = require_user(request)
    if not {STAFF, REVIEWER} & set(user["roles"]):
        raise HTTPException(403)
    found = await _call(request)
    screener = user["id"] in found["screeners"]

    def read(db: Database) -> dict[str, Any]:
        return {"entries": queries.entries(db, found["id"]), "screenings": queries.screenings(db, found["id"]),
                "chair": next((m for m in queries.members(db, found["id"]) if m["chair"]), None)}  # fmt: skip

    data = await _read(request, read)
    if (
        not screener
        and STAFF not in user["roles"]
        and not (data["chair"] and data["chair"]["account_id"] == user["id"])
    ):
        raise HTTPException(403)
    passed = {e["id"] for e in data["entries"] if _passed(data["screenings"].get(e["id"], []))}
    conflicts: dict[str, str] = {}
    if screener:  # the service refuses these too; the page does not offer them
        agency = await run_in_threadpool(_services(request).review.screener_agency, found["slug"], user["id"])
        for e in data["entries"]:
            reason = screening_conflict(user["id"], agency, e["agency"], e["submitter"])
            if reason:
                conflicts[e["id"]] = text.screening_conflict(reason)
    context = {"call": found, "problem": problem, "screener": screener, "passed": passed, "decisions": DECISIONS,
               "conflicts": conflicts, **data, **_texts()}  # fmt: skip
    return render(request, "review/screening.html", context, status_code=status_code)


def _passed(decisions: list[dict[str, Any]]) -> bool:
    return len(decisions) == 2 and all(d["decision"] != "fail" for d in decisions)


async def screen(request: Request) -> Response:
    user = require_user(request)
    if not {STAFF, REVIEWER} & set(user["roles"]):
        raise HTTPException(403)
    found = await _call(request)
    entry_row = await _entry(request, found)
    form = await request.form()
    try:
        recorded = await run_in_threadpool(_services(request).review.screen, UUID(entry_row["id"]),
                                           str(form.get("decision", "")), str(form.get("reason", "")), user["id"])  # fmt: skip
    except errors.ReviewError as error:
        status = 422 if isinstance(error, errors.InvalidFieldError) else 409
        return await screening_page(request, text.refusal(error), status)
    await see_own_write(request, recorded.position, VIEW)
    return _redirect(request, request.url_for("review_screening", call=found["slug"]))


async def shortlist(request: Request) -> Response:
    user = require_user(request)
    if not {STAFF, REVIEWER} & set(user["roles"]):
        raise HTTPException(403)
    found = await _call(request)
    form = await request.form()
    chosen = []
    for raw in form.getlist("entry"):
        try:
            chosen.append(UUID(str(raw)))
        except ValueError:
            continue
    try:
        recorded = await run_in_threadpool(_services(request).review.confirm_shortlist, found["slug"], chosen,
                                           user["id"])  # fmt: skip
    except errors.ReviewError as error:
        return await screening_page(request, text.refusal(error), 409)
    await see_own_write(request, recorded.position, VIEW)
    return _redirect(request, request.url_for("review_call", call=found["slug"]))


# --- scoring ----------------------------------------------------------------------------------


async def queue_page(request: Request) -> Response:
    user = require_role(request, REVIEWER)
    found = await _call(request)
    me = await _read(request, lambda db: queries.member(db, found["id"], user["id"]))
    if me is None:
        raise errors.NotMemberError(found["slug"], user["id"])
    rows = await _read(request, lambda db: queries.queue(db, found, user["id"]))
    return render(request, "review/queue.html", {"call": found, "me": me, "queue": rows, **_texts()})


async def score_form(request: Request, values: dict[str, str] | None = None, problems: dict[str, str] | None = None,
                     status_code: int = 200) -> Response:  # fmt: skip
    user = require_role(request, REVIEWER)
    found = await _call(request)
    entry_row = await _entry(request, found)

    def read(db: Database) -> dict[str, Any]:
        me = queries.member(db, found["id"], user["id"])
        if me is None:
            raise errors.NotMemberError(found["slug"], user["id"])
        if queries.recused(me, entry_row, queries.conflicts(db, found["id"])):
            return {"recused": True, "own": None, "others": None, "history": []}
        own = queries.own_score(db, found["id"], found["round"], entry_row["id"], user["id"])
        return {"recused": False, "own": own, "others": queries.others_scores_for_member(db, found, entry_row, user["id"]),
                "history": queries.revisions(db, own["id"]) if own else []}  # fmt: skip

    data = await _read(request, read)
    own = data["own"]
    if values is None:
        values = {f"score-{c['code']}": str(own["scores"].get(c["code"], "")) if own else "" for c in found["rubric"]}
        values.update(comment=own["comment"] if own else "", note=own["note"] if own else "", reason="")
    attached = await _read(request, lambda db: queries.attachments(db, entry_row["id"]))
    context = {"call": found, "entry": entry_row, "values": values, "errors": problems or {}, "attachments": attached,
               **data, **_texts()}  # fmt: skip
    return render(request, "review/score.html", context, block="score_form", status_code=status_code)


async def give_score(request: Request) -> Response:
    user = require_role(request, REVIEWER)
    found = await _call(request)
    entry_row = await _entry(request, found)
    form = await request.form()
    values = {key: str(form.get(key, "")) for key in ("comment", "note", "reason")}
    scores: dict[str, int] = {}
    problems: dict[str, str] = {}
    for criterion in found["rubric"]:
        key = f"score-{criterion['code']}"
        raw = str(form.get(key, "")).strip()
        values[key] = raw
        if not raw.isascii() or not raw.isdecimal() or len(raw) > 3:
            problems[key] = text.field_problem(key, "out_of_range" if raw else "missing", most=criterion["weight"])
        else:
            scores[criterion["code"]] = int(raw)
    if problems:
        return await score_form(request, values, problems, 422)
    try:
        recorded = await run_in_threadpool(
            lambda: _services(request).review.score(found["slug"], UUID(entry_row["id"]), scores, values["comment"],
                                                    user["id"], note=values["note"], reason=values["reason"])
        )  # fmt: skip
    except errors.InvalidFieldError as error:
        return await score_form(request, values, {error.field: text.refusal(error)}, 422)
    except (
        errors.RoundClosedError,
        errors.RecusedError,
        errors.NotAssignedError,
        errors.NotShortlistableError,
    ) as error:
        return await score_form(request, values, {"form": text.refusal(error)}, 409)
    await see_own_write(request, recorded.position, VIEW)
    return _redirect(request, request.url_for("review_score_form", call=found["slug"], entry=entry_row["id"]))


async def declare_conflict(request: Request) -> Response:
    """A member declares a conflict with an entry: from then on they are recused from it."""
    user = require_role(request, REVIEWER)
    found = await _call(request)
    entry_row = await _entry(request, found)
    form = await request.form()
    try:
        recorded = await run_in_threadpool(_services(request).review.declare_conflict, found["slug"],
                                           UUID(entry_row["id"]), str(form.get("reason", "")), user["id"])  # fmt: skip
    except errors.InvalidFieldError as error:
        return await score_form(request, None, {"reason": text.refusal(error)}, 422)
    await see_own_write(request, recorded.position, VIEW)
    return _redirect(request, request.url_for("review_queue", call=found["slug"]))


async def set_assignment(request: Request) -> Response:
    user = require_role(request, STAFF)
    found = await _call(request)
    form = await request.form()
    raw = str(form.get("per_entry", "")).strip()
    per_entry = int(raw) if raw.isascii() and raw.isdecimal() and len(raw) < 3 else 0
    try:
        recorded = await run_in_threadpool(_services(request).review.set_assignment, found["slug"],
                                           str(form.get("mode", "")), user["id"], per_entry)  # fmt: skip
    except errors.InvalidFieldError as error:
        return await panel_page(request, {error.field: text.refusal(error)}, 422)
    except errors.PhaseError as error:
        return await panel_page(request, {"mode": text.refusal(error)}, 409)
    await see_own_write(request, recorded.position, VIEW)
    return _redirect(request, request.url_for("review_panel", call=found["slug"]))


async def add_scorer(request: Request) -> Response:
    """Staff add a member to an entry of a balanced panel (the third reviewer, say)."""
    user = require_role(request, STAFF)
    found = await _call(request)
    form = await request.form()
    try:
        entry_id, member = UUID(str(form.get("entry", ""))), UUID(str(form.get("member", "")))
    except ValueError:
        return await chair_page(request, gettext("Choose an entry and a member."), 422)
    try:
        recorded = await run_in_threadpool(_services(request).review.add_scorer, found["slug"], entry_id, member,
                                           user["id"])  # fmt: skip
    except errors.ReviewError as error:
        status = 404 if isinstance(error, LookupError) else 409
        return await chair_page(request, text.refusal(error), status)
    await see_own_write(request, recorded.position, VIEW)
    return _redirect(request, request.url_for("review_chair", call=found["slug"]))


# --- the chair --------------------------------------------------------------------------------


async def chair_page(request: Request, problem: str = "", status_code: int = 200) -> Response:
    user = require_user(request)
    found = await _call(request)
    members = await _read(request, lambda db: queries.members(db, found["id"]))
    chair = next((m for m in members if m["chair"]), None)
    is_chair = chair is not None and chair["account_id"] == user["id"]
    if not is_chair and STAFF not in user["roles"]:
        if REVIEWER in user["roles"]:
            raise errors.NotMemberError(found["slug"], user["id"], "chair")
        raise HTTPException(403)
    viewer = user["id"] if is_chair else None
    rows = await _read(request, lambda db: queries.progress(db, found, viewer))
    computed = await run_in_threadpool(_services(request).review.standing, found["slug"])
    hidden = {row["entry"]["id"] for row in rows if row["hidden"]}
    method_error = rules_text.method_error(computed.error, found["gap"]) if computed.error else ""
    context = {"call": found, "rows": rows, "standing": computed.by_entry(), "hidden": hidden, "members": members,
               "round": computed, "method_error": method_error, "decimal": _decimal, "flag": rules_text.flag,
               "on_scale": _on_scale(found),
               "is_chair": is_chair, "problem": problem, "tier_name": tier_name, "staff": STAFF in user["roles"],
               "mode": await _read(request, lambda db: queries.panel(db, found["id"])), **_texts()}  # fmt: skip
    return render(request, "review/chair.html", context, status_code=status_code)


def _on_scale(call_row: Mapping[str, Any]) -> Callable[[float], str]:
    """A severity-normalised score printed as the official ones are: never up onto a threshold."""
    edges = boundaries(tiers_of(call_row["tiers"]))
    return lambda value: format_score(Fraction(value), edges)


def _decimal(value: Fraction | None) -> str:
    return "—" if value is None else format_score(value)


def _count(raw: object) -> int:
    value = str(raw or "").strip()
    return int(value) if value.isascii() and value.isdecimal() and len(value) < 4 else -1


async def confirm_awards(request: Request) -> Response:
    user = require_role(request, REVIEWER)
    found = await _call(request)
    form = await request.form()
    try:
        recorded = await run_in_threadpool(
            _services(request).review.confirm_awards, found["slug"], _count(form.get("attending")),
            _count(form.get("in_favour")), _count(form.get("against")), user["id"],
        )  # fmt: skip
    except errors.NotMemberError:
        raise
    except errors.ReviewError as error:
        return await chair_page(request, text.refusal(error), 422 if isinstance(error, errors.VoteError) else 409)
    await see_own_write(request, recorded.position, VIEW)
    return _redirect(request, request.url_for("review_chair", call=found["slug"]))


# --- public awards and downloads --------------------------------------------------------------


async def awards_page(request: Request) -> Response:
    found = await _call(request)
    published = found["phase"] == "published"
    rows = await _read(request, lambda db: queries.awards(db, found["id"])) if published else []
    context = {"call": found, "published": published, "awards": [r for r in rows if r["tier"]],
               "tier_name": tier_name, **_texts()}  # fmt: skip
    return render(request, "review/awards.html", context)


def _csv(rows: list[list[object]], filename: str) -> Response:
    out = io.StringIO()
    out.write("\ufeff")  # Excel opens UTF-8 only with a byte-order mark
    csv.writer(out).writerows(rows)
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})  # fmt: skip


async def awards_csv(request: Request) -> Response:
    found = await _call(request)
    rows = await _read(request, lambda db: queries.awards(db, found["id"])) if found["phase"] == "published" else []
    body: list[list[object]] = [["entry", "title", "agency", "score", "tier", "tier_zh", "tied"]]
    for row in rows:
        tier = next((t for t in found["tiers"] if t["code"] == row["tier"]), None)
        body.append([row["entry_id"], row["title"], row["agency"], row["score"], row["tier"] or "",
                     tier["name_zh"] if tier else "", int(row["tied"])])  # fmt: skip
    return _csv(body, f"{found['slug']}-awards.csv")


async def sheet_csv(request: Request) -> Response:
    require_role(request, STAFF)
    found = await _call(request)
    rows = await _read(request, lambda db: queries.sheet_rows(db, found))
    standing = (await run_in_threadpool(_services(request).review.standing, found["slug"])).standings
    body: list[list[object]] = [["entry", "entry_agency", "member", "member_agency", "criterion", "score"]]
    body += [[r["entry"], r["entry_agency"], r["member"], r["member_agency"], r["criterion"], r["score"]] for r in rows]
    body += [[], ["entry", "method", "members", "counted", "score", "tier", "tied", "flags"]]
    body += [[s.entry, found["method"], s.members, " ".join(s.counted), s.printed, s.tier or "", int(s.tied),
              " ".join(s.flags)] for s in standing]  # fmt: skip
    return _csv(body, f"{found['slug']}-score-sheet.csv")


async def letter_page(request: Request) -> Response:
    user = require_user(request)
    found = await _call(request)
    entry_row = await _entry(request, found)
    if entry_row["submitter"] != user["id"] and STAFF not in user["roles"]:
        raise HTTPException(403)
    letter = await _read(request, lambda db: queries.letter(db, found, entry_row))
    context = {"call": found, "entry": entry_row, "letter": letter, "tier_name": tier_name, **_texts()}
    return render(request, "review/letter.html", context)


# Only these take bodies as large as CIVIC_MAX_UPLOAD_BYTES (an entry with its PDF); every other
# review POST is a small form, held to CIVIC_MAX_BODY_BYTES. The * stands for a call or an entry.
UPLOADS = ("/review/*/submit", "/review/*/entries/*/attachments")

routes = [
    Mount(
        "/review",
        routes=[
            Route("/", calls_page, name="review"),
            Route("/new", new_call_form, name="review_new"),
            Route("/new", create_call, methods=["POST"], name="review_create"),
            Route("/mine", mine_page, name="review_mine"),
            Route("/{call}", call_page, name="review_call"),
            Route("/{call}/phase", advance, methods=["POST"], name="review_advance"),
            Route("/{call}/panel", panel_page, name="review_panel"),
            Route("/{call}/panel", appoint, methods=["POST"], name="review_appoint"),
            Route("/{call}/screeners", appoint_screener, methods=["POST"], name="review_appoint_screener"),
            Route("/{call}/submit", submit_form, name="review_submit_form"),
            Route("/{call}/submit", submit, methods=["POST"], name="review_submit"),
            Route("/{call}/screening", screening_page, name="review_screening"),
            Route("/{call}/shortlist", shortlist, methods=["POST"], name="review_shortlist"),
            Route("/{call}/entries/{entry}/screen", screen, methods=["POST"], name="review_screen"),
            Route("/{call}/queue", queue_page, name="review_queue"),
            Route("/{call}/entries/{entry}/score", score_form, name="review_score_form"),
            Route("/{call}/entries/{entry}/score", give_score, methods=["POST"], name="review_score"),
            Route("/{call}/entries/{entry}/letter", letter_page, name="review_letter"),
            Route("/{call}/entries/{entry}/edit", edit_form, name="review_edit_form"),
            Route("/{call}/entries/{entry}/edit", edit, methods=["POST"], name="review_edit"),
            Route("/{call}/entries/{entry}/conflict", declare_conflict, methods=["POST"], name="review_conflict"),
            Route("/{call}/entries/{entry}/attachments", add_attachment, methods=["POST"], name="review_attach"),
            Route("/{call}/entries/{entry}/attachments/{attachment}", attachment, name="review_attachment"),
            Route("/{call}/assignment", set_assignment, methods=["POST"], name="review_assignment"),
            Route("/{call}/scorers", add_scorer, methods=["POST"], name="review_add_scorer"),
            Route("/{call}/chair", chair_page, name="review_chair"),
            Route("/{call}/awards", confirm_awards, methods=["POST"], name="review_confirm"),
            Route("/{call}/awards", awards_page, name="review_awards"),
            Route("/{call}/awards.csv", awards_csv, name="review_awards_csv"),
            Route("/{call}/sheet.csv", sheet_csv, name="review_sheet"),
        ],
    )
]

nav = [
    NavItem(N_("Review panels and awards"), "review"),
    NavItem(N_("My review entries"), "review_mine", "signed-in"),
]


def home_widget(db: Database) -> dict | None:
    return {
        "title": N_("Review panels and awards"),
        "figure": queries.call_count(db),
        "caption": N_("calls: innovation proposals, thesis grants, awards"),
        "url": "/review/",
        "link": N_("See the calls"),
    }


AUDIT = AuditWording(
    code="review",
    context=N_("Review panels and awards"),
    events={
        "Call.Opened": N_("Opened a call for entries"),
        "Call.PhaseAdvanced": N_("Moved a call to its next phase"),
        "Call.ScreenerAppointed": N_("Appointed a screener"),
        "Call.ShortlistConfirmed": N_("Confirmed the shortlist"),
        "Call.AwardsConfirmed": N_("Confirmed the awards"),
        "Call.AwardsPublished": N_("Published the award list"),
        "Entry.Submitted": N_("Submitted an entry"),
        "Entry.Edited": N_("Edited an entry"),
        "Entry.AttachmentAdded": N_("Attached a file to an entry"),
        "Entry.Screened": N_("Screened an entry"),
        "Panel.Formed": N_("Formed a review panel"),
        "Panel.MemberAppointed": N_("Appointed a panel member"),
        "Panel.ConflictDeclared": N_("Declared a conflict of interest"),
        "Panel.AssignmentSet": N_("Set who scores which entry"),
        "Score.Given": N_("Scored an entry"),
        "Score.Revised": N_("Revised a score"),
    },
)

part = WebPart(
    routes=routes,
    nav=nav,
    filters=lambda services: {"in_language": localized},
    audit=AUDIT,
    errors={errors.ReviewError: refused},
    home_widgets=[home_widget],
    uploads=UPLOADS,
    views=(VIEW,),
)
