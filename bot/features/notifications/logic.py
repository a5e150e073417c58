"""The notifications' pure rules: when a chat's quiet hours end, whether a held-back ping still holds, the
outbox key of an event for a chat (never the VIN), and the pause scopes of Telegram's waits."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from bot.domain.events import Event
from bot.domain.phases import ChargePhase
from bot.domain.preferences import ChatSettings, NotificationKind
from bot.domain.snapshot import PlugState, VehicleSnapshot
from bot.domain.zones import zone_or_utc

EVERY_CHAT = "telegram"


def chat_scope(chat_id: int) -> str:
    """The pause scope of one chat."""
    return f"chat:{chat_id}"


def quiet_until(settings: ChatSettings, now: datetime) -> datetime | None:
    """When the chat's quiet hours end (UTC), or None when a ping may be sent now."""
    quiet = settings.quiet_hours
    if quiet is None:
        return None
    zone = zone_or_utc(settings.time_zone)
    local = now.astimezone(zone)
    if not quiet.contains(local.time().replace(tzinfo=None)):
        return None
    end = local.replace(hour=quiet.end.hour, minute=quiet.end.minute, second=0, microsecond=0)
    if end <= local:
        end = (local + timedelta(days=1)).replace(
            hour=quiet.end.hour, minute=quiet.end.minute, second=0, microsecond=0
        )
    # Rebuild from naive local time so a DST change between now and the end is applied correctly.
    return end.replace(tzinfo=None).replace(tzinfo=zone).astimezone(UTC)


def still_holds(kind: NotificationKind, snapshot: VehicleSnapshot | None, phase: ChargePhase | None) -> bool:
    """Whether a deferred ping still says something true about the car's latest known state (`phase`: the
    charge phase stored with it, which says "charging" as the charge tracker does)."""
    if snapshot is None:
        return True
    rule = _STILL_HOLDS.get(kind)
    # An unknown phase is no news (`bot.domain.charge_tracking.charging`): neither charging nor not.
    charging = None if phase is None or phase is ChargePhase.UNKNOWN else phase is ChargePhase.CHARGING
    return True if rule is None else rule(snapshot, charging)


# Pings about a passing state are dropped at the end of quiet hours when the state is over; pings about
# something that happened (charge complete, interrupted...) always hold.
_STILL_HOLDS: dict[NotificationKind, Callable[[VehicleSnapshot, bool | None], bool]] = {
    NotificationKind.CHARGE_STARTED: lambda s, charging: charging is not False,
    NotificationKind.PLUGGED: lambda s, charging: s.plug is PlugState.PLUGGED,
    NotificationKind.UNPLUGGED: lambda s, charging: s.plug is PlugState.UNPLUGGED,
    NotificationKind.PLUGGED_NOT_CHARGING: lambda s, charging: (
        s.plug is PlugState.PLUGGED and charging is not True
    ),
    NotificationKind.LOW_BATTERY: lambda s, charging: charging is not True,
    NotificationKind.PLUG_REMINDER: lambda s, charging: s.plug is not PlugState.PLUGGED,
}


def outbox_key(event: Event, chat_id: int, vehicle_id: int | None = None) -> str:
    """The outbox key of one event for one chat; the car is named by our id, never by its VIN."""
    return f"{_without_vin(event.dedup_key, event, vehicle_id)}@{chat_id}"


def _vin_of(event: Event) -> str | None:
    vin = getattr(event, "vin", None)
    return vin if isinstance(vin, str) and vin else None


def _without_vin(text: str, event: Event, vehicle_id: int | None) -> str:
    vin = _vin_of(event)
    if vin is None:
        return text
    return text.replace(vin, f"vehicle{vehicle_id}" if vehicle_id is not None else "vehicle")
