"""Message catalogs (English, French, German) and the translator handlers use to render them.

Every user-visible string lives in a catalog; handlers and renderers only name keys. Placeholders use
`str.format` syntax (`{level}`); a test checks that every catalog has the same keys and placeholders.
Numbers, percentages, units, dates, weekday names and plural choices come from CLDR through Babel
(`locales`): one date style per language, never a pattern in a catalog; a message that depends on a count
has one key per plural category (`age.days.one`, `age.days.other`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Final

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

# A feature's catalog (its `catalog.py`): its messages by language, declared by its part
# (`TelegramPart.catalog`) and handed in by the composition root; the kernel imports none.
FeatureCatalog = Mapping[str, Mapping[str, str]]


def _kernel(language: str, main: Mapping[str, str]) -> dict[str, str]:
    # The kernel's own messages: the main catalog and the glue's (limits, router, outcomes, places).
    return {
        **main,
        **limits.CATALOGS[language],
        **router.ROUTER_MESSAGES[language],
        **outcomes.OUTCOME_MESSAGES[language],
        **places.PLACES_MESSAGES[language],
    }


KERNEL_CATALOGS: Final[Mapping[str, Mapping[str, str]]] = {
    "en": _kernel("en", en.MESSAGES),
    "fr": _kernel("fr", fr.MESSAGES),
    "de": _kernel("de", de.MESSAGES),
}
SUPPORTED_LANGUAGES: Final = tuple(KERNEL_CATALOGS)


class CatalogConflict(ValueError):
    """A feature's catalog names a key the kernel's or another feature's already has."""


def pick_language(code: str | None) -> str:
    """Map a Telegram language code ('fr', 'de-CH', None) to a supported catalog, English otherwise."""
    if not code:
        return DEFAULT_LANGUAGE
    base = code.replace("_", "-").split("-", 1)[0].lower()
    return base if base in KERNEL_CATALOGS else DEFAULT_LANGUAGE


class Catalogs:
    """Every message by language: the kernel's and the features' catalogs handed in (each key once)."""

    __slots__ = ("_by_language", "_translators")

    def __init__(self, features: Iterable[FeatureCatalog] = ()) -> None:
        merged = {language: dict(messages) for language, messages in KERNEL_CATALOGS.items()}
        for catalog in features:
            for language, messages in merged.items():
                extra = catalog.get(language, {})
                clash = sorted(messages.keys() & extra.keys())
                if clash:
                    raise CatalogConflict(f"keys in two catalogs: {', '.join(clash[:5])}")
                messages.update(extra)
        self._by_language: Mapping[str, Mapping[str, str]] = MappingProxyType(
            {language: MappingProxyType(messages) for language, messages in merged.items()}
        )
        # One translator per language, made once: handlers and cached keyboards share them.
        self._translators = {language: Translator(language, self) for language in merged}

    def __getitem__(self, language: str) -> Mapping[str, str]:
        """Every message of one supported language."""
        return self._by_language[language]

    def __iter__(self) -> Iterator[str]:
        """The supported languages."""
        return iter(self._by_language)

    def translator(self, language: str | None) -> Translator:
        """The translator of the supported language closest to `language` (a Telegram code, or None)."""
        return self._translators[pick_language(language)]


class Translator:
    """Renders catalog keys in one language; unknown keys fall back to English, then to the key itself."""

    __slots__ = ("_english", "_messages", "catalogs", "language", "locale")

    def __init__(self, language: str, catalogs: Catalogs) -> None:
        self.language = pick_language(language)
        self.catalogs = catalogs
        self._messages = catalogs[self.language]
        self._english = catalogs[DEFAULT_LANGUAGE]
        self.locale = locales.locale_of(self.language)

    def __call__(self, key: str, /, **params: object) -> str:
        """The message for `key` with its placeholders filled in."""
        template = self._messages.get(key) or self._english.get(key) or key
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
