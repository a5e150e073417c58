"""Property tests: plans keep Renault's schedule rules, and brute force finds no cheaper valid window."""

from __future__ import annotations

import itertools
import math
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.tariff import PriceSlot
from bot.features.smart_charging.logic.planner import (
    ChargePlan,
    PlanNote,
    PlanRequest,
    ScheduleRules,
    plan_charge,
)

pytestmark = pytest.mark.slow  # measured: most of its tests take over a second

QUARTER = timedelta(minutes=15)
BASE = datetime(2026, 3, 28, 12, 0, tzinfo=UTC)  # a DST weekend in Europe, irrelevant in UTC by design


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[PlanRequest, list[PriceSlot]]:
    """A random evening: quarter-aligned price slots with gaps, a deadline, a car, and maybe a busy period."""
    now = BASE + timedelta(seconds=draw(st.integers(0, 6 * 3600)))
    ready_by = now + timedelta(minutes=draw(st.integers(0, 20 * 60)))
    first = BASE - QUARTER * draw(st.integers(0, 8))
    slots: list[PriceSlot] = []
    cursor = first
    while cursor < ready_by + 8 * QUARTER:
        length = QUARTER * draw(st.sampled_from([1, 2, 4]))
        if draw(st.integers(0, 9)) > 0:  # about one slot in ten is missing
            price = Decimal(draw(st.integers(-5, 60))) / 100
            slots.append(PriceSlot(cursor, cursor + length, price, "EUR"))
        cursor += length
    busy: tuple[tuple[datetime, datetime], ...] = ()
    if draw(st.booleans()):
        busy_start = BASE + QUARTER * draw(st.integers(0, 80))
        busy = ((busy_start, busy_start + QUARTER * draw(st.integers(1, 12))),)
    rules = ScheduleRules(max_minutes=15 * draw(st.sampled_from([8, 24, 96])), busy=busy)
    request = PlanRequest(
        now=now,
        ready_by=ready_by,
        current_level=draw(st.integers(0, 100)),
        target_level=draw(st.integers(0, 100)),
        usable_capacity_kwh=draw(st.sampled_from([22.0, 41.0, 52.0, 87.0])),
        charge_power_kw=draw(st.sampled_from([2.3, 3.7, 7.4, 11.0, 22.0])),
        efficiency=draw(st.sampled_from([0.85, 0.9, 1.0])),
        margin=draw(st.sampled_from([0.0, 0.1, 0.25])),
        can_start_stop=True,
        rules=rules,
    )
    return request, slots


def quarter_price(slots: list[PriceSlot], start: datetime) -> Decimal | None:
    """Independent lookup: slots are quarter-aligned, so one slot holds the whole quarter or none does."""
    for slot in slots:
        if slot.start <= start and start + QUARTER <= slot.end:
            return slot.price_per_kwh
    return None


def brute_cost(
    slots: list[PriceSlot], start: datetime, quarters: int, request: PlanRequest
) -> tuple[Decimal, Decimal]:
    """(unpriced kWh, cost) of charging from `start` in `quarters` quarters, drawing full power until done."""
    remaining = request.energy_needed_kwh
    per_quarter = Decimal(repr(request.charge_power_kw)) / 4
    unpriced = cost = Decimal(0)
    for index in range(quarters):
        taken = min(remaining, per_quarter)
        remaining -= taken
        price = quarter_price(slots, start + index * QUARTER)
        if price is None:
            unpriced += taken
        else:
            cost += taken * price
    return unpriced, cost


def aligned(moment: datetime) -> bool:
    """On a UTC quarter-hour."""
    utc = moment.astimezone(UTC)
    return utc.minute % 15 == 0 and utc.second == 0 and utc.microsecond == 0


def overlaps_busy(start: datetime, end: datetime, request: PlanRequest) -> bool:
    """Whether [start, end) touches a busy period."""
    return any(start < b_end and b_start < end for b_start, b_end in request.rules.busy)


def check_window_rules(plan: ChargePlan, request: PlanRequest) -> None:
    """A window is a valid Renault period inside [now, ready_by) that avoids busy periods."""
    assert plan.window is not None
    window = plan.window.window
    assert aligned(window.start)
    assert window.minutes % 15 == 0
    assert request.rules.min_minutes <= window.minutes <= request.rules.max_minutes
    assert request.now <= window.start
    assert window.end <= request.ready_by
    assert not overlaps_busy(window.start, window.end, request)


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_every_window_respects_the_schedule_rules(scenario: tuple[PlanRequest, list[PriceSlot]]) -> None:
    request, slots = scenario
    plan = plan_charge(request, slots)
    if plan.window is not None:
        check_window_rules(plan, request)
    elif PlanNote.AT_TARGET not in plan.notes:
        assert PlanNote.NO_WINDOW in plan.notes


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_no_valid_window_of_the_same_length_is_cheaper(scenario: tuple[PlanRequest, list[PriceSlot]]) -> None:
    request, slots = scenario
    plan = plan_charge(request, slots)
    if plan.window is None:
        return
    quarters = plan.window.window.minutes // 15
    chosen = brute_cost(slots, plan.window.window.start, quarters, request)
    assert chosen == (plan.window.estimate.unpriced_kwh, plan.window.estimate.cost)
    start = BASE + QUARTER * math.ceil((request.now - BASE) / QUARTER)
    while start + quarters * QUARTER <= request.ready_by:
        if not overlaps_busy(start, start + quarters * QUARTER, request):
            assert brute_cost(slots, start, quarters, request) >= chosen
        start += QUARTER


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_window_is_as_long_as_needed_when_nothing_is_in_the_way(
    scenario: tuple[PlanRequest, list[PriceSlot]],
) -> None:
    request, slots = scenario
    plan = plan_charge(request, slots)
    if plan.window is None or request.rules.busy:
        return
    per_quarter = Decimal(repr(request.charge_power_kw)) / 4
    wanted = max(1, math.ceil(request.energy_needed_kwh * (1 + Decimal(repr(request.margin))) / per_quarter))
    horizon = (request.ready_by - (BASE + QUARTER * math.ceil((request.now - BASE) / QUARTER))) // QUARTER
    assert plan.window.window.minutes // 15 == min(wanted, request.rules.max_minutes // 15, horizon)
    reached = plan.window.estimate.energy_kwh == request.energy_needed_kwh
    if not reached:
        assert PlanNote.TARGET_NOT_REACHABLE in plan.notes


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_slots_plan_is_inside_the_horizon_and_never_dearer_than_the_window(
    scenario: tuple[PlanRequest, list[PriceSlot]],
) -> None:
    request, slots = scenario
    plan = plan_charge(request, slots)
    if plan.slots is None:
        return
    intervals = plan.slots.intervals
    for interval in intervals:
        assert aligned(interval.start)
        assert aligned(interval.end)
        assert request.now <= interval.start < interval.end <= request.ready_by
    assert all(a.end < b.start for a, b in itertools.pairwise(intervals))
    window = plan.window
    if window is not None and window.estimate.energy_kwh == plan.slots.estimate.energy_kwh:
        slots_key = (plan.slots.estimate.unpriced_kwh, plan.slots.estimate.cost)
        assert slots_key <= (window.estimate.unpriced_kwh, window.estimate.cost)


@settings(max_examples=200, deadline=None)
@given(scenarios())
def test_saving_is_charge_now_minus_plan_when_fully_priced(
    scenario: tuple[PlanRequest, list[PriceSlot]],
) -> None:
    request, slots = scenario
    plan = plan_charge(request, slots)
    if plan.window is None:
        return
    saving = plan.saving(plan.window)
    if saving is not None:
        assert saving == plan.charge_now.cost - plan.window.estimate.cost
        assert plan.charge_now.complete
        assert plan.window.estimate.complete
