"""Updates across replicas: each recorded once on arrival (before Telegram gets its 200), each chat's
handled one at a time in update_id order whichever replica received them, different chats in parallel, and
none left behind when a replica dies while handling one.

Two PTB seams, no patching: the Application's update queue (`JournaledQueue.put` is awaited by the webhook
handler and by long polling before the update counts as delivered) and its update processor
(`ChatOrderedProcessor`, which takes the chat's turn from the `UpdateJournal` around the handlers). A job
(`register_update_takeover`) puts the updates another replica left unhandled back into this queue.

Long polling queues a getUpdates batch one update at a time, each put awaited: journaled one by one, a
burst would cost one transaction per update. So the bot (`JournalingBot`) hands the whole batch to
`JournaledQueue.journal_batch` as soon as getUpdates returns it, before the updater queues any (and long
before the next getUpdates confirms them): recorded together, in one transaction (group commit).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from telegram import Update
from telegram.error import NetworkError, TelegramError
from telegram.ext import Application, BaseUpdateProcessor, ExtBot

from bot.services.conversation_ports import UpdateJournal
from bot.services.ports import StorageUnavailable
from bot.services.spending import spent_for
from bot.telegram_ui.i18n import Catalogs

log = logging.getLogger(__name__)
# The queue says only the kernel's messages (the update could not be saved).
_KERNEL = Catalogs()


class UpdateNotSaved(NetworkError):
    """An update could not be journaled (storage unavailable): Telegram must deliver it again.

    A NetworkError, so long polling retries the same updates with PTB's own back-off without confirming
    them, and the webhook answers Telegram with an error so that Telegram delivers it again.
    """


class JournaledQueue(asyncio.Queue[object]):
    """The update queue: an update is recorded before it is queued, and a redelivered one is dropped."""

    def __init__(self, journal: UpdateJournal, clock: Callable[[], datetime]) -> None:
        super().__init__()
        self.journal = journal
        self.clock = clock
        # Chats told during the current storage outage that their update could not be saved: told once.
        # Process memory on purpose: while storage is down there is nowhere shared to keep it.
        self._told: set[int] = set()
        # The current getUpdates batch, journaled already: update_id -> whether it was new.
        self._recorded: dict[int, bool] = {}

    async def journal_batch(
        self, updates: Sequence[Update], contents: Mapping[int, str] | None = None
    ) -> None:
        """Record a getUpdates batch at once (one transaction), before its updates are put one by one;
        `contents` has updates as Telegram sent them (JSON text, by update_id), stored as they are.

        An update whose record failed is left to `put`, which records it again or reports the failure."""
        now = self.clock()
        sent = contents or {}
        outcomes = await asyncio.gather(
            *(self._arrive(update, now, sent.get(update.update_id)) for update in updates),
            return_exceptions=True,
        )
        self._recorded = {
            update.update_id: outcome
            for update, outcome in zip(updates, outcomes, strict=True)
            if isinstance(outcome, bool)
        }
        for outcome in outcomes:
            if isinstance(outcome, BaseException) and not isinstance(outcome, Exception):
                raise outcome  # a cancellation goes on

    async def _arrive(self, update: Update, now: datetime, content: str | None = None) -> bool:
        chat = update.effective_chat
        # PTB's to_json() is the fallback only: it costs far more than the text Telegram sent.
        text = content if content is not None else update.to_json()
        return await self.journal.arrived(update.update_id, chat.id if chat else None, now, text)

    async def put(self, item: object) -> None:
        """Record, then queue; an update seen before is logged and acknowledged without being handled."""
        await self.put_received(item, None)

    async def put_received(self, item: object, content: str | None) -> None:
        """`put`, with the update as Telegram sent it (JSON text) when the caller has it (the webhook)."""
        if isinstance(item, Update):
            try:
                fresh = self._recorded.pop(item.update_id, None)
                if fresh is None:
                    fresh = await self._arrive(item, self.clock(), content)
            except StorageUnavailable as exc:
                await self._tell_not_saved(item)
                raise UpdateNotSaved("storage unavailable: the update was not saved") from exc
            self._told.clear()
            if not fresh:
                log.info("update %s was delivered again: already taken, not handled twice", item.update_id)
                return
        await super().put(item)

    async def _tell_not_saved(self, update: Update) -> None:
        chat, user = update.effective_chat, update.effective_user
        if chat is None or chat.id in self._told:
            return
        self._told.add(chat.id)
        tr = _KERNEL.translator(user.language_code if user else None)
        try:
            await update.get_bot().send_message(chat.id, tr("storage.not_saved"))
        except TelegramError as failure:
            log.warning("could not tell a chat its update was not saved: %s", type(failure).__name__)

    async def put_taken_over(self, update: Update) -> None:
        """Queue an update taken over from a replica that stopped (it is journaled already)."""
        await super().put(update)


BatchHook = Callable[[Sequence[Update], Mapping[int, str]], Awaitable[None]]
"""Takes a getUpdates batch and its updates as Telegram sent them (JSON text by update_id)."""


class JournalingBot(ExtBot[None]):
    """The bot: its getUpdates batches go to the journal whole (`JournaledQueue.journal_batch`)."""

    __slots__ = ("_sent", "on_updates")

    def __init__(
        self, *args: Any, sent: Callable[[], Mapping[int, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        # PTB freezes its objects after __init__; its own way for a subclass to add an attribute.
        with self._unfrozen():
            self.on_updates: BatchHook | None = None
            # The last getUpdates batch as Telegram sent it (`request.UpdatesRequest.received`), if known.
            self._sent = sent

    def journal_into(self, hook: BatchHook) -> None:
        """Hand every getUpdates batch to `hook` before the updater queues its updates."""
        with self._unfrozen():
            self.on_updates = hook

    async def get_updates(self, *args: Any, **kwargs: Any) -> tuple[Update, ...]:
        """PTB's getUpdates, then the batch journaled at once (with the text Telegram sent, when known)."""
        updates = await super().get_updates(*args, **kwargs)
        if updates and self.on_updates is not None:
            await self.on_updates(updates, self._sent() if self._sent is not None else {})
        return updates


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Handles updates concurrently, but one chat's updates one at a time and in order (the chat's turn)."""

    def __init__(self, journal: UpdateJournal, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self._journal = journal

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run the handlers for the update inside its chat's turn (updates without a chat run at once)."""
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None or not isinstance(update, Update):
            await coroutine
            return
        async with self._journal.turn(chat.id, update.update_id) as unhandled:
            if not unhandled:
                # Another replica took it over and handled it meanwhile (or we did, before a restart).
                _close(coroutine)
                return
            # Every Renault call the handlers make is the chat's: a member's is bounded by their share.
            with spent_for(chat.id):
                await coroutine

    async def initialize(self) -> None:
        """Nothing to open: the journal belongs to the object graph."""

    async def shutdown(self) -> None:
        """The handled marks still waiting for company are committed (the journal belongs to the graph)."""
        await self._journal.settle()


def _close(coroutine: Awaitable[Any]) -> None:
    # Never awaited: close it, so Python does not warn that it was never run.
    close = getattr(coroutine, "close", None)
    if callable(close):
        close()


def register_update_takeover(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Every few seconds, renew this process's journaled updates and queue those of a replica that died."""
    queue = application.update_queue
    if not isinstance(queue, JournaledQueue) or application.job_queue is None:
        return
    journal = queue.journal

    async def take_over(_context: object) -> None:
        for content in await journal.take_over(queue.clock()):
            update = Update.de_json(json.loads(content), application.bot)
            await queue.put_taken_over(update)

    application.job_queue.run_repeating(
        take_over,
        interval=journal.takeover_every.total_seconds(),
        first=1.0,
        name="update-takeover",
        job_kwargs={"max_instances": 1, "coalesce": True},
    )


def on_polling_error(error: TelegramError) -> None:
    """Long polling's error callback: an update not saved is said once (by the database and to its chat),
    not at every retry; any other error is logged as PTB would."""
    if isinstance(error, UpdateNotSaved):
        return
    log.error("polling for updates failed: %s: %s", type(error).__name__, error.message)
