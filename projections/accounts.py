"""Accounts read model: who has which role, which sessions ended, and the audit trail of roles.

Every request with a session asks this model whether the session still stands
(``signed_in_account``): one statement, two primary-key lookups.
"""

from __future__ import annotations

from functools import singledispatchmethod
from typing import Any

from sqlite_utils import Database

from domain.accounts import ADMIN, Account

COLUMNS = "id, issuer, subject, name, roles, registered_at, sessions_valid_after"


class AccountsView:
    """Accounts and their roles, written once per page.

    Events of one page are applied to rows held in memory and written with two ``executemany``
    calls when the page ends (inside the runner's transaction), so a rebuild costs a few dict
    operations per event instead of several SQL statements.
    """

    name = "accounts"
    version = 2  # 2: sessions_valid_after and ended_sessions
    topics = (Account.Event,)

    def __init__(self) -> None:
        self._rows: dict[str, list[Any]] = {}
        self._changes: list[tuple[str, ...]] = []
        self._ended: list[tuple[str, ...]] = []

    def create(self, db: Database) -> None:
        # sessions_valid_after: seconds since the epoch; sessions started before it are over.
        db.execute(
            "CREATE TABLE IF NOT EXISTS accounts (id TEXT PRIMARY KEY, issuer TEXT NOT NULL, "
            "subject TEXT NOT NULL, name TEXT NOT NULL, roles TEXT NOT NULL, registered_at TEXT NOT NULL, "
            "sessions_valid_after REAL NOT NULL DEFAULT 0)"
        )
        db.execute(
            "CREATE TABLE IF NOT EXISTS ended_sessions (session_id TEXT PRIMARY KEY, "
            "account_id TEXT NOT NULL, at TEXT NOT NULL)"
        )
        db.execute(
            "CREATE TABLE IF NOT EXISTS role_changes (position INTEGER PRIMARY KEY AUTOINCREMENT, "
            "account_id TEXT NOT NULL, role TEXT NOT NULL, change TEXT NOT NULL, "
            "actor TEXT NOT NULL, at TEXT NOT NULL)"
        )

    def begin_page(self, db: Database) -> None:
        self._rows, self._changes, self._ended = {}, [], []  # a failed page leaves nothing behind

    def end_page(self, db: Database) -> None:
        rows = [[*row[:4], ",".join(sorted(row[4])), *row[5:]] for row in self._rows.values()]
        db.conn.executemany(
            f"INSERT INTO accounts ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET name = excluded.name, roles = excluded.roles, "
            "sessions_valid_after = excluded.sessions_valid_after",
            rows,
        )
        db.conn.executemany(
            "INSERT INTO role_changes (account_id, role, change, actor, at) VALUES (?, ?, ?, ?, ?)", self._changes
        )
        db.conn.executemany("INSERT OR IGNORE INTO ended_sessions VALUES (?, ?, ?)", self._ended)
        self._rows, self._changes, self._ended = {}, [], []

    @singledispatchmethod
    def apply(self, event: object, db: Database) -> None:
        pass  # events of other contexts still advance the position

    @apply.register
    def _(self, event: Account.Registered, db: Database) -> None:
        # An account is registered once in the log, and each event is applied once: no lookup.
        account_id = str(event.originator_id)
        self._rows[account_id] = [
            account_id,
            event.issuer,
            event.subject,
            event.name,
            {"resident"},
            event.timestamp.isoformat(),
            0.0,
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
        self._end_sessions(db, event)

    @apply.register
    def _(self, event: Account.SignedOutEverywhere, db: Database) -> None:
        self._end_sessions(db, event)

    @apply.register
    def _(self, event: Account.SignedOut, db: Database) -> None:
        self._ended.append((event.session_id, str(event.originator_id), event.timestamp.isoformat()))

    def _end_sessions(self, db: Database, event: Account.RoleRevoked | Account.SignedOutEverywhere) -> None:
        row = self._row(db, str(event.originator_id))
        row[6] = max(row[6], event.timestamp.timestamp())

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

    def _row(self, db: Database, account_id: str) -> list[Any]:
        if account_id not in self._rows:
            found = db.execute(f"SELECT {COLUMNS} FROM accounts WHERE id = ?", [account_id]).fetchone()
            if found is None:  # every account event follows its Registered in the same view
                raise LookupError(f"account {account_id} has no Registered event before this one")
            self._rows[account_id] = [*found[:4], set(filter(None, found[4].split(","))), *found[5:]]
        return self._rows[account_id]


def account(db: Database, account_id: str) -> dict[str, Any] | None:
    rows = list(db.query("SELECT * FROM accounts WHERE id = ?", [account_id]))
    return _with_role_list(rows[0]) if rows else None


def signed_in_account(db: Database, account_id: str, session_id: str, signed_in_at: float) -> dict[str, Any] | None:
    """The account of a session that still stands; None when it ended (or the account is unknown).

    A session stands unless it was signed out by id, or it started before the account's
    ``sessions_valid_after`` (sign out everywhere, a role revoked).
    """
    rows = list(
        db.query(
            "SELECT accounts.*, EXISTS (SELECT 1 FROM ended_sessions WHERE session_id = ?) AS ended "
            "FROM accounts WHERE id = ?",
            [session_id, account_id],
        )
    )
    if not rows or rows[0].pop("ended") or signed_in_at <= rows[0]["sessions_valid_after"]:
        return None
    return _with_role_list(rows[0])


def accounts(db: Database) -> list[dict[str, Any]]:
    return [_with_role_list(row) for row in db.query("SELECT * FROM accounts ORDER BY name, id")]


def accounts_page(db: Database, query: str = "", page: int = 1, per_page: int = 50) -> tuple[list[dict[str, Any]], int]:
    """One page of accounts for the administrators' table, and how many match.

    Accounts that hold a role beyond resident come first (they are the ones an administrator
    looks after); ``query`` matches the display name or the subject. A city has far more
    accounts than one page can show."""
    where, params = "", []
    if query:
        escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        where = "WHERE name LIKE ? ESCAPE '\\' OR subject LIKE ? ESCAPE '\\'"
        params = [f"%{escaped}%", f"%{escaped}%"]
    total = int(db.execute(f"SELECT count(*) FROM accounts {where}", params).fetchone()[0])
    rows = db.query(
        f"SELECT * FROM accounts {where} ORDER BY roles IN ('', 'resident'), name, id LIMIT ? OFFSET ?",
        [*params, per_page, (max(page, 1) - 1) * per_page],
    )
    return [_with_role_list(row) for row in rows], total


def admin_count(db: Database) -> int:
    row = db.execute("SELECT count(*) FROM accounts WHERE ',' || roles || ',' LIKE ?", [f"%,{ADMIN},%"]).fetchone()
    return int(row[0])


def role_changes(db: Database, limit: int = 200) -> list[dict[str, Any]]:
    """Newest first, with names and subjects: a display name alone can be anyone's choice.

    ``actor_subject`` is None when the command line acted.
    """
    return list(
        db.query(
            "SELECT role_changes.*, target.name AS account_name, target.subject AS account_subject, "
            "coalesce(actor.name, role_changes.actor) AS actor_name, actor.subject AS actor_subject "
            "FROM role_changes "
            "JOIN accounts AS target ON target.id = role_changes.account_id "
            "LEFT JOIN accounts AS actor ON actor.id = role_changes.actor "
            "ORDER BY position DESC LIMIT ?",
            [limit],
        )
    )


def _with_role_list(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "roles": [role for role in row["roles"].split(",") if role]}
