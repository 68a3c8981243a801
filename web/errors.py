"""One place that turns errors into bilingual pages (or htmx fragments) with the right status."""

from __future__ import annotations

import logging

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from domain.accounts import AccountNotFoundError, LastAdminError, PermissionDeniedError, UnknownRoleError
from projections.readmodels import ViewUnavailableError
from projections.runner import StillProcessingError
from web import i18n
from web.middleware import RequestRefusedError, request_locale, security_headers
from web.navigation import N_
from web.templating import is_htmx, render

log = logging.getLogger("civic.web")

TITLES = {
    400: N_("The request could not be understood"),
    401: N_("Please sign in"),
    403: N_("You are not allowed to do that"),
    404: N_("Page not found"),
    405: N_("That action is not available here"),
    409: N_("Someone else changed this first"),
    413: N_("What you sent is too large"),
    422: N_("Please check what you entered"),
    429: N_("Too many requests"),
    500: N_("Something went wrong on our side"),
}
EXPLANATIONS = {
    400: N_("Check the address or the form and try again."),
    401: N_("Sign in to continue."),
    403: N_("Your account does not have the role this page needs, or the request came from another site."),
    404: N_("The page may have moved, or the address may be mistyped."),
    405: N_("Go back and use the form on the page."),
    409: N_("Reload the page to see the latest version, then try again."),
    413: N_("Send a smaller file or shorter text."),
    422: N_("Some fields need attention."),
    429: N_("Please wait a minute before trying again."),
    500: N_("The error has been logged. Nothing you entered was saved half-way; please try again."),
}

# More precise explanations for some refusals, by ``RequestRefusedError.reason``.
REASONS = {
    "host": N_("This site does not answer to that address. Check the address you typed or followed."),
}


def error_page(request: Request, status_code: int, detail: str | None = None, reason: str | None = None) -> Response:
    if "locale" not in request.scope.get("state", {}):
        # Errors raised before EdgeMiddleware chose the language (or after its context was lost) still speak
        # the user's language.
        locale = request_locale(request.scope, request.app.state.settings.default_locale)
        i18n.activate(locale, request.app.state.catalogs)
        request.state.locale = locale
    status = status_code if status_code in TITLES else (500 if status_code >= 500 else 400)
    context = {
        "status": status_code,
        "title": TITLES[status],
        "explanation": REASONS.get(reason or "", EXPLANATIONS[status]),
        "detail": detail,
        # Links as paths: the Host may be what was refused, and must not end up in the page.
        "url_for": lambda name, **params: request.app.url_path_for(name, **params),
    }
    response = render(request, "error.html", context, block="error", status_code=status_code)
    response.headers["Cache-Control"] = "no-store"  # an error is about this request only
    if status_code == 401:
        response.headers["WWW-Authenticate"] = 'OpenIDConnect realm="civic"'
    if is_htmx(request):
        # Show the alert in the layout's slot instead of replacing what the form targeted
        # (a failed role change would otherwise swap the whole accounts table away).
        response.headers["HX-Retarget"] = "#htmx-error"
        response.headers["HX-Reswap"] = "innerHTML"
    return response


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    response = error_page(request, exc.status_code)
    for key, value in (exc.headers or {}).items():
        response.headers[key] = value
    return response


async def refused(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestRefusedError)
    return refusal_page(request, exc)


def refusal_page(request: Request, refusal: RequestRefusedError) -> Response:
    response = error_page(request, refusal.status_code, reason=refusal.reason)
    response.headers.update(refusal.headers)
    return response


async def permission_denied(request: Request, exc: Exception) -> Response:
    return error_page(request, 403)


async def not_found(request: Request, exc: Exception) -> Response:
    return error_page(request, 404)


async def conflict(request: Request, exc: Exception) -> Response:
    return error_page(request, 409)


async def unprocessable(request: Request, exc: Exception) -> Response:
    return error_page(request, 422)


async def still_processing(request: Request, exc: Exception) -> Response:
    # The command is stored; only the read model lags. Say so, and refresh by itself.
    response = render(request, "processing.html", {"next_url": str(request.url)}, block="processing", status_code=202)
    response.headers["Refresh"] = "2"
    return response


async def view_unavailable(request: Request, exc: Exception) -> Response:
    # A read model is being built or has failed: writes still go to the log; say so and retry.
    assert isinstance(exc, ViewUnavailableError)
    context = {"next_url": request.url.path, "state": exc.state, "progress": exc.progress}
    response = render(request, "unavailable.html", context, block="unavailable", status_code=503)
    response.headers["Retry-After"] = "5"
    if exc.state != "failed":
        response.headers["Refresh"] = "5"
    return response


async def server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    response = error_page(request, 500)
    # Starlette answers unexpected errors from its outermost middleware, outside ours: add the
    # headers EdgeMiddleware (web/edge.py) would have added.
    for key, value in security_headers(request.app.state.settings.https_only).items():
        response.headers.setdefault(key, value)
    response.headers.setdefault("Content-Language", "zh-Hant-TW" if request.state.locale == i18n.ZH else "en")
    return response


def exception_handlers(extra: dict | None = None) -> dict:
    handlers: dict = {
        HTTPException: http_error,
        RequestRefusedError: refused,
        PermissionDeniedError: permission_denied,
        AccountNotFoundError: not_found,
        UnknownRoleError: bad_request,
        LastAdminError: conflict,
        StillProcessingError: still_processing,
        ViewUnavailableError: view_unavailable,
        # A number too large for SQLite or a C integer, from any query or form parameter: the
        # request is wrong, not the code. (ValueError is not caught here: it is a bug as often.)
        OverflowError: bad_request,
        Exception: server_error,
    }
    handlers.update(extra or {})
    return handlers


async def bad_request(request: Request, exc: Exception) -> Response:
    return error_page(request, 400)
