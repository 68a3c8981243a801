"""``civic admin grant|list``: accounts and their roles, from the command line."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from civic.clickhelp import TranslatedGroup
from web.i18n import N_
from web.i18n import gettext as _

if TYPE_CHECKING:
    from civic.settings import Settings


@click.group("admin", cls=TranslatedGroup, help=N_("Accounts and roles."))
def admin() -> None:
    pass


@admin.command("grant", help=N_("Grant ROLE to the account SUBJECT (registered now if it has never signed in)."))
@click.argument("subject")
# No default: granting admin by accident to whoever was named is the costly mistake.
@click.option("--role", required=True, help=N_("resident, reviewer, translator, staff or admin."))
@click.option("--issuer", default=None, help=N_("The provider's issuer URL (default: from CIVIC_OIDC_METADATA_URL)."))
def grant(subject: str, role: str, issuer: str | None) -> None:
    from civic.services import build_services
    from civic.settings import Settings
    from domain.accounts import UnknownRoleError

    settings = Settings.from_env()
    services = build_services(settings)
    try:
        account_id = services.accounts.grant_from_command_line(issuer or default_issuer(settings), subject, role).result
        services.catch_up()
    except UnknownRoleError:
        raise click.UsageError(_("Unknown role %(role)s.", role=role)) from None
    finally:
        services.close()
    click.echo(_("Granted %(role)s to %(subject)s (account %(id)s).", role=role, subject=subject, id=account_id))


@admin.command("list", help=N_("List accounts and their roles."))
def list_accounts() -> None:
    from civic.services import build_services
    from civic.settings import Settings
    from projections.accounts import accounts

    services = build_services(Settings.from_env())
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
