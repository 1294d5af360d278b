"""The monthly trend drawn as SVG on the server (no script, so nothing for the page's CSP to
allow): bars of the median days to answer, and a line of the share answered on time. The
template citizen_requests/_trend_chart.html draws what these functions measure; the table
beside the charts carries the same numbers for screen readers and for copying."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.utils import formats
from django.utils.translation import gettext as _

from citizen_requests.selectors.trend import MonthFigure

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 58, 16, 14, 34


@dataclass
class Mark:
    x: float
    y: float
    width: float = 0
    height: float = 0
    title: str = ""


@dataclass
class Chart:
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    baseline: float = HEIGHT - BOTTOM
    marks: list[Mark] = field(default_factory=list)
    line: str = ""  # the polyline's points, for a line chart
    y_ticks: list[tuple[float, str]] = field(default_factory=list)
    x_labels: list[tuple[float, str]] = field(default_factory=list)
    empty: bool = True


def _nice_top(value: float) -> float:
    """A round upper end of the axis at or above `value` (1, 2, 5 × 10^n)."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def _frame(figures: list[MonthFigure]) -> tuple[Chart, float, float]:
    chart = Chart()
    slot = (chart.right_edge - LEFT) / max(len(figures), 1)
    every = 1 if len(figures) <= 6 else 2 if len(figures) <= 12 else 3
    for i, figure in enumerate(figures):
        if (len(figures) - 1 - i) % every == 0:  # counted from the latest month, which is always named
            chart.x_labels.append((LEFT + slot * (i + 0.5), formats.date_format(figure.month, "M y")))
    return chart, slot, chart.baseline - TOP


def median_chart(figures: list[MonthFigure]) -> Chart:
    """Bars: the median days from registration to answer, per month of registration."""
    chart, slot, room = _frame(figures)
    values = [f.median_days for f in figures]
    top = _nice_top(max((v for v in values if v is not None), default=0))
    for step in range(5):
        value = top * step / 4
        chart.y_ticks.append(
            (chart.baseline - room * step / 4, formats.number_format(value, 1 if top < 4 else 0))
        )
    for i, (figure, value) in enumerate(zip(figures, values, strict=True)):
        if value is None:
            continue
        chart.empty = False
        height = room * value / top
        chart.marks.append(
            Mark(
                x=LEFT + slot * i + slot * 0.15,
                y=chart.baseline - height,
                width=slot * 0.7,
                height=height,
                title=_("%(month)s: median %(days)s days (%(n)s answered)")
                % {
                    "month": formats.date_format(figure.month, "F Y"),
                    "days": formats.number_format(value, 1),
                    "n": figure.answered,
                },
            )
        )
    return chart


def on_time_chart(figures: list[MonthFigure]) -> Chart:
    """A line: the share of answered requests that kept their deadline, 0–100 %."""
    chart, slot, room = _frame(figures)
    for step in range(5):
        chart.y_ticks.append((chart.baseline - room * step / 4, f"{step * 25}%"))
    points = []
    for i, figure in enumerate(figures):
        share = figure.on_time_share
        if share is None:
            continue
        chart.empty = False
        x, y = LEFT + slot * (i + 0.5), chart.baseline - room * share
        points.append(f"{x:.1f},{y:.1f}")
        chart.marks.append(
            Mark(
                x=x,
                y=y,
                title=_("%(month)s: %(share)s%% on time (%(on_time)s of %(n)s)")
                % {
                    "month": formats.date_format(figure.month, "F Y"),
                    "share": round(share * 100),
                    "on_time": figure.on_time,
                    "n": figure.with_deadline,
                },
            )
        )
    chart.line = " ".join(points)
    return chart
