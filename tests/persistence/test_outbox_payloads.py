"""The outbox store speaks typed payloads: it stores the event without its VIN (the vehicle row has it), reads
the VIN back from the vehicle, and still reads the rows an earlier release wrote; on every engine."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlmodel import col

from bot.app.parts import EVENT_TYPES
from bot.domain.events import CredentialsExpired, LowBattery, Plugged
from bot.persistence.crypto import CredentialCipher
from bot.persistence.engine import Database
from bot.persistence.outbox import SqlNotificationLog, payload_from_json, payload_to_json
from bot.persistence.tables import NotificationLogRow
from bot.services.ports import OutboxPayload
from tests.persistence import factories as f

AT = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


def _old_rows(vehicle_id: int) -> dict[str, dict[str, Any]]:
    """notification_log.payload by key, exactly as the release that kept it as a plain dict wrote it."""
    return {
        f"vehicle{vehicle_id}:plugged:{AT.isoformat()}@100": {
            "event": {
                "vin": "@vehicle@",
                "reported_at": "2026-11-02T08:00:00+00:00",
                "battery_level": 40,
                "type": "Plugged",
            },
            "vehicle_id": vehicle_id,
            "deferred": True,
        },
        "account:3:service_status:credentials@100": {
            "event": {
                "scope": "account:3",
                "since": "2026-11-02T08:00:00+00:00",
                "for_member": False,
                "type": "CredentialsExpired",
            },
            "vehicle_id": None,
            "deferred": False,
        },
    }


def test_a_payload_round_trips_through_json_without_its_vin() -> None:
    payload = OutboxPayload(LowBattery(f.VIN, AT, 15, threshold=20), vehicle_id=3, deferred=True)
    stored = payload_to_json(payload)
    assert f.VIN not in json.dumps(stored)  # the outbox never holds a VIN: the vehicle row does
    assert stored["vehicle_id"] == 3
    assert payload_from_json(json.loads(json.dumps(stored)), EVENT_TYPES, vin=f.VIN) == payload


def test_an_event_of_a_vehicle_that_is_gone_cannot_be_read() -> None:
    stored = payload_to_json(f.ping(3))
    with pytest.raises(ValueError, match="gone"):
        payload_from_json(stored, EVENT_TYPES)


def test_a_corrupt_payload_is_reported_as_unreadable() -> None:
    with pytest.raises(ValueError, match="event"):
        payload_from_json({"event": {"type": "os.system"}}, EVENT_TYPES)
    with pytest.raises(ValueError, match="event"):
        payload_from_json({}, EVENT_TYPES)
    with pytest.raises(ValueError, match="event"):
        payload_from_json(None, EVENT_TYPES)


async def test_a_reserved_ping_reads_back_typed_naming_its_car(
    db: Database, cipher: CredentialCipher
) -> None:
    _, vehicle_id = await f.linked_zoe(db, cipher)
    log = SqlNotificationLog(db, EVENT_TYPES)
    assert await log.reserve("ping", 100, f.ping(vehicle_id), AT, vehicle_id=vehicle_id)
    async with db.read() as session:
        stored = await session.scalar(select(col(NotificationLogRow.payload)))
    assert f.VIN not in json.dumps(stored)
    (entry,) = await log.pending(AT, 10)
    assert entry.payload == f.ping(vehicle_id)


async def test_rows_the_previous_release_wrote_still_read(db: Database, cipher: CredentialCipher) -> None:
    _, vehicle_id = await f.linked_zoe(db, cipher)
    async with db.write() as session:
        for key, payload in _old_rows(vehicle_id).items():
            owner = vehicle_id if payload["vehicle_id"] is not None else None
            session.add(
                NotificationLogRow(
                    dedup_key=key, chat_id=100, vehicle_id=owner, payload=payload, deliver_at=AT
                )
            )
    payloads = {
        entry.dedup_key: entry.payload for entry in await SqlNotificationLog(db, EVENT_TYPES).pending(AT, 10)
    }
    assert payloads == {
        f"vehicle{vehicle_id}:plugged:{AT.isoformat()}@100": OutboxPayload(
            Plugged(f.VIN, AT, 40), vehicle_id, deferred=True
        ),
        "account:3:service_status:credentials@100": OutboxPayload(
            CredentialsExpired(scope="account:3", since=AT)
        ),
    }


async def test_an_unreadable_row_reads_without_a_payload(db: Database, cipher: CredentialCipher) -> None:
    _, vehicle_id = await f.linked_zoe(db, cipher)
    async with db.write() as session:
        session.add(
            NotificationLogRow(
                dedup_key="corrupt", chat_id=100, payload={"event": {"type": "Nope"}}, deliver_at=AT
            )
        )
        # A payload naming a vehicle that is not there (its row would be deleted with it: a race at most).
        gone = payload_to_json(f.ping(vehicle_id + 1))
        session.add(NotificationLogRow(dedup_key="gone", chat_id=100, payload=gone, deliver_at=AT))
    entries = await SqlNotificationLog(db, EVENT_TYPES).pending(AT, 10)
    assert {entry.dedup_key: entry.payload for entry in entries} == {"corrupt": None, "gone": None}
