"""Confirm / Cancel / start-stop executor end to end: Octopus prices from the tariff simulator, the real
Renault client against the Renault simulator, storage on SQLite."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.domain.vehicle import Role
from bot.features.linking.ports import LinkResult
from bot.features.smart_charging.events import SmartChargeSwitched
from bot.features.smart_charging.logic.planner import ChargePlan
from bot.features.smart_charging.logic.power import ChargePower, PowerSource
from bot.features.smart_charging.logic.schedule import PlanKind
from bot.features.smart_charging.store import SqlSmartChargeStore
from bot.features.smart_charging.use_cases.assistant import SmartChargeGoal, SmartChargingService
from bot.features.smart_charging.use_cases.control import SmartChargeControl
from bot.services.errors import FeatureUnavailable, InvalidInput, NotPermitted
from bot.simulator.tariff import TariffSimulator, agile_like_day
from bot.tariffs.octopus import OctopusAgileTariff
from tests.support.feeds import InProcessFeeds
from tests.support.stack import Stack, service_stack

pytestmark = pytest.mark.slow  # measured: most of its tests take over a second

EMAIL = "owner@example.com"
PASSWORD = "s3cret-Pass"
CHAT = 1001
EVENING = datetime(2026, 11, 2, 18, 0, tzinfo=UTC)  # Monday
OWN_SCHEDULE: list[dict[str, Any]] = [
    {"id": 1, "activated": True, "monday": {"startTime": "T01:00Z", "duration": 300}},
    {"id": 2, "activated": False},
]


@dataclass
class Smart:
    """The stack plus the smart-charging pieces."""

    stack: Stack
    control: SmartChargeControl
    planner: SmartChargingService
    vehicle_id: int
    vin: str


@asynccontextmanager
async def smart_stack(tmp_path: Path, model: str = "X102VE", **car: Any) -> AsyncIterator[Smart]:
    """A linked car with its own schedule, Agile prices for two days, evening clock."""
    prices = TariffSimulator(
        agile_like_day(EVENING.replace(hour=0)) + agile_like_day(EVENING.replace(day=3, hour=0))
    )
    async with (
        service_stack(tmp_path) as stack,
        InProcessFeeds(prices) as http,
    ):
        stack.clock.set(EVENING)
        account = stack.sim.add_account(EMAIL, PASSWORD)
        sim_car = stack.sim.add_vehicle(account, model, schedules=list(OWN_SCHEDULE), battery_level=40, **car)
        result = await stack.graph.linking.begin(CHAT, "fr_FR", EMAIL, PASSWORD)
        assert isinstance(result, LinkResult)
        store = SqlSmartChargeStore(stack.graph.stores.db)
        control = SmartChargeControl(stack.graph.linking, stack.graph.gateway, store, stack.clock)
        planner = SmartChargingService(OctopusAgileTariff(http, "C"), stack.clock)
        yield Smart(stack, control, planner, result.vehicles[0].vehicle_id, sim_car.vin)


async def _plan(smart: Smart, can_schedule: bool = True) -> ChargePlan:
    goal = SmartChargeGoal(
        ready_at=time(7, 30),
        time_zone="Europe/London",
        current_level=40,
        target_level=80,
        usable_capacity_kwh=52,
        power=ChargePower(7.4, PowerSource.MODEL_DEFAULT),
        can_schedule=can_schedule,
        can_start_stop=not can_schedule,
    )
    return await smart.planner.plan(goal)


async def _propose(smart: Smart, can_schedule: bool = True) -> ChargePlan:
    plan = await _plan(smart, can_schedule)
    await smart.control.propose(CHAT, smart.vehicle_id, plan, 80, EVENING + timedelta(hours=13))
    return plan


def _wire_day(start: datetime, minutes: int) -> dict[str, Any]:
    return {"startTime": f"T{start:%H:%M}Z", "duration": minutes}


async def test_confirm_writes_the_planned_window_as_the_cars_schedule_in_scheduled_mode(
    tmp_path: Path,
) -> None:
    async with smart_stack(tmp_path) as smart:
        plan = await _propose(smart)
        assert plan.window is not None
        window = plan.window.window

        planned = await smart.control.confirm(CHAT, smart.vehicle_id)

        assert planned.kind is PlanKind.WINDOW
        car = smart.stack.sim.car(smart.vin)
        day = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")[window.weekday]
        assert car.schedules == [
            {"id": 1, "activated": True, day: _wire_day(window.start, window.minutes)},
            {"id": 2, "activated": False},
        ]
        assert car.charge_mode == "scheduled"
        assert smart.stack.sim.log.count(key="charge-set-schedule") == 1


async def test_cancel_restores_the_owners_schedule_and_mode(tmp_path: Path) -> None:
    async with smart_stack(tmp_path) as smart:
        await _propose(smart)
        await smart.control.confirm(CHAT, smart.vehicle_id)

        assert await smart.control.cancel(CHAT, smart.vehicle_id) is True

        car = smart.stack.sim.car(smart.vin)
        assert car.schedules == OWN_SCHEDULE
        assert car.charge_mode == "always"


async def test_confirming_a_new_plan_still_restores_the_owners_schedule_not_the_first_plan(
    tmp_path: Path,
) -> None:
    async with smart_stack(tmp_path) as smart:
        await _propose(smart)
        await smart.control.confirm(CHAT, smart.vehicle_id)
        smart.stack.clock.advance(hours=1)
        await _propose(smart)
        await smart.control.confirm(CHAT, smart.vehicle_id)

        await smart.control.cancel(CHAT, smart.vehicle_id)

        assert smart.stack.sim.car(smart.vin).schedules == OWN_SCHEDULE


async def test_confirm_without_a_proposal_sends_nothing(tmp_path: Path) -> None:
    async with smart_stack(tmp_path) as smart:
        with pytest.raises(InvalidInput) as caught:
            await smart.control.confirm(CHAT, smart.vehicle_id)
        assert caught.value.reasons == ["smart.error.nothing_to_confirm"]
        assert smart.stack.sim.log.count(key="charge-set-schedule") == 0


async def test_an_expired_proposal_is_not_confirmed(tmp_path: Path) -> None:
    async with smart_stack(tmp_path) as smart:
        await _propose(smart)
        smart.stack.clock.advance(hours=20)
        with pytest.raises(InvalidInput) as caught:
            await smart.control.confirm(CHAT, smart.vehicle_id)
        assert caught.value.reasons == ["smart.error.plan_expired"]


async def test_a_viewer_can_neither_propose_nor_confirm_nor_cancel(tmp_path: Path) -> None:
    async with smart_stack(tmp_path) as smart:
        plan = await _propose(smart)
        viewer = 2002
        await smart.stack.graph.stores.chats.ensure(viewer, "en")
        account_id = (await smart.stack.graph.stores.accounts.accounts_for_chat(CHAT))[0].account_id
        await smart.stack.graph.stores.accounts.link_chat(viewer, account_id, Role.VIEWER)
        with pytest.raises(NotPermitted):
            await smart.control.propose(viewer, smart.vehicle_id, plan, 80, EVENING)
        with pytest.raises(NotPermitted):
            await smart.control.confirm(viewer, smart.vehicle_id)
        with pytest.raises(NotPermitted):
            await smart.control.cancel(viewer, smart.vehicle_id)
        with pytest.raises(NotPermitted):
            await smart.control.confirm(4242, smart.vehicle_id)  # a stranger's forged button
        assert smart.stack.sim.log.count(key="charge-set-schedule") == 0


async def test_start_stop_plan_is_armed_and_the_executor_switches_at_slot_boundaries(tmp_path: Path) -> None:
    async with smart_stack(tmp_path, plugged=True) as smart:
        plan = await _propose(smart, can_schedule=False)
        assert plan.slots is not None
        runs = plan.slots.intervals
        planned = await smart.control.confirm(CHAT, smart.vehicle_id)
        assert planned.kind is PlanKind.SLOTS

        assert await smart.control.run_due() == []  # before the first slot: nothing to do
        smart.stack.clock.set(runs[0].start)
        assert [e.vehicle_id for _, e in await smart.control.run_due()] == [smart.vehicle_id]
        assert await smart.control.run_due() == []  # already started: no second command
        assert smart.stack.sim.car(smart.vin).charging
        smart.stack.clock.set(runs[-1].end)
        assert [e.vehicle_id for _, e in await smart.control.run_due()] == [smart.vehicle_id]
        assert not smart.stack.sim.car(smart.vin).charging
        assert await SqlSmartChargeStore(smart.stack.graph.stores.db).armed() == []
        assert smart.stack.sim.log.count(key="charge-set-schedule") == 0


async def test_cancel_during_a_start_stop_slot_stops_the_charge(tmp_path: Path) -> None:
    async with smart_stack(tmp_path, plugged=True) as smart:
        plan = await _propose(smart, can_schedule=False)
        assert plan.slots is not None
        await smart.control.confirm(CHAT, smart.vehicle_id)
        smart.stack.clock.set(plan.slots.intervals[0].start)
        await smart.control.run_due()

        assert await smart.control.cancel(CHAT, smart.vehicle_id) is True

        assert not smart.stack.sim.car(smart.vin).charging
        assert await smart.control.run_due() == []


async def test_a_car_without_schedules_cannot_confirm_a_window(tmp_path: Path) -> None:
    async with smart_stack(tmp_path) as smart:
        await _propose(smart)
        await smart.stack.graph.stores.vehicles.mark_unsupported(smart.vehicle_id, "charge-set-schedule")
        with pytest.raises(FeatureUnavailable):
            await smart.control.confirm(CHAT, smart.vehicle_id)


async def test_the_executor_tells_the_plans_chat_through_the_outbox_once_per_switch(tmp_path: Path) -> None:
    async with smart_stack(tmp_path, plugged=True) as smart:
        plan = await _propose(smart, can_schedule=False)
        assert plan.slots is not None
        runs = plan.slots.intervals
        await smart.control.confirm(CHAT, smart.vehicle_id)
        executor = smart.stack.graph.smart  # the graph's assistant: its own store object, same database

        smart.stack.clock.set(runs[0].start)
        started = await executor.run_due()
        again = await executor.run_due()
        smart.stack.clock.set(runs[-1].end)
        stopped = await executor.run_due()
        sent = smart.stack.notifier.sent
    assert (started.sent, again.sent, stopped.sent) == (1, 0, 1)
    assert [(chat, type(e).__name__) for chat, e in sent] == [(CHAT, "SmartChargeSwitched")] * 2
    assert [e.started for _, e in sent if isinstance(e, SmartChargeSwitched)] == [True, False]
