"""Car physics on the fake clock, advanced lazily when the car is read."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.simulator.renault import RenaultSimulator
from bot.simulator.renault.car import HVAC_RUN
from tests.simulator.renault.helpers import client, login
from tests.support.clock import FakeClock

EMAIL = "owner@example.com"


def _sim(clock: FakeClock, model: str = "R5E1VE", **state: Any) -> tuple[RenaultSimulator, str]:
    sim = RenaultSimulator(clock)
    account = sim.add_account(EMAIL, "pw")
    car = sim.add_vehicle(account, model, **state)
    return sim, car.vin


def test_level_rises_at_the_charge_power_over_capacity() -> None:
    clock = FakeClock()
    sim, vin = _sim(clock, battery_level=50.0, charge_power_kw=10.4)  # R5: 52 kWh usable
    sim.car(vin).plug(clock())
    clock.advance(hours=1)
    car = sim.car(vin)
    assert car.charging
    assert car.level == 70  # 10.4 kWh / 52 kWh = 20 %
    assert car.range_km == round(410 * 0.70)
    assert car.reported_at == clock()


def test_charging_stops_at_the_soc_target_and_reports_that_moment() -> None:
    clock = FakeClock()
    sim, vin = _sim(clock, battery_level=70.0, charge_power_kw=10.4, soc_target=80)
    start = clock()
    sim.car(vin).plug(start)
    clock.advance(hours=5)
    car = sim.car(vin)
    assert not car.charging
    assert car.charge_ended
    assert car.level == 80
    assert car.reported_at == start + timedelta(minutes=30)  # 5.2 kWh at 10.4 kW
    assert car.sessions[-1].end_level == 80


def test_charging_stops_at_100_percent() -> None:
    clock = FakeClock()
    sim, vin = _sim(clock, battery_level=95.0)
    sim.car(vin).plug(clock())
    clock.advance(hours=10)
    assert sim.car(vin).level == 100
    assert not sim.car(vin).charging


def test_scheduled_mode_waits_instead_of_charging_on_plug() -> None:
    clock = FakeClock()
    sim, vin = _sim(clock, charge_mode="scheduled")
    sim.car(vin).plug(clock())
    assert not sim.car(vin).charging


def test_hvac_runs_a_few_minutes_then_stops() -> None:
    clock = FakeClock()
    sim, vin = _sim(clock)
    sim.car(vin).start_hvac(clock(), 21.0)
    clock.advance(seconds=HVAC_RUN.total_seconds() - 1)
    assert sim.car(vin).hvac_on
    clock.advance(seconds=2)
    assert not sim.car(vin).hvac_on


def test_unplugging_ends_the_charge_and_records_a_session() -> None:
    clock = FakeClock()
    sim, vin = _sim(clock, battery_level=20.0)
    sim.car(vin).plug(clock())
    clock.advance(minutes=30)
    sim.car(vin).unplug(clock())
    car = sim.car(vin)
    assert not car.plugged
    assert not car.charging
    assert len(car.sessions) == 1
    assert car.sessions[0].end_level > 20


def test_moving_uses_energy_and_updates_location() -> None:
    clock = FakeClock()
    sim, vin = _sim(clock, battery_level=50.0)
    clock.advance(minutes=5)
    sim.car(vin).move(clock(), 45.0, 5.0, km=41.0)
    car = sim.car(vin)
    assert (car.latitude, car.longitude) == (45.0, 5.0)
    assert car.level == 40  # 41 km of a 410 km range
    assert car.location_at == clock()


async def test_battery_status_reflects_physics_over_the_wire() -> None:
    clock = FakeClock()
    sim, vin = _sim(clock, model="X101VE", battery_level=50.0, charge_power_kw=4.1)
    sim.car(vin).plug(clock())
    clock.advance(hours=1)
    async with client(sim) as http:
        session = await login(http, EMAIL, "pw")
        attrs = (await session.get(f"/kca/car-adapter/v2/cars/{vin}/battery-status")).json()["data"][
            "attributes"
        ]
    assert attrs["batteryLevel"] == 60
    assert attrs["plugStatus"] == 1
    assert attrs["chargingStatus"] == 1.0
    assert attrs["chargingInstantaneousPower"] == 4100.0  # Zoe phase 1 reports watts
    assert attrs["timestamp"] == "2026-11-02T09:00:00Z"
    assert attrs["chargingRemainingTime"] == 240  # 40 % of 41 kWh at 4.1 kW = 4 h


async def test_unplugged_zoe_40_reports_minus_one_and_newer_cars_zero() -> None:
    clock = FakeClock()
    sim = RenaultSimulator(clock)
    account = sim.add_account(EMAIL, "pw")
    zoe = sim.add_vehicle(account, "X101VE")
    r5 = sim.add_vehicle(account, "R5E1VE")
    async with client(sim) as http:
        session = await login(http, EMAIL, "pw")
        zoe_body = (await session.get(f"/kca/car-adapter/v2/cars/{zoe.vin}/battery-status")).json()
        r5_body = (await session.get(f"/kca/car-adapter/v2/cars/{r5.vin}/battery-status")).json()
    assert zoe_body["data"]["attributes"]["chargingStatus"] == -1.0
    assert zoe_body["data"]["type"] == "Car"
    assert r5_body["data"]["attributes"]["chargingStatus"] == 0.0
    assert "type" not in r5_body["data"]  # newer cars omit it


def test_scheduled_mode_charges_inside_the_window_only() -> None:
    clock = FakeClock()  # Monday 2026-11-02 08:00 UTC
    slot = {"id": 1, "activated": True, "monday": {"startTime": "T22:00Z", "duration": 120}}
    sim, vin = _sim(clock, battery_level=20.0, charge_mode="scheduled", schedules=[slot], charge_power_kw=5.2)
    sim.plug(vin)
    clock.advance(hours=13)  # 21:00
    assert not sim.car(vin).charging
    clock.advance(hours=2)  # 23:00, one hour into the window
    car = sim.car(vin)
    assert car.charging
    assert car.level == 30  # 5.2 kWh of 52 kWh
    clock.advance(hours=2)  # 01:00, the window ended at 00:00
    car = sim.car(vin)
    assert not car.charging
    assert car.level == 40
    assert car.sessions[-1].ended_at.hour == 0


def test_simulator_helpers_act_at_the_current_time() -> None:
    clock = FakeClock()
    sim, vin = _sim(clock, battery_level=50.0)
    sim.plug(vin)
    assert sim.car(vin).charging
    sim.unplug(vin)
    assert not sim.car(vin).plugged
    sim.set_level(vin, 12)
    assert sim.car(vin).level == 12
    clock.advance(minutes=1)
    sim.move(vin, 43.3, 5.4)
    assert sim.car(vin).location_at == clock()
