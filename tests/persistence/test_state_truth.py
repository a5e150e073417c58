"""The stored state never goes back in time, and says how the last read went, on every engine."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.account import PollHealth, StoredVehicleState
from bot.domain.snapshot import GeoPoint, VehicleSnapshot
from bot.persistence.crypto import CredentialCipher
from bot.persistence.engine import Database
from bot.persistence.state import SqlVehicleStateRepository
from tests.persistence import factories as f
from tests.support.clock import FakeClock


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
            {"kept": True},
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
    assert stored.memory == {"kept": True}  # the poller's own memory is still its to write


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
    states, now = SqlVehicleStateRepository(db), FakeClock()()
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
