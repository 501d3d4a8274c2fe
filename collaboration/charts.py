"""Bar charts drawn on the server as SVG: no chart script, nothing from another site.

A chart is a picture of a table that is always shown beside it, so it carries nothing
the table does not: every bar has its label and its number written out, and all bars
have one colour (set in the stylesheet, with contrast to the page), so no meaning hangs
on colour. The template (`collaboration/_bar_chart.html`) draws what `bar_chart` measures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 640
ROW = 46  # label line, bar, gap
BAR = 18
LABEL_OFFSET = 14
NUMBER_ROOM = 64  # right of the longest bar, for its number


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    label_y: int
    bar_y: int
    bar_width: int
    value_x: int
    value_y: int


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    bars: list[Bar]


def bar_chart(rows: Sequence[tuple[str, int]]) -> BarChart:
    """Measure one horizontal bar per (label, value), the label above its bar and the number after it."""
    longest = max((value for _, value in rows), default=0)
    room = WIDTH - NUMBER_ROOM
    bars = []
    for i, (label, value) in enumerate(rows):
        top = i * ROW
        width = round(room * value / longest) if longest else 0
        bars.append(
            Bar(
                label=label,
                value=value,
                label_y=top + LABEL_OFFSET,
                bar_y=top + LABEL_OFFSET + 6,
                bar_width=max(width, 2 if value else 0),
                value_x=width + 8,
                value_y=top + LABEL_OFFSET + 6 + BAR - 4,
            )
        )
    return BarChart(width=WIDTH, height=max(len(rows), 1) * ROW, bars=bars)
