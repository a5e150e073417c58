"""Ports of smart charging: where plans, goals and tariff choices are kept, and how a tariff is built.

Implemented by `bot.persistence.smartcharge` (storage) and by `bot.app.tariffs` (the tariff factory, which
knows the HTTP client and the `bot.tariffs` adapters the services may not import).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Protocol

from bot.domain.smart_schedule import SmartChargeState, SmartGoalSetting, TariffChoice
from bot.domain.tariff import TariffProvider

TariffFactory = Callable[[TariffChoice, str], TariffProvider]
"""Builds the price source for a chat's tariff choice."""


class TariffChoices(Protocol):
    """The chat's tariff (the one /smarttariff set): what the costs read of smart charging's choices."""

    async def tariff(self, chat_id: int) -> TariffChoice | None:
        """The chat's tariff choice, or None."""
        ...


class SmartChargeStore(TariffChoices, Protocol):
    """Smart-charge state per vehicle, goals per chat and vehicle, tariff choice per chat."""

    async def state(self, vehicle_id: int) -> SmartChargeState | None:
        """The vehicle's proposed/active plan and saved schedule, or None."""
        ...

    async def save_state(self, state: SmartChargeState) -> None:
        """Store the vehicle's state (insert or replace)."""
        ...

    async def delete_state(self, vehicle_id: int) -> None:
        """Forget the vehicle's plans and saved schedule."""
        ...

    async def armed(self) -> list[SmartChargeState]:
        """Every state with an active start/stop (slots) plan, for the executor."""
        ...

    async def save_tariff(self, chat_id: int, choice: TariffChoice) -> None:
        """Store the chat's tariff choice."""
        ...

    async def goal(self, chat_id: int, vehicle_id: int) -> SmartGoalSetting | None:
        """The chat's last goal for the vehicle, or None."""
        ...

    async def save_goal(self, goal: SmartGoalSetting) -> None:
        """Store the goal (insert or replace)."""
        ...

    async def delete_goal(self, chat_id: int, vehicle_id: int) -> None:
        """Forget the chat's goal for the vehicle (no more daily plans)."""
        ...

    async def daily_goals(self) -> list[SmartGoalSetting]:
        """Every goal with daily re-planning on."""
        ...

    async def claim_daily(self, chat_id: int, vehicle_id: int, day: date) -> bool:
        """Mark the goal's daily plan for `day` sent; False when it already was (atomic across replicas)."""
        ...
