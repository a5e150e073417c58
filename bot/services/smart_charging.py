"""Use case: plan a smart charge ("ready by 07:30 at 80 %") from a tariff source; not yet sent to the car."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.domain.planner import ChargePlan, ChargePower, PlanRequest, ScheduleRules, next_ready_by, plan_charge
from bot.domain.tariff import TariffError, TariffFormatError, TariffProvider
from bot.services.errors import InvalidInput, ServiceError
from bot.services.ports import Clock

# Prices are fetched from a little before now so the step holding `now` is priced for "charge now".
_LOOKBACK = timedelta(minutes=15)


class TariffDown(ServiceError):
    """The tariff source failed; `malformed` tells a broken feed from an unreachable one."""

    def __init__(self, malformed: bool) -> None:
        super().__init__("tariff source failed")
        self.malformed = malformed


@dataclass(frozen=True, slots=True)
class SmartChargeGoal:
    """What the owner asked for, and what we know about the car."""

    ready_at: time
    time_zone: str
    current_level: float
    target_level: float
    usable_capacity_kwh: float
    power: ChargePower
    can_schedule: bool = True
    can_start_stop: bool = False
    efficiency: float = 0.9
    margin: float = 0.1
    rules: ScheduleRules = field(default_factory=ScheduleRules)


class SmartChargingService:
    """Plans the cheapest charge before the next `ready_at` with prices from one tariff source."""

    def __init__(self, tariff: TariffProvider, clock: Clock) -> None:
        self._tariff = tariff
        self._clock = clock

    async def plan(self, goal: SmartChargeGoal) -> ChargePlan:
        """Fetch prices up to the deadline and plan; tariff failures become TariffDown."""
        try:
            zone = ZoneInfo(goal.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise InvalidInput(["smartcharge.bad_time_zone"]) from None
        now = self._clock()
        ready_by = next_ready_by(now, goal.ready_at, zone)
        try:
            prices = await self._tariff.prices(now - _LOOKBACK, ready_by)
        except TariffError as error:
            raise TariffDown(malformed=isinstance(error, TariffFormatError)) from error
        request = PlanRequest(
            now=now,
            ready_by=ready_by,
            current_level=goal.current_level,
            target_level=goal.target_level,
            usable_capacity_kwh=goal.usable_capacity_kwh,
            charge_power_kw=goal.power.kw,
            efficiency=goal.efficiency,
            margin=goal.margin,
            can_schedule=goal.can_schedule,
            can_start_stop=goal.can_start_stop,
            rules=goal.rules,
        )
        return plan_charge(request, prices)
