"""The one check of what a chat may do with a car: every use case passes through `authorize`.

Roles and their rights are domain data (`bot.domain.vehicle.Role.rights`); keyboards use the same table to
hide what a role may not do, but a button proves nothing: the services check again here, before any
Renault call, whatever a payload says.

The car's position is read only with a `Located`, which only `located` hands out, after `authorize` granted
`Right.LOCATE` (through `LinkingPort.locate`): `RenaultGateway.read_location` takes nothing else, so a
position read that skipped the check does not type-check. A place derived from a position (home or away)
is shown only where `allows(vehicle, Right.LOCATE)` (SECURITY.md).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.domain.vehicle import LinkedVehicle, Right
from bot.services.errors import NotLinked, NotPermitted

log = logging.getLogger(__name__)


def allows(vehicle: LinkedVehicle, needs: Right) -> bool:
    """Whether the chat's role on this vehicle grants `needs` (no log: for what is shown, not done)."""
    return needs in vehicle.rights


def authorize(vehicle: LinkedVehicle, needs: Right) -> LinkedVehicle:
    """The vehicle when the chat's role grants `needs`; else `NotPermitted` (logged, no Renault call)."""
    if allows(vehicle, needs):
        return vehicle
    log.info("refused %s on vehicle %s to a %s", needs.value, vehicle.vehicle_id, vehicle.role.value)
    raise NotPermitted()


_GRANTED = object()


@dataclass(frozen=True, slots=True)
class Located:
    """Proof that a chat holds the location right on a vehicle: what a position read needs."""

    chat_id: int
    vehicle: LinkedVehicle
    _grant: object = field(repr=False, compare=False)

    def __post_init__(self) -> None:
        if self._grant is not _GRANTED:
            raise TypeError("a Located is made by bot.services.access.located only")


def located(chat_id: int, vehicle: LinkedVehicle) -> Located:
    """The proof that `chat_id` may see where `vehicle` is; `NotPermitted` (logged) without the right."""
    return Located(chat_id, authorize(vehicle, Right.LOCATE), _GRANTED)


def active_of(visible: Sequence[LinkedVehicle], chosen: int | None) -> LinkedVehicle:
    """Of the vehicles a chat sees, the one it chose (the first one when none was, or it is gone);
    NotLinked when it sees none."""
    if not visible:
        raise NotLinked()
    for vehicle in visible:
        if vehicle.vehicle_id == chosen:
            return vehicle
    return visible[0]
