"""The one check of what a chat may do with a car: every use case passes through `authorize`.

Roles and their rights are domain data (`bot.domain.vehicle.Role.rights`); keyboards use the same table to
hide what a role may not do, but a button proves nothing: the services check again here, before any
Renault call, whatever a payload says.
"""

from __future__ import annotations

import logging

from bot.domain.vehicle import Right
from bot.services.errors import NotPermitted
from bot.services.views import LinkedVehicle

log = logging.getLogger(__name__)


def authorize(vehicle: LinkedVehicle, needs: Right) -> LinkedVehicle:
    """The vehicle when the chat's role grants `needs`; else `NotPermitted` (logged, no Renault call)."""
    if needs in vehicle.rights:
        return vehicle
    log.info("refused %s on vehicle %s to a %s", needs.value, vehicle.vehicle_id, vehicle.role.value)
    raise NotPermitted()
