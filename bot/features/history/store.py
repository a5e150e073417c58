"""Charge history's store: battery readings and charge sessions on the database kernel (unique per vehicle
and time, so replicas never double-write), and the purge of old ones with the sessions' prices.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.domain.history import BatteryReading, ChargeSession
from bot.persistence.engine import Database
from bot.persistence.group_commit import GroupCommit, WriteLane
from bot.persistence.history import readings_between, session_of
from bot.persistence.tables import BatteryReadingRow, ChargeSessionRow, SessionCostRow


class SqlHistoryRepository:
    """`ports.HistoryRepository` on SQLAlchemy."""

    def __init__(self, db: Database, lane: WriteLane | None = None) -> None:
        self._db = db
        self._readings: GroupCommit[BatteryReading, bool] = GroupCommit(lane or db, _insert_new)

    async def add_reading(self, reading: BatteryReading) -> bool:
        """Store a reading; a duplicate is ignored (False). Readings of one sweep share a transaction."""
        try:
            return await self._readings.submit(reading)
        except IntegrityError:
            # Another replica stored one of the batch's readings first: store this one on its own.
            return await self._add_alone(reading)

    async def _add_alone(self, reading: BatteryReading) -> bool:
        try:
            async with self._db.write() as session:
                return (await _insert_new(session, [reading]))[0] is True
        except IntegrityError:
            return False

    async def readings(self, vehicle_id: int, since: datetime) -> list[BatteryReading]:
        """Readings at or after `since`, oldest first."""
        return [reading async for reading in readings_between(self._db, vehicle_id, since)]

    async def add_session(self, session_value: ChargeSession) -> None:
        """Insert a session, or update the one with the same vehicle and start time."""
        async with self._db.write() as session:
            row = await session.scalar(
                select(ChargeSessionRow)
                .where(
                    col(ChargeSessionRow.vehicle_id) == session_value.vehicle_id,
                    col(ChargeSessionRow.started_at) == session_value.started_at,
                )
                .with_for_update()
            )
            if row is None:
                row = ChargeSessionRow(
                    vehicle_id=session_value.vehicle_id, started_at=session_value.started_at
                )
                session.add(row)
            row.ended_at = session_value.ended_at
            row.start_level = session_value.start_level
            row.end_level = session_value.end_level
            row.energy_kwh = session_value.energy_kwh
            row.start_energy_kwh = session_value.start_energy_kwh
            row.end_energy_kwh = session_value.end_energy_kwh
            method = session_value.energy_method
            row.energy_method = None if method is None else method.value

    async def sessions(self, vehicle_id: int, limit: int) -> list[ChargeSession]:
        """Most recent sessions first."""
        async with self._db.read() as session:
            rows = await session.scalars(
                select(ChargeSessionRow)
                .where(col(ChargeSessionRow.vehicle_id) == vehicle_id)
                .order_by(col(ChargeSessionRow.started_at).desc())
                .limit(limit)
            )
            return [session_of(row) for row in rows]

    async def purge(self, before: datetime) -> int:
        """Delete readings and finished sessions older than `before`."""
        async with self._db.write() as session:
            readings = await session.execute(
                delete(BatteryReadingRow).where(col(BatteryReadingRow.reported_at) < before)
            )
            sessions = await session.execute(
                delete(ChargeSessionRow).where(col(ChargeSessionRow.started_at) < before)
            )
            # Priced sessions go with the sessions they price (HISTORY_RETENTION_DAYS covers both).
            costs = await session.execute(
                delete(SessionCostRow).where(col(SessionCostRow.started_at) < before)
            )
            return sum(int(getattr(result, "rowcount", 0)) for result in (readings, sessions, costs))


async def _insert_new(session: AsyncSession, readings: list[BatteryReading]) -> list[bool | Exception]:
    """Insert the readings not stored yet (same vehicle and report time); True for each one inserted."""
    vehicle_ids = {reading.vehicle_id for reading in readings}
    times = {reading.reported_at for reading in readings}
    stored = await session.execute(
        select(col(BatteryReadingRow.vehicle_id), col(BatteryReadingRow.reported_at)).where(
            col(BatteryReadingRow.vehicle_id).in_(vehicle_ids), col(BatteryReadingRow.reported_at).in_(times)
        )
    )
    seen = {(vehicle_id, _utc(reported_at)) for vehicle_id, reported_at in stored}
    results: list[bool | Exception] = []
    rows: list[dict[str, object]] = []
    for reading in readings:
        key = (reading.vehicle_id, _utc(reading.reported_at))
        if key in seen:
            results.append(False)
            continue
        seen.add(key)
        rows.append(
            {
                "vehicle_id": reading.vehicle_id,
                "reported_at": reading.reported_at,
                "level": reading.level,
                "range_km": reading.range_km,
                "charging": reading.charging,
                "power_kw": reading.power_kw,
                "plugged": reading.plugged,
                "mileage_km": reading.mileage_km,
                "available_energy_kwh": reading.available_energy_kwh,
            }
        )
        results.append(True)
    if rows:
        # One executemany insert (Core, not one ORM object per row): a sweep stores hundreds at once.
        await session.execute(insert(BatteryReadingRow), rows)
    return results


def _utc(moment: datetime) -> datetime:
    # SQLite hands back naive UTC times; compare like with like.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
