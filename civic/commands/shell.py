"""``civic serve``, ``civic demo`` and ``civic rebuild``: the platform's own commands.

Each imports what it needs when it runs (the web stack, the services), so that loading this
module for one of them, or for its help, stays cheap.
"""

from __future__ import annotations

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
def serve(host: str, port: int, local_provider: bool, workers: int) -> None:
    import uvicorn

    from civic import local_provider as provider
    from civic.settings import Settings

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
