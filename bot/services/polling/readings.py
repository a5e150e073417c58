"""What one poll keeps of a car's report: the history reading, the charging flag, merged extra endpoints."""

from __future__ import annotations

import dataclasses

from bot.domain.history import BatteryReading
from bot.domain.snapshot import ChargeState, PlugState, VehicleSnapshot


def reading_of(vehicle_id: int, snapshot: VehicleSnapshot) -> BatteryReading | None:
    """The history reading of a battery report; None when the car gave no report time."""
    if snapshot.reported_at is None:
        return None
    return BatteryReading(
        vehicle_id=vehicle_id,
        reported_at=snapshot.reported_at,
        level=snapshot.battery_level,
        range_km=snapshot.range_km,
        charging=reports_charging(snapshot),
        power_kw=snapshot.charging_power_kw,
        plugged=None if snapshot.plug is PlugState.UNKNOWN else snapshot.plug is PlugState.PLUGGED,
        mileage_km=snapshot.mileage_km,
        available_energy_kwh=snapshot.available_energy_kwh or None,  # 0 means "not reported"
    )


def reports_charging(snapshot: VehicleSnapshot) -> bool:
    """Whether a reading shows a charge in progress (model-independent: only the in-progress code counts)."""
    return snapshot.charge is ChargeState.CHARGE_IN_PROGRESS


def merged(base: VehicleSnapshot, extra: VehicleSnapshot) -> VehicleSnapshot:
    """The battery reading plus whatever another endpoint reported (mileage...), battery fields winning."""
    changes = {
        f.name: getattr(extra, f.name)
        for f in dataclasses.fields(extra)
        if f.name not in ("vin", "reported_at") and getattr(base, f.name) is None and getattr(extra, f.name)
    }
    return dataclasses.replace(base, **changes)
