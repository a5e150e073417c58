"""From a smart-charge plan to what the car is told: a charge schedule, or an armed start/stop plan. Pure.

A window plan becomes the car's schedule: ONE activated program holding the window on its UTC weekday
(Renault periods are a UTC start time + duration per weekday, protocol §5.7); the car's other programs are
kept but deactivated, so the car charges only in the planned window. What the car had before is stored
alongside, so Cancel can write it back unchanged.

A slots plan is executed by the bot: `desired_charging(intervals, now)` says whether the charge should run
at a moment, and the executor sends start/stop only when that differs from what it last commanded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from enum import Enum

from bot.domain.schedule import (
    MAX_PROGRAMS,
    ChargeProgram,
    ChargeSchedule,
    DaySlot,
    ScheduleMode,
    ScheduleProblem,
    validate,
)
from bot.features.smart_charging.logic.planner import Interval

SMART_PROGRAM_ID = 1
"""The program the planned window is written to (the one every model has)."""


class SmartScheduleInvalid(ValueError):
    """The schedule built from a plan breaks Renault's rules; nothing must be sent."""

    def __init__(self, problems: Sequence[ScheduleProblem]) -> None:
        super().__init__(
            "planned schedule breaks the schedule rules: " + ", ".join(p.code.value for p in problems)
        )
        self.problems = tuple(problems)


def window_schedule(window: Interval, previous: ChargeSchedule | None) -> ChargeSchedule:
    """The schedule charging in `window` only; raises SmartScheduleInvalid if Renault would refuse it."""
    slot = DaySlot(window.start_time_utc, window.minutes)
    days: list[DaySlot | None] = [None] * 7
    days[window.weekday] = slot
    ours = ChargeProgram(SMART_PROGRAM_ID, True, tuple(days))
    others = [
        replace(program, activated=False)
        for program in (previous.programs if previous is not None else ())
        if program.program_id != SMART_PROGRAM_ID and 1 <= program.program_id <= MAX_PROGRAMS
    ]
    schedule = ChargeSchedule(
        ScheduleMode.SCHEDULED, tuple(sorted([ours, *others], key=lambda p: p.program_id))
    )
    problems = validate(schedule)
    if problems:
        raise SmartScheduleInvalid(problems)
    return schedule


def restorable(previous: ChargeSchedule) -> ChargeSchedule:
    """The previous schedule as it can be written back: programs 1-5 only, and a program 1 always present.

    Program 1 is overwritten by the plan, so it is written back even when the car reported it empty.
    """
    programs = {p.program_id: p for p in previous.programs if 1 <= p.program_id <= MAX_PROGRAMS}
    programs.setdefault(SMART_PROGRAM_ID, ChargeProgram(SMART_PROGRAM_ID, False))
    return ChargeSchedule(previous.mode, tuple(programs[pid] for pid in sorted(programs)))


CHARGING_PROGRAM_TYPES = frozenset({"CHARGE", "CHARGE_AND_PRECONDITIONING"})
"""KCM program types that make the car charge (PRECONDITIONING only warms the cabin)."""


@dataclass(frozen=True, slots=True)
class KcmProgram:
    """A departure-time program of the newest EVs (R5 family): type, UTC departure, weekdays (Monday 0)."""

    program_type: str
    departure_utc: time
    activated: bool
    days: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class KcmSettings:
    """The charge part of KCM ev/settings: mode, a daily start + duration, and the departure programs."""

    mode: ScheduleMode
    charge_start_utc: time | None = None
    charge_duration_minutes: int | None = None
    programs: tuple[KcmProgram, ...] = ()


def kcm_window_settings(window: Interval, previous: KcmSettings) -> KcmSettings:
    """KCM settings charging in `window` only: start + duration of the window and one CHARGE program ready
    at its end on that UTC weekday. The owner's charging programs are kept but switched off (so the car does
    not charge outside the plan); pre-conditioning-only programs are left as they were."""
    if window.minutes <= 0:
        raise ValueError("a window must last")
    end = window.end.astimezone(UTC)
    ours = KcmProgram("CHARGE", end.time(), True, frozenset({end.weekday()}))
    others = tuple(
        replace(p, activated=False) if p.program_type in CHARGING_PROGRAM_TYPES else p
        for p in previous.programs
    )
    return KcmSettings(ScheduleMode.SCHEDULED, window.start_time_utc, window.minutes, (*others, ours))


def desired_charging(intervals: Sequence[Interval], now: datetime) -> bool:
    """Whether the car should be charging at `now` under a start/stop plan."""
    return any(interval.start <= now < interval.end for interval in intervals)


def plan_finished(intervals: Sequence[Interval], now: datetime) -> bool:
    """Whether every interval of the plan is over."""
    return all(interval.end <= now for interval in intervals)


def next_boundary(intervals: Sequence[Interval], now: datetime) -> datetime | None:
    """The next start or end of an interval after `now`: when the executor must act next."""
    moments = [m for interval in intervals for m in (interval.start, interval.end) if m > now]
    return min(moments, default=None)


class PlanKind(Enum):
    """How an accepted plan is carried out."""

    WINDOW = "window"  # written as the car's schedule
    SLOTS = "slots"  # the bot starts and stops the charge


@dataclass(frozen=True, slots=True)
class SmartGoalSetting:
    """What a chat asked for a vehicle: target level, local ready-by time, whether to re-plan daily, and the
    chat's local date of the last daily plan sent (so it goes out at most once a day, restarts included)."""

    chat_id: int
    vehicle_id: int
    target_level: int
    ready_at: time
    daily: bool = False
    daily_sent_on: date | None = None


@dataclass(frozen=True, slots=True)
class PlannedCharge:
    """A plan reduced to what must be carried out: its kind and its UTC intervals."""

    kind: PlanKind
    intervals: tuple[Interval, ...]
    target_level: int
    ready_by: datetime
    made_at: datetime


@dataclass(frozen=True, slots=True)
class SmartChargeState:
    """Per vehicle: the plan shown and awaiting Confirm, the plan in force, and what Cancel restores.

    `previous` is the car's schedule before the first confirmed window plan (kept across re-plans, so Cancel
    restores the owner's own schedule, never an earlier plan); `previous_kcm` is the same for cars whose
    schedule lives in KCM ev/settings. `commanded` is the last start (True) or stop
    (False) the executor sent for a slots plan, None before the first.
    """

    vehicle_id: int
    chat_id: int
    proposed: PlannedCharge | None = None
    active: PlannedCharge | None = None
    previous: ChargeSchedule | None = None
    commanded: bool | None = None
    previous_kcm: KcmSettings | None = None
