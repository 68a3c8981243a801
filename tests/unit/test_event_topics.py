"""Stored event topics are pinned: history written today must load after any refactoring.

Every event is stored with its topic, ``module:QualifiedName``. Moving or renaming an event class
(or the module holding it) would leave stored history unreadable, so each topic ever stored is
listed here. A moved class needs ``eventsourcing.utils.register_topic(old_topic, cls)``; a new
event class is added to the list (the test says which).
"""

from __future__ import annotations

from eventsourcing.domain import CanMutateAggregate
from eventsourcing.utils import resolve_topic

import civic.services  # noqa: F401  (imports every context's domain, so every event class exists)
from civic.services import all_views

STORED_TOPICS = {
    "domain.accounts:Account.Registered",
    "domain.accounts:Account.Renamed",
    "domain.accounts:Account.RoleGranted",
    "domain.accounts:Account.RoleRevoked",
    "domain.accounts:Account.SignedOut",
    "domain.accounts:Account.SignedOutEverywhere",
    "domain.budgeting.agencies:Agency.Registered",
    "domain.budgeting.agencies:Agency.ReviewerAdded",
    "domain.budgeting.agencies:Agency.ReviewerRemoved",
    "domain.budgeting.ballot_box:Ballot.Cast",
    "domain.budgeting.ballot_box:Ballot.Changed",
    "domain.budgeting.ballot_box:Ballot.Replaced",
    "domain.budgeting.bindings:AccountBinding.Released",
    "domain.budgeting.bindings:AccountBinding.Reverified",
    "domain.budgeting.bindings:AccountBinding.Verified",
    "domain.budgeting.bindings:EntryBinding.Bound",
    "domain.budgeting.bindings:EntryBinding.Rebound",
    "domain.budgeting.bindings:EntryBinding.Released",
    "domain.budgeting.bindings:FailedAttempts.Failed",
    "domain.budgeting.bindings:FailedAttempts.FailedAgain",
    "domain.budgeting.census_book:Census.Chunk",
    "domain.budgeting.census_book:Census.Imported",
    "domain.budgeting.census_book:Census.Opened",
    "domain.budgeting.cycles:Cycle.EntryAdded",
    "domain.budgeting.cycles:Cycle.Opened",
    "domain.budgeting.cycles:Cycle.PhaseAdvanced",
    "domain.budgeting.cycles:Cycle.SettingsChanged",
    "domain.budgeting.proposals:Proposal.Absorbed",
    "domain.budgeting.proposals:Proposal.Answered",
    "domain.budgeting.proposals:Proposal.Assigned",
    "domain.budgeting.proposals:Proposal.Edited",
    "domain.budgeting.proposals:Proposal.Endorsed",
    "domain.budgeting.proposals:Proposal.EndorsementWithdrawn",
    "domain.budgeting.proposals:Proposal.Hidden",
    "domain.budgeting.proposals:Proposal.MergedInto",
    "domain.budgeting.proposals:Proposal.NoteAdded",
    "domain.budgeting.proposals:Proposal.PutOnBallot",
    "domain.budgeting.proposals:Proposal.SentToReview",
    "domain.budgeting.proposals:Proposal.Submitted",
    "domain.budgeting.proposals:Proposal.Withdrawn",
    "domain.budgeting.results:CycleResults.Counted",
    "domain.budgeting.results:CycleResults.Published",
    "domain.budgeting.stations:PollingStation.BallotEntered",
    "domain.budgeting.stations:PollingStation.Opened",
    "domain.glossary.meetings:Meeting.AgendaItemAdded",
    "domain.glossary.meetings:Meeting.Convened",
    "domain.glossary.meetings:Meeting.CorrectionRecorded",
    "domain.glossary.meetings:Meeting.DecisionRecorded",
    "domain.glossary.meetings:Meeting.ListAdopted",
    "domain.glossary.terms:Term.Approved",
    "domain.glossary.terms:Term.ChangeProposed",
    "domain.glossary.terms:Term.Corrected",
    "domain.glossary.terms:Term.Deferred",
    "domain.glossary.terms:Term.Deprecated",
    "domain.glossary.terms:Term.Imported",
    "domain.glossary.terms:Term.Proposed",
    "domain.glossary.terms:Term.ProposedAgain",
    "domain.glossary.terms:Term.PutOnAgenda",
    "domain.glossary.terms:Term.Rejected",
    "domain.glossary.terms:Term.Superseded",
}


def _concrete_event_classes() -> dict[str, type]:
    """Event classes of ``domain`` that carry data (the bases ``Event`` and ``Created`` carry none)."""
    all_views()  # every view's module imports the domain events it consumes
    found: dict[str, type] = {}
    pending: list[type] = [CanMutateAggregate]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith("domain.") and cls.__qualname__.split(".")[-1] not in ("Event", "Created"):
            found[f"{cls.__module__}:{cls.__qualname__}"] = cls
    return found


def _name(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


def test_every_stored_topic_still_resolves_to_its_event_class() -> None:
    for topic in sorted(STORED_TOPICS):
        cls = resolve_topic(topic)  # raises when the class moved without an alias
        assert isinstance(cls, type) and issubclass(cls, CanMutateAggregate), topic


def test_every_event_class_is_pinned() -> None:
    current = set(_concrete_event_classes())
    assert not current - STORED_TOPICS, (
        f"add these new event topics to STORED_TOPICS: {sorted(current - STORED_TOPICS)}"
    )
    gone = {topic for topic in STORED_TOPICS - current if _name(resolve_topic(topic)) == topic}
    assert not gone, f"these pinned topics no longer name a class of the domain: {sorted(gone)}"
