"""Scenarios on a fake clock: real use cases, the Renault simulator and SQLite, driven by the poller tick."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.app.graph import Graph, GraphOptions
from bot.features.linking.ports import LinkResult
from bot.features.polling.jobs import PollerSettings
from bot.simulator.renault.faults import RenaultFault
from tests.support.fakes import RecordingNotifier
from tests.support.stack import Stack, service_stack

pytestmark = pytest.mark.slow  # measured: most of its tests take over a second

CHAT = 4242
EMAIL, PASSWORD = "owner@example.com", "s3cret-pass"


@dataclass
class Scenario:
    stack: Stack
    notifier: RecordingNotifier
    vin: str

    @property
    def parts(self) -> Graph:
        """The graph the scenario runs on (rebuilt by `restart`)."""
        return self.stack.graph

    async def run(self, minutes: float, step: float = 1.0) -> None:
        """Advance the clock minute by minute, ticking the poller like the JobQueue would."""
        elapsed = 0.0
        while elapsed < minutes:
            self.stack.clock.advance(minutes=step)
            elapsed += step
            await self.parts.poller.tick()

    def restart(self, max_calls: int = 60) -> None:
        """A new process on the same database and simulator (the outbox and states survive)."""
        self.stack.rebuilt(_options(max_calls))


@asynccontextmanager
async def scenario(tmp_path: Path, model: str = "X102VE", max_calls: int = 60) -> AsyncIterator[Scenario]:
    async with service_stack(tmp_path, _options(max_calls)) as stack:
        account = stack.sim.add_account(EMAIL, PASSWORD)
        vin = stack.sim.add_vehicle(account, model, battery_level=40).vin
        linked = await stack.graph.linking.begin(CHAT, "fr_FR", EMAIL, PASSWORD)
        assert isinstance(linked, LinkResult)
        yield Scenario(stack, stack.notifier, vin)


def _options(max_calls: int) -> GraphOptions:
    return GraphOptions(max_calls_per_hour=max_calls, poller=PollerSettings(tick_seconds=60))


@pytest.mark.parametrize("model", ["X101VE", "X102VE", "XBG1VE", "XCB1VE", "R5E1VE"])
async def test_full_charge_cycle_is_notified_once_per_step(tmp_path: Path, model: str) -> None:
    async with scenario(tmp_path, model) as s:
        await s.run(30)  # first readings only initialise
        assert s.notifier.sent == []
        s.stack.sim.plug(s.vin)
        await s.run(40)
        assert s.notifier.kinds(CHAT)[:2] == ["plugged", "charge_started"]
        await s.run(24 * 60, step=5)
        s.stack.sim.unplug(s.vin)
        await s.run(60, step=5)
        kinds = s.notifier.kinds(CHAT)
        assert kinds.count("charge_complete") == 1
        assert kinds.count("charge_started") == 1
        assert kinds[-1] == "unplugged"
        view = await s.parts.history.overview(CHAT)
        assert view.sessions
        assert view.sessions[0].end_level is not None
        assert view.sessions[0].end_level >= 99


async def test_restart_in_the_middle_of_a_charge_sends_no_duplicate(tmp_path: Path) -> None:
    async with scenario(tmp_path) as s:
        await s.run(30)
        s.stack.sim.plug(s.vin)
        await s.run(30)
        s.restart()
        await s.run(24 * 60, step=5)
        kinds = s.notifier.kinds(CHAT)
        assert kinds.count("plugged") == 1
        assert kinds.count("charge_started") == 1
        assert kinds.count("charge_complete") == 1


async def test_outage_then_recovery_sends_no_duplicate_charge_ping(tmp_path: Path) -> None:
    async with scenario(tmp_path) as s:
        await s.run(30)
        s.stack.sim.plug(s.vin)
        s.stack.sim.inject(RenaultFault.HTTP_500, times=None)
        await s.run(120, step=5)
        kinds_during = s.notifier.kinds(CHAT)
        assert "charge_started" not in kinds_during
        s.stack.sim.clear_faults()
        await s.run(60, step=5)
        kinds = s.notifier.kinds(CHAT)
        assert kinds.count("service_status") == 2  # unreachable, then recovered
        assert kinds.count("plugged") == 1
        others = [k for k in kinds if k != "service_status"]
        assert len(others) == len(set(others))
        # Another poll after recovery repeats nothing.
        await s.run(60, step=5)
        assert s.notifier.kinds(CHAT) == kinds


async def test_calls_stay_within_the_hourly_budget_over_a_simulated_day(tmp_path: Path) -> None:
    async with scenario(tmp_path, max_calls=20) as s:
        s.stack.sim.plug(s.vin)
        per_hour: list[int] = []
        for _ in range(24):
            before = s.stack.sim.log.total
            await s.run(60)
            per_hour.append(s.stack.sim.log.total - before)
        kamereon = s.stack.sim.log.count(key="battery-status") + s.stack.sim.log.count(key="cockpit")
        assert max(per_hour) <= 20 + 2  # token/JWT calls are not Kamereon data calls
        assert kamereon <= 24 * 20
        assert kamereon >= 24 * 5  # and it still polls


async def test_user_action_costs_from_the_same_budget_and_quota_cools_down(tmp_path: Path) -> None:
    async with scenario(tmp_path) as s:
        await s.run(5)
        s.stack.sim.inject(RenaultFault.QUOTA, times=1)
        before = s.stack.sim.log.total
        await s.run(10)
        assert s.stack.sim.log.total - before <= 1  # the quota error, then nothing for 15 minutes
        await s.run(30)
        assert s.stack.sim.log.total - before > 1
