"""Charge schedules as Renault stores them (UTC, per weekday), conversion to the user's zone, and validation.

Renault's rules (protocol §4.10, §5.7, §8 item 20): start times on quarter hours, durations >= 15 minutes
in steps of 15, at most one period per day per program, a period may cross midnight but must end before
the same program's next period starts, up to 5 programs (ids 1-5), several may be active.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import Enum

MAX_PROGRAMS = 5
STEP_MINUTES = 15
DAY_MINUTES = 24 * 60
WEEK_MINUTES = 7 * DAY_MINUTES


class Weekday(Enum):
    """Days as Renault names them; the value is Python's weekday number."""

    MONDAY = 0
    TUESDAY = 1
    WEDNESDAY = 2
    THURSDAY = 3
    FRIDAY = 4
    SATURDAY = 5
    SUNDAY = 6


class ScheduleMode(Enum):
    """Charge immediately when plugged, or follow the programs."""

    ALWAYS = "always"
    SCHEDULED = "scheduled"
    DELAYED = "delayed"


@dataclass(frozen=True, slots=True)
class DaySlot:
    """One charging period on a weekday: start time of day in UTC and a duration in minutes."""

    start_utc: time
    duration_minutes: int


@dataclass(frozen=True, slots=True)
class ChargeProgram:
    """One of the car's schedule slots; `days` has seven entries, Monday first, None for no period."""

    program_id: int
    activated: bool
    days: tuple[DaySlot | None, ...] = (None,) * 7

    def slot(self, day: Weekday) -> DaySlot | None:
        """The period on a weekday, if any."""
        return self.days[day.value] if day.value < len(self.days) else None


@dataclass(frozen=True, slots=True)
class ChargeSchedule:
    """The car's charge mode and its programs."""

    mode: ScheduleMode
    programs: tuple[ChargeProgram, ...] = ()


class ProblemCode(Enum):
    """Why a schedule would be refused."""

    TOO_MANY_PROGRAMS = "too_many_programs"
    BAD_PROGRAM_ID = "bad_program_id"
    DUPLICATE_PROGRAM_ID = "duplicate_program_id"
    BAD_DAY_COUNT = "bad_day_count"
    START_NOT_ON_QUARTER = "start_not_on_quarter"
    DURATION_TOO_SHORT = "duration_too_short"
    DURATION_NOT_MULTIPLE = "duration_not_multiple"
    DURATION_TOO_LONG = "duration_too_long"
    OVERLAPS_NEXT_DAY = "overlaps_next_day"
    NOTHING_SCHEDULED = "nothing_scheduled"


@dataclass(frozen=True, slots=True)
class ScheduleProblem:
    """One rule a schedule breaks, with where (program id, weekday) for the message."""

    code: ProblemCode
    program_id: int | None = None
    day: Weekday | None = None


def validate(schedule: ChargeSchedule) -> list[ScheduleProblem]:
    """Every Renault rule the schedule breaks; an empty list means it can be sent."""
    problems: list[ScheduleProblem] = []
    if len(schedule.programs) > MAX_PROGRAMS:
        problems.append(ScheduleProblem(ProblemCode.TOO_MANY_PROGRAMS))
    seen: set[int] = set()
    for program in schedule.programs:
        pid = program.program_id
        if not 1 <= pid <= MAX_PROGRAMS:
            problems.append(ScheduleProblem(ProblemCode.BAD_PROGRAM_ID, pid))
        if pid in seen:
            problems.append(ScheduleProblem(ProblemCode.DUPLICATE_PROGRAM_ID, pid))
        seen.add(pid)
        problems += _program_problems(program)
    if schedule.mode is ScheduleMode.SCHEDULED and not any(
        p.activated and any(p.days) for p in schedule.programs
    ):
        problems.append(ScheduleProblem(ProblemCode.NOTHING_SCHEDULED))
    return problems


def _program_problems(program: ChargeProgram) -> list[ScheduleProblem]:
    pid = program.program_id
    if len(program.days) != 7:
        return [ScheduleProblem(ProblemCode.BAD_DAY_COUNT, pid)]
    problems: list[ScheduleProblem] = []
    for day in Weekday:
        slot = program.slot(day)
        if slot is None:
            continue
        start = slot.start_utc
        if start.minute % STEP_MINUTES or start.second or start.microsecond:
            problems.append(ScheduleProblem(ProblemCode.START_NOT_ON_QUARTER, pid, day))
        duration = slot.duration_minutes
        if duration < STEP_MINUTES:
            problems.append(ScheduleProblem(ProblemCode.DURATION_TOO_SHORT, pid, day))
        elif duration % STEP_MINUTES:
            problems.append(ScheduleProblem(ProblemCode.DURATION_NOT_MULTIPLE, pid, day))
        if duration > DAY_MINUTES:
            problems.append(ScheduleProblem(ProblemCode.DURATION_TOO_LONG, pid, day))
        elif _overlaps_next(program, day, slot):
            problems.append(ScheduleProblem(ProblemCode.OVERLAPS_NEXT_DAY, pid, day))
    return problems


def _minute_of_week(day: Weekday, start: time) -> int:
    return day.value * DAY_MINUTES + start.hour * 60 + start.minute


def _overlaps_next(program: ChargeProgram, day: Weekday, slot: DaySlot) -> bool:
    """Whether the period runs into the program's next period (the week wraps from Sunday to Monday)."""
    begin = _minute_of_week(day, slot.start_utc)
    end = begin + slot.duration_minutes
    for offset in range(1, 8):
        other_day = Weekday((day.value + offset) % 7)
        other = program.slot(other_day)
        if other is None:
            continue
        other_begin = _minute_of_week(other_day, other.start_utc)
        if other_begin <= begin:
            other_begin += WEEK_MINUTES
        return end > other_begin
    return False


class SlotsCollide(ValueError):
    """Two local periods fall on the same UTC weekday, which Renault cannot store in one program."""

    def __init__(self, day: Weekday) -> None:
        super().__init__(f"two periods fall on {day.name.lower()} in UTC")
        self.day = day


@dataclass(frozen=True, slots=True)
class LocalSlot:
    """A period as the user sees it: weekday and start time in their zone, and a duration.

    `week_shift` is -1 or +1 when the local day lies across the edge of the UTC week it came from (a Monday
    00:00 UTC is the Sunday before in New York): with daylight saving changing within the week, that
    Sunday and the week's own Sunday have different offsets, so the way back must know which one it was.
    """

    day: Weekday
    start: time
    duration_minutes: int
    week_shift: int = 0


def _monday_of(week_of: date) -> date:
    return week_of - timedelta(days=week_of.weekday())


def to_local(day: Weekday, slot: DaySlot, zone: tzinfo, week_of: date) -> LocalSlot:
    """The user's view of a UTC period, as it falls in the week containing `week_of` (DST depends on it)."""
    monday = _monday_of(week_of)
    start = datetime.combine(monday + timedelta(days=day.value), slot.start_utc, tzinfo=UTC)
    local = start.astimezone(zone)
    shift = (local.date() - (monday + timedelta(days=local.weekday()))).days // 7
    return LocalSlot(
        Weekday(local.weekday()), local.time().replace(tzinfo=None), slot.duration_minutes, shift
    )


def from_local(local: LocalSlot, zone: tzinfo, week_of: date) -> tuple[Weekday, DaySlot]:
    """The UTC weekday and period for a local one in the week containing `week_of`.

    A local time skipped by a DST change is read with the offset before the change (PEP 495 fold=0).
    """
    day = _monday_of(week_of) + timedelta(days=local.day.value + 7 * local.week_shift)
    utc = datetime.combine(day, local.start, tzinfo=zone).astimezone(UTC)
    return Weekday(utc.weekday()), DaySlot(utc.time().replace(tzinfo=None), local.duration_minutes)


def program_to_local(program: ChargeProgram, zone: tzinfo, week_of: date) -> list[LocalSlot]:
    """A program's periods in the user's zone, sorted by local weekday and time."""
    slots = [to_local(day, slot, zone, week_of) for day in Weekday if (slot := program.slot(day)) is not None]
    return sorted(slots, key=lambda s: (s.day.value, s.start))


def program_from_local(
    program_id: int, activated: bool, slots: list[LocalSlot], zone: tzinfo, week_of: date
) -> ChargeProgram:
    """Build a UTC program from local periods; raises SlotsCollide when two land on the same UTC day."""
    days: list[DaySlot | None] = [None] * 7
    for local in slots:
        day, slot = from_local(local, zone, week_of)
        if days[day.value] is not None:
            raise SlotsCollide(day)
        days[day.value] = slot
    return ChargeProgram(program_id, activated, tuple(days))
