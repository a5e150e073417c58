"""Capped attempts with a growing lock: the rule behind the login and code limits (pure, no clock reads).

A counter allows `cap` attempts per `window`. The attempt after that is refused and locks the counter for
`lock`; each further lock within `memory` of the previous one lasts twice as long, up to `max_lock`. An
attempt is counted when it is made (so two replicas cannot both slip past the cap) and handed back when it
turned out not to be a guess (the right password, Renault unreachable).

A policy without a `lock` is a plain quota (the per-chat limits, a member's share of the call budget): the
attempt past the cap is refused until the window ends, and nothing grows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class AttemptPolicy:
    """How many attempts a window allows and how long the lock after them lasts."""

    cap: int
    window: timedelta
    lock: timedelta = timedelta(0)
    max_lock: timedelta = timedelta(0)
    memory: timedelta = timedelta(hours=24)

    @property
    def quota(self) -> bool:
        """Whether this is a plain quota: refused until the window ends, no growing lock."""
        return self.lock <= timedelta(0)

    def lock_for(self, strikes: int) -> timedelta:
        """The lock after the `strikes`-th time the cap was hit (1: `lock`, then doubling)."""
        doubled: timedelta = self.lock * (2 ** max(strikes - 1, 0))
        return min(doubled, self.max_lock)


@dataclass(frozen=True, slots=True)
class AttemptCounter:
    """One counter as stored: its window, the attempts in it, how often it locked, and until when."""

    window_start: datetime | None = None
    attempts: int = 0
    strikes: int = 0
    blocked_until: datetime | None = None


@dataclass(frozen=True, slots=True)
class AttemptDecision:
    """The counter after an attempt, and when the attempt was refused, the time to come back."""

    counter: AttemptCounter
    retry_at: datetime | None = None

    @property
    def allowed(self) -> bool:
        """Whether the attempt may go ahead."""
        return self.retry_at is None


def attempt(counter: AttemptCounter, policy: AttemptPolicy, now: datetime) -> AttemptDecision:
    """Count one attempt, or refuse it (locking the counter when this is the one past the cap)."""
    if counter.blocked_until is not None and counter.blocked_until > now:
        return AttemptDecision(counter, counter.blocked_until)
    strikes = counter.strikes
    if counter.blocked_until is None or now - counter.blocked_until >= policy.memory:
        strikes = 0  # a lock long ago no longer makes the next one longer
    start, attempts = counter.window_start, counter.attempts
    if start is None or now - start >= policy.window:
        start, attempts = now, 0
    if attempts >= policy.cap and policy.quota:
        # A quota keeps its window: its end is when the next attempt is allowed, whoever asks.
        until = start + policy.window
        return AttemptDecision(AttemptCounter(start, attempts, strikes, until), until)
    if attempts >= policy.cap:
        strikes += 1
        until = now + policy.lock_for(strikes)
        return AttemptDecision(AttemptCounter(None, 0, strikes, until), until)
    return AttemptDecision(AttemptCounter(start, attempts + 1, strikes, counter.blocked_until))


def refund(counter: AttemptCounter, policy: AttemptPolicy, now: datetime) -> AttemptCounter:
    """Hand back an attempt that was not a guess (only while its window still runs)."""
    if counter.window_start is None or now - counter.window_start >= policy.window or counter.attempts == 0:
        return counter
    return replace(counter, attempts=counter.attempts - 1)


def block(counter: AttemptCounter, until: datetime) -> AttemptCounter:
    """Refuse every attempt until `until` (an earlier lock never shortens a longer one)."""
    if counter.blocked_until is not None and counter.blocked_until >= until:
        return counter
    return replace(counter, blocked_until=until)
