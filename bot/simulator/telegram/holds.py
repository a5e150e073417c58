"""Holding a Bot API call: the bot's request waits in the emulator until the test lets it through or drops it.

This is how a test stands between "the bot sent it" and "Telegram answered": kill the bot while its
sendMessage hangs, then drop the call (Telegram never processed it) and see what a restart does.
"""

from __future__ import annotations

import asyncio


class Hold:
    """One held call: `reached` is set when a matching call arrives; `release` answers it, `drop` fails it."""

    def __init__(self, method: str, chat_id: int | None) -> None:
        self.method = method.lower()
        self.chat_id = chat_id
        self.reached = asyncio.Event()
        self._go = asyncio.Event()
        self._process = True

    def matches(self, method: str, chat_id: int | None) -> bool:
        """Whether this hold catches a call of `method` to `chat_id`."""
        return method.lower() == self.method and self.chat_id in (None, chat_id)

    async def wait(self) -> bool:
        """Hold the caller; True when it is released (processed), False when dropped (never processed)."""
        self.reached.set()
        await self._go.wait()
        return self._process

    def release(self) -> None:
        """Let the held call through: it is processed as if it had just arrived."""
        self._process = True
        self._go.set()

    def drop(self) -> None:
        """Answer the held call with a 502 without processing it (Telegram never saw it)."""
        self._process = False
        self._go.set()
