"""The status use case's port: what /status, its Refresh and /where ask of it, its views, and its key.

The template every feature package follows is in docs/architecture.md, "A feature's package". The stored
state it reads is the kernel's (`bot.services.ports.CardStates`), which every replica and the poller share.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.domain.preferences import ChatSettings
from bot.domain.snapshot import GeoPoint, VehicleSnapshot
from bot.domain.vehicle import LinkedVehicle
from bot.services.features import FeatureKey


@dataclass(frozen=True, slots=True)
class StatusView:
    """The data behind a /status card; `stale_reason` is set when live data could not be read."""

    vehicle: LinkedVehicle
    snapshot: VehicleSnapshot
    fetched_at: datetime
    stale_reason: str | None = None


@dataclass(frozen=True, slots=True)
class LocationView:
    """Where the car was last reported; `stale_reason` is set when it could not be read live."""

    vehicle: LinkedVehicle
    point: GeoPoint
    stale_reason: str | None = None


class StatusPort(Protocol):
    """Reading a car's state (use_cases.StatusService)."""

    async def status(
        self, chat_id: int, vehicle_id: int | None = None, *, refresh: bool = False
    ) -> StatusView:
        """The data behind a /status card."""
        ...

    async def card(self, chat_id: int) -> tuple[ChatSettings, StatusView] | None:
        """A known chat's settings and /status card in one read; None for a chat without settings yet."""
        ...

    async def location(self, chat_id: int, vehicle_id: int | None = None) -> LocationView:
        """Where the car was last reported."""
        ...


STATUS: FeatureKey[StatusPort] = FeatureKey("status")
"""Where the front-ends find the status use case."""
