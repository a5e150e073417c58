"""Serving Gigya and Kamereon from one loopback port, prefixed or not; the CLI builds the same thing."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx

from bot.simulator.__main__ import build_simulator, control, parse_args
from bot.simulator.http_server import LoopbackServer
from bot.simulator.renault import KAMEREON_API_KEY, RenaultSimulator
from bot.simulator.renault.faults import RequestRecord
from tests.simulator.renault.helpers import GIGYA_KEY
from tests.support.clock import FakeClock

EMAIL = "owner@example.com"


async def test_prefixed_gigya_and_kamereon_over_loopback() -> None:
    sim = RenaultSimulator(FakeClock())
    account = sim.add_account(EMAIL, "pw")
    car = sim.add_vehicle(account, "XBG1VE", battery_level=42)
    async with LoopbackServer(sim.handle) as server, httpx.AsyncClient() as http:
        gigya = f"{server.url}/gigya"
        login = await http.post(
            f"{gigya}/accounts.login", data={"ApiKey": GIGYA_KEY, "loginID": EMAIL, "password": "pw"}
        )
        token = login.json()["sessionInfo"]["cookieValue"]
        jwt = await http.post(
            f"{gigya}/accounts.getJWT",
            data={"ApiKey": GIGYA_KEY, "login_token": token, "fields": "data.personId,data.gigyaDataCenter"},
        )
        headers = {"apikey": KAMEREON_API_KEY, "x-gigya-id_token": jwt.json()["id_token"]}
        battery = await http.get(
            f"{server.url}/kamereon/commerce/v1/accounts/{account.account_id}/kamereon"
            f"/kca/car-adapter/v2/cars/{car.vin}/battery-status",
            params={"country": "FR"},
            headers=headers,
        )
        unprefixed = await http.get(
            f"{server.url}/commerce/v1/accounts/{account.account_id}/vehicles",
            params={"country": "FR"},
            headers=headers,
        )
    assert battery.json()["data"]["attributes"]["batteryLevel"] == 42
    assert unprefixed.json()["vehicleLinks"][0]["vin"] == car.vin


def test_cli_options_populate_accounts_and_vehicles() -> None:
    options = parse_args(["--port", "0", "--latency-ms", "100", "--accounts", "3", "--model", "X102VE"])
    sim = build_simulator(options)
    assert options.port == 0
    assert sim.latency_s == 0.1
    assert sim.account("user3@example.com").vehicles[0].model_code == "X102VE"
    assert len(sim.store.cars) == 3


def test_ten_thousand_accounts_and_vehicles_are_cheap() -> None:
    sim = RenaultSimulator(FakeClock(), keep_records=1000)
    for i in range(10_000):
        sim.add_vehicle(sim.add_account(f"user{i}@example.com", "pw"), "R5E1VE")
    assert len(sim.store.cars) == 10_000
    assert sim.account("user9999@example.com").vehicles[0].vin in sim.store.cars


async def test_latency_can_be_changed_through_the_control_path() -> None:
    sim = build_simulator(parse_args(["--accounts", "1"]))
    handler = control(sim)
    set_latency = await handler(httpx.Request("POST", "http://sim/_sim/latency?ms=250"))
    refused = await handler(httpx.Request("POST", "http://sim/_sim/latency?ms=slow"))
    assert set_latency.status_code == 204
    assert sim.latency_s == 0.25
    assert refused.status_code == 400


async def test_request_counters_can_be_read_through_the_control_path() -> None:
    sim = build_simulator(parse_args(["--accounts", "1", "--model", "X102VE"]))
    handler = control(sim)
    before = (await handler(httpx.Request("GET", "http://sim/_sim/requests"))).json()
    vin = sim.account("user1@example.com").vehicles[0].vin
    sim.log.add(RequestRecord("GET", "/battery-status", "battery-status", datetime.now(UTC), 200, vin=vin))
    after = (await handler(httpx.Request("GET", "http://sim/_sim/requests"))).json()
    assert before == {"total": 0, "by_key": {}, "by_vin": {}}
    assert after == {"total": 1, "by_key": {"battery-status": 1}, "by_vin": {vin: 1}}
