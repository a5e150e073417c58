"""Bulk reads and writes the poller's batches use, on every engine."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

import pytest

from bot.app.parts import EVENT_TYPES
from bot.domain.poll_memory import PollMemory
from bot.domain.preferences import ChatSettings
from bot.persistence.accounts import SqlAccountRepository
from bot.persistence.chats import SqlChatRepository
from bot.persistence.crypto import CredentialCipher
from bot.persistence.engine import Database
from bot.persistence.outbox import SqlNotificationLog
from bot.persistence.state import SqlVehicleStateRepository
from bot.persistence.vehicles import SqlVehicleRepository
from bot.services.outbox_ports import NewPing
from bot.services.ports import StoredVehicleState
from tests.persistence import factories as f
from tests.support.clock import FakeClock

pytestmark = pytest.mark.slow  # measured: most of its tests take over a second


async def _fleet(db: Database, cipher: CredentialCipher, count: int = 3) -> tuple[int, list[int]]:
    vehicles = [f.zoe(vin=f"VF1AG000X6423{n:04d}") for n in range(count)]
    return await SqlAccountRepository(db, cipher).create_linked(100, "fr_FR", f.EMAIL, f.secrets(), vehicles)


async def test_bulk_reads_match_the_single_reads(db: Database, cipher: CredentialCipher) -> None:
    account_id, ids = await _fleet(db, cipher)
    await SqlChatRepository(db).save(ChatSettings(100, language="fr"))
    vehicles, states = SqlVehicleRepository(db, cipher), SqlVehicleStateRepository(db)

    many = await vehicles.get_many([*ids, 999])
    subscribers = await vehicles.chats_for_vehicles(ids)
    loaded = await states.load_many(ids)

    assert many == {vid: await vehicles.get(vid) for vid in ids}
    assert subscribers == {vid: await vehicles.chats_for_vehicle(vid) for vid in ids}
    assert [s.settings.chat_id for s in subscribers[ids[0]]] == [100]
    assert loaded == {vid: await states.load(vid) for vid in ids}
    accounts = await SqlAccountRepository(db, cipher).with_credentials([account_id, 999])
    assert list(accounts) == [account_id]


async def test_save_many_and_release_many_write_every_vehicle(db: Database, cipher: CredentialCipher) -> None:
    _, ids = await _fleet(db, cipher)
    states, clock = SqlVehicleStateRepository(db), FakeClock()
    assert sorted(await states.claim_due(clock(), 10, "me", 60)) == sorted(ids)

    later = {vid: clock() + timedelta(minutes=n + 1) for n, vid in enumerate(ids)}
    saved = [
        dataclasses.replace(StoredVehicleState(vid), phase="parked", memory=PollMemory(follow_ups=vid))
        for vid in ids
    ]
    await states.save_many(saved)
    await states.release_many("someone-else", {vid: clock() for vid in ids})  # not their leases
    assert await states.claim_due(clock.advance(30), 10, "other", 60) == []  # still leased to me
    await states.release_many("me", later)

    for vid in ids:
        state = await states.load(vid)
        assert (state.phase, state.memory, state.next_poll_at) == (
            "parked",
            PollMemory(follow_ups=vid),
            later[vid],
        )
    assert await states.claim_due(clock.advance(45), 10, "other", 60) == [ids[0]]


async def test_new_credentials_are_used_at_once_despite_the_decryption_cache(
    db: Database, cipher: CredentialCipher
) -> None:
    account_id, _ = await _fleet(db, cipher, 1)
    repo = SqlAccountRepository(db, cipher)
    other_process = SqlAccountRepository(db, cipher)
    assert (await repo.credentials(account_id)).login_token == f.LOGIN_TOKEN

    await other_process.update_credentials(account_id, f.secrets(token="st2.new-token"))

    assert (await repo.credentials(account_id)).login_token == "st2.new-token"
    ((_, secrets),) = (await repo.with_credentials([account_id])).values()
    assert secrets.login_token == "st2.new-token"


def _ping(key: str, chat_id: int, vehicle_id: int, at: datetime) -> NewPing:
    return NewPing(key, chat_id, f.ping(vehicle_id), at, vehicle_id)


async def test_commit_sweep_reserves_new_pings_and_stores_states_together(
    db: Database, cipher: CredentialCipher
) -> None:
    _, ids = await _fleet(db, cipher, 2)
    await SqlChatRepository(db).save(ChatSettings(100))
    states, outbox, now = SqlVehicleStateRepository(db), SqlNotificationLog(db, EVENT_TYPES), FakeClock()()
    assert await outbox.reserve("old", 100, f.ping(ids[0]), now, vehicle_id=ids[0])
    saved = [
        dataclasses.replace(StoredVehicleState(vid), phase="charging", memory=PollMemory(follow_ups=vid))
        for vid in ids
    ]

    reserved = await states.commit_sweep(
        saved,
        [_ping("old", 100, ids[0], now), _ping("new", 100, ids[1], now), _ping("new", 100, ids[1], now)],
    )

    assert [entry.dedup_key for entry in reserved] == ["new"]  # the replayed key stays out, once each
    assert sorted(entry.dedup_key for entry in await outbox.pending(now, 10)) == ["new", "old"]
    assert [(await states.load(vid)).memory for vid in ids] == [PollMemory(follow_ups=vid) for vid in ids]


async def test_commit_sweep_skips_a_ping_whose_chat_is_gone_and_keeps_the_rest(
    db: Database, cipher: CredentialCipher
) -> None:
    _, ids = await _fleet(db, cipher, 1)
    await SqlChatRepository(db).save(ChatSettings(100))
    states, now = SqlVehicleStateRepository(db), FakeClock()()
    saved = [dataclasses.replace(StoredVehicleState(ids[0]), phase="parked")]

    reserved = await states.commit_sweep(
        saved, [_ping("gone", 999, ids[0], now), _ping("kept", 100, ids[0], now)]
    )

    assert [entry.dedup_key for entry in reserved] == ["kept"]
    assert (await states.load(ids[0])).phase == "parked"
