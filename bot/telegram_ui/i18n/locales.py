"""CLDR formatting through Babel: numbers, date patterns, weekday names and plural categories.

Locales and number patterns are parsed once and kept: the status card formats several numbers on every
/status, and `Locale.parse` / `babel.numbers.parse_pattern` would redo that work on each call.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from functools import cache

from babel import Locale
from babel.dates import format_datetime
from babel.numbers import NumberPattern, parse_pattern


@cache
def locale_of(language: str) -> Locale:
    """The Babel locale of a language code ('en', 'fr', 'de'), parsed once per process."""
    return Locale.parse(language)


@cache
def _number_pattern(decimals: int, grouping: bool) -> NumberPattern:
    # Always exactly `decimals` digits after the separator (Babel's default pattern shows 0 to 3).
    whole = "#,##0" if grouping else "0"
    return parse_pattern(f"{whole}.{'0' * decimals}" if decimals > 0 else whole)


def decimal(locale: Locale, value: float | Decimal, decimals: int = 0, *, grouping: bool = True) -> str:
    """`value` with `decimals` decimals and the locale's separators: '12,345.5', '12.345,5', '12 345,5'."""
    # Decimal(float) is the float's exact binary value, so rounding (half-even) gives what Python's own
    # f"{value:.1f}" gives; Babel alone would round the shortest repr and turn 1.05 into 1.0, not 1.1.
    exact = value if isinstance(value, Decimal) else Decimal(value)
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
