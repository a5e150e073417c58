"""Notifications as values: one frozen dataclass per ping of the product, with what its message needs.

Every event has a `kind` (the switch in /settings) and a stable `dedup_key` built from the vehicle, the
kind and a moment the car reported (or a crossing/session id), so the same event computed twice - after
a restart or on another replica - has the same key and the outbox delivers it once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum
from types import MappingProxyType
from typing import Any, ClassVar, Protocol, get_args

from bot.domain.actions import ActionKind
from bot.domain.codec import CodecError, decode, encode
from bot.domain.preferences import NotificationKind


class Event(Protocol):
    """A notification: the kernel's below, or a feature's (its `events.py`), each a frozen dataclass.

    The kernel names no feature's event: what it needs of one it asks the event (`kind`, `dedup_key`, and
    optionally `answers_user` and `expires_at`), and the outbox decodes the types it is handed (`EventTypes`).
    """

    kind: ClassVar[NotificationKind]

    @property
    def dedup_key(self) -> str:
        """Stable identity of this event: one per ping."""


def _key(subject: str, kind: NotificationKind, marker: datetime | date | str) -> str:
    text = marker if isinstance(marker, str) else marker.isoformat()
    return f"{subject}:{kind.value}:{text}"


class InterruptReason(Enum):
    """Why a charge stopped before the battery was full."""

    STOPPED = "stopped"  # the car stopped charging while still plugged in (command, charger, limit)
    UNPLUGGED = "unplugged"
    SCHEDULE_ENDED = "schedule_ended"  # back to waiting for the next scheduled window
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class ChargeStarted:
    """The car started charging."""

    kind: ClassVar[NotificationKind] = NotificationKind.CHARGE_STARTED
    vin: str
    reported_at: datetime
    battery_level: int | None
    power_kw: float | None = None
    remaining_minutes: int | None = None

    @property
    def dedup_key(self) -> str:
        """Stable identity of this event."""
        return _key(self.vin, self.kind, self.reported_at)


@dataclass(frozen=True, slots=True)
class ChargeComplete:
    """A charge finished: level reached, energy added (estimated) and how long it took when known."""

    kind: ClassVar[NotificationKind] = NotificationKind.CHARGE_COMPLETE
    vin: str
    reported_at: datetime
    battery_level: int | None
    start_level: int | None = None
    energy_added_kwh: float | None = None
    duration: timedelta | None = None

    @property
    def dedup_key(self) -> str:
        """Stable identity of this event."""
        return _key(self.vin, self.kind, self.reported_at)


@dataclass(frozen=True, slots=True)
class ChargeInterrupted:
    """A charge stopped before completion."""

    kind: ClassVar[NotificationKind] = NotificationKind.CHARGE_INTERRUPTED
    vin: str
    reported_at: datetime
    battery_level: int | None
    reason: InterruptReason = InterruptReason.STOPPED
    start_level: int | None = None
    energy_added_kwh: float | None = None
    duration: timedelta | None = None

    @property
    def dedup_key(self) -> str:
        """Stable identity of this event."""
        return _key(self.vin, self.kind, self.reported_at)


@dataclass(frozen=True, slots=True)
class ChargeError:
    """The car reports a charging or plug error."""

    kind: ClassVar[NotificationKind] = NotificationKind.CHARGE_INTERRUPTED
    vin: str
    reported_at: datetime
    battery_level: int | None
    was_charging: bool = False

    @property
    def dedup_key(self) -> str:
        """Stable identity of this event."""
        return _key(self.vin, self.kind, self.reported_at)


@dataclass(frozen=True, slots=True)
class Plugged:
    """A cable was connected."""

    kind: ClassVar[NotificationKind] = NotificationKind.PLUGGED
    vin: str
    reported_at: datetime
    battery_level: int | None

    @property
    def dedup_key(self) -> str:
        """Stable identity of this event."""
        return _key(self.vin, self.kind, self.reported_at)


@dataclass(frozen=True, slots=True)
class Unplugged:
    """The cable was removed."""

    kind: ClassVar[NotificationKind] = NotificationKind.UNPLUGGED
    vin: str
    reported_at: datetime
    battery_level: int | None
    range_km: float | None = None

    @property
    def dedup_key(self) -> str:
        """Stable identity of this event."""
        return _key(self.vin, self.kind, self.reported_at)


@dataclass(frozen=True, slots=True)
class PluggedNotCharging:
    """Plugged in for a while but not charging, and not waiting for a schedule."""

    kind: ClassVar[NotificationKind] = NotificationKind.PLUGGED_NOT_CHARGING
    vin: str
    idle_since: datetime
    battery_level: int | None

    @property
    def dedup_key(self) -> str:
        """Stable identity of this event: one per plug-in."""
        return _key(self.vin, self.kind, self.idle_since)


@dataclass(frozen=True, slots=True)
class LowBattery:
    """The battery went below the chat's low threshold (once per crossing)."""

    kind: ClassVar[NotificationKind] = NotificationKind.LOW_BATTERY
    vin: str
    reported_at: datetime
    battery_level: int
    threshold: int
    range_km: float | None = None

    @property
    def dedup_key(self) -> str:
        """Stable identity of this event: the reading that crossed the threshold."""
        return _key(self.vin, self.kind, self.reported_at)


@dataclass(frozen=True, slots=True)
class TargetReached:
    """The charge reached the chat's virtual limit; `stop_charge` asks the caller to stop it."""

    kind: ClassVar[NotificationKind] = NotificationKind.TARGET_REACHED
    vin: str
    reported_at: datetime
    battery_level: int
    target: int
    charge_started_at: datetime
    stop_charge: bool = False

    @property
    def dedup_key(self) -> str:
        """Stable identity of this event: one per charge."""
        return _key(self.vin, self.kind, self.charge_started_at)


@dataclass(frozen=True, slots=True)
class PlugReminder:
    """Evening reminder: the battery is low and the car is not plugged in."""

    kind: ClassVar[NotificationKind] = NotificationKind.PLUG_REMINDER
    vin: str
    local_date: date
    battery_level: int
    below_level: int

    @property
    def dedup_key(self) -> str:
        """Stable identity of this event: one per local day."""
        return _key(self.vin, self.kind, self.local_date)


@dataclass(frozen=True, slots=True)
class PreconditioningConfirmed:
    """The car reports pre-conditioning running; `reference` is set when it answers a chat's request."""

    kind: ClassVar[NotificationKind] = NotificationKind.PRECONDITIONING
    vin: str
    reported_at: datetime
    battery_level: int | None
    reference: str | None = None
    outside_temperature_c: float | None = None

    @property
    def answers_user(self) -> bool:
        """Only when it answers a chat's own request (a reference to its message)."""
        return self.reference is not None

    @property
    def dedup_key(self) -> str:
        """Stable identity of this event."""
        return _key(self.vin, self.kind, self.reported_at)


@dataclass(frozen=True, slots=True)
class ActionConfirmed:
    """The car reports the state an action asked for; `reference` points at the chat's message to edit."""

    kind: ClassVar[NotificationKind] = NotificationKind.ACTION_UNCONFIRMED
    answers_user: ClassVar[bool] = True  # the outcome of the chat's own tap
    vin: str
    action: ActionKind
    reference: str
    sent_at: datetime
    reported_at: datetime
    battery_level: int | None

    @property
    def dedup_key(self) -> str:
        """Stable identity of this event: one outcome per sent action."""
        return _key(self.vin, self.kind, f"{self.reference}:{self.sent_at.isoformat()}")


@dataclass(frozen=True, slots=True)
class ActionNotConfirmed:
    """The car did not report the expected state in time."""

    kind: ClassVar[NotificationKind] = NotificationKind.ACTION_UNCONFIRMED
    answers_user: ClassVar[bool] = True  # the outcome of the chat's own tap
    vin: str
    action: ActionKind
    reference: str
    sent_at: datetime
    deadline: datetime
    battery_level: int | None

    @property
    def dedup_key(self) -> str:
        """Stable identity of this event: one outcome per sent action."""
        return _key(self.vin, self.kind, f"{self.reference}:{self.sent_at.isoformat()}")


@dataclass(frozen=True, slots=True)
class RenaultUnreachable:
    """Renault's servers keep failing for this account since `since`."""

    kind: ClassVar[NotificationKind] = NotificationKind.SERVICE_STATUS
    scope: str
    since: datetime

    @property
    def dedup_key(self) -> str:
        """Stable identity of this event: one per outage."""
        return _key(self.scope, self.kind, f"unreachable:{self.since.isoformat()}")


@dataclass(frozen=True, slots=True)
class CredentialsExpired:
    """Renault no longer accepts the stored login; the user must /login again."""

    kind: ClassVar[NotificationKind] = NotificationKind.SERVICE_STATUS
    scope: str
    since: datetime
    for_member: bool = False  # told to a driver or viewer: only the owner can log in again

    @property
    def dedup_key(self) -> str:
        """Stable identity of this event: one per expiry."""
        return _key(self.scope, self.kind, f"credentials:{self.since.isoformat()}")


@dataclass(frozen=True, slots=True)
class ServiceRecovered:
    """Renault answers again after an announced outage or a new login."""

    kind: ClassVar[NotificationKind] = NotificationKind.SERVICE_STATUS
    scope: str
    since: datetime
    problem_since: datetime | None = None

    @property
    def dedup_key(self) -> str:
        """Stable identity of this event: one per recovery."""
        return _key(self.scope, self.kind, f"recovered:{self.since.isoformat()}")


@dataclass(frozen=True, slots=True)
class SecretNotDeleted:
    """A message that carried a password or a code could not be deleted: its sender is asked to do it."""

    kind: ClassVar[NotificationKind] = NotificationKind.SERVICE_STATUS
    answers_user: ClassVar[bool] = True  # the chat's own message could not be deleted
    chat_id: int
    message_id: int
    sent_at: datetime

    @property
    def dedup_key(self) -> str:
        """Stable identity of this event: one per message."""
        return _key(f"chat{self.chat_id}", self.kind, f"secret:{self.message_id}")


VehicleEvent = (
    ChargeStarted
    | ChargeComplete
    | ChargeInterrupted
    | ChargeError
    | Plugged
    | Unplugged
    | PluggedNotCharging
    | LowBattery
    | TargetReached
    | PlugReminder
    | PreconditioningConfirmed
    | ActionConfirmed
    | ActionNotConfirmed
)
ServiceEvent = RenaultUnreachable | CredentialsExpired | ServiceRecovered
KernelEvent = VehicleEvent | ServiceEvent | SecretNotDeleted

# The kernel's own event types; the features' are handed to the outbox by the composition root.
KERNEL_EVENT_TYPES: tuple[type[Event], ...] = get_args(KernelEvent)


class EventTypes:
    """The event types the outbox reads back, by class name: the kernel's and those the composition root
    registers (each feature's); two types of one name fail at start-up, since stored rows name the class."""

    __slots__ = ("_by_name",)

    def __init__(self, types: Iterable[type[Event]]) -> None:
        by_name: dict[str, type[Event]] = {}
        for cls in types:
            known = by_name.setdefault(cls.__name__, cls)
            if known is not cls:
                raise ValueError(f"two event types named {cls.__name__}")
        self._by_name: Mapping[str, type[Event]] = MappingProxyType(by_name)

    def __iter__(self) -> Iterator[type[Event]]:
        """Every registered type, in the order registered."""
        return iter(self._by_name.values())

    def __contains__(self, cls: object) -> bool:
        """Whether `cls` is registered (by identity, not only by name)."""
        return isinstance(cls, type) and self._by_name.get(cls.__name__) is cls

    def from_json(self, payload: dict[str, Any]) -> Event:
        """Rebuild an event from `event_to_json` output; raises CodecError on an unknown or corrupt one."""
        cls = self._by_name.get(str(payload.get("type")))
        if cls is None:
            raise CodecError("unknown event type")
        event: Event = decode(cls, {k: v for k, v in payload.items() if k != "type"})
        return event


def answers_user(event: Event) -> bool:
    """Whether the event is the outcome of a chat's own action (delivered whatever its settings say).

    Each event type says it itself (`answers_user`, a class attribute or a property); none is optional
    unless it says nothing, so the kernel names no feature's event here.
    """
    return bool(getattr(event, "answers_user", False))


def expires_at(event: Event) -> datetime | None:
    """When a ping held back (quiet hours) stops being worth sending (a plan whose charge already began):
    the event's own `expires_at` property, when it has one."""
    until = getattr(event, "expires_at", None)
    return until if isinstance(until, datetime) else None  # none, or a plan without a start


def event_to_json(event: Event) -> dict[str, Any]:
    """A JSON payload of the event (for the outbox), tagged with its type name."""
    payload: dict[str, Any] = encode(event)
    payload["type"] = type(event).__name__
    return payload
