"""Charge history's ports: the store it needs, the use case it offers /history, and its key.

The template every feature package follows is in docs/architecture.md, "A feature's package". The poller
and /status record readings through `bot.services.ports.ReadingRecorder`, which the use case implements.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.domain.history import BatteryReading, ChargeSession
from bot.domain.vehicle import LinkedVehicle
from bot.features.history.logic import SessionSummary
from bot.services.features import FeatureKey

# What the store needs.


class HistoryRepository(Protocol):
    """Battery readings and charge sessions."""

    async def add_reading(self, reading: BatteryReading) -> bool:
        """Store a reading; a duplicate (same vehicle and report time) is ignored and returns False."""
        ...

    async def readings(self, vehicle_id: int, since: datetime) -> list[BatteryReading]:
        """Readings reported at or after `since`, oldest first."""
        ...

    async def add_session(self, session: ChargeSession) -> None:
        """Store a charge session; the same vehicle and start time updates the existing one."""
        ...

    async def sessions(self, vehicle_id: int, limit: int) -> list[ChargeSession]:
        """The most recent sessions, newest first."""
        ...

    async def purge(self, before: datetime) -> int:
        """Delete readings and sessions older than `before`; returns how many rows were deleted."""
        ...


# What the use case offers its front-ends.


@dataclass(frozen=True, slots=True)
class HistoryView:
    """What /history renders: the vehicle, its recent charges (newest first) and the last days of readings."""

    vehicle: LinkedVehicle
    sessions: tuple[SessionSummary, ...]
    readings: tuple[BatteryReading, ...]
    since: datetime
    until: datetime


class HistoryPort(Protocol):
    """The /history use case (use_cases.HistoryService)."""

    async def overview(self, chat_id: int, vehicle_id: int | None = None) -> HistoryView:
        """Recent sessions and readings of the chat's active vehicle."""
        ...


HISTORY: FeatureKey[HistoryPort] = FeatureKey("history")
"""Where the front-ends find the history use case (absent when it was not built)."""
