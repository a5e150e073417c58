"""What one poll keeps of a car's report: the charging code, merged extra endpoints."""

from __future__ import annotations

import dataclasses

from bot.domain.snapshot import ChargeState, VehicleSnapshot


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
