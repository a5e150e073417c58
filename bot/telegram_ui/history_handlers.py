"""/history: the last charge sessions as a short list, then a chart of the battery over 7 days as a photo.

The texts live in `bot.telegram_ui.i18n.history` (en/fr/de), merged into the main catalogs so the catalog
parity test covers them.
The history use case is the Services container's `history` port.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from telegram import Update

from bot.domain.pricing import EnergyMethod
from bot.services.history import HistoryView, SessionSummary
from bot.telegram_ui.charts import ChartLabels, battery_chart
from bot.telegram_ui.context import BotContext
from bot.telegram_ui.costs.history import history_costs
from bot.telegram_ui.i18n.history import HISTORY_MESSAGES
from bot.telegram_ui.i18n.locales import decimal, locale_of, percent, styled, unit
from bot.telegram_ui.parts import Command, TelegramPart


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


async def history_command(update: Update, context: BotContext) -> None:
    """/history: the list of recent charges, then the chart as a photo (errors go to the central handler)."""
    chat = update.effective_chat
    message = update.effective_message
    if chat is None or message is None:
        return
    history = context.services.history
    if history is None:
        return
    view = await context.chat_view(update)
    settings = view.settings
    text = HistoryText(settings.language)
    overview = await history.overview(chat.id)
    costs, month, keyboard = await history_costs(context, view, overview)
    await message.reply_text(
        render_history(text, overview, settings.time_zone, costs, month), reply_markup=keyboard
    )
    png = await asyncio.to_thread(
        battery_chart,
        overview.readings,
        overview.sessions,
        overview.since,
        overview.until,
        settings.time_zone,
        chart_labels(text),
    )
    await context.bot.send_photo(chat.id, photo=png, caption=text("history.chart_title"))


PART = TelegramPart(
    name="history",
    commands=(Command("history", history_command, 80),),
    wired=lambda services: services.history is not None,
)
"""/history."""
