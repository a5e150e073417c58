"""The project's own Renault client (bot.renault) parses everything the simulator answers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

import httpx
import pytest

from bot.renault.capabilities import MODEL_CODES
from bot.renault.client import RenaultClient
from bot.renault.gigya import LoginResult, TwoFactorChallenge
from bot.renault.locales import LocaleOverrides
from bot.renault.models import RenaultChargeMode
from bot.renault.vehicle import RenaultVehicle
from bot.simulator.renault import RenaultSimulator
from tests.support.clock import FakeClock

EMAIL = "owner@example.com"
OVERRIDES = LocaleOverrides(gigya_url="http://sim/gigya", kamereon_url="http://sim/kamereon")

_READS: dict[str, Callable[[RenaultVehicle], Awaitable[Any]]] = {
    "battery-status": lambda v: v.battery_status(),
    "cockpit": lambda v: v.cockpit(),
    "hvac-status": lambda v: v.hvac_status(),
    "location": lambda v: v.location(),
    "charge-mode": lambda v: v.charge_mode(),
    "charge-schedule": lambda v: v.charge_schedule(),
    "charging-settings": lambda v: v.charging_settings(),
    "soc-levels": lambda v: v.soc_levels(),
    "hvac-settings": lambda v: v.hvac_settings(),
    "lock-status": lambda v: v.lock_status(),
    "pressure": lambda v: v.pressure(),
    "res-state": lambda v: v.res_state(),
    "notification-settings": lambda v: v.notification_settings(),
    "charges": lambda v: v.charges(date(2026, 11, 1), date(2026, 11, 2)),
    "charge-history": lambda v: v.charge_history(date(2026, 10, 1), date(2026, 11, 2)),
    "hvac-sessions": lambda v: v.hvac_sessions(date(2026, 11, 1), date(2026, 11, 2)),
    "hvac-history": lambda v: v.hvac_history(date(2026, 10, 1), date(2026, 11, 2)),
    "alerts": lambda v: v.alerts(),
}


async def _logged_in_vehicle(
    sim: RenaultSimulator, clock: FakeClock, http: httpx.AsyncClient
) -> RenaultVehicle:
    client = RenaultClient(http, overrides=OVERRIDES, clock=clock.timestamp)
    result = await client.login("fr_FR", EMAIL, "pw")
    assert isinstance(result, LoginResult)
    account = client.account(result.credentials, "acc-1")
    (description,) = await account.vehicles()
    return account.vehicle(description.account_id, description.vin, description.model_code)


@pytest.mark.parametrize("model", MODEL_CODES)
async def test_every_supported_read_parses_through_the_client(model: str) -> None:
    clock = FakeClock()
    sim = RenaultSimulator(clock)
    sim.add_vehicle(sim.add_account(EMAIL, "pw"), model, plugged=True, charging=True, battery_level=40)
    clock.advance(minutes=20)
    async with httpx.AsyncClient(transport=sim.transport()) as http:
        vehicle = await _logged_in_vehicle(sim, clock, http)
        parsed = {key: await read(vehicle) for key, read in _READS.items() if vehicle.supports(key)}
    assert parsed, f"{model} supports none of the reads"
    assert {key for key, value in parsed.items() if value is None} == set()
    # Each value was parsed from one answer of the simulator, not made up by the client.
    assert {key: sim.log.count(key=key) for key in parsed} == dict.fromkeys(parsed, 1)


async def test_battery_status_values_survive_the_round_trip() -> None:
    clock = FakeClock()
    sim = RenaultSimulator(clock)
    car = sim.add_vehicle(
        sim.add_account(EMAIL, "pw"), "X101VE", plugged=True, charging=True, battery_level=40
    )
    async with httpx.AsyncClient(transport=sim.transport()) as http:
        vehicle = await _logged_in_vehicle(sim, clock, http)
        status = await vehicle.battery_status()
    assert vehicle.vin == car.vin
    assert status.battery_level == 40
    assert status.charging_power_kw == pytest.approx(car.power_kw)  # W on the wire, kW after parsing


@pytest.mark.parametrize("model", ["X101VE", "X102VE", "XBG1VE", "XCB1VE", "R5E1VE"])
async def test_client_charge_start_reaches_the_simulated_car(model: str) -> None:
    clock = FakeClock()
    sim = RenaultSimulator(clock)
    car = sim.add_vehicle(sim.add_account(EMAIL, "pw"), model, plugged=True, battery_level=40)
    async with httpx.AsyncClient(transport=sim.transport()) as http:
        vehicle = await _logged_in_vehicle(sim, clock, http)
        await vehicle.start_charge()
        assert sim.car(car.vin).charging
        if vehicle.supports("charge-stop"):
            await vehicle.stop_charge()
            assert not sim.car(car.vin).charging
        await vehicle.start_hvac(21.0)
        assert sim.car(car.vin).hvac_on
        if vehicle.supports("charge-set-mode"):
            await vehicle.set_charge_mode(RenaultChargeMode.SCHEDULED)
            assert sim.car(car.vin).charge_mode == "scheduled"


async def test_client_two_factor_login_against_the_simulator() -> None:
    clock = FakeClock()
    sim = RenaultSimulator(clock)
    sim.add_account(EMAIL, "pw", two_factor=True)
    async with httpx.AsyncClient(transport=sim.transport()) as http:
        client = RenaultClient(http, overrides=OVERRIDES, clock=clock.timestamp)
        challenge = await client.login("fr_FR", EMAIL, "pw")
        assert isinstance(challenge, TwoFactorChallenge)
        result = await client.complete_two_factor(challenge, sim.last_two_factor_code(EMAIL))
        again = await client.login("fr_FR", EMAIL, "pw", device=result.credentials.device)
    assert isinstance(result, LoginResult)
    assert isinstance(again, LoginResult)
