"""Budgets no member can drain, over the whole stack (Bot API emulator, Renault simulator, real Application),
on SQLite and on PostgreSQL: a viewer tapping Refresh 25 times spends at most their share of the account's
Renault calls and is told which limit stopped them and when it resets, in their own time zone; the owner's
Refresh and the poller still work; /costs and /export have their per-chat limits."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.domain.vehicle import Role
from bot.simulator.telegram import EmulatedUser
from bot.simulator.telegram.model import CallbackAnswer, ChatMessage
from tests.e2e.harness import E2E, EMAIL, PASSWORD, login, running_e2e
from tests.support.chat import reply_to, texts
from tests.support.replicas import fresh_database

WAIT = 10.0
VIN = "VF1AG000012345678"
ANN, BOB = 1001, 2002
START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # 04:00 in New York
PG_URL = os.environ.get("TEST_DATABASE_URL", "")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest) -> AsyncIterator[str | None]:
    """None (a fresh SQLite file) or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield None
        return
    if not PG_URL:
        pytest.skip("TEST_DATABASE_URL not set")
    async with fresh_database(PG_URL, "bot_budgets") as url:
        yield url


async def _owner(e2e: E2E) -> EmulatedUser:
    account = e2e.sim.add_account(EMAIL, PASSWORD)
    e2e.sim.add_vehicle(account, "X102VE", vin=VIN, plate="AB-123-CD", plugged=True)
    ann = e2e.emulator.user(ANN, "Ann")
    await login(ann, EMAIL, PASSWORD)
    await ann.wait_until(lambda u: any(t.startswith("Linked!") for t in texts(u)), timeout=WAIT)
    return ann


async def _viewer(e2e: E2E, zone: str) -> EmulatedUser:
    assert e2e.core is not None
    settings = await e2e.core.settings.chat(BOB, "en")
    await e2e.core.settings.save_chat(dataclasses.replace(settings, time_zone=zone))
    invite = await e2e.core.sharing.invite(ANN, Role.VIEWER, "Ann")
    await e2e.core.sharing.join(BOB, invite.token, "Bob", private=True)
    return e2e.emulator.user(BOB, "Bob")


def _answered_after(message: ChatMessage) -> Callable[[EmulatedUser], bool]:
    """Whether the bot wrote something after `message`."""
    return lambda user: user.bot_messages[-1].message_id > message.message_id


async def _refresh(user: EmulatedUser, card: ChatMessage) -> CallbackAnswer:
    tap = await user.tap(card, "🔄 Refresh")
    return await tap.answer(timeout=WAIT)


async def test_a_viewer_tapping_refresh_25_times_cannot_drain_the_owner_or_the_poller(
    tmp_path: Path, database_url: str | None
) -> None:
    async with running_e2e(tmp_path, START, database_url=database_url) as e2e:
        ann = await _owner(e2e)
        bob = await _viewer(e2e, "America/New_York")
        bob_card = await reply_to(bob, "/status", "🚗")
        calls_before = e2e.sim.log.count(vin=VIN)

        answers = []
        for _ in range(25):
            e2e.clock.advance(seconds=20)
            answers.append(await _refresh(bob, bob_card))
        bobs_calls = e2e.sim.log.count(vin=VIN) - calls_before

        # At most a sixth of the account's 60 calls an hour went to the viewer's taps.
        assert bobs_calls <= 10
        refused = [a for a in answers if a.show_alert]
        assert refused, "the viewer was never stopped"
        # First the viewer's share of the car's Renault requests, then the Refresh limit (10 an hour);
        # each says when it resets, in New York time (the share's hour began at 04:00 there).
        assert "Your share of this car's Renault requests is used up" in (refused[0].text or "")
        assert "It resets at 05:00" in (refused[0].text or "")
        assert "Refresh limit reached: 10 Refreshes an hour per chat" in (refused[-1].text or "")
        assert "possible at 05:00" in (refused[-1].text or "")

        # The owner's Refresh still reads the car, and the poller still polls.
        owner_card = await reply_to(ann, "/status", "🚗")
        before = e2e.sim.log.count(key="battery-status")
        owners = await _refresh(ann, owner_card)
        assert not owners.show_alert
        assert e2e.sim.log.count(key="battery-status") == before + 1
        assert e2e.core is not None
        e2e.clock.advance(minutes=30)
        before = e2e.sim.log.count(key="battery-status")
        await e2e.core.poller.tick()
        assert e2e.sim.log.count(key="battery-status") > before

        # The limits live in the database: after a restart the viewer is still refused, with no call.
        await e2e.restart()
        calls = e2e.sim.log.count(vin=VIN)
        again = await _refresh(bob, bob_card)
        assert again.show_alert
        assert "Refresh limit reached" in (again.text or "")
        assert e2e.sim.log.count(vin=VIN) == calls


async def test_costs_and_export_have_their_per_chat_limits(tmp_path: Path, database_url: str | None) -> None:
    async with running_e2e(tmp_path, START, database_url=database_url) as e2e:
        ann = await _owner(e2e)
        for _ in range(10):
            await reply_to(ann, "/costs", "What charging costs")
        refused = await reply_to(ann, "/costs", "/costs limit")
        # The chat's zone is the default, UTC: the hour began at 09:00.
        assert (
            refused.text == "/costs limit reached: 10 times an hour per chat. You can open it again at 10:00."
        )
        for _ in range(6):
            ask = await reply_to(ann, "/export", "Which period")
            await ann.tap(ask, "Everything stored")
            await ann.wait_until(_answered_after(ask), timeout=WAIT)
        assert sum(m.document is not None for m in ann.bot_messages) == 5
        assert (ann.bot_messages[-1].text or "") == (
            "/export limit reached: 5 exports an hour per chat. You can export again at 10:00."
        )
