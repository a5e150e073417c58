"""The linking's texts and keyboards: the country buttons of /login, and the list of a chat's cars with the
buttons that choose the active one (/vehicles, and after a login)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from telegram import InlineKeyboardMarkup

from bot.domain.vehicle import LinkedVehicle
from bot.telegram_ui import places
from bot.telegram_ui.callback_data import Callback, Verb
from bot.telegram_ui.formatting import vehicle_title
from bot.telegram_ui.i18n import Translator
from bot.telegram_ui.keyboards import choice_keyboard

# The verbs the linking's part answers (their codes are on buttons already sent: never change one).
# choose the Renault locale during /login (arg: 'fr_FR')
LOCALE_VERB: Final = Verb("lc", "LOCALE")
# make the vehicle active
SELECT_VEHICLE_VERB: Final = Verb("v", "SELECT_VEHICLE")
# confirm or cancel /logout (arg: 'yes' | 'no')
LOGOUT_VERB: Final = Verb("lo", "LOGOUT")


def country_keyboard(first: str, language: str) -> InlineKeyboardMarkup:
    """The country buttons, with flags and names in the owner's language; `first` (their own) on top."""
    ordered = places.ordered_locales([first], language)
    choices = [(places.locale_label(code, language), Callback(LOCALE_VERB, None, code)) for code in ordered]
    return choice_keyboard(choices, width=2)


def vehicle_lines(tr: Translator, vehicles: Sequence[LinkedVehicle], active_id: int | None) -> str:
    """One line per car (model, plate, end of VIN), the active one marked."""
    return "\n".join(
        tr(
            "vehicles.line",
            marker=tr("vehicles.marker_active" if v.vehicle_id == active_id else "vehicles.marker_other"),
            title=vehicle_title(tr, v.info),
        )
        for v in vehicles
    )


def vehicle_choice_keyboard(tr: Translator, vehicles: Sequence[LinkedVehicle]) -> InlineKeyboardMarkup:
    """One button per car, making it the active one."""
    return choice_keyboard(
        [(vehicle_title(tr, v.info), Callback(SELECT_VEHICLE_VERB, v.vehicle_id)) for v in vehicles], width=1
    )
