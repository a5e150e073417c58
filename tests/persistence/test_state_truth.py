"""The stored state never goes back in time, and says how the last read went, on every engine."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import select, text, update
from sqlmodel import col

from bot.domain.poll_memory import PollMemory
from bot.domain.snapshot import GeoPoint, VehicleSnapshot
from bot.persistence.crypto import CredentialCipher
from bot.persistence.engine import Database
from bot.persistence.state import SqlVehicleStateRepository
from bot.persistence.tables import VehicleStateRow
from bot.services.ports import PollHealth, StoredVehicleState
from tests.persistence import factories as f
from tests.support.clock import FakeClock
from tests.support.stored_rows import AT, CHARGE, charging, old_poll_memory


async def test_an_older_poll_result_does_not_replace_a_newer_refresh(
    db: Database, cipher: CredentialCipher
) -> None:
    _, vehicle_id = await f.linked_zoe(db, cipher)
    states, now = SqlVehicleStateRepository(db), FakeClock()()
    polled = VehicleSnapshot(f.VIN, now, 60)
    # A Refresh stores a newer reading while a poll that read the older one is still running.
    refreshed = await states.record_read(
        vehicle_id, VehicleSnapshot(f.VIN, now + timedelta(minutes=1), 4), "idle", now
    )
    await states.save(
        StoredVehicleState(
            vehicle_id,
            polled,
            "idle",
            now,
            PollMemory(follow_ups=3),
            now + timedelta(minutes=5),
            health=PollHealth.OK,
            health_at=now,
            read_at=now,
        )
    )
    stored = await states.load(vehicle_id)
    assert refreshed.snapshot is not None
    assert refreshed.snapshot.battery_level == 4
    assert stored.snapshot is not None
    assert stored.snapshot.battery_level == 4
    assert stored.car_reported_at == now + timedelta(minutes=1)
    assert stored.memory == PollMemory(follow_ups=3)  # the poller's own memory is still its to write


async def test_a_refresh_reading_older_than_the_stored_one_keeps_the_stored_one(
    db: Database, cipher: CredentialCipher
) -> None:
    _, vehicle_id = await f.linked_zoe(db, cipher)
    states, now = SqlVehicleStateRepository(db), FakeClock()()
    await states.record_read(vehicle_id, VehicleSnapshot(f.VIN, now, 30), "idle", now)
    later = now + timedelta(minutes=2)
    stored = await states.record_read(
        vehicle_id, VehicleSnapshot(f.VIN, now - timedelta(hours=1), 80), "idle", later
    )
    assert stored.snapshot is not None
    assert stored.snapshot.battery_level == 30
    assert (stored.health, stored.read_at) == (PollHealth.OK, later)


async def test_a_failed_read_keeps_the_reading_and_records_the_health(
    db: Database, cipher: CredentialCipher
) -> None:
    _, vehicle_id = await f.linked_zoe(db, cipher)
    states, now = SqlVehicleStateRepository(db), FakeClock()()
    await states.record_read(vehicle_id, VehicleSnapshot(f.VIN, now, 30), "idle", now)
    later = now + timedelta(minutes=3)
    stored = await states.record_failure(vehicle_id, PollHealth.QUOTA, later)
    assert stored.snapshot is not None
    assert stored.snapshot.battery_level == 30
    assert (stored.health, stored.health_at, stored.read_at) == (PollHealth.QUOTA, later, now)


async def test_a_position_read_is_stored_in_the_reading_unless_a_newer_one_is(
    db: Database, cipher: CredentialCipher
) -> None:
    _, vehicle_id = await f.linked_zoe(db, cipher)
    states, now = SqlVehicleStateRepository(db, cipher), FakeClock()()
    nothing_yet = await states.record_location(vehicle_id, GeoPoint(1.0, 2.0, now, now))
    await states.record_read(vehicle_id, VehicleSnapshot(f.VIN, now, 30), "idle", now)
    newer = GeoPoint(45.75, 4.85, now + timedelta(minutes=5), now + timedelta(minutes=6))
    await states.record_location(vehicle_id, newer)
    kept = await states.record_location(vehicle_id, GeoPoint(43.3, 5.4, now, now + timedelta(minutes=7)))
    stored = await states.load(vehicle_id)
    assert nothing_yet.snapshot is None  # no reading to hold it yet
    assert kept.snapshot is not None
    assert kept.snapshot.location == newer
    assert stored.snapshot is not None
    assert stored.snapshot.location == newer  # read_at survives the round trip too
    assert stored.snapshot.battery_level == 30


async def test_the_stored_position_is_encrypted_and_a_poll_keeps_it(
    db: Database, cipher: CredentialCipher
) -> None:
    _, vehicle_id = await f.linked_zoe(db, cipher)
    states, now = SqlVehicleStateRepository(db, cipher), FakeClock()()
    await states.record_read(vehicle_id, VehicleSnapshot(f.VIN, now, 30), "idle", now)
    await states.record_location(vehicle_id, GeoPoint(45.123456, 4.987654, now, now))
    polled = await states.load(vehicle_id)
    later = VehicleSnapshot(f.VIN, now + timedelta(minutes=10), 29)  # a poll's reading: no position read
    await states.save_many([replace(polled, snapshot=later)])
    async with db.engine.connect() as connection:
        row = (await connection.execute(text("SELECT * FROM vehicle_states"))).mappings().one()
    plain = " ".join(str(value) for key, value in row.items() if key != "location_enc")
    assert "45.12" not in plain  # nowhere in clear, the snapshot's JSON included
    assert "4.98" not in plain
    assert "45.123456" in cipher.decrypt(row["location_enc"])
    stored = await states.load(vehicle_id)
    assert stored.snapshot is not None
    assert stored.snapshot.battery_level == 29
    assert stored.snapshot.location == GeoPoint(45.123456, 4.987654, now, now)  # the poll did not drop it
    without_key = await SqlVehicleStateRepository(db).load(vehicle_id)
    assert without_key.snapshot is not None
    assert without_key.snapshot.location is None


async def test_a_memory_the_previous_release_stored_still_reads(
    db: Database, cipher: CredentialCipher
) -> None:
    _, vehicle_id = await f.linked_zoe(db, cipher)
    async with db.write() as session:
        await session.execute(
            update(VehicleStateRow)
            .where(col(VehicleStateRow.vehicle_id) == vehicle_id)
            .values(memory=old_poll_memory())
        )
    states = SqlVehicleStateRepository(db)
    stored = await states.load(vehicle_id)
    assert stored.memory.tracked(42) == charging()
    assert (stored.memory.follow_ups, stored.memory.cockpit_at) == (2, AT)
    assert stored.memory.charge.in_progress == CHARGE  # the chats' charge, now the vehicle's tracker's
    await states.save(stored)  # written back in the same form: an older replica reads it
    async with db.read() as session:
        written = await session.scalar(select(col(VehicleStateRow.memory)))
    old = old_poll_memory()
    for chat in old["chats"].values():
        del chat["session"]  # optional there: an older replica reads it as none
    assert isinstance(written, dict)
    assert written.pop("charge")["charge"] == {
        "started_at": "2026-11-30T06:00:00+00:00",
        "start_level": 50,
        "start_energy_kwh": 26.0,
    }
    assert written == old
