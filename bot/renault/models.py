"""Parsed vehicle read models: snake_case, units normalised (kW, minutes, km, aware UTC datetimes)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

from bot.renault.parsing import enum_value, integer, number, text, timestamp


class PlugStatus(Enum):
    """plugStatus (§4.1)."""

    UNPLUGGED = 0
    PLUGGED = 1
    PLUG_ERROR = -1
    PLUG_UNKNOWN = -2147483648
    UNKNOWN = "unknown"


class ChargingStatus(Enum):
    """chargingStatus (§4.1)."""

    NOT_IN_CHARGE = 0.0
    WAITING_FOR_A_PLANNED_CHARGE = 0.1
    CHARGE_ENDED = 0.2
    WAITING_FOR_CURRENT_CHARGE = 0.3
    ENERGY_FLAP_OPENED = 0.4
    CHARGE_IN_PROGRESS = 1.0
    CHARGE_ERROR = -1.0
    UNAVAILABLE = -1.1
    V2G_CHARGING_WAITING = -1.3
    V2L_CONNECTED = -1.4
    V2G_DISCHARGING = -1.5
    V2G_CHARGING_NORMAL = -1.6
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class BatteryStatus:
    """battery-status, with charging power always in kW."""

    timestamp: datetime | None
    battery_level: int | None
    autonomy_km: float | None
    plug_status: PlugStatus
    charging_status: ChargingStatus
    charging_power_kw: float | None
    remaining_minutes: int | None
    available_energy_kwh: float | None
    temperature_c: float | None


def parse_battery_status(attrs: Mapping[str, Any], power_in_watts: bool = False) -> BatteryStatus:
    """Parse battery-status attributes; X101VE reports power in W (§6.6)."""
    power = number(attrs.get("chargingInstantaneousPower"))
    if power is not None and power_in_watts:
        power /= 1000.0
    energy = number(attrs.get("batteryAvailableEnergy"))
    return BatteryStatus(
        timestamp=timestamp(attrs.get("timestamp")),
        battery_level=integer(attrs.get("batteryLevel")),
        autonomy_km=number(attrs.get("batteryAutonomy")),
        plug_status=enum_value(PlugStatus, attrs.get("plugStatus"), PlugStatus.UNKNOWN, "plugStatus"),
        charging_status=enum_value(
            ChargingStatus, number(attrs.get("chargingStatus")), ChargingStatus.UNKNOWN, "chargingStatus"
        ),
        charging_power_kw=power,
        remaining_minutes=integer(attrs.get("chargingRemainingTime")),
        available_energy_kwh=energy or None,  # 0 means "not reported"
        temperature_c=number(attrs.get("batteryTemperature")),
    )


@dataclass(frozen=True)
class Cockpit:
    """cockpit: odometer and fuel."""

    total_mileage_km: float | None
    fuel_autonomy_km: float | None
    fuel_quantity_l: float | None
    timestamp: datetime | None


def parse_cockpit(attrs: Mapping[str, Any]) -> Cockpit:
    """Parse cockpit attributes."""
    return Cockpit(
        total_mileage_km=number(attrs.get("totalMileage")),
        fuel_autonomy_km=number(attrs.get("fuelAutonomy")),
        fuel_quantity_l=number(attrs.get("fuelQuantity")),
        timestamp=timestamp(attrs.get("timestamp")),
    )


@dataclass(frozen=True)
class HvacStatus:
    """hvac-status."""

    on: bool | None
    external_temp: float | None
    internal_temp: float | None
    soc_threshold: float | None
    next_start: datetime | None
    last_update: datetime | None


def parse_hvac_status(attrs: Mapping[str, Any]) -> HvacStatus:
    """Parse hvac-status attributes."""
    status = attrs.get("hvacStatus")
    return HvacStatus(
        on={"on": True, "off": False}.get(str(status).lower()) if status is not None else None,
        external_temp=number(attrs.get("externalTemperature")),
        internal_temp=number(attrs.get("internalTemperature")),
        soc_threshold=number(attrs.get("socThreshold")),
        next_start=timestamp(attrs.get("nextHvacStartDate")),
        last_update=timestamp(attrs.get("lastUpdateTime")),
    )


@dataclass(frozen=True)
class Location:
    """location: GPS position."""

    lat: float | None
    lon: float | None
    last_update: datetime | None
    direction: float | None = None


def parse_location(attrs: Mapping[str, Any]) -> Location:
    """Parse location attributes."""
    return Location(
        lat=number(attrs.get("gpsLatitude")),
        lon=number(attrs.get("gpsLongitude")),
        last_update=timestamp(attrs.get("lastUpdateTime")),
        direction=number(attrs.get("gpsDirection")),
    )


@dataclass(frozen=True)
class LockStatus:
    """lock-status, with the newer statusDoor* names folded onto the classic ones."""

    lock_status: str | None
    door_driver: str | None
    door_passenger: str | None
    door_rear_left: str | None
    door_rear_right: str | None
    hatch: str | None
    last_update: datetime | None


def parse_lock_status(attrs: Mapping[str, Any]) -> LockStatus:
    """Parse lock-status attributes (§4.6)."""

    def door(classic: str, newer: str) -> str | None:
        return text(attrs.get(classic, attrs.get(newer)))

    return LockStatus(
        lock_status=text(attrs.get("lockStatus")),
        door_driver=door("doorStatusDriver", "statusDoorDriver"),
        door_passenger=door("doorStatusPassenger", "statusDoorPassenger"),
        door_rear_left=door("doorStatusRearLeft", "statusDoorRearLeft"),
        door_rear_right=door("doorStatusRearRight", "statusDoorRearRight"),
        hatch=door("hatchStatus", "statusDoorTailGate"),
        last_update=timestamp(attrs.get("lastUpdateTime")),
    )


@dataclass(frozen=True)
class TyrePressure:
    """pressure: tyre pressures in mbar and warning statuses."""

    front_left_mbar: int | None
    front_right_mbar: int | None
    rear_left_mbar: int | None
    rear_right_mbar: int | None
    statuses: tuple[int | None, int | None, int | None, int | None]


def parse_pressure(attrs: Mapping[str, Any]) -> TyrePressure:
    """Parse pressure attributes."""
    return TyrePressure(
        front_left_mbar=integer(attrs.get("flPressure")),
        front_right_mbar=integer(attrs.get("frPressure")),
        rear_left_mbar=integer(attrs.get("rlPressure")),
        rear_right_mbar=integer(attrs.get("rrPressure")),
        statuses=(
            integer(attrs.get("flStatus")),
            integer(attrs.get("frStatus")),
            integer(attrs.get("rlStatus")),
            integer(attrs.get("rrStatus")),
        ),
    )


@dataclass(frozen=True)
class ResState:
    """res-state: remote engine start state."""

    code: str | None
    details: str | None


def parse_res_state(attrs: Mapping[str, Any]) -> ResState:
    """Parse res-state attributes."""
    return ResState(code=text(attrs.get("code")), details=text(attrs.get("details")))


class RenaultChargeMode(Enum):
    """Normalised charge mode (reads use always/scheduled or always_charging/schedule_mode)."""

    ALWAYS = "always"
    SCHEDULED = "scheduled"
    DELAYED = "delayed"
    UNKNOWN = "unknown"


_CHARGE_MODE_ALIASES = {"always_charging": "always", "schedule_mode": "scheduled"}


def charge_mode_of(value: Any) -> RenaultChargeMode:
    """RenaultChargeMode from any of the wire spellings."""
    raw = str(value).lower() if value is not None else None
    return enum_value(
        RenaultChargeMode, _CHARGE_MODE_ALIASES.get(raw or "", raw), RenaultChargeMode.UNKNOWN, "chargeMode"
    )


@dataclass(frozen=True)
class ChargeModeInfo:
    """charge-mode read."""

    mode: RenaultChargeMode


def parse_charge_mode(attrs: Mapping[str, Any]) -> ChargeModeInfo:
    """Parse charge-mode attributes."""
    return ChargeModeInfo(mode=charge_mode_of(attrs.get("chargeMode")))


@dataclass(frozen=True)
class SocLevels:
    """soc-levels (KCM): charge limits in %."""

    soc_min: int | None
    soc_target: int | None
    last_update: datetime | None


def parse_soc_levels(body: Mapping[str, Any]) -> SocLevels:
    """Parse the bare soc-levels object."""
    return SocLevels(
        soc_min=integer(body.get("socMin")),
        soc_target=integer(body.get("socTarget")),
        last_update=timestamp(body.get("lastEnergyUpdateTimestamp")),
    )


@dataclass(frozen=True)
class ActionResult:
    """What the backend answered to an action: accepted, with an id when it gave one."""

    action: str
    id: str | None
    status: str | None = None


def parse_action_result(action: str, body: Any) -> ActionResult:
    """Parse an action answer (JSON:API echo or a bare KCM object)."""
    if isinstance(body, Mapping):
        data = body.get("data")
        if isinstance(data, Mapping):
            return ActionResult(action, text(data.get("id")))
        return ActionResult(action, text(body.get("commandId")), text(body.get("status")))
    return ActionResult(action, None)


__all__ = [
    "ActionResult",
    "BatteryStatus",
    "ChargeModeInfo",
    "ChargingStatus",
    "Cockpit",
    "HvacStatus",
    "Location",
    "LockStatus",
    "PlugStatus",
    "RenaultChargeMode",
    "ResState",
    "SocLevels",
    "TyrePressure",
]
