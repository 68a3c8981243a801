"""The English-name glossary: the city's approved English names for its places.

terms.py and meetings.py hold the aggregates, service.py the application service. romanize.py
(with syllables.py, generics.py, pronunciations.py) suggests names; checks.py and typography.py
warn about proposals; importing.py, rows.py, jsonfile.py, tbx.py and exporting.py move the
glossary in and out of files.
"""
