"""The cost store on every engine: home encrypted and rotated, priced sessions exact, the monthly claim won
once, and logout leaving neither the priced sessions nor the home behind."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlmodel import col

from bot.domain.pricing import EnergyMethod, Unpriced
from bot.features.costs.logic import AwaitedPrice, AwayPrice, CostSettings, Home, Place, SessionCost
from bot.features.costs.store import SqlCostStore
from bot.features.history.store import SqlHistoryRepository
from bot.persistence.accounts import SqlAccountRepository
from bot.persistence.crypto import CredentialCipher, generate_key
from bot.persistence.engine import Database
from bot.persistence.keys import rotate_keys
from bot.persistence.tables import CostSettingsRow, SessionCostRow
from tests.persistence import factories as f

pytestmark = pytest.mark.slow  # measured: most of its tests take over a second

START = datetime(2026, 11, 18, 22, 0, tzinfo=UTC)
HOME = Home(48.85661, 2.35222, 300)


def _priced(vehicle_id: int) -> SessionCost:
    return SessionCost(
        100,
        vehicle_id,
        START,
        START + timedelta(hours=4),
        Place.AWAY,
        battery_kwh=Decimal("20.8"),
        grid_kwh=Decimal("23.111111"),
        method=EnergyMethod.LEVELS,
        cost=Decimal("10.400000"),
        currency="EUR",
        gaps=True,
        plugged_at=START - timedelta(hours=3),
        at_plug_in=Decimal("12.000001"),
        away=AwayPrice(per_kwh=Decimal("0.45")),
    )


async def test_settings_and_costs_round_trip_exactly(db: Database, cipher: CredentialCipher) -> None:
    _, vehicle_id = await f.linked_zoe(db, cipher)
    store = SqlCostStore(db, cipher)
    assert await store.settings(100) == CostSettings(100)
    await store.save_settings(CostSettings(100, HOME, Decimal("0.15"), monthly_summary=False))
    assert await store.settings(100) == CostSettings(100, HOME, Decimal("0.15"), False)
    await store.save_cost(_priced(vehicle_id))
    assert await store.costs(100, START, START + timedelta(seconds=1)) == [_priced(vehicle_id)]
    unpriced = SessionCost(100, vehicle_id, START, None, Place.HOME, reason=Unpriced.ONGOING)
    await store.save_cost(unpriced)
    assert await store.costs(100, START, START + timedelta(seconds=1)) == [unpriced]


async def test_home_is_encrypted_and_rotated_with_the_credentials_key(db: Database) -> None:
    old, new = generate_key(), generate_key()
    cipher = CredentialCipher.from_setting(old)
    await f.linked_zoe(db, cipher)
    await SqlCostStore(db, cipher).save_settings(CostSettings(100, HOME))
    async with db.read() as session:
        token = await session.scalar(select(col(CostSettingsRow.home_enc)))
    assert token is not None
    assert "48.85661" not in token
    assert json.loads(cipher.decrypt(token))["lat"] == HOME.latitude
    rotated = CredentialCipher.from_setting(f"{new},{old}")
    assert (await rotate_keys(db, rotated)).rotated == 3  # account, vehicle, home
    only_new = CredentialCipher.from_setting(new)
    assert (await SqlCostStore(db, only_new).settings(100)).home == HOME


async def test_a_home_no_key_reads_survives_other_changes_and_comes_back_with_the_key(db: Database) -> None:
    right = CredentialCipher.from_setting(generate_key())
    await f.linked_zoe(db, right)
    await SqlCostStore(db, right).save_settings(CostSettings(100, HOME))
    wrong = SqlCostStore(db, CredentialCipher.from_setting(generate_key()))
    unreadable = await wrong.settings(100)
    assert unreadable.home is None
    await wrong.save_settings(dataclasses.replace(unreadable, loss=Decimal("0.15")))  # another change

    restored = await SqlCostStore(db, right).settings(100)
    assert (restored.home, restored.loss) == (HOME, Decimal("0.15"))
    await SqlCostStore(db, right).save_settings(dataclasses.replace(restored, home=None))  # a real "forget"
    assert (await SqlCostStore(db, right).settings(100)).home is None


async def test_the_monthly_summary_is_claimed_once_per_month(db: Database, cipher: CredentialCipher) -> None:
    await f.linked_zoe(db, cipher)
    store = SqlCostStore(db, cipher)
    november = date(2026, 11, 1)
    assert await store.summary_chats() == [100]
    assert await store.unsent_monthly(100, november)
    assert await store.claim_monthly(100, november)
    assert not await store.claim_monthly(100, november)
    assert not await store.unsent_monthly(100, november)
    assert not await store.claim_monthly(100, date(2026, 10, 1))  # an older month never goes out later
    await store.save_settings(CostSettings(100, monthly_summary=False))
    assert await store.summary_chats() == []


async def test_logout_deletes_priced_sessions_and_the_home(db: Database, cipher: CredentialCipher) -> None:
    account_id, vehicle_id = await f.linked_zoe(db, cipher)
    store = SqlCostStore(db, cipher)
    await store.save_settings(CostSettings(100, HOME))
    await store.save_cost(_priced(vehicle_id))
    await SqlAccountRepository(db, cipher).delete_account(account_id)
    async with db.read() as session:
        assert await session.scalar(select(func.count()).select_from(SessionCostRow)) == 0
        assert await session.scalar(select(func.count()).select_from(CostSettingsRow)) == 0


async def test_priced_sessions_are_purged_with_the_history(db: Database, cipher: CredentialCipher) -> None:
    _, vehicle_id = await f.linked_zoe(db, cipher)
    store = SqlCostStore(db, cipher)
    await store.save_cost(_priced(vehicle_id))
    kept = SessionCost(100, vehicle_id, START + timedelta(days=2), None, Place.HOME, reason=Unpriced.ONGOING)
    await store.save_cost(kept)
    assert await SqlHistoryRepository(db).purge(START + timedelta(days=1)) == 1
    assert await store.costs(100, START - timedelta(days=1), START + timedelta(days=3)) == [kept]


async def test_the_price_question_round_trips_and_expires(db: Database, cipher: CredentialCipher) -> None:
    await f.linked_zoe(db, cipher)
    store = SqlCostStore(db, cipher)
    asked = AwaitedPrice(7, START, START + timedelta(minutes=10))
    await store.set_awaiting(100, asked)
    assert await store.awaiting(100, START) == asked
    assert await store.awaiting(100, START + timedelta(minutes=10)) is None  # expired
    await store.set_awaiting(100, None)
    assert await store.awaiting(100, START) is None


async def test_a_price_question_stored_by_the_previous_version_still_reads(
    db: Database, cipher: CredentialCipher
) -> None:
    # The row exactly as the release that kept the question as a plain dict wrote it, and the row written
    # now has the same shape (an older replica in a rolling deploy reads it too).
    old_row = {
        "what": "away_price",
        "vehicle_id": 7,
        "started_at": START.isoformat(),
        "until": (START + timedelta(minutes=10)).isoformat(),
    }
    await f.linked_zoe(db, cipher)
    async with db.write() as session:
        session.add(CostSettingsRow(chat_id=100, awaiting=old_row))
    store = SqlCostStore(db, cipher)
    asked = AwaitedPrice(7, START, START + timedelta(minutes=10))
    assert await store.awaiting(100, START) == asked
    await store.set_awaiting(100, asked)
    async with db.read() as session:
        assert await session.scalar(select(col(CostSettingsRow.awaiting))) == old_row


async def test_an_unreadable_price_question_reads_as_none(db: Database, cipher: CredentialCipher) -> None:
    await f.linked_zoe(db, cipher)
    async with db.write() as session:
        session.add(CostSettingsRow(chat_id=100, awaiting={"what": "away_price", "vehicle_id": 7}))
    assert await SqlCostStore(db, cipher).awaiting(100, START) is None
