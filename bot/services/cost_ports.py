"""Ports of the charging-cost use cases: where cost settings and priced sessions live.

Implemented by `bot.persistence.costs.SqlCostStore`. The chat's tariff is smart charging's
(`bot.services.tariff_ports.TariffChoices`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime
from typing import Protocol

from bot.domain.costs import AwaitedPrice, CostSettings, SessionCost
from bot.domain.history import BatteryReading, ChargeSession


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
