"""The charge schedule's port: what its Telegram part calls to read and write a car's schedule.

The actions use case (`bot/features/actions/use_cases.py:ActionService`) implements it; the composition
root hands it in under `SCHEDULES` (docs/architecture.md, "A feature's package").
"""

from __future__ import annotations

from typing import Protocol

from bot.domain.schedule import ChargeSchedule
from bot.services.features import FeatureKey


class SchedulePort(Protocol):
    """Reading and writing a car's charge schedule (optional: without it /schedule says 'not supported')."""

    async def schedule(self, chat_id: int, vehicle_id: int) -> ChargeSchedule:
        """The car's charge schedule."""
        ...

    async def set_schedule(self, chat_id: int, vehicle_id: int, schedule: ChargeSchedule) -> ChargeSchedule:
        """Validate and write a charge schedule (InvalidInput with 'schedule.problem.*' keys first)."""
        ...


SCHEDULES: FeatureKey[SchedulePort] = FeatureKey("schedules")
"""Where the front-ends find the schedule use case (absent: /schedule says 'not supported')."""
