"""Smart-charge storage: plan state with the saved schedule, goals and tariff choices, on every engine."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

from bot.domain.schedule import ChargeProgram, ChargeSchedule, DaySlot, ScheduleMode
from bot.domain.tariff import TariffChoice, TariffKind
from bot.features.smart_charging.logic.planner import Interval
from bot.features.smart_charging.logic.schedule import (
    PlanKind,
    PlannedCharge,
    SmartChargeState,
    SmartGoalSetting,
)
from bot.features.smart_charging.store import SqlSmartChargeStore
from bot.persistence.accounts import SqlAccountRepository
from bot.persistence.crypto import CredentialCipher
from bot.persistence.engine import Database
from tests.persistence import factories as f

T0 = datetime(2026, 11, 2, 22, 0, tzinfo=UTC)
CHAT = 100


async def _vehicle(db: Database, cipher: CredentialCipher) -> int:
    _, vehicle_ids = await SqlAccountRepository(db, cipher).create_linked(
        CHAT, "fr_FR", f.EMAIL, f.secrets(), [f.zoe()]
    )
    return vehicle_ids[0]


def _plan(kind: PlanKind) -> PlannedCharge:
    return PlannedCharge(
        kind,
        (Interval(T0, T0 + timedelta(hours=2)), Interval(T0 + timedelta(hours=3), T0 + timedelta(hours=4))),
        80,
        T0 + timedelta(hours=9),
        T0 - timedelta(minutes=5),
    )


PREVIOUS = ChargeSchedule(
    ScheduleMode.ALWAYS,
    (
        ChargeProgram(1, True, (DaySlot(time(1, 0), 300), None, None, None, None, None, None)),
        ChargeProgram(2, False),
    ),
)


async def test_state_round_trips_with_plans_and_the_schedule_to_restore(
    db: Database, cipher: CredentialCipher
) -> None:
    store = SqlSmartChargeStore(db)
    vehicle_id = await _vehicle(db, cipher)
    state = SmartChargeState(
        vehicle_id, CHAT, _plan(PlanKind.WINDOW), _plan(PlanKind.WINDOW), PREVIOUS, commanded=None
    )

    await store.save_state(state)

    assert await store.state(vehicle_id) == state
    assert await store.armed() == []


async def test_only_active_slots_plans_are_armed_and_deleting_forgets(
    db: Database, cipher: CredentialCipher
) -> None:
    store = SqlSmartChargeStore(db)
    vehicle_id = await _vehicle(db, cipher)
    await store.save_state(SmartChargeState(vehicle_id, CHAT, proposed=_plan(PlanKind.SLOTS)))
    assert await store.armed() == []

    armed = SmartChargeState(vehicle_id, CHAT, active=_plan(PlanKind.SLOTS), commanded=True)
    await store.save_state(armed)
    assert await store.armed() == [armed]

    await store.delete_state(vehicle_id)
    assert await store.state(vehicle_id) is None
    assert await store.armed() == []


async def test_tariff_choice_is_stored_per_chat_with_exact_prices(
    db: Database, cipher: CredentialCipher
) -> None:
    store = SqlSmartChargeStore(db)
    await _vehicle(db, cipher)
    fixed = TariffChoice(
        TariffKind.FIXED,
        peak=Decimal("0.2516"),
        off_peak=Decimal("0.1828"),
        off_peak_start=time(22, 0),
        off_peak_end=time(6, 0),
    )
    assert await store.tariff(CHAT) is None

    await store.save_tariff(CHAT, TariffChoice(TariffKind.OCTOPUS, region="C", currency="GBP"))
    await store.save_tariff(CHAT, fixed)

    assert await store.tariff(CHAT) == fixed


async def test_goals_are_replaced_and_daily_ones_listed(db: Database, cipher: CredentialCipher) -> None:
    store = SqlSmartChargeStore(db)
    vehicle_id = await _vehicle(db, cipher)
    await store.save_goal(SmartGoalSetting(CHAT, vehicle_id, 80, time(7, 30)))
    assert await store.daily_goals() == []

    daily = SmartGoalSetting(CHAT, vehicle_id, 90, time(6, 30), daily=True)
    await store.save_goal(daily)

    assert await store.goal(CHAT, vehicle_id) == daily
    assert await store.daily_goals() == [daily]
