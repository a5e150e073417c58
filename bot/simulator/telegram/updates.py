"""The pending-update queue behind getUpdates: offsets confirm, long polls wake on arrival."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.simulator.telegram.errors import CONFLICT_OTHER_POLL, BotApiError
from bot.simulator.telegram.signal import Signal

# What getUpdates delivers when the bot never chose (Telegram leaves these three out by default).
_OPT_IN_ONLY = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_MAX_LIMIT = 100


@dataclass(frozen=True)
class PendingUpdate:
    """One update waiting for the bot: its id, its kind (`message`, `callback_query`...) and body."""

    update_id: int
    kind: str
    payload: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        """The Update object as the Bot API sends it."""
        return {"update_id": self.update_id, self.kind: self.payload}


class UpdateQueue:
    """Updates kept until a later getUpdates offset confirms them, like Telegram's server does."""

    def __init__(self) -> None:
        self._pending: list[PendingUpdate] = []
        self._next_id = 100_000
        self._allowed: frozenset[str] | None = None
        self._poll_generation = 0
        self._closed = False
        self._signal = Signal()

    @property
    def pending(self) -> tuple[PendingUpdate, ...]:
        """Updates not yet confirmed by the bot."""
        return tuple(self._pending)

    def push(self, kind: str, payload: dict[str, Any]) -> PendingUpdate:
        """Queue an update and wake a long poll."""
        update = PendingUpdate(self._next_id, kind, payload)
        self._next_id += 1
        self._pending.append(update)
        self._signal.notify()
        return update

    @property
    def changed(self) -> Signal:
        """Notified whenever an update is queued (the webhook pusher waits on it)."""
        return self._signal

    def confirm(self, update_id: int) -> None:
        """Forget one update: the webhook answered 2xx for it."""
        self._pending = [u for u in self._pending if u.update_id != update_id]

    def drop_all(self) -> None:
        """Forget every pending update (deleteWebhook/setWebhook with drop_pending_updates)."""
        self._pending.clear()

    def close(self) -> None:
        """Make every waiting and future long poll return at once (emulator shutdown)."""
        self._closed = True
        self._signal.notify()

    def choose(self, allowed: list[str] | None) -> None:
        """The kinds the bot asked for (`allowed_updates` of getUpdates or setWebhook).

        None keeps the last choice; an empty list goes back to the default."""
        if allowed is not None:
            self._allowed = frozenset(allowed) if allowed else None

    def discard_unwanted(self) -> None:
        """Forget pending updates of kinds the bot did not ask for (Telegram never stores them)."""
        self._discard_unwanted()

    async def get(
        self, offset: int | None, limit: int, wait_seconds: float, allowed: list[str] | None
    ) -> list[dict[str, Any]]:
        """getUpdates: confirm below `offset`, then return what is pending, waiting up to `wait_seconds`."""
        self.choose(allowed)
        self._confirm(offset)
        self._poll_generation += 1
        generation = self._poll_generation
        self._signal.notify()  # a newer poll terminates an older one, as on Telegram

        def probe() -> list[PendingUpdate] | None:
            if generation != self._poll_generation:
                raise BotApiError(409, CONFLICT_OTHER_POLL)
            self._discard_unwanted()
            batch = self._select(offset, limit)
            return batch if batch or self._closed else None

        batch = await self._signal.wait_for(probe, max(wait_seconds, 0.0)) or []
        return [update.to_json() for update in batch]

    def _confirm(self, offset: int | None) -> None:
        if offset is not None and offset > 0:
            self._pending = [u for u in self._pending if u.update_id >= offset]

    def _select(self, offset: int | None, limit: int) -> list[PendingUpdate]:
        limit = min(max(limit, 1), _MAX_LIMIT)
        if offset is not None and offset < 0:
            return self._pending[offset:][:limit]
        return self._pending[:limit]

    def _discard_unwanted(self) -> None:
        # Telegram never stores updates of a kind the bot did not ask for.
        if self._allowed is None:
            self._pending = [u for u in self._pending if u.kind not in _OPT_IN_ONLY]
        else:
            self._pending = [u for u in self._pending if u.kind in self._allowed]
