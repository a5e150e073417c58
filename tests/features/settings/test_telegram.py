"""/settings over the real Application with fake use cases: each change is stored and read back."""

from __future__ import annotations

from datetime import time

from bot.domain.preferences import ChatSettings, NotificationKind, QuietHours, Units
from bot.simulator.telegram import EmulatedUser
from tests.support.chat import tap_and_wait
from tests.telegram_ui.fakes import running_bot, zoe

WAIT = 5.0


def _labels(user: EmulatedUser, message_id: int) -> list[str]:
    message = user.message(message_id)
    return [] if message is None else [b.text for b in message.buttons]


async def _settings(user: EmulatedUser) -> int:
    await user.send("/settings")
    return (await user.next_message(timeout=WAIT)).message_id


async def test_language_switch_changes_the_bots_language() -> None:
    async with running_bot() as s:
        s.linking.links[1001] = [zoe()]
        ann = s.emu.user(1001, "Ann")
        menu = await _settings(ann)
        await tap_and_wait(ann, menu, "🌐 Language", "Choose a language:")
        await tap_and_wait(ann, menu, "Deutsch", "Sprache: Deutsch")
        await ann.send("/help")
        help_text = (await ann.next_message(timeout=WAIT)).text or ""
    assert s.settings.chats[1001].language == "de"
    assert help_text.startswith("/status - Akku, Reichweite und Ladezustand")


async def test_notification_toggles_persist_per_vehicle() -> None:
    async with running_bot() as s:
        s.linking.links[1001] = [zoe()]
        ann = s.emu.user(1001, "Ann")
        menu = await _settings(ann)
        await tap_and_wait(ann, menu, "🔔 Notifications", "Notifications for")
        await tap_and_wait(ann, menu, "✅ Low battery", "Notifications for")
        await ann.wait_until(lambda u: "▫️ Low battery" in _labels(u, menu), timeout=WAIT)
        stored = await s.settings.preferences(1001, 7)
        await tap_and_wait(ann, menu, "▫️ Low battery", "Notifications for")
        await ann.wait_until(
            lambda _: s.settings.prefs[(1001, 7)].wants(NotificationKind.LOW_BATTERY), timeout=WAIT
        )
    assert not stored.wants(NotificationKind.LOW_BATTERY)
    assert stored.wants(NotificationKind.CHARGE_COMPLETE)


async def test_quiet_hours_are_stored_and_can_be_switched_off() -> None:
    async with running_bot() as s:
        s.linking.links[1001] = [zoe()]
        ann = s.emu.user(1001, "Ann")
        menu = await _settings(ann)
        await tap_and_wait(ann, menu, "🌙 Quiet hours", "No notifications during:")
        await tap_and_wait(ann, menu, "22:00-07:00", "Quiet hours: 22:00-07:00")
        stored = s.settings.chats[1001].quiet_hours
        await tap_and_wait(ann, menu, "🌙 Quiet hours", "No notifications during:")
        await tap_and_wait(ann, menu, "No quiet hours", "Quiet hours: none")
    assert stored == QuietHours(time(22, 0), time(7, 0))
    assert s.settings.chats[1001].quiet_hours is None


async def test_miles_change_the_status_card() -> None:
    async with running_bot() as s:
        s.linking.links[1001] = [zoe()]
        ann = s.emu.user(1001, "Ann")
        menu = await _settings(ann)
        await tap_and_wait(ann, menu, "📏 Units: miles", "Units: miles")
        await ann.send("/status")
        card = (await ann.next_message(timeout=WAIT)).text or ""
    assert s.settings.chats[1001].units is Units.MILES
    assert "🔋 62% · 126 mi" in card


async def test_time_zone_changes_the_times_shown() -> None:
    async with running_bot() as s:
        s.linking.links[1001] = [zoe()]
        ann = s.emu.user(1001, "Ann")
        menu = await _settings(ann)
        await tap_and_wait(ann, menu, "🕒 Time zone", "Choose your time zone")
        await tap_and_wait(ann, menu, "Paris", "Time zone: Paris (Europe/Paris)")
        await ann.send("/status")
        card = (await ann.next_message(timeout=WAIT)).text or ""
    assert s.settings.chats[1001].time_zone == "Europe/Paris"
    assert "(08:48)" in card  # reported at 07:48 UTC, shown in Paris winter time


async def test_the_zone_list_has_every_zone_of_the_country() -> None:
    async with running_bot() as s:
        s.linking.links[1001] = [zoe()]
        s.settings.chats[1001] = ChatSettings(1001, time_zone="Europe/Madrid")
        ann = s.emu.user(1001, "Ann")
        menu = await _settings(ann)
        await tap_and_wait(ann, menu, "🕒 Time zone", "Choose your time zone")
    assert _labels(ann, menu) == ["Madrid", "Ceuta", "Canaries", "UTC", "⬅️ Back"]


async def test_a_chat_in_no_country_yet_gets_every_renault_countrys_zone() -> None:
    async with running_bot() as s:
        s.linking.links[1001] = [zoe()]
        ann = s.emu.user(1001, "Ann")
        menu = await _settings(ann)
        await tap_and_wait(ann, menu, "🕒 Time zone", "Choose your time zone")
    labels = _labels(ann, menu)
    assert {"Oslo", "Stockholm", "Warsaw", "Prague", "Helsinki", "Lisbon", "Paris"} <= set(labels)


async def test_a_typed_city_or_zone_is_validated_and_saved() -> None:
    async with running_bot() as s:
        s.linking.links[1001] = [zoe()]
        ann = s.emu.user(1001, "Ann", language_code="fr")
        menu = await _settings(ann)
        await tap_and_wait(ann, menu, "🕒 Fuseau horaire", "Choisissez votre fuseau horaire")
        await ann.send("Atlantide")
        unknown = await ann.next_message(timeout=WAIT)
        await ann.send("Oslo")
        saved = await ann.next_message(timeout=WAIT)
        oslo = s.settings.chats[1001].time_zone
        await ann.send("/settings")
        await ann.next_message(timeout=WAIT)
        await ann.send("Europe/Lisbon")  # only the time-zone list takes a typed zone
        idle = await ann.next_message(timeout=WAIT)
    assert (unknown.text or "").startswith("Je ne connais pas le fuseau horaire « Atlantide ».")
    assert unknown.buttons  # the zones again
    assert (saved.text or "").startswith("🕒 Fuseau horaire : Oslo (Europe/Oslo).")
    assert oslo == "Europe/Oslo"
    assert "Réglages" in (idle.text or "")
    assert s.settings.chats[1001].time_zone == "Europe/Oslo"


async def test_default_temperature_is_used_by_precondition() -> None:
    async with running_bot() as s:
        s.linking.links[1001] = [zoe()]
        ann = s.emu.user(1001, "Ann")
        menu = await _settings(ann)
        await tap_and_wait(ann, menu, "🌡 Temperature", "Default preconditioning temperature:")
        await tap_and_wait(ann, menu, "23°C", "Default temperature: 23°C")
        await ann.send("/status")
        card = await ann.next_message(timeout=WAIT)
        await ann.tap(card, "🌡 Precondition now")
        await ann.wait_until(lambda _: bool(s.actions.runs), timeout=WAIT)
    assert s.actions.runs[0][2].temperature_c == 23.0


async def test_low_battery_threshold_is_stored_for_the_active_car() -> None:
    async with running_bot() as s:
        s.linking.links[1001] = [zoe()]
        ann = s.emu.user(1001, "Ann")
        menu = await _settings(ann)
        await tap_and_wait(ann, menu, "🔋 Low battery", "Warn me when")
        await tap_and_wait(ann, menu, "30%", "Low battery alert below: 30%")
    assert s.settings.prefs[(1001, 7)].low_battery_threshold == 30
