"""Every fixture (tests/fixtures/renault/<model>/<endpoint>.json) parses through the vehicle proxy."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.renault.client import RenaultClient
from bot.renault.credentials import RenaultCredentials
from bot.renault.models import BatteryStatus, ChargingStatus, PlugStatus
from bot.renault.parsing import enum_value
from tests.renault.fake_backend import FakeBackend

FIXTURES = Path(__file__).parent.parent / "fixtures" / "renault"
CASES = sorted((p.parent.name, p.stem) for p in FIXTURES.glob("*/*.json"))

_READERS = {
    "charges": lambda car: car.charges(date(2020, 10, 1), date(2020, 11, 15)),
    "charge-history": lambda car: car.charge_history(date(2020, 10, 1), date(2020, 11, 15)),
    "hvac-sessions": lambda car: car.hvac_sessions(date(2020, 10, 1), date(2020, 11, 15)),
    "hvac-history": lambda car: car.hvac_history(date(2020, 10, 1), date(2020, 11, 15)),
}


def test_fixtures_cover_the_required_models() -> None:
    models = {m for m, _ in CASES}
    assert {"X101VE", "X102VE", "X071VE", "XBG1VE", "XCB1VE", "R5E1VE", "XJB1SU"} <= models


@pytest.mark.parametrize(("model", "key"), CASES)
async def test_fixture_parses(
    client: RenaultClient, backend: FakeBackend, credentials: RenaultCredentials, model: str, key: str
) -> None:
    body = json.loads((FIXTURES / model / f"{key}.json").read_text())
    backend.routes[""] = lambda _: httpx.Response(200, json=body)
    car = client.account(credentials, "acc").vehicle("account-1", "VIN", model)
    assert car.supports(key)
    history_reader = _READERS.get(key)
    result: Any = await history_reader(car) if history_reader else await getattr(car, key.replace("-", "_"))()
    assert result is not None


async def test_zoe_40_power_in_watts_is_normalised_to_kw(
    client: RenaultClient, backend: FakeBackend, credentials: RenaultCredentials
) -> None:
    body = json.loads((FIXTURES / "X101VE" / "battery-status.json").read_text())
    backend.routes[""] = lambda _: httpx.Response(200, json=body)
    status = await client.account(credentials, "acc").vehicle("a", "VIN", "X101VE").battery_status()
    assert isinstance(status, BatteryStatus)
    assert status.charging_power_kw == pytest.approx(7.4)
    assert status.available_energy_kwh is None
    assert status.timestamp is not None
    assert status.timestamp.utcoffset() is not None
    assert status.timestamp.hour == 8  # +01:00 converted to UTC


async def test_unknown_enum_values_become_unknown(
    client: RenaultClient, backend: FakeBackend, credentials: RenaultCredentials
) -> None:
    body = {"data": {"attributes": {"plugStatus": 7, "chargingStatus": 0.5}}}
    backend.routes[""] = lambda _: httpx.Response(200, json=body)
    status = await client.account(credentials, "acc").vehicle("a", "VIN", "X102VE").battery_status()
    assert status.plug_status is PlugStatus.UNKNOWN
    assert status.charging_status is ChargingStatus.UNKNOWN


def test_wire_values_find_their_member_whatever_their_json_type() -> None:
    # JSON gives 1 or 1.0 for the same status; an unhashable value is simply unknown, never a crash.
    assert enum_value(ChargingStatus, 1, ChargingStatus.UNKNOWN, "chargingStatus") is ChargingStatus(1.0)
    assert enum_value(ChargingStatus, 1.0, ChargingStatus.UNKNOWN, "chargingStatus") is ChargingStatus(1.0)
    assert enum_value(PlugStatus, [1], PlugStatus.UNKNOWN, "plugStatus") is PlugStatus.UNKNOWN
    assert enum_value(PlugStatus, None, PlugStatus.UNKNOWN, "plugStatus") is PlugStatus.UNKNOWN
