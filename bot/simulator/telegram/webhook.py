"""Webhook delivery, as Telegram does it: the emulator POSTs each update to the URL the bot set (with its
secret token header) and keeps it until an answer is 2xx, retrying otherwise.

Like Telegram's Bot API server, one chat's updates go one at a time (the next only after the previous one
was acknowledged), while different chats' updates go out in parallel (up to `max_connections`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from typing import Any

import httpx

from bot.simulator.telegram.state import EmulatorState
from bot.simulator.telegram.updates import PendingUpdate

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name


@dataclass(frozen=True, slots=True)
class Delivery:
    """One POST of an update: which, to where, and the answer (0 when the connection failed)."""

    update_id: int
    status: int


def chat_of(update: PendingUpdate) -> int | None:
    """The chat an update belongs to (its delivery queue), if any."""
    payload: dict[str, Any] = update.payload
    chat = payload.get("chat") or (payload.get("message") or {}).get("chat")
    return int(chat["id"]) if isinstance(chat, dict) and "id" in chat else None


class WebhookPusher:
    """Pushes the emulator's pending updates to its webhook while open (an async context manager)."""

    def __init__(
        self,
        state: EmulatorState,
        *,
        max_connections: int = 40,
        retry_seconds: float = 0.2,
        timeout_seconds: float = 10.0,
    ) -> None:
        self._state = state
        self._max = max_connections
        self._retry = retry_seconds
        self._timeout = timeout_seconds
        self._in_flight: set[int] = set()
        self._busy_chats: set[int | None] = set()
        self._sent: dict[int, PendingUpdate] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._runner: asyncio.Task[None] | None = None
        self._client: httpx.AsyncClient | None = None
        self.deliveries: list[Delivery] = []

    async def __aenter__(self) -> WebhookPusher:
        self._client = httpx.AsyncClient(timeout=self._timeout)
        self._runner = asyncio.create_task(self._run(), name="emulator-webhook")
        return self

    async def __aexit__(self, *exc: object) -> None:
        tasks = [t for t in (self._runner, *self._tasks) if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._client is not None:
            await self._client.aclose()

    async def deliver_again(self, update_id: int) -> int:
        """POST an already delivered update once more (Telegram retrying after a lost answer)."""
        update = self._sent[update_id]
        return await self._post(update)

    async def _run(self) -> None:
        updates = self._state.updates
        while True:
            batch = await updates.changed.wait_for(self._startable, None)
            for update in batch or ():
                self._in_flight.add(update.update_id)
                self._busy_chats.add(chat_of(update))
                task = asyncio.create_task(self._deliver(update))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)

    def _startable(self) -> list[PendingUpdate] | None:
        if not self._state.webhook_url:
            return None
        self._state.updates.discard_unwanted()  # kinds setWebhook's allowed_updates left out: never sent
        chosen: list[PendingUpdate] = []
        busy = set(self._busy_chats)
        for update in self._state.updates.pending:
            if len(self._in_flight) + len(chosen) >= self._max:
                break
            chat = chat_of(update)
            if update.update_id in self._in_flight or chat in busy:
                continue
            busy.add(chat)  # later updates of this chat wait for this one's answer
            chosen.append(update)
        return chosen or None

    async def _deliver(self, update: PendingUpdate) -> None:
        try:
            status = await self._post(update)
            if 200 <= status < 300:
                self._sent[update.update_id] = update
                self._state.updates.confirm(update.update_id)
            else:
                await asyncio.sleep(self._retry)
        finally:
            self._in_flight.discard(update.update_id)
            self._busy_chats.discard(chat_of(update))
            self._state.updates.changed.notify()

    async def _post(self, update: PendingUpdate) -> int:
        assert self._client is not None
        headers = {SECRET_HEADER: self._state.webhook_secret} if self._state.webhook_secret else {}
        try:
            response = await self._client.post(
                self._state.webhook_url, json=update.to_json(), headers=headers
            )
            status = response.status_code
        except httpx.HTTPError as error:
            log.info("webhook delivery of update %s failed: %s", update.update_id, type(error).__name__)
            status = 0
        self.deliveries.append(Delivery(update.update_id, status))
        return status
