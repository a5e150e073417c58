"""Per-chat limits on what costs Renault calls or heavy work: Refresh, location, /costs, /export.

Every chat, the owner's too, may tap Refresh or ask where the car is a few times an hour, and draw the
/costs chart or write an export a few times an hour; the one past the cap is refused until the hour that
counted it ends (`bot.domain.attempts`, a quota). Counted before the work is done, in the database
(`limit_counters`), so every replica shares the counters and they survive a restart. A member's Renault
calls are bounded besides by their share of the account's budget (`bot.poller.budget`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum

from bot.domain.attempts import AttemptPolicy
from bot.services.limit_ports import AttemptStore
from bot.services.ports import Clock, LimitReached

log = logging.getLogger(__name__)


class ChatLimit(Enum):
    """What a per-chat limit counts."""

    REFRESH = "refresh"  # the card's Refresh button (reads the car)
    WHERE = "where"  # /where, the 📍 button and "Car's position is home" (read the car's position)
    COSTS = "costs"  # /costs (prices the sessions and draws the chart)
    EXPORT = "export"  # /export (writes every session and reading of the period)


_HOUR = timedelta(hours=1)
# A few an hour each: plenty for a person, and a Refresh costs up to 3 of the account's 60 Renault calls.
_TEN_AN_HOUR = AttemptPolicy(cap=10, window=_HOUR)
_FIVE_AN_HOUR = AttemptPolicy(cap=5, window=_HOUR)


@dataclass(frozen=True, slots=True)
class ChatLimits:
    """Every per-chat limit; the defaults are the documented ones (SECURITY.md, "Limits")."""

    refresh: AttemptPolicy = _TEN_AN_HOUR
    where: AttemptPolicy = _TEN_AN_HOUR
    costs: AttemptPolicy = _TEN_AN_HOUR
    export: AttemptPolicy = _FIVE_AN_HOUR

    @classmethod
    def for_budget(cls, max_calls_per_hour: int) -> ChatLimits:
        """The defaults, with Refresh and /where raised to a sixth of a budget above 60 calls an hour.

        They are there to spare the account's calls: with more calls (the simulated car's 10,000) a chat
        may read the car more often; /costs and /export spare the bot's own work and stay.
        """
        defaults = cls()
        reads = max_calls_per_hour // 6
        if reads <= defaults.refresh.cap:
            return defaults
        raised = AttemptPolicy(cap=reads, window=_HOUR)
        return cls(refresh=raised, where=raised)

    def policy(self, limit: ChatLimit) -> AttemptPolicy:
        """The policy of one limit."""
        policy: AttemptPolicy = getattr(self, limit.value)
        return policy


class ChatLimiter:
    """Counts a chat's use of a limited feature, or refuses it with the limit and when it resets."""

    def __init__(self, store: AttemptStore, clock: Clock, limits: ChatLimits | None = None) -> None:
        self._store = store
        self._clock = clock
        self._limits = limits or ChatLimits()

    async def spend(self, chat_id: int, limit: ChatLimit) -> None:
        """Count one use, or raise `LimitReached` (the work must not be done)."""
        policy = self._limits.policy(limit)
        refused = await self._store.try_attempt([(f"{limit.value}:chat:{chat_id}", policy)], self._clock())
        if refused:
            retry_at = max(refused.values())
            log.info("chat limit %s reached", limit.value)
            raise LimitReached(limit.value, retry_at, policy.cap, int(policy.window.total_seconds() // 60))
