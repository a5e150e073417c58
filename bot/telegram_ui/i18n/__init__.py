"""Message catalogs (English, French, German) and the translator handlers use to render them.

Every user-visible string lives in a catalog; handlers and renderers only name keys. Placeholders use
`str.format` syntax (`{level}`); a test checks that every catalog has the same keys and placeholders.
Numbers, dates, weekday names and plural choices come from CLDR through Babel (`locales`); keys under
`pattern.` hold CLDR date patterns, and a message that depends on a count has one key per plural category
(`age.days.one`, `age.days.other`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Final

from bot.telegram_ui.i18n import (
    costs,
    de,
    en,
    fr,
    history,
    limits,
    locales,
    outcomes,
    router,
    schedule,
    sharing,
    smartcharge,
)

DEFAULT_LANGUAGE: Final = "en"


def _merged(language: str, main: Mapping[str, str]) -> dict[str, str]:
    # Feature modules keep their strings in their own files; one catalog per language holds them all.
    return {
        **main,
        **schedule.SCHEDULE_MESSAGES[language],
        **smartcharge.CATALOGS[language],
        **history.HISTORY_MESSAGES[language],
        **sharing.SHARING_MESSAGES[language],
        **costs.CATALOGS[language],
        **limits.CATALOGS[language],
        **router.ROUTER_MESSAGES[language],
        **outcomes.OUTCOME_MESSAGES[language],
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

    def number(self, value: float, decimals: int = 0) -> str:
        """A number with this language's decimal and thousands separators."""
        return locales.decimal(self.locale, value, decimals)

    def moment(self, when: datetime, pattern_key: str) -> str:
        """`when` (in its own zone) through this language's CLDR pattern stored under `pattern_key`."""
        return locales.moment(self.locale, when, self(pattern_key))

    def weekday(self, day: int, *, short: bool = False) -> str:
        """'Monday' or 'Mon' (0 is Monday, as `date.weekday()`) in this language."""
        return locales.weekday_names(self.locale, short)[day]
