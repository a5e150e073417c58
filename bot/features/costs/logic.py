"""What charging costs a chat: its home and cost settings, priced sessions, monthly figures. Pure values.

A session is priced per chat (family members may have different tariffs): with the chat's tariff when it
started at home (within the radius of the chat's home, or anywhere when the chat set no home or the car
reports no position), else with the price the owner typed for it, else it stays unpriced ("away").
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from enum import Enum
from zoneinfo import ZoneInfo

from bot.domain.pricing import MAX_PRICE_PER_KWH, EnergyMethod, Unpriced

MONTHS_SHOWN = 12
"""/costs shows this many months, this one included."""
DEFAULT_RADIUS_M = 150
EARTH_RADIUS_M = 6_371_000.0
MAX_AWAY_TOTAL = Decimal(1000)
"""A typed session total above this is a typo (no public charge costs that much)."""


class Place(Enum):
    """Where a session started, as far as the chat's home is concerned."""

    HOME = "home"
    AWAY = "away"
    UNKNOWN = "unknown"  # no position known when it started: priced as home


@dataclass(frozen=True, slots=True)
class Home:
    """The chat's home: a point and a radius in metres."""

    latitude: float
    longitude: float
    radius_m: int = DEFAULT_RADIUS_M

    def __post_init__(self) -> None:
        if not (-90 <= self.latitude <= 90 and -180 <= self.longitude <= 180):
            raise ValueError("home is outside the world")
        if not 10 <= self.radius_m <= 50_000:
            raise ValueError("home radius must be between 10 m and 50 km")


def distance_m(lat_a: float, lon_a: float, lat_b: float, lon_b: float) -> float:
    """Great-circle distance between two points (haversine), in metres."""
    phi_a, phi_b = math.radians(lat_a), math.radians(lat_b)
    d_phi, d_lambda = phi_b - phi_a, math.radians(lon_b - lon_a)
    h = math.sin(d_phi / 2) ** 2 + math.cos(phi_a) * math.cos(phi_b) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def place_of(home: Home | None, latitude: float | None, longitude: float | None) -> Place:
    """HOME within the radius (or when no home is set), AWAY outside it, UNKNOWN without a position."""
    if home is None:
        return Place.HOME
    if latitude is None or longitude is None:
        return Place.UNKNOWN
    inside = distance_m(home.latitude, home.longitude, latitude, longitude) <= home.radius_m
    return Place.HOME if inside else Place.AWAY


@dataclass(frozen=True, slots=True)
class CostSettings:
    """A chat's cost settings: home, charging loss (share of grid energy), the monthly summary switch."""

    chat_id: int
    home: Home | None = None
    loss: Decimal = Decimal("0.10")
    monthly_summary: bool = True


@dataclass(frozen=True, slots=True)
class AwaitedPrice:
    """The price question a chat was asked: the chat's next text prices this session until `until`."""

    vehicle_id: int
    started_at: datetime
    until: datetime


@dataclass(frozen=True, slots=True)
class AwayPrice:
    """What the owner said an away charge cost: a price per kWh or a total (exactly one)."""

    per_kwh: Decimal | None = None
    total: Decimal | None = None


class AwayPriceProblem(Enum):
    """Why a typed away price is refused."""

    NOT_A_NUMBER = "not_a_number"
    NEGATIVE = "negative"
    ABSURD = "absurd"


def parse_away_price(text: str) -> AwayPrice | AwayPriceProblem:
    """`0.35` or `0,35 /kWh` is a price per kWh; `12.50 total` (or `=12.50`) a session total."""
    raw = text.strip().lower().replace(",", ".")
    total = raw.startswith("=") or raw.endswith(("total", "gesamt"))
    for noise in ("=", "total", "gesamt", "/kwh", "kwh", "€", "£", "eur", "gbp", "chf"):
        raw = raw.replace(noise, "")
    try:
        value = Decimal(raw.strip())
    except ArithmeticError:
        return AwayPriceProblem.NOT_A_NUMBER
    if not value.is_finite():
        return AwayPriceProblem.NOT_A_NUMBER
    if value < 0:
        return AwayPriceProblem.NEGATIVE
    if value > (MAX_AWAY_TOTAL if total else MAX_PRICE_PER_KWH):
        return AwayPriceProblem.ABSURD
    return AwayPrice(total=value) if total else AwayPrice(per_kwh=value)


@dataclass(frozen=True, slots=True)
class SessionCost:
    """One session as priced for one chat. `cost` None means unpriced, and `reason` says why.

    `at_plug_in` is what the same grid energy would have cost charged at once from `plugged_at` (the
    comparison behind "smart charging saved"); equal to `cost` when the charge began at plug-in.
    """

    chat_id: int
    vehicle_id: int
    started_at: datetime
    ended_at: datetime | None
    place: Place
    battery_kwh: Decimal | None = None
    grid_kwh: Decimal | None = None
    method: EnergyMethod | None = None
    cost: Decimal | None = None
    currency: str | None = None
    gaps: bool = False
    reason: Unpriced | None = None
    plugged_at: datetime | None = None
    at_plug_in: Decimal | None = None
    away: AwayPrice | None = None

    @property
    def priced(self) -> bool:
        """Whether the session has a cost."""
        return self.cost is not None

    @property
    def saving(self) -> Decimal | None:
        """What charging later than plug-in saved (negative when it cost more), when known."""
        if self.cost is None or self.at_plug_in is None:
            return None
        return self.at_plug_in - self.cost


RETRYABLE = frozenset({Unpriced.ONGOING, Unpriced.NO_TARIFF, Unpriced.TARIFF_DOWN, Unpriced.NO_PRICES})
"""Reasons that may go away by themselves (the charge ends, a tariff is set, the source comes back)."""


@dataclass(frozen=True, slots=True)
class MonthFigures:
    """One month of a chat's charging: sessions, grid kWh, cost, savings and distance driven."""

    month: date  # first day of the month
    sessions: int
    priced_sessions: int
    grid_kwh: Decimal
    cost: Decimal
    currency: str | None
    saving: Decimal
    km: float | None = None

    @property
    def price_per_kwh(self) -> Decimal | None:
        """Average price per grid kWh of the priced sessions."""
        return None if self.grid_kwh <= 0 or self.priced_sessions == 0 else self.cost / self.grid_kwh

    @property
    def cost_per_100_km(self) -> Decimal | None:
        """Cost per 100 km driven that month, when the mileage moved."""
        if self.km is None or self.km <= 0 or self.priced_sessions == 0:
            return None
        return self.cost * 100 / Decimal(str(self.km))


def month_of(moment: date) -> date:
    """The first day of the moment's month."""
    return date(moment.year, moment.month, 1)


def previous_month(month: date) -> date:
    """The first day of the month before."""
    return date(month.year - 1, 12, 1) if month.month == 1 else date(month.year, month.month - 1, 1)


def month_figures(month: date, costs: Iterable[SessionCost], km: float | None) -> MonthFigures:
    """Add up one month's sessions (only priced ones count towards kWh, cost and savings)."""
    items = list(costs)
    priced = [c for c in items if c.cost is not None and c.grid_kwh is not None]
    currencies = {c.currency for c in priced if c.currency}
    return MonthFigures(
        month=month,
        sessions=len(items),
        priced_sessions=len(priced),
        grid_kwh=sum((c.grid_kwh or Decimal(0) for c in priced), Decimal(0)),
        cost=sum((c.cost or Decimal(0) for c in priced), Decimal(0)),
        currency=currencies.pop() if len(currencies) == 1 else None,
        saving=sum((c.saving or Decimal(0) for c in priced), Decimal(0)),
        km=km,
    )


def month_start(month: date, zone: ZoneInfo) -> datetime:
    """The UTC instant a local month begins."""
    return datetime.combine(month, time(0), tzinfo=zone).astimezone(UTC)


def next_month(month: date) -> date:
    """The first day of the following month."""
    return date(month.year + 1, 1, 1) if month.month == 12 else date(month.year, month.month + 1, 1)
