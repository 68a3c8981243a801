"""``gettext`` and ``N_`` for modules on the command line's fast paths (``civic tally``).

``web.i18n`` holds the catalogs, but importing it also brings its date, money and time-zone
helpers, which a short ``civic tally`` would pay for at every start. Here English is the message
itself; whenever ``web.i18n`` has been imported (the Click command line, the web app, a
non-English fast path: see ``civic.start``) its active translations are used instead.
"""

from __future__ import annotations

import sys


def N_(message: str) -> str:
    """Marks a message for extraction where it is defined; it is translated where it is shown."""
    return message


def gettext(message: str, **params: object) -> str:
    i18n = sys.modules.get("web.i18n")
    if i18n is not None:
        return i18n.gettext(message, **params)
    return message % params if params else message
