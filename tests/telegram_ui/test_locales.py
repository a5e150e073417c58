"""CLDR formatting through Babel in English, French and German: numbers, weekdays, plurals and dates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.app.parts import CATALOGS
from bot.domain.schedule import Weekday
from bot.features.history.render import HistoryText
from bot.features.schedule.telegram.view import day_name
from bot.telegram_ui import formatting as fmt
from bot.telegram_ui.i18n import locales

NOW = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)

# The separators the catalogs spelled out by hand before Babel: the CLDR output must stay the same.
_HAND_WRITTEN = {"en": (".", ","), "fr": (",", "\u202f"), "de": (",", ".")}


def _hand_written(language: str, value: float, decimals: int) -> str:
    decimal, thousands = _HAND_WRITTEN[language]
    text = (
        f"{value:,.{decimals}f}".removeprefix("-")
        if round(value, decimals) == 0
        else f"{value:,.{decimals}f}"
    )
    return text.replace(",", "\x00").replace(".", decimal).replace("\x00", thousands)


@pytest.mark.parametrize(
    ("language", "value", "decimals", "text"),
    [
        ("en", 12345.5, 1, "12,345.5"),
        ("fr", 12345.5, 1, "12\u202f345,5"),
        ("de", 12345.5, 1, "12.345,5"),
        ("en", 7.35, 1, "7.3"),  # 7.35 is 7.3499... in binary: rounded as Python rounds it
        ("de", 1.05, 1, "1,1"),  # 1.0500...04 in binary
        ("fr", -2.5, 1, "-2,5"),
        ("de", 2.5, 0, "2"),  # half to even
        ("en", 1234567.891, 2, "1,234,567.89"),
        ("fr", 0, 2, "0,00"),
        ("de", -0.0, 0, "0"),  # what rounds to zero has no sign
        ("en", -0.004, 2, "0.00"),
        ("fr", -0.5, 0, "0"),  # half to even: -0
    ],
)
def test_numbers_have_the_languages_separators_and_fixed_decimals(
    language: str, value: float, decimals: int, text: str
) -> None:
    assert CATALOGS.translator(language).number(value, decimals) == text


@given(
    st.sampled_from(sorted(_HAND_WRITTEN)),
    st.floats(min_value=-1e9, max_value=1e9, allow_nan=False),
    st.integers(min_value=0, max_value=3),
)
def test_numbers_read_as_the_hand_written_formatting_did(language: str, value: float, decimals: int) -> None:
    assert CATALOGS.translator(language).number(value, decimals) == _hand_written(language, value, decimals)


def test_history_numbers_have_one_decimal_and_no_grouping() -> None:
    assert HistoryText("de").number(1234.56) == "1234,6"
    assert HistoryText("en").number(31.25) == "31.2"
    assert HistoryText("fr").number(10.06) == "10,1"


@pytest.mark.parametrize(
    ("language", "long", "short"),
    [
        ("en", ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
         ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]),
        ("fr", ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
         ["lun", "mar", "mer", "jeu", "ven", "sam", "dim"]),
        ("de", ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"],
         ["Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"]),
    ],
)  # fmt: skip
def test_weekday_names_start_on_monday(language: str, long: list[str], short: list[str]) -> None:
    tr = CATALOGS.translator(language)
    assert [day_name(tr, day) for day in Weekday] == long
    assert [day_name(tr, day, short=True) for day in Weekday] == short


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("en", ["0 days ago", "1 day ago", "2 days ago"]),
        ("fr", ["il y a 0 jour", "il y a 1 jour", "il y a 2 jours"]),  # French singular covers 0 and 1
        ("de", ["vor 0 Tagen", "vor 1 Tag", "vor 2 Tagen"]),
    ],
)
def test_plurals_follow_each_languages_rule(language: str, texts: list[str]) -> None:
    tr = CATALOGS.translator(language)
    assert [tr.plural("age.days", n, days=n) for n in (0, 1, 2)] == texts


def test_a_plural_category_the_catalog_lacks_reads_as_other() -> None:
    # CLDR gives French 'many' for exact millions; the catalogs only spell out 'one' and 'other'.
    assert locales.plural_category(locales.locale_of("fr"), 1_000_000) == "many"
    assert CATALOGS.translator("fr").plural("age.days", 1_000_000, days=1_000_000) == "il y a 1000000 jours"


@pytest.mark.parametrize("language", sorted(CATALOGS))
def test_every_plural_message_has_an_other_form(language: str) -> None:
    catalog = CATALOGS[language]
    bases = {key.rsplit(".", 1)[0] for key in catalog if key.endswith((".one", ".many"))}
    assert bases, "no plural messages found: the scan is broken"
    assert sorted(base for base in bases if f"{base}.other" not in catalog) == []
    assert sorted(base for base in bases if base in catalog) == []


def test_ages_in_days_use_the_plural_messages() -> None:
    assert fmt.age(CATALOGS.translator("de"), NOW - timedelta(days=2, hours=1), NOW) == "vor 2 Tagen"
    assert fmt.age(CATALOGS.translator("fr"), NOW - timedelta(days=3), NOW) == "il y a 3 jours"


@pytest.mark.parametrize(
    ("language", "zone", "text"),
    [
        ("en", "UTC", "1 Nov, 02:00"),  # British English: never the US 11/1
        ("fr", "UTC", "1 nov., 02:00"),
        ("de", "UTC", "1. Nov., 02:00"),
        ("fr", "Europe/Paris", "1 nov., 03:00"),
        ("en", "America/New_York", "31 Oct, 22:00"),  # 02:00 UTC on 1 November is still 31 October there
    ],
)
def test_other_days_show_day_and_month_in_the_languages_order(language: str, zone: str, text: str) -> None:
    moment = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
    assert fmt.local_datetime(CATALOGS.translator(language), moment, zone, NOW) == text


@pytest.mark.parametrize(
    ("language", "day", "date", "month"),
    [
        ("en", "Sat 5 Dec", "5 Dec 2026", "Dec 2026"),
        ("fr", "sam. 5 déc.", "5 déc. 2026", "déc. 2026"),
        ("de", "Sa., 5. Dez.", "5. Dez. 2026", "Dez. 2026"),
    ],
)
def test_one_style_per_language_for_days_dates_and_months(
    language: str, day: str, date: str, month: str
) -> None:
    tr = CATALOGS.translator(language)
    moment = datetime(2026, 12, 5, 16, 26, tzinfo=UTC)
    assert (tr.when(moment, "day"), tr.when(moment, "date"), tr.when(moment, "month")) == (day, date, month)


@pytest.mark.parametrize(
    ("language", "percent", "energy", "temperature", "distance"),
    [
        ("en", "62%", "11.2 kWh", "21°C", "245 km"),
        ("fr", "62\u00a0%", "11,2\u202fkWh", "21\u202f°C", "245\u202fkm"),
        ("de", "62\u00a0%", "11,2 kWh", "21 °C", "245 km"),
    ],
)
def test_percentages_and_units_are_spaced_as_cldr_says(
    language: str, percent: str, energy: str, temperature: str, distance: str
) -> None:
    tr = CATALOGS.translator(language)
    assert tr.percent(62) == percent
    assert tr.unit(11.2, fmt.KWH, 1) == energy
    assert fmt.temperature(tr, 21) == temperature
    assert tr.unit(245, "length-kilometer") == distance


def test_a_moment_is_formatted_in_its_own_time_zone() -> None:
    late = datetime(2026, 3, 29, 23, 30, tzinfo=UTC)  # 01:30 in Paris, after the switch to summer time
    paris = late.astimezone(ZoneInfo("Europe/Paris"))
    assert locales.moment(locales.locale_of("en"), paris, "EEE dd/MM HH:mm") == "Mon 30/03 01:30"
    assert locales.moment(locales.locale_of("de"), paris, "EEEE d.M.") == "Montag 30.3."


def test_locales_are_parsed_once_and_shared_by_translators() -> None:
    # /status builds a Translator per update: parsing the CLDR locale each time would be wasted work.
    assert CATALOGS.translator("fr").locale is CATALOGS.translator("fr").locale
    assert locales.locale_of("de") is locales.locale_of("de")
    assert CATALOGS.translator("xx").locale is locales.locale_of("en")
