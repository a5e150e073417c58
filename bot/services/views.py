"""What use cases hand back to the presentation layer: plain frozen values, no rows, no wire models."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.snapshot import VehicleSnapshot
from bot.domain.vehicle import LinkedVehicle


@dataclass(frozen=True, slots=True)
class ActionOutcome:
    """The result of an action sent to the car: accepted by Renault, and confirmed by the car or not yet."""

    vehicle: LinkedVehicle
    action: str
    accepted: bool
    confirmed: bool = False
    snapshot: VehicleSnapshot | None = None
