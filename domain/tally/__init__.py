"""Counting participatory-budgeting votes: greedy, Equal Shares (plain and completed), Phragmén.

Pure domain code: no I/O. ``tally(election, rule)`` returns an ``Outcome``; ``pabulib.parse`` and
``pabulib.write`` read and write the Pabulib ``.pb`` format.
"""

from __future__ import annotations

from domain.tally.ballots import (
    ApprovalBallot,
    BallotRules,
    CumulativeBallot,
    Election,
    ElectionError,
    OrdinalBallot,
    Project,
    Voter,
    VoteType,
)
from domain.tally.outcome import (
    DEFAULT_RULE,
    RULES,
    Outcome,
    RuleNotApplicableError,
    UnknownRuleError,
    applicable,
    tally,
)
from domain.tally.pabulib import PabulibFormatError, Problem
from domain.tally.rational import Rational

__all__ = [
    "DEFAULT_RULE",
    "RULES",
    "ApprovalBallot",
    "BallotRules",
    "CumulativeBallot",
    "Election",
    "ElectionError",
    "OrdinalBallot",
    "Outcome",
    "PabulibFormatError",
    "Problem",
    "Project",
    "Rational",
    "RuleNotApplicableError",
    "UnknownRuleError",
    "VoteType",
    "Voter",
    "applicable",
    "tally",
]
