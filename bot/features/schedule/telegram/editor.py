"""The /schedule editor as a pure state machine: a draft in the user's local time, changed one tap at a time.

The draft keeps the car's schedule as read (UTC) and the programs the user touched, in local time. Only
touched programs are converted back on Save, so an untouched program is written exactly as Renault sent it.
Drafts are kept in the database per chat (`bot.features.schedule.telegram.drafts`), so they survive a restart.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time
from enum import Enum

from bot.domain.schedule import (
    DAY_MINUTES,
    MAX_PROGRAMS,
    STEP_MINUTES,
    ChargeProgram,
    ChargeSchedule,
    LocalSlot,
    ScheduleMode,
    Weekday,
    program_from_local,
    program_to_local,
)
from bot.telegram_ui import formatting as fmt
from bot.telegram_ui.typed import typed_clock

DURATIONS = (60, 120, 180, 240, 360, 480)
DEFAULT_DURATION = 60
QUARTERS = (0, 15, 30, 45)


class StaleStep(ValueError):
    """A tap that does not fit the draft's current step (an old message, or a forged payload)."""


class Screen(Enum):
    """Which question the editor asks next, derived from what the draft has chosen so far."""

    PROGRAMS = "programs"
    PROGRAM = "program"
    HOUR = "hour"
    QUARTER = "quarter"
    DURATION = "duration"


@dataclass(frozen=True, slots=True)
class LocalProgram:
    """One program as the user edits it: local periods, at most one per local day."""

    program_id: int
    activated: bool
    slots: tuple[LocalSlot, ...] = ()

    def on(self, day: Weekday) -> LocalSlot | None:
        """The period starting on a local day, if any."""
        return next((slot for slot in self.slots if slot.day is day), None)


@dataclass(frozen=True, slots=True)
class Draft:
    """A schedule being edited for one vehicle, and where the user is in the guided steps."""

    vehicle_id: int
    original: ChargeSchedule
    zone: str
    week_of: date
    mode: ScheduleMode
    programs: tuple[LocalProgram, ...]
    edited: frozenset[int] = frozenset()
    program_id: int | None = None
    day: Weekday | None = None
    hour: int | None = None
    start: time | None = None
    duration: int = DEFAULT_DURATION

    @property
    def screen(self) -> Screen:
        """The step the next tap answers."""
        if self.program_id is None:
            return Screen.PROGRAMS
        if self.day is None:
            return Screen.PROGRAM
        if self.hour is None:
            return Screen.HOUR
        if self.start is None:
            return Screen.QUARTER
        return Screen.DURATION

    @property
    def program(self) -> LocalProgram | None:
        """The program being edited."""
        return next((p for p in self.programs if p.program_id == self.program_id), None)


def local_programs(schedule: ChargeSchedule, zone: str, week_of: date) -> tuple[LocalProgram, ...]:
    """The car's programs in the user's zone, sorted by id."""
    tz = fmt.zone(zone)
    return tuple(
        LocalProgram(p.program_id, p.activated, tuple(program_to_local(p, tz, week_of)))
        for p in sorted(schedule.programs, key=lambda p: p.program_id)
    )


def start_draft(vehicle_id: int, schedule: ChargeSchedule, zone: str, today: date) -> Draft:
    """A fresh draft of the car's schedule, seen in the week containing `today` (DST depends on it)."""
    mode = ScheduleMode.SCHEDULED if schedule.mode is ScheduleMode.SCHEDULED else ScheduleMode.ALWAYS
    return Draft(vehicle_id, schedule, zone, today, mode, local_programs(schedule, zone, today))


def new_program_id(draft: Draft) -> int | None:
    """The lowest free program id, or None when the car's five programs all exist."""
    used = {p.program_id for p in draft.programs}
    return next((pid for pid in range(1, MAX_PROGRAMS + 1) if pid not in used), None)


def pick_program(draft: Draft, program_id: int) -> Draft:
    """Edit a program; a free id adds an empty, active program."""
    programs = draft.programs
    if all(p.program_id != program_id for p in programs):
        if program_id != new_program_id(draft):
            raise StaleStep("no such program")
        programs = tuple(sorted((*programs, LocalProgram(program_id, True)), key=lambda p: p.program_id))
    return dataclasses.replace(
        draft, programs=programs, program_id=program_id, day=None, hour=None, start=None
    )


def pick_day(draft: Draft, day: Weekday) -> Draft:
    """Choose the local day whose period to set."""
    _expect(draft, Screen.PROGRAM)
    return dataclasses.replace(draft, day=day)


def pick_hour(draft: Draft, hour: int) -> Draft:
    """Choose the start hour (local)."""
    _expect(draft, Screen.HOUR)
    if not 0 <= hour <= 23:
        raise StaleStep("hour out of range")
    return dataclasses.replace(draft, hour=hour)


def pick_quarter(draft: Draft, minute: int) -> Draft:
    """Choose the start quarter; the duration starts from the day's current one (or one hour)."""
    _expect(draft, Screen.QUARTER)
    if minute not in QUARTERS or draft.hour is None:
        raise StaleStep("not a quarter hour")
    program, day = draft.program, draft.day
    existing = program.on(day) if program is not None and day is not None else None
    duration = existing.duration_minutes if existing is not None else DEFAULT_DURATION
    return dataclasses.replace(draft, start=time(draft.hour, minute), duration=duration)


def set_duration(draft: Draft, minutes: int) -> Draft:
    """Choose one of the offered durations."""
    _expect(draft, Screen.DURATION)
    if minutes not in DURATIONS:
        raise StaleStep("not an offered duration")
    return dataclasses.replace(draft, duration=minutes)


def adjust_duration(draft: Draft, delta: int) -> Draft:
    """Lengthen or shorten by a quarter hour, staying between 15 minutes and a day."""
    _expect(draft, Screen.DURATION)
    if delta not in (-STEP_MINUTES, STEP_MINUTES):
        raise StaleStep("adjustments are one quarter hour")
    return dataclasses.replace(draft, duration=min(DAY_MINUTES, max(STEP_MINUTES, draft.duration + delta)))


def commit_period(draft: Draft) -> Draft:
    """Put the chosen start and duration on the chosen day, replacing that day's period."""
    _expect(draft, Screen.DURATION)
    assert draft.day is not None
    assert draft.start is not None
    slot = LocalSlot(draft.day, draft.start, draft.duration)
    return _with_day(draft, draft.day, slot)


def clear_day(draft: Draft) -> Draft:
    """No charging period on the chosen day."""
    if draft.day is None or draft.program_id is None:
        raise StaleStep("no day chosen")
    return _with_day(draft, draft.day, None)


def toggle_active(draft: Draft) -> Draft:
    """Switch the chosen program on or off."""
    program = draft.program
    if program is None:
        raise StaleStep("no program chosen")
    return _replace_program(draft, dataclasses.replace(program, activated=not program.activated))


def set_mode(draft: Draft, mode: ScheduleMode) -> Draft:
    """Charge as soon as plugged in, or follow the programs (applied on Save)."""
    if mode is ScheduleMode.DELAYED:
        raise StaleStep("delayed charging is not offered")
    return dataclasses.replace(draft, mode=mode)


def typed_start(draft: Draft, text: str) -> Draft:
    """A start time typed while the hour or the minute is asked ('23:00', '6h45'): both at once."""
    if draft.screen not in (Screen.HOUR, Screen.QUARTER):
        raise StaleStep("no start time is asked")
    clock = typed_clock(text)
    if clock is None:
        raise StaleStep("not a time")
    at_hour = pick_hour(dataclasses.replace(draft, hour=None, start=None), clock.hour)
    return pick_quarter(at_hour, clock.minute)


def back(draft: Draft) -> Draft:
    """One step up: from a day's questions to the program, from the program to the list."""
    if draft.day is not None:
        return dataclasses.replace(draft, day=None, hour=None, start=None)
    return dataclasses.replace(draft, program_id=None)


def to_schedule(draft: Draft) -> ChargeSchedule:
    """The schedule to write (UTC); raises SlotsCollide when two local periods land on one UTC day."""
    tz = fmt.zone(draft.zone)
    originals = {p.program_id: p for p in draft.original.programs}
    programs: list[ChargeProgram] = []
    for local in draft.programs:
        original = originals.get(local.program_id)
        if local.program_id in draft.edited or original is None:
            programs.append(
                program_from_local(local.program_id, local.activated, list(local.slots), tz, draft.week_of)
            )
        else:
            programs.append(dataclasses.replace(original, activated=local.activated))
    return ChargeSchedule(draft.mode, tuple(programs))


def apply_tap(draft: Draft, arg: str) -> Draft:
    """One editing tap from its callback argument ('p:1', 'd:0', 'h:7', 'q:15', 'du:180', 'adj:+15', ...)."""
    verb, _, value = arg.partition(":")
    steps: dict[str, Callable[[], Draft]] = {
        "p": lambda: pick_program(draft, int(value)),
        "d": lambda: pick_day(draft, Weekday(int(value))),
        "h": lambda: pick_hour(draft, int(value)),
        "q": lambda: pick_quarter(draft, int(value)),
        "du": lambda: set_duration(draft, int(value)),
        "adj": lambda: adjust_duration(draft, int(value)),
        "ok": lambda: commit_period(draft),
        "clr": lambda: clear_day(draft),
        "act": lambda: toggle_active(draft),
        "mode": lambda: set_mode(draft, ScheduleMode(value)),
        "back": lambda: back(draft),
    }
    step = steps.get(verb)
    if step is None:
        raise StaleStep("not an editing step")
    try:
        return step()
    except StaleStep:
        raise
    except ValueError as error:  # int() or an enum refused a forged value
        raise StaleStep("malformed value") from error


def _with_day(draft: Draft, day: Weekday, slot: LocalSlot | None) -> Draft:
    program = draft.program
    assert program is not None
    kept = tuple(s for s in program.slots if s.day is not day)
    slots = tuple(sorted((*kept, slot) if slot is not None else kept, key=lambda s: (s.day.value, s.start)))
    draft = _replace_program(draft, dataclasses.replace(program, slots=slots))
    return dataclasses.replace(
        draft, edited=draft.edited | {program.program_id}, day=None, hour=None, start=None
    )


def _replace_program(draft: Draft, program: LocalProgram) -> Draft:
    programs = tuple(program if p.program_id == program.program_id else p for p in draft.programs)
    return dataclasses.replace(draft, programs=programs)


def _expect(draft: Draft, screen: Screen) -> None:
    if draft.screen is not screen:
        raise StaleStep(f"expected {screen.value}, the draft is at {draft.screen.value}")
