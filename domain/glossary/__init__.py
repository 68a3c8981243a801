"""The English-name glossary: the city's approved English names for its places.

- Aggregates: terms.py (one place and its English) and meetings.py (review meetings and their
  numbered decisions); their errors in errors.py.
- Application service: service.py (translators propose, meetings decide, staff import).
- Rules for fields: names.py (tidying, validation codes, ids), places.py (the category and district
  lists), limits.py (every bound, with its reason).
- Warnings for a proposal: checks.py and typography.py.
- Files: importing.py reads CSV (and, through jsonfile.py and tbx.py, JSON and TBX) into rows.py's
  rows; exporting.py writes them back out.

Romanization (suggested Hanyu and Tongyong names, generic parts, search keys) is its own pure
package, ``domain.romanization``; the glossary uses it and it knows nothing of the glossary.
"""
