"""One look's tariff prices: the windows of the sessions a look prices, fetched once per run of nearby ones.

Pricing each session with its own request made every /history, /costs or /export look ask the tariff source
once per session still waiting for a price (and wait out its timeout once per session when it is down).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.domain.history import ChargeSession
from bot.domain.tariff import PriceSlot, TariffChoice, TariffError, TariffProvider, clip
from bot.services.tariff_ports import TariffFactory

FETCH_SPAN = timedelta(days=7)
"""Nearby windows are fetched together up to this span (an Octopus fetch stays a few pages)."""


def price_window(session: ChargeSession, lookback: timedelta, margin: timedelta) -> tuple[datetime, datetime]:
    """A span holding every window pricing this ended session may ask for (plug-in `lookback` before)."""
    assert session.ended_at is not None
    return session.started_at - lookback - margin, session.ended_at + margin


class LookPrices:
    """One look's tariff prices: each run of nearby windows is fetched once (failures too), then clipped."""

    def __init__(self, factory: TariffFactory, zone: str, windows: list[tuple[datetime, datetime]]) -> None:
        self._factory = factory
        self._zone = zone
        self._provider: TariffProvider | None = None
        self._runs = _runs(windows)
        self._fetched: dict[tuple[datetime, datetime], list[PriceSlot] | TariffError] = {}

    async def prices(self, choice: TariffChoice, start: datetime, end: datetime) -> list[PriceSlot]:
        """What the chat's tariff answers for [start, end), from the run holding it when there is one."""
        if self._provider is None:
            # Built on first use only (as before): a look that prices nothing builds no provider.
            self._provider = self._factory(choice, self._zone)
        run = next(((lo, hi) for lo, hi in self._runs if lo <= start and end <= hi), None)
        if run is None:
            return list(await self._provider.prices(start, end))
        if run not in self._fetched:
            try:
                self._fetched[run] = list(await self._provider.prices(*run))
            except TariffError as error:
                self._fetched[run] = error
        fetched = self._fetched[run]
        if isinstance(fetched, TariffError):
            raise fetched
        # The port answers every known slot overlapping the period: the run's answer, cut, is the same.
        return clip(fetched, start, end)


def _runs(windows: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """Overlapping windows merged, as long as a run stays within FETCH_SPAN."""
    runs: list[tuple[datetime, datetime]] = []
    for lo, hi in sorted(w for w in windows if w[0] < w[1]):
        if runs and lo <= runs[-1][1] and max(hi, runs[-1][1]) - runs[-1][0] <= FETCH_SPAN:
            runs[-1] = (runs[-1][0], max(hi, runs[-1][1]))
        else:
            runs.append((lo, hi))
    return runs
