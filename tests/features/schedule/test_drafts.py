"""Schedule drafts as stored text: a draft mid-edit comes back equal, one of another car is not this car's,
and one that cannot be read (another version, corrupted) is dropped and reads as expired."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, time, timedelta

from bot.domain.schedule import Weekday
from bot.features.schedule.telegram.drafts import KIND, ScheduleDrafts, decode_draft, encode_draft
from bot.features.schedule.telegram.editor import Draft, start_draft
from tests.support.clock import FakeClock
from tests.telegram_ui.fakes import FakeDrafts, weekday_schedule

CHAT = 1001


def _mid_edit() -> Draft:
    draft = start_draft(7, weekday_schedule(time(4, 0), 120), "Europe/Paris", date(2026, 3, 27))
    return dataclasses.replace(
        draft, edited=frozenset({1}), program_id=1, day=Weekday.MONDAY, hour=5, start=time(5, 30), duration=90
    )


def test_a_draft_mid_edit_comes_back_equal() -> None:
    draft = _mid_edit()
    assert decode_draft(encode_draft(draft)) == draft


async def test_a_draft_is_only_the_car_it_was_opened_for() -> None:
    clock = FakeClock()
    drafts = ScheduleDrafts(FakeDrafts())
    await drafts.put(CHAT, _mid_edit(), clock())
    assert await drafts.get(CHAT, 7, clock()) == _mid_edit()
    assert await drafts.get(CHAT, 8, clock()) is None


async def test_an_unreadable_draft_is_dropped_and_reads_as_expired() -> None:
    clock = FakeClock()
    store = FakeDrafts()
    drafts = ScheduleDrafts(store)
    other_version = json.loads(encode_draft(_mid_edit())) | {"v": 0}
    for text in (json.dumps(other_version), "{not json", '{"v": 1}'):
        await store.save_draft(CHAT, KIND, text, clock() + timedelta(minutes=5))
        assert await drafts.get(CHAT, 7, clock()) is None
        assert (CHAT, KIND) not in store.rows


def test_a_period_across_the_weeks_edge_keeps_its_week_in_the_draft() -> None:
    # Monday 00:00 UTC seen from New York in the week daylight saving ends: the Sunday before, not the week's.
    draft = start_draft(7, weekday_schedule(time(0, 0), 60), "America/New_York", date(2024, 10, 28))
    shifted = [s for p in draft.programs for s in p.slots if s.week_shift]
    assert shifted
    assert decode_draft(encode_draft(draft)) == draft
