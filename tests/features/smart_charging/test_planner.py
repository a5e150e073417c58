"""The smart-charge planner on hand-made price curves: windows, plans, notes, costs and DST."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from bot.domain.tariff import PriceSlot
from bot.features.smart_charging.logic.planner import (
    Interval,
    PlanningError,
    PlanNote,
    PlanRequest,
    ScheduleRules,
    next_ready_by,
    plan_charge,
)
from bot.features.smart_charging.logic.power import (
    ChargePower,
    PowerSource,
    choose_charge_power,
    learned_power_kw,
)

LONDON = ZoneInfo("Europe/London")
PARIS = ZoneInfo("Europe/Paris")
EVENING = datetime(2026, 3, 10, 18, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def hourly(start: datetime, prices: list[str], currency: str = "EUR") -> list[PriceSlot]:
    """Hourly slots from `start` with the given prices."""
    return [
        PriceSlot(start + i * HOUR, start + (i + 1) * HOUR, Decimal(p), currency)
        for i, p in enumerate(prices)
    ]


# 18:00 .. 07:00: expensive evening, cheapest 02:00-04:00, mid otherwise.
NIGHT = hourly(
    EVENING,
    ["0.40", "0.35", "0.30", "0.25", "0.20", "0.18", "0.15", "0.12", "0.05", "0.04", "0.10", "0.15", "0.20"],
)


def request(**changes: object) -> PlanRequest:
    """A 10 kW car needing 20 kWh from the grid (efficiency 1, no margin) by 07:00."""
    values: dict[str, object] = {
        "now": EVENING,
        "ready_by": EVENING + 13 * HOUR,
        "current_level": 40.0,
        "target_level": 80.0,
        "usable_capacity_kwh": 50.0,
        "charge_power_kw": 10.0,
        "efficiency": 1.0,
        "margin": 0.0,
    }
    values.update(changes)
    return PlanRequest(**values)  # type: ignore[arg-type]


def test_window_is_the_cheapest_two_hours() -> None:
    plan = plan_charge(request(), NIGHT)
    assert plan.window is not None
    assert plan.window.window == Interval(EVENING + 8 * HOUR, EVENING + 10 * HOUR)
    assert plan.window.estimate.cost == Decimal("0.90")  # 10 kWh at 0.05 + 10 kWh at 0.04
    assert plan.window.level_reached == 80.0
    assert plan.notes == frozenset()


def test_window_gives_the_renault_day_and_utc_start() -> None:
    plan = plan_charge(request(), NIGHT)
    assert plan.window is not None
    assert plan.window.window.weekday == 2  # Wednesday 11 March, UTC
    assert plan.window.window.start_time_utc == time(2, 0)
    assert plan.window.window.minutes == 120


def test_charge_now_cost_and_saving() -> None:
    plan = plan_charge(request(), NIGHT)
    assert plan.charge_now.cost == Decimal("7.50")  # 10 kWh at 0.40 + 10 kWh at 0.35
    assert plan.window is not None
    assert plan.saving(plan.window) == Decimal("6.60")


def test_charge_now_starting_mid_step_counts_the_partial_step() -> None:
    plan = plan_charge(request(now=EVENING + timedelta(minutes=50)), NIGHT)
    # 10 minutes left at 0.40 (1.667 kWh), then 10 kWh at 0.35, then 8.333 kWh at 0.30
    assert plan.charge_now.cost.quantize(Decimal("0.01")) == Decimal("6.67")


def test_window_starts_on_a_quarter_hour_after_now() -> None:
    plan = plan_charge(request(now=EVENING + timedelta(minutes=7, seconds=3)), NIGHT)
    assert plan.window is not None
    assert plan.window.window.start.minute % 15 == 0
    assert plan.window.window.start >= EVENING + timedelta(minutes=7)


def test_margin_lengthens_the_window_but_not_the_cost() -> None:
    plain = plan_charge(request(), NIGHT).window
    padded = plan_charge(request(margin=0.25), NIGHT).window
    assert plain is not None
    assert padded is not None
    assert padded.window.minutes == 150
    assert padded.estimate.energy_kwh == plain.estimate.energy_kwh


def test_efficiency_raises_the_energy_drawn() -> None:
    plan = plan_charge(request(efficiency=0.8), NIGHT)
    assert plan.energy_needed_kwh == Decimal(25)
    assert plan.window is not None
    assert plan.window.window.minutes == 150


def test_already_at_target_needs_no_plan() -> None:
    plan = plan_charge(request(current_level=85.0), NIGHT)
    assert plan.notes == {PlanNote.AT_TARGET}
    assert plan.window is None
    assert plan.charge_now.cost == 0


def test_deadline_too_close_gives_best_effort() -> None:
    plan = plan_charge(request(ready_by=EVENING + timedelta(minutes=75)), NIGHT)
    assert PlanNote.TARGET_NOT_REACHABLE in plan.notes
    assert plan.window is not None
    assert plan.window.window == Interval(EVENING, EVENING + timedelta(minutes=75))
    assert plan.window.level_reached == pytest.approx(40 + 12.5 / 50 * 100)
    assert plan.window.estimate.energy_kwh == Decimal("12.5")
    assert plan.saving(plan.window) is None  # not the same energy as charging now


def test_deadline_under_a_quarter_hour_gives_no_window() -> None:
    plan = plan_charge(request(ready_by=EVENING + timedelta(minutes=14)), NIGHT)
    assert plan.window is None
    assert {PlanNote.NO_WINDOW, PlanNote.TARGET_NOT_REACHABLE} <= plan.notes


def test_busy_schedule_leaving_no_room_is_reported_while_start_stop_still_works() -> None:
    rules = ScheduleRules(busy=((EVENING, EVENING + 13 * HOUR),))
    plan = plan_charge(request(rules=rules, can_start_stop=True), NIGHT)
    assert plan.window is None
    assert plan.slots is not None
    assert plan.notes == {PlanNote.NO_WINDOW}


def test_window_longer_than_a_day_period_is_capped() -> None:
    rules = ScheduleRules(max_minutes=60)
    plan = plan_charge(request(rules=rules), NIGHT)
    assert plan.window is not None
    assert plan.window.window == Interval(EVENING + 9 * HOUR, EVENING + 10 * HOUR)
    assert PlanNote.TARGET_NOT_REACHABLE in plan.notes


def test_busy_period_of_the_schedule_is_avoided() -> None:
    busy = ((EVENING + 8 * HOUR, EVENING + 9 * HOUR),)
    plan = plan_charge(request(rules=ScheduleRules(busy=busy)), NIGHT)
    assert plan.window is not None
    assert plan.window.window == Interval(EVENING + 9 * HOUR, EVENING + 11 * HOUR)


def test_missing_prices_are_avoided_and_reported() -> None:
    known = NIGHT[:8] + NIGHT[10:]  # 02:00-04:00 prices not published
    plan = plan_charge(request(), known)
    assert PlanNote.MISSING_PRICES in plan.notes
    assert plan.window is not None
    assert plan.window.estimate.complete
    assert plan.window.window == Interval(EVENING + 10 * HOUR, EVENING + 12 * HOUR)


def test_unknown_prices_are_used_only_when_nothing_else_fits() -> None:
    plan = plan_charge(request(), NIGHT[:3])
    assert PlanNote.MISSING_PRICES in plan.notes
    assert plan.window is not None
    assert plan.window.window.start == EVENING + HOUR  # 19:00-21:00: least unpriced energy, then cheapest
    assert plan.window.estimate.unpriced_kwh == Decimal(0)
    far = plan_charge(request(now=EVENING + 2 * HOUR), NIGHT[:3])
    assert far.window is not None
    assert far.window.estimate.unpriced_kwh == Decimal(10)
    assert far.saving(far.window) is None


def test_no_prices_at_all_still_plans_and_says_so() -> None:
    plan = plan_charge(request(), [])
    assert plan.notes == {PlanNote.NO_PRICES}
    assert plan.currency is None
    assert plan.window is not None
    assert plan.window.window.start == EVENING


def test_slots_plan_picks_separate_cheap_hours() -> None:
    prices = hourly(EVENING, ["0.40", "0.01", "0.40", "0.40", "0.02", "0.40", "0.40"])
    plan = plan_charge(request(ready_by=EVENING + 7 * HOUR, can_start_stop=True), prices)
    assert plan.slots is not None
    assert plan.slots.intervals == (
        Interval(EVENING + HOUR, EVENING + 2 * HOUR),
        Interval(EVENING + 4 * HOUR, EVENING + 5 * HOUR),
    )
    assert plan.slots.estimate.cost == Decimal("0.30")
    assert plan.window is not None
    assert plan.window.estimate.cost > plan.slots.estimate.cost


def test_cars_without_schedules_get_no_window() -> None:
    plan = plan_charge(request(can_schedule=False, can_start_stop=True), NIGHT)
    assert plan.window is None
    assert plan.slots is not None
    assert plan.slots.intervals == (Interval(EVENING + 8 * HOUR, EVENING + 10 * HOUR),)


def test_prices_in_two_currencies_are_refused() -> None:
    with pytest.raises(PlanningError):
        plan_charge(request(), hourly(EVENING, ["0.1"]) + hourly(EVENING + HOUR, ["0.1"], "GBP"))


def test_short_charge_gets_the_minimum_quarter_hour_window() -> None:
    half = timedelta(minutes=30)
    prices = [PriceSlot(EVENING + i * half, EVENING + (i + 1) * half, Decimal(i), "GBP") for i in range(4)]
    plan = plan_charge(request(ready_by=EVENING + 2 * HOUR, current_level=75.0), prices)
    assert plan.window is not None
    assert plan.window.window == Interval(EVENING, EVENING + timedelta(minutes=15))
    assert plan.currency == "GBP"


def test_slots_finer_than_a_quarter_are_time_weighted() -> None:
    five = timedelta(minutes=5)
    prices = [
        PriceSlot(EVENING + i * five, EVENING + (i + 1) * five, Decimal(i % 3), "EUR") for i in range(12)
    ]
    plan = plan_charge(request(ready_by=EVENING + HOUR, current_level=75.0), prices)
    assert plan.window is not None
    assert plan.window.estimate.cost == Decimal("2.5")  # every quarter averages (0 + 1 + 2) / 3 = 1 per kWh


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        request(now=datetime(2026, 3, 10, 18, 0))


def test_charge_power_prefers_learned_then_model_then_user() -> None:
    assert choose_charge_power(6.8, 7.4, 3.0) == ChargePower(6.8, PowerSource.LEARNED)
    assert choose_charge_power(None, 7.4, 3.0) == ChargePower(7.4, PowerSource.MODEL_DEFAULT)
    assert choose_charge_power(None, None, 3.0) == ChargePower(3.0, PowerSource.USER_SETTING)
    assert choose_charge_power(0.0, None, None) is None


def test_learned_power_is_the_median_of_real_sessions() -> None:
    sessions = [(7.0, 60.0), (14.0, 120.0), (30.0, 180.0), (1.0, 5.0), (0.0, 90.0)]
    assert learned_power_kw(sessions) == 7.0
    assert learned_power_kw([]) is None


# --- DST -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "evening", "expected_ready", "horizon_hours"),
    [
        (LONDON, datetime(2026, 3, 28, 20, 0, tzinfo=LONDON), datetime(2026, 3, 29, 6, 0, tzinfo=UTC), 10),
        (LONDON, datetime(2026, 10, 24, 20, 0, tzinfo=LONDON), datetime(2026, 10, 25, 7, 0, tzinfo=UTC), 12),
        (PARIS, datetime(2026, 3, 28, 20, 0, tzinfo=PARIS), datetime(2026, 3, 29, 5, 0, tzinfo=UTC), 10),
        (PARIS, datetime(2026, 10, 24, 20, 0, tzinfo=PARIS), datetime(2026, 10, 25, 6, 0, tzinfo=UTC), 12),
    ],
)
def test_dst_nights_plan_over_the_real_number_of_hours(
    zone: ZoneInfo, evening: datetime, expected_ready: datetime, horizon_hours: int
) -> None:
    ready = next_ready_by(evening, time(7, 0), zone)
    assert ready == expected_ready
    now = evening.astimezone(UTC)
    assert ready - now == timedelta(hours=horizon_hours)
    # Flat prices except the last real hour before departure: the window must end exactly at ready_by.
    prices = hourly(now, ["0.30"] * (horizon_hours - 2) + ["0.10", "0.05"])
    plan = plan_charge(request(now=now, ready_by=ready), prices)
    assert plan.window is not None
    assert plan.window.window == Interval(ready - 2 * HOUR, ready)
    assert plan.window.window.end.astimezone(zone).time() == time(7, 0)


def test_ready_by_in_the_spring_gap_moves_forward() -> None:
    ready = next_ready_by(datetime(2026, 3, 28, 20, 0, tzinfo=UTC), time(2, 30), PARIS)
    assert ready == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # 03:30 CEST


def test_ready_by_in_the_repeated_autumn_hour_is_the_first_one() -> None:
    ready = next_ready_by(datetime(2026, 10, 24, 20, 0, tzinfo=UTC), time(1, 30), LONDON)
    assert ready == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 01:30 BST, not 01:30 GMT


def test_ready_by_later_today_or_tomorrow() -> None:
    now = datetime(2026, 7, 1, 5, 0, tzinfo=UTC)  # 06:00 BST
    assert next_ready_by(now, time(7, 30), LONDON) == datetime(2026, 7, 1, 6, 30, tzinfo=UTC)
    assert next_ready_by(now, time(5, 0), LONDON) == datetime(2026, 7, 2, 4, 0, tzinfo=UTC)


def test_start_stop_plan_is_never_dearer_than_the_window_when_prices_are_missing() -> None:
    # Found by hypothesis: only the last half hour is priced; the margin steps drew energy before it.
    now = datetime(2026, 3, 28, 12, 0, tzinfo=UTC)
    request = PlanRequest(
        now=now,
        ready_by=now + timedelta(hours=2, minutes=15),
        current_level=0,
        target_level=20,
        usable_capacity_kwh=52.0,
        charge_power_kw=7.4,
        efficiency=0.85,
        margin=0.25,
        can_schedule=True,
        can_start_stop=True,
        rules=ScheduleRules(step_minutes=15, min_minutes=15, max_minutes=120),
    )
    prices = [PriceSlot(now + timedelta(minutes=105), now + timedelta(minutes=135), Decimal(0), "EUR")]
    plan = plan_charge(request, prices)
    assert plan.window is not None
    assert plan.slots is not None
    slots, window = plan.slots.estimate, plan.window.estimate
    assert (slots.unpriced_kwh, slots.cost) <= (window.unpriced_kwh, window.cost)
