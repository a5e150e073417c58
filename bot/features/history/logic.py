"""Charge history as pure logic: charge sessions derived from battery readings, and how /history sums one up.

A session opens at the first reading that shows a charge in progress and closes at the first one that does
not; kWh are the change of the car's own energy counter when it reported one at both ends and the change is
plausible, else estimated from the levels and the model's usable capacity (`bot.domain.session_energy`);
the session remembers which. Average power is kWh over duration. The readings and sessions themselves are
shared values (`bot.domain.history`): costs read them too.
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
                current = open_session(reading)
            current = extend_session(current, reading, traits)
        elif current is not None:
            sessions.append(close_session(current, reading, traits))
            current = None
    if current is not None:
        sessions.append(current)
    return sessions


def open_session(reading: BatteryReading) -> ChargeSession:
    """A session starting at the first reading that shows a charge in progress."""
    return ChargeSession(
        reading.vehicle_id,
        reading.reported_at,
        start_level=reading.level,
        start_energy_kwh=reading.available_energy_kwh,
    )


def extend_session(session: ChargeSession, reading: BatteryReading, traits: ModelTraits) -> ChargeSession:
    """The open session grown to a later reading of the same charge."""
    return _with_energy(
        dataclasses.replace(session, end_level=reading.level, end_energy_kwh=reading.available_energy_kwh),
        traits,
    )


def close_session(session: ChargeSession, reading: BatteryReading, traits: ModelTraits) -> ChargeSession:
    """The session ended by the first reading that shows no charge."""
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
