"""/settings: language, time zone, units, default temperature, quiet hours, and per-car notifications."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import time
from types import MappingProxyType
from typing import Final

from telegram import InlineKeyboardMarkup, Update

from bot.domain.preferences import (
    SWITCHABLE,
    ChatSettings,
    NotificationKind,
    NotificationPreferences,
    QuietHours,
    Units,
)
from bot.domain.vehicle import LinkedVehicle
from bot.features.settings import catalog as settings_catalog
from bot.services.errors import NotLinked
from bot.telegram_ui import formatting as fmt
from bot.telegram_ui import places
from bot.telegram_ui.callback_data import COSTS_VERB, SETTINGS_VERB, Callback
from bot.telegram_ui.context import BotContext, ChatView
from bot.telegram_ui.conversation.names import StateName
from bot.telegram_ui.conversation.states import TEXT, State, screen
from bot.telegram_ui.conversation.where import Source, Spot, forget, remember
from bot.telegram_ui.formatting import vehicle_title
from bot.telegram_ui.handlers.common import chat_id_of, edit, reply
from bot.telegram_ui.i18n import SUPPORTED_LANGUAGES, Translator
from bot.telegram_ui.keyboards import button, choice_keyboard, rows
from bot.telegram_ui.parts import Command, TelegramPart

# The states this part declares, by the names stored with a chat's screen (never change one).
SETTINGS_MENU: Final = StateName("settings.menu")
SETTINGS_CHOICE: Final = StateName("settings.choice")
SETTINGS_ZONE: Final = StateName("settings.zone")

TEMPERATURES = (18, 19, 20, 21, 22, 23, 24)
THRESHOLDS = (10, 15, 20, 25, 30, 40)
QUIET_WINDOWS = ("22:00-07:00", "23:00-06:00", "21:00-08:00")


def _s(arg: str) -> Callback:
    return Callback(SETTINGS_VERB, None, arg)


def settings_text(tr: Translator, settings: ChatSettings, prefs: NotificationPreferences | None) -> str:
    """The summary of the chat's settings."""
    quiet = settings.quiet_hours
    return tr(
        "settings.menu",
        language=tr(f"language.{settings.language}"),
        time_zone=places.zone_name(tr, settings.time_zone),
        units=tr(f"units.{settings.units.value}"),
        temperature=fmt.temperature(tr, settings.default_temperature_c),
        threshold=tr.percent(prefs.low_battery_threshold) if prefs is not None else "-",
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
            (tr("costs.button.menu"), Callback(COSTS_VERB, None, "menu")),
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
    await remember(context, update, SETTINGS_MENU, markup)


def zone_choices(tr: Translator, zones: tuple[str, ...], verb: str = "tz") -> list[tuple[str, Callback]]:
    """One button per zone, named by its city in the chat's language."""
    return [(places.zone_label(zone, tr.language), _s(f"{verb}:{zone}")) for zone in zones]


def offered_zones(current: str) -> tuple[str, ...]:
    """Every zone of the chat's zone's country (with none: each MyRenault country's main one), and UTC."""
    country = places.zone_country(current)
    zones = places.country_zones(country) if country is not None else places.main_zones()
    return (*zones, "UTC")


async def tell_zone_after_login(
    update: Update, context: BotContext, view: ChatView, linked: str, zones: tuple[str, ...]
) -> None:
    """The 'linked' message, saying which zone times are shown in; where the country has several, which."""
    tr = view.tr
    text = f"{linked}\n\n{tr('settings.zone_from_login', zone=places.zone_name(tr, view.settings.time_zone))}"
    if len(zones) < 2 or view.settings.time_zone not in zones:
        await reply(update, text)
        return
    markup = choice_keyboard(zone_choices(tr, zones, "tzl"), width=2)
    await reply(update, f"{text}\n{tr('settings.zone_which')}", markup)
    await remember(context, update, SETTINGS_ZONE, markup, origin="login")


def _chooser(tr: Translator, what: str, settings: ChatSettings) -> tuple[str, InlineKeyboardMarkup] | None:
    back = (tr("button.back"), _s("menu"))
    choices: dict[str, tuple[str, list[tuple[str, Callback]]]] = {
        "lang": (
            "settings.choose_language",
            [(tr(f"language.{code}"), _s(f"lang:{code}")) for code in SUPPORTED_LANGUAGES],
        ),
        "tz": ("settings.choose_time_zone", zone_choices(tr, offered_zones(settings.time_zone))),
        "temp": (
            "settings.choose_temperature",
            [(fmt.temperature(tr, t), _s(f"temp:{t}")) for t in TEMPERATURES],
        ),
        "low": ("settings.choose_threshold", [(tr.percent(t), _s(f"low:{t}")) for t in THRESHOLDS]),
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
    "tz": lambda s, v: dataclasses.replace(s, time_zone=v) if places.is_zone(v) else s,
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
    if what == "tzl":  # the zone question after a login: save it, say so under the message, nothing more
        await _save_zone(context, view, value)
        await context.bot.edit_message_reply_markup(chat_id, _message_id(update), reply_markup=None)
        saved = places.zone_name(view.tr, view.settings.time_zone)
        await reply(update, view.tr("settings.zone_saved", zone=saved))
        await forget(context, update)
        return
    if not value:
        chooser = _chooser(view.tr, what, view.settings)
        if chooser is not None:
            await edit(query, *chooser)
            screen = SETTINGS_ZONE if what == "tz" else SETTINGS_CHOICE
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
    tr = view.catalogs.translator(settings.language)
    prefs = (
        None if vehicle is None else await context.services.settings.preferences(chat_id, vehicle.vehicle_id)
    )
    markup = settings_keyboard(tr, settings)
    await edit(query, settings_text(tr, settings, prefs), markup)
    await remember(context, update, SETTINGS_MENU, markup)


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
    await remember(context, update, SETTINGS_CHOICE, markup)


def _message_id(update: Update) -> int | None:
    message = update.effective_message
    return message.message_id if message is not None else None


async def _save_zone(context: BotContext, view: ChatView, zone: str) -> None:
    if places.is_zone(zone):
        view.settings = dataclasses.replace(view.settings, time_zone=zone)
        await context.services.settings.save_chat(view.settings)


async def typed_zone(update: Update, context: BotContext, view: ChatView, spot: Spot) -> None:
    """A zone or city typed at the time-zone list: saved when it names one, else say what works."""
    message = update.effective_message
    text = (message.text or "") if message is not None else ""
    zone = places.find_zone(text, view.tr.language)
    if zone is None:
        await reply(update, view.tr("settings.zone_unknown", text=text.strip()[:40]), spot.keyboard)
        return
    await _save_zone(context, view, zone)
    saved = view.tr("settings.zone_saved", zone=places.zone_name(view.tr, zone))
    if spot.focus is not None and spot.focus.data.get("origin") == "login":
        await reply(update, saved)
        await forget(context, update)
        return
    chat_id = chat_id_of(update)
    vehicle = await _active(context, chat_id)
    prefs = (
        None if vehicle is None else await context.services.settings.preferences(chat_id, vehicle.vehicle_id)
    )
    markup = settings_keyboard(view.tr, view.settings)
    await reply(update, f"{saved}\n\n{settings_text(view.tr, view.settings, prefs)}", markup)
    await remember(context, update, SETTINGS_MENU, markup)


PART = TelegramPart(
    name="settings",
    catalog=settings_catalog.SETTINGS_MESSAGES,
    commands=(Command("settings", settings_command, 120),),
    taps=MappingProxyType({SETTINGS_VERB: settings_tap}),
    states=(
        screen(SETTINGS_MENU),
        screen(SETTINGS_CHOICE),
        State(
            SETTINGS_ZONE,
            Source.SCREEN,
            "router.hint.settings.zone",
            accepts=TEXT,
            take=typed_zone,
        ),
    ),
    after_login=tell_zone_after_login,
)
"""/settings, its taps and screens, and the time zone told (and asked) after a login."""
