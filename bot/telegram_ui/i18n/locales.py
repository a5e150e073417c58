"""CLDR formatting through Babel: numbers, percentages, units, dates, weekday names and plural categories.

One date and time style per language, from CLDR's skeletons, never a pattern of our own: `date_time` is
"5 Dec, 16:26" / "5 déc., 16:26" / "5. Dez., 16:26", `day` "Sat 5 Dec" / "sam. 5 déc." / "Sa., 5. Dez.",
`date` "5 Dec 2026", `month` "Dec 2026"; times are 24-hour "16:26". English is British English (en_GB):
the bot serves European owners, and US month/day would read 12/6 as 12 June.

Locales and number patterns are parsed once and kept: the status card formats several numbers on every
/status, and `Locale.parse` / `babel.numbers.parse_pattern` would redo that work on each call.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from functools import cache, lru_cache

from babel import Locale
from babel.dates import format_datetime, format_skeleton
from babel.numbers import NumberPattern, format_percent, parse_pattern
from babel.units import format_unit

# The CLDR locale each catalog language formats with.
_FORMAT_LOCALE = {"en": "en_GB"}

# The one style per kind of moment: CLDR skeletons (each language orders and spells them its own way).
SKELETONS = {"day": "MMMEd", "date": "yMMMd", "month": "yMMM", "short_date": "MMMd", "time": "Hm"}


@cache
def locale_of(language: str) -> Locale:
    """The Babel locale of a language code ('en' formats as en_GB, 'fr', 'de'), parsed once per process."""
    return Locale.parse(_FORMAT_LOCALE.get(language, language))


@cache
def _number_pattern(decimals: int, grouping: bool) -> NumberPattern:
    # Always exactly `decimals` digits after the separator (Babel's default pattern shows 0 to 3).
    whole = "#,##0" if grouping else "0"
    return parse_pattern(f"{whole}.{'0' * decimals}" if decimals > 0 else whole)


# Formatting through CLDR costs tens of microseconds a call and a card makes several with the same few values
# (a level, a range, a unit): each of these is pure, so its results are kept (bounded).
FORMATS_KEPT = 4096


@lru_cache(maxsize=FORMATS_KEPT)
def decimal(locale: Locale, value: float | Decimal, decimals: int = 0, *, grouping: bool = True) -> str:
    """`value` with `decimals` decimals and the locale's separators: '12,345.5', '12.345,5', '12 345,5'."""
    # Decimal(float) is the float's exact binary value, so rounding (half-even) gives what Python's own
    # f"{value:.1f}" gives; Babel alone would round the shortest repr and turn 1.05 into 1.0, not 1.1.
    exact = value if isinstance(value, Decimal) else Decimal(value)
    if exact.is_signed() and round(exact, decimals) == 0:
        exact = -exact  # what rounds to zero is shown as 0, never '-0' or '-0,00' (-0.0 included)
    text: str = _number_pattern(decimals, grouping).apply(exact, locale)
    return text


def moment(locale: Locale, when: datetime, pattern: str) -> str:
    """`when`, in its own time zone, through a CLDR date pattern such as 'd/M HH:mm' or 'EEE dd/MM'."""
    return format_datetime(when, pattern, locale=locale)


@cache
def weekday_names(locale: Locale, short: bool = False) -> tuple[str, ...]:
    """Monday first: CLDR's stand-alone wide names, or abbreviated ones without their point ('lun', 'Mo')."""
    names = locale.days["stand-alone"]["abbreviated" if short else "wide"]
    # The short names label narrow buttons ('lun 05:00'), where CLDR's abbreviation point is only noise.
    return tuple(str(names[day]).rstrip(".") for day in range(7))


def plural_category(locale: Locale, count: int) -> str:
    """The CLDR plural category of `count`: 'one' or 'other' ('many' too in French for millions)."""
    return str(locale.plural_form(count))


def styled(locale: Locale, when: datetime, style: str) -> str:
    """`when` (in its own zone) in the language's one style: 'day', 'date', 'month', 'time' or 'date_time'."""
    if style == "date_time":
        glue = str(locale.datetime_formats["medium"])
        date = styled(locale, when, "short_date")
        return glue.replace("{1}", date).replace("{0}", styled(locale, when, "time"))
    return str(format_skeleton(SKELETONS[style], when, locale=locale))


def percent(locale: Locale, value: float) -> str:
    """A percentage with the language's sign and spacing: '62%', '62 %' (CLDR)."""
    return _whole_percent(locale, round(value))


@lru_cache(maxsize=FORMATS_KEPT)
def _whole_percent(locale: Locale, whole: int) -> str:
    return str(format_percent(whole / 100, locale=locale))


@lru_cache(maxsize=FORMATS_KEPT)
def unit(locale: Locale, number: str, measure: str) -> str:
    """An already formatted number with its unit, spaced as the language writes it ('7,4 kW' in French)."""
    return str(format_unit(number, measure, "short", locale=locale))
