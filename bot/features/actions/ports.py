"""The actions use case's port: what the card's buttons and the menus ask of it, its request and outcome,
and its key.

The template every feature package follows is in docs/architecture.md, "A feature's package". The use case
also implements the schedule's port (`bot.features.schedule.ports.SchedulePort`), and it tells the polling
service what it sent through the kernel's `bot.services.ports.ActionWatcher`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.domain.actions import ActionKind
from bot.domain.snapshot import ChargeMode, VehicleSnapshot
from bot.domain.vehicle import LinkedVehicle
from bot.services.features import FeatureKey

# The cabin temperatures Renault takes for preconditioning, in °C.
TEMPERATURE_RANGE_C = (16.0, 27.0)


@dataclass(frozen=True, slots=True)
class ActionRequest:
    """What the user asked for, with the parameters some actions take."""

    kind: ActionKind
    temperature_c: float | None = None
    at: datetime | None = None
    charge_mode: ChargeMode | None = None
    min_level: int | None = None
    target_level: int | None = None


@dataclass(frozen=True, slots=True)
class ActionOutcome:
    """The result of an action sent to the car: accepted by Renault, and confirmed by the car or not yet."""

    vehicle: LinkedVehicle
    action: str
    accepted: bool
    confirmed: bool = False
    snapshot: VehicleSnapshot | None = None


class ActionsPort(Protocol):
    """Sending commands to a car (use_cases.ActionService)."""

    async def run(self, chat_id: int, vehicle_id: int, request: ActionRequest) -> ActionOutcome:
        """Check rights and the per-chat rate, send the action, report Renault's answer."""
        ...

    async def known_state(self, chat_id: int, vehicle_id: int) -> VehicleSnapshot | None:
        """The car's last stored reading, without asking Renault (None when it never reported)."""
        ...

    async def charge_mode(self, chat_id: int, vehicle_id: int) -> ChargeMode | None:
        """The car's charge mode, asked of Renault (None when the car does not tell it)."""
        ...


ACTIONS: FeatureKey[ActionsPort] = FeatureKey("actions")
"""Where the front-ends find the actions use case."""
