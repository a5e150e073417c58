"""Quick end-to-end smoke: log in and read a battery."""

from __future__ import annotations

from bot.simulator.renault import RenaultSimulator
from tests.simulator.renault.helpers import client, login
from tests.support.clock import FakeClock


async def test_login_and_battery_status() -> None:
    clock = FakeClock()
    sim = RenaultSimulator(clock)
    account = sim.add_account("a@example.com", "pw")
    car = sim.add_vehicle(account, "R5E1VE", battery_level=50)
    async with client(sim) as http:
        s = await login(http, "a@example.com", "pw")
        r = await s.get(f"/kca/car-adapter/v2/cars/{car.vin}/battery-status")
    assert r.status_code == 200, r.text
    assert r.json()["data"]["attributes"]["batteryLevel"] == 50
