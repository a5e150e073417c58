"""Countries and zones as owners name them: flags, names in their language, cities, typed names."""

from __future__ import annotations

import pytest

from bot.renault.locales import LOCALES
from bot.telegram_ui import places


def test_every_renault_locale_has_a_flag_and_a_name_in_every_language() -> None:
    for code in LOCALES:
        for language in ("en", "fr", "de"):
            label = places.locale_label(code, language)
            assert "_" not in label  # never a raw locale code
            assert label.split(" ", 1)[0] == places.flag(code[-2:])


def test_a_country_with_several_languages_names_the_language_in_its_own() -> None:
    assert places.locale_label("fr_CH", "de") == "🇨🇭 Schweiz (français)"
    assert places.locale_label("nl_BE", "fr") == "🇧🇪 Belgique (Nederlands)"
    assert places.locale_label("no_NO", "fr") == "🇳🇴 Norvège"


@pytest.mark.parametrize(
    ("telegram", "locale"),
    [("fr", "fr_FR"), ("de-CH", "de_CH"), ("en", "en_GB"), ("nb", "no_NO"), ("ja", "fr_FR"), (None, "fr_FR")],
)
def test_the_owners_telegram_language_picks_their_country(telegram: str | None, locale: str) -> None:
    assert places.preferred_locale(telegram, "fr_FR") == locale


def test_the_owners_country_comes_first_then_by_name() -> None:
    ordered = places.ordered_locales(["sv_SE"], "fr")
    assert ordered[0] == "sv_SE"
    assert ordered[1:4] == ["de_DE", "en_AU", "de_AT"]  # Allemagne, Australie, Autriche
    assert sorted(ordered) == sorted(LOCALES)


@pytest.mark.parametrize(
    ("typed", "language", "locale"),
    [
        ("France", "en", "fr_FR"),
        ("Schweiz", "de", "de_CH"),
        ("suisse", "fr", "fr_CH"),
        ("fr_be", "en", "fr_BE"),
    ],
)
def test_a_typed_country_is_recognised(typed: str, language: str, locale: str) -> None:
    assert places.match_locale(typed, language) == locale


def test_a_country_with_several_zones_lists_its_main_one_first() -> None:
    assert places.country_zones("ES") == ("Europe/Madrid", "Africa/Ceuta", "Atlantic/Canary")
    assert places.country_zones("NO") == ("Europe/Oslo",)


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("Europe/Oslo", "Europe/Oslo"),
        ("oslo", "Europe/Oslo"),
        ("Lisbonne", "Europe/Lisbon"),
        ("Zürich", "Europe/Zurich"),
        ("new york", "America/New_York"),
        ("Norway", "Europe/Oslo"),  # a country with one zone
        ("UTC", "UTC"),
        ("Atlantis", None),
    ],
)
def test_a_typed_zone_or_city_is_found(typed: str, zone: str | None) -> None:
    assert places.find_zone(typed, "fr") == zone


def test_a_zone_is_named_by_its_city_in_the_owners_language() -> None:
    assert places.zone_label("Atlantic/Canary", "fr") == "Îles Canaries"
    assert places.zone_label("Europe/Vienna", "de") == "Wien"
    assert places.zone_label("UTC", "de") == "UTC"
