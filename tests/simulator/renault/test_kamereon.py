"""Kamereon: header checks, commerce endpoints, every endpoint per model answered or refused per the table."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from bot.renault.capabilities import MODEL_CODES, capabilities_for
from bot.renault.endpoints import ALL_KEYS, ENDPOINTS, Method
from bot.simulator.renault import KAMEREON_API_KEY, RenaultSimulator
from bot.simulator.renault.reasons import refusal
from tests.simulator.renault.helpers import KAMEREON, Session, client, login
from tests.simulator.renault.requests import body_for, query_for
from tests.support.clock import FakeClock

EMAIL = "owner@example.com"
# charge-pause/resume send exactly the bytes of charge-stop/start via KCM pause-resume: one answer for both.
_SAME_WIRE_AS_ANOTHER_KEY = frozenset({"charge-pause", "charge-resume"})


async def _send(session: Session, definition: Any, vin: str) -> httpx.Response:
    path = definition.relative_path(vin)
    if definition.method is Method.GET:
        return await session.get(path, **query_for(definition))
    return await session.post(path, body_for(definition))


async def test_wrong_api_key_gets_the_gateway_403_not_a_kamereon_envelope() -> None:
    sim = RenaultSimulator(FakeClock())
    sim.add_account(EMAIL, "pw")
    async with client(sim) as http:
        session = await login(http, EMAIL, "pw")
        response = await http.get(
            f"{KAMEREON}/commerce/v1/persons/{session.person_id}",
            params={"country": "FR"},
            headers={**session.headers(), "apikey": "Ae9FDWugRxZQAGm3Sxgk7uJn6Q4CGEA2"},
        )
    assert response.status_code == 403
    assert response.json() == {"error": "access_denied", "error_description": "Unauthorized"}


async def test_missing_or_expired_jwt_is_err_func_wired_unauthorized() -> None:
    clock = FakeClock()
    sim = RenaultSimulator(clock)
    sim.add_account(EMAIL, "pw")
    async with client(sim) as http:
        session = await login(http, EMAIL, "pw")
        url = f"{KAMEREON}/commerce/v1/persons/{session.person_id}"
        fresh = await http.get(url, params={"country": "FR"}, headers=session.headers())
        missing = await http.get(url, params={"country": "FR"}, headers={"apikey": KAMEREON_API_KEY})
        clock.advance(901)
        expired = await http.get(url, params={"country": "FR"}, headers=session.headers())
    assert fresh.status_code == 200
    for response in (missing, expired):
        assert response.status_code == 401
        assert response.json()["errors"][0]["errorCode"] == "err.func.wired.unauthorized"


async def test_another_persons_account_is_access_denied() -> None:
    sim = RenaultSimulator(FakeClock())
    sim.add_account(EMAIL, "pw")
    other = sim.add_account("other@example.com", "pw")
    sim.add_vehicle(other, "R5E1VE")
    async with client(sim) as http:
        session = await login(http, EMAIL, "pw")
        response = await http.get(
            f"{KAMEREON}/commerce/v1/accounts/{other.account_id}/vehicles",
            params={"country": "FR"},
            headers=session.headers(),
        )
    assert response.status_code == 403
    assert response.json()["errors"][0]["errorCode"] == "err.func.403"


async def test_vehicles_and_details_list_model_code_and_plate() -> None:
    sim = RenaultSimulator(FakeClock())
    account = sim.add_account(EMAIL, "pw")
    car = sim.add_vehicle(account, "XBG1VE", vin="UU1AAAAA555777999", plate="AB-123-CD")
    async with client(sim) as http:
        session = await login(http, EMAIL, "pw")
        base = f"{KAMEREON}/commerce/v1/accounts/{session.account_id}/vehicles"
        vehicles = await http.get(base, params={"country": "FR"}, headers=session.headers())
        details = await http.get(
            f"{base}/{car.vin}/details", params={"country": "FR"}, headers=session.headers()
        )
    link = vehicles.json()["vehicleLinks"][0]
    assert link["vin"] == car.vin
    assert link["brand"] == "DACIA"
    assert link["vehicleDetails"]["model"]["code"] == "XBG1VE"
    assert link["vehicleDetails"]["registrationNumber"] == "AB-123-CD"
    assert details.json()["model"]["code"] == "XBG1VE"


async def test_missing_country_parameter_is_refused() -> None:
    sim = RenaultSimulator(FakeClock())
    sim.add_account(EMAIL, "pw")
    async with client(sim) as http:
        session = await login(http, EMAIL, "pw")
        response = await http.get(
            f"{KAMEREON}/commerce/v1/persons/{session.person_id}", headers=session.headers()
        )
    assert response.json()["errors"][0]["errorCode"] == "err.func.wired.missingRequestParam"


@pytest.mark.parametrize("model", [*MODEL_CODES, "ZZZ9XX"])
async def test_every_endpoint_answers_or_is_refused_per_the_capability_table(model: str) -> None:
    sim = RenaultSimulator(FakeClock())
    account = sim.add_account(EMAIL, "pw")
    car = sim.add_vehicle(account, model, battery_level=40, plugged=True)
    caps = capabilities_for(model)
    async with client(sim) as http:
        session = await login(http, EMAIL, "pw")
        for key in ALL_KEYS:
            route = caps.routes[key]
            definition = route if route is not None else ENDPOINTS[key]
            response = await _send(session, definition, car.vin)
            if route is not None:
                assert response.status_code == 200, (key, response.text)
                assert "errors" not in response.text, key
            elif key not in _SAME_WIRE_AS_ANOTHER_KEY:
                expected = refusal(model, definition.id, key, is_action=definition.method is Method.POST)
                assert response.status_code == expected.status, (key, response.text)


@pytest.mark.parametrize(
    ("model", "path", "status", "code"),
    [
        ("R5E1VE", "/kca/car-adapter/v1/cars/{vin}/lock-status", 404, "err.func.wired.notFound"),
        ("X101VE", "/kca/car-adapter/v1/cars/{vin}/location", 501, "err.tech.501"),
        ("XBG2VE", "/kca/car-adapter/v1/cars/{vin}/notification-settings", 400, 400001),
        ("XDD1VE", "/kca/car-adapter/v1/cars/{vin}/pressure", 404, 404),
        ("XCB1VE", "/kca/car-adapter/v1/cars/{vin}/charge-mode", 400, "err.func.vcps.ev.charge-mode.error"),
        ("XBG1VE", "/kca/car-adapter/v1/cars/{vin}/charging-settings", 403, "err.func.wired.forbidden"),
        ("R5E1VE", "/kca/car-adapter/v1/cars/{vin}/charge-history", 404, "err.func.wired.not-found"),
    ],
)
async def test_unsupported_reads_answer_the_recorded_backend_error(
    model: str, path: str, status: int, code: str | int
) -> None:
    sim = RenaultSimulator(FakeClock())
    account = sim.add_account(EMAIL, "pw")
    car = sim.add_vehicle(account, model)
    async with client(sim) as http:
        session = await login(http, EMAIL, "pw")
        response = await session.get(path.format(vin=car.vin), start="20260101", end="20260102", type="day")
    assert response.status_code == status
    assert response.json()["errors"][0]["errorCode"] == code


async def test_zoe_50_charge_mode_read_is_a_plain_http_400() -> None:
    sim = RenaultSimulator(FakeClock())
    account = sim.add_account(EMAIL, "pw")
    car = sim.add_vehicle(account, "X102VE")
    async with client(sim) as http:
        session = await login(http, EMAIL, "pw")
        response = await session.get(f"/kca/car-adapter/v1/cars/{car.vin}/charge-mode")
    assert response.status_code == 400
    assert not response.text.startswith("{")


async def test_a_car_of_another_account_is_denied() -> None:
    sim = RenaultSimulator(FakeClock())
    sim.add_account(EMAIL, "pw")
    other = sim.add_account("other@example.com", "pw")
    car = sim.add_vehicle(other, "R5E1VE")
    async with client(sim) as http:
        session = await login(http, EMAIL, "pw")
        response = await session.get(f"/kca/car-adapter/v2/cars/{car.vin}/battery-status")
    assert response.status_code == 403


async def test_unknown_path_is_url_not_found() -> None:
    sim = RenaultSimulator(FakeClock())
    account = sim.add_account(EMAIL, "pw")
    car = sim.add_vehicle(account, "R5E1VE")
    async with client(sim) as http:
        session = await login(http, EMAIL, "pw")
        response = await session.get(f"/kca/car-adapter/v1/cars/{car.vin}/teleport")
    assert response.status_code == 404
    assert response.json()["errors"][0]["errorCode"] == "err.func.wired.not-found"


async def test_cockpit_answers_on_the_stale_v2_path_too() -> None:
    sim = RenaultSimulator(FakeClock())
    account = sim.add_account(EMAIL, "pw")
    car = sim.add_vehicle(account, "X102VE", mileage_km=5785.75)
    async with client(sim) as http:
        session = await login(http, EMAIL, "pw")
        v1 = await session.get(f"/kca/car-adapter/v1/cars/{car.vin}/cockpit")
        v2 = await session.get(f"/kca/car-adapter/v2/cars/{car.vin}/cockpit")
    assert v1.json()["data"]["attributes"]["totalMileage"] == 5785.75
    assert v2.json() == v1.json()
