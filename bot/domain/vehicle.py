"""Vehicles, the people linked to them, and what each role may do."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Right(Enum):
    """One thing a chat may do with a shared car; roles are sets of rights (see `Role.rights`)."""

    READ = "read"  # status, Refresh, history, pings, the chat's own settings
    LOCATE = "locate"  # the car's position
    COMMAND = "command"  # precondition, charge, schedule, smart charging, horn and lights
    MANAGE = "manage"  # invites, members, who sees the location


class Role(Enum):
    """A chat's place on an account: the owner holds the MyRenault login, members were invited."""

    OWNER = "owner"
    DRIVER = "driver"
    VIEWER = "viewer"

    def rights(self, *, location_shared: bool) -> frozenset[Right]:
        """What this role may do; a viewer sees the location only when the owner shares it."""
        if self is Role.OWNER:
            return _OWNER_RIGHTS
        if self is Role.DRIVER:
            return _DRIVER_RIGHTS
        return _VIEWER_WITH_LOCATION if location_shared else _VIEWER_RIGHTS


_OWNER_RIGHTS = frozenset(Right)
# A driver takes the car out: they need to find it, so the location is not up to the owner's switch.
_DRIVER_RIGHTS = frozenset({Right.READ, Right.LOCATE, Right.COMMAND})
_VIEWER_RIGHTS = frozenset({Right.READ})
_VIEWER_WITH_LOCATION = frozenset({Right.READ, Right.LOCATE})


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


@dataclass(frozen=True, slots=True)
class LinkedVehicle:
    """A vehicle as one chat sees it: our internal id, what it is, and the chat's rights on it."""

    vehicle_id: int
    account_id: int
    info: VehicleInfo
    role: Role
    capabilities: Capabilities = field(default_factory=Capabilities)
    location_shared: bool = False  # the owner lets viewers see where the car is

    @property
    def rights(self) -> frozenset[Right]:
        """What this chat may do with the vehicle."""
        return self.role.rights(location_shared=self.location_shared)
