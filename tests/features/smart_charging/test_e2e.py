"""/smartcharge over the whole stack: fixed tariff, 80 % by 07:30, Confirm writes the plan to the simulated
car, Cancel brings the owner's schedule back. A KCA car (Zoe 50) and a KCM ev/settings car (R5)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.features.smart_charging.logic.planner import Interval
from bot.features.smart_charging.store import SqlSmartChargeStore
from tests.e2e.harness import E2E, EMAIL, PASSWORD, login, running_e2e
from tests.support.chat import send_and_wait, tap_and_wait, text_of, texts

WAIT = 10.0
VIN = "VF1AG000012345678"
CHAT = 1001
EVENING = datetime(2026, 11, 2, 18, 0, tzinfo=UTC)  # Monday; off-peak starts at 22:00 (chat zone UTC)
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
OWN_SLOTS: list[dict[str, Any]] = [
    {"id": 1, "activated": True, "monday": {"startTime": "T01:00Z", "duration": 300}},
    {"id": 2, "activated": False},
]
OWN_PROGRAM = {
    "programActivationStatus": True,
    "programType": "CHARGE",
    "programDepartureTime": "07:00",
    **{f"programActivation{d.capitalize()}": True for d in DAYS},
}


async def _planned_window(e2e: E2E) -> Interval:
    assert e2e.core is not None
    vehicle = await e2e.core.linking.active(CHAT)
    state = await SqlSmartChargeStore(e2e.db).state(vehicle.vehicle_id)
    assert state is not None
    assert state.active is not None
    return state.active.intervals[0]


def _kca_matches(e2e: E2E, window: Interval) -> None:
    start = window.start.astimezone(UTC)
    day = DAYS[start.weekday()]
    assert e2e.sim.car(VIN).schedules[0] == {
        "id": 1,
        "activated": True,
        day: {"startTime": f"T{start:%H:%M}Z", "duration": window.minutes},
    }
    assert e2e.sim.car(VIN).charge_mode == "scheduled"


def _kcm_matches(e2e: E2E, window: Interval) -> None:
    settings = e2e.sim.car(VIN).ev_settings
    end = window.end.astimezone(UTC)
    assert settings["chargeModeRq"] == "SCHEDULED"
    assert settings["chargeTimeStart"] == f"{window.start.astimezone(UTC):%H:%M}"
    assert settings["chargeDuration"] == window.minutes
    ours = settings["programs"][-1]
    assert ours["programActivationStatus"] is True
    assert ours["programDepartureTime"] == f"{end:%H:%M}"
    assert ours[f"programActivation{DAYS[end.weekday()].capitalize()}"] is True
    assert settings["programs"][0] == {**OWN_PROGRAM, "programActivationStatus": False}


@pytest.mark.parametrize("model", ["X102VE", "R5E1VE"])
async def test_smartcharge_plan_confirm_and_cancel_reach_the_simulated_car(
    tmp_path: Path, model: str
) -> None:
    async with running_e2e(tmp_path, start=EVENING) as e2e:
        account = e2e.sim.add_account(EMAIL, PASSWORD)
        car = e2e.sim.add_vehicle(account, model, vin=VIN, battery_level=40, schedules=list(OWN_SLOTS))
        car.ev_settings = {**car.ev_settings, "chargeModeRq": "SCHEDULED", "programs": [dict(OWN_PROGRAM)]}
        own_ev_settings = dict(car.ev_settings)
        ann = e2e.emulator.user(CHAT, "Ann")
        await login(ann, EMAIL, PASSWORD)
        await ann.wait_until(lambda u: any(t.startswith("Linked!") for t in texts(u)), timeout=WAIT)

        tariff = await send_and_wait(ann, "/smarttariff fixed 0.30 0.10 22:00 06:00")
        assert "Tariff saved." in text_of(ann, tariff)
        mid = await send_and_wait(ann, "/smartcharge")
        assert "which battery level" in text_of(ann, mid)
        await tap_and_wait(ann, mid, "80%", "Ready by when (80%)?")
        plan = await tap_and_wait(ann, mid, "07:30", "Estimated cost:")
        assert "From 40% to 80%." in plan
        assert "Saving against charging now:" in plan
        confirmed = await tap_and_wait(ann, mid, "✅ Confirm", "Done:")

        window = await _planned_window(e2e)
        assert f"{window.start:%H:%M} – {window.end:%H:%M}" in confirmed  # the chat's zone is UTC
        assert window.start.hour >= 22 or window.end.hour <= 6  # inside the off-peak hours
        (_kca_matches if model == "X102VE" else _kcm_matches)(e2e, window)

        await tap_and_wait(ann, mid, "✖ Cancel", "previous schedule is back")
        restored = e2e.sim.car(VIN)
        if model == "X102VE":
            assert restored.schedules == OWN_SLOTS
        else:
            keys = ("chargeModeRq", "chargeTimeStart", "chargeDuration", "programs")
            assert {k: restored.ev_settings[k] for k in keys} == {k: own_ev_settings[k] for k in keys}
