"""What renders a ping's text for one chat: its language, its time zone, and the pieces pings share."""

from __future__ import annotations

from datetime import datetime

from bot.domain.preferences import ChatSettings
from bot.telegram_ui import formatting as fmt
from bot.telegram_ui.formatting import KWH
from bot.telegram_ui.i18n import Translator


class Renderer:
    """Builds the text of one event for one chat."""

    def __init__(self, settings: ChatSettings, now: datetime, tr: Translator) -> None:
        self.tr = tr
        self.settings = settings
        self.now = now

    def car(self, vin: str) -> str:
        """How a ping names the car: the end of its VIN (events carry no model name)."""
        return self.tr("event.car", vin_tail=vin[-5:])

    def level(self, value: int | None) -> str:
        """'62%' or 'unknown'."""
        return (
            self.tr("event.level_unknown")
            if value is None
            else self.tr("event.level", level=self.tr.percent(value))
        )

    def when(self, moment: datetime) -> str:
        """A local time (with the date when not today)."""
        return fmt.local_datetime(self.tr, moment, self.settings.time_zone, self.now)

    def details(self, *parts: str | None) -> str:
        """The optional details of a ping joined on one line, or nothing."""
        present = [part for part in parts if part]
        return "" if not present else "\n" + " · ".join(present)

    def energy(self, kwh: float | None) -> str | None:
        """'+12.3 kWh' when known."""
        return None if kwh is None else self.tr("event.detail.energy", energy=self.tr.unit(kwh, KWH, 1))

    def took(self, minutes: float | None) -> str | None:
        """'in 1 h 20 min' when known."""
        return (
            None
            if minutes is None
            else self.tr("event.detail.duration", duration=fmt.duration(self.tr, int(minutes)))
        )

    def from_level(self, level: int | None) -> str | None:
        """'from 35%' when known."""
        return None if level is None else self.tr("event.detail.from_level", level=self.tr.percent(level))
