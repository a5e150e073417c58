"""A tariff URL is refused at set-up when it cannot be a public https feed, and the bot's own wiring fetches
through the guarded fetcher, which refuses an inward feed that slipped in (an older row) at fetch time."""

from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path

import pytest

from bot.domain.tariff import TariffChoice, TariffKind
from bot.features.linking.ports import LinkResult
from bot.features.smart_charging.logic.schedule import SmartGoalSetting
from bot.features.smart_charging.ports import TariffDown
from bot.services.errors import InvalidInput
from tests.support.stack import Stack, service_stack

pytestmark = pytest.mark.slow  # measured: most of its tests take over a second

CHAT = 1001


async def _linked(stack: Stack) -> LinkResult:
    account = stack.sim.add_account("owner@example.com", "pw-123456")
    stack.sim.add_vehicle(account, "X102VE", battery_level=40)
    linked = await stack.graph.linking.begin(CHAT, "fr_FR", "owner@example.com", "pw-123456")
    assert isinstance(linked, LinkResult)
    return linked


def _url(url: str) -> TariffChoice:
    return TariffChoice(TariffKind.URL, url=url, currency="EUR")


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://prices.example.com/p.json", "smart.error.url"),
        ("https://me:secret@prices.example.com/p.json", "smart.error.url_credentials"),
        ("https://127.0.0.1/p.json", "smart.error.url_internal"),
        ("https://169.254.169.254/latest/meta-data/", "smart.error.url_internal"),
        ("https://postgres:5432/", "smart.error.url_internal"),
        ("https://bot-1:8080/", "smart.error.url_internal"),
        ("https://[::1]/p.json", "smart.error.url_internal"),
        ("https://exa mple.com:port/", "smart.error.url_malformed"),
    ],
)
async def test_an_inward_or_credentialed_url_is_refused_at_set_up(
    tmp_path: Path, url: str, reason: str
) -> None:
    async with service_stack(tmp_path) as stack:
        with pytest.raises(InvalidInput) as refused:
            await stack.graph.smart.set_tariff(CHAT, _url(url))
        assert refused.value.reasons == [reason]


async def test_a_public_https_url_with_a_token_is_accepted(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        await _linked(stack)
        await stack.graph.smart.set_tariff(CHAT, _url("https://prices.example.com/feed.json?token=abc"))
        assert await stack.graph.smart.tariff(CHAT) == _url("https://prices.example.com/feed.json?token=abc")


async def test_the_bots_wiring_refuses_an_inward_feed_at_fetch_time(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        stack.clock.set(datetime(2026, 11, 2, 20, 0, tzinfo=UTC))
        linked = await _linked(stack)
        # Stored as an older version of the bot would have let it through, set-up checks skipped.
        await stack.graph.stores.smart.save_tariff(CHAT, _url("https://169.254.169.254/latest/meta-data/"))
        goal = SmartGoalSetting(CHAT, linked.vehicles[0].vehicle_id, 80, time(7, 30))
        with pytest.raises(TariffDown) as down:
            await stack.graph.smart.plan_for(goal)
        assert down.value.refused
