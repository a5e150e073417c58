"""JSON forms of domain values stored in JSON columns (snapshots, preferences); tolerant of unknown values."""

from __future__ import annotations

from datetime import datetime, time
from enum import Enum
from typing import Any, TypeVar

from bot.domain.preferences import NotificationKind, NotificationPreferences
from bot.domain.snapshot import ChargeMode, ChargeState, GeoPoint, PlugState, VehicleSnapshot

E = TypeVar("E", bound=Enum)


def _enum(kind: type[E], raw: Any, fallback: E) -> E:
    try:
        return kind(raw)
    except ValueError:
        # A value written by a newer release must not crash an older one during a rolling deploy.
        return fallback


def _dt(raw: Any) -> datetime | None:
    return datetime.fromisoformat(raw) if isinstance(raw, str) else None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


_PLAIN_FIELDS = (
    "battery_level",
    "range_km",
    "charging_power_kw",
    "remaining_minutes",
    "available_energy_kwh",
    "battery_temperature_c",
    "mileage_km",
    "hvac_on",
    "outside_temperature_c",
    "cabin_temperature_c",
)


def snapshot_to_json(snapshot: VehicleSnapshot) -> dict[str, Any]:
    """A JSON-able dict for a snapshot."""
    data: dict[str, Any] = {name: getattr(snapshot, name) for name in _PLAIN_FIELDS}
    data.update(
        vin=snapshot.vin,
        reported_at=_iso(snapshot.reported_at),
        plug=snapshot.plug.value,
        charge=snapshot.charge.value,
        charge_mode=snapshot.charge_mode.value if snapshot.charge_mode else None,
        location=None,
    )
    if snapshot.location is not None:
        point = snapshot.location
        data["location"] = {
            "latitude": point.latitude,
            "longitude": point.longitude,
            "reported_at": _iso(point.reported_at),
            "read_at": _iso(point.read_at),
        }
    return data


def snapshot_from_json(data: dict[str, Any]) -> VehicleSnapshot:
    """The snapshot stored by `snapshot_to_json`."""
    location = data.get("location")
    point = None
    if isinstance(location, dict):
        point = GeoPoint(
            location["latitude"],
            location["longitude"],
            _dt(location.get("reported_at")),
            _dt(location.get("read_at")),
        )
    mode = data.get("charge_mode")
    return VehicleSnapshot(
        vin=str(data["vin"]),
        reported_at=_dt(data.get("reported_at")),
        plug=_enum(PlugState, data.get("plug"), PlugState.UNKNOWN),
        charge=_enum(ChargeState, data.get("charge"), ChargeState.UNKNOWN),
        charge_mode=None if mode is None else _enum(ChargeMode, mode, ChargeMode.UNKNOWN),
        location=point,
        **{name: data.get(name) for name in _PLAIN_FIELDS},
    )


def preferences_to_json(prefs: NotificationPreferences) -> dict[str, Any]:
    """A JSON-able dict for notification preferences."""
    return {
        "enabled": sorted(kind.value for kind in prefs.enabled),
        "low_battery_threshold": prefs.low_battery_threshold,
        "target_level": prefs.target_level,
        "stop_at_target": prefs.stop_at_target,
        "reminder_time": prefs.reminder_time.isoformat() if prefs.reminder_time else None,
        "reminder_below_level": prefs.reminder_below_level,
    }


_KINDS_BY_VALUE = {kind.value: kind for kind in NotificationKind}


def preferences_from_json(data: dict[str, Any] | None) -> NotificationPreferences:
    """Preferences stored by `preferences_to_json`; defaults when nothing was stored."""
    if not data:
        return NotificationPreferences()
    known = _KINDS_BY_VALUE
    reminder = data.get("reminder_time")
    return NotificationPreferences(
        enabled=frozenset(known[value] for value in data.get("enabled", []) if value in known),
        low_battery_threshold=int(data.get("low_battery_threshold", 20)),
        target_level=data.get("target_level"),
        stop_at_target=bool(data.get("stop_at_target", False)),
        reminder_time=time.fromisoformat(reminder) if isinstance(reminder, str) else None,
        reminder_below_level=int(data.get("reminder_below_level", 50)),
    )
