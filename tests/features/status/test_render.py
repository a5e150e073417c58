"""The /status card per model and language, checked against snapshot files."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from syrupy.assertion import SnapshotAssertion

from bot.app.parts import CATALOGS
from bot.domain.preferences import ChatSettings, Units
from bot.domain.snapshot import ChargeMode, ChargeState, PlugState, VehicleSnapshot
from bot.domain.vehicle import LinkedVehicle, Role, VehicleInfo
from bot.features.status.ports import StatusView
from bot.features.status.render import render_status

NOW = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
REPORTED = NOW - timedelta(minutes=12)

MODELS: dict[str, tuple[VehicleInfo, VehicleSnapshot]] = {
    "zoe50_charging": (
        VehicleInfo(vin="VF1AG000012345678", model_code="X102VE", model_name="ZOE", plate="AB-123-CD"),
        VehicleSnapshot(
            vin="VF1AG000012345678",
            reported_at=REPORTED,
            battery_level=62,
            range_km=203.0,
            plug=PlugState.PLUGGED,
            charge=ChargeState.CHARGE_IN_PROGRESS,
            charging_power_kw=7.4,
            remaining_minutes=80,
            mileage_km=23456.0,
            hvac_on=False,
            outside_temperature_c=8.0,
            charge_mode=ChargeMode.ALWAYS,
        ),
    ),
    "spring_unplugged": (
        VehicleInfo(vin="UU1DBG00098765432", model_code="XBG1VE", model_name="SPRING", brand="DACIA"),
        VehicleSnapshot(
            vin="UU1DBG00098765432",
            reported_at=NOW - timedelta(days=2, hours=1),
            battery_level=35,
            range_km=80.0,
            plug=PlugState.UNPLUGGED,
            charge=ChargeState.NOT_IN_CHARGE,
        ),
    ),
    "megane_waiting_for_schedule": (
        VehicleInfo(vin="VF1RCB00055555555", model_code="XCB1VE", model_name="MEGANE E-TECH"),
        VehicleSnapshot(
            vin="VF1RCB00055555555",
            reported_at=REPORTED,
            battery_level=48,
            range_km=190.5,
            plug=PlugState.PLUGGED,
            charge=ChargeState.WAITING_FOR_PLANNED_CHARGE,
            hvac_on=True,
            outside_temperature_c=-2.5,
            charge_mode=ChargeMode.SCHEDULED,
        ),
    ),
    "captur_phev_level_only": (
        VehicleInfo(vin="VF1RJB00077777777", model_code="XJB1SU", model_name="CAPTUR"),
        VehicleSnapshot(vin="VF1RJB00077777777", reported_at=REPORTED, battery_level=90),
    ),
    "nothing_reported": (
        VehicleInfo(vin="VF1XXX00000000001", model_code="XJA1VP", model_name="CLIO"),
        VehicleSnapshot(vin="VF1XXX00000000001"),
    ),
}


def _view(name: str, stale_reason: str | None = None) -> StatusView:
    info, snapshot = MODELS[name]
    vehicle = LinkedVehicle(vehicle_id=1, account_id=1, info=info, role=Role.OWNER)
    return StatusView(vehicle=vehicle, snapshot=snapshot, fetched_at=NOW, stale_reason=stale_reason)


@pytest.mark.parametrize("model", sorted(MODELS))
@pytest.mark.parametrize("language", ["en", "fr", "de"])
def test_status_card_per_model_and_language(model: str, language: str, snapshot: SnapshotAssertion) -> None:
    settings = ChatSettings(chat_id=1, language=language, time_zone="Europe/Paris")
    assert render_status(CATALOGS.translator(language), _view(model), settings, NOW) == snapshot


def test_values_the_model_does_not_report_are_left_out() -> None:
    text = render_status(
        CATALOGS.translator("en"), _view("captur_phev_level_only"), ChatSettings(chat_id=1), NOW
    )
    assert "None" not in text
    assert "km" not in text
    assert "Climate" not in text
    assert "🔋 90%" in text


def test_charging_line_has_power_and_time_left() -> None:
    text = render_status(CATALOGS.translator("en"), _view("zoe50_charging"), ChatSettings(chat_id=1), NOW)
    assert "⚡ Charging, at 7.4 kW, 1 h 20 min left" in text


def test_range_and_mileage_in_miles_when_chosen() -> None:
    settings = ChatSettings(chat_id=1, units=Units.MILES)
    text = render_status(CATALOGS.translator("en"), _view("zoe50_charging"), settings, NOW)
    assert "🔋 62% · 126 mi" in text
    assert "Mileage: 14,575 mi" in text


def test_report_age_is_in_the_users_time_zone() -> None:
    settings = ChatSettings(chat_id=1, time_zone="America/New_York")
    text = render_status(CATALOGS.translator("en"), _view("zoe50_charging"), settings, NOW)
    assert "🕒 Reported 12 min ago (02:48)" in text


@pytest.mark.parametrize(
    ("reason", "expected"),
    [("renault_down", "Renault cannot be reached"), ("something_new", "Live data is not available")],
)
def test_stale_data_says_why_and_keeps_the_values(reason: str, expected: str) -> None:
    text = render_status(
        CATALOGS.translator("en"), _view("zoe50_charging", reason), ChatSettings(chat_id=1), NOW
    )
    assert expected in text
    assert "🔋 62%" in text
