"""Review panels and awards: the pure rules (issue 13, items 6 to 8).

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

Plain Python and exact fractions: the web and the command line word the errors and the flags.
Which methods are sourced and which are design choices is in ``tests/data/review/README.md``.
"""
