"""Message catalogs (English, French, German) and the translator handlers use to render them.

Every user-visible string lives in a catalog; handlers and renderers only name keys. Placeholders use
`str.format` syntax (`{level}`); a test checks that every catalog has the same keys and placeholders.
Numbers, percentages, units, dates, weekday names and plural choices come from CLDR through Babel
(`locales`): one date style per language, never a pattern in a catalog; a message that depends on a count
has one key per plural category (`age.days.one`, `age.days.other`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Final

# Each feature package keeps its strings in its own catalog module (pure data, importing nothing).
from bot.features.costs import catalog as costs_catalog
from bot.features.history import catalog as history_catalog
from bot.features.schedule import catalog as schedule_catalog
from bot.features.settings import catalog as settings_catalog
from bot.features.sharing import catalog as sharing_catalog
from bot.features.smart_charging import catalog as smart_charging_catalog
from bot.telegram_ui.i18n import (
    de,
    en,
    fr,
    limits,
    locales,
    outcomes,
    places,
    router,
)

DEFAULT_LANGUAGE: Final = "en"


def _merged(language: str, main: Mapping[str, str]) -> dict[str, str]:
    # Feature modules keep their strings in their own files; one catalog per language holds them all.
    return {
        **main,
        **schedule_catalog.SCHEDULE_MESSAGES[language],
        **smart_charging_catalog.CATALOGS[language],
        **history_catalog.HISTORY_MESSAGES[language],
        **sharing_catalog.SHARING_MESSAGES[language],
        **costs_catalog.COSTS_MESSAGES[language],
        **settings_catalog.SETTINGS_MESSAGES[language],
        **limits.CATALOGS[language],
        **router.ROUTER_MESSAGES[language],
        **outcomes.OUTCOME_MESSAGES[language],
        **places.PLACES_MESSAGES[language],
    }


CATALOGS: Final[Mapping[str, Mapping[str, str]]] = {
    "en": _merged("en", en.MESSAGES),
    "fr": _merged("fr", fr.MESSAGES),
    "de": _merged("de", de.MESSAGES),
}
ENGLISH: Final = CATALOGS[DEFAULT_LANGUAGE]

SUPPORTED_LANGUAGES: Final = tuple(CATALOGS)


def pick_language(code: str | None) -> str:
    """Map a Telegram language code ('fr', 'de-CH', None) to a supported catalog, English otherwise."""
    if not code:
        return DEFAULT_LANGUAGE
    base = code.replace("_", "-").split("-", 1)[0].lower()
    return base if base in CATALOGS else DEFAULT_LANGUAGE


class Translator:
    """Renders catalog keys in one language; unknown keys fall back to English, then to the key itself."""

    __slots__ = ("_messages", "language", "locale")

    def __init__(self, language: str) -> None:
        self.language = pick_language(language)
        self._messages = CATALOGS[self.language]
        self.locale = locales.locale_of(self.language)

    def __call__(self, key: str, /, **params: object) -> str:
        """The message for `key` with its placeholders filled in."""
        template = self._messages.get(key) or ENGLISH.get(key) or key
        return template.format(**params) if params else template

    def has(self, key: str) -> bool:
        """Whether the catalog holds `key` (used for optional per-value messages)."""
        return key in self._messages

    def plural(self, key: str, count: int, /, **params: object) -> str:
        """The message for `count` things: `key.one`, `key.other`... by this language's plural rule."""
        chosen = f"{key}.{locales.plural_category(self.locale, count)}"
        # A category the catalog does not spell out (French 'many') reads like 'other'.
        return self(chosen if chosen in self._messages else f"{key}.other", **params)

    def number(self, value: float | Decimal, decimals: int = 0) -> str:
        """A number with this language's decimal and thousands separators."""
        return locales.decimal(self.locale, value, decimals)

    def when(self, moment: datetime, style: str = "date_time") -> str:
        """`moment` (in its own zone) in this language's one style ('date_time', 'day', 'date', 'month')."""
        return locales.styled(self.locale, moment, style)

    def percent(self, value: float) -> str:
        """'62%' / '62 %': a whole percentage as this language writes it."""
        return locales.percent(self.locale, value)

    def unit(self, value: float, measure: str, decimals: int = 0) -> str:
        """'245 km', '7,4 kW', '21 °C': a CLDR unit ('length-kilometer'...) with this language's spacing."""
        return locales.unit(self.locale, self.number(value, decimals), measure)

    def weekday(self, day: int, *, short: bool = False) -> str:
        """'Monday' or 'Mon' (0 is Monday, as `date.weekday()`) in this language."""
        return locales.weekday_names(self.locale, short)[day]
