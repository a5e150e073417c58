"""A slow Renault never means silence: a "Checking with Renault…" note after 2 s, a clear stop after 30 s.

`Waiting(update, context).run(work)` awaits one Renault round (a card read, a login, a schedule write...):
if it has not finished after `Patience.notice_after`, the owner is told it is on its way (a note message,
or a toast under a tapped button); after `Patience.give_up_after` the work is cancelled and `TooSlow`
says so (the central error handler turns it into a message). `show()` then puts the result in the note's
place. The timers come from `Patience.schedule`, injected: tests fire them, they never sleep.

The work runs in the handler's own task with two timer callbacks beside it (no task, no extra turn of the
event loop while it is quick): a warm /status answers in well under the notice time, and a task for the
work, a sleeping task for the timer and an `asyncio.wait` per read were extra turns of the event loop for
every update (bench.bot_updates, under cProfile). The notice timer starts the note in a task of its own
only when it fires; the give-up timer cancels the work through `asyncio.timeout`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, TypeVar

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

if TYPE_CHECKING:  # the context holds the Patience: imported for types only, no import cycle
    from bot.telegram_ui.context import BotContext

log = logging.getLogger(__name__)

T = TypeVar("T")


class TooSlow(Exception):
    """Renault did not answer within `Patience.give_up_after` seconds; the work was cancelled."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"no answer within {seconds:g} s")
        self.seconds = seconds


class Timer(Protocol):
    """A scheduled callback that can be called off (an `asyncio.TimerHandle`)."""

    def cancel(self) -> None:
        """Call it off; nothing happens when it has fired already."""


Schedule = Callable[[float, Callable[[], None]], Timer]
"""Calls the callback after that many seconds (on the running loop); the returned timer calls it off."""


def call_later(seconds: float, callback: Callable[[], None]) -> Timer:
    """The event loop's own timer."""
    return asyncio.get_running_loop().call_later(seconds, callback)


@dataclass(frozen=True, slots=True)
class Patience:
    """How long the owner waits without a word, and without an answer; `schedule` times it (injected in
    tests)."""

    notice_after: float = 2.0
    give_up_after: float = 30.0
    schedule: Schedule = field(default=call_later)


class Waiting:
    """One update's wait for Renault: the note when it is slow, then the result in its place."""

    def __init__(self, update: Update, context: BotContext, *, note: bool = True) -> None:
        self._update = update
        self._context = context
        self._say = note  # False where the screen already says the request is on its way
        self._note: Message | None = None
        self.toasted = False  # a tapped button's answer was used for the note

    async def run(self, work: Awaitable[T]) -> T:
        """Await `work`; say it is on its way after the notice time; cancel it and raise TooSlow later."""
        patience = self._context.options.patience
        timers: list[Timer] = []
        note: list[asyncio.Task[None]] = []
        deadline = asyncio.timeout(None)
        try:
            async with deadline:

                def give_up() -> None:
                    deadline.reschedule(asyncio.get_running_loop().time())

                def notice() -> None:
                    if self._say:
                        note.append(asyncio.ensure_future(self._say_checking()))
                    left = max(patience.give_up_after - patience.notice_after, 0.0)
                    timers.append(patience.schedule(left, give_up))

                timers.append(patience.schedule(patience.notice_after, notice))
                try:
                    return await work
                finally:
                    for timer in timers:
                        timer.cancel()
        except TimeoutError:
            if not deadline.expired():
                raise  # the work's own
            log.info("no answer from Renault within %s s: the request was abandoned", patience.give_up_after)
            raise TooSlow(patience.give_up_after) from None
        finally:
            for task in note:  # the note goes out (or fails) before the result takes its place
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            if self._update.callback_query is not None:
                # A tap's result goes to a message of its own (the tapped one, mostly): the note sent when
                # the tap could no longer be answered with a toast would be left behind, saying "checking".
                await self.forget_note()

    async def show(self, text: str, markup: InlineKeyboardMarkup | None = None) -> Message | None:
        """The result: in place of the note when one was sent (for a message, not a tap), else as a reply."""
        if self._note is None:
            return await _reply(self._update, text, markup)
        edited = await self._note.edit_text(text, reply_markup=markup)
        return edited if isinstance(edited, Message) else self._note

    async def forget_note(self) -> None:
        """Remove the note (the result went elsewhere, e.g. a location pin)."""
        if self._note is not None:
            with contextlib.suppress(BadRequest):
                await self._note.delete()
            self._note = None

    async def _say_checking(self) -> None:
        view = await self._context.chat_view(self._update)
        query = self._update.callback_query
        if query is not None:
            try:
                await query.answer(view.tr("slow.checking"))
                self.toasted = True
                return
            except BadRequest:  # the tap was answered already: say it in the chat instead
                log.info("a tap answered before Renault's answer: the note goes to the chat")
        self._note = await _reply(self._update, view.tr("slow.checking"))


async def _reply(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> Message:
    message = update.effective_message
    if message is None:
        raise ValueError("update without a message")
    return await message.reply_text(text, reply_markup=markup)
