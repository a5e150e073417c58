"""Smart charging's ports: the store it needs, the use case it offers, its views and errors, and its key.

`store.py` implements the store; the tariff factory and the tariff read the costs share are kernel ports
(`bot.services.tariff_ports`). The template every feature package follows is in docs/architecture.md,
"A feature's package".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from bot.domain.tariff import TariffChoice

# Re-exported: another feature names smart charging's pings through this port only (family sharing's
# `MemberPlans.withdraw` hands the owners' notice on to the outbox).
from bot.features.smart_charging.events import SmartPlanWithdrawn as SmartPlanWithdrawn
from bot.features.smart_charging.logic.planner import ChargePlan
from bot.features.smart_charging.logic.schedule import PlannedCharge, SmartChargeState, SmartGoalSetting
from bot.features.smart_charging.logic.summary import PlanSummary, summarize
from bot.services.errors import ServiceError
from bot.services.features import FeatureKey
from bot.services.tariff_ports import TariffChoices

# What the store needs.


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


# What the use case offers its front-ends, and the errors it raises.


@dataclass(frozen=True, slots=True)
class SmartPlanView:
    """A plan as shown to a chat: the planner's answer, what Confirm will do, the zone for times."""

    vehicle_id: int
    chat_id: int
    plan: ChargePlan
    planned: PlannedCharge | None
    time_zone: str
    current_level: float

    def summary(self) -> PlanSummary:
        """What the owner is told about this plan."""
        return summarize(self.plan, self.planned, self.current_level)


class SmartChargePort(TariffChoices, Protocol):
    """The /smartcharge use cases (`use_cases.assistant.SmartChargeAssistant`), tariff read included."""

    async def plan_for(self, goal: SmartGoalSetting) -> SmartPlanView:
        """Plan a goal and keep it as the proposal."""
        ...

    async def set_tariff(self, chat_id: int, choice: TariffChoice) -> None:
        """Store the chat's tariff."""
        ...

    async def set_daily(self, chat_id: int, vehicle_id: int, daily: bool) -> SmartGoalSetting:
        """Switch daily re-planning."""
        ...

    async def confirm(self, chat_id: int, vehicle_id: int) -> PlannedCharge:
        """Carry out the proposed plan."""
        ...

    async def cancel(self, chat_id: int, vehicle_id: int) -> bool:
        """Drop the plans and restore the car's schedule."""
        ...

    async def active_vehicle(self, chat_id: int) -> int:
        """The chat's active vehicle id."""
        ...


class TariffDown(ServiceError):
    """The tariff source failed; `malformed` tells a broken feed from an unreachable one, `refused` a feed
    that leads somewhere a feed may not be (not public https)."""

    def __init__(self, malformed: bool, refused: bool = False) -> None:
        super().__init__("tariff source failed")
        self.malformed = malformed
        self.refused = refused


SMART_CHARGING: FeatureKey[SmartChargePort] = FeatureKey("smart_charging")
"""Where the front-ends find the smart-charging use case (absent when it was not built)."""
