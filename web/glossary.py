"""Glossary pages: the public list and search, term history, proposals, meetings, import, export."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

from sqlite_utils import Database
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route

from domain.accounts import STAFF, TRANSLATOR
from domain.eventlog import SYSTEM_ACTOR, Recorded
from domain.glossary import checks, limits
from domain.glossary.errors import (
    AlreadyOnAgendaError,
    ChangePendingError,
    ConcurrentChangeError,
    GlossaryError,
    InvalidFieldError,
    MeetingNotFoundError,
    NotOnAgendaError,
    TermExistsError,
    TermNotFoundError,
    TermStatusError,
    UnconfirmedWarningsError,
)
from domain.glossary.exporting import FORMATS, export
from domain.glossary.names import VARIANT_KINDS, name_problems, tidy
from domain.glossary.places import DISTRICTS
from domain.glossary.service import warning_key
from domain.romanization import suggest
from projections import accounts as account_queries
from projections import glossary_queries as queries
from projections import glossary_queues as queues
from web import glossary_import, i18n
from web import glossary_text as text
from web.auth import require_role, require_user
from web.consistency import see_own_write
from web.errors import conflict, error_page, not_found, unprocessable
from web.flash import flash
from web.i18n import CITY_TIMEZONE, gettext, ngettext
from web.navigation import N_, NavItem
from web.parts import AuditWording, WebPart
from web.places import PlaceNames
from web.templating import SharedPage, is_htmx, render

PAGE_SIZE = 50
EXPORT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json", "tbx": "application/x-tbx+xml"}
assert tuple(EXPORT_TYPES) == FORMATS
VIEW = "glossary"  # the read model these pages read, for see_own_write

T = TypeVar("T")


def _services(request: Request):
    return request.app.state.services


async def _read(request: Request, query: Callable[[Database], T]) -> T:
    """Runs read-model queries in a worker thread: SQLite blocks, and the event loop serves
    every other request meanwhile."""

    def run() -> T:
        with _services(request).reader(VIEW) as db:
            return query(db)

    return await run_in_threadpool(run)


def _text_context() -> dict:
    return {
        "statuses": text.STATUSES, "categories_text": text.CATEGORIES, "variant_kinds": text.VARIANT_KINDS,
        "outcomes": text.OUTCOMES, "history_events": text.HISTORY_EVENTS, "meeting_kinds": text.MEETING_KINDS,
        "duplicate_kinds": text.DUPLICATES,
    }  # fmt: skip


# --- the public list --------------------------------------------------------------------------


async def glossary_index(request: Request) -> Response:
    params = request.query_params
    query, category, district = params.get("q", "").strip(), params.get("category", ""), params.get("district", "")
    page = _page_number(request, params.get("page", "1"))
    if isinstance(page, Response):
        return page
    query_error = _query_problem(query)
    # A query over the bounds is refused, not cut: results for part of what was typed would
    # look like results for all of it. The list below it stays as it is without a query.
    searched = None if query_error else (query or None)
    shared = SharedPage.of(request, (VIEW,), ("glossary index",)) if searched is None else None
    recalled = shared.recalled() if shared else None
    if recalled is not None:
        return recalled

    def read(db: Database) -> dict:
        terms = queries.approved_terms(
            db, category=category or None, district=district or None, query=searched,
            limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE,
        )  # fmt: skip
        categories = queries.categories(db)
        count, more = queries.matching_count(db, category or None, district or None, searched)
        return {
            "terms": terms[:PAGE_SIZE],
            "result_count": count,
            "more_results": more,
            "has_next": len(terms) > PAGE_SIZE,
            "approved_count": queries.approved_count(db),
            "category_counts": categories,
            "category_select": [(row["category"], text.label(text.CATEGORIES, row["category"])) for row in categories],
            "district_select": _district_options(db, queries.district_names(db)),
        }

    if searched is None:  # the list as everyone sees it: asked again only once the glossary changes
        key = ("index", category, district, page, i18n.current_locale.get())
        found = await run_in_threadpool(_services(request).cached, (VIEW,), key, read)
    else:
        found = await _read(request, read)
    context = {
        **found, "page": page, "query": query, "category": category, "district": district,
        "query_error": query_error, "max_query": limits.MAX_QUERY, **_text_context(),
    }  # fmt: skip
    response = render(request, "glossary/index.html", context, block="results", status_code=422 if query_error else 200)
    return shared.keep(response) if shared else response


def _page_number(request: Request, raw: str) -> int | Response:
    """The page asked for (page 1 for what is no page number), or a 400 past the last page any
    glossary can have: an offset that large is no page, and SQLite's integers overflow."""
    if not raw.isascii() or not raw.isdecimal():
        return 1
    if len(raw) > len(str(limits.MAX_PAGE)) or int(raw) > limits.MAX_PAGE:
        message = gettext("Page numbers go from 1 to %(most)s.", most=limits.MAX_PAGE)
        return error_page(request, 400, detail=message)
    return max(1, int(raw))


def _query_problem(query: str) -> str:
    if len(query) > limits.MAX_QUERY:
        return gettext("Search for at most %(most)s characters.", most=limits.MAX_QUERY)
    if len(query.split()) > limits.MAX_QUERY_WORDS:
        return gettext("Search for at most %(most)s words.", most=limits.MAX_QUERY_WORDS)
    return ""


async def term_page(request: Request) -> Response:
    term_id = str(_uuid(request.path_params["term_id"]))
    term, history, meetings = await _read(
        request, lambda db: (queries.term(db, term_id), queries.history(db, term_id), queues.review_meetings(db))
    )
    if term is None:
        raise HTTPException(404)
    people = await _people(request, [term["meeting_by"] or "", term["proposed_by"]])
    context = {"term": term, "history": history, "meetings": meetings, "people": people, **_text_context()}
    return render(request, "glossary/term.html", context)


async def export_download(request: Request) -> Response:
    format = request.path_params["format"]
    if format not in EXPORT_TYPES:
        raise HTTPException(404)
    body = await _read(request, lambda db: export(queries.export_entries(db), format))
    return Response(
        body,
        media_type=EXPORT_TYPES[format],
        headers={"Content-Disposition": f'attachment; filename="kaohsiung-glossary.{format}"'},
    )


# --- proposing --------------------------------------------------------------------------------


async def propose_form(request: Request) -> Response:
    _translator(request)
    values = {"zh": request.query_params.get("zh", ""), "en": "", "category": "", "district": "", "variants": "",
              "notes": "", "sources": "", "term_id": request.query_params.get("term", "")}  # fmt: skip
    if values["term_id"]:
        term_id = str(_uuid(values["term_id"]))
        term = await _read(request, lambda db: queries.term(db, term_id))
        if term is None:
            raise HTTPException(404)
        values.update(zh=term["zh"], en=term["en"], category=term["category"], district=term["district"])
    return await _proposal_page(request, values, {})


async def propose(request: Request) -> Response:
    user = _translator(request)
    form = await request.form()
    values = _proposal_values(form)
    if form.get("action") == "check":
        return await _proposal_page(request, values, {}, block="proposal")
    variants, errors = _parse_variants(values["variants"])
    if not values["term_id"] and not values["category"].strip():
        errors["category"] = text.field_problem("category", "missing")  # no preset: a place's kind is chosen
        for field, code in name_problems(tidy(values["zh"]), tidy(values["en"])):  # and the names' own errors
            errors.setdefault(field, text.field_problem(field, code))
    if errors:
        return await _proposal_page(request, values, errors, status_code=422)
    glossary = _services(request).glossary
    try:
        if values["term_id"]:
            term_id = _uuid(values["term_id"])
            recorded = await run_in_threadpool(
                lambda: glossary.propose_change(
                    term_id, values["en"], user["id"], variants=variants, notes=values["notes"]
                )
            )
        else:
            recorded = await run_in_threadpool(
                lambda: glossary.propose(
                    values["zh"],
                    values["en"],
                    user["id"],
                    category=values["category"],
                    district=values["district"],
                    variants=variants,
                    notes=values["notes"],
                    sources=values["sources"].splitlines(),
                )
            )
            term_id = recorded.result
    except InvalidFieldError as invalid:
        errors = {invalid.field: text.field_problem(invalid.field, invalid.code)}
        return await _proposal_page(request, values, errors, status_code=422)
    except TermExistsError as exists:
        message = gettext("This place already has a term. Propose a change on its page instead.")
        return await _proposal_page(request, values, {"zh": message}, status_code=409, existing=str(exists.term_id))
    except ChangePendingError:
        message = gettext("A change to this term is already waiting for a meeting.")
        return await _proposal_page(request, values, {"en": message}, status_code=409)
    await see_own_write(request, recorded.position, VIEW)
    if values["term_id"]:
        flash(request, gettext("Your change is recorded. It waits for a review meeting; see My proposals."))
    else:
        flash(request, gettext("Your proposal is recorded. It waits for a review meeting; see My proposals."))
    return _redirect(request, request.url_for("glossary_term", term_id=str(term_id)))


async def suggestions(request: Request) -> Response:
    """The live part of the proposal form: romanization and warnings as the translator types."""
    _translator(request)
    values = _proposal_values(request.query_params)
    return await _proposal_page(request, values, {}, block="suggestions")


def _proposal_values(source: Mapping[str, Any]) -> dict[str, str]:
    keys = ("zh", "en", "category", "district", "variants", "notes", "sources", "term_id")
    return {key: str(source.get(key, "")) for key in keys}


def _parse_variants(raw: str) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """One variant a line, as ``kind: text`` (``tongyong: Cianjhen``, or ``通用拼音: Cianjhen``):
    the kind by its code or by its name in the page's language or in English."""
    kinds = {code: code for code in VARIANT_KINDS}
    for code, name in text.VARIANT_KINDS.items():
        kinds[name.lower()] = kinds[gettext(name).lower()] = code
    variants = []
    for line in raw.splitlines():
        if not line.strip():
            continue
        kind, separator, value = line.replace("：", ":").partition(":")
        if not separator or kind.strip().lower() not in kinds:
            return [], {"variants": text.field_problem("variants", "unknown_kind")}
        variants.append((value.strip(), kinds[kind.strip().lower()]))
    return variants, {}


async def _proposal_page(
    request: Request, values: dict[str, str], errors: dict[str, str], *,
    block: str | None = "proposal", status_code: int = 200, existing: str = "",
) -> Response:  # fmt: skip
    """The form (or one block of it) with the suggestion and the warnings for what was typed.

    Names over their bounds get a field error instead, before anything else looks at them.
    """
    errors = dict(errors)

    def read(db: Database) -> dict:
        try:
            warnings = checks.check(values["zh"], values["en"], queries.KnownNamesInReadModel(db), values["term_id"])
        except InvalidFieldError as invalid:
            errors.setdefault(invalid.field, text.field_problem(invalid.field, invalid.code))
            return {"warnings": [], "suggestion": None, "district_options": _district_options(db, DISTRICTS),
                    "duplicates": []}  # fmt: skip
        zh = values["zh"].strip()
        known = queries.KnownNamesInReadModel(db)
        return {
            "duplicates": checks.duplicates(values["zh"], values["en"], known, values["term_id"]),
            "warnings": [text.warning_message(warning) for warning in warnings],
            "suggestion": suggest(zh) if zh else None,  # pypinyin loads here, on the first suggestion
            "district_options": _district_options(db, DISTRICTS),
        }

    context = {
        **await _read(request, read), "values": values, "errors": errors, "existing": existing,
        "category_options": _category_options(), "kinds": VARIANT_KINDS, **_text_context(),
        "kind_names": text.listed(gettext(name) for name in text.VARIANT_KINDS.values()),
    }  # fmt: skip
    if errors and status_code == 200:
        status_code = 422
    return render(request, "glossary/propose.html", context, block=block, status_code=status_code)


def _district_options(db: Database, districts: Sequence[str]) -> list[tuple[str, str]]:
    """Districts for a select: in English the approved name, with the Chinese to be sure.

    A district without approved English reads as the ``place`` filter shows it: the Chinese, then
    a generated romanization marked as unofficial.
    """
    from web import i18n

    if i18n.current_locale.get() == i18n.ZH:
        return [(district, district) for district in districts]
    unofficial = gettext("unofficial romanization")
    options = []
    for district in districts:
        en = queries.english_for(db, district)
        label = f"{en} ({district})" if en else f"{district} ({suggest(district).tongyong}, {unofficial})"
        options.append((district, label))
    return options


def _category_options() -> list[tuple[str, str]]:
    return [(code, gettext(name)) for code, name in text.CATEGORIES.items()]


# --- meetings ---------------------------------------------------------------------------------


async def meetings_page(request: Request) -> Response:
    rows = await _read(request, queries.meetings)
    people = await _people(request, [row["convened_by"] for row in rows])
    context = {"meetings": rows, "errors": {}, "values": {}, "people": people, **_text_context()}
    return render(request, "glossary/meetings.html", context)


async def convene(request: Request) -> Response:
    user = require_role(request, STAFF)
    form = await request.form()
    values = {key: str(form.get(key, "")) for key in ("date", "title", "members")}
    try:
        recorded = await run_in_threadpool(
            lambda: _services(request).glossary.convene(
                values["date"], values["members"].splitlines(), user["id"], title=values["title"]
            )
        )
    except InvalidFieldError as invalid:
        rows = await _read(request, queries.meetings)
        people = await _people(request, [row["convened_by"] for row in rows])
        errors = {invalid.field: text.field_problem(invalid.field, invalid.code)}
        context = {"meetings": rows, "errors": errors, "values": values, "people": people, **_text_context()}
        return render(request, "glossary/meetings.html", context, block="convene", status_code=422)
    await see_own_write(request, recorded.position, VIEW)
    flash(request, gettext("The meeting is convened. Build its agenda from the review queue."))
    return _redirect(request, request.url_for("glossary_meeting", meeting_id=str(recorded.result)))


async def meeting_page(
    request: Request, errors: dict | None = None, status_code: int = 200, confirming: dict | None = None
) -> Response:
    meeting_id = str(_uuid(request.path_params["meeting_id"]))
    meeting, waiting = await _read(request, lambda db: (queries.meeting(db, meeting_id), queries.waiting_terms(db)))
    if meeting is None:
        raise HTTPException(404)
    people = await _people(request, [meeting["convened_by"]])
    return render(
        request, "glossary/meeting.html",
        {"meeting": meeting, "waiting": waiting, "errors": errors or {}, "confirming": confirming, "people": people,
         "today": datetime.now(CITY_TIMEZONE).date().isoformat(), **_text_context()},
        block="minutes", status_code=status_code,
    )  # fmt: skip


async def add_to_agenda(request: Request) -> Response:
    user = require_role(request, STAFF)
    meeting_id = _uuid(request.path_params["meeting_id"])
    form = await request.form()
    term_id = _uuid(str(form.get("term_id", "")))
    try:
        recorded = await run_in_threadpool(_services(request).glossary.put_on_agenda, meeting_id, term_id, user["id"])
    except AlreadyOnAgendaError:
        return await meeting_page(request, {"term_id": gettext("That term is already on this agenda.")}, 409)
    await see_own_write(request, recorded.position, VIEW)
    flash(request, gettext("Put on the agenda: %(zh)s.", zh=await _zh(request, term_id)))
    return await _after_meeting_change(request, meeting_id)


CONFIRMED = ("approve", "approve_amended", "correct")  # decisions the chair confirms with their warnings


async def decide(request: Request) -> Response:
    """Records a decision. Approving (or correcting) takes two steps: the English typed is shown back
    with the warnings it raises now, and only its confirmation records it, exactly as shown."""
    user = require_role(request, STAFF)
    meeting_id = _uuid(request.path_params["meeting_id"])
    form = await request.form()
    term_id = _uuid(str(form.get("term_id", "")))
    outcome, en, reason = str(form.get("outcome", "")), str(form.get("en", "")), str(form.get("reason", ""))
    if outcome not in (*CONFIRMED, "reject", "defer"):
        raise HTTPException(400)
    services = _services(request)
    glossary = services.glossary
    if outcome in CONFIRMED and "en" not in form:  # no English typed: the proposal's (or the approved) English
        term = await run_in_threadpool(glossary.term, term_id)
        en = term.candidate.en if term.candidate else term.en
    if outcome in CONFIRMED:
        # The warnings are checked against the glossary as it stands: the read model must hold the log so far.
        await see_own_write(request, await run_in_threadpool(services.log.position), VIEW)
        if form.get("confirm") != "yes":
            return await _confirmation(request, meeting_id, term_id, outcome, en, reason)
        seen = [str(key) for key in form.getlist("seen")]

        def confirmed() -> Recorded:
            with services.reader(VIEW) as db:
                known = queries.KnownNamesInReadModel(db)
                if outcome == "correct":
                    return glossary.correct(meeting_id, term_id, en, reason, user["id"], known=known, seen=seen)
                return glossary.approve(meeting_id, term_id, user["id"], en=en, known=known, seen=seen)

        command: Callable[[], Recorded] = confirmed
    elif outcome == "reject":
        command = lambda: glossary.reject(meeting_id, term_id, reason, user["id"])  # noqa: E731
    else:
        command = lambda: glossary.defer(meeting_id, term_id, user["id"])  # noqa: E731
    try:
        recorded = await run_in_threadpool(command)
    except InvalidFieldError as invalid:
        message = text.field_problem(invalid.field, invalid.code)
        return await meeting_page(request, {f"{term_id}-{invalid.field}": message}, 422)
    except UnconfirmedWarningsError:
        changed = gettext("The warnings changed since the decision was shown: check them again.")
        return await _confirmation(request, meeting_id, term_id, outcome, en, reason, notice=changed, status_code=409)
    await see_own_write(request, recorded.position, VIEW)
    term = await run_in_threadpool(glossary.term, term_id)
    said = {
        "approve": N_("Decision %(number)s recorded: %(zh)s is approved as %(en)s."),
        "approve_amended": N_("Decision %(number)s recorded: %(zh)s is approved as %(en)s."),
        "correct": N_("Decision %(number)s recorded: %(zh)s is corrected to %(en)s."),
        "reject": N_("Decision %(number)s recorded: the proposal for %(zh)s is rejected."),
        "defer": N_("Decision %(number)s recorded: %(zh)s is deferred to a later meeting."),
    }[outcome]
    flash(request, gettext(said, number=recorded.result, zh=term.zh, en=term.en))
    return await _after_meeting_change(request, meeting_id)


async def _confirmation(
    request: Request, meeting_id: UUID, term_id: UUID, outcome: str, en: str, reason: str, *,
    notice: str = "", status_code: int = 200,
) -> Response:  # fmt: skip
    """The meeting page with the decision to confirm: the English exactly as it will be recorded,
    the warnings it raises now, and the button that records it. Nothing is recorded yet."""
    services = _services(request)

    def review() -> tuple[str, list]:
        with services.reader(VIEW) as db:
            return services.glossary.review_english(
                term_id, en, queries.KnownNamesInReadModel(db), reason=reason if outcome == "correct" else None
            )

    try:
        checked_en, warnings = await run_in_threadpool(review)
    except InvalidFieldError as invalid:
        message = text.field_problem(invalid.field, invalid.code)
        return await meeting_page(request, {f"{term_id}-{invalid.field}": message}, 422)
    term = await run_in_threadpool(services.glossary.term, term_id)
    if term.agenda_meeting_id != meeting_id:
        raise NotOnAgendaError(term_id, meeting_id)
    if (outcome == "correct") == (term.candidate is not None):  # approve a proposal; correct an approved name
        raise TermStatusError(term_id, term.status, outcome)
    proposed = term.candidate.en if term.candidate else term.en
    confirming = {
        "term_id": str(term_id), "outcome": "correct" if outcome == "correct" else "approve", "en": checked_en,
        "reason": reason.strip(), "zh": term.zh, "proposed_en": proposed, "amended": checked_en != proposed,
        "warnings": [text.warning_message(warning) for warning in warnings],
        "seen": [warning_key(warning) for warning in warnings], "notice": notice,
    }  # fmt: skip
    return await meeting_page(request, status_code=status_code, confirming=confirming)


async def _zh(request: Request, term_id: UUID) -> str:
    return (await run_in_threadpool(_services(request).glossary.term, term_id)).zh


async def _people(request: Request, actors: Sequence[str]) -> dict[str, str]:
    """Display names of the accounts that acted (the command line as itself), for the pages."""

    def read() -> dict[str, str]:
        names = {}
        with _services(request).reader("accounts") as db:
            for actor in set(actors):
                found = account_queries.account(db, actor) if actor != SYSTEM_ACTOR else None
                names[actor] = found["name"] if found else actor
        return names

    names = await run_in_threadpool(read)
    if SYSTEM_ACTOR in names:
        names[SYSTEM_ACTOR] = gettext("the command line")
    return names


async def _after_meeting_change(request: Request, meeting_id: UUID) -> Response:
    if is_htmx(request):
        return await meeting_page(request)
    return _redirect(request, request.url_for("glossary_meeting", meeting_id=str(meeting_id)))


# --- queues -----------------------------------------------------------------------------------


async def waiting_page(request: Request) -> Response:
    """Public: every proposal and change waiting for a review meeting."""
    rows = await _read(request, queues.waiting_for_review)
    return render(request, "glossary/waiting.html", {"items": rows, "most": queues.MOST, **_text_context()})


async def my_proposals_page(request: Request) -> Response:
    user = _translator(request)
    rows = await _read(request, lambda db: queues.my_proposals(db, user["id"]))
    return render(request, "glossary/mine.html", {"items": rows, **_text_context()})


async def queue_page(request: Request, errors: dict | None = None, status_code: int = 200,
                     selected: Sequence[str] = (), meeting_id: str = "") -> Response:  # fmt: skip
    """Staff: everything pending, from which a meeting's agenda is built."""
    require_role(request, STAFF)
    items, meetings = await _read(request, lambda db: (queues.staff_queue(db), queues.review_meetings(db)))
    context = {
        "items": items, "meetings": meetings, "errors": errors or {}, "selected": set(selected),
        "meeting_id": meeting_id, "most": queues.MOST, **_text_context(),
    }  # fmt: skip
    return render(request, "glossary/queue.html", context, block="queue", status_code=status_code)


async def queue_to_agenda(request: Request) -> Response:
    """Puts the selected items (from the queue, or one from a term's page) on a meeting's agenda."""
    user = require_role(request, STAFF)
    form = await request.form()
    selected = [str(value) for value in form.getlist("term_id")][: limits.MAX_AGENDA_BATCH + 1]
    raw_meeting = str(form.get("meeting_id", ""))
    errors = {}
    if not raw_meeting:
        errors["meeting_id"] = gettext("Choose the meeting whose agenda the items go on.")
    if not selected:
        errors["term_id"] = gettext("Choose at least one item for the agenda.")
    if errors:
        return await queue_page(request, errors, 422, selected, raw_meeting)
    meeting_id, term_ids = _uuid(raw_meeting), [_uuid(value) for value in selected]
    try:
        recorded = await run_in_threadpool(
            _services(request).glossary.put_all_on_agenda, meeting_id, term_ids, user["id"]
        )
    except InvalidFieldError as invalid:
        errors = {invalid.field: text.field_problem(invalid.field, invalid.code)}
        return await queue_page(request, errors, 422, selected, raw_meeting)
    except (AlreadyOnAgendaError, TermStatusError):
        message = gettext("One of the items is already on an agenda or was decided meanwhile; nothing was added.")
        return await queue_page(request, {"term_id": message}, 409, selected, raw_meeting)
    await see_own_write(request, recorded.position, VIEW)
    flash(request, ngettext("%(count)s item put on the agenda.", "%(count)s items put on the agenda.",
                            recorded.result, count=recorded.result))  # fmt: skip
    return _redirect(request, request.url_for("glossary_meeting", meeting_id=str(meeting_id)))


# --- shared -----------------------------------------------------------------------------------


def _translator(request: Request) -> dict:
    user = require_user(request)
    if not {TRANSLATOR, STAFF} & set(user["roles"]):
        raise HTTPException(403)
    return user


def _uuid(value: str) -> UUID:
    try:
        return UUID(value)
    except ValueError:
        raise HTTPException(404) from None


def _redirect(request: Request, url: object) -> Response:
    """Post/redirect/get; htmx follows with a full page load instead of swapping a whole page in."""
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": str(url)})
    return RedirectResponse(str(url), status_code=303)


exception_handlers = {
    ConcurrentChangeError: conflict,
    TermNotFoundError: not_found,
    MeetingNotFoundError: not_found,
    TermStatusError: conflict,
    NotOnAgendaError: conflict,
    ChangePendingError: conflict,
    AlreadyOnAgendaError: conflict,
    TermExistsError: conflict,
    GlossaryError: unprocessable,
}

# Every glossary page lives under one mount: the context owns /glossary/ and nothing else.
routes = [
    Mount(
        "/glossary",
        routes=[
            Route("/", glossary_index, name="glossary"),
            Route("/terms/{term_id}", term_page, name="glossary_term"),
            Route("/export.{format}", export_download, name="glossary_export"),
            Route("/propose", propose_form, name="glossary_propose_form"),
            Route("/propose", propose, methods=["POST"], name="glossary_propose"),
            Route("/suggestions", suggestions, name="glossary_suggestions"),
            Route("/waiting", waiting_page, name="glossary_waiting"),
            Route("/mine", my_proposals_page, name="glossary_mine"),
            Route("/queue", queue_page, name="glossary_queue"),
            Route("/queue", queue_to_agenda, methods=["POST"], name="glossary_queue_agenda"),
            Route("/meetings", meetings_page, name="glossary_meetings"),
            Route("/meetings", convene, methods=["POST"], name="glossary_convene"),
            Route("/meetings/{meeting_id}", meeting_page, name="glossary_meeting"),
            Route("/meetings/{meeting_id}/agenda", add_to_agenda, methods=["POST"], name="glossary_agenda"),
            Route("/meetings/{meeting_id}/decisions", decide, methods=["POST"], name="glossary_decide"),
            Route("/import", glossary_import.import_page, name="glossary_import_form"),
            Route("/import", glossary_import.import_upload, methods=["POST"], name="glossary_import"),
        ],
    )
]

nav = [
    NavItem(N_("Place names"), "glossary"),
    NavItem(N_("Propose a name"), "glossary_propose_form", (TRANSLATOR, STAFF)),
    NavItem(N_("My proposals"), "glossary_mine", (TRANSLATOR, STAFF)),
    NavItem(N_("Review queue"), "glossary_queue", STAFF),
    NavItem(N_("Glossary meetings"), "glossary_meetings", STAFF),
    NavItem(N_("Import names"), "glossary_import_form", STAFF),
]

UPLOAD_PATHS = ("/glossary/import",)


def home_widget(db) -> dict | None:
    kinds = queues.approvals_by_kind(db)
    if kinds.get("initial_list") and not kinds.get("review"):
        caption = N_("adopted from initial lists that staff imported; none approved at a review meeting yet")
    elif kinds.get("initial_list"):
        caption = N_("approved at review meetings or adopted from initial lists that staff imported")
    else:
        caption = N_("approved at the city's review meetings")
    return {
        "title": N_("Approved English place names"),
        "figure": queries.approved_count(db),
        "caption": caption,
        "url": "/glossary/",
        "link": N_("Search the glossary"),
    }


AUDIT = AuditWording(
    code="glossary",
    context=N_("Place-name glossary"),
    events={
        "Term.Proposed": N_("Proposed a name"),
        "Term.Imported": N_("Imported a name"),
        "Term.ProposedAgain": N_("Proposed a name again"),
        "Term.ChangeProposed": N_("Proposed a change"),
        "Term.PutOnAgenda": N_("Put a name on an agenda"),
        "Term.Approved": N_("Approved a name"),
        "Term.Rejected": N_("Rejected a name"),
        "Term.Deferred": N_("Deferred a name"),
        "Term.Deprecated": N_("Retired a name"),
        "Term.Superseded": N_("Replaced a name by another"),
        "Term.Corrected": N_("Corrected a name's approved English"),
        "Meeting.Convened": N_("Convened a meeting"),
        "Meeting.AgendaItemAdded": N_("Added to a meeting's agenda"),
        "Meeting.DecisionRecorded": N_("Recorded a decision"),
        "Meeting.ListAdopted": N_("Adopted an initial list"),
        "Meeting.CorrectionRecorded": N_("Recorded a correcting decision"),
    },
    link=lambda kind, aggregate_id: {
        "Term": f"/glossary/terms/{aggregate_id}",
        "Meeting": f"/glossary/meetings/{aggregate_id}",
    }.get(kind),
)

part = WebPart(
    routes=routes,
    nav=nav,
    filters=lambda services: {"place": PlaceNames(services)},
    audit=AUDIT,
    errors=exception_handlers,
    uploads=UPLOAD_PATHS,
    home_widgets=[home_widget],
    views=("glossary",),
)
