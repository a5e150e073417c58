"""What one poll keeps of a car's report: the battery reading merged with the extra endpoints' fields."""

from __future__ import annotations

import dataclasses

from bot.domain.snapshot import VehicleSnapshot


def merged(base: VehicleSnapshot, extra: VehicleSnapshot) -> VehicleSnapshot:
    """The battery reading plus whatever another endpoint reported (mileage...), battery fields winning."""
    changes = {
        f.name: getattr(extra, f.name)
        for f in dataclasses.fields(extra)
        if f.name not in ("vin", "reported_at") and getattr(base, f.name) is None and getattr(extra, f.name)
    }
    return dataclasses.replace(base, **changes)
