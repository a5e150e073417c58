"""The simulated R5 takes charge programs through POST ev/settings and charges in their windows."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest

from bot.simulator.renault import RenaultSimulator, SimCar
from bot.simulator.renault.car import kcm_windows
from tests.simulator.renault.helpers import Session, client, login
from tests.support.clock import FakeClock

EMAIL = "owner@example.com"
KCM_SETTINGS = "/kcm/v1/vehicles/{vin}/ev/settings"
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass
class World:
    """A simulator (clock at Monday 08:00 UTC) with one logged-in session and a plugged R5 at 30 %."""

    clock: FakeClock
    sim: RenaultSimulator
    session: Session
    car: SimCar

    @property
    def path(self) -> str:
        """The car's ev/settings path."""
        return KCM_SETTINGS.format(vin=self.car.vin)


@pytest.fixture
async def world() -> AsyncIterator[World]:
    clock = FakeClock()
    sim = RenaultSimulator(clock)
    account = sim.add_account(EMAIL, "pw")
    car = sim.add_vehicle(account, "R5E1VE", plugged=True, battery_level=30.0)
    async with client(sim) as http:
        yield World(clock, sim, await login(http, EMAIL, "pw"), car)


def _program(departure: str, *days: str, active: bool = True, kind: str = "CHARGE") -> dict[str, Any]:
    return {
        "programActivationStatus": active,
        "programType": kind,
        "programDepartureTime": departure,
        **{f"programActivation{d}": d in days for d in DAYS},
    }


async def _write(world: World, **changes: Any) -> Any:
    settings = (await world.session.get(world.path)).json()
    return await world.session.post(world.path, {**settings, **changes})


async def test_an_active_program_is_stored_and_puts_the_car_in_scheduled_mode(world: World) -> None:
    programs = [_program("06:00", "Tuesday")]
    answer = await _write(
        world, chargeModeRq="SCHEDULED", chargeTimeStart="04:00", chargeDuration=120, programs=programs
    )

    assert answer.json() == {"chargeModeRq": "SCHEDULED", "programs": programs}
    stored = (await world.session.get(world.path)).json()
    assert (stored["chargeModeRq"], stored["chargeTimeStart"], stored["chargeDuration"]) == (
        "SCHEDULED",
        "04:00",
        120,
    )
    assert stored["programs"] == programs
    assert stored["preconditioningTemperature"] == 21.0  # untouched fields survive
    assert world.sim.car(world.car.vin).charge_mode == "scheduled"
    assert not world.sim.car(world.car.vin).charging


async def test_the_car_charges_only_inside_the_program_window(world: World) -> None:
    await _write(
        world,
        chargeModeRq="SCHEDULED",
        chargeTimeStart="04:00",
        chargeDuration=120,
        programs=[_program("06:00", "Tuesday")],
    )
    world.clock.advance(hours=19, minutes=59)  # Tuesday 03:59 UTC
    assert not world.sim.car(world.car.vin).charging
    world.clock.advance(minutes=2)
    assert world.sim.car(world.car.vin).charging
    world.clock.advance(hours=2)  # Tuesday 06:01
    car = world.sim.car(world.car.vin)
    assert not car.charging
    assert car.sessions[-1].started_at.hour == 4
    assert car.sessions[-1].ended_at.hour == 6


async def test_writing_no_active_program_back_charges_now(world: World) -> None:
    await _write(world, chargeModeRq="SCHEDULED", programs=[_program("06:00", "Tuesday")])
    answer = await _write(world, chargeModeRq="ALWAYS", programs=[])
    assert answer.json() == {"chargeModeRq": "ALWAYS", "programs": []}
    assert world.sim.car(world.car.vin).charging


@pytest.mark.parametrize(
    "changes",
    [
        {"programs": [_program("6:00", "Tuesday")]},
        {"programs": [{**_program("06:00", "Tuesday"), "programType": "BOOST"}]},
        {"chargeTimeStart": "25:00", "programs": []},
        {"chargeDuration": 0, "programs": []},
        {"chargeModeRq": "DELAYED", "programs": []},
    ],
)
async def test_a_malformed_write_is_refused_and_changes_nothing(
    world: World, changes: dict[str, Any]
) -> None:
    before = dict(world.sim.car(world.car.vin).ev_settings)
    answer = await _write(world, **changes)
    assert answer.status_code == 400
    assert world.sim.car(world.car.vin).ev_settings == before


def test_windows_end_at_departure_and_may_start_the_day_before() -> None:
    settings = {
        "chargeModeRq": "SCHEDULED",
        "chargeDuration": 180,
        "programs": [
            _program("01:00", "Tuesday", "Sunday"),
            _program("08:00", "Monday", kind="PRECONDITIONING"),  # warms the cabin, never charges
            _program("09:00", "Monday", active=False),
        ],
    }
    assert kcm_windows(settings) == [
        {
            "id": 1,
            "activated": True,
            "monday": {"startTime": "T22:00Z", "duration": 180},
            "saturday": {"startTime": "T22:00Z", "duration": 180},
        }
    ]
    assert kcm_windows({**settings, "chargeModeRq": "ALWAYS"}) == []
