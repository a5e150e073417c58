"""Action endpoints (§5): validate the body like the backend does, change the car, answer the echo."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from bot.simulator.renault.car import SimCar
from bot.simulator.renault.wire import FUTURE_DATE, INVALID_BODY_FORMAT, KamereonRefusal, iso

_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_KCA_TIME = re.compile(r"^T([01]\d|2[0-3]):(00|15|30|45)Z$")
_BAD_CHARGE_MODE = KamereonRefusal(400, "err.func.400", "Invalid charge mode action")

# Cars that accept HVAC "cancel" but ignore it (§5.1, §6.5).
_CANCEL_IGNORED = frozenset({"X102VE", "XBG2VE", "XBG1VE", "A5E1AE", "R5E1VE", "XCB1VE"})

ActionResult = dict[str, Any] | KamereonRefusal
ActionHandler = Callable[[SimCar, datetime, Any], ActionResult]


def _attributes(body: Any) -> dict[str, Any] | None:
    if not isinstance(body, dict) or not isinstance(body.get("data"), dict):
        return None
    attributes = body["data"].get("attributes", {})
    return attributes if isinstance(attributes, dict) else None


def _echo(body: Any, attributes: dict[str, Any] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"type": body["data"].get("type"), "id": str(uuid.uuid4())}
    if attributes is not None:
        data["attributes"] = attributes
    return {"data": data}


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _hvac(car: SimCar, now: datetime, body: Any) -> ActionResult:
    attrs = _attributes(body)
    if attrs is None:
        return INVALID_BODY_FORMAT
    action = attrs.get("action")
    if action == "start":
        target = attrs.get("targetTemperature", 21)
        if not isinstance(target, int | float) or not 16 <= target <= 30:
            return INVALID_BODY_FORMAT
        if "startDateTime" in attrs:
            ready = _parse_time(attrs["startDateTime"])
            if ready is None:
                return INVALID_BODY_FORMAT
            if ready <= now:
                return FUTURE_DATE
            car.plan_hvac(now, ready, float(target))
        else:
            car.start_hvac(now, float(target))
        return _echo(body, {**attrs, "targetTemperature": float(target)})
    if action == "stop" or (action == "cancel" and car.model_code not in _CANCEL_IGNORED):
        car.stop_hvac(now)
        return _echo(body, attrs)
    if action == "cancel":
        return _echo(body, attrs)  # accepted, but the car ignores it
    return INVALID_BODY_FORMAT


def _charging_start(car: SimCar, now: datetime, body: Any) -> ActionResult:
    attrs = _attributes(body)
    if attrs is None or attrs.get("action") not in ("start", "stop", "resume", "pause"):
        return INVALID_BODY_FORMAT
    if attrs["action"] in ("start", "resume"):
        if "startDateTime" in attrs:
            at = _parse_time(attrs["startDateTime"])
            if at is None:
                return INVALID_BODY_FORMAT
            if at <= now:
                return FUTURE_DATE
            car.plan_charge(now, at)
        else:
            car.start_charging(now)
    else:
        car.stop_charging(now)
    return _echo(body, attrs)


def _charge_mode(car: SimCar, now: datetime, body: Any) -> ActionResult:
    attrs = _attributes(body)
    mode = {"always_charging": "always", "schedule_mode": "scheduled"}.get(str((attrs or {}).get("action")))
    if attrs is None or mode is None:
        return _BAD_CHARGE_MODE  # newer cars report "always" but refuse it as an action (§5.6)
    car.set_charge_mode(now, mode)
    return _echo(body, attrs)


def _valid_slot(slot: Any, day_field: str) -> bool:
    if not isinstance(slot, dict) or slot.get("id") not in (1, 2, 3, 4, 5):
        return False
    for day in _DAYS:
        value = slot.get(day)
        if value is None:
            continue
        if not isinstance(value, dict) or not _KCA_TIME.match(str(value.get(day_field, ""))):
            return False
        if day_field == "startTime":
            duration = value.get("duration")
            if not isinstance(duration, int) or duration < 15 or duration % 15:
                return False
    return True


def _schedule_slots(body: Any, day_field: str) -> list[dict[str, Any]] | None:
    attrs = _attributes(body)
    slots = (attrs or {}).get("schedules")
    if not isinstance(slots, list) or not all(_valid_slot(s, day_field) for s in slots):
        return None
    # The server stores (and echoes) slots without the empty days.
    return [{k: v for k, v in slot.items() if v is not None} for slot in slots]


def _charge_schedule(car: SimCar, now: datetime, body: Any) -> ActionResult:
    slots = _schedule_slots(body, "startTime")
    if slots is None:
        return INVALID_BODY_FORMAT
    car.schedules = slots
    car.calendar = _calendar(slots, car.calendar)
    return _echo(body, {"schedules": slots})


def _calendar(slots: list[dict[str, Any]], previous: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The KCA v1 calendar view (`HHMM`, one entry per day) of the first active slot of each day."""
    calendar: dict[str, list[dict[str, Any]]] = {}
    for day in _DAYS:
        period = next((s[day] for s in slots if s.get("activated") and s.get(day)), None)
        if period is None:
            kept = [dict(entry, activationState=False) for entry in previous.get(day, [])]
            calendar[day] = kept or [{"startTime": "0000", "duration": 15, "activationState": False}]
        else:
            start = period["startTime"][1:3] + period["startTime"][4:6]
            calendar[day] = [{"startTime": start, "duration": period["duration"], "activationState": True}]
    return calendar


def _hvac_schedule(car: SimCar, now: datetime, body: Any) -> ActionResult:
    slots = _schedule_slots(body, "readyAtTime")
    if slots is None:
        return INVALID_BODY_FORMAT
    car.hvac_schedules = slots
    return _echo(body, {"schedules": slots})


def _horn_lights(car: SimCar, now: datetime, body: Any) -> ActionResult:
    attrs = _attributes(body)
    if attrs is None or attrs.get("action") != "start" or attrs.get("target") not in ("horn", "lights"):
        return INVALID_BODY_FORMAT
    if attrs["target"] == "horn":
        car.horn_count += 1
    else:
        car.lights_count += 1
    return _echo(body, attrs)


def _refresh_location(car: SimCar, now: datetime, body: Any) -> ActionResult:
    if _attributes(body) is None:
        return INVALID_BODY_FORMAT
    car.advance(now)
    car.location_at = now
    return _echo(body)


def _refresh_battery(car: SimCar, now: datetime, body: Any) -> ActionResult:
    if _attributes(body) is None:
        return INVALID_BODY_FORMAT
    car.advance(now)
    car.reported_at = now
    return _echo(body)


_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_PROGRAM_TYPES = ("CHARGE", "PRECONDITIONING", "CHARGE_AND_PRECONDITIONING")


def _valid_program(program: Any) -> bool:
    return (
        isinstance(program, dict)
        and program.get("programType") in _PROGRAM_TYPES
        and _HHMM.match(str(program.get("programDepartureTime", ""))) is not None
    )


def _valid_ev_settings(body: Any) -> bool:
    if not isinstance(body, dict) or body.get("chargeModeRq") not in ("ALWAYS", "SCHEDULED", None):
        return False
    programs = body.get("programs")
    if not isinstance(programs, list) or not all(_valid_program(p) for p in programs):
        return False
    start, duration = body.get("chargeTimeStart"), body.get("chargeDuration")
    if start is not None and not _HHMM.match(str(start)):
        return False
    return duration is None or (isinstance(duration, int) and duration > 0)


def _ev_settings(car: SimCar, now: datetime, body: Any) -> ActionResult:
    # One POST for the app's "charge now" and for writing programs: only the body tells them apart (§5.4).
    if not _valid_ev_settings(body):
        return INVALID_BODY_FORMAT
    programs = body["programs"]
    settings = {**car.ev_settings, **body, "lastSettingsUpdateTimestamp": iso(now)}
    car.ev_settings = settings
    active = any(p.get("programActivationStatus") is True for p in programs)
    if active:
        car.advance(now)
        car.paused = False  # new programs override a charge stopped by hand: the car follows them now
        car.set_charge_mode(now, "scheduled")
    else:
        # The app's "charge now": with no active program the car charges as soon as it is plugged (§5.4).
        car.set_charge_mode(now, "always")
        car.start_charging(now)
    return {"chargeModeRq": "SCHEDULED" if active else "ALWAYS", "programs": programs if active else []}


def _soc_levels(car: SimCar, now: datetime, body: Any) -> ActionResult:
    if not isinstance(body, dict):
        return INVALID_BODY_FORMAT
    low, high = body.get("socMin"), body.get("socTarget")
    if not isinstance(low, int) or not isinstance(high, int) or not 0 <= low < high <= 100:
        return INVALID_BODY_FORMAT
    car.set_soc_levels(now, low, high)
    return {"commandId": f"commandId-{uuid.uuid4().hex[:8]}", "type": "SOC_SYNCH", "status": "CREATED"}


def _noop_action(car: SimCar, now: datetime, body: Any) -> ActionResult:
    if _attributes(body) is None:
        return INVALID_BODY_FORMAT
    return _echo(body, _attributes(body))


# Keyed by route name (routes.py), so each wire variant answers in its own shape.
ACTIONS: dict[str, ActionHandler] = {
    "hvac-start": _hvac,
    "hvac-stop": _hvac,
    "hvac-stop/stop": _hvac,
    "charge-start": _charging_start,
    "charge-stop": _charging_start,
    "charge-start/kcm": _charging_start,
    "charge-start/kcm-pause-resume": _charging_start,
    "charge-stop/kcm-pause-resume": _charging_start,
    "charge-start/kcm-settings": _ev_settings,
    "charge-set-mode": _charge_mode,
    "charge-set-schedule": _charge_schedule,
    "charge-set-schedule/kcm": _charge_schedule,
    "hvac-set-schedule": _hvac_schedule,
    "horn-start": _horn_lights,
    "lights-start": _horn_lights,
    "refresh-location": _refresh_location,
    "refresh-battery-status": _refresh_battery,
    "soc-levels-set": _soc_levels,
}


def run_action(route_name: str, car: SimCar, now: datetime, body: Any) -> ActionResult:
    """Apply one action; routes without a handler are accepted without effect."""
    return ACTIONS.get(route_name, _noop_action)(car, now, body)
