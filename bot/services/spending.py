"""Whom a Renault call is spent for: the chat whose update is being handled, or the bot itself.

The Telegram front-end runs each update's handlers inside `spent_for(chat)` (`bot.telegram_ui.ordering`);
the poller and the jobs run outside it. The budget gate (`bot.poller.budget`), handed `spending_chat` by
the composition root (`bot.app.graph._gate`), reads it to bound a member's calls by their share of the
account's hour, so no member can drain what the owner and the poller need. A context variable, because the
Renault client between them knows nothing of chats.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_chat: ContextVar[int | None] = ContextVar("spending_chat", default=None)


@contextmanager
def spent_for(chat_id: int) -> Iterator[None]:
    """Count every Renault call made inside the block for this chat."""
    token = _chat.set(chat_id)
    try:
        yield
    finally:
        _chat.reset(token)


def spending_chat() -> int | None:
    """The chat the current Renault call is spent for (None: the bot's own, such as the poller's)."""
    return _chat.get()
