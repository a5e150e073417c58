"""What a test reads in, or does to, a chat of the Telegram emulator (tests/telegram_ui and tests/e2e).

Every wait has a timeout only as a safety net: the emulator wakes a waiting test whenever the bot calls a
method, so a passing test never waits for it.
"""

from __future__ import annotations

from bot.simulator.telegram import EmulatedUser
from bot.simulator.telegram.model import ChatMessage

WAIT = 10.0


def texts(user: EmulatedUser) -> list[str]:
    """The texts of the bot's messages as the user sees them now."""
    return [message.text or "" for message in user.bot_messages]


def text_of(user: EmulatedUser, message_id: int) -> str:
    """The text of one message as the user sees it now ("" once it is deleted or when it has none)."""
    message = user.message(message_id)
    return (message.text or "") if message is not None else ""


async def tap_and_wait(user: EmulatedUser, message_id: int, label: str, expected: str) -> str:
    """Tap a button of the message and wait until its text contains `expected`; that text."""
    await user.tap(message_id, label)
    await user.wait_until(lambda u: expected in text_of(u, message_id), timeout=WAIT)
    return text_of(user, message_id)


async def send_and_wait(user: EmulatedUser, text: str) -> int:
    """Send a message and wait for the bot's next one; the id of the bot's last message then."""
    before = len(user.bot_messages)
    await user.send(text)
    await user.wait_until(lambda u: len(u.bot_messages) > before, timeout=WAIT)
    return user.bot_messages[-1].message_id


async def reply_to(user: EmulatedUser, text: str, prefix: str = "") -> ChatMessage:
    """Send a message; the first bot message after it that starts with `prefix` (others may interleave)."""
    sent = await user.send(text)

    def found() -> ChatMessage | None:
        later = [m for m in user.bot_messages if m.message_id > sent.message_id]
        return next((m for m in later if (m.text or "").startswith(prefix)), None)

    await user.wait_until(lambda _: found() is not None, timeout=WAIT)
    message = found()
    assert message is not None
    return message


async def settled(user: EmulatedUser, message: ChatMessage, prefix: str) -> ChatMessage:
    """Wait until the message (edited in place) starts with `prefix`; the message as it is then."""

    def shown() -> ChatMessage | None:
        current = user.message(message.message_id)
        return current if current is not None and (current.text or "").startswith(prefix) else None

    await user.wait_until(lambda _: shown() is not None, timeout=WAIT)
    found = shown()
    assert found is not None
    return found
