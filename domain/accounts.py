"""Accounts: people who signed in, the roles admins grant them, and the sessions they end.

Sessions themselves live in the browser's (encrypted) cookie; what the log keeps is when they end,
so that every node refuses an ended session: ``SignedOut`` ends one session by its random id,
``SignedOutEverywhere`` ends every session the account started before it, and so does
``RoleRevoked`` (a session must not keep a role its account no longer has).
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.eventlog import SYSTEM_ACTOR, EventLog, Recorded

RESIDENT = "resident"
REVIEWER = "reviewer"
TRANSLATOR = "translator"
STAFF = "staff"
ADMIN = "admin"
ROLES = (RESIDENT, REVIEWER, TRANSLATOR, STAFF, ADMIN)


class UnknownRoleError(ValueError):
    def __init__(self, role: str) -> None:
        super().__init__(role)
        self.role = role


class AccountNotFoundError(LookupError):
    def __init__(self, account_id: UUID) -> None:
        super().__init__(str(account_id))
        self.account_id = account_id


class PermissionDeniedError(PermissionError):
    """The acting account lacks the role a command needs."""

    def __init__(self, actor: str, role: str) -> None:
        super().__init__(f"{actor} lacks {role}")
        self.actor = actor
        self.role = role


class LastAdminError(ValueError):
    """Revoking this admin role would leave the platform with no admin."""


def account_id_for(issuer: str, subject: str) -> UUID:
    """Accounts are keyed by the provider and its subject, never by email."""
    return uuid5(NAMESPACE_URL, f"{issuer}#{subject}")


class Account(Aggregate):
    if TYPE_CHECKING:
        # Made at run time by @event from the methods below; named here for type checkers only.
        class Event(Aggregate.Event):
            actor: str

        class Registered(Event, Aggregate.Created):
            issuer: str
            subject: str
            name: str

        class Renamed(Event):
            name: str

        class RoleGranted(Event):
            role: str

        class RoleRevoked(Event):
            role: str

        class SignedOut(Event):
            session_id: str

        class SignedOutEverywhere(Event):
            pass

    @staticmethod
    def create_id(issuer: str, subject: str, name: str, actor: str) -> UUID:
        return account_id_for(issuer, subject)

    @event("Registered")
    def __init__(self, issuer: str, subject: str, name: str, actor: str) -> None:
        self.issuer = issuer
        self.subject = subject
        self.name = name
        self.roles: set[str] = {RESIDENT}

    @event("Renamed")
    def rename(self, name: str, actor: str) -> None:
        self.name = name

    def grant(self, role: str, actor: str) -> None:
        check_role(role)
        if role not in self.roles:
            self._grant(role, actor)

    @event("RoleGranted")
    def _grant(self, role: str, actor: str) -> None:
        self.roles.add(role)

    def revoke(self, role: str, actor: str) -> None:
        check_role(role)
        if role in self.roles:
            self._revoke(role, actor)

    @event("RoleRevoked")
    def _revoke(self, role: str, actor: str) -> None:
        self.roles.discard(role)

    @event("SignedOut")
    def sign_out(self, session_id: str, actor: str) -> None:
        pass  # the read model keeps ended sessions; the aggregate needs none of them

    @event("SignedOutEverywhere")
    def sign_out_everywhere(self, actor: str) -> None:
        pass  # sessions started before this event's timestamp are over


def check_role(role: str) -> None:
    if role not in ROLES:
        raise UnknownRoleError(role)


class Accounts:
    """Application service for accounts, roles and the end of sessions."""

    def __init__(self, log: EventLog) -> None:
        self.log = log

    def sign_in(self, issuer: str, subject: str, name: str) -> Recorded:
        """Registers the account on first sign-in; keeps the display name current.

        The result is the account id; the position is 0 when nothing changed.
        """
        account_id = account_id_for(issuer, subject)
        account = self.log.find(account_id, Account)
        if account is None:
            account = Account(issuer, subject, name or subject, actor=str(account_id))
        elif name and account.name != name:
            account.rename(name, actor=str(account_id))
        return Recorded(self.log.record(account), account_id)

    def sign_out(self, account_id: UUID, session_id: str) -> Recorded:
        """Ends one session, on every node: the account itself signs out."""
        account = self.get(account_id)
        account.sign_out(session_id, actor=str(account_id))
        return Recorded(self.log.record(account))

    def sign_out_everywhere(self, account_id: UUID, actor: str | None = None) -> Recorded:
        """Ends every session of the account; by itself, or by an admin (or the command line)."""
        actor = actor or str(account_id)
        if actor != str(account_id):
            self.require(actor, ADMIN)
        account = self.get(account_id)
        account.sign_out_everywhere(actor=actor)
        return Recorded(self.log.record(account))

    def get(self, account_id: UUID) -> Account:
        return self.log.get(account_id, Account, AccountNotFoundError)

    def roles_of(self, actor: str) -> set[str]:
        if actor == SYSTEM_ACTOR:
            return set(ROLES)
        try:
            return set(self.get(UUID(actor)).roles)
        except (ValueError, AccountNotFoundError):
            return set()

    def require(self, actor: str, role: str) -> None:
        """Raises unless the actor holds the role (the command line acts as the system)."""
        if role not in self.roles_of(actor):
            raise PermissionDeniedError(actor, role)

    def grant(self, account_id: UUID, role: str, actor: str) -> Recorded:
        self.require(actor, ADMIN)
        account = self.get(account_id)
        account.grant(role, actor)
        return Recorded(self.log.record(account))

    def revoke(self, account_id: UUID, role: str, actor: str, admin_count: int) -> Recorded:
        """``admin_count`` comes from the read model: the platform never loses its last admin.

        Revoking a role also ends the account's sessions (see the accounts read model).
        """
        self.require(actor, ADMIN)
        account = self.get(account_id)
        if role == ADMIN and ADMIN in account.roles and admin_count <= 1:
            raise LastAdminError(str(account_id))
        account.revoke(role, actor)
        return Recorded(self.log.record(account))

    def grant_from_command_line(self, issuer: str, subject: str, role: str) -> Recorded:
        """Bootstraps the first admin: registers the account if it has never signed in.

        The result is the account id.
        """
        check_role(role)
        account_id = account_id_for(issuer, subject)
        account = self.log.find(account_id, Account)
        if account is None:
            account = Account(issuer, subject, subject, actor=SYSTEM_ACTOR)
        account.grant(role, SYSTEM_ACTOR)
        return Recorded(self.log.record(account), account_id)
