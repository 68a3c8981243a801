"""Demo data for every context, seeded idempotently (running it twice records nothing new).

Each context seeds its own (``Context.seed``); this module holds the demo accounts they share.
"""

from __future__ import annotations

from collections.abc import Iterator

from civic.contexts import all_contexts
from civic.local_provider import DEMO_USERS
from civic.services import Services
from domain.accounts import ADMIN, REVIEWER, STAFF, TRANSLATOR, account_id_for

DEMO_ROLES = {
    "demo-admin": (ADMIN, STAFF),
    "demo-staff": (STAFF,),
    "demo-translator": (TRANSLATOR,),
    "demo-reviewer": (REVIEWER,),
    "demo-resident": (),
}


def issuer_of(services: Services) -> str:
    return services.settings.oidc_metadata_url.split("/.well-known/")[0]


def demo_account(services: Services, subject: str) -> str:
    """The account id of a demo user, as commands take it for ``actor``."""
    return str(account_id_for(issuer_of(services), subject))


def seed_accounts(services: Services) -> Iterator[str]:
    issuer = issuer_of(services)
    for user in DEMO_USERS:
        account_id = account_id_for(issuer, user["sub"])
        services.accounts.sign_in(issuer, user["sub"], user["name"])
        for role in DEMO_ROLES[user["sub"]]:
            if role not in services.accounts.get(account_id).roles:
                services.accounts.grant_from_command_line(issuer, user["sub"], role)
    yield f"accounts: {len(DEMO_USERS)}"


def seed(services: Services) -> Iterator[str]:
    for context in all_contexts():
        yield from context.seed(services)
