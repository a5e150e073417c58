"""Vehicle state, leases, call budget, outbox, history, preferences and invites, on every engine."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import timedelta

import pytest
from sqlalchemy import text

from bot.app.parts import EVENT_TYPES
from bot.domain.history import BatteryReading, ChargeSession
from bot.domain.poll_memory import PollMemory
from bot.domain.preferences import NotificationKind, NotificationPreferences
from bot.domain.snapshot import ChargeState, GeoPoint, PlugState, VehicleSnapshot
from bot.domain.vehicle import Role
from bot.features.history.store import SqlHistoryRepository
from bot.features.sharing.logic import InviteProblem
from bot.features.sharing.ports import InviteInvalid, RedeemedInvite
from bot.features.sharing.store import SqlInviteRepository, SqlMemberRepository
from bot.persistence.accounts import SqlAccountRepository
from bot.persistence.budget import SqlCallBudgetStore
from bot.persistence.chats import SqlChatRepository, SqlPreferencesRepository
from bot.persistence.crypto import CredentialCipher
from bot.persistence.engine import Database
from bot.persistence.outbox import SqlNotificationLog
from bot.persistence.state import SqlVehicleStateRepository
from bot.persistence.vehicles import SqlVehicleRepository
from bot.services.ports import StoredVehicleState
from tests.persistence import factories as f
from tests.support.clock import FakeClock

pytestmark = pytest.mark.slow  # measured: most of its tests take over a second


async def test_state_round_trips_snapshot_phase_and_memory(db: Database, cipher: CredentialCipher) -> None:
    _, vehicle_id = await f.linked_zoe(db, cipher)
    now = FakeClock()()
    snapshot = VehicleSnapshot(
        vin=f.VIN,
        reported_at=now,
        battery_level=64,
        plug=PlugState.PLUGGED,
        charge=ChargeState.CHARGE_IN_PROGRESS,
    )
    state = StoredVehicleState(
        vehicle_id, snapshot, "charging", now, PollMemory(follow_ups=1), now + timedelta(minutes=5)
    )
    states = SqlVehicleStateRepository(db, cipher)
    await states.save(state)
    # A position is not part of what a poll stores: /where keeps it apart, encrypted (record_location).
    await states.save(
        dataclasses.replace(state, snapshot=dataclasses.replace(snapshot, location=GeoPoint(48.8, 2.3, now)))
    )

    assert await states.load(vehicle_id) == state


async def test_claim_due_leases_each_vehicle_to_one_owner(db: Database, cipher: CredentialCipher) -> None:
    _, vehicle_id = await f.linked_zoe(db, cipher)
    clock, states = FakeClock(), SqlVehicleStateRepository(db)

    first, second = await asyncio.gather(
        states.claim_due(clock(), 10, "replica-a", 60), states.claim_due(clock(), 10, "replica-b", 60)
    )
    assert sorted([*first, *second]) == [vehicle_id]
    owner = "replica-a" if first else "replica-b"
    assert await states.claim_due(clock.advance(30), 10, "replica-c", 60) == []
    await states.release(vehicle_id, owner, clock() + timedelta(minutes=10))
    assert await states.claim_due(clock.advance(60), 10, "replica-c", 60) == []
    assert await states.claim_due(clock.advance(600), 10, "replica-c", 60) == [vehicle_id]


async def test_claim_due_takes_the_vehicles_due_by_the_given_time(
    db: Database, cipher: CredentialCipher
) -> None:
    _, vehicle_id = await f.linked_zoe(db, cipher)
    clock, states = FakeClock(), SqlVehicleStateRepository(db)
    await states.claim_due(clock(), 10, "a", 60)
    await states.release(vehicle_id, "a", clock() + timedelta(seconds=10))
    assert await states.claim_due(clock(), 10, "b", 60, clock() + timedelta(seconds=9)) == []
    assert await states.claim_due(clock(), 10, "b", 60, clock() + timedelta(seconds=10)) == [vehicle_id]


async def test_claim_due_takes_never_polled_vehicles_first_then_the_most_overdue(
    db: Database, cipher: CredentialCipher
) -> None:
    accounts = SqlAccountRepository(db, cipher)

    async def link(n: int) -> int:
        _, (vehicle_id,) = await accounts.create_linked(
            100 + n, "fr_FR", f"owner{n}@example.org", f.secrets(person_id=f"person-{n}"), [f.zoe(f"VIN{n}")]
        )
        return vehicle_id

    a, b, c = [await link(n) for n in range(3)]
    clock, states = FakeClock(), SqlVehicleStateRepository(db)
    assert await states.claim_due(clock(), 10, "x", 60) == [a, b, c]  # none polled yet: by id
    await states.release_many("x", {a: clock() + timedelta(seconds=30), b: clock() + timedelta(seconds=10)})
    await states.release(c, "x", clock() + timedelta(seconds=20))
    d = await link(3)
    clock.advance(60)

    # The limit spans both kinds: the new vehicle, then the two longest overdue, in that order.
    assert await states.claim_due(clock(), 3, "y", 60) == [d, b, c]
    assert await states.claim_due(clock(), 10, "y", 60) == [a]


async def test_expired_lease_can_be_claimed_again(db: Database, cipher: CredentialCipher) -> None:
    _, vehicle_id = await f.linked_zoe(db, cipher)
    clock, states = FakeClock(), SqlVehicleStateRepository(db)
    assert await states.claim_due(clock(), 10, "crashed", 60) == [vehicle_id]
    assert await states.claim_due(clock.advance(61), 10, "alive", 60) == [vehicle_id]
    await states.release_all("alive")
    assert await states.claim_due(clock(), 10, "other", 60) == [vehicle_id]


async def test_a_renewal_extends_the_owners_leases_in_one_statement(
    db: Database, cipher: CredentialCipher
) -> None:
    _, vehicle_id = await f.linked_zoe(db, cipher)
    clock, states = FakeClock(), SqlVehicleStateRepository(db)
    assert await states.claim_due(clock(), 10, "alive", 60) == [vehicle_id]
    assert await states.renew("someone-else", clock.advance(50), 60) == 0
    assert await states.renew("alive", clock(), 60) == 1
    assert await states.claim_due(clock.advance(59), 10, "other", 60) == []  # 109 s after the claim
    assert await states.lease_owners(clock()) == {"alive"}
    assert await states.claim_due(clock.advance(1), 10, "other", 60) == [vehicle_id]


async def test_a_renewal_skips_the_rows_a_batch_is_writing_instead_of_waiting_for_them(
    db: Database, cipher: CredentialCipher
) -> None:
    if db.is_sqlite:
        pytest.skip("row locks are PostgreSQL's: SQLite serialises every writer")
    _, (first, second) = await SqlAccountRepository(db, cipher).create_linked(
        100, "fr_FR", f.EMAIL, f.secrets(), [f.zoe(), f.zoe("VF1AG000000000002")]
    )
    clock, states = FakeClock(), SqlVehicleStateRepository(db)
    assert sorted(await states.claim_due(clock(), 10, "alive", 60)) == sorted([first, second])
    async with db.engine.connect() as batch:  # a batch of ours holding one row while it writes its state
        await batch.execute(text("UPDATE vehicle_states SET phase = 'x' WHERE vehicle_id = :v"), {"v": first})
        # Waiting here is what locked rows in two orders (a deadlock at 10,000 cars): the beat takes the rest.
        assert await asyncio.wait_for(states.renew("alive", clock.advance(10), 60), timeout=10) == 1
        await batch.rollback()
    assert await states.renew("alive", clock(), 60) == 2


async def test_lease_owners_names_only_the_owners_of_running_leases(
    db: Database, cipher: CredentialCipher
) -> None:
    _, vehicle_id = await f.linked_zoe(db, cipher)
    clock, states = FakeClock(), SqlVehicleStateRepository(db)
    assert await states.lease_owners(clock()) == set()
    await states.claim_due(clock(), 10, "dead", 60)
    assert await states.lease_owners(clock()) == {"dead"}
    assert await states.lease_owners(clock.advance(60)) == set()  # ran out: claim_due takes it anyway
    await states.release_all("dead")
    assert await states.claim_due(clock(), 10, "new", 60) == [vehicle_id]


async def test_vehicles_of_inactive_chats_or_needs_login_accounts_are_not_due(
    db: Database, cipher: CredentialCipher
) -> None:
    account_id, _ = await f.linked_zoe(db, cipher)
    clock, states = FakeClock(), SqlVehicleStateRepository(db)
    await SqlAccountRepository(db, cipher).mark_needs_login(account_id)
    assert await states.claim_due(clock(), 10, "a", 60) == []
    await SqlAccountRepository(db, cipher).update_credentials(account_id, f.secrets())
    await SqlChatRepository(db).deactivate(100)
    assert await states.claim_due(clock(), 10, "a", 60) == []


async def test_due_vehicles_no_claim_may_take_are_parked_out_of_the_claims_way(
    db: Database, cipher: CredentialCipher
) -> None:
    accounts = SqlAccountRepository(db, cipher)

    async def link(n: int) -> tuple[int, int]:
        account_id, (vehicle_id,) = await accounts.create_linked(
            100 + n, "fr_FR", f"owner{n}@example.org", f.secrets(person_id=f"person-{n}"), [f.zoe(f"VIN{n}")]
        )
        return account_id, vehicle_id

    (stale, parked_login), (_, parked_chat), (_, leased), (_, fine) = [await link(n) for n in range(4)]
    clock, states = FakeClock(), SqlVehicleStateRepository(db)
    await accounts.mark_needs_login(stale)
    await SqlChatRepository(db).deactivate(101)
    assert await states.claim_due(clock(), 1, "other", 60) == [leased]  # held by another replica
    until = clock() + timedelta(minutes=15)

    assert await states.park_unclaimable(clock(), until, head=1) == 1  # only the head is looked at
    assert await states.park_unclaimable(clock(), until) == 1
    due = {
        vehicle_id: state.next_poll_at
        for vehicle_id, state in (await states.load_many([parked_login, parked_chat, leased, fine])).items()
    }
    assert due == {parked_login: until, parked_chat: until, leased: None, fine: None}
    assert await states.park_unclaimable(clock(), until) == 0  # nothing left in the claims' way
    # Claimable again (a new login) and due at the parked time: taken then, as any due vehicle.
    await accounts.update_credentials(stale, f.secrets())
    assert await states.claim_due(clock(), 10, "x", 60) == [fine]
    later = clock() + timedelta(hours=1)
    await states.release_many("other", {leased: later})
    await states.release_many("x", {fine: later})
    assert await states.claim_due(clock.advance(15 * 60), 10, "x", 60) == [parked_login]


async def test_call_budget_allows_limit_per_hour_then_says_when(
    db: Database, cipher: CredentialCipher
) -> None:
    account_id, _ = await f.linked_zoe(db, cipher)
    clock, budget = FakeClock(), SqlCallBudgetStore(db)
    start = clock()
    decisions = [await budget.try_spend(account_id, clock.advance(60), 3) for _ in range(4)]

    assert [d.allowed for d in decisions] == [True, True, True, False]
    assert decisions[3].retry_at == start + timedelta(seconds=60, hours=1)
    clock.set(start + timedelta(hours=1, seconds=61))
    assert (await budget.try_spend(account_id, clock(), 3)).allowed


async def test_cooldown_blocks_calls_until_it_ends(db: Database, cipher: CredentialCipher) -> None:
    account_id, _ = await f.linked_zoe(db, cipher)
    clock, budget = FakeClock(), SqlCallBudgetStore(db)
    until = clock() + timedelta(minutes=30)
    await budget.start_cooldown(account_id, until)

    decision = await budget.try_spend(account_id, clock(), 100)
    assert not decision.allowed
    assert decision.retry_at == until
    assert (await budget.try_spend(account_id, clock.advance(1801), 100)).allowed


async def test_concurrent_spending_never_exceeds_the_budget(db: Database, cipher: CredentialCipher) -> None:
    account_id, _ = await f.linked_zoe(db, cipher)
    now, budget = FakeClock()(), SqlCallBudgetStore(db)
    decisions = await asyncio.gather(*(budget.try_spend(account_id, now, 5) for _ in range(20)))
    assert sum(d.allowed for d in decisions) == 5


async def test_outbox_reserves_a_key_once_and_delivers_due_entries(
    db: Database, cipher: CredentialCipher
) -> None:
    _, vehicle_id = await f.linked_zoe(db, cipher)
    clock, log = FakeClock(), SqlNotificationLog(db, EVENT_TYPES)
    key = "v1:charge_complete:t1"
    assert await log.reserve(key, 100, f.ping(vehicle_id), clock(), vehicle_id=vehicle_id)
    assert not await log.reserve(key, 100, f.ping(vehicle_id, 50), clock(), vehicle_id=vehicle_id)
    assert await log.reserve("later", 100, f.ping(), clock() + timedelta(hours=1))

    due = await log.pending(clock(), 10)
    assert [(e.dedup_key, e.payload) for e in due] == [("v1:charge_complete:t1", f.ping(vehicle_id))]
    await log.mark_sent("v1:charge_complete:t1", clock())
    await log.mark_dropped("later", "chat blocked the bot")
    assert await log.pending(clock.advance(7200), 10) == []


async def test_concurrent_reservations_of_one_key_succeed_once(
    db: Database, cipher: CredentialCipher
) -> None:
    await f.linked_zoe(db, cipher)
    now, log = FakeClock()(), SqlNotificationLog(db, EVENT_TYPES)
    results = await asyncio.gather(*(log.reserve("same", 100, f.ping(), now) for _ in range(10)))
    assert sum(results) == 1


async def test_duplicate_reading_is_ignored_and_purge_removes_old_history(
    db: Database, cipher: CredentialCipher
) -> None:
    _, vehicle_id = await f.linked_zoe(db, cipher)
    clock, history = FakeClock(), SqlHistoryRepository(db)
    first = BatteryReading(vehicle_id, clock(), 50, 200.0, True, 7.2)
    assert await history.add_reading(first)
    assert not await history.add_reading(BatteryReading(vehicle_id, clock(), 99))
    later = BatteryReading(vehicle_id, clock.advance(600), 52, 208.0, True, 7.1)
    await history.add_reading(later)
    await history.add_session(ChargeSession(vehicle_id, first.reported_at, start_level=50))
    await history.add_session(ChargeSession(vehicle_id, first.reported_at, later.reported_at, 50, 52, 1.1))

    assert await history.readings(vehicle_id, first.reported_at) == [first, later]
    assert await history.sessions(vehicle_id, 5) == [
        ChargeSession(vehicle_id, first.reported_at, later.reported_at, 50, 52, 1.1)
    ]
    assert await history.purge(later.reported_at) == 2
    assert await history.readings(vehicle_id, first.reported_at) == [later]


async def test_preferences_default_then_round_trip(db: Database, cipher: CredentialCipher) -> None:
    _, vehicle_id = await f.linked_zoe(db, cipher)
    prefs = SqlPreferencesRepository(db)
    assert await prefs.get(100, vehicle_id) == NotificationPreferences()
    custom = NotificationPreferences(enabled=frozenset({NotificationKind.CHARGE_COMPLETE}), target_level=80)
    await prefs.save(100, vehicle_id, custom)

    assert await prefs.get(100, vehicle_id) == custom
    (subscriber,) = await SqlVehicleRepository(db, cipher).chats_for_vehicle(vehicle_id)
    assert subscriber.preferences == custom
    assert subscriber.role is Role.OWNER


async def test_invite_links_a_chat_once_and_expires(db: Database, cipher: CredentialCipher) -> None:
    account_id, vehicle_id = await f.linked_zoe(db, cipher)
    clock, invites = FakeClock(), SqlInviteRepository(db)
    hour = clock() + timedelta(hours=1)
    await invites.create(account_id, Role.VIEWER, "invite-token-1", hour, owner_name="Ann", now=clock())
    await invites.create(account_id, Role.DRIVER, "invite-token-2", hour, owner_name="Ann", now=clock())

    redeemed = await invites.redeem("invite-token-1", 300, "Bob", clock())
    assert redeemed == RedeemedInvite(account_id, Role.VIEWER)
    with pytest.raises(InviteInvalid) as used:
        await invites.redeem("invite-token-1", 400, "Cy", clock())
    assert used.value.problem is InviteProblem.USED
    with pytest.raises(InviteInvalid) as expired:
        await invites.redeem("invite-token-2", 400, "Cy", clock.advance(3601))
    assert expired.value.problem is InviteProblem.EXPIRED
    (seen,) = await SqlVehicleRepository(db, cipher).vehicles_for_chat(300)
    assert (seen.vehicle_id, seen.role) == (vehicle_id, Role.VIEWER)
    members = await SqlMemberRepository(db).members(account_id)
    assert [(m.name, m.role) for m in members] == [("", Role.OWNER), ("Bob", Role.VIEWER)]


async def test_a_revoked_invite_cannot_be_used_and_is_no_longer_pending(
    db: Database, cipher: CredentialCipher
) -> None:
    account_id, _ = await f.linked_zoe(db, cipher)
    clock, invites = FakeClock(), SqlInviteRepository(db)
    created = await invites.create(
        account_id, Role.VIEWER, "invite-token-3", clock() + timedelta(hours=1), owner_name="Ann", now=clock()
    )
    assert [i.ref for i in await invites.pending(account_id, clock())] == [created.ref]
    assert not await invites.revoke(account_id, "%" * len(created.ref), clock())  # a forged LIKE pattern
    assert not await invites.revoke(account_id + 1, created.ref, clock())  # another account's invite
    assert await invites.revoke(account_id, created.ref, clock())
    assert await invites.pending(account_id, clock()) == []
    with pytest.raises(InviteInvalid) as revoked:
        await invites.redeem("invite-token-3", 300, "Bob", clock())
    assert revoked.value.problem is InviteProblem.REVOKED


async def test_unsupported_endpoint_is_removed_from_capabilities(
    db: Database, cipher: CredentialCipher
) -> None:
    from bot.domain.vehicle import Capabilities

    _, vehicle_id = await f.linked_zoe(db, cipher)
    vehicles = SqlVehicleRepository(db, cipher)
    await vehicles.set_capabilities(vehicle_id, Capabilities(frozenset({"battery-status", "hvac-start"})))
    await vehicles.mark_unsupported(vehicle_id, "hvac-start")

    assert await vehicles.capabilities(vehicle_id) == Capabilities(frozenset({"battery-status"}))


async def test_chat_settings_round_trip_and_reactivate(db: Database) -> None:
    from datetime import time

    from bot.domain.preferences import QuietHours, Units

    chats = SqlChatRepository(db)
    created = await chats.ensure(7, "de")
    assert created.language == "de"
    changed = type(created)(7, "fr", "Europe/Paris", Units.MILES, 19.5, QuietHours(time(22), time(7)))
    await chats.save(changed)
    await chats.deactivate(7)
    assert (await chats.get(7)) == dataclasses.replace(changed, active=False)
    assert (await chats.ensure(7, "en")) == changed


async def test_a_state_saved_after_its_vehicle_was_deleted_does_not_come_back(
    db: Database, cipher: CredentialCipher
) -> None:
    account_id, vehicle_id = await f.linked_zoe(db, cipher)
    states, now = SqlVehicleStateRepository(db), FakeClock()()
    polled = StoredVehicleState(vehicle_id, VehicleSnapshot(f.VIN, now, 64), "idle", now, PollMemory(), now)
    await SqlAccountRepository(db, cipher).delete_account(account_id)  # a logout while the poll was running

    await states.save_many([polled])

    assert await states.load(vehicle_id) == StoredVehicleState(vehicle_id)
