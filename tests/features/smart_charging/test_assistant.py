"""/smartcharge use cases: tariff choice, planning from the car's level and the chat's tariff, daily mode."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, time
from decimal import Decimal
from pathlib import Path

import pytest

from bot.domain.tariff import TariffChoice, TariffKind, TariffProvider
from bot.features.linking.ports import LinkResult
from bot.features.smart_charging.logic.schedule import PlanKind, SmartGoalSetting
from bot.features.smart_charging.store import SqlSmartChargeStore
from bot.features.smart_charging.use_cases.assistant import SmartChargeAssistant, tariff_problems
from bot.features.smart_charging.use_cases.control import SmartChargeControl
from bot.services.errors import InvalidInput
from bot.simulator.tariff import TariffSimulator, agile_like_day
from bot.tariffs.octopus import OctopusAgileTariff
from tests.support.feeds import InProcessFeeds
from tests.support.stack import Stack, service_stack

EMAIL = "owner@example.com"
CHAT = 1001
EVENING = datetime(2026, 11, 2, 18, 0, tzinfo=UTC)
OCTOPUS = TariffChoice(TariffKind.OCTOPUS, region="C", currency="GBP")


@dataclass
class Assisted:
    """A linked X102VE, the assistant and its collaborators."""

    stack: Stack
    assistant: SmartChargeAssistant
    control: SmartChargeControl
    vehicle_id: int
    vin: str


@asynccontextmanager
async def assisted(tmp_path: Path) -> AsyncIterator[Assisted]:
    """A linked car at 40 % and Agile prices for two days."""
    day = EVENING.replace(hour=0)
    prices = TariffSimulator(agile_like_day(day) + agile_like_day(day.replace(day=3)))
    async with (
        service_stack(tmp_path) as stack,
        InProcessFeeds(prices) as http,
    ):
        stack.clock.set(EVENING)
        account = stack.sim.add_account(EMAIL, "pw-123456")
        car = stack.sim.add_vehicle(account, "X102VE", battery_level=40)
        result = await stack.graph.linking.begin(CHAT, "fr_FR", EMAIL, "pw-123456")
        assert isinstance(result, LinkResult)
        store = SqlSmartChargeStore(stack.graph.stores.db)
        control = SmartChargeControl(stack.graph.linking, stack.graph.gateway, store, stack.clock)

        def factory(choice: TariffChoice, zone: str) -> TariffProvider:
            del zone  # Octopus prices are absolute UTC slots
            return OctopusAgileTariff(http, choice.region or "A")

        assistant = SmartChargeAssistant(
            stack.graph.linking,
            stack.graph.gateway,
            stack.graph.stores.chats,
            store,
            control,
            factory,
            stack.graph.notifications,
            stack.clock,
        )
        yield Assisted(stack, assistant, control, result.vehicles[0].vehicle_id, car.vin)


async def test_planning_needs_a_tariff_first(tmp_path: Path) -> None:
    async with assisted(tmp_path) as a:
        with pytest.raises(InvalidInput) as caught:
            await a.assistant.plan_for(SmartGoalSetting(CHAT, a.vehicle_id, 80, time(7, 30)))
        assert caught.value.reasons == ["smart.error.no_tariff"]


async def test_plan_uses_the_cars_level_and_is_proposed_for_confirm(tmp_path: Path) -> None:
    async with assisted(tmp_path) as a:
        await a.assistant.set_tariff(CHAT, OCTOPUS)

        view = await a.assistant.plan_for(SmartGoalSetting(CHAT, a.vehicle_id, 80, time(7, 30)))

        assert view.current_level == 40
        assert view.plan.currency == "GBP"
        assert view.planned is not None
        assert view.planned.kind is PlanKind.WINDOW
        await a.control.confirm(CHAT, a.vehicle_id)
        assert a.stack.sim.car(a.vin).charge_mode == "scheduled"


async def test_daily_mode_replans_every_daily_goal(tmp_path: Path) -> None:
    async with assisted(tmp_path) as a:
        await a.assistant.set_tariff(CHAT, OCTOPUS)
        await a.assistant.plan_for(SmartGoalSetting(CHAT, a.vehicle_id, 80, time(7, 30)))
        assert await a.assistant.daily_plans() == []

        await a.assistant.set_daily(CHAT, a.vehicle_id, True)
        a.stack.clock.set(EVENING.replace(day=3))
        views = await a.assistant.daily_plans()

        assert [v.vehicle_id for v in views] == [a.vehicle_id]
        assert views[0].planned is not None
        assert views[0].planned.made_at == EVENING.replace(day=3)


@pytest.mark.parametrize(
    ("choice", "problems"),
    [
        (OCTOPUS, []),
        (TariffChoice(TariffKind.OCTOPUS, region="Z"), ["smart.error.region"]),
        (TariffChoice(TariffKind.URL, url="http://prices.example/p.json"), ["smart.error.url"]),
        (TariffChoice(TariffKind.URL, url="https://prices.example/p.json"), []),
        (TariffChoice(TariffKind.FIXED, peak=Decimal("0.25")), ["smart.error.fixed"]),
        (
            TariffChoice(
                TariffKind.FIXED,
                peak=Decimal("0.25"),
                off_peak=Decimal("0.15"),
                off_peak_start=time(22),
                off_peak_end=time(6),
            ),
            [],
        ),
    ],
)
def test_tariff_choices_are_validated(choice: TariffChoice, problems: list[str]) -> None:
    assert tariff_problems(choice) == problems


def test_tariff_choice_repr_hides_the_url() -> None:
    choice = TariffChoice(TariffKind.URL, url="https://prices.example/p.json?key=SECRET")
    assert "SECRET" not in repr(choice)
