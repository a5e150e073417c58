"""The status card's keyboard: built once per car, language and buttons, then sent again as it is."""

from __future__ import annotations

from bot.app.parts import CATALOGS
from bot.domain.vehicle import Role
from bot.telegram_ui.keyboards import status_keyboard
from tests.telegram_ui.fakes import zoe


def _labels(markup: object) -> list[str]:
    rows = getattr(markup, "inline_keyboard", ())
    return [button.text for row in rows for button in row]


def test_the_same_cards_keyboard_is_built_once() -> None:
    first = status_keyboard(CATALOGS.translator("en"), zoe(), None)
    again = status_keyboard(CATALOGS.translator("en"), zoe(), None)
    assert first is not None
    assert again is first


def test_another_language_car_or_role_gets_its_own_keyboard() -> None:
    english = status_keyboard(CATALOGS.translator("en"), zoe(), None)
    french = status_keyboard(CATALOGS.translator("fr"), zoe(), None)
    other_car = status_keyboard(CATALOGS.translator("en"), zoe(vehicle_id=9), None)
    viewer = status_keyboard(CATALOGS.translator("en"), zoe(role=Role.VIEWER), None)
    assert _labels(french) != _labels(english)
    assert other_car is not english
    assert other_car is not None
    assert english is not None
    assert [b.callback_data for r in other_car.inline_keyboard for b in r] != [
        b.callback_data for r in english.inline_keyboard for b in r
    ]
    assert _labels(viewer) != _labels(english)  # a viewer may not run the owner's actions
