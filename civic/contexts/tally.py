"""Counting: fair rules for participatory-budgeting elections (pure; no services or pages yet)."""

from __future__ import annotations

from civic.contexts.base import Context
from web.i18n import N_

context = Context(
    name="tally",
    commands="civic.commands.tally:tally",
    help=N_("Count the votes of a Pabulib file."),
)
