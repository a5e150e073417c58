"""Writing KCM ev/settings charge programs (R5 family, §4.12, §5.4): the whole object is read and sent back.

The backend has no partial update: the app (and renault-api's charge start) GETs ev/settings, changes what
it must and POSTs the complete bare object, every other field (timestamps, pre-conditioning options) as read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import time
from typing import Any

from bot.renault.models import RenaultChargeMode
from bot.renault.schedules import WEEKDAYS, RenaultKcmProgram

PROGRAM_TYPES = ("CHARGE", "PRECONDITIONING", "CHARGE_AND_PRECONDITIONING")
"""The `programType` values the reference knows."""

_WIRE_MODES = {RenaultChargeMode.ALWAYS: "ALWAYS", RenaultChargeMode.SCHEDULED: "SCHEDULED"}


@dataclass(frozen=True)
class EvSettingsWrite:
    """What to set in ev/settings: charge mode, the charge start/duration pair and the programs.

    `charge_start`/`charge_duration_minutes` left None keep what the car has. Times are written as `HH:MM`
    exactly as given (the reference does not state their zone; this client reads them as UTC).
    """

    mode: RenaultChargeMode
    programs: Sequence[RenaultKcmProgram]
    charge_start: time | None = None
    charge_duration_minutes: int | None = None

    def __post_init__(self) -> None:
        if self.mode not in _WIRE_MODES:
            raise ValueError(f"ev/settings cannot be set to mode {self.mode.value}")
        if self.charge_duration_minutes is not None and self.charge_duration_minutes <= 0:
            raise ValueError("charge duration must be positive")
        for program in self.programs:
            if program.program_type not in PROGRAM_TYPES or program.departure is None:
                raise ValueError("every program needs a known type and a departure time")
            if not program.days <= frozenset(WEEKDAYS):
                raise ValueError("unknown weekday in a program")


def _hhmm(moment: time) -> str:
    return f"{moment.hour:02d}:{moment.minute:02d}"


def program_payload(program: RenaultKcmProgram) -> dict[str, Any]:
    """One wire program with all seven day flags (§4.12)."""
    assert program.departure is not None  # checked by EvSettingsWrite
    return {
        "programActivationStatus": program.activated,
        "programType": program.program_type,
        "programDepartureTime": _hhmm(program.departure),
        **{f"programActivation{day.capitalize()}": day in program.days for day in WEEKDAYS},
    }


def ev_settings_body(current: Mapping[str, Any], write: EvSettingsWrite) -> dict[str, Any]:
    """The POST body: the settings as read with mode, start, duration and programs replaced."""
    body = dict(current)
    body["chargeModeRq"] = _WIRE_MODES[write.mode]
    if write.charge_start is not None:
        body["chargeTimeStart"] = _hhmm(write.charge_start)
    if write.charge_duration_minutes is not None:
        body["chargeDuration"] = write.charge_duration_minutes
    body["programs"] = [program_payload(p) for p in write.programs]
    return body
