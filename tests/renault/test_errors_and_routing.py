"""Error mapping (§7) and per-model routing of actions."""

from __future__ import annotations

import json

import httpx
import pytest

from bot.renault.client import RenaultClient
from bot.renault.credentials import DeviceIds, RenaultCredentials
from bot.renault.errors import (
    KAMEREON_ERRORS,
    ActionInProgress,
    ApiKeyRejected,
    NotSupported,
    QuotaExceeded,
    RenaultError,
    UpstreamUnavailable,
)
from bot.renault.gigya import TwoFactorChallenge
from bot.renault.locales import LOCALES
from bot.renault.vehicle import RenaultVehicle
from tests.renault.conftest import RecordingGate
from tests.renault.fake_backend import EMAIL, LOGIN_TOKEN, PASSWORD, FakeBackend, attrs, kamereon_error


def _car(client: RenaultClient, credentials: RenaultCredentials, model: str = "X102VE") -> RenaultVehicle:
    return client.account(credentials, "acc").vehicle("account-1", "VIN", model)


@pytest.mark.parametrize(("code", "cls"), sorted(KAMEREON_ERRORS.items()))
async def test_every_kamereon_error_code_maps_to_its_exception(
    client: RenaultClient,
    backend: FakeBackend,
    credentials: RenaultCredentials,
    code: str,
    cls: type[RenaultError],
) -> None:
    wire_code: str | int = int(code) if code.isdigit() else code
    backend.routes["/cockpit"] = lambda _: kamereon_error(wire_code, 200)
    with pytest.raises(cls) as info:
        await _car(client, credentials).cockpit()
    assert info.value.code == code


@pytest.mark.parametrize(
    ("response", "cls"),
    [
        (httpx.Response(502, text="<html><title>502 Bad Gateway</title></html>"), UpstreamUnavailable),
        (httpx.Response(200, text="{not json"), UpstreamUnavailable),
        (
            httpx.Response(403, json={"error": "access_denied", "error_description": "Unauthorized"}),
            ApiKeyRejected,
        ),
        (httpx.Response(503, json={}), UpstreamUnavailable),
        (httpx.Response(409, json={}), ActionInProgress),
    ],
)
async def test_non_kamereon_failures_are_mapped(
    client: RenaultClient,
    backend: FakeBackend,
    credentials: RenaultCredentials,
    response: httpx.Response,
    cls: type[RenaultError],
) -> None:
    backend.routes["/cockpit"] = lambda _: response
    with pytest.raises(cls):
        await _car(client, credentials).cockpit()


async def test_transport_errors_become_upstream_unavailable(
    client: RenaultClient, backend: FakeBackend, credentials: RenaultCredentials
) -> None:
    def boom(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("slow", request=request)

    backend.routes["/cockpit"] = boom
    with pytest.raises(UpstreamUnavailable):
        await _car(client, credentials).cockpit()


async def test_quota_error_starts_the_gate_cooldown(
    client: RenaultClient, backend: FakeBackend, credentials: RenaultCredentials, gate: RecordingGate
) -> None:
    backend.routes["/cockpit"] = lambda _: httpx.Response(
        429,
        headers={"Retry-After": "900"},
        json={"errors": [{"errorCode": "err.func.wired.overloaded", "errorMessage": "quota"}]},
    )
    with pytest.raises(QuotaExceeded) as info:
        await _car(client, credentials).cockpit()
    assert info.value.retry_after_seconds == 900
    assert gate.quota_hits == ["acc"]


async def test_forbidden_endpoint_is_learned_unsupported_and_not_called_again(
    client: RenaultClient, backend: FakeBackend, credentials: RenaultCredentials
) -> None:
    backend.routes["/hvac-status"] = lambda _: kamereon_error("err.func.wired.forbidden", 403)
    car = _car(client, credentials)
    with pytest.raises(NotSupported):
        await car.hvac_status()
    assert car.learned_unsupported == {"hvac-status"}
    assert not car.supports("hvac-status")
    with pytest.raises(NotSupported):
        await car.hvac_status()
    assert backend.count("/hvac-status") == 1


async def test_unsupported_in_the_table_makes_no_http_call(
    client: RenaultClient, backend: FakeBackend, credentials: RenaultCredentials
) -> None:
    with pytest.raises(NotSupported):
        await _car(client, credentials, "R5E1VE").stop_charge()
    assert backend.requests == []


def _echo(request: httpx.Request) -> httpx.Response:
    body = json.loads(request.content)
    if "data" in body:
        body["data"]["id"] = "guid"
    return httpx.Response(200, json=body)


async def test_r5_starts_charge_by_deactivating_ev_settings_programs(
    client: RenaultClient, backend: FakeBackend, credentials: RenaultCredentials
) -> None:
    settings = {
        "chargeModeRq": "SCHEDULED",
        "programs": [
            {"programActivationStatus": True, "programType": "CHARGE", "programDepartureTime": "07:30"}
        ],
    }

    def ev_settings(request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            return httpx.Response(200, json=settings)
        return httpx.Response(200, json={"chargeModeRq": "ALWAYS", "programs": []})

    backend.routes["/kcm/v1/vehicles/VIN/ev/settings"] = ev_settings
    await _car(client, credentials, "R5E1VE").start_charge()
    posted = [r for r in backend.requests if r.method == "POST" and "ev/settings" in r.url.path]
    assert len(posted) == 1
    body = json.loads(posted[0].content)
    assert body["programs"][0]["programActivationStatus"] is False
    assert body["chargeModeRq"] == "SCHEDULED"


async def test_spring_starts_charge_through_pause_resume(
    client: RenaultClient, backend: FakeBackend, credentials: RenaultCredentials
) -> None:
    backend.routes["/charge/pause-resume"] = _echo
    result = await _car(client, credentials, "XBG1VE").start_charge()
    body = json.loads(backend.requests[-1].content)
    assert body == {"data": {"type": "ChargePauseResume", "attributes": {"action": "resume"}}}
    assert result.id == "guid"
    assert backend.requests[-1].url.params["country"] == "FR"


async def test_hvac_start_and_stop_payloads_follow_the_model(
    client: RenaultClient, backend: FakeBackend, credentials: RenaultCredentials
) -> None:
    backend.routes["/actions/hvac-start"] = _echo
    await _car(client, credentials, "X102VE").start_hvac(21)
    assert json.loads(backend.requests[-1].content) == {
        "data": {"type": "HvacStart", "attributes": {"action": "start", "targetTemperature": 21}}
    }
    await _car(client, credentials, "X102VE").stop_hvac()
    assert json.loads(backend.requests[-1].content)["data"]["attributes"] == {"action": "cancel"}
    await client.account(credentials, "acc").vehicle("account-1", "VIN2", "R5E1VE").stop_hvac()
    assert json.loads(backend.requests[-1].content)["data"]["attributes"] == {"action": "stop"}


async def test_kamereon_headers_are_sent(
    client: RenaultClient, backend: FakeBackend, credentials: RenaultCredentials
) -> None:
    backend.routes["/cockpit"] = lambda _: attrs({"totalMileage": 10})
    await _car(client, credentials).cockpit()
    request = backend.requests[-1]
    assert request.headers["apikey"] == LOCALES["fr_FR"].kamereon_api_key
    assert request.headers["x-gigya-id_token"] == backend.issued_jwts[-1]
    assert request.headers["content-type"] == "application/vnd.api+json"


async def test_secrets_never_appear_in_reprs_or_messages(client: RenaultClient, backend: FakeBackend) -> None:
    creds = RenaultCredentials("fr_FR", LOGIN_TOKEN, "p", DeviceIds("gmid-secret", "ucid-secret"))
    assert LOGIN_TOKEN not in repr(creds)
    assert "gmid-secret" not in repr(creds)
    backend.tfa = True
    challenge = await client.login("fr_FR", EMAIL, PASSWORD)
    assert isinstance(challenge, TwoFactorChallenge)
    for secret in (PASSWORD, EMAIL, "reg-1", "assertion-1", "phv-1"):
        assert secret not in repr(challenge)
    with pytest.raises(RenaultError) as info:
        await client.login("fr_FR", EMAIL, "wrong-password-xyz")
    assert "wrong-password-xyz" not in str(info.value)
    assert EMAIL not in str(info.value)
