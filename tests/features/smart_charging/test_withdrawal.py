"""A member who may no longer control the car (removed, left, made a viewer) has nothing acting on it in their
name: their plans are withdrawn at once, and the executor re-checks the right before every switch.

The real graph (SharingService wired to the smart-charging control), the Renault simulator, SQLite."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.domain.vehicle import Role
from bot.features.smart_charging.events import SmartChargeSwitched, SmartPlanWithdrawn, Withdrawal
from bot.features.smart_charging.logic.schedule import SmartGoalSetting
from bot.features.smart_charging.store import SqlSmartChargeStore
from bot.features.smart_charging.use_cases.control import SmartChargeControl
from bot.simulator.renault import RenaultFault
from tests.features.smart_charging.test_control import CHAT, EVENING, OWN_SCHEDULE, Smart, _plan, smart_stack

pytestmark = pytest.mark.slow  # measured: most of its tests take over a second

DRIVER = 2002


async def _driver(smart: Smart) -> int:
    """Link DRIVER to the owner's account as a driver; returns the account id."""
    stores = smart.stack.graph.stores
    await stores.chats.ensure(DRIVER, "en")
    account_id = (await stores.accounts.accounts_for_chat(CHAT))[0].account_id
    await stores.accounts.link_chat(DRIVER, account_id, Role.DRIVER)
    return account_id


async def _drivers_plan(smart: Smart, can_schedule: bool) -> None:
    plan = await _plan(smart, can_schedule)
    await smart.control.propose(DRIVER, smart.vehicle_id, plan, 80, EVENING + timedelta(hours=13))
    await smart.control.confirm(DRIVER, smart.vehicle_id)
    goal = SmartGoalSetting(DRIVER, smart.vehicle_id, 80, EVENING.time(), daily=True)
    await SqlSmartChargeStore(smart.stack.graph.stores.db).save_goal(goal)


def _withdrawn(smart: Smart) -> list[tuple[int, Withdrawal]]:
    return [(chat, e.outcome) for chat, e in smart.stack.notifier.sent if isinstance(e, SmartPlanWithdrawn)]


async def test_removing_a_driver_restores_the_owners_schedule_and_drops_their_daily_goal(
    tmp_path: Path,
) -> None:
    async with smart_stack(tmp_path) as smart:
        await _driver(smart)
        await _drivers_plan(smart, can_schedule=True)
        assert smart.stack.sim.car(smart.vin).schedules != OWN_SCHEDULE
        store = SqlSmartChargeStore(smart.stack.graph.stores.db)

        await smart.stack.graph.sharing.remove(CHAT, DRIVER)

        assert smart.stack.sim.car(smart.vin).schedules == OWN_SCHEDULE
        assert await store.state(smart.vehicle_id) is None
        assert await store.goal(DRIVER, smart.vehicle_id) is None
        assert await store.daily_goals() == []
        assert _withdrawn(smart) == [(CHAT, Withdrawal.RESTORED)]


async def test_making_a_driver_a_viewer_stops_the_charge_their_plan_started(tmp_path: Path) -> None:
    async with smart_stack(tmp_path, plugged=True) as smart:
        await _driver(smart)
        await _drivers_plan(smart, can_schedule=False)
        state = await SqlSmartChargeStore(smart.stack.graph.stores.db).state(smart.vehicle_id)
        assert state is not None
        assert state.active is not None
        smart.stack.clock.set(state.active.intervals[0].start)
        await smart.stack.graph.smart.run_due()
        assert smart.stack.sim.car(smart.vin).charging

        await smart.stack.graph.sharing.set_role(CHAT, DRIVER, Role.VIEWER)

        assert not smart.stack.sim.car(smart.vin).charging
        assert await SqlSmartChargeStore(smart.stack.graph.stores.db).armed() == []
        assert _withdrawn(smart) == [(CHAT, Withdrawal.RESTORED)]


async def test_a_plan_survives_a_role_change_that_keeps_the_command_right(tmp_path: Path) -> None:
    async with smart_stack(tmp_path) as smart:
        await _driver(smart)
        await _drivers_plan(smart, can_schedule=True)
        await smart.stack.graph.sharing.set_role(CHAT, DRIVER, Role.DRIVER)

        assert await SqlSmartChargeStore(smart.stack.graph.stores.db).state(smart.vehicle_id) is not None
        assert smart.stack.sim.car(smart.vin).schedules != OWN_SCHEDULE
        assert _withdrawn(smart) == []


async def test_the_executor_rechecks_the_right_and_never_switches_for_a_chat_that_lost_it(
    tmp_path: Path,
) -> None:
    async with smart_stack(tmp_path, plugged=True) as smart:
        account_id = await _driver(smart)
        await _drivers_plan(smart, can_schedule=False)
        store = SqlSmartChargeStore(smart.stack.graph.stores.db)
        state = await store.state(smart.vehicle_id)
        assert state is not None
        assert state.active is not None
        # The right goes without the sharing use case (another replica, a direct change): only the
        # executor's own check stands between the plan and the car.
        await smart.stack.graph.stores.members.set_role(account_id, DRIVER, Role.VIEWER)
        control = SmartChargeControl(
            smart.stack.graph.linking,
            smart.stack.graph.gateway,
            store,
            smart.stack.clock,
            accounts=smart.stack.graph.stores.accounts,
        )
        smart.stack.clock.set(state.active.intervals[0].start)

        told = await control.run_due()

        assert not smart.stack.sim.car(smart.vin).charging
        assert smart.stack.sim.log.count(key="charge-start") == 0
        assert await store.state(smart.vehicle_id) is None
        assert [(chat, type(e)) for chat, e in told] == [(CHAT, SmartPlanWithdrawn)]
        assert not any(isinstance(e, SmartChargeSwitched) for _, e in told)


async def test_the_executor_tells_the_owner_through_the_outbox_when_it_drops_a_plan(tmp_path: Path) -> None:
    async with smart_stack(tmp_path, plugged=True) as smart:
        account_id = await _driver(smart)
        await _drivers_plan(smart, can_schedule=False)
        state = await SqlSmartChargeStore(smart.stack.graph.stores.db).state(smart.vehicle_id)
        assert state is not None
        assert state.active is not None
        await smart.stack.graph.stores.members.set_role(account_id, DRIVER, Role.VIEWER)
        smart.stack.clock.set(state.active.intervals[0].start)

        report = await smart.stack.graph.smart.run_due()

        assert report.sent == 1
        assert _withdrawn(smart) == [(CHAT, Withdrawal.UNTOUCHED)]
        assert not smart.stack.sim.car(smart.vin).charging


async def test_when_the_car_cannot_be_put_back_the_owner_gets_the_plan_and_a_cancel_button(
    tmp_path: Path,
) -> None:
    async with smart_stack(tmp_path) as smart:
        await _driver(smart)
        await _drivers_plan(smart, can_schedule=True)
        smart.stack.sim.inject(RenaultFault.HTTP_500, times=None, endpoint="charge-set-schedule")

        await smart.stack.graph.sharing.remove(CHAT, DRIVER)

        store = SqlSmartChargeStore(smart.stack.graph.stores.db)
        kept = await store.state(smart.vehicle_id)
        assert kept is not None
        assert kept.chat_id == CHAT
        assert kept.previous is not None
        assert _withdrawn(smart) == [(CHAT, Withdrawal.NOT_RESTORED)]
        smart.stack.sim.clear_faults()
        assert await smart.stack.graph.smart.cancel(CHAT, smart.vehicle_id) is True
        assert smart.stack.sim.car(smart.vin).schedules == OWN_SCHEDULE
