"""The event stores' recorders: eventsourcing's, with group commit (``group_commit.py``)."""
