"""Review panels and awards (issue 13).

The pure rules (items 6 to 8):

- rubric.py: criteria with their maximum points and score bands in both languages, and the
  default rubric for municipal innovation proposals.
- aggregation.py: a member's scores for an entry, and the official methods that turn a panel's
  scores into one score per entry (mean, trimmed mean, rank sum, two reviewers plus a third),
  in exact arithmetic.
- diagnostics.py: what the chair sees beside the official score and never decides anything:
  spread, severity-normalised scores, Kendall's W and Krippendorff's alpha.
- awards.py: tiers by score band, caps that cascade, ties at a cap and how they are broken.
- sheet.py: a score sheet read from CSV, every bad line named.
- errors.py: what these rules refuse; limits.py: bounds on what a sheet may carry.

The panels (items 1 to 5, 7 and 9):

- call_settings.py: a call's rubric and tiers as stored data, and the defaults per kind.
- calls.py: the Call aggregate (its id derives from its slug): kind, bilingual title, submission
  window, rounds, rubric, award tiers, the official method, its phases, the confirmed shortlist
  and the award decision.
- entries.py: an Entry submitted by agency staff, its PDF attachments and its first screen.
- panels.py: the Panel of a call: members, the chair (召集人), recusals, declared conflicts and
  who scores which entry.
- scores.py: one member's Score of one entry in one round (its id derives from those).
- standings.py: the round's official score and tier per entry, from the stored scores.
- service.py: the application service; refusals.py: what it refuses.

Plain Python and exact fractions: the web and the command line word the errors and the flags.
Which methods are sourced and which are design choices is in ``tests/data/review/README.md``.
"""
