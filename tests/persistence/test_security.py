"""Credential keys, rotation, URL parsing, secrets at rest on disk, and concurrent SQLite writes."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest

from bot.domain.history import BatteryReading
from bot.domain.poll_memory import PollMemory
from bot.domain.snapshot import VehicleSnapshot
from bot.features.history.store import SqlHistoryRepository
from bot.persistence.accounts import SqlAccountRepository
from bot.persistence.crypto import CredentialCipher, CredentialKeyError, generate_key
from bot.persistence.engine import Database, DatabaseUrlError, parse_database_url
from bot.persistence.keys import rotate_keys
from bot.persistence.state import SqlVehicleStateRepository
from bot.services.ports import StoredVehicleState
from tests.persistence import factories as f
from tests.support.clock import FakeClock


@pytest.mark.parametrize("value", [None, "", " , "])
def test_missing_key_tells_the_operator_to_run_keygen(value: str | None) -> None:
    with pytest.raises(CredentialKeyError, match=r"CREDENTIALS_KEY.*python -m bot keygen"):
        CredentialCipher.from_setting(value)


def test_malformed_key_names_the_variable_never_the_value() -> None:
    bad = "not-a-real-fernet-key-but-secret"
    with pytest.raises(CredentialKeyError) as caught:
        CredentialCipher.from_setting(f"{generate_key()},{bad}")
    assert "CREDENTIALS_KEY" in str(caught.value)
    assert "key 2" in str(caught.value)
    assert bad not in str(caught.value)


def test_first_key_encrypts_and_every_key_decrypts() -> None:
    old, new = generate_key(), generate_key()
    token = CredentialCipher.from_setting(old).encrypt("hello")
    both = CredentialCipher.from_setting(f"{new},{old}")
    assert both.decrypt(token) == "hello"
    assert not both.is_current(token)
    assert both.is_current(both.encrypt("hello"))
    assert old not in repr(both)


async def test_rotation_reencrypts_with_the_first_key_and_is_idempotent(sqlite_db: Database) -> None:
    old, new = generate_key(), generate_key()
    accounts = SqlAccountRepository(sqlite_db, CredentialCipher.from_setting(old))
    account_id, _ = await accounts.create_linked(100, "fr_FR", f.EMAIL, f.secrets(), [f.zoe()])

    rotated = CredentialCipher.from_setting(f"{new},{old}")
    assert (await rotate_keys(sqlite_db, rotated)).rotated == 2  # the account row and the vehicle row
    assert (await rotate_keys(sqlite_db, rotated)).rotated == 0
    only_new = SqlAccountRepository(sqlite_db, CredentialCipher.from_setting(new))
    assert await only_new.credentials(account_id) == f.secrets()


@pytest.mark.parametrize(
    ("raw", "driver", "database"),
    [
        ("sqlite:///data/bot.db", "sqlite+aiosqlite", "data/bot.db"),
        ("sqlite:////var/lib/bot/bot.db", "sqlite+aiosqlite", "/var/lib/bot/bot.db"),
        ("postgresql://bot@db:5432/bot", "postgresql+asyncpg", "bot"),
        ("postgres://bot@db/bot", "postgresql+asyncpg", "bot"),
        (None, "sqlite+aiosqlite", "data/bot.db"),
    ],
)
def test_database_urls_are_mapped_to_async_drivers(raw: str | None, driver: str, database: str) -> None:
    target = parse_database_url(raw)
    assert target.url.drivername == driver
    assert target.url.database == database


@pytest.mark.parametrize(
    "raw", ["mysql://u:hunter2@h/db", "not a url", "sqlite://", "postgresql://u:hunter2@/"]
)
def test_unsupported_or_malformed_url_is_refused_without_the_password(raw: str) -> None:
    with pytest.raises(DatabaseUrlError, match="DATABASE_URL") as caught:
        parse_database_url(raw)
    assert "hunter2" not in str(caught.value)


def _disk_bytes(database: Database) -> bytes:
    path = database.target.sqlite_path
    assert path is not None
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())


async def test_secrets_are_not_on_disk_and_logout_leaves_no_trace(sqlite_db: Database) -> None:
    cipher = CredentialCipher.from_setting(generate_key())
    accounts = SqlAccountRepository(sqlite_db, cipher)
    account_id, (vehicle_id,) = await accounts.create_linked(100, "fr_FR", f.EMAIL, f.secrets(), [f.zoe()])
    now = FakeClock()()
    await SqlVehicleStateRepository(sqlite_db).save(
        StoredVehicleState(vehicle_id, VehicleSnapshot(f.VIN, now, 60), "idle", now, PollMemory(), now)
    )
    await SqlHistoryRepository(sqlite_db).add_reading(BatteryReading(vehicle_id, now, 60))

    linked = _disk_bytes(sqlite_db)
    for secret in (f.PASSWORD, f.LOGIN_TOKEN, f.JWT, f.EMAIL, f.PERSON_ID, f.KAMEREON_ACCOUNT):
        assert secret.encode() not in linked
    assert f.VIN.encode() in linked  # sanity: the scan does see stored data

    await accounts.delete_account(account_id)
    gone = _disk_bytes(sqlite_db)
    for value in (f.EMAIL, f.VIN, f.KAMEREON_ACCOUNT, f.LOGIN_TOKEN, f.PERSON_ID):
        assert value.encode() not in gone


async def test_many_concurrent_writers_never_hit_database_is_locked(sqlite_db: Database) -> None:
    cipher = CredentialCipher.from_setting(generate_key())
    _, (vehicle_id,) = await SqlAccountRepository(sqlite_db, cipher).create_linked(
        100, "fr_FR", f.EMAIL, f.secrets(), [f.zoe()]
    )
    history, states, clock = (
        SqlHistoryRepository(sqlite_db),
        SqlVehicleStateRepository(sqlite_db),
        FakeClock(),
    )
    start = clock()
    writes = [
        history.add_reading(BatteryReading(vehicle_id, start + timedelta(minutes=i), i)) for i in range(60)
    ]
    claims = [states.claim_due(start, 5, f"owner-{i}", 60) for i in range(20)]
    stored, claimed = await asyncio.gather(asyncio.gather(*writes), asyncio.gather(*claims))

    assert all(stored)
    assert len(await history.readings(vehicle_id, start)) == 60
    assert sum(len(ids) for ids in claimed) == 1
