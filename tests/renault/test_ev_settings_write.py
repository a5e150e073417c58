"""Writing KCM ev/settings programs (§4.12, §5.4): routing per model and the whole-object POST body."""

from __future__ import annotations

import json
from datetime import UTC, time
from typing import Any

import httpx
import pytest

from bot.renault.capabilities import MODEL_CODES, capabilities_for
from bot.renault.client import RenaultClient
from bot.renault.credentials import RenaultCredentials
from bot.renault.errors import NotSupported
from bot.renault.ev_settings import EvSettingsWrite, ev_settings_body
from bot.renault.models import RenaultChargeMode
from bot.renault.schedules import RenaultKcmProgram, parse_ev_settings
from tests.renault.fake_backend import FakeBackend

KCM_SETTINGS_MODELS = {"R5E1VE", "A5E1AE", "A4E1VE", "XDD1VE", "XCB1SE", "XBG2VE"}

CURRENT: dict[str, Any] = {
    "lastSettingsUpdateTimestamp": "2025-12-30T17:03:18.644879Z",
    "delegatedActivated": False,
    "chargeModeRq": "ALWAYS",
    "chargeTimeStart": "01:55",
    "chargeDuration": 300,
    "preconditioningTemperature": 19,
    "preconditioningHeatedStrgWheel": True,
    "preconditioningHeatedRightSeat": False,
    "preconditioningHeatedLeftSeat": False,
    "programs": [],
}

# The reader marks times UTC, as the rest of this client does.
OURS = RenaultKcmProgram("CHARGE", time(6, 0, tzinfo=UTC), True, frozenset({"tuesday"}))
WRITE = EvSettingsWrite(RenaultChargeMode.SCHEDULED, (OURS,), time(2, 15), 225)


@pytest.mark.parametrize("model", MODEL_CODES)
def test_programs_are_writable_exactly_where_charge_start_rewrites_ev_settings(model: str) -> None:
    caps = capabilities_for(model)
    assert caps.supports("charge-set-programs") is (model in KCM_SETTINGS_MODELS)
    route = caps.route("charge-set-programs")
    if route is not None:
        assert route.path.endswith("/ev/settings")
        assert route.method.value == "POST"


def test_unknown_models_and_rafale_cannot_write_programs() -> None:
    assert not capabilities_for("ZZZ999").supports("charge-set-programs")
    # XHN1CP reads its schedule from ev/settings, but the reference documents no write for it.
    assert capabilities_for("XHN1CP").supports("charge-schedule")
    assert not capabilities_for("XHN1CP").supports("charge-set-programs")


def test_body_keeps_every_other_field_and_writes_all_seven_day_flags() -> None:
    body = ev_settings_body(CURRENT, WRITE)

    assert body["chargeModeRq"] == "SCHEDULED"
    assert body["chargeTimeStart"] == "02:15"
    assert body["chargeDuration"] == 225
    assert body["lastSettingsUpdateTimestamp"] == CURRENT["lastSettingsUpdateTimestamp"]
    assert body["preconditioningHeatedStrgWheel"] is True
    assert body["programs"] == [
        {
            "programActivationStatus": True,
            "programType": "CHARGE",
            "programDepartureTime": "06:00",
            "programActivationMonday": False,
            "programActivationTuesday": True,
            "programActivationWednesday": False,
            "programActivationThursday": False,
            "programActivationFriday": False,
            "programActivationSaturday": False,
            "programActivationSunday": False,
        }
    ]


def test_written_body_reads_back_as_the_same_programs() -> None:
    read = parse_ev_settings(ev_settings_body(CURRENT, WRITE))
    assert read.programs == (OURS,)
    assert read.mode is RenaultChargeMode.SCHEDULED
    assert (read.charge_start, read.charge_duration_minutes) == (time(2, 15, tzinfo=UTC), 225)


def test_start_and_duration_left_out_keep_the_cars_values() -> None:
    body = ev_settings_body(CURRENT, EvSettingsWrite(RenaultChargeMode.ALWAYS, ()))
    assert (body["chargeModeRq"], body["chargeTimeStart"], body["chargeDuration"]) == ("ALWAYS", "01:55", 300)
    assert body["programs"] == []


@pytest.mark.parametrize(
    "bad",
    [
        lambda: EvSettingsWrite(RenaultChargeMode.DELAYED, ()),
        lambda: EvSettingsWrite(RenaultChargeMode.SCHEDULED, (), charge_duration_minutes=0),
        lambda: EvSettingsWrite(
            RenaultChargeMode.SCHEDULED, (RenaultKcmProgram("BOOST", time(6), True, frozenset()),)
        ),
        lambda: EvSettingsWrite(
            RenaultChargeMode.SCHEDULED, (RenaultKcmProgram("CHARGE", None, True, frozenset()),)
        ),
        lambda: EvSettingsWrite(
            RenaultChargeMode.SCHEDULED, (RenaultKcmProgram("CHARGE", time(6), True, frozenset({"funday"})),)
        ),
    ],
)
def test_a_write_the_backend_could_not_take_is_refused_before_sending(bad: Any) -> None:
    with pytest.raises(ValueError, match=r"mode|duration|program|weekday"):
        bad()


async def test_r5_reads_then_posts_the_whole_modified_object_bare(
    client: RenaultClient, backend: FakeBackend, credentials: RenaultCredentials
) -> None:
    def ev_settings(request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            return httpx.Response(200, json=CURRENT)
        return httpx.Response(200, json={"chargeModeRq": "SCHEDULED", "programs": []})

    backend.routes["/kcm/v1/vehicles/VIN/ev/settings"] = ev_settings
    car = client.account(credentials, "acc").vehicle("account-1", "VIN", "R5E1VE")

    await car.set_ev_settings_programs(WRITE)

    calls = [r for r in backend.requests if "ev/settings" in r.url.path]
    assert [r.method for r in calls] == ["GET", "POST"]
    assert calls[1].url.path.endswith("/accounts/account-1/kamereon/kcm/v1/vehicles/VIN/ev/settings")
    assert calls[1].url.params["country"] == "FR"
    body = json.loads(calls[1].content)
    assert "data" not in body
    assert body == ev_settings_body(CURRENT, WRITE)


async def test_a_model_without_kcm_settings_is_refused_without_a_request(
    client: RenaultClient, backend: FakeBackend, credentials: RenaultCredentials
) -> None:
    car = client.account(credentials, "acc").vehicle("account-1", "VIN", "X102VE")
    before = len(backend.requests)
    with pytest.raises(NotSupported):
        await car.set_ev_settings_programs(WRITE)
    assert len(backend.requests) == before
