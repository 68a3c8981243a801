"""Participatory budgeting: cycles, proposals, the census, ballots and results.

Part 1 (cycles, proposals, endorsement, feasibility review):

- spec.py: a cycle's settings (rule, ballot, areas, schedule, endorsement threshold) read from
  TOML and checked, each problem with the line it is on.
- cycles.py: the Cycle aggregate (its id derives from its slug), its phases and the lock that
  holds once voting opens.
- proposals.py: the Proposal aggregate: versions, endorsements (one per person), hiding, merging,
  the feasibility review and the ballot.
- agencies.py: the city agencies whose reviewers answer feasibility reviews.
- similar.py: near-duplicate suggestions (pure text similarity, Chinese and English).
- service.py: the application service; errors.py: what it refuses.

Part 2: census.py reads the census file (pure; kept only as keyed hashes).
Counting and results: counting.py counts one area with the cycle's rule and thresholds (pure);
results.py records them (the CycleResults aggregate, id from the slug); recount.py writes an
area's anonymised ballots as a Pabulib file and reads a past election back from one (pure).

Plain Python: the web and the command line word the errors.
"""
