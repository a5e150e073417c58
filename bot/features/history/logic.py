"""Charge history as pure logic: charge sessions from battery readings, and how /history sums one up.

A session opens at the first reading that shows a charge in progress, from the level of the reading before
it (the one charge tracker, `bot.domain.charge_tracking`, which the pings follow too), and closes at the
first one that shows none (a reading that says nothing, an unknown phase, changes nothing). Its kWh are the
change of the car's own energy counter when it reported one at both ends and the change is plausible, else
estimated from the levels and the model's usable capacity (`bot.domain.session_energy`); the session
remembers which. Average power is kWh over duration. The readings and sessions themselves are shared values
(`bot.domain.history`): costs read them too.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.charge_tracking import ChargeInProgress, charging
from bot.domain.history import BatteryReading, ChargeSession
from bot.domain.models import ModelTraits
from bot.domain.pricing import EnergyMethod
from bot.domain.session_energy import session_energy
from bot.domain.snapshot import PlugState, VehicleSnapshot

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


def reading_of(vehicle_id: int, snapshot: VehicleSnapshot, traits: ModelTraits) -> BatteryReading | None:
    """The history reading of a battery report; None when the car gave no report time."""
    if snapshot.reported_at is None:
        return None
    return BatteryReading(
        vehicle_id=vehicle_id,
        reported_at=snapshot.reported_at,
        level=snapshot.battery_level,
        range_km=snapshot.range_km,
        charging=charging(snapshot, traits) is True,
        power_kw=snapshot.charging_power_kw,
        plugged=None if snapshot.plug is PlugState.UNKNOWN else snapshot.plug is PlugState.PLUGGED,
        mileage_km=snapshot.mileage_km,
        available_energy_kwh=snapshot.available_energy_kwh or None,  # 0 means "not reported"
    )


def open_session(vehicle_id: int, start: ChargeInProgress) -> ChargeSession:
    """The stored session of a charge the tracker saw start (`bot.domain.charge_tracking.charge_started`)."""
    return ChargeSession(
        vehicle_id,
        start.started_at,
        start_level=start.start_level,
        start_energy_kwh=start.start_energy_kwh or None,  # 0 means "not reported"
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
