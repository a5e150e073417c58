"""What we know about a car at one moment, in units and names of our own (never Kamereon's)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum


class PlugState(Enum):
    """Whether a charging cable is connected."""

    UNPLUGGED = "unplugged"
    PLUGGED = "plugged"
    PLUG_ERROR = "plug_error"
    UNKNOWN = "unknown"


class ChargeState(Enum):
    """The car's own charging status code, by name; per-model meaning is decided in `phases`."""

    NOT_IN_CHARGE = "not_in_charge"
    WAITING_FOR_PLANNED_CHARGE = "waiting_for_planned_charge"
    CHARGE_ENDED = "charge_ended"
    WAITING_FOR_CURRENT_CHARGE = "waiting_for_current_charge"
    ENERGY_FLAP_OPENED = "energy_flap_opened"
    CHARGE_IN_PROGRESS = "charge_in_progress"
    CHARGE_ERROR = "charge_error"
    UNAVAILABLE = "unavailable"
    V2G_CHARGING_WAITING = "v2g_charging_waiting"
    V2L_CONNECTED = "v2l_connected"
    V2G_DISCHARGING = "v2g_discharging"
    V2G_CHARGING_NORMAL = "v2g_charging_normal"
    UNKNOWN = "unknown"


class ChargeMode(Enum):
    """When the car charges once plugged in."""

    ALWAYS = "always"
    SCHEDULED = "scheduled"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class GeoPoint:
    """A reported GPS position (`read_at`: when we read it from Renault, once stored)."""

    latitude: float
    longitude: float
    reported_at: datetime | None = None
    read_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class VehicleSnapshot:
    """One reading of a vehicle; every field the model does not report stays None."""

    vin: str
    reported_at: datetime | None = None
    battery_level: int | None = None
    range_km: float | None = None
    plug: PlugState = PlugState.UNKNOWN
    charge: ChargeState = ChargeState.UNKNOWN
    charging_power_kw: float | None = None
    remaining_minutes: int | None = None
    available_energy_kwh: float | None = None
    battery_temperature_c: float | None = None
    mileage_km: float | None = None
    hvac_on: bool | None = None
    outside_temperature_c: float | None = None
    cabin_temperature_c: float | None = None
    location: GeoPoint | None = None
    charge_mode: ChargeMode | None = None
