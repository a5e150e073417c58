"""A start time typed in the schedule editor: taken where the hour or minute is asked, in quarter hours."""

from __future__ import annotations

from datetime import date, time

import pytest

from bot.domain.schedule import ChargeProgram, ChargeSchedule, ScheduleMode, Weekday
from bot.features.schedule.telegram.editor import (
    Draft,
    Screen,
    StaleStep,
    apply_tap,
    start_draft,
    typed_start,
)

WEEK = date(2026, 11, 2)


def _at(step: str) -> Draft:
    draft = start_draft(7, ChargeSchedule(ScheduleMode.SCHEDULED, (ChargeProgram(1, True),)), "UTC", WEEK)
    for tap in ("p:1", "d:0", "h:7")[: ("programs", "program", "hour", "quarter").index(step)]:
        draft = apply_tap(draft, tap)
    return draft


@pytest.mark.parametrize("step", ["hour", "quarter"])
@pytest.mark.parametrize("typed", ["23:15", "23h15", " 23.15 "])
def test_a_typed_quarter_hour_is_the_start(step: str, typed: str) -> None:
    draft = typed_start(_at(step), typed)
    assert (draft.screen, draft.day, draft.start) == (Screen.DURATION, Weekday.MONDAY, time(23, 15))


@pytest.mark.parametrize(("step", "typed"), [("hour", "23:10"), ("hour", "25:00"), ("programs", "23:00")])
def test_what_is_not_a_start_here_is_refused(step: str, typed: str) -> None:
    with pytest.raises(StaleStep):
        typed_start(_at(step), typed)
