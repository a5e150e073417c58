"""Delivery: preferences, quiet hours, exactly-once claims, blocked chats, RetryAfter, payloads."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from bot.domain.events import ChargeComplete, Event, LowBattery, Plugged
from bot.domain.preferences import ChatSettings, NotificationKind, NotificationPreferences, QuietHours
from bot.domain.snapshot import ChargeState, PlugState, VehicleSnapshot
from bot.domain.vehicle import Role
from bot.features.notifications.logic import quiet_until
from bot.features.notifications.use_cases import CLAIM_LEASE, NotificationService
from bot.services.outbox_ports import DeliveryResult, DeliveryStatus
from bot.services.ports import StoredVehicleState, Subscriber
from tests.support.clock import FakeClock
from tests.support.fakes import FakeChats, FakeNotificationLog, FakeStates, RecordingNotifier

VIN = "VF1TEST0000000001"


def _event(kind: NotificationKind, at: datetime, level: int = 80) -> Event:
    if kind is NotificationKind.PLUGGED:
        return Plugged(VIN, at, level)
    if kind is NotificationKind.LOW_BATTERY:
        return LowBattery(VIN, at, level, threshold=20)
    return ChargeComplete(VIN, at, level, start_level=20)


def _sub(chat: ChatSettings, *off: NotificationKind) -> Subscriber:
    prefs = NotificationPreferences(enabled=frozenset(NotificationKind) - frozenset(off))
    return Subscriber(chat, Role.OWNER, prefs)


class Stack:
    """A NotificationService over fakes."""

    def __init__(self, *chats: ChatSettings) -> None:
        self.clock = FakeClock(datetime(2026, 11, 2, 12, 0, tzinfo=UTC))
        self.log = FakeNotificationLog()
        self.chats = FakeChats(*chats)
        self.states = FakeStates()
        self.notifier = RecordingNotifier()
        self.replicas = 0
        self.service = self.new_service()

    def new_service(self, gone: frozenset[str] = frozenset()) -> NotificationService:
        """Another replica (or the process after a restart) on the same storage; `gone`: dead owners."""
        self.replicas += 1
        return NotificationService(
            self.log,
            self.chats,
            self.states,
            self.notifier,
            self.clock,
            owner=f"replica-{self.replicas}",
            owner_gone=lambda owner: owner in gone,
        )

    def event(self, kind: NotificationKind = NotificationKind.CHARGE_COMPLETE) -> Event:
        return _event(kind, self.clock() - timedelta(minutes=1))


async def test_each_chat_gets_only_the_kinds_it_wants() -> None:
    a, b = ChatSettings(1), ChatSettings(2)
    s = Stack(a, b)
    entries = await s.service.enqueue(1, [s.event()], [_sub(a), _sub(b, NotificationKind.CHARGE_COMPLETE)])
    report = await s.service.deliver(entries)
    assert report.sent == 1
    assert s.notifier.kinds(1) == ["charge_complete"]
    assert s.notifier.kinds(2) == []


async def test_same_event_enqueued_again_is_not_sent_twice() -> None:
    chat = ChatSettings(1)
    s = Stack(chat)
    event = s.event()
    await s.service.deliver(await s.service.enqueue(1, [event], [_sub(chat)]))
    again = await s.service.enqueue(1, [event], [_sub(chat)])
    assert again == []
    await s.service.flush()
    assert len(s.notifier.sent) == 1


async def test_ping_reserved_before_a_crash_is_sent_after_restart() -> None:
    chat = ChatSettings(1)
    s = Stack(chat)
    await s.service.enqueue(1, [s.event()], [_sub(chat)])  # process killed here, before sending
    restarted = s.new_service()
    report = await restarted.flush()
    assert report.sent == 1
    assert s.notifier.kinds(1) == ["charge_complete"]


async def test_two_replicas_flushing_the_same_outbox_send_once() -> None:
    chat = ChatSettings(1)
    s = Stack(chat)
    entries = await s.service.enqueue(1, [s.event()], [_sub(chat)])
    other = s.new_service()
    await other.deliver(entries)  # the other replica saw it pending at the same moment
    await s.service.deliver(entries)
    await s.service.flush()
    assert len(s.notifier.sent) == 1


async def test_quiet_hours_defer_the_ping_to_their_end_in_the_chat_time_zone() -> None:
    chat = ChatSettings(1, time_zone="Europe/Paris", quiet_hours=QuietHours(time(12, 30), time(14, 0)))
    s = Stack(chat)  # 12:00 UTC is 13:00 in Paris: quiet
    entries = await s.service.enqueue(1, [s.event()], [_sub(chat)])
    assert entries[0].deliver_at == datetime(2026, 11, 2, 13, 0, tzinfo=UTC)
    assert (await s.service.deliver(entries)).sent == 0
    s.clock.advance(minutes=59)
    assert (await s.service.flush()).sent == 0
    s.clock.advance(minutes=1)
    assert (await s.service.flush()).sent == 1


async def test_deferred_ping_that_no_longer_holds_is_dropped_at_the_end_of_quiet_hours() -> None:
    chat = ChatSettings(1, quiet_hours=QuietHours(time(11, 0), time(13, 0)))
    s = Stack(chat)
    await s.service.enqueue(1, [s.event(NotificationKind.PLUGGED)], [_sub(chat)])
    unplugged = VehicleSnapshot("VIN", plug=PlugState.UNPLUGGED, charge=ChargeState.NOT_IN_CHARGE)
    await s.states.save(StoredVehicleState(1, snapshot=unplugged))
    s.clock.advance(hours=1)
    report = await s.service.flush()
    assert report.sent == 0
    assert list(s.log.dropped().values()) == ["no longer holds"]


async def test_deferred_ping_about_something_that_happened_is_still_sent() -> None:
    chat = ChatSettings(1, quiet_hours=QuietHours(time(11, 0), time(13, 0)))
    s = Stack(chat)
    await s.service.enqueue(1, [s.event(NotificationKind.CHARGE_COMPLETE)], [_sub(chat)])
    unplugged = VehicleSnapshot("VIN", plug=PlugState.UNPLUGGED)
    await s.states.save(StoredVehicleState(1, snapshot=unplugged))
    s.clock.advance(hours=1)
    assert (await s.service.flush()).sent == 1


async def test_chat_that_blocked_the_bot_is_deactivated_and_its_ping_dropped() -> None:
    chat = ChatSettings(1)
    s = Stack(chat)
    s.notifier.script(1, DeliveryResult(DeliveryStatus.BLOCKED))
    report = await s.service.deliver(await s.service.enqueue(1, [s.event()], [_sub(chat)]))
    assert report.blocked_chats == [1]
    assert s.chats.deactivated == [1]
    assert not (await s.chats.get(1) or chat).active
    # Later events are not even queued for an inactive chat.
    assert await s.service.enqueue(1, [s.event(NotificationKind.PLUGGED)], [_sub(s.chats.chats[1])]) == []


async def test_retry_after_is_honoured_and_the_ping_sent_once_afterwards() -> None:
    chat = ChatSettings(1)
    s = Stack(chat)
    s.notifier.script(1, DeliveryResult(DeliveryStatus.RETRY_LATER, retry_after_seconds=30))
    report = await s.service.deliver(await s.service.enqueue(1, [s.event()], [_sub(chat)]))
    assert report.deferred == 1
    assert not s.notifier.sent
    s.clock.advance(seconds=29)
    assert (await s.service.flush()).sent == 0
    s.clock.advance(seconds=1)
    assert (await s.service.flush()).sent == 1
    assert (await s.service.flush()).sent == 0
    assert len(s.notifier.sent) == 1


async def test_a_ping_whose_stored_payload_cannot_be_read_is_dropped() -> None:
    chat = ChatSettings(1)
    s = Stack(chat)
    s.log.keep_unreadable("vehicle1:plugged:t@1", 1, s.clock())  # corrupt, or its car is gone
    report = await s.service.flush()
    assert (report.sent, report.dropped) == (0, 1)
    assert list(s.log.dropped().values()) == ["unreadable payload or vehicle gone"]


async def test_ping_to_a_chat_that_left_is_dropped() -> None:
    chat = ChatSettings(1)
    s = Stack(chat)
    entries = await s.service.enqueue(1, [s.event()], [_sub(chat)])
    await s.chats.deactivate(1)
    report = await s.service.deliver(entries)
    assert report.dropped == 1
    assert not s.notifier.sent


async def test_ping_too_old_to_matter_is_dropped() -> None:
    chat = ChatSettings(1)
    s = Stack(chat)
    await s.service.enqueue(1, [s.event()], [_sub(chat)])
    s.clock.advance(hours=13)
    assert (await s.service.flush()).dropped == 1
    assert not s.notifier.sent


def test_quiet_hours_across_midnight_end_next_morning() -> None:
    chat = ChatSettings(1, time_zone="Europe/Berlin", quiet_hours=QuietHours(time(22, 0), time(7, 0)))
    late = datetime(2026, 3, 28, 22, 30, tzinfo=UTC)  # 23:30 in Berlin; DST starts that night
    assert quiet_until(chat, late) == datetime(2026, 3, 29, 5, 0, tzinfo=UTC)
    assert quiet_until(chat, datetime(2026, 3, 29, 12, 0, tzinfo=UTC)) is None


async def _claimed_by_a_sender_that_died(s: Stack, chat: ChatSettings) -> None:
    """A ping whose sender took the claim and was killed while Telegram was answering."""
    (entry,) = await s.service.enqueue(1, [s.event()], [_sub(chat)])
    assert await s.log.claim(entry, "replica-1", s.clock(), CLAIM_LEASE)


async def test_a_ping_whose_sender_died_mid_send_is_sent_once_the_claim_expires() -> None:
    chat = ChatSettings(1)
    s = Stack(chat)
    await _claimed_by_a_sender_that_died(s, chat)
    restarted = s.new_service()
    early = await restarted.flush()
    s.clock.advance(CLAIM_LEASE.total_seconds())
    late = await restarted.flush()
    again = await s.new_service().flush()
    assert (early.sent, early.skipped) == (0, 1)  # the sender might still be answered: its lease holds
    assert (late.sent, late.taken_over) == (1, 1)
    assert again.sent == 0
    assert s.notifier.kinds(1) == ["charge_complete"]


async def test_a_ping_of_a_sender_known_gone_is_taken_over_at_once() -> None:
    chat = ChatSettings(1)
    s = Stack(chat)
    await _claimed_by_a_sender_that_died(s, chat)
    report = await s.new_service(gone=frozenset({"replica-1"})).flush()
    assert (report.sent, report.taken_over) == (1, 1)


async def test_flood_control_holds_that_chat_on_every_replica_and_not_the_others() -> None:
    ann, bob = ChatSettings(1), ChatSettings(2)
    s = Stack(ann, bob)
    other = s.new_service()
    s.notifier.script(1, DeliveryResult(DeliveryStatus.RETRY_LATER, retry_after_seconds=30))
    await s.service.deliver(await s.service.enqueue(1, [s.event()], [_sub(ann)]))
    await s.service.enqueue(1, [s.event(NotificationKind.PLUGGED)], [_sub(ann), _sub(bob)])
    s.clock.advance(seconds=10)
    during = await other.flush()
    s.clock.advance(seconds=20)
    after = await other.flush()
    assert during.sent == 1  # Bob's ping; Ann's two wait on the other replica too
    assert s.notifier.kinds(2) == ["plugged"]
    assert after.sent == 2
    assert sorted(s.notifier.kinds(1)) == ["charge_complete", "plugged"]


async def test_telegram_unreachable_holds_every_chat_on_every_replica() -> None:
    ann, bob = ChatSettings(1), ChatSettings(2)
    s = Stack(ann, bob)
    s.notifier.script(1, DeliveryResult(DeliveryStatus.UNAVAILABLE, retry_after_seconds=30, reason="502"))
    await s.service.deliver(await s.service.enqueue(1, [s.event()], [_sub(ann)]))
    await s.service.enqueue(1, [s.event(NotificationKind.PLUGGED)], [_sub(bob)])
    s.clock.advance(seconds=29)
    assert (await s.new_service().flush()).sent == 0
    s.clock.advance(seconds=1)
    assert (await s.new_service().flush()).sent == 2


async def test_a_refused_message_is_dropped_alone_and_the_chat_keeps_its_pings() -> None:
    chat = ChatSettings(1)
    s = Stack(chat)
    s.notifier.script(1, DeliveryResult(DeliveryStatus.FAILED, reason="Bad Request: message is too long"))
    first = await s.service.deliver(await s.service.enqueue(1, [s.event()], [_sub(chat)]))
    second = await s.service.deliver(
        await s.service.enqueue(1, [s.event(NotificationKind.PLUGGED)], [_sub(chat)])
    )
    assert first.dropped == 1
    assert list(s.log.dropped().values()) == ["Bad Request: message is too long"]
    assert s.chats.deactivated == []
    assert second.sent == 1
