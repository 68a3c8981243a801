"""Bounds on what a score sheet may carry, each with the reason for its value.

A sheet is read whole into memory and every line is checked, so its size is bounded before it is
read. The bounds are far above a real panel: 79 entries × 7 members × 5 criteria is 2,765 rows.
"""

from __future__ import annotations

MAX_SHEET_BYTES = 5_000_000
"""A sheet of 200 entries × 30 members × 10 criteria (60,000 rows of about 60 bytes) fits."""

MAX_SHEET_ROWS = 100_000
"""Rows after the header: above any panel, and each row is checked in well under a millisecond."""

MAX_CODE = 100
"""An entry, member or agency code: the sheet names them by code (採購評選 sheets "得以代號代之"),
and a full agency name such as 高雄市政府研究發展考核委員會 is 14 characters."""
