"""/history's texts and chart: the last charges as a short list, and the battery over 7 days as a PNG.

The texts are the feature's own catalog (`catalog.py`, en/fr/de), merged into the main catalogs so the
catalog parity test covers them. The chart is built on matplotlib's object API with the Agg canvas (no
pyplot, no global figure state, no display), so it is safe to run in a worker thread while the event loop
keeps serving other chats. matplotlib is imported on the first chart, not with the bot: it costs ~60 MB and
0.7 s that a `worker` process never needs.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.history import BatteryReading
from bot.domain.pricing import EnergyMethod
from bot.features.history.catalog import HISTORY_MESSAGES
from bot.features.history.logic import SessionSummary
from bot.features.history.ports import HistoryView
from bot.telegram_ui.i18n.locales import decimal, locale_of, percent, styled, unit


class HistoryText:
    """Renders the history catalog in one language (English for unknown languages)."""

    def __init__(self, language: str) -> None:
        self.language = language if language in HISTORY_MESSAGES else "en"
        self._messages = HISTORY_MESSAGES[self.language]

    def __call__(self, key: str, /, **params: object) -> str:
        """The message for `key` with its placeholders filled in."""
        return self._messages[key].format(**params)

    def number(self, value: float) -> str:
        """One decimal, with this language's decimal separator."""
        return decimal(locale_of(self.language), value, 1, grouping=False)

    def quantity(self, value: float, measure: str) -> str:
        """'11.2 kWh', '7,4 kW': one decimal and the CLDR unit spacing of this language."""
        return unit(locale_of(self.language), self.number(value), measure)

    def percent(self, level: int) -> str:
        """'62%', '62 %' as this language writes it."""
        return percent(locale_of(self.language), level)


def render_history(
    text: HistoryText,
    view: HistoryView,
    time_zone: str,
    costs: Mapping[datetime, str] | None = None,
    month: str | None = None,
) -> str:
    """The message listing the recent charges (newest first), each with its cost when `costs` has one."""
    vehicle = view.vehicle.info.plate or view.vehicle.info.model_name
    if not view.sessions:
        return text("history.none", vehicle=vehicle)
    lines = [text("history.title", vehicle=vehicle), ""]
    for session in view.sessions:
        cost = (costs or {}).get(session.started_at)
        line = _session_line(text, session, time_zone)
        lines.append(line if not cost else f"{line} · {cost}")
    if month:
        lines += ["", month]
    return "\n".join(lines)


def _session_line(text: HistoryText, session: SessionSummary, time_zone: str) -> str:
    zone = ZoneInfo(time_zone)
    unknown = text("history.unknown")
    start = session.started_at.astimezone(zone)
    end = session.ended_at.astimezone(zone).strftime("%H:%M") if session.ended_at else text("history.ongoing")
    duration = session.duration
    power = session.average_power_kw
    return text(
        "history.session",
        start=styled(locale_of(text.language), start, "date_time"),
        end=end,
        from_level=_percent(text, session.start_level, unknown),
        to_level=_percent(text, session.end_level, unknown),
        energy=_energy(text, session, unknown),
        duration=unknown if duration is None else _duration(text, duration),
        power=unknown if power is None else text("history.kw", value=text.quantity(power, "power-kilowatt")),
    )


def _energy(text: HistoryText, session: SessionSummary, unknown: str) -> str:
    if session.energy_kwh is None:
        return unknown
    # Says where the figure comes from only when it is the car's own (the estimate is the usual case).
    key = "history.kwh_reported" if session.energy_method is EnergyMethod.REPORTED else "history.kwh"
    return text(key, value=text.quantity(session.energy_kwh, "energy-kilowatt-hour"))


def _percent(text: HistoryText, level: int | None, unknown: str) -> str:
    return unknown if level is None else text.percent(level)


def _duration(text: HistoryText, duration: timedelta) -> str:
    minutes = int(duration.total_seconds() // 60)
    return text("history.duration", hours=minutes // 60, minutes=minutes % 60)


def chart_labels(text: HistoryText) -> ChartLabels:
    """The chart's texts in the chat's language."""
    return ChartLabels(
        title=text("history.chart_title"),
        level_axis=text("history.chart_axis"),
        charging=text("history.chart_charging"),
        no_data=text("history.chart_no_data"),
    )


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
