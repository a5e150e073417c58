"""The monthly cost summary ping (kept out of `events.py`, which holds the vehicle pings).

Money travels as decimal strings (the outbox codec stores JSON, and floats would round); the renderer
formats them in the chat's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from bot.domain.preferences import NotificationKind


@dataclass(frozen=True, slots=True)
class MonthlyCostSummary:
    """Last month's charging for one chat: sessions, grid kWh, cost, average price, savings."""

    kind: ClassVar[NotificationKind] = NotificationKind.MONTHLY_SUMMARY
    answers_user: ClassVar[bool] = True  # it has its own per-chat switch
    chat_id: int
    month: date
    sessions: int
    grid_kwh: str
    cost: str | None = None
    currency: str | None = None
    price_per_kwh: str | None = None
    saving: str | None = None
    unpriced: int = 0

    @property
    def dedup_key(self) -> str:
        """Stable identity of this event: one summary per chat and month."""
        return f"chat{self.chat_id}:{self.kind.value}:{self.month:%Y-%m}"
