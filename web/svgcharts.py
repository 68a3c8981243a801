"""Small server-rendered SVG charts: no JavaScript, no library, readable by assistive technology.

Each chart is an ``<svg role="img">`` named by its ``<title>`` and described by its ``<desc>``
(the text alternative: every value in words), and the page also shows the same numbers in a table.
Colours are not the only cue: a highlighted bar is also labelled in text. Amounts are formatted by
the caller (``value_text``), so the chart knows no currency or language.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import count

from markupsafe import Markup, escape

WIDTH = 640
ROW = 28  # height of one bar's row
LABEL = 220  # width kept for the labels on the left
_ids = count(1)


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    value_text: str  # the value as shown beside the bar (and read out in the description)
    highlight: bool = False  # drawn darker, and its value_text should say why (e.g. "selected")


def bar_chart(title: str, bars: Sequence[Bar], description: str = "") -> Markup:
    """Horizontal bars, one row each, longest = the largest value."""
    chart = next(_ids)
    most = max((bar.value for bar in bars), default=0) or 1
    room = WIDTH - LABEL - 150
    height = ROW * max(len(bars), 1) + 8
    desc = description or "; ".join(f"{bar.label}: {bar.value_text}" for bar in bars)
    rows = []
    for index, bar in enumerate(bars):
        y = 4 + index * ROW
        length = round(room * bar.value / most)
        fill = "chart-bar chart-bar-strong" if bar.highlight else "chart-bar"
        rows.append(
            f'<text x="{LABEL - 8}" y="{y + 18}" text-anchor="end" class="chart-label">{escape(_short(bar.label))}</text>'
            f'<rect x="{LABEL}" y="{y + 4}" width="{max(length, 1)}" height="{ROW - 10}" class="{fill}"/>'
            f'<text x="{LABEL + length + 6}" y="{y + 18}" class="chart-value">{escape(bar.value_text)}</text>'
        )
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" aria-labelledby="chart-{chart}-title chart-{chart}-desc">'
        f'<title id="chart-{chart}-title">{escape(title)}</title><desc id="chart-{chart}-desc">{escape(desc)}</desc>'
        f"{''.join(rows)}</svg>"
    )


def split_bar(title: str, parts: Sequence[Bar], description: str = "") -> Markup:
    """One bar split into parts (a budget: winners, then what is left), each labelled below."""
    chart = next(_ids)
    total = sum(part.value for part in parts) or 1
    desc = description or "; ".join(f"{part.label}: {part.value_text}" for part in parts)
    x, pieces, labels = 0.0, [], []
    for index, part in enumerate(parts):
        width = WIDTH * part.value / total
        fill = "chart-bar chart-bar-strong" if part.highlight else "chart-bar chart-bar-light"
        pieces.append(f'<rect x="{x:.1f}" y="4" width="{max(width, 0):.1f}" height="28" class="{fill}"/>')
        labels.append(
            f'<text x="0" y="{56 + index * 22}" class="chart-label">{escape(part.label)}: {escape(part.value_text)}</text>'
        )
        x += width
    height = 44 + 22 * len(parts)
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" aria-labelledby="chart-{chart}-title chart-{chart}-desc">'
        f'<title id="chart-{chart}-title">{escape(title)}</title><desc id="chart-{chart}-desc">{escape(desc)}</desc>'
        f"{''.join(pieces)}{''.join(labels)}</svg>"
    )


def _short(label: str, most: int = 24) -> str:
    return label if len(label) <= most else label[: most - 1] + "…"
