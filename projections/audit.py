"""Audit read model: every event a person (or the command line) caused, in every context.

The view consumes each event class of ``domain`` that carries an ``actor``: every staff, reviewer,
translator and resident action is such an event. Events that carry no person, such as ballots, are
never listed, by construction.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
from dataclasses import dataclass
from datetime import date
from typing import Any

from eventsourcing.domain import CanMutateAggregate
from sqlite_utils import Database

import domain
from projections.runner import ViewBase

# Fields whose value names what an event is about, in the order they are preferred.
LABEL_FIELDS = ("name", "title", "name_zh", "zh", "en", "subject", "date")  # name_zh: an agency
# Events that create a thing name it; later events keep its name unless they rename it.
CREATED = ("Registered", "Proposed", "Imported", "Convened", "Created")
DETAIL_LIMIT = 200  # characters kept of each detail: the audit says what changed, the log keeps it all
PAGE_SIZE = 50


def audited_event_classes() -> tuple[type, ...]:
    """Every domain event class with an ``actor`` field.

    Every module of ``domain`` is imported first: a server builds its views before the services
    that import some aggregates' modules (the polling stations'), and a class not yet loaded would
    be missing from the topics, so its events were never audited there while a rebuild in another
    process, with everything loaded, listed them.
    """
    for module in pkgutil.walk_packages(domain.__path__, "domain."):
        importlib.import_module(module.name)
    found: dict[str, type] = {}
    pending: list[type] = [CanMutateAggregate]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        fields = getattr(cls, "__dataclass_fields__", {})
        if cls.__module__.startswith("domain.") and "actor" in fields:
            found[f"{cls.__module__}:{cls.__qualname__}"] = cls
    return tuple(found.values())


def context_of(cls: type) -> str:
    """``domain.glossary.terms`` → ``glossary``; ``domain.accounts`` → ``accounts``."""
    return cls.__module__.split(".")[1]


SKIPPED = frozenset({"originator_id", "originator_version", "timestamp", "originator_topic", "actor"})
_ENCODER = json.JSONEncoder(ensure_ascii=False)  # what json.dumps(..., ensure_ascii=False) makes, made once


@dataclass(frozen=True)
class _Kind:
    """What the audit takes from every event of one class, worked out once per class."""

    fields: tuple[str, ...]
    context: str
    event: str
    aggregate: str
    created: bool

    @classmethod
    def of(cls, event_class: type) -> _Kind:
        qualname = event_class.__qualname__
        return cls(
            fields=tuple(key for key in event_class.__dataclass_fields__ if key not in SKIPPED),  # type: ignore[attr-defined]
            context=context_of(event_class),
            event=qualname,
            aggregate=qualname.split(".")[0],
            created=qualname.split(".")[-1] in CREATED,
        )


def _names(details: dict[str, Any]) -> bool:
    """Whether an event gives a new name or title."""
    return any(isinstance(details.get(key), str) and details[key] for key in ("name", "title"))


def _detail(value: Any) -> Any:
    kind = type(value)
    if kind is str:
        return value[:DETAIL_LIMIT]
    if kind is int or kind is bool or value is None:
        return value
    if isinstance(value, str):
        return value[:DETAIL_LIMIT]
    if isinstance(value, (bool, int, float)) or value is None:
        return value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple, set)):
        return len(value)  # how many (variants, members): the items are on the thing's own page
    return str(value)[:DETAIL_LIMIT]


class AuditView(ViewBase):
    """One row per audited event, and the latest label of each thing they changed."""

    name = "audit"
    version = 4  # 2: a thing keeps its first name unless renamed; 3: agencies by their Chinese name;
    # 4: every domain class audited whatever was loaded when the view was made (stations were missed)

    # Read by the queries only: a build makes them after the rows (projections/runner.py).
    indexes = (
        "CREATE INDEX IF NOT EXISTS audit_events_actor ON audit_events (actor, id)",
        "CREATE INDEX IF NOT EXISTS audit_events_context ON audit_events (context, id)",
        "CREATE INDEX IF NOT EXISTS audit_events_at ON audit_events (at)",
    )

    def __init__(self) -> None:
        self.topics = audited_event_classes()
        self._rows: list[tuple[Any, ...]] = []
        self._labels: dict[str, str] = {}
        self._kinds: dict[type, _Kind] = {}

    def create(self, db: Database) -> None:
        db.execute(
            "CREATE TABLE IF NOT EXISTS audit_events (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, "
            "actor TEXT NOT NULL, context TEXT NOT NULL, event TEXT NOT NULL, aggregate TEXT NOT NULL, "
            "aggregate_id TEXT NOT NULL, details TEXT NOT NULL)"
        )
        db.execute("CREATE TABLE IF NOT EXISTS audit_labels (aggregate_id TEXT PRIMARY KEY, label TEXT NOT NULL)")

    def begin_page(self, db: Database) -> None:
        self._rows, self._labels = [], {}

    def apply(self, event: Any, db: Database) -> None:
        cls = type(event)
        kind = self._kinds.get(cls)
        if kind is None:
            kind = self._kinds[cls] = _Kind.of(cls)
        details = {key: _detail(getattr(event, key)) for key in kind.fields}
        aggregate_id = str(event.originator_id)
        label = None
        for key in LABEL_FIELDS:
            value = details.get(key)
            if value and isinstance(value, str):
                label = value
                break
        # What a thing is called: its first label (a term's Chinese name, a meeting's title, an
        # account's name), changed only by a new name or title, never by what a decision carried.
        if label and (kind.created or _names(details)):
            self._labels[aggregate_id] = label
        self._rows.append(
            (
                event.timestamp.isoformat(),
                str(event.actor),
                kind.context,
                kind.event,
                kind.aggregate,
                aggregate_id,
                _ENCODER.encode(details),
            )
        )

    def end_page(self, db: Database) -> None:
        db.conn.executemany(
            "INSERT INTO audit_events (at, actor, context, event, aggregate, aggregate_id, details) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            self._rows,
        )
        db.conn.executemany(
            "INSERT INTO audit_labels VALUES (?, ?) ON CONFLICT(aggregate_id) DO UPDATE SET label = excluded.label",
            list(self._labels.items()),
        )
        self._rows, self._labels = [], {}


@dataclass(frozen=True)
class AuditFilter:
    context: str | None = None
    actor: str | None = None
    since: str | None = None  # ISO dates, inclusive, in UTC
    until: str | None = None


def audit_events(
    db: Database, where: AuditFilter, *, page: int = 1, size: int = PAGE_SIZE
) -> tuple[list[dict[str, Any]], bool]:
    """One page of audited events, newest first, and whether there is another page.

    Reads the accounts view too (for who acted), so open the reader over both.
    """
    conditions = [
        ("e.context = ?", where.context),
        ("e.actor = ?", where.actor),
        ("e.at >= ?", where.since),
        ("e.at < date(?, '+1 day')", where.until),
    ]
    clauses = [clause for clause, value in conditions if value]
    params: list[Any] = [value for _, value in conditions if value]
    sql = (
        "SELECT e.*, l.label, a.name AS actor_name, a.subject AS actor_subject FROM audit_events AS e "
        "LEFT JOIN audit_labels AS l ON l.aggregate_id = e.aggregate_id "
        "LEFT JOIN accounts AS a ON a.id = e.actor "
        + (f"WHERE {' AND '.join(clauses)} " if clauses else "")
        + "ORDER BY e.id DESC LIMIT ? OFFSET ?"
    )
    rows = [
        {**row, "details": json.loads(row["details"])} for row in db.query(sql, [*params, size + 1, (page - 1) * size])
    ]
    return rows[:size], len(rows) > size


def audit_actors(db: Database) -> list[dict[str, Any]]:
    """Everyone who appears in the audit trail, for the filter."""
    return list(
        db.query(
            "SELECT DISTINCT e.actor AS id, a.name, a.subject FROM audit_events AS e "
            "LEFT JOIN accounts AS a ON a.id = e.actor ORDER BY a.name, e.actor"
        )
    )


def audit_contexts(db: Database) -> list[str]:
    return [row[0] for row in db.execute("SELECT DISTINCT context FROM audit_events ORDER BY context")]
