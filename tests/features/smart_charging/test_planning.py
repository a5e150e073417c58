"""The smart-charging use case: fetches the right period, plans, and turns tariff failures into TariffDown."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest

from bot.domain.tariff import PriceSlot, TariffError, TariffFormatError, TariffUnavailable
from bot.features.smart_charging.logic.planner import PlanNote
from bot.features.smart_charging.logic.power import ChargePower, PowerSource
from bot.features.smart_charging.ports import TariffDown
from bot.features.smart_charging.use_cases.assistant import SmartChargeGoal, SmartChargingService
from bot.services.errors import InvalidInput
from tests.support.clock import FakeClock

NOW = datetime(2026, 7, 1, 19, 0, tzinfo=UTC)  # 20:00 BST


class FakeTariff:
    """Serves fixed slots, or raises the given error; records the periods asked for."""

    def __init__(self, slots: list[PriceSlot], error: TariffError | None = None) -> None:
        self.slots = slots
        self.error = error
        self.asked: list[tuple[datetime, datetime]] = []

    async def prices(self, start: datetime, end: datetime) -> list[PriceSlot]:
        self.asked.append((start, end))
        if self.error is not None:
            raise self.error
        return [s for s in self.slots if s.start < end and start < s.end]


def _goal(**changes: object) -> SmartChargeGoal:
    values: dict[str, object] = {
        "ready_at": time(7, 30),
        "time_zone": "Europe/London",
        "current_level": 50.0,
        "target_level": 80.0,
        "usable_capacity_kwh": 52.0,
        "power": ChargePower(7.4, PowerSource.MODEL_DEFAULT),
    }
    values.update(changes)
    return SmartChargeGoal(**values)  # type: ignore[arg-type]


def _night() -> list[PriceSlot]:
    half = timedelta(minutes=30)
    prices = [Decimal("0.30")] * 12 + [Decimal("0.05")] * 6 + [Decimal("0.25")] * 8
    return [PriceSlot(NOW + i * half, NOW + (i + 1) * half, p, "GBP") for i, p in enumerate(prices)]


async def test_plans_until_the_next_local_ready_time() -> None:
    tariff = FakeTariff(_night())
    plan = await SmartChargingService(tariff, FakeClock(NOW)).plan(_goal())
    assert tariff.asked == [(NOW - timedelta(minutes=15), datetime(2026, 7, 2, 6, 30, tzinfo=UTC))]
    assert plan.window is not None
    assert plan.window.window.start == NOW + timedelta(hours=6)  # the cheap 3 hours
    assert plan.notes == frozenset()


@pytest.mark.parametrize(
    ("error", "malformed"), [(TariffUnavailable("down"), False), (TariffFormatError("junk"), True)]
)
async def test_tariff_failures_become_tariff_down(error: TariffError, malformed: bool) -> None:
    service = SmartChargingService(FakeTariff([], error), FakeClock(NOW))
    with pytest.raises(TariffDown) as caught:
        await service.plan(_goal())
    assert caught.value.malformed is malformed


async def test_unknown_time_zone_is_invalid_input() -> None:
    with pytest.raises(InvalidInput):
        await SmartChargingService(FakeTariff([]), FakeClock(NOW)).plan(_goal(time_zone="Mars/Olympus"))


async def test_empty_tariff_still_plans_and_says_so() -> None:
    plan = await SmartChargingService(FakeTariff([]), FakeClock(NOW)).plan(_goal())
    assert PlanNote.NO_PRICES in plan.notes
