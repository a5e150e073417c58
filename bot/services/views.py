"""What use cases hand back to the presentation layer: plain frozen values, no rows, no wire models."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.snapshot import VehicleSnapshot
from bot.domain.vehicle import LinkedVehicle


@dataclass(frozen=True, slots=True)
class LinkResult:
    """A successful link: the vehicles found and the one selected as active (None when there are none)."""

    account_id: int
    vehicles: tuple[LinkedVehicle, ...]
    active_vehicle_id: int | None


@dataclass(frozen=True, slots=True)
class CodeNeeded:
    """Renault e-mailed a two-factor code; pass this back with the code. Holds no secret itself."""

    challenge_id: str
    masked_emails: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ActionOutcome:
    """The result of an action sent to the car: accepted by Renault, and confirmed by the car or not yet."""

    vehicle: LinkedVehicle
    action: str
    accepted: bool
    confirmed: bool = False
    snapshot: VehicleSnapshot | None = None
