"""The ``civic`` command line: serve, demo, rebuild, admin, and one group per context."""

from __future__ import annotations

import sys
from urllib.parse import urlsplit

import click

from web import i18n
from web.i18n import gettext as _
from civic.settings import Settings


def _settings() -> Settings:
    return Settings.from_env()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--lang", default=None, help="Language of messages: zh_Hant_TW or en (default: from LANG).")
def main(lang: str | None) -> None:
    """civic: participatory budgeting and civic engagement for Kaohsiung and any city."""
    import os

    locale = i18n.normalize(lang) or i18n.normalize((os.environ.get("LANG") or "").split(".")[0]) or i18n.EN
    i18n.activate(locale, i18n.load_catalogs())


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--local-provider/--no-local-provider",
    default=False,
    help="Also start the local OpenID provider on 127.0.0.1 (for trying civic with no outside service).",
)
@click.option("--workers", default=1, show_default=True, type=int, help="Worker processes.")
def serve(host: str, port: int, local_provider: bool, workers: int) -> None:
    """Serve the platform over HTTP."""
    import uvicorn

    from civic import local_provider as provider

    settings = _settings()
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


@main.command()
def demo() -> None:
    """Seed demo data for every context (safe to run again: it changes nothing the second time)."""
    from civic.demo import seed
    from civic.services import build_services

    services = build_services(_settings())
    try:
        for line in seed(services):
            click.echo(line)
        services.catch_up()
    finally:
        services.close()


@main.command()
@click.argument("views", nargs=-1)
def rebuild(views: tuple[str, ...]) -> None:
    """Rebuild read models (all, or the VIEWS named) from the event log, then swap them in.

    A running server goes on serving the old files until the new ones are ready, then reopens.
    """
    from civic.services import build_services

    services = build_services(_settings())
    try:
        known = services.read_models.names()
        unknown = [name for name in views if name not in known]
        if unknown:
            raise click.UsageError(
                _("Unknown view %(names)s. The views are: %(known)s.", names=", ".join(unknown), known=", ".join(known))
            )
        total = services.log.position() * max(1, len(views) or len(known))
        with click.progressbar(length=total, label=_("Rebuilding read models"), file=sys.stderr) as bar:
            services.read_models.rebuild(views, on_progress=bar.update)
        click.echo(_("Rebuilt %(views)s from %(count)s events.", views=", ".join(views or known), count=services.log.position()))
    finally:
        services.close()


@main.group()
def admin() -> None:
    """Accounts and roles."""


@admin.command("grant")
@click.argument("subject")
@click.option("--role", default="admin", show_default=True, help="resident, reviewer, translator, staff or admin.")
@click.option("--issuer", default=None, help="The provider's issuer URL (default: from CIVIC_OIDC_METADATA_URL).")
def admin_grant(subject: str, role: str, issuer: str | None) -> None:
    """Grant ROLE to the account SUBJECT (registered now if it has never signed in)."""
    from civic.services import build_services
    from domain.accounts import UnknownRoleError

    settings = _settings()
    services = build_services(settings)
    try:
        account_id = services.accounts.grant_from_command_line(issuer or default_issuer(settings), subject, role).result
        services.catch_up()
    except UnknownRoleError:
        raise click.UsageError(_("Unknown role %(role)s.", role=role)) from None
    finally:
        services.close()
    click.echo(_("Granted %(role)s to %(subject)s (account %(id)s).", role=role, subject=subject, id=account_id))


@admin.command("list")
def admin_list() -> None:
    """List accounts and their roles."""
    from civic.services import build_services
    from projections.accounts import accounts

    services = build_services(_settings())
    try:
        services.catch_up()
        with services.reader("accounts") as db:
            for row in accounts(db):
                click.echo(f"{row['subject']}\t{row['name']}\t{','.join(row['roles'])}")
    finally:
        services.close()


def default_issuer(settings: Settings) -> str:
    """The issuer is the metadata URL without its well-known suffix (OpenID Discovery 4)."""
    return settings.oidc_metadata_url.split("/.well-known/")[0]


def _register_contexts() -> None:
    from civic.contexts import all_contexts

    for context in all_contexts():
        if context.commands:
            main.add_command(context.command_group())


_register_contexts()

if __name__ == "__main__":
    main()
