"""Message catalogs (English, French, German) and the translator handlers use to render them.

Every user-visible string lives in a catalog; handlers and renderers only name keys. Placeholders use
`str.format` syntax (`{level}`); a test checks that every catalog has the same keys and placeholders.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from bot.telegram_ui.i18n import de, en, fr, history, schedule, smartcharge

DEFAULT_LANGUAGE: Final = "en"


def _merged(language: str, main: Mapping[str, str]) -> dict[str, str]:
    # Feature modules keep their strings in their own files; one catalog per language holds them all.
    return {
        **main,
        **schedule.SCHEDULE_MESSAGES[language],
        **smartcharge.CATALOGS[language],
        **history.HISTORY_MESSAGES[language],
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

    __slots__ = ("_messages", "language")

    def __init__(self, language: str) -> None:
        self.language = pick_language(language)
        self._messages = CATALOGS[self.language]

    def __call__(self, key: str, /, **params: object) -> str:
        """The message for `key` with its placeholders filled in."""
        template = self._messages.get(key) or ENGLISH.get(key) or key
        return template.format(**params) if params else template

    def has(self, key: str) -> bool:
        """Whether the catalog holds `key` (used for optional per-value messages)."""
        return key in self._messages

    def number(self, value: float, decimals: int = 0) -> str:
        """A number with this language's decimal and thousands separators."""
        text = f"{value:,.{decimals}f}"
        thousands = self("num.thousands_separator")
        decimal = self("num.decimal_separator")
        return text.replace(",", "\x00").replace(".", decimal).replace("\x00", thousands)
