"""City agencies (工務局, 文化局, ...) whose reviewers answer feasibility reviews.

Kept in budgeting, not in accounts: an agency is who answers for a proposal's feasibility, a
budgeting notion; the accounts context stays about signing in and roles. A reviewer answers for
an agency when they hold the reviewer role (accounts) and are one of the agency's reviewers here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event


def agency_id_for(code: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"civic:budgeting:agency:{code}")


class Agency(Aggregate):
    if TYPE_CHECKING:

        class Event(Aggregate.Event):
            actor: str

        class Registered(Event, Aggregate.Created):
            code: str
            name_zh: str
            name_en: str

        class ReviewerAdded(Event):
            account_id: str

        class ReviewerRemoved(Event):
            account_id: str

    @staticmethod
    def create_id(code: str, **_: object) -> UUID:
        return agency_id_for(code)

    @event("Registered")
    def __init__(self, code: str, name_zh: str, name_en: str, actor: str) -> None:
        self.code = code
        self.name_zh = name_zh
        self.name_en = name_en
        self.reviewers: list[str] = []

    def add_reviewer(self, account_id: str, actor: str) -> None:
        if account_id not in self.reviewers:
            self._reviewer_added(account_id, actor)

    @event("ReviewerAdded")
    def _reviewer_added(self, account_id: str, actor: str) -> None:
        self.reviewers.append(account_id)

    def remove_reviewer(self, account_id: str, actor: str) -> None:
        if account_id in self.reviewers:
            self._reviewer_removed(account_id, actor)

    @event("ReviewerRemoved")
    def _reviewer_removed(self, account_id: str, actor: str) -> None:
        self.reviewers.remove(account_id)
