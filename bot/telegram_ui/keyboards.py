"""Inline keyboards: the status card's buttons come from the domain's actions table, nothing is hard-coded."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.actions import ActionKind, available_actions, spec_of
from bot.domain.models import traits_for
from bot.domain.snapshot import VehicleSnapshot
from bot.domain.vehicle import LinkedVehicle
from bot.telegram_ui.callback_data import ACTION_VERB, MENU_VERB, Callback
from bot.telegram_ui.i18n import Translator

ROW_WIDTH = 2


def button(text: str, payload: Callback) -> InlineKeyboardButton:
    """One inline button carrying an encoded payload."""
    return InlineKeyboardButton(text, callback_data=payload.encode())


def rows(buttons: Iterable[InlineKeyboardButton], width: int = ROW_WIDTH) -> list[list[InlineKeyboardButton]]:
    """Lay buttons out `width` per row."""
    flat = list(buttons)
    return [flat[i : i + width] for i in range(0, len(flat), width)]


def action_label(tr: Translator, kind: ActionKind) -> str:
    """The button label of an action, from its row in the actions table."""
    key = spec_of(kind).label_key
    return tr(key) if tr.has(key) else tr("action.generic")


def action_button(tr: Translator, vehicle_id: int, kind: ActionKind, arg: str = "") -> InlineKeyboardButton:
    """A button running `kind` on the vehicle (arg carries a confirmation or parameter)."""
    payload_arg = kind.name if not arg else f"{kind.name}:{arg}"
    return button(action_label(tr, kind), Callback(ACTION_VERB, vehicle_id, payload_arg))


def status_keyboard(
    tr: Translator, vehicle: LinkedVehicle, snapshot: VehicleSnapshot | None
) -> InlineKeyboardMarkup | None:
    """The card's buttons: what the car supports, the chat's role allows and the state makes sensible."""
    kinds = available_actions(
        vehicle.capabilities, vehicle.rights, snapshot, traits_for(vehicle.info.model_code)
    )
    if not kinds:
        return None
    return _actions_markup(tr, vehicle.vehicle_id, tuple(kinds))


@lru_cache(maxsize=4096)
def _actions_markup(tr: Translator, vehicle_id: int, kinds: tuple[ActionKind, ...]) -> InlineKeyboardMarkup:
    # Python-telegram-bot's objects are frozen, so one card's keyboard can be sent again and again: building
    # its buttons cost a warm /status more CPU than deciding which ones (bench.bot_updates). The translator
    # is its language's one (`Catalogs.translator`), so it keys the cache as the language did.
    return InlineKeyboardMarkup(rows(action_button(tr, vehicle_id, kind) for kind in kinds))


def confirm_keyboard(tr: Translator, vehicle_id: int, kind: ActionKind) -> InlineKeyboardMarkup:
    """Yes / cancel for actions the table marks `ask_twice`."""
    return InlineKeyboardMarkup(
        [
            [
                action_button(tr, vehicle_id, kind, "ok"),
                button(tr("button.cancel"), Callback(MENU_VERB, vehicle_id, "status")),
            ]
        ]
    )


def choice_keyboard(
    choices: Sequence[tuple[str, Callback]], width: int = ROW_WIDTH, back: tuple[str, Callback] | None = None
) -> InlineKeyboardMarkup:
    """A keyboard of labelled choices, with an optional back button on its own row."""
    layout = rows((button(label, payload) for label, payload in choices), width)
    if back is not None:
        layout.append([button(*back)])
    return InlineKeyboardMarkup(layout)
