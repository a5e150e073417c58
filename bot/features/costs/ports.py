"""Charging costs' ports: the store it needs, the use cases it offers its front-ends, and its key.

`store.SqlCostStore` implements the store's; `use_cases.report.CostDesk` offers `CostsPort`, which the
composition root hands the front-ends under `COSTS`. The chat's tariff is smart charging's
(`bot.services.tariff_ports.TariffChoices`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol

from bot.domain.history import BatteryReading, ChargeSession
from bot.features.costs.logic import AwaitedPrice, CostSettings, Home, MonthFigures, SessionCost
from bot.services.features import FeatureKey

# What the store needs.


class CostSettingsPort(Protocol):
    """A chat's cost settings, read and saved: the cost store's, and the screens' through `CostDesk`."""

    async def settings(self, chat_id: int) -> CostSettings:
        """The chat's cost settings (defaults when it never set any)."""
        ...

    async def save_settings(self, settings: CostSettings) -> None:
        """Store the chat's cost settings."""
        ...


class CostStore(CostSettingsPort, Protocol):
    """Cost settings per chat, priced sessions per chat, and the stored sessions and readings of a period."""

    async def awaiting(self, chat_id: int, now: datetime) -> AwaitedPrice | None:
        """The price the chat was asked to type (unexpired at `now`), or None."""
        ...

    async def set_awaiting(self, chat_id: int, value: AwaitedPrice | None) -> None:
        """Remember or forget what the chat is asked to type."""
        ...

    async def claim_monthly(self, chat_id: int, month: date) -> bool:
        """Mark the chat's summary of `month` sent; False when it already was (atomic across replicas)."""
        ...

    async def unsent_monthly(self, chat_id: int, month: date) -> bool:
        """Whether the chat's summary of `month` (or a later one) has not been sent yet."""
        ...

    async def home_chats(self) -> list[int]:
        """Chats that set a home."""
        ...

    async def summary_chats(self) -> list[int]:
        """Linked chats that want the monthly summary."""
        ...

    async def costs(self, chat_id: int, since: datetime, until: datetime) -> list[SessionCost]:
        """The chat's session costs started in [since, until), oldest first."""
        ...

    async def save_cost(self, cost: SessionCost) -> None:
        """Store one session's cost for one chat."""
        ...

    async def sessions(self, vehicle_id: int, since: datetime, until: datetime) -> list[ChargeSession]:
        """The vehicle's stored sessions started in [since, until), oldest first."""
        ...

    def readings(self, vehicle_id: int, since: datetime, until: datetime) -> AsyncIterator[BatteryReading]:
        """The vehicle's readings in [since, until), oldest first, streamed."""
        ...


# What the use cases offer their front-ends.


@dataclass(frozen=True, slots=True)
class CostsView:
    """What /costs renders: the current month, then the last 12 months (oldest first), and the totals."""

    this_month: MonthFigures
    months: tuple[MonthFigures, ...]
    time_zone: str

    @property
    def year(self) -> MonthFigures:
        """The last 12 months added up."""
        costs = list(self.months)
        grid = sum((m.grid_kwh for m in costs), Decimal(0))
        currencies = {m.currency for m in costs if m.currency}
        km = [m.km for m in costs if m.km is not None]
        return MonthFigures(
            month=costs[0].month,
            sessions=sum(m.sessions for m in costs),
            priced_sessions=sum(m.priced_sessions for m in costs),
            grid_kwh=grid,
            cost=sum((m.cost for m in costs), Decimal(0)),
            currency=currencies.pop() if len(currencies) == 1 else None,
            saving=sum((m.saving for m in costs), Decimal(0)),
            km=sum(km) if km else None,
        )


@dataclass(frozen=True, slots=True)
class ExportRow:
    """One line of /export: a charge session (with this chat's cost when priced) or a battery reading."""

    vehicle: str
    charge: ChargeSession | None = None
    cost: SessionCost | None = None
    reading: BatteryReading | None = None


class CostsPort(CostSettingsPort, Protocol):
    """Figures, export, cost settings and the away-price step (use_cases.report.CostDesk)."""

    async def overview(self, chat_id: int) -> CostsView:
        """This month and the last 12."""
        ...

    async def session_costs(self, chat_id: int, since: datetime) -> list[SessionCost]:
        """The chat's priced sessions since `since`."""
        ...

    async def export(self, chat_id: int, since: datetime, until: datetime) -> AsyncIterator[ExportRow]:
        """Every session and reading of the period, streamed."""
        ...

    async def set_home(self, chat_id: int, latitude: float, longitude: float) -> Home:
        """Store the chat's home."""
        ...

    async def set_home_from_car(self, chat_id: int) -> Home:
        """Store the active car's position as home."""
        ...

    async def ask_away_price(self, chat_id: int, vehicle_id: int, started_at: datetime) -> None:
        """The chat's next text is this session's price."""
        ...

    async def awaiting_price(self, chat_id: int) -> AwaitedPrice | None:
        """The session whose price the chat was asked for."""
        ...

    async def set_away_price(self, chat_id: int, text: str) -> SessionCost:
        """Price the awaited session from the typed text."""
        ...

    async def cancel_awaiting(self, chat_id: int) -> None:
        """Forget a pending price question."""
        ...

    async def mark_home(self, chat_id: int, vehicle_id: int, started_at: datetime) -> None:
        """An away session was at home after all."""
        ...


COSTS: FeatureKey[CostsPort] = FeatureKey("costs")
"""Where the front-ends find the costs use cases (absent when they were not built)."""
