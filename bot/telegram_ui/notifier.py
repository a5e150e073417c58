"""The Notifier port over Telegram: every domain event rendered in the chat's language and time zone.

Telegram errors never escape, and are told apart: a blocked bot, a deleted account or a kick from the group
is BLOCKED (the chat gets deactivated); flood control is RETRY_LATER with Telegram's wait (for that chat);
Telegram unreachable (network, 5xx) is UNAVAILABLE; any other 400/403 is FAILED for this one message, with
Telegram's reason.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from functools import singledispatch

from telegram import Bot, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.warnings import PTBDeprecationWarning

from bot.domain import events as ev
from bot.domain.preferences import ChatSettings
from bot.services.outbox_ports import DeliveryResult, DeliveryStatus
from bot.telegram_ui import formatting as fmt
from bot.telegram_ui.i18n import Catalogs
from bot.telegram_ui.keyboards import action_label
from bot.telegram_ui.parts import (
    PingButtons,
    PingText,
    TelegramPart,
    catalogs_of,
    ping_buttons_of,
    pings_of,
)
from bot.telegram_ui.ping_text import Renderer

NETWORK_RETRY_SECONDS = 30.0
# Answers meaning the chat will take no message from the bot any more (until the user comes back with a
# command): the chat is deactivated. Any other 400/403 (no right to send in a group, a bad message...)
# concerns one message only.
_CHAT_GONE = ("bot was blocked by the user", "user is deactivated", "bot was kicked", "chat not found")


@singledispatch
def render(event: object, r: Renderer) -> str:
    """The text of one kernel event for one chat; a feature's events are rendered by its part (a test checks
    every event type has one renderer)."""
    raise TypeError(f"no renderer for {type(event).__name__}")


@render.register
def _charge_started(e: ev.ChargeStarted, r: Renderer) -> str:
    power = None if not e.power_kw else r.tr("event.detail.power", power=fmt.power(r.tr, e.power_kw))
    left = (
        None
        if not e.remaining_minutes
        else r.tr("event.detail.time_left", duration=fmt.duration(r.tr, e.remaining_minutes))
    )
    return r.tr("event.charge_started", car=r.car(e.vin), level=r.level(e.battery_level)) + r.details(
        power, left
    )


@render.register
def _charge_complete(e: ev.ChargeComplete, r: Renderer) -> str:
    minutes = None if e.duration is None else e.duration.total_seconds() / 60
    text = r.tr("event.charge_complete", car=r.car(e.vin), level=r.level(e.battery_level))
    return text + r.details(r.from_level(e.start_level), r.energy(e.energy_added_kwh), r.took(minutes))


@render.register
def _charge_interrupted(e: ev.ChargeInterrupted, r: Renderer) -> str:
    minutes = None if e.duration is None else e.duration.total_seconds() / 60
    reason = r.tr(f"event.reason.{e.reason.value}")
    text = r.tr("event.charge_interrupted", car=r.car(e.vin), level=r.level(e.battery_level), reason=reason)
    return text + r.details(r.from_level(e.start_level), r.energy(e.energy_added_kwh), r.took(minutes))


@render.register
def _charge_error(e: ev.ChargeError, r: Renderer) -> str:
    return r.tr("event.charge_error", car=r.car(e.vin), level=r.level(e.battery_level))


@render.register
def _plugged(e: ev.Plugged, r: Renderer) -> str:
    return r.tr("event.plugged", car=r.car(e.vin), level=r.level(e.battery_level))


@render.register
def _unplugged(e: ev.Unplugged, r: Renderer) -> str:
    autonomy = None if e.range_km is None else fmt.distance(r.tr, e.range_km, r.settings.units)
    return r.tr("event.unplugged", car=r.car(e.vin), level=r.level(e.battery_level)) + r.details(autonomy)


@render.register
def _plugged_not_charging(e: ev.PluggedNotCharging, r: Renderer) -> str:
    return r.tr(
        "event.plugged_not_charging",
        car=r.car(e.vin),
        level=r.level(e.battery_level),
        time=r.when(e.idle_since),
    )


@render.register
def _low_battery(e: ev.LowBattery, r: Renderer) -> str:
    autonomy = None if e.range_km is None else fmt.distance(r.tr, e.range_km, r.settings.units)
    text = r.tr(
        "event.low_battery",
        car=r.car(e.vin),
        level=r.level(e.battery_level),
        threshold=r.tr.percent(e.threshold),
    )
    return text + r.details(autonomy)


@render.register
def _target_reached(e: ev.TargetReached, r: Renderer) -> str:
    text = r.tr(
        "event.target_reached",
        car=r.car(e.vin),
        level=r.level(e.battery_level),
        target=r.tr.percent(e.target),
    )
    return text + (r.details(r.tr("event.target_stopping")) if e.stop_charge else "")


@render.register
def _plug_reminder(e: ev.PlugReminder, r: Renderer) -> str:
    return r.tr(
        "event.plug_reminder",
        car=r.car(e.vin),
        level=r.level(e.battery_level),
        below=r.tr.percent(e.below_level),
    )


@render.register
def _preconditioning(e: ev.PreconditioningConfirmed, r: Renderer) -> str:
    outside = None
    if e.outside_temperature_c is not None:
        outside = r.tr("status.outside", temperature=fmt.temperature(r.tr, e.outside_temperature_c))
    return r.tr("event.preconditioning", car=r.car(e.vin), level=r.level(e.battery_level)) + r.details(
        outside
    )


@render.register
def _action_confirmed(e: ev.ActionConfirmed, r: Renderer) -> str:
    return r.tr("event.action_confirmed", car=r.car(e.vin), action=action_label(r.tr, e.action))


@render.register
def _action_not_confirmed(e: ev.ActionNotConfirmed, r: Renderer) -> str:
    return r.tr(
        "event.action_not_confirmed",
        car=r.car(e.vin),
        action=action_label(r.tr, e.action),
        time=r.when(e.sent_at),
    )


@render.register
def _unreachable(e: ev.RenaultUnreachable, r: Renderer) -> str:
    return r.tr("event.renault_unreachable", time=r.when(e.since))


@render.register
def _credentials_expired(e: ev.CredentialsExpired, r: Renderer) -> str:
    key = "event.credentials_expired_member" if e.for_member else "event.credentials_expired"
    return r.tr(key, time=r.when(e.since))


@render.register
def _recovered(e: ev.ServiceRecovered, r: Renderer) -> str:
    return r.tr("event.service_recovered")


@render.register
def _secret_not_deleted(e: ev.SecretNotDeleted, r: Renderer) -> str:
    return r.tr("event.secret_not_deleted", time=r.when(e.sent_at))


def render_event(
    settings: ChatSettings,
    event: ev.Event,
    now: datetime,
    catalogs: Catalogs,
    pings: Mapping[type, PingText] | None = None,
) -> str:
    """The ping's text in the chat's language and time zone: the part that declared the event's type
    renders it (`TelegramPart.pings`), else the kernel's own renderers here."""
    renderer = Renderer(settings, now, catalogs.translator(settings.language))
    declared = (pings or {}).get(type(event))
    return declared(event, renderer) if declared is not None else render(event, renderer)


def event_keyboard(
    settings: ChatSettings,
    event: ev.Event,
    catalogs: Catalogs,
    buttons: Mapping[type, PingButtons] | None = None,
) -> InlineKeyboardMarkup | None:
    """The buttons under a ping, from the part that declared them for the event's type (`ping_buttons`):
    Confirm / Cancel under a daily plan, Cancel under a started charge; none for a kernel event."""
    make = (buttons or {}).get(type(event))
    return make(event, catalogs.translator(settings.language)) if make is not None else None


class TelegramNotifier:
    """Implements `bot.services.outbox_ports.Notifier`: renders and sends a ping, mapping Telegram errors."""

    def __init__(
        self, bot: Bot, clock: Callable[[], datetime] | None = None, parts: Iterable[TelegramPart] = ()
    ) -> None:
        self._bot = bot
        self._clock = clock or _utc_now
        # Every part's renderers, wired or not: a ping already in the outbox is still sent.
        self._pings = pings_of(parts)
        self._buttons = ping_buttons_of(parts)
        self._catalogs = catalogs_of(parts)

    async def send(self, chat: ChatSettings, event: ev.Event) -> DeliveryResult:
        """Send the ping; Telegram errors become a DeliveryResult, never an exception."""
        text = render_event(chat, event, self._clock(), self._catalogs, self._pings)
        try:
            await self._bot.send_message(
                chat.chat_id, text, reply_markup=event_keyboard(chat, event, self._catalogs, self._buttons)
            )
        except RetryAfter as error:
            return DeliveryResult(DeliveryStatus.RETRY_LATER, _seconds(error), reason="flood control")
        except (Forbidden, BadRequest) as error:
            reason = error.message
            if any(marker in reason.lower() for marker in _CHAT_GONE):
                return DeliveryResult(DeliveryStatus.BLOCKED, reason=reason)
            return DeliveryResult(DeliveryStatus.FAILED, reason=reason)
        except TimedOut:
            # No answer in time: Telegram may have delivered it; sending it again may show it twice.
            return DeliveryResult(
                DeliveryStatus.UNAVAILABLE, NETWORK_RETRY_SECONDS, reason="timed out", uncertain=True
            )
        except NetworkError as error:
            return DeliveryResult(DeliveryStatus.UNAVAILABLE, NETWORK_RETRY_SECONDS, reason=error.message)
        except TelegramError as error:
            return DeliveryResult(DeliveryStatus.FAILED, reason=f"{type(error).__name__}: {error.message}")
        return DeliveryResult(DeliveryStatus.SENT)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _seconds(error: RetryAfter) -> float:
    # PTB 22 warns that `retry_after` becomes a timedelta; both shapes are accepted here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        wait = error.retry_after
    return float(wait if isinstance(wait, int | float) else wait.total_seconds())
