"""Countries and time zones as an owner knows them: flags, names in their language, cities (CLDR via Babel).

A MyRenault locale (`fr_BE`) is a country and a language: the button says "🇧🇪 Belgique (français)" only
where a country has several. A country's time zones come from CLDR's territory table, a zone's name is
its city in the owner's language ("Îles Canaries"), and a typed zone may be an IANA name, a city in
English, French or German, or a country that has one zone.
"""

from __future__ import annotations

import unicodedata
import zoneinfo
from collections.abc import Iterable, Mapping
from functools import cache

from babel import Locale
from babel.core import get_global
from babel.dates import get_timezone, get_timezone_location

from bot.renault.locales import LOCALES
from bot.telegram_ui.i18n import SUPPORTED_LANGUAGES, Translator
from bot.telegram_ui.i18n.locales import locale_of

_REGIONAL_A = 0x1F1E6


def plain(text: str) -> str:
    """Lower case without accents or punctuation around: how typed names are compared."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).strip(" .!?")


def flag(country: str) -> str:
    """The flag emoji of a two-letter country code ('FR' -> 🇫🇷)."""
    return "".join(chr(_REGIONAL_A + ord(letter) - ord("A")) for letter in country.upper())


def _parts(renault_locale: str) -> tuple[str, str]:
    language, _, country = renault_locale.partition("_")
    return language, country.upper()


@cache
def _countries_with_several_languages() -> frozenset[str]:
    seen: dict[str, int] = {}
    for code in LOCALES:
        country = _parts(code)[1]
        seen[country] = seen.get(country, 0) + 1
    return frozenset(country for country, count in seen.items() if count > 1)


def country_name(country: str, language: str) -> str:
    """A country in the owner's language ('NO', 'fr' -> 'Norvège')."""
    return str(locale_of(language).territories.get(country, country))


def _autonym(language: str) -> str:
    try:
        return str(Locale.parse(language).languages.get(language, language))
    except (ValueError, TypeError):
        return language


@cache
def locale_label(renault_locale: str, language: str) -> str:
    """'🇫🇷 France', or '🇨🇭 Suisse (Deutsch)' where the country has several MyRenault languages."""
    spoken, country = _parts(renault_locale)
    label = f"{flag(country)} {country_name(country, language)}"
    if country in _countries_with_several_languages():
        label = f"{label} ({_autonym(spoken)})"
    return label


# Telegram's codes for the two written Norwegians; MyRenault knows one Norway (no_NO).
_LANGUAGE_ALIASES: Mapping[str, str] = {"nb": "no", "nn": "no"}


def preferred_locale(telegram_language: str | None, default: str) -> str:
    """The MyRenault locale of the owner's Telegram language ('de-CH' -> de_CH, 'fr' -> fr_FR)."""
    if not telegram_language:
        return default
    language, _, region = telegram_language.replace("-", "_").partition("_")
    language = _LANGUAGE_ALIASES.get(language.lower(), language.lower())
    candidates = [code for code in LOCALES if _parts(code)[0] == language]
    for wanted in (region.upper(), language.upper(), "GB" if language == "en" else ""):
        found = next((code for code in candidates if wanted and _parts(code)[1] == wanted), None)
        if found is not None:
            return found
    return candidates[0] if candidates else default


def ordered_locales(first: Iterable[str], language: str) -> list[str]:
    """Every MyRenault locale: the given ones first, then by their name in the owner's language."""
    leading = list(dict.fromkeys(code for code in first if code in LOCALES))
    rest = sorted((code for code in LOCALES if code not in leading), key=lambda c: _sort_name(c, language))
    return leading + rest


def _sort_name(renault_locale: str, language: str) -> str:
    # By the name read, not the flag in front of it.
    spoken, country = _parts(renault_locale)
    return plain(f"{country_name(country, language)} {_autonym(spoken)}")


def match_locale(text: str, language: str) -> str | None:
    """The locale a typed country names ('France', 'Schweiz', 'fr_BE'); the owner's language breaks ties."""
    wanted = plain(text)
    exact = {plain(code): code for code in LOCALES}
    if wanted in exact:
        return exact[wanted]
    named = [
        code
        for code in LOCALES
        if wanted in {plain(country_name(_parts(code)[1], lang)) for lang in SUPPORTED_LANGUAGES}
    ]
    if len(named) > 1:
        named = [code for code in named if _parts(code)[0] == language] or named
    return named[0] if len(named) == 1 else None


@cache
def _available() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def is_zone(name: str) -> bool:
    """Whether `name` is an IANA time zone this machine knows."""
    return name in _available()


# Babel's CLDR data has no "primary zone" per country: where a MyRenault country has several zones and
# the European one is not the obvious pick, the capital's zone is named here.
_MAIN_ZONE: Mapping[str, str] = {
    "AU": "Australia/Sydney",
    "DE": "Europe/Berlin",
    "MX": "America/Mexico_City",
    "RU": "Europe/Moscow",
}


def country_zones(country: str) -> tuple[str, ...]:
    """The IANA zones of a country, the main one first ('ES' -> Madrid, then Ceuta, Canary)."""
    territory: Mapping[str, list[str]] = get_global("territory_zones")
    zones = sorted(zone for zone in territory.get(country.upper(), ()) if is_zone(zone))
    main = _MAIN_ZONE.get(country.upper())

    def rank(zone: str) -> tuple[int, str]:
        return (0 if zone == main else 1 if zone.startswith("Europe/") else 2, zone)

    return tuple(sorted(zones, key=rank))


def zone_country(zone: str) -> str | None:
    """The country of an IANA zone ('Europe/Oslo' -> 'NO'), None for UTC and the like."""
    territories: Mapping[str, str] = get_global("zone_territories")
    country = territories.get(zone)
    return None if country in (None, "001", "ZZ") else country


@cache
def main_zones() -> tuple[str, ...]:
    """The main zone of every MyRenault country, in IANA order (the list for a chat in no country yet)."""
    return tuple(sorted({zones[0] for code in LOCALES if (zones := locale_zones(code))}))


def locale_zones(renault_locale: str) -> tuple[str, ...]:
    """The zones of a MyRenault locale's country."""
    return country_zones(_parts(renault_locale)[1])


@cache
def zone_name(tr: Translator, zone: str) -> str:
    """'Oslo (Europe/Oslo)': the city in the chat's language, and the IANA name it stands for."""
    label = zone_label(zone, tr.language)
    return zone if label == zone else tr("settings.zone_name", city=label, zone=zone)


def zone_label(zone: str, language: str) -> str:
    """A zone as its city in the owner's language ('Atlantic/Canary', 'fr' -> 'Îles Canaries')."""
    if zone_country(zone) is None:
        return zone
    try:
        return str(get_timezone_location(get_timezone(zone), locale=locale_of(language), return_city=True))
    except (LookupError, ValueError):
        return zone.rsplit("/", 1)[-1].replace("_", " ")


@cache
def _zone_index() -> Mapping[str, str]:
    # Typed names -> zone: IANA names, their last part, and CLDR's city names in every catalog language.
    index: dict[str, str] = {}
    for zone in sorted(_available()):
        if zone_country(zone) is None and zone != "UTC":
            continue
        index.setdefault(plain(zone), zone)
        index.setdefault(plain(zone.rsplit("/", 1)[-1].replace("_", " ")), zone)
        for language in SUPPORTED_LANGUAGES:
            index.setdefault(plain(zone_label(zone, language)), zone)
    return index


def find_zone(text: str, language: str) -> str | None:
    """The zone a typed text names: 'Europe/Oslo', 'oslo', 'Lisbonne', or a country with a single zone."""
    wanted = plain(text).replace("_", " ")
    found = _zone_index().get(wanted) or _zone_index().get(plain(text))
    if found is not None:
        return found
    for country, zones in get_global("territory_zones").items():
        if len(zones) == 1 and wanted in {plain(country_name(country, lang)) for lang in SUPPORTED_LANGUAGES}:
            return str(zones[0]) if is_zone(zones[0]) else None
    return None
