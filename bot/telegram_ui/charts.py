"""The /history chart: battery level over the last days with charging periods shaded, as PNG bytes.

Built on matplotlib's object API with the Agg canvas (no pyplot, no global figure state, no display), so it
is safe to run in a worker thread while the event loop keeps serving other chats. matplotlib is imported on
the first chart, not with the bot: it costs ~60 MB and 0.7 s that a `worker` process never needs.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.history import BatteryReading
from bot.services.history import SessionSummary

_LINE = "#1f6feb"
_SHADE = "#2da44e"


@dataclass(frozen=True, slots=True)
class ChartLabels:
    """The chart's texts, already translated."""

    title: str
    level_axis: str
    charging: str
    no_data: str


def battery_chart(
    readings: Sequence[BatteryReading],
    sessions: Sequence[SessionSummary],
    since: datetime,
    until: datetime,
    time_zone: str,
    labels: ChartLabels,
) -> bytes:
    """A PNG of battery % over [since, until] in the chat's time zone, charging periods shaded."""
    # Imported here, not at the top: see the module docstring.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
    from matplotlib.figure import Figure

    zone = ZoneInfo(time_zone)
    figure = Figure(figsize=(8, 4), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    points = [(r.reported_at.astimezone(zone), r.level) for r in readings if r.level is not None]
    if points:
        axes.plot(_x([p[0] for p in points]), [p[1] for p in points], color=_LINE, linewidth=1.8)
    else:
        axes.text(0.5, 0.5, labels.no_data, transform=axes.transAxes, ha="center", va="center")
    shaded = False
    for session in sessions:
        start = max(session.started_at, since)
        end = min(session.ended_at or until, until)
        if end <= start:
            continue
        axes.axvspan(
            _x([start])[0],
            _x([end])[0],
            color=_SHADE,
            alpha=0.2,
            label=None if shaded else labels.charging,
        )
        shaded = True
    axes.set_xlim(_x([since])[0], _x([until])[0])
    axes.set_ylim(0, 100)
    axes.set_ylabel(labels.level_axis)
    axes.set_title(labels.title)
    axes.grid(alpha=0.3)
    # matplotlib.dates ships without annotations for these two constructors.
    locator = AutoDateLocator(tz=zone)  # type: ignore[no-untyped-call]
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator, tz=zone))  # type: ignore[no-untyped-call]
    if shaded:
        axes.legend(loc="lower left")
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _x(moments: Sequence[datetime]) -> list[float]:
    # matplotlib's date axis works on day numbers; the tz-aware locator shows them in the chat's zone.
    # Days since matplotlib's default epoch (1970-01-01 UTC), which is what date2num returns.
    return [m.timestamp() / 86400.0 for m in moments]
