"""A fixed two-rate tariff typed in the chat (e.g. Economy 7): off-peak hours in local time, else peak.

No I/O: the slots are generated. The off-peak window is local wall-clock time and may wrap midnight
(23:30-06:30); on a DST change day the window is correspondingly an hour shorter or longer in real time.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.domain.tariff import PriceSlot


@dataclass(frozen=True, slots=True)
class FixedTwoRateTariff:
    """TariffProvider for a peak / off-peak tariff; prices per kWh in the currency's main unit."""

    peak: Decimal
    off_peak: Decimal
    off_peak_start: time
    off_peak_end: time
    zone: ZoneInfo
    currency: str = "EUR"

    def __post_init__(self) -> None:
        if self.off_peak_start == self.off_peak_end:
            raise ValueError("the off-peak window must not be empty")
        if self.peak < 0 or self.off_peak < 0:
            raise ValueError("prices must not be negative")

    async def prices(self, start: datetime, end: datetime) -> list[PriceSlot]:
        """Alternating peak and off-peak slots covering [start, end)."""
        return self.slots(start, end)

    def slots(self, start: datetime, end: datetime) -> list[PriceSlot]:
        """The same as `prices`, synchronously."""
        boundaries = self._boundaries(start.astimezone(self.zone).date(), end.astimezone(self.zone).date())
        result: list[PriceSlot] = []
        for (moment, price), (following, _) in itertools.pairwise(boundaries):
            lo, hi = max(moment, start), min(following, end)
            if lo < hi:
                result.append(PriceSlot(lo.astimezone(UTC), hi.astimezone(UTC), price, self.currency))
        return result

    def _boundaries(self, first: date, last: date) -> list[tuple[datetime, Decimal]]:
        # Each local day contributes "off-peak starts" and "peak starts" instants; a segment takes the price
        # of the boundary that opens it. A day either side covers windows wrapping midnight.
        marks: list[tuple[datetime, Decimal]] = []
        day = first - timedelta(days=1)
        while day <= last + timedelta(days=1):
            marks.append((_instant(day, self.off_peak_start, self.zone), self.off_peak))
            marks.append((_instant(day, self.off_peak_end, self.zone), self.peak))
            day += timedelta(days=1)
        marks.sort(key=lambda mark: mark[0])
        return marks


def _instant(day: date, wall: time, zone: ZoneInfo) -> datetime:
    # fold=0: an ambiguous wall time means its first occurrence; a non-existent one (spring-forward gap)
    # maps to the instant an hour later in wall terms, which is what a timer switch does.
    return datetime.combine(day, wall, tzinfo=zone).astimezone(UTC)
