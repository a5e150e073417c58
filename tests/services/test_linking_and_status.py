"""Status, actions and logout through the real client against the Renault simulator (the login's own:
tests/features/linking/test_use_cases.py)."""

from __future__ import annotations

from datetime import time
from pathlib import Path
from typing import Any

import pytest

from bot.app.graph import GraphOptions
from bot.domain.actions import ActionKind
from bot.domain.schedule import ChargeProgram, ChargeSchedule, DaySlot, ScheduleMode
from bot.domain.snapshot import ChargeState, PlugState
from bot.features.actions.ports import ActionRequest
from bot.features.linking.ports import LinkResult
from bot.services.errors import (
    FeatureUnavailable,
    InvalidInput,
    NotLinked,
    NotPermitted,
    RenaultDown,
    TooManyActions,
)
from bot.simulator.renault.faults import RenaultFault
from tests.support.linking import link_one_car
from tests.support.stack import Stack, service_stack
from tests.support.statements import recorded

pytestmark = pytest.mark.slow  # measured: most of its tests take over a second

EMAIL = "owner@example.com"
PASSWORD = "s3cret-Pass"
CHAT = 1001


async def _linked(stack: Stack, model: str = "X102VE", **car: Any) -> LinkResult:
    return await link_one_car(stack, CHAT, EMAIL, PASSWORD, model, **car)


async def test_status_reads_battery_cockpit_and_hvac_in_one_go(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        await _linked(stack, battery_level=64.0, plugged=True, charging=True)
        stack.sim.log.clear()
        view = await stack.graph.status.status(CHAT)
        assert view.snapshot.battery_level == 64
        assert view.snapshot.plug is PlugState.PLUGGED
        assert view.snapshot.charge is ChargeState.CHARGE_IN_PROGRESS
        assert view.snapshot.mileage_km is not None
        kamereon = [e for e in stack.sim.log.endpoints() if not e.startswith("accounts.")]
        assert sorted(kamereon) == ["battery-status", "cockpit", "hvac-status"]
        assert "battery-status" in stack.sim.log.endpoints()


async def test_status_within_a_minute_is_served_without_calling_renault(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        await _linked(stack)
        await stack.graph.status.status(CHAT)
        stack.sim.log.clear()
        stack.clock.advance(seconds=30)
        await stack.graph.status.status(CHAT)
        assert "battery-status" not in stack.sim.log.endpoints()
        await stack.graph.status.status(CHAT, refresh=True)
        assert "battery-status" in stack.sim.log.endpoints()


async def test_renault_down_shows_last_known_data_with_a_reason(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        await _linked(stack, battery_level=55.0)
        await stack.graph.status.status(CHAT)
        stack.sim.inject(RenaultFault.HTTP_500, times=None, endpoint="battery-status")
        view = await stack.graph.status.status(CHAT, refresh=True)
        assert view.stale_reason == "renault_down"
        assert view.snapshot.battery_level == 55
        stack.sim.clear_faults()
        recovered = await stack.graph.status.status(CHAT, refresh=True)
        assert recovered.stale_reason is None


async def test_renault_down_without_known_data_is_an_error(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        await _linked(stack)
        stack.sim.inject(RenaultFault.HTTP_500, times=None, endpoint="battery-status")
        with pytest.raises(RenaultDown):
            await stack.graph.status.status(CHAT)


async def test_precondition_reaches_the_car_and_double_taps_are_refused(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        result = await _linked(stack, "X102VE")
        vehicle_id = result.vehicles[0].vehicle_id
        stack.sim.log.clear()
        outcome = await stack.graph.actions.run(CHAT, vehicle_id, ActionRequest(ActionKind.PRECONDITION))
        assert outcome.accepted
        assert stack.sim.log.count("hvac-start") == 1
        with pytest.raises(TooManyActions):
            await stack.graph.actions.run(CHAT, vehicle_id, ActionRequest(ActionKind.PRECONDITION))
        stack.clock.advance(seconds=6)
        await stack.graph.actions.run(CHAT, vehicle_id, ActionRequest(ActionKind.CHARGE_START))
        assert stack.sim.log.count("hvac-start") == 1


async def test_another_chat_cannot_command_the_car(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        result = await _linked(stack)
        vehicle_id = result.vehicles[0].vehicle_id
        with pytest.raises(NotPermitted):
            await stack.graph.actions.run(CHAT + 5, vehicle_id, ActionRequest(ActionKind.PRECONDITION))
        with pytest.raises(NotPermitted):
            await stack.graph.status.status(CHAT + 5, vehicle_id)


async def test_unsupported_location_is_reported_as_unavailable(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        await _linked(stack, "X101VE")
        with pytest.raises(FeatureUnavailable):
            await stack.graph.status.location(CHAT)


async def test_logout_wipes_the_link(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        await _linked(stack)
        await stack.graph.sharing.logout(CHAT)
        with pytest.raises(NotLinked):
            await stack.graph.linking.active(CHAT)
        with pytest.raises(NotLinked):
            await stack.graph.sharing.logout(CHAT)


async def test_schedule_round_trips_through_the_car(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        result = await _linked(stack, "X102VE")
        vehicle_id = result.vehicles[0].vehicle_id
        before = await stack.graph.actions.schedule(CHAT, vehicle_id)
        monday = DaySlot(time(1, 15), 180)
        wanted = ChargeSchedule(
            ScheduleMode.SCHEDULED, (ChargeProgram(1, True, (monday, None, None, None, None, None, None)),)
        )
        await stack.graph.actions.set_schedule(CHAT, vehicle_id, wanted)
        after = await stack.graph.actions.schedule(CHAT, vehicle_id)
        assert after.programs[0].days[0] == monday
        assert after != before


async def test_invalid_schedule_is_refused_before_anything_is_sent(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        result = await _linked(stack, "X102VE")
        vehicle_id = result.vehicles[0].vehicle_id
        bad = ChargeSchedule(
            ScheduleMode.SCHEDULED,
            (ChargeProgram(1, True, (DaySlot(time(1, 10), 20), None, None, None, None, None, None)),),
        )
        stack.sim.log.clear()
        with pytest.raises(InvalidInput) as caught:
            await stack.graph.actions.set_schedule(CHAT, vehicle_id, bad)
        assert "schedule.problem.start_not_on_quarter" in caught.value.reasons
        assert stack.sim.log.count("charge-set-schedule") == 0


async def test_users_commands_spend_the_same_hourly_budget_as_polling(tmp_path: Path) -> None:
    async with service_stack(tmp_path, GraphOptions(max_calls_per_hour=3)) as stack:
        result = await _linked(stack, "X102VE")
        vehicle_id = result.vehicles[0].vehicle_id
        first = await stack.graph.status.status(CHAT, vehicle_id, refresh=True)  # three Kamereon reads
        assert first.stale_reason is None
        stack.sim.log.clear()
        second = await stack.graph.status.status(CHAT, vehicle_id, refresh=True)
        assert second.stale_reason == "quota"
        assert stack.sim.log.count("battery-status") == 0
        stack.clock.advance(hours=1, minutes=1)
        third = await stack.graph.status.status(CHAT, vehicle_id, refresh=True)
        assert third.stale_reason is None


async def test_a_recent_status_reads_only_what_the_card_shows(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        await _linked(stack)
        await stack.graph.status.status(CHAT)
        stack.clock.advance(seconds=30)
        with recorded(stack.db) as seen:
            await stack.graph.status.status(CHAT)
        # The chat's vehicles with its choice, then the stored state: no credentials read, nothing written.
        assert len(seen) == 2
        assert "FROM vehicle_states" in seen[1]
