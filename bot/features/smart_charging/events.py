"""The pings of smart charging: the daily plan, the executor's start and stop, a member's plan withdrawn.

They are sent through the outbox like every ping (quiet hours, language, blocked chats, exactly once); their
dedup keys read as they did when they lived in `bot.domain.events`, so a ping queued before is still one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import ClassVar

from bot.domain.preferences import NotificationKind
from bot.features.smart_charging.logic.summary import PlanSummary


def _key(vin: str, kind: NotificationKind, marker: str) -> str:
    return f"{vin}:{kind.value}:{marker}"


@dataclass(frozen=True, slots=True)
class SmartPlanReady:
    """Tonight's plan for a daily smart-charging goal, offered with Confirm / Cancel."""

    kind: ClassVar[NotificationKind] = NotificationKind.SMART_CHARGING
    answers_user: ClassVar[bool] = True  # it answers the owner's Confirm or daily switch
    vin: str
    vehicle_id: int
    local_day: date
    time_zone: str
    summary: PlanSummary

    @property
    def expires_at(self) -> datetime | None:
        """Held back by quiet hours, the plan is not worth sending once its charge began."""
        return self.summary.starts_at

    @property
    def dedup_key(self) -> str:
        """Stable identity of this event: one plan per vehicle and local day."""
        return _key(self.vin, self.kind, f"plan:{self.local_day.isoformat()}")


@dataclass(frozen=True, slots=True)
class SmartChargeSwitched:
    """Smart charging started or stopped the charge at a boundary of a confirmed plan."""

    kind: ClassVar[NotificationKind] = NotificationKind.SMART_CHARGING
    answers_user: ClassVar[bool] = True  # it answers the owner's Confirm or daily switch
    vin: str
    vehicle_id: int
    started: bool
    at: datetime

    @property
    def dedup_key(self) -> str:
        """Stable identity of this event: one per command sent."""
        return _key(self.vin, self.kind, f"{'start' if self.started else 'stop'}:{self.at.isoformat()}")


class Withdrawal(Enum):
    """What became of the car when a plan was withdrawn from a chat that lost the right to control it."""

    RESTORED = "restored"  # the car was put back as Cancel does (the owner's schedule, the charge stopped)
    UNTOUCHED = "untouched"  # the plan had not changed the car (or had nothing left to undo)
    LEFT_CHARGING = "left_charging"  # the plan had started a charge; the car was not touched, it charges on
    NOT_RESTORED = "not_restored"  # putting the car back failed: the owner's Cancel still can


@dataclass(frozen=True, slots=True)
class SmartPlanWithdrawn:
    """A member's smart-charging plan was cancelled because they may no longer control the car (removed,
    left, or made a viewer); told to the account's owners."""

    kind: ClassVar[NotificationKind] = NotificationKind.SMART_CHARGING
    answers_user: ClassVar[bool] = True  # it answers the owner's Confirm or daily switch
    vin: str
    vehicle_id: int
    outcome: Withdrawal
    at: datetime

    @property
    def dedup_key(self) -> str:
        """Stable identity of this event: one per plan withdrawn."""
        return _key(self.vin, self.kind, f"withdrawn:{self.at.isoformat()}")


SmartChargingEvent = SmartPlanReady | SmartChargeSwitched | SmartPlanWithdrawn
