"""Smart-charging keyboards: target level, ready-by time, Confirm / Cancel and the daily switch."""

from __future__ import annotations

from datetime import time

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.telegram_ui.i18n import Translator
from bot.telegram_ui.smartcharge.render import text
from bot.telegram_ui.smartcharge.taps import SmartTap

TARGETS = (80, 90, 100)
READY_TIMES = (time(6, 30), time(7, 30), time(8, 30))


def _button(label: str, tap: SmartTap) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=tap.encode())


def target_keyboard(tr: Translator, vehicle_id: int) -> InlineKeyboardMarkup:
    """80 / 90 / 100 %, written as the chat's language writes a percentage."""
    return InlineKeyboardMarkup([[_button(tr.percent(t), SmartTap("t", vehicle_id, t)) for t in TARGETS]])


def ready_keyboard(vehicle_id: int, target: int) -> InlineKeyboardMarkup:
    """06:30 / 07:30 / 08:30."""
    return InlineKeyboardMarkup(
        [[_button(f"{r:%H:%M}", SmartTap("r", vehicle_id, target, r)) for r in READY_TIMES]]
    )


def plan_keyboard(tr: Translator, vehicle_id: int, daily: bool) -> InlineKeyboardMarkup:
    """Confirm / Cancel, and the daily switch."""
    daily_key, daily_verb = ("smart.button.daily_off", "d0") if daily else ("smart.button.daily_on", "d1")
    return InlineKeyboardMarkup(
        [
            [
                _button(text(tr, "smart.button.confirm"), SmartTap("ok", vehicle_id)),
                _button(text(tr, "smart.button.cancel"), SmartTap("no", vehicle_id)),
            ],
            [_button(text(tr, daily_key), SmartTap(daily_verb, vehicle_id))],
        ]
    )


def cancel_keyboard(tr: Translator, vehicle_id: int) -> InlineKeyboardMarkup:
    """Cancel alone, under a confirmed plan."""
    return InlineKeyboardMarkup([[_button(text(tr, "smart.button.cancel"), SmartTap("no", vehicle_id))]])
