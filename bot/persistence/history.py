"""Reading the stored battery readings and charge sessions, shared by the history feature's store and costs.

The rows are unique per vehicle and time, so replicas never double-write; the history feature
(`bot/features/history/store.py`) writes them, and purges them with the priced sessions.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime

from sqlalchemy import select
from sqlmodel import col

from bot.domain.history import BatteryReading, ChargeSession
from bot.domain.pricing import EnergyMethod
from bot.persistence.engine import Database
from bot.persistence.tables import BatteryReadingRow, ChargeSessionRow

PAGE = 500
"""Readings are read this many at a time, so an export never loads a year at once."""


async def sessions_between(
    db: Database, vehicle_id: int, since: datetime, until: datetime
) -> list[ChargeSession]:
    """The vehicle's sessions started in [since, until), oldest first."""
    async with db.read() as session:
        rows = await session.scalars(
            select(ChargeSessionRow)
            .where(
                col(ChargeSessionRow.vehicle_id) == vehicle_id,
                col(ChargeSessionRow.started_at) >= since,
                col(ChargeSessionRow.started_at) < until,
            )
            .order_by(col(ChargeSessionRow.started_at))
        )
        return [session_of(row) for row in rows]


async def readings_between(
    db: Database, vehicle_id: int, since: datetime, until: datetime | None = None
) -> AsyncIterator[BatteryReading]:
    """The vehicle's readings in [since, until) (no end: all from `since`), oldest first, a page at a time."""
    reported_at = col(BatteryReadingRow.reported_at)
    after = reported_at >= since
    while True:
        query = select(BatteryReadingRow).where(col(BatteryReadingRow.vehicle_id) == vehicle_id, after)
        if until is not None:
            query = query.where(reported_at < until)
        async with db.read() as session:
            rows = list(await session.scalars(query.order_by(reported_at).limit(PAGE)))
        for row in rows:
            yield reading_of(row)
        if len(rows) < PAGE:
            return
        after = reported_at > rows[-1].reported_at


def reading_of(row: BatteryReadingRow) -> BatteryReading:
    """The reading a row holds."""
    return BatteryReading(
        row.vehicle_id,
        row.reported_at,
        row.level,
        row.range_km,
        row.charging,
        row.power_kw,
        row.plugged,
        row.mileage_km,
        row.available_energy_kwh,
    )


def session_of(row: ChargeSessionRow) -> ChargeSession:
    """The session a row holds (one stored before the energy method existed has none: levels are used)."""
    return ChargeSession(
        row.vehicle_id,
        row.started_at,
        row.ended_at,
        row.start_level,
        row.end_level,
        row.energy_kwh,
        row.start_energy_kwh,
        row.end_energy_kwh,
        _method(row.energy_method),
    )


def _method(value: str | None) -> EnergyMethod | None:
    # An unknown value (written by a newer release) reads as "not known": the session falls back to levels.
    try:
        return None if value is None else EnergyMethod(value)
    except ValueError:
        return None
