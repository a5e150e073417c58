"""The Telegram notifier: every domain event rendered per language, Telegram errors mapped, never raised."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import pytest
from syrupy.assertion import SnapshotAssertion
from telegram import Bot

from bot.app.parts import CATALOGS, EVENT_TYPES, TELEGRAM_PARTS
from bot.domain import events as ev
from bot.domain.actions import ActionKind
from bot.domain.preferences import ChatSettings
from bot.domain.vehicle import Role
from bot.features.costs.events import MonthlyCostSummary
from bot.features.sharing import events as sharing
from bot.features.smart_charging import events as smart
from bot.features.smart_charging.logic.planner import PlanNote
from bot.features.smart_charging.logic.schedule import PlanKind
from bot.features.smart_charging.logic.summary import PlanSummary
from bot.services.outbox_ports import DeliveryStatus
from bot.simulator.http_server import LoopbackServer
from bot.simulator.telegram import TelegramEmulator
from bot.simulator.telegram.errors import BotApiError
from bot.telegram_ui.notifier import (
    NETWORK_RETRY_SECONDS,
    TelegramNotifier,
    event_keyboard,
    render,
    render_event,
)
from bot.telegram_ui.parts import ping_buttons_of, pings_of
from tests.support.clock import FakeClock

NOW = datetime(2026, 11, 2, 18, 0, tzinfo=UTC)
VIN = "VF1AG000012345678"
T = NOW - timedelta(minutes=5)

PLAN = smart.SmartPlanReady(
    VIN,
    7,
    date(2026, 11, 2),
    "Europe/Berlin",
    PlanSummary(
        52.0,
        "EUR",
        (PlanNote.MISSING_PRICES,),
        PlanKind.WINDOW,
        NOW + timedelta(hours=5),
        NOW + timedelta(hours=8),
        1,
        15.0,
        1.2,
        3.3,
        80,
    ),
)

SAMPLES: list[ev.Event] = [
    ev.ChargeStarted(VIN, T, 35, power_kw=7.4, remaining_minutes=200),
    ev.ChargeComplete(
        VIN, T, 100, start_level=35, energy_added_kwh=33.8, duration=timedelta(hours=4, minutes=10)
    ),
    ev.ChargeInterrupted(VIN, T, 60, ev.InterruptReason.UNPLUGGED, start_level=35),
    ev.ChargeError(VIN, T, None),
    ev.Plugged(VIN, T, 35),
    ev.Unplugged(VIN, T, 80, range_km=250.0),
    ev.PluggedNotCharging(VIN, NOW - timedelta(minutes=40), 35),
    ev.LowBattery(VIN, T, 18, 20, range_km=55.0),
    ev.TargetReached(VIN, T, 80, 80, NOW - timedelta(hours=3), stop_charge=True),
    ev.PlugReminder(VIN, date(2026, 11, 2), 30, 50),
    ev.PreconditioningConfirmed(VIN, T, 70, outside_temperature_c=3.5),
    ev.ActionConfirmed(VIN, ActionKind.CHARGE_START, "r1", NOW - timedelta(minutes=8), T, 40),
    ev.ActionNotConfirmed(VIN, ActionKind.PRECONDITION, "r2", NOW - timedelta(minutes=15), NOW, 40),
    ev.RenaultUnreachable("account:1", NOW - timedelta(hours=1)),
    ev.CredentialsExpired("account:1", NOW - timedelta(hours=2)),
    ev.CredentialsExpired("account:1", NOW - timedelta(hours=2), for_member=True),
    ev.ServiceRecovered("account:1", NOW, NOW - timedelta(hours=1)),
    PLAN,
    smart.SmartChargeSwitched(VIN, 7, True, NOW),
    *(smart.SmartPlanWithdrawn(VIN, 7, outcome, NOW) for outcome in smart.Withdrawal),
    ev.SecretNotDeleted(1001, 42, NOW),
    sharing.MemberJoined(1, 300, "Bob", Role.DRIVER, NOW),
    sharing.MemberLeft(1, 300, "Bob", NOW),
    sharing.RoleChanged(1, 300, Role.VIEWER, NOW),
    sharing.AccessEnded(1, 300, sharing.AccessEndReason.REMOVED, NOW),
    sharing.AccessEnded(1, 300, sharing.AccessEndReason.OWNER_LOGOUT, NOW),
    MonthlyCostSummary(1001, date(2026, 10, 1), 7, "131.2", "21.40", "EUR", "0.163", "4.12", 1),
]


def test_every_domain_event_has_one_renderer_and_a_sample() -> None:
    kernel, parts = set(render.registry) - {object}, set(pings_of(TELEGRAM_PARTS))
    assert kernel | parts == set(EVENT_TYPES)
    assert kernel & parts == set()
    assert {type(sample) for sample in SAMPLES} == set(EVENT_TYPES)


@pytest.mark.parametrize("language", ["en", "fr", "de"])
def test_every_event_renders_in_the_chats_language_and_time_zone(
    language: str, snapshot: SnapshotAssertion
) -> None:
    chat = ChatSettings(chat_id=1, language=language, time_zone="Europe/Berlin")
    rendered = "\n---\n".join(
        render_event(chat, event, NOW, CATALOGS, pings_of(TELEGRAM_PARTS)) for event in SAMPLES
    )
    assert "None" not in rendered
    assert rendered == snapshot


def _payloads(event: ev.Event) -> list[list[str]] | None:
    chat = ChatSettings(chat_id=1, language="en", time_zone="Europe/Berlin")
    markup = event_keyboard(chat, event, CATALOGS, ping_buttons_of(TELEGRAM_PARTS))
    if markup is None:
        return None
    return [[str(button.callback_data) for button in row] for row in markup.inline_keyboard]


def test_the_buttons_under_a_ping_come_from_its_part() -> None:
    # Confirm / Cancel / stop the daily plan under a daily plan; Cancel under a started charge, and for the
    # owner when a member's plan could not be undone; nothing under any other ping.
    cancel = [["1.sc.7.no"]]
    not_restored = smart.SmartPlanWithdrawn(VIN, 7, smart.Withdrawal.NOT_RESTORED, NOW)
    started = smart.SmartChargeSwitched(VIN, 7, True, NOW)
    with_buttons = {PLAN, started, not_restored}
    assert _payloads(PLAN) == [["1.sc.7.ok", "1.sc.7.no"], ["1.sc.7.d0"]]
    assert _payloads(started) == cancel
    assert _payloads(not_restored) == cancel
    assert [_payloads(sample) for sample in SAMPLES if sample not in with_buttons] == [None] * (
        len(SAMPLES) - 3
    )
    assert _payloads(dataclasses.replace(PLAN, summary=PlanSummary(52.0, "EUR"))) is None  # nothing to do
    assert _payloads(smart.SmartChargeSwitched(VIN, 7, False, NOW)) is None


@pytest.fixture
async def emu_bot() -> AsyncIterator[tuple[TelegramEmulator, Bot]]:
    emu = TelegramEmulator(FakeClock(NOW))
    async with LoopbackServer(emu.handle) as server:
        async with Bot(
            emu.token, base_url=f"{server.url}/bot", base_file_url=f"{server.url}/file/bot"
        ) as bot:
            yield emu, bot
        emu.close()


async def test_ping_is_sent_to_the_chat(emu_bot: tuple[TelegramEmulator, Bot]) -> None:
    emu, bot = emu_bot
    ann = emu.user(1001, "Ann")
    result = await TelegramNotifier(bot, lambda: NOW, TELEGRAM_PARTS).send(
        ChatSettings(chat_id=ann.chat_id), SAMPLES[4]
    )
    assert result.status is DeliveryStatus.SENT
    assert ann.bot_messages[-1].text == "🔌 🚗 …45678: plugged in, battery 35%."


async def test_blocked_user_is_reported_as_blocked(emu_bot: tuple[TelegramEmulator, Bot]) -> None:
    emu, bot = emu_bot
    ann = emu.user(1001, "Ann")
    ann.block_bot()
    result = await TelegramNotifier(bot, lambda: NOW, TELEGRAM_PARTS).send(
        ChatSettings(chat_id=ann.chat_id), SAMPLES[0]
    )
    assert result.status is DeliveryStatus.BLOCKED


async def test_unknown_chat_is_reported_as_blocked(emu_bot: tuple[TelegramEmulator, Bot]) -> None:
    _, bot = emu_bot
    result = await TelegramNotifier(bot, lambda: NOW, TELEGRAM_PARTS).send(
        ChatSettings(chat_id=424242), SAMPLES[0]
    )
    assert result.status is DeliveryStatus.BLOCKED


async def test_flood_control_asks_to_retry_after_telegrams_wait(
    emu_bot: tuple[TelegramEmulator, Bot],
) -> None:
    emu, bot = emu_bot
    ann = emu.user(1001, "Ann")
    emu.inject_flood(17, method="sendMessage")
    result = await TelegramNotifier(bot, lambda: NOW, TELEGRAM_PARTS).send(
        ChatSettings(chat_id=ann.chat_id), SAMPLES[0]
    )
    assert result.status is DeliveryStatus.RETRY_LATER
    assert result.retry_after_seconds == 17


@pytest.mark.parametrize(
    "description",
    [
        "Forbidden: bot can't initiate conversation with a user",
        "Bad Request: not enough rights to send text messages to the chat",
        "Bad Request: message is too long",
    ],
)
async def test_other_refusals_fail_only_this_message_with_telegrams_reason(
    emu_bot: tuple[TelegramEmulator, Bot], description: str
) -> None:
    emu, bot = emu_bot
    ann = emu.user(1001, "Ann")
    status = 403 if description.startswith("Forbidden") else 400
    emu.inject_error(BotApiError(status, description), method="sendMessage")
    result = await TelegramNotifier(bot, lambda: NOW, TELEGRAM_PARTS).send(
        ChatSettings(chat_id=ann.chat_id), SAMPLES[0]
    )
    assert result.status is DeliveryStatus.FAILED
    assert result.reason is not None
    assert description.partition(": ")[2].lower() in result.reason.lower()


async def test_telegram_unreachable_is_a_pause_for_every_chat(emu_bot: tuple[TelegramEmulator, Bot]) -> None:
    emu, bot = emu_bot
    ann = emu.user(1001, "Ann")
    emu.inject_error(BotApiError(502, "Bad Gateway"), method="sendMessage")
    result = await TelegramNotifier(bot, lambda: NOW, TELEGRAM_PARTS).send(
        ChatSettings(chat_id=ann.chat_id), SAMPLES[0]
    )
    assert result.status is DeliveryStatus.UNAVAILABLE
    assert result.retry_after_seconds == NETWORK_RETRY_SECONDS
    assert not result.uncertain
