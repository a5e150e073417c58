"""Every part's states together are complete, and every text they name exists in every language."""

from __future__ import annotations

import pytest

from bot.app.parts import CATALOGS, TELEGRAM_PARTS
from bot.telegram_ui.conversation.inputs import MEDIA_KINDS
from bot.telegram_ui.conversation.names import KERNEL_STATE_NAMES
from bot.telegram_ui.conversation.stale import stale_key
from bot.telegram_ui.conversation.where import Spot
from bot.telegram_ui.parts import declared_states

REGISTRY = declared_states(TELEGRAM_PARTS)


def test_every_state_name_has_one_row() -> None:
    assert set(KERNEL_STATE_NAMES) <= set(REGISTRY)
    assert len(REGISTRY) == sum(len(part.states) for part in TELEGRAM_PARTS)


def test_every_stored_state_name_is_unchanged() -> None:
    # A chat's screen focus stores these names: a state may move between parts, never change its name.
    assert sorted(name.value for name in REGISTRY) == [
        "charge.menu",
        "costs.menu",
        "costs.price",
        "export.period",
        "idle.linked",
        "idle.unlinked",
        "join.confirm",
        "leave.confirm",
        "login.code",
        "login.email",
        "login.locale",
        "login.password",
        "logout.confirm",
        "precondition.menu",
        "schedule.edit",
        "settings.choice",
        "settings.menu",
        "settings.zone",
        "share.menu",
        "smart.menu",
        "tariff.fixed",
        "tariff.provider",
        "tariff.region",
        "tariff.url",
        "vehicles.choose",
    ]


@pytest.mark.parametrize("language", sorted(CATALOGS))
def test_every_hint_and_stale_text_is_in_the_catalog(language: str) -> None:
    keys = {state.hint for state in REGISTRY.values()} | {stale_key(Spot(name)) for name in REGISTRY}
    assert sorted(keys - set(CATALOGS[language])) == []


@pytest.mark.parametrize("language", sorted(CATALOGS))
def test_every_kind_of_attachment_has_a_name(language: str) -> None:
    keys = {f"router.kind.{kind.value}" for kind in MEDIA_KINDS}
    assert sorted(keys - set(CATALOGS[language])) == []


def test_a_state_that_takes_input_has_a_taker() -> None:
    assert [s.name for s in REGISTRY.values() if bool(s.accepts) != (s.take is not None)] == []
