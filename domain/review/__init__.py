"""Review panels and awards: calls, entries, the first screen, panels, scoring and award tiers.

- calls.py: the Call aggregate (its id derives from its slug): kind, bilingual title, submission
  window, rounds, rubric, award tiers, the official aggregation method, its phases, the confirmed
  shortlist and the award decision.
- entries.py: an Entry submitted by agency staff, its attachments and its first-screen decisions.
- panels.py: the Panel of a call: members (internal with their agency, or external), the chair
  (召集人), recusals and declared conflicts, and who scores which entry.
- scores.py: one member's Score of one entry in one round (its id derives from those), revisions
  kept with their reason.
- service.py: the application service; refusals.py: what it refuses.

The pure rules (rubric, aggregation, diagnostics, award tiers, score sheets) are their own
modules, shared with ``civic review tally``. Plain Python: the web and the command line word the
errors.
"""
