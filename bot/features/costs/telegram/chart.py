"""The /costs chart: bars of cost per month and a line of the average price per kWh, as PNG bytes.

Drawn like the /history chart (`bot.features.history.render`): matplotlib's object API on the Agg canvas,
imported on first use, safe in a worker thread.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from bot.features.costs.logic import MonthFigures

_BAR = "#2da44e"
_LINE = "#1f6feb"


@dataclass(frozen=True, slots=True)
class CostChartLabels:
    """The chart's texts, already translated; `months` labels the x axis in order."""

    title: str
    cost_axis: str
    price_axis: str
    months: tuple[str, ...]


def monthly_cost_chart(months: Sequence[MonthFigures], labels: CostChartLabels) -> bytes:
    """A PNG of cost per month (bars) and average price per kWh (line, right axis)."""
    # Imported here, not at the top: see the module docstring.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 4), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = list(range(len(months)))
    axes.bar(positions, [float(m.cost) for m in months], color=_BAR, alpha=0.8)
    axes.set_ylabel(labels.cost_axis)
    axes.set_xticks(positions, labels.months, rotation=45, ha="right")
    axes.set_title(labels.title)
    axes.grid(alpha=0.3, axis="y")
    prices = [(i, float(m.price_per_kwh)) for i, m in zip(positions, months, strict=True) if m.price_per_kwh]
    if prices:
        right = axes.twinx()
        right.plot([p[0] for p in prices], [p[1] for p in prices], color=_LINE, marker="o", linewidth=1.8)
        right.set_ylabel(labels.price_axis)
        right.set_ylim(bottom=0)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
