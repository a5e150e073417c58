"""Notification outbox: each ping reserved once by its dedup key, claimed with a lease, then sent or dropped;
and the pauses of Telegram sends that every replica honours."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.domain.events import EventTypes, event_to_json
from bot.persistence.engine import Database
from bot.persistence.tables import NotificationLogRow, SendPauseRow, VehicleRow
from bot.services.outbox_ports import NewPing
from bot.services.ports import OutboxEntry, OutboxPayload

PENDING, SENT, DROPPED = "pending", "sent", "dropped"
# What stands for the VIN in a stored payload: the outbox never holds a VIN, the vehicle row does (and the
# outbox row is deleted with it). Read back from the vehicle when the entry is read.
VIN_MARK = "@vehicle@"


def payload_to_json(payload: OutboxPayload) -> dict[str, Any]:
    """The stored form of a ping's payload: the event as JSON with its VIN left out (`VIN_MARK` stands for it
    wherever it appeared), its vehicle, and whether quiet hours deferred it."""
    encoded = event_to_json(payload.event)
    vin = getattr(payload.event, "vin", None)
    if isinstance(vin, str) and vin:
        encoded = json.loads(json.dumps(encoded).replace(vin, VIN_MARK))
    return {"event": encoded, "vehicle_id": payload.vehicle_id, "deferred": payload.deferred}


def payload_from_json(raw: object, events: EventTypes, *, vin: str | None = None) -> OutboxPayload:
    """The payload stored by `payload_to_json`, its event one of `events` naming the vehicle's `vin` again;
    raises ValueError when it cannot be read (or names a vehicle that is gone)."""
    if not isinstance(raw, dict):
        raise ValueError("outbox payload without an event")
    event = raw.get("event")
    if not isinstance(event, dict):
        raise ValueError("outbox payload without an event")
    text = json.dumps(event)
    if VIN_MARK in text:
        if vin is None:
            raise ValueError("outbox event of a vehicle that is gone")
        event = json.loads(text.replace(VIN_MARK, vin))
    vehicle_id = raw.get("vehicle_id")
    return OutboxPayload(
        events.from_json(event),  # CodecError is a ValueError
        vehicle_id if isinstance(vehicle_id, int) else None,
        bool(raw.get("deferred")),
    )


def _vehicle_of(raw: object) -> int | None:
    vehicle_id = raw.get("vehicle_id") if isinstance(raw, dict) else None
    return vehicle_id if isinstance(vehicle_id, int) else None


def _readable(raw: object, events: EventTypes, vins: dict[int, str]) -> OutboxPayload | None:
    vehicle_id = _vehicle_of(raw)
    try:
        return payload_from_json(raw, events, vin=None if vehicle_id is None else vins.get(vehicle_id))
    except ValueError:
        return None  # dropped when due ("unreadable payload or vehicle gone")


async def _vins(session: AsyncSession, raws: Iterable[object]) -> dict[int, str]:
    """The VINs of the vehicles the stored payloads name (a vehicle that is gone is left out)."""
    ids = {vehicle_id for raw in raws if (vehicle_id := _vehicle_of(raw)) is not None}
    if not ids:
        return {}
    rows = await session.execute(
        select(col(VehicleRow.id), col(VehicleRow.vin)).where(col(VehicleRow.id).in_(sorted(ids)))
    )
    return {vehicle_id: vin for vehicle_id, vin in rows if vehicle_id is not None}


async def reserve_one(
    db: Database,
    dedup_key: str,
    chat_id: int,
    payload: OutboxPayload,
    deliver_at: datetime,
    *,
    vehicle_id: int | None = None,
    account_id: int | None = None,
) -> bool:
    """Record a ping in its own transaction; False when the key exists (encoding needs no event registry, so
    the batch store reserves through it too)."""
    try:
        async with db.write() as session:
            if await session.get(NotificationLogRow, dedup_key) is not None:
                return False
            session.add(
                NotificationLogRow(
                    dedup_key=dedup_key,
                    chat_id=chat_id,
                    vehicle_id=vehicle_id,
                    account_id=account_id,
                    payload=payload_to_json(payload),
                    deliver_at=deliver_at,
                )
            )
    except IntegrityError:
        # Another replica reserved the same key at the same moment.
        return False
    return True


class SqlNotificationLog:
    """NotificationLog on SQLAlchemy; the dedup key is the primary key, so it is reserved once. It reads back
    the event types it is handed (the kernel's and the features', registered by the composition root)."""

    def __init__(self, db: Database, events: EventTypes) -> None:
        self._db = db
        self._events = events

    async def reserve(
        self,
        dedup_key: str,
        chat_id: int,
        payload: OutboxPayload,
        deliver_at: datetime,
        *,
        vehicle_id: int | None = None,
        account_id: int | None = None,
    ) -> bool:
        """Record a ping; False when the key exists. `vehicle_id` or `account_id` ties it to its owner: the
        foreign key deletes it with the car or the account."""
        return await reserve_one(
            self._db, dedup_key, chat_id, payload, deliver_at, vehicle_id=vehicle_id, account_id=account_id
        )

    async def pending(self, now: datetime, limit: int) -> list[OutboxEntry]:
        """Due entries still pending (claimed ones too, with their claim), oldest first."""
        async with self._db.read() as session:
            rows = list(
                await session.scalars(
                    select(NotificationLogRow)
                    .where(
                        col(NotificationLogRow.status) == PENDING, col(NotificationLogRow.deliver_at) <= now
                    )
                    .order_by(col(NotificationLogRow.deliver_at), col(NotificationLogRow.dedup_key))
                    .limit(limit)
                )
            )
            # Decoded here, once: the VIN each event names is read back from its vehicle.
            vins = await _vins(session, (row.payload for row in rows))
            return [
                OutboxEntry(
                    row.dedup_key,
                    row.chat_id,
                    _readable(row.payload, self._events, vins),
                    row.deliver_at,
                    row.claim_owner,
                    row.claim_expires_at,
                )
                for row in rows
            ]

    async def claim(self, entry: OutboxEntry, owner: str, now: datetime, lease: timedelta) -> bool:
        """Take the entry's claim for `lease`, if it still has the claim it was read with (none, or one the
        caller found expired or ownerless); True when this owner won it."""
        table = NotificationLogRow
        seen = (
            col(table.claim_owner).is_(None)
            if entry.claim_owner is None
            else col(table.claim_owner) == entry.claim_owner
        )
        async with self._db.write() as session:
            result = await session.execute(
                update(table)
                .where(col(table.dedup_key) == entry.dedup_key, col(table.status) == PENDING, seen)
                .values(claim_owner=owner, claim_expires_at=now + lease, attempts=col(table.attempts) + 1)
            )
            return int(getattr(result, "rowcount", 0) or 0) == 1

    async def mark_sent(self, dedup_key: str, sent_at: datetime) -> None:
        """The ping was delivered."""
        await self._finish(dedup_key, status=SENT, sent_at=sent_at, claim_owner=None, claim_expires_at=None)

    async def mark_dropped(self, dedup_key: str, reason: str) -> None:
        """The ping will never be delivered."""
        await self._finish(
            dedup_key, status=DROPPED, reason=reason[:255], claim_owner=None, claim_expires_at=None
        )

    async def reschedule(self, dedup_key: str, deliver_at: datetime, reason: str) -> None:
        """Give the claim back and try again at `deliver_at` (quiet hours, flood control, Telegram down)."""
        await self._finish(
            dedup_key, deliver_at=deliver_at, reason=reason[:255], claim_owner=None, claim_expires_at=None
        )

    async def _finish(self, dedup_key: str, **values: Any) -> None:
        async with self._db.write() as session:
            await session.execute(
                update(NotificationLogRow)
                .where(
                    col(NotificationLogRow.dedup_key) == dedup_key, col(NotificationLogRow.status) == PENDING
                )
                .values(**values)
            )

    async def pause(self, scope: str, until: datetime) -> None:
        """Hold every replica's sends of `scope` until `until` (a later pause already stored is kept)."""
        table = SendPauseRow.__table__  # type: ignore[attr-defined]
        dialect_insert = sqlite.insert if self._db.is_sqlite else postgresql.insert
        statement = (
            dialect_insert(table)
            .values(scope=scope, until=until)
            .on_conflict_do_update(
                index_elements=["scope"], set_={"until": until}, where=table.c.until < until
            )
        )
        async with self._db.write() as session:
            await session.execute(statement)

    async def pauses(self, now: datetime) -> dict[str, datetime]:
        """The pauses still running: scope -> until when."""
        async with self._db.read() as session:
            rows = await session.execute(
                select(col(SendPauseRow.scope), col(SendPauseRow.until)).where(col(SendPauseRow.until) > now)
            )
            return {row.scope: row.until for row in rows}


async def reserve_in(
    session: AsyncSession, pings: Sequence[NewPing], *, dialect_is_sqlite: bool
) -> list[OutboxEntry]:
    """`reserve` for several pings inside the caller's transaction; returns the entries reserved now.

    Keys already in the outbox are left out (a replayed diff). INSERT ... ON CONFLICT DO NOTHING, so a key
    another replica reserves at the same moment does not fail the caller's whole transaction.
    """
    if not pings:
        return []
    keys = [ping.dedup_key for ping in pings]
    taken = set(
        await session.scalars(
            select(col(NotificationLogRow.dedup_key)).where(col(NotificationLogRow.dedup_key).in_(keys))
        )
    )
    fresh: dict[str, NewPing] = {}
    for ping in pings:
        if ping.dedup_key not in taken:
            fresh.setdefault(ping.dedup_key, ping)
    if not fresh:
        return []
    table = NotificationLogRow.__table__  # type: ignore[attr-defined]
    dialect_insert = sqlite.insert if dialect_is_sqlite else postgresql.insert
    rows = [
        {
            "dedup_key": ping.dedup_key,
            "chat_id": ping.chat_id,
            "vehicle_id": ping.vehicle_id,
            "account_id": None,
            "payload": payload_to_json(ping.payload),
            "deliver_at": ping.deliver_at,
            "status": PENDING,
        }
        for ping in fresh.values()
    ]
    await session.execute(dialect_insert(table).on_conflict_do_nothing(index_elements=["dedup_key"]), rows)
    return [ping.entry for ping in fresh.values()]
