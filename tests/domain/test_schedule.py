"""Charge schedule rules and time-zone conversion."""

from __future__ import annotations

from datetime import date, time
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.schedule import (
    ChargeProgram,
    ChargeSchedule,
    DaySlot,
    LocalSlot,
    ProblemCode,
    ScheduleMode,
    SlotsCollide,
    Weekday,
    from_local,
    program_from_local,
    program_to_local,
    to_local,
    validate,
)

PARIS = ZoneInfo("Europe/Paris")
SUMMER = date(2026, 7, 8)
WINTER = date(2026, 1, 14)


def program(*slots: tuple[Weekday, DaySlot], pid: int = 1, activated: bool = True) -> ChargeProgram:
    days: list[DaySlot | None] = [None] * 7
    for day, slot in slots:
        days[day.value] = slot
    return ChargeProgram(pid, activated, tuple(days))


def codes(schedule: ChargeSchedule) -> list[ProblemCode]:
    return [p.code for p in validate(schedule)]


def test_a_valid_weeknight_schedule_has_no_problems() -> None:
    nightly = [(day, DaySlot(time(22, 30), 420)) for day in Weekday]
    assert validate(ChargeSchedule(ScheduleMode.SCHEDULED, (program(*nightly),))) == []


@pytest.mark.parametrize(
    ("slot", "expected"),
    [
        (DaySlot(time(1, 10), 60), ProblemCode.START_NOT_ON_QUARTER),
        (DaySlot(time(1, 0), 0), ProblemCode.DURATION_TOO_SHORT),
        (DaySlot(time(1, 0), 200), ProblemCode.DURATION_NOT_MULTIPLE),
        (DaySlot(time(1, 0), 1455), ProblemCode.DURATION_TOO_LONG),
    ],
)
def test_slot_rules(slot: DaySlot, expected: ProblemCode) -> None:
    problems = validate(ChargeSchedule(ScheduleMode.SCHEDULED, (program((Weekday.TUESDAY, slot)),)))
    assert problems[0].code is expected
    assert problems[0].day is Weekday.TUESDAY
    assert problems[0].program_id == 1


def test_a_period_crossing_midnight_must_end_before_the_next_days_period() -> None:
    ok = program((Weekday.MONDAY, DaySlot(time(22, 0), 180)), (Weekday.TUESDAY, DaySlot(time(1, 0), 60)))
    clash = program((Weekday.MONDAY, DaySlot(time(22, 0), 195)), (Weekday.TUESDAY, DaySlot(time(1, 0), 60)))
    assert codes(ChargeSchedule(ScheduleMode.SCHEDULED, (ok,))) == []
    assert codes(ChargeSchedule(ScheduleMode.SCHEDULED, (clash,))) == [ProblemCode.OVERLAPS_NEXT_DAY]


def test_sunday_overlapping_monday_wraps_the_week() -> None:
    clash = program((Weekday.SUNDAY, DaySlot(time(23, 0), 180)), (Weekday.MONDAY, DaySlot(time(1, 0), 60)))
    assert codes(ChargeSchedule(ScheduleMode.SCHEDULED, (clash,))) == [ProblemCode.OVERLAPS_NEXT_DAY]


def test_program_count_and_ids() -> None:
    slot = (Weekday.MONDAY, DaySlot(time(1, 0), 60))
    six = tuple(program(slot, pid=i) for i in range(1, 7))
    assert ProblemCode.TOO_MANY_PROGRAMS in codes(ChargeSchedule(ScheduleMode.SCHEDULED, six))
    assert ProblemCode.BAD_PROGRAM_ID in codes(ChargeSchedule(ScheduleMode.SCHEDULED, six))
    dup = (program(slot, pid=1), program(slot, pid=1))
    assert codes(ChargeSchedule(ScheduleMode.SCHEDULED, dup)) == [ProblemCode.DUPLICATE_PROGRAM_ID]


def test_scheduled_mode_needs_an_active_period() -> None:
    idle = program((Weekday.MONDAY, DaySlot(time(1, 0), 60)), activated=False)
    assert codes(ChargeSchedule(ScheduleMode.SCHEDULED, (idle,))) == [ProblemCode.NOTHING_SCHEDULED]
    assert codes(ChargeSchedule(ScheduleMode.ALWAYS, (idle,))) == []


def test_wrong_day_count_is_reported() -> None:
    broken = ChargeProgram(1, True, (None, None))
    assert codes(ChargeSchedule(ScheduleMode.ALWAYS, (broken,))) == [ProblemCode.BAD_DAY_COUNT]


def test_utc_late_evening_is_next_local_day_in_summer_and_same_day_in_winter() -> None:
    slot = DaySlot(time(22, 30), 60)
    assert to_local(Weekday.MONDAY, slot, PARIS, SUMMER) == LocalSlot(Weekday.TUESDAY, time(0, 30), 60)
    assert to_local(Weekday.MONDAY, slot, PARIS, WINTER) == LocalSlot(Weekday.MONDAY, time(23, 30), 60)


def test_local_early_morning_is_previous_utc_day() -> None:
    local = LocalSlot(Weekday.MONDAY, time(0, 30), 90)
    assert from_local(local, PARIS, SUMMER) == (Weekday.SUNDAY, DaySlot(time(22, 30), 90))


def test_sunday_local_to_utc_wraps_to_the_same_week() -> None:
    tokyo = ZoneInfo("Asia/Tokyo")
    assert from_local(LocalSlot(Weekday.MONDAY, time(3, 0), 60), tokyo, WINTER) == (
        Weekday.SUNDAY,
        DaySlot(time(18, 0), 60),
    )


def test_a_local_time_skipped_by_dst_still_converts() -> None:
    spring_forward = date(2026, 3, 29)  # Sunday; 02:00-03:00 does not exist in Paris
    day, slot = from_local(LocalSlot(Weekday.SUNDAY, time(2, 30), 60), PARIS, spring_forward)
    assert (day, slot.start_utc) == (Weekday.SUNDAY, time(1, 30))


def test_program_round_trip_and_collisions() -> None:
    nightly = [LocalSlot(Weekday(d), time(23, 0), 60) for d in range(7)]
    built = program_from_local(2, True, nightly, PARIS, SUMMER)
    assert built.slot(Weekday.MONDAY) == DaySlot(time(21, 0), 60)
    assert program_to_local(built, PARIS, SUMMER) == nightly
    tight = [LocalSlot(Weekday.MONDAY, time(1, 0), 60), LocalSlot(Weekday.MONDAY, time(0, 15), 15)]
    with pytest.raises(SlotsCollide):
        program_from_local(1, True, tight, PARIS, SUMMER)


ZONES = st.sampled_from(["UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"])
QUARTER_TIMES = st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45]))


@pytest.mark.parametrize("week_of", [date(2024, 3, 4), date(2024, 10, 28)])
def test_a_monday_midnight_utc_survives_the_trip_through_new_york_in_a_dst_week(week_of: date) -> None:
    # Monday 00:00 UTC is the Sunday evening before in New York; the week's own Sunday has another offset.
    tz = ZoneInfo("America/New_York")
    slot = DaySlot(time(0, 0), 15)
    local = to_local(Weekday.MONDAY, slot, tz, week_of)
    assert (local.day, local.week_shift) == (Weekday.SUNDAY, -1)
    assert from_local(local, tz, week_of) == (Weekday.MONDAY, slot)


@given(
    day=st.sampled_from(list(Weekday)),
    start=QUARTER_TIMES,
    duration=st.integers(1, 96).map(lambda n: n * 15),
    zone=ZONES,
    week_of=st.dates(date(2024, 1, 1), date(2030, 12, 31)),
)
def test_utc_to_local_and_back_is_identity(
    day: Weekday, start: time, duration: int, zone: str, week_of: date
) -> None:
    tz = ZoneInfo(zone)
    slot = DaySlot(start, duration)
    local = to_local(day, slot, tz, week_of)
    assert local.start.minute % 15 == 0  # whole-quarter offsets keep the grid
    assert from_local(local, tz, week_of) == (day, slot)


@given(
    starts=st.lists(
        st.tuples(QUARTER_TIMES, st.integers(1, 40).map(lambda n: n * 15)), min_size=7, max_size=7
    )
)
def test_valid_slots_never_produce_quarter_or_duration_problems(starts: list[tuple[time, int]]) -> None:
    prog = ChargeProgram(1, True, tuple(DaySlot(s, d) for s, d in starts))
    for problem in validate(ChargeSchedule(ScheduleMode.SCHEDULED, (prog,))):
        assert problem.code is ProblemCode.OVERLAPS_NEXT_DAY
