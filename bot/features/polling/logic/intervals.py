"""When to poll a vehicle next: a pure policy of the car's activity, the account's call budget and follow-ups.

The rules, in order:
1. POLL_INTERVAL_SECONDS set (`fixed_seconds`): that interval in every state, follow-ups included
   (still stretched by rule 3 when the account has too many vehicles for it).
2. Otherwise the activity decides (charging 5 min, plugged 10 min, idle 20 min); a user action asks for a few
   quick follow-up polls so its outcome is confirmed soon.
3. Whatever the state, the account's budget wins: every vehicle of an account shares
   RENAULT_MAX_CALLS_PER_HOUR with the users' own commands, so the polls of one account may use at most
   `polling_share` of it. The interval is stretched until `vehicles x calls per poll x polls per hour` fits.

The poller's tick must come often enough for the shortest interval (`tick_seconds_for`), and the next poll
is counted from when the poll was due, not from when it ran (`cadence`): together they
keep a vehicle due every 5 s polled every 5 s.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum

# The tick runs at a fifth of the shortest interval (a poll is then at most that late), within these bounds:
# never more than once a second (each tick is a claim query), never less than every 5 s (pings stay prompt).
MIN_TICK_SECONDS = 1.0
MAX_TICK_SECONDS = 5.0
_TICKS_PER_INTERVAL = 5


class Activity(Enum):
    """How busy the car is, as far as polling cares."""

    CHARGING = "charging"
    PLUGGED = "plugged"
    IDLE = "idle"


# Charge phase names (bot.domain.phases.ChargePhase values) -> activity; anything unknown polls as idle.
_PHASE_ACTIVITY: dict[str, Activity] = {
    "charging": Activity.CHARGING,
    "plugged_idle": Activity.PLUGGED,
    "waiting_for_schedule": Activity.PLUGGED,
    "complete": Activity.PLUGGED,
    "error": Activity.PLUGGED,
}


def activity_of_phase(phase: str | None) -> Activity:
    """The activity of a stored charge phase name (None or unknown -> idle)."""
    if phase is None:
        return Activity.IDLE
    return _PHASE_ACTIVITY.get(phase.lower(), Activity.IDLE)


@dataclass(frozen=True, slots=True)
class IntervalPolicy:
    """Interval settings; `max_calls_per_hour` 0 means unlimited."""

    fixed_seconds: int | None = None
    charging_seconds: int = 5 * 60
    plugged_seconds: int = 10 * 60
    idle_seconds: int = 20 * 60
    follow_up_seconds: int = 60
    follow_up_count: int = 3
    max_calls_per_hour: int = 60
    # The rest of the hourly budget is left for the users' own commands (status refresh, actions).
    polling_share: float = 0.8

    def base_seconds(self, activity: Activity) -> int:
        """The interval for an activity before the budget is applied."""
        if self.fixed_seconds is not None:
            return self.fixed_seconds
        return {
            Activity.CHARGING: self.charging_seconds,
            Activity.PLUGGED: self.plugged_seconds,
            Activity.IDLE: self.idle_seconds,
        }[activity]

    def budget_floor_seconds(self, vehicles_on_account: int, calls_per_poll: float = 1.0) -> float:
        """The shortest interval that keeps the account's polls within their share of the hourly budget."""
        if self.max_calls_per_hour <= 0:
            return 0.0
        allowed = max(self.max_calls_per_hour * self.polling_share, 1.0)
        calls_per_hour_per_poll_round = max(vehicles_on_account, 1) * max(calls_per_poll, 1.0)
        return 3600.0 * calls_per_hour_per_poll_round / allowed

    def shortest_seconds(self) -> int:
        """The shortest interval this policy ever asks for (before the budget stretches it)."""
        if self.fixed_seconds is not None:
            return self.fixed_seconds
        return min(self.charging_seconds, self.plugged_seconds, self.idle_seconds, self.follow_up_seconds)

    def next_delay(
        self,
        activity: Activity,
        *,
        vehicles_on_account: int = 1,
        calls_per_poll: float = 1.0,
        follow_up: bool = False,
    ) -> timedelta:
        """How long to wait before the next poll of one vehicle."""
        if self.fixed_seconds is not None:
            wanted = float(self.fixed_seconds)
        elif follow_up:
            wanted = float(self.follow_up_seconds)
        else:
            wanted = float(self.base_seconds(activity))
        floor = self.budget_floor_seconds(vehicles_on_account, calls_per_poll)
        return timedelta(seconds=max(wanted, floor))


def tick_seconds_for(policy: IntervalPolicy) -> float:
    """The poller's tick period for a policy: a fifth of its shortest interval, between 1 and 5 seconds."""
    return min(MAX_TICK_SECONDS, max(MIN_TICK_SECONDS, policy.shortest_seconds() / _TICKS_PER_INTERVAL))


def budget_warning(policy: IntervalPolicy) -> str | None:
    """The one start-up warning when POLL_INTERVAL_SECONDS asks for more polls than the call budget allows."""
    if policy.fixed_seconds is None:
        return None
    floor = policy.budget_floor_seconds(1)
    if floor <= policy.fixed_seconds:
        return None
    wanted = 3600 / policy.fixed_seconds
    allowed = max(policy.max_calls_per_hour * policy.polling_share, 1.0)
    return (
        f"POLL_INTERVAL_SECONDS={policy.fixed_seconds} asks for {wanted:.0f} calls per hour per vehicle, "
        f"but RENAULT_MAX_CALLS_PER_HOUR={policy.max_calls_per_hour} leaves {allowed:.0f} for polling "
        f"(the rest is kept for the users' own commands): each vehicle is polled at most every "
        f"{math.ceil(floor)} s, more rarely on accounts with several vehicles"
    )
