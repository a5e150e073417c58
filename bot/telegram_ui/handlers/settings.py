"""/settings: language, time zone, units, default temperature, quiet hours, and per-car notifications."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import time

from telegram import InlineKeyboardMarkup, Update

from bot.domain.preferences import (
    SWITCHABLE,
    ChatSettings,
    NotificationKind,
    NotificationPreferences,
    QuietHours,
    Units,
)
from bot.services.errors import NotLinked
from bot.services.views import LinkedVehicle
from bot.telegram_ui import formatting as fmt
from bot.telegram_ui.callback_data import Callback, Verb
from bot.telegram_ui.context import BotContext, ChatView
from bot.telegram_ui.conversation.names import StateName
from bot.telegram_ui.conversation.where import remember
from bot.telegram_ui.handlers.common import chat_id_of, edit, reply
from bot.telegram_ui.i18n import SUPPORTED_LANGUAGES, Translator
from bot.telegram_ui.keyboards import button, choice_keyboard, rows
from bot.telegram_ui.status_card import vehicle_title

TIME_ZONES = (
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Brussels",
    "Europe/Zurich",
    "Europe/Vienna",
    "Europe/Amsterdam",
    "Europe/Luxembourg",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Madrid",
    "Europe/Lisbon",
    "Europe/Rome",
    "UTC",
)
TEMPERATURES = (18, 19, 20, 21, 22, 23, 24)
THRESHOLDS = (10, 15, 20, 25, 30, 40)
QUIET_WINDOWS = ("22:00-07:00", "23:00-06:00", "21:00-08:00")


def _s(arg: str) -> Callback:
    return Callback(Verb.SETTINGS, None, arg)


def settings_text(tr: Translator, settings: ChatSettings, prefs: NotificationPreferences | None) -> str:
    """The summary of the chat's settings."""
    quiet = settings.quiet_hours
    return tr(
        "settings.menu",
        language=tr(f"language.{settings.language}"),
        time_zone=settings.time_zone,
        units=tr(f"units.{settings.units.value}"),
        temperature=fmt.temperature(tr, settings.default_temperature_c),
        threshold=prefs.low_battery_threshold if prefs is not None else "-",
        quiet=tr("settings.quiet_none")
        if quiet is None
        else tr("settings.quiet_range", start=quiet.start.strftime("%H:%M"), end=quiet.end.strftime("%H:%M")),
    )


def settings_keyboard(tr: Translator, settings: ChatSettings) -> InlineKeyboardMarkup:
    """The main settings buttons."""
    other = Units.MILES if settings.units is Units.KM else Units.KM
    return choice_keyboard(
        [
            (tr("button.settings_notifications"), _s("notif")),
            (tr("button.settings_language"), _s("lang")),
            (tr("button.settings_time_zone"), _s("tz")),
            (tr("button.settings_units", units=tr(f"units.{other.value}")), _s(f"units:{other.value}")),
            (tr("button.settings_temperature"), _s("temp")),
            (tr("button.settings_threshold"), _s("low")),
            (tr("button.settings_quiet"), _s("quiet")),
            (tr("costs.button.menu"), Callback(Verb.COSTS, None, "menu")),
        ]
    )


async def _active(context: BotContext, chat_id: int) -> LinkedVehicle | None:
    try:
        return await context.services.linking.active(chat_id)
    except NotLinked:
        return None


async def settings_command(update: Update, context: BotContext) -> None:
    """/settings: the summary and its buttons."""
    view = await context.chat_view(update)
    vehicle = await _active(context, chat_id_of(update))
    prefs = (
        None
        if vehicle is None
        else await context.services.settings.preferences(view.settings.chat_id, vehicle.vehicle_id)
    )
    markup = settings_keyboard(view.tr, view.settings)
    await reply(update, settings_text(view.tr, view.settings, prefs), markup)
    await remember(context, update, StateName.SETTINGS_MENU, markup)


def _chooser(tr: Translator, what: str) -> tuple[str, InlineKeyboardMarkup] | None:
    back = (tr("button.back"), _s("menu"))
    choices: dict[str, tuple[str, list[tuple[str, Callback]]]] = {
        "lang": (
            "settings.choose_language",
            [(tr(f"language.{code}"), _s(f"lang:{code}")) for code in SUPPORTED_LANGUAGES],
        ),
        "tz": ("settings.choose_time_zone", [(zone, _s(f"tz:{zone}")) for zone in TIME_ZONES]),
        "temp": (
            "settings.choose_temperature",
            [(fmt.temperature(tr, t), _s(f"temp:{t}")) for t in TEMPERATURES],
        ),
        "low": ("settings.choose_threshold", [(f"{t}%", _s(f"low:{t}")) for t in THRESHOLDS]),
        "quiet": (
            "settings.choose_quiet",
            [(window, _s(f"quiet:{window}")) for window in QUIET_WINDOWS]
            + [(tr("button.quiet_off"), _s("quiet:off"))],
        ),
    }
    if what not in choices:
        return None
    key, options = choices[what]
    return tr(key), choice_keyboard(options, width=3, back=back)


def _quiet(value: str) -> QuietHours | None:
    start, _, end = value.partition("-")
    return QuietHours(time.fromisoformat(start), time.fromisoformat(end))


# How each settings value changes the chat's settings: one row per setting.
_CHAT_UPDATES: dict[str, Callable[[ChatSettings, str], ChatSettings]] = {
    "lang": lambda s, v: dataclasses.replace(s, language=v) if v in SUPPORTED_LANGUAGES else s,
    "tz": lambda s, v: dataclasses.replace(s, time_zone=v) if v in TIME_ZONES else s,
    "units": lambda s, v: dataclasses.replace(s, units=Units(v)),
    "temp": lambda s, v: dataclasses.replace(s, default_temperature_c=float(v)),
    "quiet": lambda s, v: dataclasses.replace(s, quiet_hours=None if v == "off" else _quiet(v)),
}


async def settings_tap(update: Update, context: BotContext, payload: Callback) -> None:
    """A settings button: open a chooser, or store the chosen value and show the summary again."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    view = await context.chat_view(update)
    what, _, value = payload.arg.partition(":")
    chat_id = chat_id_of(update)
    vehicle = await _active(context, chat_id)
    if what in ("notif", "nt"):
        await _notifications(update, context, view, vehicle, value)
        return
    if not value:
        chooser = _chooser(view.tr, what)
        if chooser is not None:
            await edit(query, *chooser)
            screen = StateName.SETTINGS_ZONE if what == "tz" else StateName.SETTINGS_CHOICE
            await remember(context, update, screen, chooser[1])
            return
    settings = view.settings
    try:
        if what in _CHAT_UPDATES and value:
            settings = _CHAT_UPDATES[what](view.settings, value)
            await context.services.settings.save_chat(settings)
        elif what == "low" and value and vehicle is not None:
            current = await context.services.settings.preferences(chat_id, vehicle.vehicle_id)
            updated = dataclasses.replace(current, low_battery_threshold=int(value))
            await context.services.settings.save_preferences(chat_id, vehicle.vehicle_id, updated)
    except ValueError:
        pass  # a malformed value from a forged button changes nothing
    tr = Translator(settings.language)
    prefs = (
        None if vehicle is None else await context.services.settings.preferences(chat_id, vehicle.vehicle_id)
    )
    markup = settings_keyboard(tr, settings)
    await edit(query, settings_text(tr, settings, prefs), markup)
    await remember(context, update, StateName.SETTINGS_MENU, markup)


async def _notifications(
    update: Update, context: BotContext, view: ChatView, vehicle: LinkedVehicle | None, value: str
) -> None:
    query = update.callback_query
    assert query is not None
    tr = view.tr
    if vehicle is None:
        await edit(query, tr("settings.no_vehicle_for_notifications"))
        return
    chat_id = view.settings.chat_id
    prefs = await context.services.settings.preferences(chat_id, vehicle.vehicle_id)
    kind = NotificationKind.__members__.get(value)
    if kind is not None:
        enabled = prefs.enabled ^ {kind}
        prefs = dataclasses.replace(prefs, enabled=frozenset(enabled))
        await context.services.settings.save_preferences(chat_id, vehicle.vehicle_id, prefs)
    toggles = [
        button(
            tr(
                "button.notification_on" if prefs.wants(k) else "button.notification_off",
                kind=tr(f"notification.{k.value}"),
            ),
            _s(f"nt:{k.name}"),
        )
        for k in SWITCHABLE
    ]
    layout = [*rows(toggles, 1), [button(tr("button.back"), _s("menu"))]]
    markup = InlineKeyboardMarkup(layout)
    await edit(query, tr("settings.notifications", title=vehicle_title(tr, vehicle.info)), markup)
    await remember(context, update, StateName.SETTINGS_CHOICE, markup)
