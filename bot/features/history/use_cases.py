"""Charge history's use cases: record the poller's readings and the sessions they make, purge old ones, and
answer /history (the session logic is in `logic.py`).
"""

from __future__ import annotations

from datetime import timedelta

from bot.domain.charge_tracking import ChargeStep
from bot.domain.models import ModelTraits
from bot.domain.snapshot import VehicleSnapshot
from bot.domain.vehicle import LinkedVehicle, Right
from bot.features.history.logic import (
    CHART_DAYS,
    DEFAULT_RETENTION,
    SESSIONS_SHOWN,
    close_session,
    extend_session,
    open_session,
    reading_of,
    summarise,
)
from bot.features.history.ports import HistoryRepository, HistoryView
from bot.services import errors
from bot.services.access import authorize
from bot.services.ports import ChatRepository, Clock, VehicleRepository


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

    async def record(
        self, vehicle_id: int, reading: VehicleSnapshot, step: ChargeStep | None, traits: ModelTraits
    ) -> None:
        """Store a reading and the charge session the vehicle's charge tracker's `step` opened, extended or
        closed (`bot.domain.charge_tracking`; None: a reading the tracker did not follow)."""
        row = reading_of(vehicle_id, reading, traits)
        if row is None:
            return  # no report time
        # A reading already stored (a /status Refresh stored it first) still carries the tracker's step.
        await self._history.add_reading(row)
        if step is None or not step.followed:
            return  # a reading the tracker did not follow, or one it had followed already: no session write
        if step.after is not None:
            await self._history.add_session(extend_session(open_session(vehicle_id, step.after), row, traits))
            return
        ended = step.ended
        if ended is None:
            return
        # The end keeps the last counter reported while charging when this reading has none.
        latest = await self._history.sessions(vehicle_id, 1)
        known = latest[0] if latest and latest[0].started_at == ended.started_at else None
        await self._history.add_session(close_session(known or open_session(vehicle_id, ended), row, traits))

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
