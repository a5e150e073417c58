"""A car's history as pure values: battery readings at the car's own report time, and charge sessions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.pricing import EnergyMethod


@dataclass(frozen=True, slots=True)
class BatteryReading:
    """One battery reading at the car's own report time."""

    vehicle_id: int
    reported_at: datetime
    level: int | None
    range_km: float | None = None
    charging: bool = False
    power_kw: float | None = None
    plugged: bool | None = None
    mileage_km: float | None = None
    available_energy_kwh: float | None = None  # the car's own counter; None when it reports none


@dataclass(frozen=True, slots=True)
class ChargeSession:
    """One charge, from start to end (end None while still charging), with how its kWh were found."""

    vehicle_id: int
    started_at: datetime
    ended_at: datetime | None = None
    start_level: int | None = None
    end_level: int | None = None
    energy_kwh: float | None = None
    # The car's energy counter at both ends (None when not reported); sessions stored before it have none.
    start_energy_kwh: float | None = None
    end_energy_kwh: float | None = None
    energy_method: EnergyMethod | None = None
