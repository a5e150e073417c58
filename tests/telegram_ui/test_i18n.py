"""The catalogs: same keys and placeholders in every language; code only names keys that exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.app.parts import CATALOGS
from bot.domain.schedule import ProblemCode
from bot.features.costs import catalog as costs
from bot.features.history import catalog as history
from bot.features.schedule import catalog as schedule
from bot.features.settings import catalog as settings
from bot.features.sharing.logic import InviteProblem
from bot.features.smart_charging import catalog as smartcharge
from bot.telegram_ui.i18n import CatalogConflict, Catalogs, en, pick_language
from tests.support.templates import placeholders

_BOT = Path(__file__).resolve().parents[2] / "bot"
# The Telegram glue and every feature package (whose catalogs are pure data, not scanned).
_UI_ROOTS = (_BOT / "telegram_ui", _BOT / "features")


@pytest.mark.parametrize("language", sorted(set(CATALOGS) - {"en"}))
def test_every_catalog_has_the_english_keys(language: str) -> None:
    assert set(CATALOGS[language]) == set(CATALOGS["en"])


@pytest.mark.parametrize("language", sorted(CATALOGS))
def test_every_message_has_the_english_placeholders(language: str) -> None:
    mismatched = {
        key: (placeholders(CATALOGS["en"][key]), placeholders(text))
        for key, text in CATALOGS[language].items()
        if key in CATALOGS["en"] and placeholders(text) != placeholders(CATALOGS["en"][key])
    }
    assert mismatched == {}


@pytest.mark.parametrize("language", sorted(CATALOGS))
def test_no_message_is_empty(language: str) -> None:
    assert [key for key, text in CATALOGS[language].items() if not text] == []


def test_every_literal_key_used_in_the_ui_code_exists() -> None:
    # tr("some.key", ...) calls with a literal key; dynamic keys are checked by the tests of their tables.
    pattern = re.compile(r"\btr\(\s*\"([a-z_]+\.[A-Za-z0-9_.]+)\"")
    used = {
        key
        for root in _UI_ROOTS
        for path in root.rglob("*.py")
        if "i18n" not in path.parts and path.name != "catalog.py"
        for key in pattern.findall(path.read_text(encoding="utf-8"))
    }
    assert used, "the scan found no keys: the pattern is broken"
    assert sorted(used - set(CATALOGS["en"])) == []


@pytest.mark.parametrize("language", sorted(CATALOGS))
def test_feature_catalogs_are_merged_into_every_language(language: str) -> None:
    merged = CATALOGS[language]
    assert set(smartcharge.CATALOGS[language]) <= set(merged)
    assert set(history.HISTORY_MESSAGES[language]) <= set(merged)
    assert set(costs.COSTS_MESSAGES[language]) <= set(merged)
    assert set(settings.SETTINGS_MESSAGES[language]) <= set(merged)
    assert CATALOGS.translator(language)("history.kwh", value="3.5 kWh") == "3.5 kWh"


def test_feature_catalogs_never_override_a_main_message() -> None:
    features = [set(smartcharge.CATALOGS["en"]), set(history.HISTORY_MESSAGES["en"])]
    features.append(set(schedule.SCHEDULE_MESSAGES["en"]))
    features.append(set(costs.COSTS_MESSAGES["en"]))
    features.append(set(settings.SETTINGS_MESSAGES["en"]))
    merged = set(en.MESSAGES)
    for keys in features:
        assert keys & merged == set()
        merged |= keys


def test_every_invite_problem_has_a_message() -> None:
    wanted = {f"share.problem.{problem.value}" for problem in InviteProblem}
    for language in CATALOGS:
        assert wanted <= set(CATALOGS[language])


def test_every_schedule_problem_has_a_message() -> None:
    wanted = {f"schedule.problem.{code.value}" for code in ProblemCode}
    for language in CATALOGS:
        assert wanted <= set(CATALOGS[language])


@pytest.mark.parametrize(
    ("code", "expected"),
    [("fr", "fr"), ("de-CH", "de"), ("fr_BE", "fr"), ("EN", "en"), ("es", "en"), (None, "en"), ("", "en")],
)
def test_telegram_language_picks_a_supported_catalog(code: str | None, expected: str) -> None:
    assert pick_language(code) == expected


def test_translator_fills_placeholders() -> None:
    assert CATALOGS.translator("fr")("error.renault_busy", minutes=7) == (
        "Renault limite les requêtes ; prochain essai possible dans environ 7 min."
    )


def test_numbers_use_the_language_separators() -> None:
    assert CATALOGS.translator("en").number(12345.5, 1) == "12,345.5"
    assert CATALOGS.translator("de").number(12345.5, 1) == "12.345,5"
    assert CATALOGS.translator("fr").number(12345.5, 1) == "12\u202f345,5"


def test_a_feature_catalog_may_not_take_a_key_another_has() -> None:
    with pytest.raises(CatalogConflict, match=r"access\.denied"):
        Catalogs([{"en": {"access.denied": "mine"}}])
    assert Catalogs([{"en": {"test.only": "mine"}}]).translator("en")("test.only") == "mine"
