"""Smart charging on the R5 family: a planned window is written as KCM ev/settings programs, Cancel restores
the owner's settings. Real Renault client against the simulator, storage on SQLite."""

from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

import pytest

from bot.domain.schedule import ScheduleMode
from bot.features.smart_charging.logic.planner import Interval
from bot.features.smart_charging.logic.schedule import (
    KcmProgram,
    KcmSettings,
    PlanKind,
    PlannedCharge,
    SmartChargeState,
    kcm_window_settings,
)
from bot.features.smart_charging.store import state_from_json, state_to_json
from tests.features.smart_charging.test_control import CHAT, _propose, smart_stack

pytestmark = pytest.mark.slow  # measured: most of its tests take over a second

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _program(kind: str, departure: str, *days: str, active: bool = True) -> dict[str, Any]:
    return {
        "programActivationStatus": active,
        "programType": kind,
        "programDepartureTime": departure,
        **{f"programActivation{d}": d in days for d in DAYS},
    }


OWNER_PROGRAMS = [
    _program("CHARGE", "07:30", "Monday", "Tuesday", "Friday"),
    _program("PRECONDITIONING", "08:30", "Thursday"),
    _program("CHARGE_AND_PRECONDITIONING", "10:50", "Wednesday", "Saturday"),
]
OWNER_SETTINGS: dict[str, Any] = {
    "lastSettingsUpdateTimestamp": "2025-12-30T17:03:18.644879Z",
    "delegatedActivated": False,
    "chargeModeRq": "SCHEDULED",
    "chargeTimeStart": "01:55",
    "chargeDuration": 300,
    "preconditioningTemperature": 19,
    "preconditioningHeatedStrgWheel": True,
    "preconditioningHeatedRightSeat": False,
    "preconditioningHeatedLeftSeat": False,
    "programs": OWNER_PROGRAMS,
}
_CHARGE_KEYS = ("chargeModeRq", "chargeTimeStart", "chargeDuration", "programs")


def _charge_part(settings: dict[str, Any]) -> dict[str, Any]:
    return {k: settings[k] for k in _CHARGE_KEYS}


async def test_confirm_on_an_r5_writes_the_window_as_ev_settings_programs(tmp_path: Path) -> None:
    async with smart_stack(tmp_path, "R5E1VE", ev_settings=dict(OWNER_SETTINGS)) as smart:
        plan = await _propose(smart)
        assert plan.window is not None
        window = plan.window.window

        planned = await smart.control.confirm(CHAT, smart.vehicle_id)

        assert planned.kind is PlanKind.WINDOW
        car = smart.stack.sim.car(smart.vin)
        settings = car.ev_settings
        end = window.end.astimezone(UTC)
        assert settings["chargeModeRq"] == "SCHEDULED"
        assert settings["chargeTimeStart"] == f"{window.start.astimezone(UTC):%H:%M}"
        assert settings["chargeDuration"] == window.minutes
        assert [p["programActivationStatus"] for p in settings["programs"]] == [False, True, False, True]
        assert settings["programs"][1] == OWNER_PROGRAMS[1]  # pre-conditioning only: left alone
        assert settings["programs"][3] == _program("CHARGE", f"{end:%H:%M}", DAYS[end.weekday()])
        assert settings["preconditioningTemperature"] == 19
        assert car.charge_mode == "scheduled"
        assert smart.stack.sim.log.count(key="charge-set-schedule") == 0


async def test_the_r5_charges_in_the_planned_window_only(tmp_path: Path) -> None:
    async with smart_stack(tmp_path, "R5E1VE", plugged=True) as smart:
        plan = await _propose(smart)
        assert plan.window is not None
        window = plan.window.window
        await smart.control.confirm(CHAT, smart.vehicle_id)

        smart.stack.clock.set(window.start - (window.end - window.start) / 100)
        assert not smart.stack.sim.car(smart.vin).charging
        smart.stack.clock.set(window.start + (window.end - window.start) / 2)
        assert smart.stack.sim.car(smart.vin).charging


async def test_cancel_on_an_r5_restores_the_owners_ev_settings(tmp_path: Path) -> None:
    async with smart_stack(tmp_path, "R5E1VE", ev_settings=dict(OWNER_SETTINGS)) as smart:
        await _propose(smart)
        await smart.control.confirm(CHAT, smart.vehicle_id)

        assert await smart.control.cancel(CHAT, smart.vehicle_id) is True

        settings = smart.stack.sim.car(smart.vin).ev_settings
        assert _charge_part(settings) == _charge_part(OWNER_SETTINGS)
        assert smart.stack.sim.car(smart.vin).charge_mode == "scheduled"


async def test_a_second_plan_on_an_r5_still_restores_the_owners_settings(tmp_path: Path) -> None:
    async with smart_stack(tmp_path, "R5E1VE", ev_settings=dict(OWNER_SETTINGS)) as smart:
        await _propose(smart)
        await smart.control.confirm(CHAT, smart.vehicle_id)
        smart.stack.clock.advance(hours=1)
        await _propose(smart)
        await smart.control.confirm(CHAT, smart.vehicle_id)

        await smart.control.cancel(CHAT, smart.vehicle_id)

        assert _charge_part(smart.stack.sim.car(smart.vin).ev_settings) == _charge_part(OWNER_SETTINGS)


async def test_cancel_brings_back_an_r5_that_had_no_programs(tmp_path: Path) -> None:
    async with smart_stack(tmp_path, "R5E1VE") as smart:
        before = _charge_part(smart.stack.sim.car(smart.vin).ev_settings)
        await _propose(smart)
        await smart.control.confirm(CHAT, smart.vehicle_id)
        assert smart.stack.sim.car(smart.vin).ev_settings["programs"] != []

        await smart.control.cancel(CHAT, smart.vehicle_id)

        assert _charge_part(smart.stack.sim.car(smart.vin).ev_settings) == before
        assert smart.stack.sim.car(smart.vin).charge_mode == "always"


WINDOW = Interval(datetime(2026, 11, 2, 22, 30, tzinfo=UTC), datetime(2026, 11, 3, 3, 0, tzinfo=UTC))


def test_a_window_across_midnight_departs_on_the_next_utc_day() -> None:
    previous = KcmSettings(
        ScheduleMode.ALWAYS,
        programs=(
            KcmProgram("CHARGE", time(7, 30), True, frozenset({0, 1})),
            KcmProgram("PRECONDITIONING", time(8, 30), True, frozenset({3})),
        ),
    )
    settings = kcm_window_settings(WINDOW, previous)
    assert settings == KcmSettings(
        ScheduleMode.SCHEDULED,
        time(22, 30),
        270,
        (
            KcmProgram("CHARGE", time(7, 30), False, frozenset({0, 1})),
            KcmProgram("PRECONDITIONING", time(8, 30), True, frozenset({3})),
            KcmProgram("CHARGE", time(3, 0), True, frozenset({1})),
        ),
    )


def test_saved_kcm_settings_survive_the_store_round_trip() -> None:
    previous = KcmSettings(
        ScheduleMode.SCHEDULED,
        time(1, 55),
        300,
        (KcmProgram("CHARGE", time(7, 30), True, frozenset({0, 4})),),
    )
    plan = PlannedCharge(PlanKind.WINDOW, (WINDOW,), 80, WINDOW.end, WINDOW.start)
    state = SmartChargeState(7, CHAT, active=plan, previous_kcm=previous)
    assert state_from_json(7, CHAT, state_to_json(state)) == state
    assert state_from_json(7, CHAT, state_to_json(SmartChargeState(7, CHAT))).previous_kcm is None
