"""``civic serve``, ``civic demo`` and ``civic rebuild``: the platform's own commands.

Each imports what it needs when it runs (the web stack, the services), so that loading this
module for one of them, or for its help, stays cheap.
"""

from __future__ import annotations

import os
import sys
from urllib.parse import urlsplit

import click

from civic.clickhelp import TranslatedCommand
from web.i18n import N_
from web.i18n import gettext as _


@click.command("serve", cls=TranslatedCommand, help=N_("Serve the platform over HTTP."))
@click.option("--host", default="127.0.0.1", show_default=True, help=N_("Address to listen on."))
@click.option("--port", default=8000, show_default=True, type=int, help=N_("Port to listen on."))
@click.option(
    "--local-provider/--no-local-provider",
    default=False,
    help=N_("Also start the local OpenID provider on 127.0.0.1 (for trying civic with no outside service)."),
)
@click.option("--workers", default=1, show_default=True, type=int, help=N_("Worker processes."))
@click.option(
    "--cpus",
    default="",
    metavar="0,1,…",
    help=N_("Run the server only on these processor cores, for example 0 (as taskset -c 0)."),
)
def serve(host: str, port: int, local_provider: bool, workers: int, cpus: str) -> None:
    import uvicorn

    from civic import local_provider as provider
    from civic.settings import Settings

    if cpus:
        pin_to(cores(cpus))
    settings = Settings.from_env()
    started = None
    if local_provider:
        provider_port = urlsplit(settings.oidc_metadata_url).port or 8765
        started = provider.start(provider_port)
        click.echo(_("Local sign-in provider running at %(url)s", url=started.issuer), err=True)
    click.echo(_("civic is running at http://%(host)s:%(port)s", host=host, port=port), err=True)
    try:
        uvicorn.run("civic.asgi:app", host=host, port=port, workers=workers, proxy_headers=False, log_level="info")
    finally:
        if started:
            started.stop()


def cores(text: str) -> set[int]:
    """The cores ``--cpus`` names, each one this process may run on."""
    allowed = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else set()
    try:
        chosen = {int(part) for part in text.split(",") if part.strip()}
    except ValueError:
        chosen = set()
    if not chosen or not chosen <= allowed:
        available = ", ".join(map(str, sorted(allowed))) or "–"
        raise click.BadParameter(_("Give core numbers separated by commas, among %(cores)s.", cores=available))
    return chosen


def pin_to(chosen: set[int]) -> None:
    """Keeps this process (and the workers uvicorn starts, which inherit it) on ``chosen`` cores.

    Why: a worker is one Python process whose threads (the event loop, the pool that casts and
    reads) take turns holding the interpreter's lock. Spread over two cores they hand that lock
    from core to core, and on a quiet 2-core machine a cast cost 1.8-2.9 ms of CPU that way,
    against 0.9 ms with the server kept on one core (bench/cast_http.py --server-cpus 0). One
    worker per core, each pinned, is the layout the README recommends.
    """
    os.sched_setaffinity(0, chosen)


@click.command(
    "demo",
    cls=TranslatedCommand,
    help=N_("Seed demo data for every context (safe to run again: it changes nothing the second time)."),
)
def demo() -> None:
    from civic.demo import seed
    from civic.services import build_services
    from civic.settings import Settings

    services = build_services(Settings.from_env())
    try:
        for line in seed(services):
            click.echo(line)
        services.catch_up()
    finally:
        services.close()


@click.command(
    "rebuild",
    cls=TranslatedCommand,
    help=N_(
        "Rebuild read models (all, or the VIEWS named) from the event log, then swap them in. "
        "A running server goes on serving the old files until the new ones are ready."
    ),
)
@click.argument("views", nargs=-1)
def rebuild(views: tuple[str, ...]) -> None:
    from civic.services import build_services
    from civic.settings import Settings
    from projections.readmodels import build_workers

    services = build_services(Settings.from_env())  # the command line checked that the data exists
    try:
        known = services.read_models.names()
        unknown = [name for name in views if name not in known]
        if unknown:
            message = _(
                "Unknown view %(names)s. The views are: %(known)s.", names=", ".join(unknown), known=", ".join(known)
            )
            raise click.UsageError(message)
        total = services.log.position() * (len(views) or len(known))
        with click.progressbar(length=total, label=_("Rebuilding read models"), file=sys.stderr) as bar:
            services.read_models.rebuild(views, on_progress=bar.update, workers=build_workers())
        done = ", ".join(views or known)
        click.echo(_("Rebuilt %(views)s from %(count)s events.", views=done, count=services.log.position()))
    finally:
        services.close()
