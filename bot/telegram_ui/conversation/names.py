"""The names of the states that wait for input, as stored with a chat's screen; each part declares its own.

`StateName.value` is what a chat's screen focus stores: never change one (stored states keep working). The
kernel names only the states its router finds by itself: the login's steps (from the login row, read first
so a password never goes anywhere else) and idle (from the chat's links). Every screen's name is declared by
its feature's part, beside its state; `bot.telegram_ui.parts.declared_states` refuses a name declared twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True, slots=True)
class StateName:
    """Where a chat can be: the name stored with its screen (`value`, e.g. 'settings.menu')."""

    value: str


LOGIN_LOCALE: Final = StateName("login.locale")
LOGIN_EMAIL: Final = StateName("login.email")
LOGIN_PASSWORD: Final = StateName("login.password")
LOGIN_CODE: Final = StateName("login.code")
IDLE_LINKED: Final = StateName("idle.linked")
IDLE_UNLINKED: Final = StateName("idle.unlinked")
# The states the kernel finds by itself; each must be declared by some part.
KERNEL_STATE_NAMES: Final = (
    LOGIN_LOCALE,
    LOGIN_EMAIL,
    LOGIN_PASSWORD,
    LOGIN_CODE,
    IDLE_LINKED,
    IDLE_UNLINKED,
)
