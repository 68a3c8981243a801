"""Demo data for every context, seeded idempotently (running it twice records nothing new)."""

from __future__ import annotations

from collections.abc import Iterator

from civic.local_provider import DEMO_USERS
from civic.services import Services
from civic.commands.glossary import seed_demo as seed_glossary
from domain.accounts import ADMIN, REVIEWER, STAFF, TRANSLATOR, account_id_for

DEMO_ROLES = {
    "demo-admin": (ADMIN, STAFF),
    "demo-staff": (STAFF,),
    "demo-translator": (TRANSLATOR,),
    "demo-reviewer": (REVIEWER,),
    "demo-resident": (),
}


def seed(services: Services) -> Iterator[str]:
    issuer = services.settings.oidc_metadata_url.split("/.well-known/")[0]
    for user in DEMO_USERS:
        account_id = services.accounts.sign_in(issuer, user["sub"], user["name"])
        for role in DEMO_ROLES[user["sub"]]:
            if role not in services.accounts.get(account_id).roles:
                services.accounts.grant_from_command_line(issuer, user["sub"], role)
    yield f"accounts: {len(DEMO_USERS)}"
    translator = str(account_id_for(issuer, "demo-translator"))
    staff = str(account_id_for(issuer, "demo-staff"))
    yield from seed_glossary(services, translator, staff)
