"""Results: counting a cycle when voting closes, the results page, and each area's ``.pb`` download.

``record_results`` is the glue that counts: it reads the counted ballots (the ``ballots`` read
model, which follows the ballot box) and the eligible residents per area (the ``census`` read
model) and hands them to ``Results.count``. Staff moving a cycle to counting (here or with
``civic cycle advance``/``tick``) call it.

The page is public once results are published; staff may preview it at counting. Turnout is
shown as aggregates only, and any cell under ``SMALL_CELL`` people reads "<10" (with one more
cell hidden when a total would give the hidden one away).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlite_utils import Database
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from domain.accounts import STAFF
from domain.budgeting.counting import AreaResult
from domain.budgeting.recount import area_file
from domain.budgeting.results import COUNTING, RESULTS
from domain.eventlog import Recorded
from domain.tally.rational import Rational
from projections import budgeting_queries as queries
from projections.ballot_queries import ballot_count, ballots_of_area, turnout
from projections.budgeting_results import CycleOutcome, results_of
from projections.census_queries import eligible_by_district
from web import i18n
from web.budgeting_text import RULES
from web.errors import error_page
from web.i18n import N_, gettext
from web.svgcharts import Bar, bar_chart, split_bar
from web.templating import SharedPage, render

VIEWS = ("budgeting", "results", "ballots", "census")
# What the page reads: the cycle and its results, and the ballots only once they are shown.
UNPUBLISHED_VIEWS = ("budgeting", "results")
PUBLISHED_VIEWS = ("budgeting", "results", "ballots")
SMALL_CELL = 10
HIDDEN = "<10"
HIDDEN_TOO = "—"  # not small, hidden so that the total does not give a small one away
CHANNELS = {"online": N_("Online"), "paper": N_("Paper, at a polling station")}
EXCLUDED = {
    "min_voters": N_("not eligible: fewer supporters than the threshold (%(need)s)"),
    "min_vote_share": N_("not eligible: its share of the votes is below cost ÷ (3 × budget)"),
}


# --- counting -----------------------------------------------------------------------------------


def eligible_by_area(db: Database, slug: str, areas: list[Any]) -> dict[str, int]:
    by_district = eligible_by_district(db, slug)
    return {area.code: sum(by_district.get(district, 0) for district in area.districts) for area in areas}


def record_results(services: Any, slug: str, actor: str) -> Recorded:
    """Counts the cycle (once) if it is at counting or results; position 0 when nothing changed.

    The read models are brought up to the head first, so the last ballots cast before voting
    closed are all counted."""
    results = services.results
    cycle = results.cycle(slug)
    if cycle.phase not in (COUNTING, RESULTS):
        return Recorded(0)
    services.catch_up()
    with services.reader("ballots", "census") as db:
        ballots = {area.code: list(ballots_of_area(db, slug, area.code)) for area in cycle.spec.areas}
        eligible = eligible_by_area(db, slug, list(cycle.spec.areas))
    return results.count(slug, ballots.__getitem__, eligible, actor)


def area_pb(services: Any, slug: str, area: str) -> str:
    """The area's counted ballots as ``.pb`` text, shuffled; KeyError: no such area or no results."""
    cycle = services.results.cycle(slug)
    with services.reader(*VIEWS) as db:
        outcome = results_of(db, slug)
        result = next((found for found in outcome.areas if found.area == area), None) if outcome else None
        if result is None:
            raise KeyError(area)
        ballots = list(ballots_of_area(db, slug, area))
        row = queries.cycle(db, slug)
        entries = queries.ballot(db, row["id"]).get(area, []) if row else []
        phases = queries.phase_log(db, row["id"]) if row else {}
    titles = {entry["code"]: entry["title_zh"] for entry in entries}
    begin = _day(phases.get("voting", {}).get("at") or cycle.spec.schedule.get("voting"))
    return area_file(cycle.spec, area, cycle.ballot(area), titles, ballots, result, begin, cycle.closing_day())


def _day(value: str | None) -> date | None:
    return datetime.fromisoformat(value).date() if value else None


# --- the page -----------------------------------------------------------------------------------


def _visible(user: dict | None, phase: str, outcome: CycleOutcome | None) -> bool:
    staff = bool(user and STAFF in user["roles"])
    if outcome is not None and outcome.published:
        return True
    return staff and phase in (COUNTING, RESULTS)


async def results_page(request: Request) -> Response:
    slug = request.path_params["slug"]
    user = getattr(request.state, "user", None)
    # Kept for visitors without a session in two ways: before publication the page shows nothing
    # from the ballots, so it stays while ballots are cast (the ballots view moves with each).
    unpublished = SharedPage.of(request, UNPUBLISHED_VIEWS, ("results", "unpublished"))
    published = SharedPage.of(request, PUBLISHED_VIEWS, ("results", "published"))
    for shared in (unpublished, published):
        recalled = shared.recalled() if shared else None
        if recalled is not None:
            return recalled

    def read() -> dict[str, Any]:
        services = request.app.state.services
        with services.reader(*PUBLISHED_VIEWS) as db:
            row = queries.cycle(db, slug)
            if row is None:
                raise HTTPException(404)
            outcome = results_of(db, slug)
            found: dict[str, Any] = {"cycle": row, "outcome": outcome, "entries": {}, "turnout": [], "ballots": 0}
            if _visible(user, row["phase"], outcome):  # not published: the page says so and shows nothing
                found.update(entries=queries.ballot(db, row["id"]), turnout=turnout(db, slug),
                             ballots=ballot_count(db, slug))  # fmt: skip
            else:
                found["outcome"] = None
            return found

    found = await run_in_threadpool(read)
    cycle, outcome = found["cycle"], found["outcome"]
    spec = cycle["spec"]
    areas = [_area_view(spec, found["entries"].get(area.area, []), area) for area in (outcome.areas if outcome else [])]
    context = {
        "cycle": cycle, "spec": spec, "outcome": outcome, "areas": areas, "rules_text": RULES,
        "turnout": turnout_tables(spec, found["turnout"]), "downloads": found["ballots"] > 0,
    }  # fmt: skip
    response = render(request, "budgeting/results.html", context)
    shared = published if outcome is not None else unpublished
    return shared.keep(response) if shared else response


async def area_download(request: Request) -> Response:
    slug, area = request.path_params["slug"], request.path_params["area"]
    services = request.app.state.services

    def read() -> tuple[str, CycleOutcome | None]:
        with services.reader(*VIEWS) as db:
            row = queries.cycle(db, slug)
            if row is None:
                raise HTTPException(404)
            return row["phase"], results_of(db, slug)

    phase, outcome = await run_in_threadpool(read)
    if not _visible(getattr(request.state, "user", None), phase, outcome):
        return error_page(request, 409, detail=gettext("The results of this cycle are not published yet."))
    try:
        text = await run_in_threadpool(area_pb, services, slug, area)
    except KeyError:
        raise HTTPException(404) from None
    headers = {"Content-Disposition": f'attachment; filename="{slug}-{area}.pb"'}
    return Response(text, media_type="text/plain; charset=utf-8", headers=headers)


def _name(row: Mapping[str, Any], field: str) -> str:
    suffix = "zh" if i18n.current_locale.get() == i18n.ZH else "en"
    return str(row.get(f"{field}_{suffix}") or row.get(f"{field}_zh") or "")


def _money(value: int | Rational | str) -> str:
    amount = Rational(value) if isinstance(value, str) else value
    shown = amount if isinstance(amount, int) or amount.denominator == 1 else round(float(amount), 2)
    return i18n.format_money(int(shown) if isinstance(shown, Rational) else shown, i18n.current_locale.get())


def _area_view(spec: Mapping[str, Any], entries: list[dict[str, Any]], result: AreaResult) -> dict[str, Any]:
    area = next(item for item in spec["areas"] if item["code"] == result.area)
    by_code = {entry["code"]: entry for entry in entries}
    titles = {code: _name(by_code[code], "title") if code in by_code else code for code in result.votes}
    rows = [
        {
            "code": code, "title": titles[code], "cost": by_code.get(code, {}).get("cost", 0), "votes": votes,
            "supporters": result.supporters.get(code, 0), "selected": code in result.selected,
            "excluded": gettext(EXCLUDED[result.excluded[code]], need=result.min_supporters)
            if code in result.excluded else "",
        }
        for code, votes in sorted(result.votes.items(), key=lambda item: (-item[1], item[0]))
    ]  # fmt: skip
    selected_text = gettext("selected")
    bars = [
        Bar(f"{row['code']} {row['title']}", row["votes"],
            f"{row['votes']:,}" + (f" ({selected_text})" if row["selected"] else ""), row["selected"])
        for row in rows
    ]  # fmt: skip
    unspent = result.budget - result.cost
    split = [
        Bar(gettext("Selected projects"), result.cost, _money(result.cost), True),
        Bar(gettext("Unspent"), unspent, _money(unspent)),
    ]
    return {
        "code": result.area, "name": _name(area, "name"), "result": result, "rows": rows,
        "votes_chart": bar_chart(gettext("Votes per project in %(area)s", area=_name(area, "name")), bars),
        "budget_chart": split_bar(gettext("Budget of %(area)s: selected projects and unspent", area=_name(area, "name")),
                                  split),
        "explanation": explanation_lines(result.explanation, titles),
        "budget_used": str(round(Rational(result.cost * 100, result.budget))) if result.budget else "0",
    }  # fmt: skip


# --- turnout, with small cells suppressed ---------------------------------------------------------


def suppressed(cells: Mapping[str, int]) -> dict[str, str]:
    """Counts as shown: under ``SMALL_CELL`` as "<10"; and when exactly one cell is hidden, the
    next smallest as "—", so that the total does not give it away by subtraction."""
    shown = {key: f"{value:,}" for key, value in cells.items()}
    small = [key for key, value in cells.items() if 0 < value < SMALL_CELL]
    for key in small:
        shown[key] = HIDDEN
    if len(small) == 1 and len(cells) > 1:
        others = sorted((value, key) for key, value in cells.items() if key not in small and value > 0)
        if others:
            shown[others[0][1]] = HIDDEN_TOO
    return shown


def turnout_tables(spec: Mapping[str, Any], rows: list[tuple[str, str, str, int]]) -> dict[str, Any]:
    by_area: dict[str, int] = {}
    by_band: dict[str, int] = {}
    by_channel: dict[str, int] = {}
    for area, channel, band, count in rows:
        by_area[area] = by_area.get(area, 0) + count
        by_band[band] = by_band.get(band, 0) + count
        by_channel[channel] = by_channel.get(channel, 0) + count
    names = {area["code"]: _name(area, "name") for area in spec["areas"]}
    total = sum(by_area.values())
    return {
        "total": f"{total:,}" if total >= SMALL_CELL or total == 0 else HIDDEN,
        "areas": [(names.get(code, code), shown) for code, shown in suppressed(by_area).items()],
        "bands": sorted(suppressed(by_band).items()),
        "channels": [(gettext(CHANNELS.get(channel, channel)), shown) for channel, shown in suppressed(by_channel).items()],
    }  # fmt: skip


# --- the explanation in words (the same sentences as ``civic tally --explain``) -------------------


def explanation_lines(why: Mapping[str, Any], titles: Mapping[str, str]) -> list[str]:
    def name(code: str) -> str:
        title = titles.get(code, "")
        return f"[{code}] {title}" if title and title != code else code

    kind = why.get("kind")
    if kind == "mes":
        lines = [
            gettext("Method of Equal Shares: each voter starts with %(money)s (%(steps)s units added)",
                    money=_money(why["per_voter_budget"]), steps=why["increments"]),
        ]  # fmt: skip
        if why["free"]:
            lines.append(gettext("Free, selected first: %(projects)s", projects=", ".join(map(name, why["free"]))))
        for number, bought in enumerate(why["rounds"], 1):
            lines.append(
                gettext("%(round)s. %(project)s (cost %(cost)s): %(full)s supporters paid %(share)s each, "
                        "%(short)s paid all they had left", round=number, project=name(bought["project"]),
                        cost=_money(bought["cost"]), full=bought["full"], share=_money(bought["share"]),
                        short=bought["short"])
            )  # fmt: skip
        for rejected in why["rejected"]:
            lines.append(
                gettext("Not bought: %(project)s (cost %(cost)s): its %(supporters)s supporters had %(money)s left",
                        project=name(rejected["project"]), cost=_money(rejected["cost"]),
                        supporters=rejected["supporters"], money=_money(rejected["money"]))
            )  # fmt: skip
        if why.get("completion"):
            lines += explanation_lines(why["completion"], titles)
        return lines
    if kind == "greedy":
        lines = [gettext("Greedy, best value for money first; %(money)s to spend", money=_money(why["budget"]))]
        for step in why["steps"]:
            values = {"project": name(step["project"]), "cost": _money(step["cost"]), "left": _money(step["left"])}
            if step["selected"]:
                lines.append(gettext("%(project)s (cost %(cost)s): added, %(left)s left", **values))
            else:
                lines.append(gettext("%(project)s (cost %(cost)s): does not fit, %(left)s left", **values))
        return lines
    if kind == "phragmen":
        lines = [gettext("Sequential Phragmén")]
        for number, bought in enumerate(why["rounds"], 1):
            lines.append(
                gettext("%(round)s. %(project)s: %(supporters)s supporters, load %(load)s each", round=number,
                        project=name(bought["project"]), supporters=bought["supporters"], load=_money(bought["load"]))
            )  # fmt: skip
        if why.get("stopped_by"):
            lines.append(gettext("Stopped: %(project)s would overrun the budget", project=name(why["stopped_by"])))
        return lines
    if kind == "top":
        winner = why.get("winner")
        return [gettext("The most-voted project wins: %(project)s", project=name(winner))] if winner else []
    return [gettext("No ballots were cast in this area: nothing is selected.")]


routes = [
    Route("/{slug}/results", results_page, name="budgeting_results"),
    Route("/{slug}/results/{area}.pb", area_download, name="budgeting_results_pb"),
]
