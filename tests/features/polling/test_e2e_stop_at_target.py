"""Stop at target: the poll that sees the virtual limit reached stops the charge once (simulator)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.domain.preferences import NotificationPreferences
from bot.simulator.renault.faults import RequestRecord
from tests.features.polling.test_e2e_scenarios import CHAT, Scenario, scenario

pytestmark = pytest.mark.slow  # measured: most of its tests take over a second


async def test_target_reached_with_stop_charge_stops_the_charge_once(tmp_path: Path) -> None:
    async with scenario(tmp_path, "X102VE", max_calls=0) as s:
        (vehicle,) = await s.stack.graph.stores.vehicles.vehicles_for_chat(CHAT)
        prefs = NotificationPreferences(target_level=60, stop_at_target=True)
        await s.stack.graph.stores.preferences.save(CHAT, vehicle.vehicle_id, prefs)
        await s.run(10)
        s.stack.sim.plug(s.vin)
        await s.run(6 * 60, step=5)

        assert s.notifier.kinds(CHAT).count("target_reached") == 1
        assert [r.endpoint for r in _car_commands(s)] == ["charge-stop/kcm-pause-resume"]
        car = s.stack.sim.car(s.vin)
        assert not car.charging
        assert car.battery_level < 100


async def test_target_reached_without_stop_charge_sends_nothing_to_the_car(tmp_path: Path) -> None:
    async with scenario(tmp_path, "X102VE", max_calls=0) as s:
        (vehicle,) = await s.stack.graph.stores.vehicles.vehicles_for_chat(CHAT)
        prefs = NotificationPreferences(target_level=60, stop_at_target=False)
        await s.stack.graph.stores.preferences.save(CHAT, vehicle.vehicle_id, prefs)
        await s.run(10)
        s.stack.sim.plug(s.vin)
        await s.run(6 * 60, step=5)

        assert s.notifier.kinds(CHAT).count("target_reached") == 1
        assert _car_commands(s) == []
        assert s.stack.sim.car(s.vin).battery_level > 60  # the car charged on past the virtual limit


def _car_commands(s: Scenario) -> list[RequestRecord]:
    """Kamereon commands the car received (Gigya's POSTs are logins, not commands)."""
    return [r for r in s.stack.sim.log.records if r.method == "POST" and "/kamereon/" in r.path]
