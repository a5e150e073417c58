"""Actions over the wire change the simulated car, routed by model like the real backend."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest

from bot.simulator.renault import RenaultFault, RenaultSimulator, SimCar
from tests.simulator.renault.helpers import Session, client, login
from tests.support.clock import FakeClock

EMAIL = "owner@example.com"
KCA = "/kca/car-adapter/v1/cars/{vin}"
KCM = "/kcm/v1/vehicles/{vin}"


@dataclass
class World:
    """A simulator with one logged-in session."""

    clock: FakeClock
    sim: RenaultSimulator
    session: Session

    def add(self, model: str, **state: Any) -> SimCar:
        """Add a car to the logged-in account."""
        return self.sim.add_vehicle(self.sim.account(EMAIL), model, **state)


@pytest.fixture
async def world() -> AsyncIterator[World]:
    clock = FakeClock()
    sim = RenaultSimulator(clock)
    sim.add_account(EMAIL, "pw")
    async with client(sim) as http:
        yield World(clock, sim, await login(http, EMAIL, "pw"))


def _action(type_: str, **attributes: object) -> dict[str, object]:
    return {"data": {"type": type_, "attributes": attributes}}


async def test_kca_charge_start_and_stop_on_zoe_40(world: World) -> None:
    car = world.add("X101VE", plugged=True, battery_level=30.0)
    path = KCA.format(vin=car.vin) + "/actions/charging-start"
    started = await world.session.post(path, _action("ChargingStart", action="start"))
    assert started.json()["data"]["id"]
    assert world.sim.car(car.vin).charging
    await world.session.post(path, _action("ChargingStart", action="stop"))
    assert not world.sim.car(car.vin).charging


async def test_r5_charge_starts_by_rewriting_ev_settings_not_through_kca(world: World) -> None:
    car = world.add("R5E1VE", plugged=True, battery_level=30.0)
    kca = await world.session.post(
        KCA.format(vin=car.vin) + "/actions/charging-start", _action("ChargingStart", action="start")
    )
    assert kca.status_code == 403
    assert kca.json()["errors"][0]["errorCode"] == "err.func.wired.forbidden"
    assert not world.sim.car(car.vin).charging
    settings = (await world.session.get(KCM.format(vin=car.vin) + "/ev/settings")).json()
    for program in settings["programs"]:
        program["programActivationStatus"] = False
    answer = await world.session.post(KCM.format(vin=car.vin) + "/ev/settings", settings)
    assert answer.json() == {"chargeModeRq": "ALWAYS", "programs": []}
    assert world.sim.car(car.vin).charging


async def test_spring_charges_through_pause_resume(world: World) -> None:
    car = world.add("XBG1VE", plugged=True, battery_level=30.0)
    path = KCM.format(vin=car.vin) + "/charge/pause-resume"
    await world.session.post(path, _action("ChargePauseResume", action="resume"))
    assert world.sim.car(car.vin).charging
    await world.session.post(path, _action("ChargePauseResume", action="pause"))
    assert not world.sim.car(car.vin).charging
    assert world.sim.log.endpoints()[-2:] == ["charge-start/kcm-pause-resume", "charge-stop/kcm-pause-resume"]


async def test_megane_delayed_charge_starts_at_the_requested_time(world: World) -> None:
    car = world.add("XCB1VE", plugged=True, battery_level=30.0, charge_mode="scheduled")
    path = KCM.format(vin=car.vin) + "/charge/start"
    past = await world.session.post(
        path, _action("ChargingStart", action="start", startDateTime="2026-11-02T07:00:00Z")
    )
    assert past.status_code == 400
    assert past.json()["errors"][0]["errorCode"] == "err.func.400"
    await world.session.post(
        path, _action("ChargingStart", action="start", startDateTime="2026-11-02T09:00:00Z")
    )
    world.clock.advance(minutes=59)
    assert not world.sim.car(car.vin).charging
    world.clock.advance(minutes=2)
    assert world.sim.car(car.vin).charging


async def test_planned_hvac_is_announced_in_hvac_status(world: World) -> None:
    car = world.add("R5E1VE")
    await world.session.post(
        KCA.format(vin=car.vin) + "/actions/hvac-start",
        _action("HvacStart", action="start", targetTemperature=21, startDateTime="2026-11-02T09:00:00Z"),
    )
    hvac = await world.session.get(KCA.format(vin=car.vin) + "/hvac-status")
    assert hvac.json()["data"]["attributes"]["nextHvacStartDate"] == "2026-11-02T08:50:00Z"


async def test_hvac_start_and_stop_and_the_ignored_cancel(world: World) -> None:
    zoe50 = world.add("X102VE")
    r5 = world.add("R5E1VE")
    for car in (zoe50, r5):
        path = KCA.format(vin=car.vin) + "/actions/hvac-start"
        answer = await world.session.post(path, _action("HvacStart", action="start", targetTemperature=21))
        assert answer.json()["data"]["attributes"]["targetTemperature"] == 21.0
        assert world.sim.car(car.vin).hvac_on
    await world.session.post(
        KCA.format(vin=zoe50.vin) + "/actions/hvac-start", _action("HvacStart", action="cancel")
    )
    assert world.sim.car(zoe50.vin).hvac_on  # Zoe 50 accepts cancel but ignores it
    await world.session.post(
        KCA.format(vin=r5.vin) + "/actions/hvac-start", _action("HvacStart", action="stop")
    )
    assert not world.sim.car(r5.vin).hvac_on


async def test_hvac_at_a_time_is_ready_then(world: World) -> None:
    car = world.add("X101VE")
    path = KCA.format(vin=car.vin) + "/actions/hvac-start"
    await world.session.post(
        path, _action("HvacStart", action="start", targetTemperature=20, startDateTime="2026-11-02T09:00:00Z")
    )
    hvac = await world.session.get(KCA.format(vin=car.vin) + "/hvac-status")
    assert "nextHvacStartDate" not in hvac.json()["data"]["attributes"]  # Zoe 40 reports almost nothing
    world.clock.advance(minutes=45)
    assert not world.sim.car(car.vin).hvac_on
    world.clock.advance(minutes=10)
    assert world.sim.car(car.vin).hvac_on


async def test_charge_mode_action_takes_legacy_values_only(world: World) -> None:
    car = world.add("X101VE", plugged=True, battery_level=30.0)
    path = KCA.format(vin=car.vin) + "/actions/charge-mode"
    refused = await world.session.post(path, _action("ChargeMode", action="always"))
    assert refused.status_code == 400
    await world.session.post(path, _action("ChargeMode", action="schedule_mode"))
    read = await world.session.get(KCA.format(vin=car.vin) + "/charge-mode")
    assert read.json()["data"]["attributes"]["chargeMode"] == "schedule_mode"
    assert not world.sim.car(car.vin).charging


async def test_kca_charge_schedule_is_validated_stored_and_echoed_without_empty_days(world: World) -> None:
    car = world.add("X102VE")
    path = f"/kca/car-adapter/v2/cars/{car.vin}/actions/charge-schedule"
    slot = {"id": 1, "activated": True, "monday": {"startTime": "T01:00Z", "duration": 300}, "tuesday": None}
    answer = await world.session.post(path, _action("ChargeSchedule", schedules=[slot]))
    assert answer.json()["data"]["attributes"]["schedules"] == [
        {"id": 1, "activated": True, "monday": {"startTime": "T01:00Z", "duration": 300}}
    ]
    settings = await world.session.get(KCA.format(vin=car.vin) + "/charging-settings")
    assert settings.json()["data"]["attributes"]["schedules"][0]["monday"]["duration"] == 300
    bad = {"id": 1, "activated": True, "monday": {"startTime": "T01:07Z", "duration": 200}}
    refused = await world.session.post(path, _action("ChargeSchedule", schedules=[bad]))
    assert refused.status_code == 400


async def test_megane_schedule_goes_through_kcm(world: World) -> None:
    car = world.add("XCB1VE")
    slot = {"id": 2, "activated": True, "friday": {"startTime": "T22:30Z", "duration": 480}}
    answer = await world.session.post(
        KCM.format(vin=car.vin) + "/charge/schedule", _action("ChargeSchedule", schedules=[slot])
    )
    assert answer.status_code == 200
    assert world.sim.car(car.vin).schedules == [slot]


async def test_soc_levels_set_and_read_back_and_stop_a_charge_above_target(world: World) -> None:
    car = world.add("R5E1VE", plugged=True, charging=True, battery_level=85.0)
    assert world.sim.car(car.vin).charging
    answer = await world.session.post(
        KCM.format(vin=car.vin) + "/ev/soc-levels", {"socMin": 20, "socTarget": 80}
    )
    assert answer.json()["status"] == "CREATED"
    read = await world.session.get(KCM.format(vin=car.vin) + "/ev/soc-levels")
    assert (read.json()["socMin"], read.json()["socTarget"]) == (20, 80)
    assert not world.sim.car(car.vin).charging


async def test_horn_lights_and_refresh_location(world: World) -> None:
    car = world.add("R5E1VE")
    path = KCA.format(vin=car.vin) + "/actions/horn-lights"
    await world.session.post(path, _action("HornLights", action="start", target="horn"))
    await world.session.post(path, _action("HornLights", action="start", target="lights"))
    world.clock.advance(minutes=3)
    refresh = await world.session.post(
        KCA.format(vin=car.vin) + "/actions/refresh-location", {"data": {"type": "RefreshLocation"}}
    )
    assert refresh.json()["data"]["type"] == "RefreshLocation"
    assert "attributes" not in refresh.json()["data"]
    state = world.sim.car(car.vin)
    assert (state.horn_count, state.lights_count) == (1, 1)
    location = await world.session.get(KCA.format(vin=car.vin) + "/location")
    assert location.json()["data"]["attributes"]["lastUpdateTime"] == "2026-11-02T08:03:00Z"


async def test_privacy_mode_blocks_data_endpoints(world: World) -> None:
    car = world.add("R5E1VE", privacy_mode=True)
    answer = await world.session.get(f"/kca/car-adapter/v2/cars/{car.vin}/battery-status")
    gateway = await world.session.get(f"/kca/car-adapter/v2/cars/{car.vin}")
    assert answer.json()["errors"][0]["errorCode"] == "err.func.privacy.on"
    assert gateway.json()["data"]["attributes"]["privacyMode"] == "on"


async def test_zoe_40_schedule_shows_up_in_the_calendar_read(world: World) -> None:
    car = world.add("X101VE")
    slot = {"id": 1, "activated": True, "monday": {"startTime": "T23:15Z", "duration": 420}}
    await world.session.post(
        f"/kca/car-adapter/v2/cars/{car.vin}/actions/charge-schedule",
        _action("ChargeSchedule", schedules=[slot]),
    )
    calendar = (await world.session.get(KCA.format(vin=car.vin) + "/charge-schedule")).json()["data"][
        "attributes"
    ]
    assert calendar["calendar"]["monday"] == [{"startTime": "2315", "duration": 420, "activationState": True}]
    assert calendar["calendar"]["tuesday"][0]["activationState"] is False


async def test_log_counts_by_variant_id_and_by_logical_key(world: World) -> None:
    car = world.add("XBG1VE", plugged=True, battery_level=30.0)
    world.sim.inject(RenaultFault.QUOTA, endpoint="charge-stop")  # a key matches every variant
    path = KCM.format(vin=car.vin) + "/charge/pause-resume"
    await world.session.post(path, _action("ChargePauseResume", action="resume"))
    refused = await world.session.post(path, _action("ChargePauseResume", action="pause"))
    assert refused.status_code == 429
    assert world.sim.log.count("charge-start/kcm-pause-resume") == 1
    assert world.sim.log.count(key="charge-start") == 1
    assert world.sim.log.count(key="charge-stop", vin=car.vin) == 1
    assert world.sim.log.records[-1].key == "charge-stop"
