"""Small presentation helpers: a car's title, distances, durations, temperatures, local times, data ages."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.domain.preferences import Units
from bot.domain.vehicle import VehicleInfo
from bot.domain.zones import zone_or_utc
from bot.telegram_ui.i18n import Translator

KM_PER_MILE = 1.609344
KWH = "energy-kilowatt-hour"
"""The CLDR unit of energy figures (`Translator.unit`)."""


zone = zone_or_utc
"""The time zone called `name`, UTC when the name is unknown (a bad setting never breaks a message)."""


def vehicle_title(tr: Translator, info: VehicleInfo) -> str:
    """'Zoe · AB-123-CD · …12345' (plate only when known)."""
    if info.plate:
        return tr("vehicle.title_plate", model=info.model_name, plate=info.plate, vin_tail=info.vin_tail)
    return tr("vehicle.title", model=info.model_name, vin_tail=info.vin_tail)


def distance(tr: Translator, km: float, units: Units) -> str:
    """'245 km' or '152 mi', rounded to whole units."""
    if units is Units.MILES:
        return tr.unit(km / KM_PER_MILE, "length-mile")
    return tr.unit(km, "length-kilometer")


def temperature(tr: Translator, celsius: float) -> str:
    """'21 °C' (one decimal only when the value has one)."""
    decimals = 0 if float(celsius).is_integer() else 1
    return tr.unit(celsius, "temperature-celsius", decimals)


def power(tr: Translator, kw: float) -> str:
    """'7.4 kW'."""
    return tr.unit(kw, "power-kilowatt", 1)


def duration(tr: Translator, minutes: int) -> str:
    """'45 min', '2 h', '1 h 20 min'."""
    hours, rest = divmod(max(0, int(minutes)), 60)
    if hours and rest:
        return tr("duration.hours_minutes", hours=hours, minutes=rest)
    if hours:
        return tr("duration.hours", hours=hours)
    return tr("duration.minutes", minutes=rest)


def local_time(moment: datetime, zone_name: str) -> str:
    """'14:05' in the user's time zone."""
    return moment.astimezone(zone(zone_name)).strftime("%H:%M")


def local_datetime(tr: Translator, moment: datetime, zone_name: str, now: datetime) -> str:
    """'14:05' for today (in the user's zone), otherwise the language's day and month too: '11/3 14:05'."""
    tz = zone(zone_name)
    here = moment.astimezone(tz)
    if here.date() == now.astimezone(tz).date():
        return here.strftime("%H:%M")
    return tr.when(here)


def age(tr: Translator, moment: datetime, now: datetime) -> str:
    """How long ago `moment` was: 'just now', '12 min ago', '3 h ago', '2 days ago'."""
    elapsed = now - moment
    if elapsed < timedelta(minutes=1):
        return tr("age.just_now")
    minutes = int(elapsed.total_seconds() // 60)
    if minutes < 60:
        return tr("age.minutes", minutes=minutes)
    hours = minutes // 60
    if hours < 48:
        return tr("age.hours", hours=hours)
    days = hours // 24
    return tr.plural("age.days", days, days=days)


def minutes_until(moment: datetime, now: datetime) -> int:
    """Whole minutes from now until `moment`, at least 1 (used for 'try again in about N min')."""
    seconds = (moment - now).total_seconds()
    return max(1, int((seconds + 59) // 60))
