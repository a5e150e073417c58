"""The Notifier port over Telegram: every domain event rendered in the chat's language and time zone.

Telegram errors never escape: a blocked bot or a vanished chat is BLOCKED (the chat gets deactivated), flood
control is RETRY_LATER with Telegram's wait, a network hiccup is RETRY_LATER, anything else is FAILED.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable
from datetime import UTC, datetime

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.warnings import PTBDeprecationWarning

from bot.domain import events as ev
from bot.domain.preferences import ChatSettings
from bot.services.notify import DeliveryResult, DeliveryStatus
from bot.telegram_ui import formatting as fmt
from bot.telegram_ui.i18n import Translator
from bot.telegram_ui.keyboards import action_label

log = logging.getLogger(__name__)

NETWORK_RETRY_SECONDS = 30.0
_GONE = ("chat not found", "user is deactivated", "bot was kicked", "have no rights to send")


class Renderer:
    """Builds the text of one event for one chat."""

    def __init__(self, settings: ChatSettings, now: datetime) -> None:
        self.tr = Translator(settings.language)
        self.settings = settings
        self.now = now

    def car(self, vin: str) -> str:
        """How a ping names the car: the end of its VIN (events carry no model name)."""
        return self.tr("event.car", vin_tail=vin[-5:])

    def level(self, value: int | None) -> str:
        """'62%' or 'unknown'."""
        return self.tr("event.level_unknown") if value is None else self.tr("event.level", level=value)

    def when(self, moment: datetime) -> str:
        """A local time (with the date when not today)."""
        return fmt.local_datetime(self.tr, moment, self.settings.time_zone, self.now)

    def details(self, *parts: str | None) -> str:
        """The optional details of a ping joined on one line, or nothing."""
        present = [part for part in parts if part]
        return "" if not present else "\n" + " · ".join(present)

    def energy(self, kwh: float | None) -> str | None:
        """'+12.3 kWh' when known."""
        return None if kwh is None else self.tr("event.detail.energy", energy=self.tr.number(kwh, 1))

    def took(self, minutes: float | None) -> str | None:
        """'in 1 h 20 min' when known."""
        return (
            None
            if minutes is None
            else self.tr("event.detail.duration", duration=fmt.duration(self.tr, int(minutes)))
        )

    def from_level(self, level: int | None) -> str | None:
        """'from 35%' when known."""
        return None if level is None else self.tr("event.detail.from_level", level=level)


def _charge_started(r: Renderer, e: ev.ChargeStarted) -> str:
    power = None if not e.power_kw else r.tr("event.detail.power", power=fmt.power(r.tr, e.power_kw))
    left = (
        None
        if not e.remaining_minutes
        else r.tr("event.detail.time_left", duration=fmt.duration(r.tr, e.remaining_minutes))
    )
    return r.tr("event.charge_started", car=r.car(e.vin), level=r.level(e.battery_level)) + r.details(
        power, left
    )


def _charge_complete(r: Renderer, e: ev.ChargeComplete) -> str:
    minutes = None if e.duration is None else e.duration.total_seconds() / 60
    text = r.tr("event.charge_complete", car=r.car(e.vin), level=r.level(e.battery_level))
    return text + r.details(r.from_level(e.start_level), r.energy(e.energy_added_kwh), r.took(minutes))


def _charge_interrupted(r: Renderer, e: ev.ChargeInterrupted) -> str:
    minutes = None if e.duration is None else e.duration.total_seconds() / 60
    reason = r.tr(f"event.reason.{e.reason.value}")
    text = r.tr("event.charge_interrupted", car=r.car(e.vin), level=r.level(e.battery_level), reason=reason)
    return text + r.details(r.from_level(e.start_level), r.energy(e.energy_added_kwh), r.took(minutes))


def _charge_error(r: Renderer, e: ev.ChargeError) -> str:
    return r.tr("event.charge_error", car=r.car(e.vin), level=r.level(e.battery_level))


def _plugged(r: Renderer, e: ev.Plugged) -> str:
    return r.tr("event.plugged", car=r.car(e.vin), level=r.level(e.battery_level))


def _unplugged(r: Renderer, e: ev.Unplugged) -> str:
    autonomy = None if e.range_km is None else fmt.distance(r.tr, e.range_km, r.settings.units)
    return r.tr("event.unplugged", car=r.car(e.vin), level=r.level(e.battery_level)) + r.details(autonomy)


def _plugged_not_charging(r: Renderer, e: ev.PluggedNotCharging) -> str:
    return r.tr(
        "event.plugged_not_charging",
        car=r.car(e.vin),
        level=r.level(e.battery_level),
        time=r.when(e.idle_since),
    )


def _low_battery(r: Renderer, e: ev.LowBattery) -> str:
    autonomy = None if e.range_km is None else fmt.distance(r.tr, e.range_km, r.settings.units)
    text = r.tr("event.low_battery", car=r.car(e.vin), level=r.level(e.battery_level), threshold=e.threshold)
    return text + r.details(autonomy)


def _target_reached(r: Renderer, e: ev.TargetReached) -> str:
    text = r.tr("event.target_reached", car=r.car(e.vin), level=r.level(e.battery_level), target=e.target)
    return text + (r.details(r.tr("event.target_stopping")) if e.stop_charge else "")


def _plug_reminder(r: Renderer, e: ev.PlugReminder) -> str:
    return r.tr("event.plug_reminder", car=r.car(e.vin), level=r.level(e.battery_level), below=e.below_level)


def _preconditioning(r: Renderer, e: ev.PreconditioningConfirmed) -> str:
    outside = None
    if e.outside_temperature_c is not None:
        outside = r.tr("status.outside", temperature=fmt.temperature(r.tr, e.outside_temperature_c))
    return r.tr("event.preconditioning", car=r.car(e.vin), level=r.level(e.battery_level)) + r.details(
        outside
    )


def _action_confirmed(r: Renderer, e: ev.ActionConfirmed) -> str:
    return r.tr("event.action_confirmed", car=r.car(e.vin), action=action_label(r.tr, e.action))


def _action_not_confirmed(r: Renderer, e: ev.ActionNotConfirmed) -> str:
    return r.tr(
        "event.action_not_confirmed",
        car=r.car(e.vin),
        action=action_label(r.tr, e.action),
        time=r.when(e.sent_at),
    )


def _unreachable(r: Renderer, e: ev.RenaultUnreachable) -> str:
    return r.tr("event.renault_unreachable", time=r.when(e.since))


def _credentials_expired(r: Renderer, e: ev.CredentialsExpired) -> str:
    return r.tr("event.credentials_expired", time=r.when(e.since))


def _recovered(r: Renderer, e: ev.ServiceRecovered) -> str:
    return r.tr("event.service_recovered")


# One renderer per event type: a new event is a new row (a test checks every domain event has one).
RENDERERS: dict[type[object], Callable[[Renderer, object], str]] = {
    ev.ChargeStarted: _charge_started,  # type: ignore[dict-item]
    ev.ChargeComplete: _charge_complete,  # type: ignore[dict-item]
    ev.ChargeInterrupted: _charge_interrupted,  # type: ignore[dict-item]
    ev.ChargeError: _charge_error,  # type: ignore[dict-item]
    ev.Plugged: _plugged,  # type: ignore[dict-item]
    ev.Unplugged: _unplugged,  # type: ignore[dict-item]
    ev.PluggedNotCharging: _plugged_not_charging,  # type: ignore[dict-item]
    ev.LowBattery: _low_battery,  # type: ignore[dict-item]
    ev.TargetReached: _target_reached,  # type: ignore[dict-item]
    ev.PlugReminder: _plug_reminder,  # type: ignore[dict-item]
    ev.PreconditioningConfirmed: _preconditioning,  # type: ignore[dict-item]
    ev.ActionConfirmed: _action_confirmed,  # type: ignore[dict-item]
    ev.ActionNotConfirmed: _action_not_confirmed,  # type: ignore[dict-item]
    ev.RenaultUnreachable: _unreachable,  # type: ignore[dict-item]
    ev.CredentialsExpired: _credentials_expired,  # type: ignore[dict-item]
    ev.ServiceRecovered: _recovered,  # type: ignore[dict-item]
}


def render_event(settings: ChatSettings, event: ev.Event, now: datetime) -> str:
    """The ping's text in the chat's language and time zone."""
    return RENDERERS[type(event)](Renderer(settings, now), event)


class TelegramNotifier:
    """Implements `bot.services.notify.Notifier`: renders and sends one ping, mapping Telegram errors."""

    def __init__(self, bot: Bot, clock: Callable[[], datetime] | None = None) -> None:
        self._bot = bot
        self._clock = clock or _utc_now

    async def send(self, chat: ChatSettings, event: ev.Event) -> DeliveryResult:
        """Send the ping; Telegram errors become a DeliveryResult, never an exception."""
        text = render_event(chat, event, self._clock())
        try:
            await self._bot.send_message(chat.chat_id, text)
        except Forbidden:
            return DeliveryResult(DeliveryStatus.BLOCKED)
        except RetryAfter as error:
            return DeliveryResult(DeliveryStatus.RETRY_LATER, _seconds(error))
        except BadRequest as error:
            gone = any(marker in error.message.lower() for marker in _GONE)
            return DeliveryResult(DeliveryStatus.BLOCKED if gone else DeliveryStatus.FAILED)
        except NetworkError:
            return DeliveryResult(DeliveryStatus.RETRY_LATER, NETWORK_RETRY_SECONDS)
        except TelegramError as error:
            log.warning("ping not delivered: %s", type(error).__name__)
            return DeliveryResult(DeliveryStatus.FAILED)
        return DeliveryResult(DeliveryStatus.SENT)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _seconds(error: RetryAfter) -> float:
    # PTB 22 warns that `retry_after` becomes a timedelta; both shapes are accepted here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        wait = error.retry_after
    return float(wait if isinstance(wait, int | float) else wait.total_seconds())
