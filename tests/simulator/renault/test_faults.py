"""Fault injection and the request log."""

from __future__ import annotations

import httpx
import pytest

from bot.simulator.http_server import LoopbackServer
from bot.simulator.renault import RenaultFault, RenaultSimulator
from tests.simulator.renault.helpers import client, login
from tests.support.clock import FakeClock

EMAIL = "owner@example.com"


@pytest.mark.parametrize(
    ("fault", "status", "code"),
    [
        (RenaultFault.HTTP_500, 500, "err.tech.wired.kamereon-proxy"),
        (RenaultFault.QUOTA, 429, "err.func.wired.overloaded"),
        (RenaultFault.FORBIDDEN, 403, "err.func.wired.forbidden"),
        (RenaultFault.PRIVACY, 409, "err.func.privacy.on"),
        (RenaultFault.UNAUTHORIZED, 401, "err.func.wired.unauthorized"),
    ],
)
async def test_error_faults_answer_a_kamereon_envelope_once(
    fault: RenaultFault, status: int, code: str
) -> None:
    sim = RenaultSimulator(FakeClock())
    car = sim.add_vehicle(sim.add_account(EMAIL, "pw"), "R5E1VE")
    sim.inject(fault, endpoint="battery-status")
    async with client(sim) as http:
        session = await login(http, EMAIL, "pw")
        path = f"/kca/car-adapter/v2/cars/{car.vin}/battery-status"
        failed = await session.get(path)
        healed = await session.get(path)
    assert failed.status_code == status
    assert failed.json()["errors"][0]["errorCode"] == code
    assert healed.status_code == 200


async def test_html_and_invalid_json_faults() -> None:
    sim = RenaultSimulator(FakeClock())
    car = sim.add_vehicle(sim.add_account(EMAIL, "pw"), "R5E1VE")
    sim.inject(RenaultFault.HTML_502, path_contains="/cockpit")
    sim.inject(RenaultFault.HTML_200, path_contains="/cockpit")
    sim.inject(RenaultFault.INVALID_JSON, path_contains="/cockpit")
    async with client(sim) as http:
        session = await login(http, EMAIL, "pw")
        path = f"/kca/car-adapter/v1/cars/{car.vin}/cockpit"
        html_502, html_200, broken = [await session.get(path) for _ in range(3)]
    assert html_502.status_code == 502
    assert html_502.text.startswith("<html>")
    assert html_200.status_code == 200
    assert html_200.text.startswith("<html>")
    assert broken.status_code == 200
    with pytest.raises(ValueError, match=r"."):
        broken.json()


async def test_dropped_connection_is_a_transport_error_over_loopback() -> None:
    sim = RenaultSimulator(FakeClock())
    sim.add_account(EMAIL, "pw")
    sim.inject(RenaultFault.DROP, endpoint="accounts.login")
    async with LoopbackServer(sim.handle) as server, httpx.AsyncClient() as http:
        with pytest.raises(httpx.TransportError):
            await http.post(f"{server.url}/gigya/accounts.login", data={"loginID": EMAIL})


async def test_rules_filter_by_vin_and_can_be_permanent() -> None:
    sim = RenaultSimulator(FakeClock())
    account = sim.add_account(EMAIL, "pw")
    broken = sim.add_vehicle(account, "R5E1VE")
    fine = sim.add_vehicle(account, "R5E1VE")
    sim.inject(RenaultFault.QUOTA, vin=broken.vin, times=None)
    async with client(sim) as http:
        session = await login(http, EMAIL, "pw")
        statuses = [
            (await session.get(f"/kca/car-adapter/v1/cars/{vin}/cockpit")).status_code
            for vin in (broken.vin, fine.vin, broken.vin)
        ]
        sim.clear_faults()
        after = await session.get(f"/kca/car-adapter/v1/cars/{broken.vin}/cockpit")
    assert statuses == [429, 200, 429]
    assert after.status_code == 200


async def test_slow_rule_with_zero_latency_answers_normally() -> None:
    sim = RenaultSimulator(FakeClock())
    sim.add_account(EMAIL, "pw")
    rule = sim.inject(RenaultFault.SLOW, endpoint="accounts.login", latency_s=0.0)
    async with client(sim) as http:
        session = await login(http, EMAIL, "pw")
    assert session.jwt
    assert rule.times == 0


async def test_request_log_records_endpoint_account_vin_time_and_counts() -> None:
    clock = FakeClock()
    sim = RenaultSimulator(clock)
    account = sim.add_account(EMAIL, "pw")
    car = sim.add_vehicle(account, "R5E1VE")
    async with client(sim) as http:
        session = await login(http, EMAIL, "pw")
        clock.advance(seconds=5)
        await session.get(f"/kca/car-adapter/v2/cars/{car.vin}/battery-status")
        await session.get(f"/kca/car-adapter/v2/cars/{car.vin}/battery-status")
        await session.get(f"/kca/car-adapter/v1/cars/{car.vin}/cockpit")
    assert sim.log.endpoints()[:4] == [
        "accounts.login",
        "accounts.getAccountInfo",
        "accounts.getJWT",
        "person",
    ]
    last = sim.log.records[-1]
    assert (last.method, last.endpoint, last.vin, last.account_id, last.status) == (
        "GET",
        "cockpit",
        car.vin,
        account.account_id,
        200,
    )
    assert last.at == clock()
    assert sim.log.count("battery-status") == 2
    assert sim.log.count(vin=car.vin) == 3
    assert sim.log.by_account[account.account_id] >= 3
    assert sim.log.total == 7
    assert EMAIL not in repr(sim.log.records)


async def test_request_log_marks_faulted_requests() -> None:
    sim = RenaultSimulator(FakeClock())
    sim.add_account(EMAIL, "pw")
    sim.inject(RenaultFault.HTTP_500, endpoint="accounts.getJWT")
    async with client(sim) as http:
        with pytest.raises(AssertionError):
            await login(http, EMAIL, "pw")  # the helper insists on HTTP 200 from Gigya
    faulted = [r for r in sim.log.records if r.fault is not None]
    assert [(r.endpoint, r.fault, r.status) for r in faulted] == [
        ("accounts.getJWT", RenaultFault.HTTP_500, 500)
    ]


async def test_per_account_quota_answers_overloaded_until_the_hour_slides() -> None:
    clock = FakeClock()
    sim = RenaultSimulator(clock, quota_per_hour=3)
    car = sim.add_vehicle(sim.add_account(EMAIL, "pw"), "R5E1VE")
    async with client(sim) as http:
        session = await login(http, EMAIL, "pw")  # its persons call is the first of the 3
        path = f"/kca/car-adapter/v1/cars/{car.vin}/cockpit"
        statuses = [(await session.get(path)).status_code for _ in range(4)]
        clock.advance(minutes=61)
        session = await login(http, EMAIL, "pw")
        after = await session.get(path)
    assert statuses == [200, 200, 429, 429]
    assert after.status_code == 200


async def test_dropped_connection_in_process_looks_like_a_transport_error_too() -> None:
    sim = RenaultSimulator(FakeClock())
    sim.inject(RenaultFault.DROP, endpoint="accounts.login")
    async with client(sim) as http:
        with pytest.raises(httpx.TransportError):
            await http.post("http://sim/gigya/accounts.login", data={"loginID": EMAIL})
