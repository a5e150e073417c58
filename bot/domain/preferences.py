"""Per-chat settings and notification preferences."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from enum import Enum


class Units(Enum):
    """Distance units shown to the user."""

    KM = "km"
    MILES = "mi"


class NotificationKind(Enum):
    """Every kind of ping the bot can send; each can be switched off."""

    CHARGE_STARTED = "charge_started"
    CHARGE_COMPLETE = "charge_complete"
    CHARGE_INTERRUPTED = "charge_interrupted"
    PLUGGED = "plugged"
    UNPLUGGED = "unplugged"
    PLUGGED_NOT_CHARGING = "plugged_not_charging"
    LOW_BATTERY = "low_battery"
    TARGET_REACHED = "target_reached"
    PLUG_REMINDER = "plug_reminder"
    PRECONDITIONING = "preconditioning"
    ACTION_UNCONFIRMED = "action_unconfirmed"
    SERVICE_STATUS = "service_status"
    # Switched by the smart-charging buttons themselves (daily plan on/off, Cancel), not in /settings.
    SMART_CHARGING = "smart_charging"
    # Who joined, left or lost access to a shared car: always told, not a switch.
    SHARING = "sharing"
    # Switched in /settings → Home & costs (one per chat, not per car).
    MONTHLY_SUMMARY = "monthly_summary"


_NOT_IN_SETTINGS = (
    NotificationKind.SMART_CHARGING,
    NotificationKind.SHARING,
    NotificationKind.MONTHLY_SUMMARY,
)
SWITCHABLE: tuple[NotificationKind, ...] = tuple(k for k in NotificationKind if k not in _NOT_IN_SETTINGS)
"""The kinds /settings offers a switch for."""


@dataclass(frozen=True, slots=True)
class QuietHours:
    """A local-time window during which pings are deferred; may wrap midnight (22:00-07:00)."""

    start: time
    end: time

    def contains(self, moment: time) -> bool:
        """Whether a local wall-clock time falls inside the window."""
        if self.start <= self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end


# Built once: every poll builds default preferences for the chats that never changed theirs.
EVERY_NOTIFICATION: frozenset[NotificationKind] = frozenset(NotificationKind)


@dataclass(frozen=True, slots=True)
class NotificationPreferences:
    """What one chat wants to hear about one vehicle."""

    enabled: frozenset[NotificationKind] = EVERY_NOTIFICATION
    low_battery_threshold: int = 20
    target_level: int | None = None
    stop_at_target: bool = False
    reminder_time: time | None = None
    reminder_below_level: int = 50

    def wants(self, kind: NotificationKind) -> bool:
        """Whether this kind of ping is switched on."""
        return kind in self.enabled


DEFAULT_ZONE = "UTC"
"""The zone of a chat that never chose one (its login country's zone replaces it)."""


@dataclass(frozen=True, slots=True)
class ChatSettings:
    """A Telegram chat and how it likes things shown."""

    chat_id: int
    language: str = "en"
    time_zone: str = DEFAULT_ZONE
    units: Units = Units.KM
    default_temperature_c: float = 21.0
    quiet_hours: QuietHours | None = None
    active: bool = True
