"""Smart-charge planner: the cheapest time to draw the energy a car needs before it leaves. Pure.

Model. Time is cut into steps of `rules.step_minutes` (15) aligned to UTC, because Renault schedule periods
start on UTC quarter-hours (protocol §5.7). A step's price is the time-weighted average of the price slots
covering it, or unknown when the slots do not cover all of it. The car draws `charge_power_kw` from the grid
from the first planned step until it has the energy it needs, then stops; costs are estimated that way.
Energy from the grid = battery energy / `efficiency`; the plan reserves `margin` more time on top, because
the real power is often below the nominal one, but the cost estimate counts only the energy needed.

Two plans:
- `window` (cars with schedules): ONE contiguous period of whole steps, at least `rules.min_minutes`, at most
  `rules.max_minutes` (a day: a schedule period is one start time + duration on one weekday; it may run past
  midnight but must not reach the next day's period), not overlapping `rules.busy`, inside [now, ready_by).
  Among all such windows of the chosen length: fewest unpriced kWh, then cheapest, then earliest.
- `slots` (cars the bot can start and stop remotely): the cheapest steps anywhere before ready_by, in runs
  the poller executes with start/stop actions.

Money is Decimal in the currency's main unit (see `bot.domain.tariff`). Missing prices: the planner uses what
is known, prefers priced steps, and says so (`PlanNote.MISSING_PRICES`, `Estimate.unpriced_kwh`). A target
that cannot be reached by the deadline yields the best effort with `PlanNote.TARGET_NOT_REACHABLE`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from zoneinfo import ZoneInfo

from bot.domain.tariff import PriceSlot

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ZERO = Decimal(0)


class PlanningError(ValueError):
    """The inputs cannot be planned with (e.g. prices in two currencies)."""


@dataclass(frozen=True, slots=True)
class ScheduleRules:
    """Renault's constraints on a schedule period, plus periods of the car's schedule it must not overlap."""

    step_minutes: int = 15
    min_minutes: int = 15
    max_minutes: int = 24 * 60
    busy: tuple[tuple[datetime, datetime], ...] = ()

    def __post_init__(self) -> None:
        if self.step_minutes <= 0 or 60 % self.step_minutes:
            raise ValueError("step must divide an hour")
        if self.min_minutes % self.step_minutes or self.max_minutes % self.step_minutes:
            raise ValueError("durations must be whole steps")
        if not self.step_minutes <= self.min_minutes <= self.max_minutes:
            raise ValueError("need step <= min <= max")


@dataclass(frozen=True, slots=True)
class PlanRequest:
    """Everything the planner needs; times aware, levels in percent, efficiency and margin as fractions."""

    now: datetime
    ready_by: datetime
    current_level: float
    target_level: float
    usable_capacity_kwh: float
    charge_power_kw: float
    efficiency: float = 0.9
    margin: float = 0.1
    can_schedule: bool = True
    can_start_stop: bool = False
    rules: ScheduleRules = field(default_factory=ScheduleRules)

    def __post_init__(self) -> None:
        if self.now.tzinfo is None or self.ready_by.tzinfo is None:
            raise ValueError("times must be time-zone aware")
        if not (0 <= self.current_level <= 100 and 0 <= self.target_level <= 100):
            raise ValueError("levels are percentages")
        if self.usable_capacity_kwh <= 0 or self.charge_power_kw <= 0:
            raise ValueError("capacity and power must be positive")
        if not 0 < self.efficiency <= 1 or self.margin < 0:
            raise ValueError("efficiency in (0, 1], margin >= 0")

    @property
    def energy_needed_kwh(self) -> Decimal:
        """Energy to draw from the grid to go from the current to the target level."""
        gap = max(0.0, self.target_level - self.current_level) / 100 * self.usable_capacity_kwh
        return _dec(gap) / _dec(self.efficiency)


class PlanNote(Enum):
    """Things the user must be told about a plan."""

    AT_TARGET = "at_target"
    NO_PRICES = "no_prices"
    MISSING_PRICES = "missing_prices"
    TARGET_NOT_REACHABLE = "target_not_reachable"
    NO_WINDOW = "no_window"  # the car has schedules, but no valid period fits before the deadline


@dataclass(frozen=True, slots=True)
class Interval:
    """A half-open period [start, end) in UTC."""

    start: datetime
    end: datetime

    @property
    def minutes(self) -> int:
        """Length in whole minutes."""
        return int((self.end - self.start).total_seconds() // 60)

    @property
    def weekday(self) -> int:
        """UTC weekday of the start (Monday 0): the day key of a Renault schedule period."""
        return self.start.astimezone(UTC).weekday()

    @property
    def start_time_utc(self) -> time:
        """UTC time of day of the start: a Renault period's `startTime`."""
        return self.start.astimezone(UTC).time()


@dataclass(frozen=True, slots=True)
class Estimate:
    """What a way of charging costs: `cost` covers the priced kWh; `unpriced_kwh` had no known price."""

    energy_kwh: Decimal
    cost: Decimal
    unpriced_kwh: Decimal

    @property
    def complete(self) -> bool:
        """Whether every kWh had a price."""
        return self.unpriced_kwh == 0


@dataclass(frozen=True, slots=True)
class WindowPlan:
    """One contiguous period, to be written as the car's schedule."""

    window: Interval
    estimate: Estimate
    level_reached: float


@dataclass(frozen=True, slots=True)
class SlotsPlan:
    """Several periods, executed by the poller with start and stop actions."""

    intervals: tuple[Interval, ...]
    estimate: Estimate
    level_reached: float


@dataclass(frozen=True, slots=True)
class ChargePlan:
    """The answer: plans for what the car supports, the cost of charging right now, and notes."""

    energy_needed_kwh: Decimal
    currency: str | None
    charge_now: Estimate
    window: WindowPlan | None
    slots: SlotsPlan | None
    notes: frozenset[PlanNote]

    def saving(self, plan: WindowPlan | SlotsPlan) -> Decimal | None:
        """Charging now minus the plan, when both are fully priced and deliver the same energy."""
        now, planned = self.charge_now, plan.estimate
        if not (now.complete and planned.complete) or now.energy_kwh != planned.energy_kwh:
            return None
        return now.cost - planned.cost


def next_ready_by(now: datetime, at: time, zone: ZoneInfo) -> datetime:
    """The next local `at` strictly after `now`, in UTC; a time skipped by DST moves forward, a repeated one
    means its first occurrence (the earlier deadline is the safe one)."""
    day: date = now.astimezone(zone).date()
    while True:
        candidate = datetime.combine(day, at, tzinfo=zone).astimezone(UTC)
        if candidate > now:
            return candidate
        day += timedelta(days=1)


def plan_charge(request: PlanRequest, prices: Sequence[PriceSlot]) -> ChargePlan:
    """Plan the cheapest charge for the request with the known prices."""
    currency = _single_currency(prices)
    energy = request.energy_needed_kwh
    grid = _Grid.build(request, prices)
    charge_now = grid.charge_now_estimate(request.now, energy)
    if energy <= 0:
        return ChargePlan(energy, currency, charge_now, None, None, frozenset({PlanNote.AT_TARGET}))
    window = _plan_window(request, grid, energy) if request.can_schedule else None
    slots = _plan_slots(request, grid, energy) if request.can_start_stop else None
    if slots is not None and window is not None and _key(window.estimate) < _key(slots.estimate):
        # Starting and stopping is only worth it when it beats the schedule window; otherwise run the window.
        slots = SlotsPlan((window.window,), window.estimate, window.level_reached)
    notes: set[PlanNote] = set()
    horizon = grid.horizon_prices()
    known = [price for price in horizon if price is not None]
    if horizon and not known:
        notes.add(PlanNote.NO_PRICES)
    elif len(known) < len(horizon):
        notes.add(PlanNote.MISSING_PRICES)
    if request.can_schedule and window is None:
        notes.add(PlanNote.NO_WINDOW)
    plans = [plan for plan in (window, slots) if plan is not None]
    if not plans or any(plan.level_reached < request.target_level for plan in plans):
        notes.add(PlanNote.TARGET_NOT_REACHABLE)
    return ChargePlan(energy, currency, charge_now, window, slots, frozenset(notes))


@dataclass(frozen=True, slots=True)
class _Grid:
    """Step prices from the step holding `now` onwards; `first` is the index of the first whole step."""

    origin: datetime
    step: timedelta
    step_kwh: Decimal
    prices: tuple[Decimal | None, ...]
    first: int
    count: int  # whole steps between the first one and ready_by

    @classmethod
    def build(cls, request: PlanRequest, slots: Sequence[PriceSlot]) -> _Grid:
        step = timedelta(minutes=request.rules.step_minutes)
        origin = _floor(request.now, step)
        first = 0 if origin == request.now else 1
        count = max(0, (_floor(request.ready_by, step) - origin) // step - first)
        step_kwh = _dec(request.charge_power_kw) * _dec(step.total_seconds() / 3600)
        # Charging now may run past ready_by: price enough steps for it too.
        now_steps = math.ceil(request.energy_needed_kwh / step_kwh) + 1
        length = max(first + count, now_steps)
        return cls(origin, step, step_kwh, _step_prices(slots, origin, step, length), first, count)

    def at(self, index: int) -> datetime:
        """Start of the step with this grid index."""
        return self.origin + index * self.step

    def horizon_prices(self) -> tuple[Decimal | None, ...]:
        """Prices of the whole steps between now and ready_by."""
        return self.prices[self.first : self.first + self.count]

    def charge_now_estimate(self, now: datetime, energy: Decimal) -> Estimate:
        """Cost of plugging in and charging immediately (the first step may be partial)."""
        partial = Decimal((self.at(1) - now) // timedelta(microseconds=1)) / Decimal(
            self.step // timedelta(microseconds=1)
        )
        capacities = [self.step_kwh * partial, *([self.step_kwh] * (len(self.prices) - 1))]
        return _draw(list(zip(self.prices, capacities, strict=True)), energy)

    def estimate(self, indices: Iterable[int], energy: Decimal) -> Estimate:
        """Cost of drawing `energy` in the given steps, in time order, stopping when done."""
        return _draw([(self.prices[i], self.step_kwh) for i in sorted(indices)], energy)


def _plan_window(request: PlanRequest, grid: _Grid, energy: Decimal) -> WindowPlan | None:
    rules = request.rules
    step_minutes = rules.step_minutes
    wanted = math.ceil(energy * (1 + _dec(request.margin)) / grid.step_kwh)
    length = min(
        max(wanted, rules.min_minutes // step_minutes), rules.max_minutes // step_minutes, grid.count
    )
    while length * step_minutes >= rules.min_minutes:
        best = _best_window(request, grid, energy, length)
        if best is not None:
            return best
        length -= 1  # busy periods leave no room: try a shorter window (best effort)
    return None


def _best_window(
    request: PlanRequest, grid: _Grid, energy: Decimal, length: int, respect_busy: bool = True
) -> WindowPlan | None:
    best: tuple[tuple[Decimal, Decimal, int], WindowPlan] | None = None
    busy = request.rules.busy if respect_busy else ()
    for start in range(grid.first, grid.first + grid.count - length + 1):
        window = Interval(grid.at(start), grid.at(start + length))
        if any(window.start < b_end and b_start < window.end for b_start, b_end in busy):
            continue
        estimate = grid.estimate(range(start, start + length), energy)
        key = (estimate.unpriced_kwh, estimate.cost, start)
        if best is None or key < best[0]:
            best = (key, WindowPlan(window, estimate, _level(request, estimate.energy_kwh)))
    return None if best is None else best[1]


def _plan_slots(request: PlanRequest, grid: _Grid, energy: Decimal) -> SlotsPlan | None:
    wanted = math.ceil(energy * (1 + _dec(request.margin)) / grid.step_kwh)
    horizon = range(grid.first, grid.first + grid.count)
    ranked = sorted(horizon, key=lambda i: (grid.prices[i] is None, grid.prices[i] or _ZERO, i))
    chosen = sorted(ranked[:wanted])
    if not chosen:
        return None
    estimate = grid.estimate(chosen, energy)
    # The car draws in time order, so an early margin step can cost more than a later cheap one; a single
    # window of the same length is a valid slots plan too, and is kept when it is cheaper.
    window = _best_window(request, grid, energy, len(chosen), respect_busy=False)
    if window is not None and _key(window.estimate) < _key(estimate):
        return SlotsPlan((window.window,), window.estimate, window.level_reached)
    return SlotsPlan(_runs(grid, chosen), estimate, _level(request, estimate.energy_kwh))


def _key(estimate: Estimate) -> tuple[Decimal, Decimal]:
    return (estimate.unpriced_kwh, estimate.cost)


def _runs(grid: _Grid, indices: list[int]) -> tuple[Interval, ...]:
    runs: list[Interval] = []
    for index in indices:
        start, end = grid.at(index), grid.at(index + 1)
        if runs and runs[-1].end == start:
            runs[-1] = Interval(runs[-1].start, end)
        else:
            runs.append(Interval(start, end))
    return tuple(runs)


def _draw(steps: Sequence[tuple[Decimal | None, Decimal]], energy: Decimal) -> Estimate:
    remaining, cost, unpriced = energy, _ZERO, _ZERO
    for price, capacity in steps:
        if remaining <= 0:
            break
        taken = min(remaining, capacity)
        remaining -= taken
        if price is None:
            unpriced += taken
        else:
            cost += taken * price
    return Estimate(energy - remaining, cost, unpriced)


def _level(request: PlanRequest, grid_kwh: Decimal) -> float:
    added = float(grid_kwh) * request.efficiency / request.usable_capacity_kwh * 100
    return min(request.target_level, request.current_level + added)


def _step_prices(
    slots: Sequence[PriceSlot], origin: datetime, step: timedelta, length: int
) -> tuple[Decimal | None, ...]:
    covered = [0.0] * length
    weighted = [_ZERO] * length
    end = origin + length * step
    for slot in slots:
        lo, hi = max(slot.start, origin), min(slot.end, end)
        if lo >= hi:
            continue
        for index in range((lo - origin) // step, math.ceil((hi - origin) / step)):
            part_lo, part_hi = max(lo, origin + index * step), min(hi, origin + (index + 1) * step)
            seconds = (part_hi - part_lo).total_seconds()
            if seconds > 0:
                covered[index] += seconds
                weighted[index] += slot.price_per_kwh * _dec(seconds)
    full = step.total_seconds()
    # Overlapping slots (over-covered steps) are as untrustworthy as gaps: both count as unknown.
    return tuple(
        w / _dec(full) if math.isclose(c, full) else None for c, w in zip(covered, weighted, strict=True)
    )


def _single_currency(prices: Sequence[PriceSlot]) -> str | None:
    currencies = {slot.currency for slot in prices}
    if len(currencies) > 1:
        raise PlanningError("price slots are in more than one currency")
    return next(iter(currencies), None)


def _floor(moment: datetime, step: timedelta) -> datetime:
    return _EPOCH + ((moment - _EPOCH) // step) * step


def _dec(value: float) -> Decimal:
    # repr gives the shortest decimal that round-trips, so 0.9 stays 0.9 rather than 0.90000000000000002.
    return Decimal(repr(value))
