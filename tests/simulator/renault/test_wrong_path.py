"""A client asking a path the backend does not know gets the gateway's 404, whatever the client's table says.

The simulator routes by its own table (bot/simulator/renault/routes.py), so a misspelt client definition is
caught here instead of being mirrored back as a success.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

import httpx
import pytest

from bot.renault.capabilities import ModelCapabilities
from bot.renault.client import RenaultClient
from bot.renault.errors import NotSupported
from bot.renault.gigya import LoginResult
from bot.renault.locales import LocaleOverrides
from bot.renault.vehicle import RenaultVehicle
from bot.simulator.renault import RenaultSimulator
from tests.support.clock import FakeClock

EMAIL = "owner@example.com"
OVERRIDES = LocaleOverrides(gigya_url="http://sim/gigya", kamereon_url="http://sim/kamereon")

Call = Callable[[RenaultVehicle], Awaitable[Any]]
_CASES: list[tuple[str, str, Call]] = [
    ("battery-status", "/kca/car-adapter/v2/cars/{vin}/battery-statuss", lambda v: v.battery_status()),
    ("cockpit", "/kca/car-adapter/v1/car/{vin}/cockpit", lambda v: v.cockpit()),
    ("hvac-start", "/kca/car-adapter/v1/cars/{vin}/actions/hvac-begin", lambda v: v.start_hvac(21)),
]


def _with_wrong_path(vehicle: RenaultVehicle, key: str, wrong_path: str) -> ModelCapabilities:
    """The vehicle's real capabilities, except that `key` points at a misspelt path."""
    caps = vehicle.capabilities
    right = caps.route(key)
    assert right is not None
    routes = {**caps.routes, key: replace(right, path=wrong_path)}
    return replace(caps, routes=routes)


@pytest.mark.parametrize(("key", "wrong_path", "call"), _CASES, ids=[case[0] for case in _CASES])
async def test_a_misspelt_client_path_gets_the_gateway_404_and_is_not_supported(
    key: str, wrong_path: str, call: Call
) -> None:
    clock = FakeClock()
    sim = RenaultSimulator(clock)
    sim.add_vehicle(sim.add_account(EMAIL, "pw"), "X102VE", battery_level=55)
    async with httpx.AsyncClient(transport=sim.transport()) as http:
        client = RenaultClient(http, overrides=OVERRIDES, clock=clock.timestamp)
        result = await client.login("fr_FR", EMAIL, "pw")
        assert isinstance(result, LoginResult)
        account = client.account(result.credentials, "acc-1")
        (description,) = await account.vehicles()
        vehicle = account.vehicle(description.account_id, description.vin, description.model_code)
        await call(vehicle)  # the right path works
        vehicle.capabilities = _with_wrong_path(vehicle, key, wrong_path)
        with pytest.raises(NotSupported) as raised:
            await call(vehicle)
    last = sim.log.records[-1]
    assert last.path.endswith(wrong_path.format(vin=vehicle.vin))
    assert (last.endpoint, last.status) == ("unknown", 404)
    assert raised.value.code == "err.func.wired.not-found"
    assert raised.value.endpoint == key
    assert key in vehicle.learned_unsupported  # the client stops asking, as for any unsupported endpoint
