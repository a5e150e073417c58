"""Waiting.run: the work runs in the handler's own task, timed by callbacks, and only a real wait is slow."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import cast

import pytest
from telegram import Update

from bot.telegram_ui.context import BotContext
from bot.telegram_ui.patience import Patience, TooSlow, Waiting
from tests.support.waits import ManualWaits


@dataclass
class _Options:
    patience: Patience


@dataclass
class _Context:
    """What Waiting reads of the bot's context when no note is said."""

    options: _Options


def _waiting(waits: ManualWaits) -> Waiting:
    context = _Context(_Options(Patience(notice_after=2.0, give_up_after=30.0, schedule=waits.schedule)))
    return Waiting(Update(update_id=1), cast(BotContext, context), note=False)


async def test_quick_work_runs_in_the_handlers_own_task_and_leaves_no_timer() -> None:
    waits = ManualWaits()
    handler = asyncio.current_task()

    async def work() -> asyncio.Task[object] | None:
        return asyncio.current_task()

    assert await _waiting(waits).run(work()) is handler
    assert not waits.waiting(2.0)  # the notice timer was called off with the answer


async def test_work_past_the_give_up_time_is_cancelled_and_said_too_slow() -> None:
    waits = ManualWaits()
    cancelled = asyncio.Event()

    async def work() -> None:
        try:
            await asyncio.Event().wait()  # Renault never answers
        except asyncio.CancelledError:
            cancelled.set()
            raise

    running = asyncio.ensure_future(_waiting(waits).run(work()))
    await waits.elapse(2.0)
    await waits.elapse(28.0)
    with pytest.raises(TooSlow):
        await running
    assert cancelled.is_set()


async def test_a_timeout_of_the_work_itself_is_not_taken_for_the_give_up() -> None:
    async def work() -> None:
        raise TimeoutError("the work's own")

    with pytest.raises(TimeoutError, match="the work's own"):
        await _waiting(ManualWaits()).run(work())
