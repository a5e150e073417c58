"""The schedule in local time and the editor's state machine (pure: no Telegram, no clock)."""

from __future__ import annotations

from datetime import date, time

import pytest

from bot.app.parts import CATALOGS
from bot.domain.schedule import (
    ChargeProgram,
    ChargeSchedule,
    DaySlot,
    ScheduleMode,
    SlotsCollide,
    Weekday,
)
from bot.features.schedule.telegram.editor import (
    Screen,
    StaleStep,
    apply_tap,
    local_programs,
    start_draft,
    to_schedule,
)
from bot.features.schedule.telegram.view import editor_screen, render_schedule

PARIS = "Europe/Paris"
WINTER = date(2026, 11, 4)  # a Wednesday, UTC+1
SUMMER = date(2026, 7, 8)  # UTC+2
DST_WEEK = date(2026, 3, 25)  # clocks go forward on Sunday 29 March 2026


def _every_day(start: time, minutes: int, activated: bool = True) -> ChargeProgram:
    return ChargeProgram(1, activated, (DaySlot(start, minutes),) * 7)


def _render(schedule: ChargeSchedule, today: date, language: str = "en") -> str:
    programs = local_programs(schedule, PARIS, today)
    return render_schedule(CATALOGS.translator(language), "ZOE", schedule.mode, programs, PARIS)


def _taps(draft_args: list[str], schedule: ChargeSchedule, today: date = WINTER) -> ChargeSchedule:
    draft = start_draft(7, schedule, PARIS, today)
    for arg in draft_args:
        draft = apply_tap(draft, arg)
    return to_schedule(draft)


def test_late_utc_period_is_shown_on_the_next_local_day() -> None:
    monday_late = ChargeProgram(1, True, (DaySlot(time(23, 30), 120), *(None,) * 6))
    text = _render(ChargeSchedule(ScheduleMode.SCHEDULED, (monday_late,)), WINTER)
    assert "Tuesday 00:30 → 02:30 (2 h)" in text
    assert "Monday" not in text
    assert "Times are in Paris (Europe/Paris)." in text


def test_summer_time_shows_utc_plus_two() -> None:
    text = _render(ChargeSchedule(ScheduleMode.SCHEDULED, (_every_day(time(5, 0), 60),)), SUMMER)
    assert "Monday 07:00 → 08:00 (1 h)" in text


def test_the_dst_week_shows_sunday_an_hour_later_than_monday() -> None:
    text = _render(ChargeSchedule(ScheduleMode.SCHEDULED, (_every_day(time(5, 0), 60),)), DST_WEEK)
    assert "Monday 06:00 → 07:00 (1 h)" in text
    assert "Saturday 06:00 → 07:00 (1 h)" in text
    assert "Sunday 07:00 → 08:00 (1 h)" in text


def test_rendering_names_mode_program_state_and_empty_programs_in_french() -> None:
    schedule = ChargeSchedule(
        ScheduleMode.ALWAYS, (_every_day(time(5, 0), 45, activated=False), ChargeProgram(2, True))
    )
    text = _render(schedule, WINTER, "fr")
    assert "Mode : charge dès le branchement" in text
    assert "Programme 1 (inactif) :" in text
    assert "lundi 06:00 → 06:45 (45 min)" in text
    assert "Programme 2 (actif) :\n  aucune période" in text


def test_monday_at_01_15_for_3_hours_in_paris_winter_is_monday_00_15_utc() -> None:
    original = ChargeSchedule(ScheduleMode.ALWAYS, ())
    written = _taps(["p:1", "d:0", "h:1", "q:15", "du:180", "ok"], original)
    (program,) = written.programs
    assert program.program_id == 1
    assert program.activated
    assert program.slot(Weekday.MONDAY) == DaySlot(time(0, 15), 180)
    assert sum(slot is not None for slot in program.days) == 1


def test_a_local_period_after_midnight_moves_to_the_previous_utc_day_in_summer() -> None:
    written = _taps(["p:1", "d:0", "h:1", "q:15", "du:60", "ok"], ChargeSchedule(ScheduleMode.ALWAYS), SUMMER)
    assert written.programs[0].slot(Weekday.SUNDAY) == DaySlot(time(23, 15), 60)


def test_untouched_programs_are_written_exactly_as_read() -> None:
    kept = ChargeProgram(2, False, (None, DaySlot(time(22, 45), 135), *(None,) * 5))
    original = ChargeSchedule(ScheduleMode.SCHEDULED, (_every_day(time(5, 0), 60), kept))
    written = _taps(["p:1", "d:2", "clr"], original)
    assert written.programs[1] == kept
    assert written.programs[0].slot(Weekday.WEDNESDAY) is None
    assert written.programs[0].slot(Weekday.TUESDAY) == DaySlot(time(5, 0), 60)


def test_steps_follow_program_day_hour_quarter_duration() -> None:
    draft = start_draft(7, ChargeSchedule(ScheduleMode.ALWAYS, (_every_day(time(5, 0), 90),)), PARIS, WINTER)
    screens = [draft.screen]
    for arg in ["p:1", "d:4", "h:7", "q:45"]:
        draft = apply_tap(draft, arg)
        screens.append(draft.screen)
    assert screens == [Screen.PROGRAMS, Screen.PROGRAM, Screen.HOUR, Screen.QUARTER, Screen.DURATION]
    assert draft.duration == 90  # the day's current duration is the starting point
    draft = apply_tap(apply_tap(draft, "du:240"), "adj:+15")
    assert draft.duration == 255
    assert apply_tap(draft, "ok").screen is Screen.PROGRAM


def test_duration_adjustment_never_goes_below_a_quarter_hour() -> None:
    draft = start_draft(7, ChargeSchedule(ScheduleMode.ALWAYS), PARIS, WINTER)
    for arg in ["p:1", "d:0", "h:3", "q:0", "adj:-15", "adj:-15", "adj:-15", "adj:-15", "adj:-15"]:
        draft = apply_tap(draft, arg)
    assert draft.duration == 15


@pytest.mark.parametrize(
    "args",
    [
        ["q:15"],  # a quarter before any program, day or hour
        ["p:1", "h:7"],  # an hour before a day
        ["p:1", "d:9"],  # no such weekday
        ["p:1", "d:0", "h:24"],
        ["p:1", "d:0", "h:7", "q:20"],  # not a quarter hour
        ["p:1", "d:0", "h:7", "q:0", "du:100"],  # not an offered duration
        ["p:1", "d:0", "h:7", "q:0", "adj:+30"],
        ["p:4"],  # the next free program is 2
        ["mode:delayed"],
        ["mode:bogus"],
        ["rm:1"],
    ],
)
def test_taps_that_do_not_fit_the_draft_are_stale(args: list[str]) -> None:
    draft = start_draft(7, ChargeSchedule(ScheduleMode.ALWAYS, (_every_day(time(5, 0), 60),)), PARIS, WINTER)
    *steps, last = args
    for arg in steps:
        draft = apply_tap(draft, arg)
    with pytest.raises(StaleStep):
        apply_tap(draft, last)


def test_new_program_toggle_and_mode_are_in_the_written_schedule() -> None:
    original = ChargeSchedule(ScheduleMode.ALWAYS, (_every_day(time(5, 0), 60),))
    written = _taps(
        ["p:2", "d:6", "h:22", "q:30", "du:120", "ok", "back", "p:1", "act", "mode:scheduled"], original
    )
    assert written.mode is ScheduleMode.SCHEDULED
    assert [(p.program_id, p.activated) for p in written.programs] == [(1, False), (2, True)]
    assert written.programs[1].slot(Weekday.SUNDAY) == DaySlot(time(21, 30), 120)


def test_two_local_periods_on_one_utc_day_cannot_be_written() -> None:
    # Tuesday 00:30 in Paris is Monday 23:30 UTC, and Monday 10:00 is Monday 09:00 UTC.
    args = ["p:1", "d:1", "h:0", "q:30", "du:60", "ok", "d:0", "h:10", "q:0", "du:60", "ok"]
    with pytest.raises(SlotsCollide):
        _taps(args, ChargeSchedule(ScheduleMode.ALWAYS))


def test_editor_screens_fit_telegrams_callback_limit_and_ask_in_words() -> None:
    tr = CATALOGS.translator("en")
    draft = start_draft(123456789012, ChargeSchedule(ScheduleMode.ALWAYS), PARIS, WINTER)
    seen = []
    for arg in ["p:1", "d:0", "h:1", "q:15", "du:180"]:
        text, markup = editor_screen(tr, "ZOE", draft)
        seen.append(text.splitlines()[-1])
        payloads = [str(b.callback_data) for row in markup.inline_keyboard for b in row]
        assert all(len(data.encode()) <= 64 for data in payloads)
        draft = apply_tap(draft, arg)
    text, _ = editor_screen(tr, "ZOE", draft)
    assert seen[0] == "Which program do you want to change?"
    assert seen[2] == "Monday: at which hour should charging start?"
    assert text.endswith("Monday 01:15 → 04:15 (3 h). How long should it charge? Tap OK when it is right.")
