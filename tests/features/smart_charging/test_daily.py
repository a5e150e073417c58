"""Daily smart plans go out at 17:00 in each chat's own time zone, at most once per local day."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from bot.domain.preferences import QuietHours
from bot.features.smart_charging.events import SmartPlanReady
from bot.features.smart_charging.logic.schedule import SmartGoalSetting
from bot.features.smart_charging.store import SqlSmartChargeStore
from bot.services.outbox_ports import DeliveryResult, DeliveryStatus
from tests.features.smart_charging.test_assistant import CHAT, OCTOPUS, Assisted, assisted

pytestmark = pytest.mark.slow  # measured: most of its tests take over a second


async def _daily_goal(a: Assisted, zone: str) -> None:
    chats = a.stack.graph.stores.chats
    settings = await chats.get(CHAT)
    assert settings is not None
    await chats.save(replace(settings, time_zone=zone))
    await a.assistant.set_tariff(CHAT, OCTOPUS)
    await a.assistant.plan_for(SmartGoalSetting(CHAT, a.vehicle_id, 80, time(7, 30)))
    await a.assistant.set_daily(CHAT, a.vehicle_id, True)


async def test_the_daily_plan_waits_for_17h_local_time(tmp_path: Path) -> None:
    async with assisted(tmp_path) as a:
        await _daily_goal(a, "America/New_York")  # UTC-5 in November
        a.stack.clock.set(datetime(2026, 11, 3, 21, 59, tzinfo=UTC))  # 16:59 in New York
        assert await a.assistant.daily_plans() == []

        a.stack.clock.set(datetime(2026, 11, 3, 22, 0, tzinfo=UTC))  # 17:00 in New York
        views = await a.assistant.daily_plans()

        assert [v.vehicle_id for v in views] == [a.vehicle_id]


async def test_a_zone_east_of_utc_gets_its_plan_before_utc_evening(tmp_path: Path) -> None:
    async with assisted(tmp_path) as a:
        await _daily_goal(a, "Asia/Tokyo")  # UTC+9
        a.stack.clock.set(datetime(2026, 11, 3, 8, 0, tzinfo=UTC))  # 17:00 in Tokyo
        assert len(await a.assistant.daily_plans()) == 1


async def test_the_daily_plan_is_sent_once_per_local_day_even_after_a_restart(tmp_path: Path) -> None:
    async with assisted(tmp_path) as a:
        await _daily_goal(a, "Europe/Paris")
        a.stack.clock.set(datetime(2026, 11, 3, 16, 15, tzinfo=UTC))  # 17:15 in Paris
        assert len(await a.assistant.daily_plans()) == 1
        a.stack.clock.advance(minutes=15)
        assert await a.assistant.daily_plans() == []

        # A new store object reads the same database, as after a restart.
        store = SqlSmartChargeStore(a.stack.graph.stores.db)
        [goal] = await store.daily_goals()
        assert goal.daily_sent_on == date(2026, 11, 3)
        assert await a.assistant.daily_plans() == []

        a.stack.clock.set(datetime(2026, 11, 4, 16, 0, tzinfo=UTC))  # the next day, 17:00 in Paris
        assert len(await a.assistant.daily_plans()) == 1


async def test_changing_the_goal_does_not_resend_todays_plan(tmp_path: Path) -> None:
    async with assisted(tmp_path) as a:
        await _daily_goal(a, "UTC")
        a.stack.clock.set(datetime(2026, 11, 3, 17, 30, tzinfo=UTC))
        assert len(await a.assistant.daily_plans()) == 1
        await a.assistant.plan_for(SmartGoalSetting(CHAT, a.vehicle_id, 90, time(8, 0), daily=True))
        assert await a.assistant.daily_plans() == []


async def test_a_failed_daily_plan_is_retried_on_the_next_run(tmp_path: Path) -> None:
    async with assisted(tmp_path) as a:
        await _daily_goal(a, "UTC")
        a.stack.clock.set(datetime(2026, 11, 3, 17, 30, tzinfo=UTC))
        a.stack.sim.car(a.vin).privacy_mode = True  # the car's data is unreadable for now
        assert await a.assistant.daily_plans() == []
        a.stack.sim.car(a.vin).privacy_mode = False
        assert len(await a.assistant.daily_plans()) == 1


async def test_the_store_claims_a_day_only_once(tmp_path: Path) -> None:
    async with assisted(tmp_path) as a:
        await _daily_goal(a, "UTC")
        store = SqlSmartChargeStore(a.stack.graph.stores.db)
        assert await store.claim_daily(CHAT, a.vehicle_id, date(2026, 11, 3)) is True
        assert await store.claim_daily(CHAT, a.vehicle_id, date(2026, 11, 3)) is False
        assert await store.claim_daily(CHAT, a.vehicle_id, date(2026, 11, 2)) is False
        assert await store.claim_daily(CHAT, a.vehicle_id, date(2026, 11, 4)) is True


async def test_a_daily_plan_due_in_quiet_hours_waits_for_their_end_then_goes_out_once(tmp_path: Path) -> None:
    async with assisted(tmp_path) as a:
        await _daily_goal(a, "Europe/Paris")
        chats = a.stack.graph.stores.chats
        settings = await chats.get(CHAT)
        assert settings is not None
        await chats.save(replace(settings, quiet_hours=QuietHours(time(17, 0), time(19, 0))))
        a.stack.clock.set(datetime(2026, 11, 2, 16, 15, tzinfo=UTC))  # 17:15 in Paris: quiet

        report = await a.assistant.send_daily_plans()

        assert report.sent == 0
        assert a.stack.notifier.sent == []
        a.stack.clock.set(datetime(2026, 11, 2, 17, 30, tzinfo=UTC))  # 18:30: still quiet
        await a.stack.graph.notifications.flush()
        assert a.stack.notifier.sent == []
        a.stack.clock.set(datetime(2026, 11, 2, 18, 1, tzinfo=UTC))  # 19:01: quiet hours are over
        await a.stack.graph.notifications.flush()
        await a.assistant.send_daily_plans()
        await a.stack.graph.notifications.flush()
        [(chat_id, event)] = a.stack.notifier.sent
    assert chat_id == CHAT
    assert isinstance(event, SmartPlanReady)
    assert (event.vehicle_id, event.local_day) == (a.vehicle_id, date(2026, 11, 2))


async def test_a_daily_plan_to_a_chat_that_blocked_the_bot_deactivates_the_chat(tmp_path: Path) -> None:
    async with assisted(tmp_path) as a:
        await _daily_goal(a, "Europe/Paris")
        a.stack.notifier.script(CHAT, DeliveryResult(DeliveryStatus.BLOCKED))
        a.stack.clock.set(datetime(2026, 11, 2, 16, 15, tzinfo=UTC))

        report = await a.assistant.send_daily_plans()

        settings = await a.stack.graph.stores.chats.get(CHAT)
    assert report.blocked_chats == [CHAT]
    assert settings is not None
    assert not settings.active
    assert a.stack.notifier.sent == []
