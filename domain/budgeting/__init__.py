"""Participatory budgeting: cycles, proposals, the census, ballots and results."""
