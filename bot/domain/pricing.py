"""What a charge session cost: grid energy priced with the tariff in force at each moment. Pure.

The charger is taken to draw a constant power over the session (the car reports no finer profile), so each
instant of [start, end) carries the same share of the energy, and the cost is that energy times the
time-weighted average price over the session. Arithmetic is exact (`fractions.Fraction`) until the final
rounding, so a session split at any instant costs the same as the whole, and cost is linear in energy.

Energy: the car's own figure when it reports one, otherwise battery level change × the model's usable
capacity; both are what entered the BATTERY. What the meter saw is more, by the charging loss:
grid kWh = battery kWh / (1 - loss), the loss being the share of grid energy lost in the charger and cable
(10 % by default, the planner's 0.9 efficiency).

Time the tariff does not cover (a feed with gaps, a half-hour not yet published) is priced from the nearest
known price at each instant (the slot before or after, whichever is closer) and the result is flagged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from enum import Enum
from fractions import Fraction

from bot.domain.tariff import PriceSlot, sorted_unique

DEFAULT_LOSS = Decimal("0.10")
MAX_LOSS = Decimal("0.5")
MAX_PRICE_PER_KWH = Decimal(5)
"""A price per kWh above this is a typo (5 euros or pounds a kWh), refused at input."""

COST_PLACES = Decimal("0.000001")
_MICRO = timedelta(microseconds=1)


class EnergyMethod(Enum):
    """Where a session's kWh come from (shown next to the figure)."""

    REPORTED = "reported"  # the car's own energy counter
    LEVELS = "levels"  # battery level change × usable capacity


class Unpriced(Enum):
    """Why a session has no cost."""

    ONGOING = "ongoing"  # still charging
    NO_ENERGY = "no_energy"  # no energy figure and no levels or capacity to estimate one
    NO_TARIFF = "no_tariff"  # the chat has no tariff
    NO_PRICES = "no_prices"  # the tariff answered no price at all for the period
    TARIFF_DOWN = "tariff_down"  # the tariff source failed (retried later)
    MIXED_CURRENCY = "mixed_currency"  # the tariff changed currency inside the session
    AWAY = "away"  # charged away from home, the owner gave no price


@dataclass(frozen=True, slots=True)
class EnergyEstimate:
    """Energy that entered the battery, and how it was found."""

    battery_kwh: Decimal
    method: EnergyMethod


@dataclass(frozen=True, slots=True)
class Priced:
    """A session's cost: grid energy, cost and its currency; `gaps` when part of it used a nearest price."""

    battery_kwh: Decimal
    grid_kwh: Decimal
    cost: Decimal
    currency: str
    method: EnergyMethod
    gaps: bool = False

    @property
    def price_per_kwh(self) -> Decimal | None:
        """Average price per grid kWh (None for a session that drew nothing)."""
        if self.grid_kwh <= 0:
            return None
        return (self.cost / self.grid_kwh).quantize(COST_PLACES, ROUND_HALF_EVEN)


@dataclass(frozen=True, slots=True)
class AveragePrice:
    """Time-weighted average price over a period, exact, and whether any of it came from a nearest slot."""

    value: Fraction
    currency: str
    gaps: bool


def estimate_energy(
    reported_kwh: float | None,
    start_level: int | None,
    end_level: int | None,
    usable_capacity_kwh: float | None,
) -> EnergyEstimate | None:
    """The car's figure when it has one, else level change × capacity; None when neither is known."""
    if reported_kwh is not None and reported_kwh >= 0:
        return EnergyEstimate(Decimal(str(reported_kwh)), EnergyMethod.REPORTED)
    if start_level is None or end_level is None or usable_capacity_kwh is None:
        return None
    points = max(end_level - start_level, 0)
    return EnergyEstimate(Decimal(str(usable_capacity_kwh)) * points / 100, EnergyMethod.LEVELS)


def grid_energy(battery_kwh: Decimal, loss: Decimal = DEFAULT_LOSS) -> Decimal:
    """kWh drawn from the grid to put `battery_kwh` in the battery with `loss` (share of grid energy lost)."""
    if not Decimal(0) <= loss <= MAX_LOSS:
        raise ValueError("charging loss must be between 0 and 50 %")
    return battery_kwh / (1 - loss)


def average_price(start: datetime, end: datetime, slots: Sequence[PriceSlot]) -> AveragePrice | Unpriced:
    """The time-weighted average price over [start, end), exact; gaps take the nearest slot's price."""
    if end <= start:
        raise ValueError("a priced period must last")
    ordered = sorted_unique(slots)
    if not ordered:
        return Unpriced.NO_PRICES
    currencies = {slot.currency for slot in ordered if slot.overlaps(start, end)} or {
        _nearest(ordered, start).currency
    }
    if len(currencies) > 1:
        return Unpriced.MIXED_CURRENCY
    weighted = Fraction(0)
    gaps = False
    for lo, hi, price in _segments(start, end, ordered):
        weighted += _micros(hi - lo) * price.value
        gaps |= price.nearest
    return AveragePrice(weighted / _micros(end - start), currencies.pop(), gaps)


def price_session(
    start: datetime,
    end: datetime,
    energy: EnergyEstimate,
    slots: Sequence[PriceSlot],
    loss: Decimal = DEFAULT_LOSS,
) -> Priced | Unpriced:
    """What the session cost under the tariff slots; an Unpriced reason when it cannot be said."""
    grid = grid_energy(energy.battery_kwh, loss)
    if end <= start:
        # A session seen in one reading only: its energy is priced at the price of that instant.
        end = start + _MICRO
    average = average_price(start, end, slots)
    if isinstance(average, Unpriced):
        return average
    return priced_at(energy, grid, average)


def priced_at(energy: EnergyEstimate, grid_kwh: Decimal, average: AveragePrice) -> Priced:
    """A session of `grid_kwh` at an average price (also used for an away price the owner typed)."""
    cost = exact_cost(Fraction(grid_kwh), average)
    return Priced(
        battery_kwh=energy.battery_kwh,
        grid_kwh=grid_kwh.quantize(COST_PLACES, ROUND_HALF_EVEN),
        cost=_decimal(cost),
        currency=average.currency,
        method=energy.method,
        gaps=average.gaps,
    )


def exact_cost(grid_kwh: Fraction, average: AveragePrice) -> Fraction:
    """Grid energy times the average price, unrounded (what the split property compares)."""
    return grid_kwh * average.value


@dataclass(frozen=True, slots=True)
class _Price:
    value: Fraction
    nearest: bool


def _segments(
    start: datetime, end: datetime, ordered: Sequence[PriceSlot]
) -> list[tuple[datetime, datetime, _Price]]:
    """[start, end) cut into pieces with one price each: the slot covering it, else the nearest slot."""
    pieces: list[tuple[datetime, datetime, _Price]] = []
    cursor = start
    for index, slot in enumerate(ordered):
        if slot.end <= cursor:
            continue
        if slot.start > cursor:
            previous = ordered[index - 1] if index > 0 else None
            pieces += _gap(cursor, min(slot.start, end), previous, slot)
        if slot.start >= end:
            return pieces
        lo, hi = max(slot.start, cursor), min(slot.end, end)
        if lo < hi:
            # Overlapping slots (a sloppy feed): the earlier one keeps the time it already covered.
            pieces.append((lo, hi, _Price(Fraction(slot.price_per_kwh), False)))
        cursor = max(cursor, hi)
        if cursor >= end:
            return pieces
    if cursor < end:
        before = max((s for s in ordered if s.end <= cursor), key=lambda s: s.end, default=None)
        pieces += _gap(cursor, end, before, None)
    return pieces


def _gap(
    lo: datetime, hi: datetime, before: PriceSlot | None, after: PriceSlot | None
) -> list[tuple[datetime, datetime, _Price]]:
    # Each instant takes the nearer of the two neighbours: the gap is cut at its midpoint (the whole gap,
    # not just the part inside this session, so splitting a session never changes a price).
    if before is None and after is None:
        return []
    if before is None or after is None:
        only = before or after
        assert only is not None
        return [(lo, hi, _Price(Fraction(only.price_per_kwh), True))]
    middle = before.end + (after.start - before.end) / 2
    pieces = []
    if lo < min(middle, hi):
        pieces.append((lo, min(middle, hi), _Price(Fraction(before.price_per_kwh), True)))
    if max(middle, lo) < hi:
        pieces.append((max(middle, lo), hi, _Price(Fraction(after.price_per_kwh), True)))
    return pieces


def _nearest(ordered: Sequence[PriceSlot], moment: datetime) -> PriceSlot:
    return min(ordered, key=lambda s: min(abs(s.start - moment), abs(s.end - moment)))


def _micros(span: timedelta) -> int:
    return span // _MICRO


def _decimal(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(COST_PLACES, ROUND_HALF_EVEN)
