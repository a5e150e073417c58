"""Battery history: readings from the poller, charge sessions derived from them, retention, /history data.

A session opens at the first reading that shows a charge in progress and closes at the first one that does
not; kWh are the change of the car's own energy counter when it reported one at both ends and the change is
plausible, else estimated from the levels and the model's usable capacity (`bot.domain.session_energy`);
the session remembers which. Average power is kWh over duration.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.history import BatteryReading, ChargeSession
from bot.domain.models import ModelTraits
from bot.domain.pricing import EnergyMethod
from bot.domain.session_energy import session_energy
from bot.domain.vehicle import LinkedVehicle, Right
from bot.services import errors
from bot.services.access import authorize
from bot.services.ports import ChatRepository, Clock, HistoryRepository, VehicleRepository

DEFAULT_RETENTION = timedelta(days=180)
CHART_DAYS = 7
SESSIONS_SHOWN = 5


@dataclass(frozen=True, slots=True)
class SessionSummary:
    """One charge as /history shows it."""

    started_at: datetime
    ended_at: datetime | None
    start_level: int | None
    end_level: int | None
    energy_kwh: float | None
    energy_method: EnergyMethod | None = None

    @property
    def duration(self) -> timedelta | None:
        """How long the charge lasted (None while still charging)."""
        return None if self.ended_at is None else self.ended_at - self.started_at

    @property
    def average_power_kw(self) -> float | None:
        """Energy over duration, when both are known."""
        duration = self.duration
        if self.energy_kwh is None or duration is None or duration <= timedelta(0):
            return None
        return round(self.energy_kwh / (duration.total_seconds() / 3600), 1)


@dataclass(frozen=True, slots=True)
class HistoryView:
    """What /history renders: the vehicle, its recent charges (newest first) and the last days of readings."""

    vehicle: LinkedVehicle
    sessions: tuple[SessionSummary, ...]
    readings: tuple[BatteryReading, ...]
    since: datetime
    until: datetime


def summarise(session: ChargeSession) -> SessionSummary:
    """The summary of a stored session."""
    return SessionSummary(
        session.started_at,
        session.ended_at,
        session.start_level,
        session.end_level,
        session.energy_kwh,
        session.energy_method,
    )


def derive_sessions(readings: Sequence[BatteryReading], traits: ModelTraits) -> list[ChargeSession]:
    """Charge sessions in a run of readings (oldest first); the last one stays open if still charging."""
    sessions: list[ChargeSession] = []
    current: ChargeSession | None = None
    for reading in readings:
        if reading.charging:
            if current is None:
                current = _open(reading)
            current = _extend(current, reading, traits)
        elif current is not None:
            sessions.append(_close(current, reading, traits))
            current = None
    if current is not None:
        sessions.append(current)
    return sessions


def _open(reading: BatteryReading) -> ChargeSession:
    return ChargeSession(
        reading.vehicle_id,
        reading.reported_at,
        start_level=reading.level,
        start_energy_kwh=reading.available_energy_kwh,
    )


def _extend(session: ChargeSession, reading: BatteryReading, traits: ModelTraits) -> ChargeSession:
    return _with_energy(
        dataclasses.replace(session, end_level=reading.level, end_energy_kwh=reading.available_energy_kwh),
        traits,
    )


def _close(session: ChargeSession, reading: BatteryReading, traits: ModelTraits) -> ChargeSession:
    # The charge ended at the latest by this reading; its level (and counter) is what was reached.
    end_level = reading.level if reading.level is not None else session.end_level
    end_energy = reading.available_energy_kwh or session.end_energy_kwh
    return _with_energy(
        dataclasses.replace(
            session, ended_at=reading.reported_at, end_level=end_level, end_energy_kwh=end_energy
        ),
        traits,
    )


def _with_energy(session: ChargeSession, traits: ModelTraits) -> ChargeSession:
    energy = session_energy(
        traits, session.start_level, session.end_level, session.start_energy_kwh, session.end_energy_kwh
    )
    return dataclasses.replace(
        session,
        energy_kwh=None if energy is None else energy.kwh,
        energy_method=None if energy is None else energy.method,
    )


class HistoryService:
    """Records readings and sessions for the poller, purges old ones, and answers /history."""

    def __init__(
        self,
        history: HistoryRepository,
        vehicles: VehicleRepository,
        chats: ChatRepository,
        clock: Clock,
        *,
        retention: timedelta = DEFAULT_RETENTION,
    ) -> None:
        self._history = history
        self._vehicles = vehicles
        self._chats = chats
        self._clock = clock
        self._retention = retention

    async def record(self, reading: BatteryReading | None, was_charging: bool, traits: ModelTraits) -> None:
        """Store a reading and open, extend or close the current charge session."""
        if reading is None or not await self._history.add_reading(reading):
            return  # no report time, or the car sent the same report again
        if not reading.charging and not was_charging:
            return  # nothing to do for sessions: spares a query on most polls
        latest = await self._history.sessions(reading.vehicle_id, 1)
        open_session = latest[0] if latest and latest[0].ended_at is None else None
        if reading.charging:
            if open_session is None:
                open_session = _open(reading)
            await self._history.add_session(_extend(open_session, reading, traits))
        elif open_session is not None:
            await self._history.add_session(_close(open_session, reading, traits))

    async def purge(self) -> int:
        """Delete readings and sessions older than the retention period; returns how many rows went."""
        return await self._history.purge(self._clock() - self._retention)

    async def overview(self, chat_id: int, vehicle_id: int | None = None) -> HistoryView:
        """The /history data for the chat's active (or given) vehicle; raises NotLinked / NotPermitted."""
        vehicle = await self._vehicle_for(chat_id, vehicle_id)
        now = self._clock()
        since = now - timedelta(days=CHART_DAYS)
        sessions = await self._history.sessions(vehicle.vehicle_id, SESSIONS_SHOWN)
        readings = await self._history.readings(vehicle.vehicle_id, since)
        return HistoryView(
            vehicle=vehicle,
            sessions=tuple(summarise(s) for s in sessions),
            readings=tuple(readings),
            since=since,
            until=now,
        )

    async def _vehicle_for(self, chat_id: int, vehicle_id: int | None) -> LinkedVehicle:
        linked = await self._vehicles.vehicles_for_chat(chat_id)
        if not linked:
            raise errors.NotLinked()
        wanted = vehicle_id if vehicle_id is not None else await self._chats.active_vehicle(chat_id)
        if wanted is None:
            return authorize(linked[0], Right.READ)
        for vehicle in linked:
            if vehicle.vehicle_id == wanted:
                return authorize(vehicle, Right.READ)
        raise errors.NotPermitted()
