"""Accounts read model: who has which role, and the audit trail of role changes."""

from __future__ import annotations

from functools import singledispatchmethod

from sqlite_utils import Database

from domain.accounts import ADMIN, Account


class AccountsView:
    """Accounts and their roles, written once per page.

    Events of one page are applied to rows held in memory and written with two ``executemany``
    calls when the page ends (inside the runner's transaction), so a rebuild costs a few dict
    operations per event instead of several SQL statements.
    """

    name = "accounts"
    version = 1
    topics = (Account.Event,)

    def __init__(self) -> None:
        self._rows: dict[str, list] = {}
        self._changes: list[tuple] = []

    def create(self, db: Database) -> None:
        db.execute(
            "CREATE TABLE IF NOT EXISTS accounts (id TEXT PRIMARY KEY, issuer TEXT NOT NULL, "
            "subject TEXT NOT NULL, name TEXT NOT NULL, roles TEXT NOT NULL, registered_at TEXT NOT NULL)"
        )
        db.execute(
            "CREATE TABLE IF NOT EXISTS role_changes (position INTEGER PRIMARY KEY AUTOINCREMENT, "
            "account_id TEXT NOT NULL, role TEXT NOT NULL, change TEXT NOT NULL, "
            "actor TEXT NOT NULL, at TEXT NOT NULL)"
        )

    def begin_page(self, db: Database) -> None:
        self._rows, self._changes = {}, []  # a failed page leaves nothing behind

    def end_page(self, db: Database) -> None:
        rows = [[*row[:4], ",".join(sorted(row[4])), row[5]] for row in self._rows.values()]
        db.conn.executemany(
            "INSERT INTO accounts VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET name = excluded.name, roles = excluded.roles",
            rows,
        )
        db.conn.executemany(
            "INSERT INTO role_changes (account_id, role, change, actor, at) VALUES (?, ?, ?, ?, ?)", self._changes
        )
        self._rows, self._changes = {}, []

    @singledispatchmethod
    def apply(self, event: object, db: Database) -> None:
        pass  # events of other contexts still advance the position

    @apply.register
    def _(self, event: Account.Registered, db: Database) -> None:
        # An account is registered once in the log, and each event is applied once: no lookup.
        account_id = str(event.originator_id)
        self._rows[account_id] = [
            account_id, event.issuer, event.subject, event.name, {"resident"}, event.timestamp.isoformat()
        ]

    @apply.register
    def _(self, event: Account.Renamed, db: Database) -> None:
        self._row(db, str(event.originator_id))[3] = event.name

    @apply.register
    def _(self, event: Account.RoleGranted, db: Database) -> None:
        self._change_roles(db, event, add=True)

    @apply.register
    def _(self, event: Account.RoleRevoked, db: Database) -> None:
        self._change_roles(db, event, add=False)

    def _change_roles(self, db: Database, event: Account.RoleGranted | Account.RoleRevoked, add: bool) -> None:
        account_id = str(event.originator_id)
        roles = self._row(db, account_id)[4]
        if add:
            roles.add(event.role)
        else:
            roles.discard(event.role)
        self._changes.append(
            (account_id, event.role, "granted" if add else "revoked", event.actor, event.timestamp.isoformat())
        )

    def _row(self, db: Database, account_id: str) -> list | None:
        if account_id not in self._rows:
            found = db.execute("SELECT * FROM accounts WHERE id = ?", [account_id]).fetchone()
            if found is None:
                return None
            self._rows[account_id] = [*found[:4], set(filter(None, found[4].split(","))), found[5]]
        return self._rows[account_id]


def account(db: Database, account_id: str) -> dict | None:
    rows = list(db.query("SELECT * FROM accounts WHERE id = ?", [account_id]))
    return _with_role_list(rows[0]) if rows else None


def accounts(db: Database) -> list[dict]:
    return [_with_role_list(row) for row in db.query("SELECT * FROM accounts ORDER BY name, id")]


def admin_count(db: Database) -> int:
    return sum(1 for row in accounts(db) if ADMIN in row["roles"])


def role_changes(db: Database, limit: int = 200) -> list[dict]:
    return list(
        db.query(
            "SELECT role_changes.*, target.name AS account_name, "
            "coalesce(actor.name, role_changes.actor) AS actor_name FROM role_changes "
            "JOIN accounts AS target ON target.id = role_changes.account_id "
            "LEFT JOIN accounts AS actor ON actor.id = role_changes.actor "
            "ORDER BY position DESC LIMIT ?",
            [limit],
        )
    )


def _with_role_list(row: dict) -> dict:
    return {**row, "roles": [role for role in row["roles"].split(",") if role]}
