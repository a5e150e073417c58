"""Vehicles, the people linked to them, and what each role may do."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Role(Enum):
    """A chat's rights on an account's vehicles."""

    OWNER = "owner"
    DRIVER = "driver"
    VIEWER = "viewer"

    @property
    def may_command(self) -> bool:
        """Owners and drivers may send commands to the car; viewers only read and get pings."""
        return self is not Role.VIEWER


@dataclass(frozen=True, slots=True)
class VehicleInfo:
    """A vehicle as listed on a Renault account."""

    vin: str
    model_code: str
    model_name: str
    brand: str = "RENAULT"
    plate: str | None = None

    @property
    def vin_tail(self) -> str:
        """The last characters of the VIN, enough to tell cars apart without exposing the VIN."""
        return self.vin[-5:]


@dataclass(frozen=True, slots=True)
class Capabilities:
    """Which endpoints the vehicle supports; names are endpoint keys (e.g. 'hvac-start')."""

    supported: frozenset[str] = field(default_factory=frozenset)

    def supports(self, endpoint: str) -> bool:
        """Whether the endpoint is available for this vehicle."""
        return endpoint in self.supported
