"""Plan -> car schedule conversion and the start/stop executor's decisions."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from bot.domain.schedule import ChargeProgram, ChargeSchedule, DaySlot, ProblemCode, ScheduleMode, validate
from bot.features.smart_charging.logic.planner import Interval
from bot.features.smart_charging.logic.schedule import (
    SmartScheduleInvalid,
    desired_charging,
    next_boundary,
    plan_finished,
    restorable,
    window_schedule,
)

# Monday 2 November 2026, 23:15 UTC: the window crosses midnight into Tuesday.
START = datetime(2026, 11, 2, 23, 15, tzinfo=UTC)


def _window(minutes: int, start: datetime = START) -> Interval:
    return Interval(start, start + timedelta(minutes=minutes))


def test_window_becomes_one_activated_period_on_its_utc_weekday() -> None:
    schedule = window_schedule(_window(240), None)

    assert schedule.mode is ScheduleMode.SCHEDULED
    (program,) = schedule.programs
    assert program.program_id == 1
    assert program.activated
    assert program.days == (DaySlot(time(23, 15), 240), None, None, None, None, None, None)
    assert validate(schedule) == []


def test_other_programs_are_kept_but_deactivated_so_only_the_window_charges() -> None:
    previous = ChargeSchedule(
        ScheduleMode.ALWAYS,
        (
            ChargeProgram(1, True, (DaySlot(time(1, 0), 300),) * 7),
            ChargeProgram(3, True, (None, DaySlot(time(2, 0), 60), None, None, None, None, None)),
        ),
    )

    schedule = window_schedule(_window(60), previous)

    assert [p.program_id for p in schedule.programs] == [1, 3]
    assert [p.activated for p in schedule.programs] == [True, False]
    assert schedule.programs[1].days == previous.programs[1].days


def test_a_window_renault_would_refuse_is_not_converted() -> None:
    off_quarter = START + timedelta(minutes=5)

    with pytest.raises(SmartScheduleInvalid) as raised:
        window_schedule(_window(60, off_quarter), None)

    assert ProblemCode.START_NOT_ON_QUARTER in {p.code for p in raised.value.problems}


def test_restorable_always_writes_program_one_back() -> None:
    previous = ChargeSchedule(ScheduleMode.ALWAYS, (ChargeProgram(2, True, (DaySlot(time(3, 0), 30),) * 7),))

    restored = restorable(previous)

    assert [(p.program_id, p.activated) for p in restored.programs] == [(1, False), (2, True)]
    assert restored.mode is ScheduleMode.ALWAYS


def test_start_stop_plan_charges_inside_intervals_only() -> None:
    runs = (_window(30), _window(30, START + timedelta(hours=1)))

    assert not desired_charging(runs, START - timedelta(minutes=1))
    assert desired_charging(runs, START)
    assert not desired_charging(runs, START + timedelta(minutes=30))
    assert desired_charging(runs, START + timedelta(minutes=75))
    assert next_boundary(runs, START) == START + timedelta(minutes=30)
    assert next_boundary(runs, START + timedelta(hours=2)) is None
    assert not plan_finished(runs, START + timedelta(minutes=89))
    assert plan_finished(runs, START + timedelta(minutes=90))
