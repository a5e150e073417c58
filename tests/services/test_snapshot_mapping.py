"""Every Renault enum value maps to a domain value, and partial reads merge with what was known."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.domain.snapshot import ChargeState, GeoPoint, PlugState, VehicleSnapshot
from bot.renault import models as wire
from bot.services import snapshot_mapping as mapping

WHEN = datetime(2026, 11, 2, 7, 0, tzinfo=UTC)


def _battery(plug: wire.PlugStatus, charge: wire.ChargingStatus) -> wire.BatteryStatus:
    return wire.BatteryStatus(
        timestamp=WHEN,
        battery_level=64,
        autonomy_km=210.0,
        plug_status=plug,
        charging_status=charge,
        charging_power_kw=7.2,
        remaining_minutes=95,
        available_energy_kwh=None,
        temperature_c=None,
    )


@pytest.mark.parametrize("plug", list(wire.PlugStatus))
@pytest.mark.parametrize("charge", list(wire.ChargingStatus))
def test_every_wire_status_has_a_domain_meaning(plug: wire.PlugStatus, charge: wire.ChargingStatus) -> None:
    snapshot = mapping.from_battery("VF1TEST", _battery(plug, charge))
    assert isinstance(snapshot.plug, PlugState)
    assert isinstance(snapshot.charge, ChargeState)
    assert snapshot.battery_level == 64
    assert snapshot.range_km == 210.0
    assert snapshot.reported_at == WHEN


def test_charging_maps_to_charge_in_progress_with_power() -> None:
    battery = _battery(wire.PlugStatus.PLUGGED, wire.ChargingStatus.CHARGE_IN_PROGRESS)
    snapshot = mapping.from_battery("VF1TEST", battery)
    assert snapshot.plug is PlugState.PLUGGED
    assert snapshot.charge is ChargeState.CHARGE_IN_PROGRESS
    assert snapshot.charging_power_kw == 7.2
    assert snapshot.remaining_minutes == 95


def test_partial_read_keeps_last_known_mileage_and_location() -> None:
    previous = VehicleSnapshot(vin="VF1TEST", mileage_km=1234.0, location=GeoPoint(48.1, 11.2), hvac_on=False)
    fresh = VehicleSnapshot(vin="VF1TEST", battery_level=50)
    merged = mapping.merge_known(fresh, previous)
    assert merged.mileage_km == 1234.0
    assert merged.location == GeoPoint(48.1, 11.2)
    assert merged.hvac_on is False
    assert merged.battery_level == 50


def test_merge_ignores_another_car() -> None:
    previous = VehicleSnapshot(vin="OTHER", mileage_km=1.0)
    assert mapping.merge_known(VehicleSnapshot(vin="VF1TEST"), previous).mileage_km is None
