"""Jinja2 set-up and the one render function every route uses."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse

from web import i18n
from web.flash import KEY as FLASHES
from web.flash import pop_flashes

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


def make_environment(filters: dict[str, Callable[..., Any]] | None = None) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        # Templates change with a deployment, which restarts the server: checking every template's
        # file time on every render cost a page 4-6 % of its CPU.
        auto_reload=False,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda message: i18n.current.get().ugettext(message),
        ngettext=lambda singular, plural, n: i18n.current.get().ungettext(singular, plural, n),
        newstyle=True,
    )
    # The same answers as the extension's own newstyle functions, without their three calls
    # through the template context each: a page's hundreds of messages were a third of its CPU.
    env.globals.update(_=_gettext, gettext=_gettext, ngettext=_ngettext)
    env.filters.update(
        date=lambda value: i18n.format_date(_as_date(value), i18n.current_locale.get()) if value else "",
        datetime=lambda value: i18n.format_datetime(_as_datetime(value), i18n.current_locale.get()) if value else "",
        money=lambda value: i18n.format_money(value, i18n.current_locale.get()),
        number=lambda value: i18n.format_number(value, i18n.current_locale.get()),
        roc_date=i18n.roc_date,
    )
    env.filters.update(filters or {})
    return env


def _gettext(message: str, /, **variables: Any) -> Markup:
    """Jinja's newstyle ``gettext`` under autoescape: the translation is markup, the variables
    are escaped into it, and it is a format string even without variables (``%%`` is ``%``)."""
    text = Markup(i18n.current.get().ugettext(message))
    return text % variables if variables or "%" in text else text


def _ngettext(singular: str, plural: str, num: int, /, **variables: Any) -> Markup:
    variables.setdefault("num", num)
    return Markup(i18n.current.get().ungettext(singular, plural, num)) % variables


def _as_date(value: date | datetime | str) -> date | datetime:
    """Read models store timestamps as ISO text; the ``date`` filter takes those too."""
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def _as_datetime(value: datetime | str) -> datetime:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true" and request.headers.get("hx-boosted") != "true"


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    block: str | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """Renders the whole page, or just one named block for an htmx request."""
    env: jinja2.Environment = request.app.state.jinja
    template = env.get_template(name)
    values = {**page_context(request), **(context or {})}
    flashes = pop_flashes(request)
    if block and is_htmx(request):
        ctx = template.new_context(values)
        html = "".join(template.blocks[block](ctx))
        if flashes:  # into the page's status region, out of band of the swapped block
            html += env.get_template("flash.html").render({**values, "flashes": flashes, "oob": True})
    else:
        html = template.render({**values, "flashes": flashes})
    response = HTMLResponse(html, status_code=status_code, headers=headers)
    response.headers["Vary"] = "HX-Request, Accept-Language, Cookie"
    return response


class SharedPage:
    """A page every visitor without a session sees the same way, kept while its views stand still.

    The public pages a crowd reads (the glossary's list, a cycle, its proposals, a proposal, the
    results). A visitor who is not signed in and has no message waiting sees exactly what the URL,
    the language and the htmx headers decide, from the views at some position: the page is kept
    with the position and generation of its views, read before anything is read from them, so it
    is never older than what a request waited for (see ``ReadModels.cached``). Anyone signed in
    (who may just have written, and whose navigation is their own) and anyone with a message
    waiting gets a page rendered for them, and it is not kept.

    A page that also depends on the clock (a cycle's phase opens at its scheduled time) is kept
    with ``fresh``, asked before each reuse: once it answers False the page is rendered again.
    """

    def __init__(self, request: Request, views: tuple[str, ...], key: tuple[Any, ...]) -> None:
        self.read_models = request.app.state.services.read_models
        self.views = views
        headers = request.headers
        self.key = ("page", str(request.url), i18n.current_locale.get(), headers.get("hx-request"),
                    headers.get("hx-boosted"), *key)  # fmt: skip
        self.stamp = self.read_models.stamp(views)

    @classmethod
    def of(cls, request: Request, views: tuple[str, ...], key: tuple[Any, ...]) -> SharedPage | None:
        """The shared page for this request, or None for a visitor who may see it differently."""
        if getattr(request.state, "user", None) is not None:
            return None
        if "session" in request.scope and request.session.get(FLASHES):
            return None
        return cls(request, views, key)

    def recalled(self) -> HTMLResponse | None:
        found, kept = self.read_models.recall(self.views, self.key, self.stamp)
        if not found:
            return None
        body, status_code, fresh = kept
        if fresh is not None and not fresh():
            return None
        response = HTMLResponse(body, status_code=status_code)
        response.headers["Vary"] = "HX-Request, Accept-Language, Cookie"
        return response

    def keep(self, response: HTMLResponse, fresh: Callable[[], bool] | None = None) -> HTMLResponse:
        """Keeps the page for the next visitor while its views stand still (and ``fresh()`` holds)."""
        kept = (bytes(response.body), response.status_code, fresh)
        self.read_models.keep(self.views, self.key, self.stamp, kept)
        return response


def _failed_views(request: Request, user: dict | None) -> list[str]:
    if not user or not {"staff", "admin"} & set(user.get("roles", ())):
        return []
    return request.app.state.services.read_models.failed()


def page_context(request: Request) -> dict[str, Any]:
    from web.navigation import navigation  # the navigation lists every context's pages

    user = getattr(request.state, "user", None)
    locale = getattr(request.state, "locale", i18n.ZH)
    return {
        "request": request,
        "url_for": request.app.state.urls.url_for(request),
        "static": lambda path: request.app.state.static_url(path),
        "user": user,
        "locale": locale,
        "html_lang": "zh-Hant-TW" if locale == i18n.ZH else "en",
        "languages": [(code, i18n.LANGUAGE_NAMES[code]) for code in i18n.SUPPORTED],
        "nav": navigation(request, user),
        "current_path": request.url.path,
        # Staff are told when a read model stopped on an event, on every page, until it is rebuilt.
        "failed_views": _failed_views(request, user),
        "flashes": [],  # render() fills in the confirmation messages waiting (web/flash.py)
        "oob": False,
    }
