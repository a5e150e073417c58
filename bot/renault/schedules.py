"""Charge and HVAC schedules, normalised across KCA charging-settings, KCA calendar and KCM ev/settings."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any

from bot.renault.models import RenaultChargeMode, charge_mode_of
from bot.renault.parsing import integer, text, timestamp, wire_time

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class DayPeriod:
    """One charging period of a day: UTC start time and duration in minutes."""

    start: time
    duration_minutes: int


@dataclass(frozen=True)
class ChargeScheduleSlot:
    """One schedule slot (ids 1-5); days without a period are absent."""

    id: int
    activated: bool
    days: Mapping[str, DayPeriod] = field(default_factory=dict)


@dataclass(frozen=True)
class RenaultKcmProgram:
    """A KCM ev/settings program: departure time (UTC) and active weekdays."""

    program_type: str
    departure: time | None
    activated: bool
    days: frozenset[str]


@dataclass(frozen=True)
class ChargeSchedules:
    """Normalised schedule read: KCA slots, or KCM programs (`source` says which)."""

    source: str  # "kca-settings", "kca-calendar" or "kcm-settings"
    mode: RenaultChargeMode
    slots: tuple[ChargeScheduleSlot, ...] = ()
    programs: tuple[RenaultKcmProgram, ...] = ()
    updated: datetime | None = None
    charge_start: time | None = None  # KCM chargeTimeStart
    charge_duration_minutes: int | None = None


def _period(day: Any, start_key: str = "startTime") -> DayPeriod | None:
    if not isinstance(day, Mapping):
        return None
    start, duration = wire_time(day.get(start_key)), integer(day.get("duration"))
    return DayPeriod(start, duration) if start is not None and duration is not None else None


def _slots(raw: Any) -> tuple[ChargeScheduleSlot, ...]:
    slots = []
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, Mapping) or integer(item.get("id")) is None:
            continue
        days = {d: p for d in WEEKDAYS if (p := _period(item.get(d))) is not None}
        slots.append(ChargeScheduleSlot(integer(item.get("id")) or 0, bool(item.get("activated")), days))
    return tuple(slots)


def parse_charging_settings(attrs: Mapping[str, Any]) -> ChargeSchedules:
    """KCA charging-settings (mode + up to five slots)."""
    return ChargeSchedules(
        source="kca-settings",
        mode=charge_mode_of(attrs.get("mode")),
        slots=_slots(attrs.get("schedules")),
        updated=timestamp(attrs.get("dateTime")),
    )


def parse_kca_calendar(attrs: Mapping[str, Any]) -> ChargeSchedules:
    """KCA charge-schedule calendar (X101VE): each day a list, 'HHMM' start, activationState."""
    calendar = attrs.get("calendar") if isinstance(attrs.get("calendar"), Mapping) else {}
    assert isinstance(calendar, Mapping)
    days: dict[str, DayPeriod] = {}
    active = False
    for day in WEEKDAYS:
        entries = calendar.get(day)
        first = entries[0] if isinstance(entries, list) and entries else None
        period = _period(first)
        if period is not None and isinstance(first, Mapping):
            days[day] = period
            active = active or bool(first.get("activationState"))
    slots = (ChargeScheduleSlot(1, active, days),) if days else ()
    return ChargeSchedules(source="kca-calendar", mode=RenaultChargeMode.UNKNOWN, slots=slots)


def parse_ev_settings(body: Mapping[str, Any]) -> ChargeSchedules:
    """KCM ev/settings (bare object): charge mode and programs."""
    programs = []
    for p in body.get("programs") or []:
        if isinstance(p, Mapping):
            active_days = frozenset(
                d for d in WEEKDAYS if p.get(f"programActivation{d.capitalize()}") is True
            )
            programs.append(
                RenaultKcmProgram(
                    program_type=str(p.get("programType") or "CHARGE"),
                    departure=wire_time(p.get("programDepartureTime")),
                    activated=bool(p.get("programActivationStatus")),
                    days=active_days,
                )
            )
    return ChargeSchedules(
        source="kcm-settings",
        mode=charge_mode_of(body.get("chargeModeRq")),
        programs=tuple(programs),
        updated=timestamp(body.get("lastSettingsUpdateTimestamp")),
        charge_start=wire_time(body.get("chargeTimeStart")),
        charge_duration_minutes=integer(body.get("chargeDuration")),
    )


@dataclass(frozen=True)
class HvacScheduleSlot:
    """An HVAC schedule slot: ready-at times (UTC) per day."""

    id: int
    activated: bool
    ready_at: Mapping[str, time] = field(default_factory=dict)


@dataclass(frozen=True)
class HvacSettings:
    """hvac-settings."""

    mode: str | None
    updated: datetime | None
    slots: tuple[HvacScheduleSlot, ...]


def parse_hvac_settings(attrs: Mapping[str, Any]) -> HvacSettings:
    """Parse hvac-settings attributes."""
    slots = []
    for item in attrs.get("schedules") or []:
        if isinstance(item, Mapping) and integer(item.get("id")) is not None:
            ready = {
                d: t
                for d in WEEKDAYS
                if isinstance(item.get(d), Mapping)
                and (t := wire_time(item[d].get("readyAtTime"))) is not None
            }
            slots.append(HvacScheduleSlot(integer(item.get("id")) or 0, bool(item.get("activated")), ready))
    return HvacSettings(text(attrs.get("mode")), timestamp(attrs.get("dateTime")), tuple(slots))


def _wire(t: time) -> str:
    return f"T{t.hour:02d}:{t.minute:02d}Z"


def charge_schedule_payload(slots: Sequence[ChargeScheduleSlot]) -> list[dict[str, Any]]:
    """Wire `schedules` of a ChargeSchedule action: every day key, null when empty (§5.7)."""
    return [
        {
            "id": s.id,
            "activated": s.activated,
            **{
                d: (
                    {"startTime": _wire(s.days[d].start), "duration": s.days[d].duration_minutes}
                    if d in s.days
                    else None
                )
                for d in WEEKDAYS
            },
        }
        for s in slots
    ]


def hvac_schedule_payload(slots: Sequence[HvacScheduleSlot]) -> list[dict[str, Any]]:
    """Wire `schedules` of an HvacSchedule action (§5.8)."""
    return [
        {
            "id": s.id,
            "activated": s.activated,
            **{d: ({"readyAtTime": _wire(s.ready_at[d])} if d in s.ready_at else None) for d in WEEKDAYS},
        }
        for s in slots
    ]
