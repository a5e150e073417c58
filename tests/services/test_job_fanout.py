"""Jobs over many chats never wait on one chat's feed: each car's daily plan and each chat's monthly summary
is made and sent side by side with the others, each within a deadline."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.app.graph import GraphOptions
from bot.domain.history import ChargeSession
from bot.domain.tariff import TariffChoice, TariffKind
from bot.features.history.store import SqlHistoryRepository
from bot.features.linking.ports import LinkResult
from bot.features.smart_charging.events import SmartPlanReady
from bot.features.smart_charging.logic.schedule import SmartGoalSetting
from bot.services.fanout import FanOut
from bot.tariffs.fetch import FetchedFeed
from tests.support.stack import Stack, service_stack

pytestmark = pytest.mark.slow  # measured: most of its tests take over a second

EVENING = datetime(2026, 11, 2, 20, 0, tzinfo=UTC)  # past 17:00 in Paris
SLOW, FINE = 1, 2
GUARD = 20.0


class HeldFeeds:
    """A feed fetcher whose `slow` host answers only when released; every other host answers at once."""

    def __init__(self, start: datetime) -> None:
        self.start = start
        self.waiting = asyncio.Event()
        self.release = asyncio.Event()

    async def get(self, url: str, params: Mapping[str, str] | None = None) -> FetchedFeed:
        if "slow" in url:
            self.waiting.set()
            await self.release.wait()
        hours = [self.start + timedelta(hours=h) for h in range(-24 * 40, 48)]
        prices = [
            {
                "start": h.isoformat(),
                "end": (h + timedelta(hours=1)).isoformat(),
                "price": 0.1 + (h.hour % 5) / 10,
            }
            for h in hours
        ]
        return FetchedFeed(json.dumps({"currency": "EUR", "prices": prices}).encode(), "application/json")


async def _owner(stack: Stack, chat: int, host: str) -> int:
    email = f"owner{chat}@example.com"
    stack.sim.add_vehicle(stack.sim.add_account(email, "pw-123456"), "X102VE", battery_level=40)
    result = await stack.graph.linking.begin(chat, "fr_FR", email, "pw-123456")
    assert isinstance(result, LinkResult)
    url = f"https://{host}.example.com/prices.json"
    await stack.graph.smart.set_tariff(chat, TariffChoice(TariffKind.URL, url=url, currency="EUR"))
    return result.vehicles[0].vehicle_id


async def _daily_goal(stack: Stack, chat: int, vehicle_id: int) -> None:
    goal = SmartGoalSetting(chat, vehicle_id, 80, time(7, 30), daily=True)
    await stack.graph.stores.smart.save_goal(goal)


def _plans_sent_to(stack: Stack, chat: int) -> int:
    return sum(1 for c, e in stack.notifier.sent if c == chat and isinstance(e, SmartPlanReady))


async def test_one_chats_slow_feed_does_not_hold_up_another_chats_daily_plan(tmp_path: Path) -> None:
    feeds = HeldFeeds(EVENING)
    async with service_stack(tmp_path, GraphOptions(feeds=feeds)) as stack:
        stack.clock.set(EVENING)
        await _daily_goal(stack, SLOW, await _owner(stack, SLOW, "slow"))
        await _daily_goal(stack, FINE, await _owner(stack, FINE, "fine"))
        async with asyncio.timeout(GUARD), asyncio.TaskGroup() as group:
            job = group.create_task(stack.graph.smart.send_daily_plans())
            await feeds.waiting.wait()
            # Sent while the slow chat still waits for its feed (the recording notifier has no event).
            while _plans_sent_to(stack, FINE) == 0:  # noqa: ASYNC110
                await asyncio.sleep(0.01)
            assert not job.done()
            assert _plans_sent_to(stack, SLOW) == 0
            feeds.release.set()
        assert job.result().sent == 2
        assert _plans_sent_to(stack, SLOW) == 1


async def test_a_chat_past_its_deadline_is_skipped_and_planned_on_the_next_run(tmp_path: Path) -> None:
    feeds = HeldFeeds(EVENING)
    options = GraphOptions(
        feeds=feeds, fanout=FanOut(deadline_s=5.0)
    )  # long enough for the fine chat on a loaded machine
    async with service_stack(tmp_path, options) as stack:
        stack.clock.set(EVENING)
        await _daily_goal(stack, SLOW, await _owner(stack, SLOW, "slow"))
        await _daily_goal(stack, FINE, await _owner(stack, FINE, "fine"))
        async with asyncio.timeout(GUARD):
            report = await stack.graph.smart.send_daily_plans()
        assert report.sent == 1
        assert (_plans_sent_to(stack, SLOW), _plans_sent_to(stack, FINE)) == (0, 1)
        feeds.release.set()
        async with asyncio.timeout(GUARD):
            again = await stack.graph.smart.send_daily_plans()
        assert again.sent == 1
        assert (_plans_sent_to(stack, SLOW), _plans_sent_to(stack, FINE)) == (1, 1)


async def test_one_chats_slow_feed_does_not_hold_up_another_chats_monthly_summary(tmp_path: Path) -> None:
    feeds = HeldFeeds(EVENING)
    async with service_stack(tmp_path, GraphOptions(feeds=feeds)) as stack:
        stack.clock.set(EVENING)
        history = SqlHistoryRepository(stack.db)
        for chat, host in ((SLOW, "slow"), (FINE, "fine")):
            vehicle_id = await _owner(stack, chat, host)
            start = EVENING - timedelta(days=1)
            await history.add_session(
                ChargeSession(vehicle_id, start, start + timedelta(hours=2), 40, 60, 10.4)
            )
        stack.clock.set(datetime(2026, 12, 1, 10, 0, tzinfo=UTC))
        async with asyncio.timeout(GUARD), asyncio.TaskGroup() as group:
            job = group.create_task(stack.graph.costs.send_monthly_summaries())
            await feeds.waiting.wait()
            while "monthly_summary" not in stack.notifier.kinds(FINE):  # noqa: ASYNC110
                await asyncio.sleep(0.01)
            assert not job.done()
            feeds.release.set()
        assert job.result().sent == 2
        assert "monthly_summary" in stack.notifier.kinds(SLOW)
