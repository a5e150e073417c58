"""Ports of the limits every replica shares: login and code attempts, and the per-chat limits.

Implemented in `bot.persistence.limits`; every counter lives in the database (docs/architecture.md, "Where
state lives"), so a guess or a tap counts the same whichever replica handles it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from bot.domain.attempts import AttemptPolicy


class AttemptStore(Protocol):
    """Attempt counters by key (`password:user:42`, `code:email:<keyed hash>`, `password:all`)."""

    async def try_attempt(
        self, counters: Sequence[tuple[str, AttemptPolicy]], now: datetime
    ) -> dict[str, datetime]:
        """Count one attempt on every counter at once, or none: the refusing counters and when they reopen.

        An empty answer means the attempt was counted everywhere; otherwise nothing was counted (a counter
        that has just locked keeps its lock).
        """
        ...

    async def refund(self, counters: Sequence[tuple[str, AttemptPolicy]], now: datetime) -> None:
        """Hand back the attempt just counted on these counters (it was not a guess)."""
        ...

    async def block(self, key: str, until: datetime, now: datetime) -> None:
        """Refuse every attempt on this counter until `until` (Renault locked the account)."""
        ...
