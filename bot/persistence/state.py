"""The poller's per-vehicle memory, and leases so that one replica polls a vehicle at a time.

The car's position is kept apart from the snapshot's JSON, encrypted (`location_enc`), as a home is: a
snapshot is written without it, and read back with it only where the repository has the cipher.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Row,
    Select,
    Table,
    and_,
    bindparam,
    case,
    exists,
    null,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel, col

from bot.domain.poll_memory import PollMemory
from bot.domain.snapshot import GeoPoint, VehicleSnapshot
from bot.domain.vehicle import LinkedVehicle
from bot.persistence.chats import chat_from_row
from bot.persistence.codec import point_from_json, point_to_json, snapshot_from_json, snapshot_to_json
from bot.persistence.crypto import CredentialCipher, CredentialDecryptError
from bot.persistence.engine import Database
from bot.persistence.outbox import reserve_in, reserve_one
from bot.persistence.prepared import PreparedSelect
from bot.persistence.tables import AccountRow, ChatLinkRow, ChatRow, VehicleRow, VehicleStateRow
from bot.persistence.vehicles import linked_from_row
from bot.services.outbox_ports import NewPing
from bot.services.ports import ChatCard, OutboxEntry, PollHealth, StoredVehicleState


class SqlVehicleStateRepository:
    """VehicleStateRepository on SQLAlchemy."""

    def __init__(self, db: Database, cipher: CredentialCipher | None = None) -> None:
        self._db = db
        # Without a cipher (tools and tests of other columns) positions are neither read nor written.
        self._cipher = cipher

    async def load(self, vehicle_id: int) -> StoredVehicleState:
        """The stored state, or an empty one."""
        return (await self.load_many([vehicle_id]))[vehicle_id]

    async def load_many(self, vehicle_ids: Sequence[int]) -> dict[int, StoredVehicleState]:
        """Several states in one query (an empty state for a vehicle without a row)."""
        found = {vehicle_id: StoredVehicleState(vehicle_id=vehicle_id) for vehicle_id in vehicle_ids}
        if not found:
            return found
        async with self._db.read() as session:
            # Plain rows, not ORM objects: a sweep reads every vehicle's state, and the identity map and
            # change tracking of a few hundred objects per batch were a visible share of a poll's CPU.
            rows = await session.execute(
                select(*_STATE_COLUMNS).where(col(VehicleStateRow.vehicle_id).in_(list(found)))
            )
            for row in rows:
                found[row.vehicle_id] = _state_of(row, self._cipher)
        return found

    async def card_of(self, chat_id: int) -> ChatCard | None:
        """In one query, a chat's settings, vehicles, choice and their states; None for a chat without an
        active settings row (first contact, or back after /stop): that one goes the long way."""
        # A warm /status used to read the chat, its vehicles and the state in three sessions: each costs
        # more CPU than its statement (bench.bot_updates).
        rows = await self._db.read_now(lambda conn: _CARD.all(conn, {"chat_id": chat_id}))
        if not rows or not rows[0].active:
            return None
        first = rows[0]
        vehicles: list[LinkedVehicle] = []
        states: dict[int, StoredVehicleState] = {}
        for row in rows:
            if row.id is None:  # a chat without links: one row, nothing joined
                continue
            linked = linked_from_row(row, row.role, row.share_location)
            vehicles.append(linked)
            # The card shows no position: it is not decrypted (no cipher) for it.
            found = row.vehicle_id is not None
            states[linked.vehicle_id] = (
                _state_of(row, None) if found else StoredVehicleState(vehicle_id=linked.vehicle_id)
            )
        return ChatCard(chat_from_row(first), tuple(vehicles), first.active_vehicle_id, states)

    async def save(self, state: StoredVehicleState) -> None:
        """Store the state (the lease is left as it is)."""
        await self.save_many([state])

    async def save_many(self, states: Sequence[StoredVehicleState]) -> None:
        """Store several states in one transaction (leases are left as they are; deleted vehicles skipped).

        A snapshot older (by the car's report time) than the one stored meanwhile by a Refresh or another
        writer does not replace it: the stored truth never goes back in time.
        """
        if not states:
            return
        async with self._db.write() as session:
            await _save_in(session, states)

    async def commit_sweep(
        self, states: Sequence[StoredVehicleState], pings: Sequence[NewPing]
    ) -> list[OutboxEntry]:
        """A poll batch's writes in ONE transaction: its new outbox rows, then its states (`save_many`).

        Atomic, so a crash leaves either both (the pings are delivered by the outbox flush) or neither (the
        next poll makes the same diff, with the same keys). Returns the entries reserved now.
        """
        if not states and not pings:
            return []
        try:
            async with self._db.write() as session:
                reserved = await reserve_in(session, pings, dialect_is_sqlite=self._db.is_sqlite)
                await _save_in(session, states)
        except IntegrityError:
            # A ping's chat or vehicle was deleted meanwhile (a logout): reserve one by one, skipping it,
            # still before the states are stored.
            reserved = [
                ping.entry
                for ping in pings
                if await reserve_one(
                    self._db,
                    ping.dedup_key,
                    ping.chat_id,
                    ping.payload,
                    ping.deliver_at,
                    vehicle_id=ping.vehicle_id,
                )
            ]
            await self.save_many(states)
        return reserved

    async def record_read(
        self, vehicle_id: int, snapshot: VehicleSnapshot, phase: str, at: datetime
    ) -> StoredVehicleState:
        """A Refresh read the car: store its snapshot unless a newer one is stored; returns the state."""
        table = _table()
        reported = snapshot.reported_at
        values: dict[str, Any] = {"health": PollHealth.OK.value, "health_at": at, "read_at": at}
        newer: ColumnElement[bool] = table.c.car_reported_at.is_(None)
        if reported is not None:
            newer = or_(newer, table.c.car_reported_at <= reported)
        statement = update(table).where(table.c.vehicle_id == vehicle_id)
        async with self._db.write() as session:
            await session.execute(statement.values(**values))
            await session.execute(
                statement.where(newer).values(
                    snapshot=_stored_json(snapshot), phase=phase, car_reported_at=reported
                )
            )
            return await _load_in(session, vehicle_id, self._cipher)

    async def record_failure(self, vehicle_id: int, health: PollHealth, at: datetime) -> StoredVehicleState:
        """A Refresh could not read the car: say so in the stored state; returns it."""
        table = _table()
        async with self._db.write() as session:
            await session.execute(
                update(table)
                .where(table.c.vehicle_id == vehicle_id)
                .values(health=health.value, health_at=at)
            )
            return await _load_in(session, vehicle_id, self._cipher)

    async def record_location(self, vehicle_id: int, point: GeoPoint) -> StoredVehicleState:
        """/where read the position: store it in the snapshot unless a newer one is; returns the state.

        Nothing is stored before the car's first reading (a snapshot needs one). The row is locked while
        the snapshot is rewritten, so a reading stored meanwhile by another replica is not replaced.
        """
        async with self._db.write() as session:
            row = (
                await session.execute(
                    select(*_STATE_COLUMNS)
                    .where(col(VehicleStateRow.vehicle_id) == vehicle_id)
                    .with_for_update(of=VehicleStateRow)
                )
            ).first()
            if row is None:
                return StoredVehicleState(vehicle_id=vehicle_id)
            state = _state_of(row, self._cipher)
            if self._cipher is None or state.snapshot is None or _older(point, state.snapshot.location):
                return state
            snapshot = dataclasses.replace(state.snapshot, location=point)
            table = _table()
            sealed = self._cipher.encrypt(json.dumps(point_to_json(point)))
            await session.execute(
                update(table).where(table.c.vehicle_id == vehicle_id).values(location_enc=sealed)
            )
            return dataclasses.replace(state, snapshot=snapshot)

    async def claim_due(
        self, now: datetime, limit: int, owner: str, lease_seconds: float, due_by: datetime | None = None
    ) -> list[int]:
        """Lease vehicles due by `due_by` (default `now`) of accounts still logged in with an active chat."""

        async with self._db.write() as session:
            # Never-polled vehicles (no next time yet) first, then the most overdue. Two statements, each
            # one range of the index: `IS NULL OR <= t` in one WHERE is no range, and PostgreSQL then read
            # and sorted every row (0.5-0.7 s a claim at 100,000 cars, docs/scaling.md).
            next_poll = col(VehicleStateRow.next_poll_at)
            ids = list(await session.scalars(_claimable_due(next_poll.is_(None), now, limit)))
            if len(ids) < limit:
                by = now if due_by is None else due_by
                ids += await session.scalars(_claimable_due(next_poll <= by, now, limit - len(ids)))
            if not ids:
                return []
            await session.execute(
                update(VehicleStateRow)
                .where(col(VehicleStateRow.vehicle_id).in_(ids))
                .values(lease_owner=owner, lease_expires_at=now + timedelta(seconds=lease_seconds))
            )
            return ids

    async def park_unclaimable(self, now: datetime, until: datetime, head: int = 1000) -> int:
        """Move the next poll of due vehicles no claim may take (their account waits for a new login, or no
        active chat follows it) to `until`; how many. Left due, they sat at the head of the due range and
        every claim walked past them (8-10 µs each, docs/scaling.md); parked, they are looked at again then.

        Only the first `head` rows of each range are looked at (what a claim walks past is there), so the
        look costs the same whatever the backlog of due vehicles; more at the head are parked next time.
        """
        next_poll = col(VehicleStateRow.next_poll_at)
        parked = 0
        async with self._db.write() as session:
            for when in (next_poll.is_(None), next_poll <= now):
                ids = list(await session.scalars(_unclaimable_at_head(when, now, head)))
                if ids:
                    await session.execute(
                        update(VehicleStateRow)
                        .where(col(VehicleStateRow.vehicle_id).in_(ids))
                        .values(next_poll_at=until)
                    )
                parked += len(ids)
        return parked

    async def release(self, vehicle_id: int, owner: str, next_poll_at: datetime) -> None:
        """Give back our lease and set the next poll time (a lease taken over by another is left alone)."""
        async with self._db.write() as session:
            await session.execute(
                update(VehicleStateRow)
                .where(
                    col(VehicleStateRow.vehicle_id) == vehicle_id, col(VehicleStateRow.lease_owner) == owner
                )
                .values(lease_owner=None, lease_expires_at=None, next_poll_at=next_poll_at)
            )

    async def release_many(self, owner: str, next_poll_at: Mapping[int, datetime]) -> None:
        """`release` for several vehicles in one transaction."""
        if not next_poll_at:
            return
        # One executemany UPDATE on the Core table: each vehicle's next time is its own (counted from when it
        # was due), so grouping by time made one statement per vehicle, a tenth of a poll's CPU.
        table = _table()
        statement = (
            update(table)
            .where(table.c.vehicle_id == bindparam("key"), table.c.lease_owner == bindparam("owner"))
            .values(lease_owner=None, lease_expires_at=None, next_poll_at=bindparam("at"))
        )
        values = [{"key": vehicle_id, "owner": owner, "at": at} for vehicle_id, at in next_poll_at.items()]
        async with self._db.write() as session:
            await session.execute(statement, values)

    async def renew(self, owner: str, now: datetime, lease_seconds: float) -> int:
        """Extend every lease `owner` holds to `lease_seconds` from `now`, in one statement; how many."""
        held = col(VehicleStateRow.lease_owner) == owner
        if not self._db.is_sqlite:
            # Rows a batch of ours is writing right now (its states, its release) are skipped, not waited
            # for: waiting locked them in another order than the batch did, and PostgreSQL then aborted one
            # of the two as a deadlock (seen at 10,000 cars). The batch gives those leases back anyway, and
            # a row still held is renewed by the next beat, a third of a lease later.
            free = (
                select(col(VehicleStateRow.vehicle_id))
                .where(held)
                .with_for_update(skip_locked=True)
                .scalar_subquery()
            )
            held = col(VehicleStateRow.vehicle_id).in_(free)
        async with self._db.write() as session:
            result = await session.execute(
                update(VehicleStateRow)
                .where(held)
                .values(lease_expires_at=now + timedelta(seconds=lease_seconds))
            )
            return int(getattr(result, "rowcount", 0) or 0)

    async def lease_owners(self, now: datetime) -> set[str]:
        """The owners of the leases still running at `now`."""
        async with self._db.read() as session:
            owners = await session.scalars(
                select(col(VehicleStateRow.lease_owner))
                .where(
                    col(VehicleStateRow.lease_owner).is_not(None), col(VehicleStateRow.lease_expires_at) > now
                )
                .distinct()
            )
            return {owner for owner in owners if owner is not None}

    async def release_all(self, owner: str) -> None:
        """Give back every lease held by `owner`."""
        async with self._db.write() as session:
            await session.execute(
                update(VehicleStateRow)
                .where(col(VehicleStateRow.lease_owner) == owner)
                .values(lease_owner=None, lease_expires_at=None)
            )


_STATE_COLUMNS = (
    col(VehicleStateRow.vehicle_id),
    col(VehicleStateRow.snapshot),
    col(VehicleStateRow.phase),
    col(VehicleStateRow.car_reported_at),
    col(VehicleStateRow.memory),
    col(VehicleStateRow.next_poll_at),
    col(VehicleStateRow.health),
    col(VehicleStateRow.health_at),
    col(VehicleStateRow.read_at),
    col(VehicleStateRow.location_enc),
)

_CARD_SKIPS = (col(VehicleStateRow.location_enc), col(VehicleStateRow.memory))

# Built once: building this select (twenty columns, four joins) cost more CPU than running it.
_CHAT: Table = ChatRow.__table__  # type: ignore[attr-defined]
_VEHICLE: Table = VehicleRow.__table__  # type: ignore[attr-defined]
# Built once: building this select (thirty columns, four joins) cost more CPU than running it. Plain
# columns, not ORM entities (no identity map for a read-only card); their names do not clash, so a row
# reads as a chat row, a vehicle row and a state row at once. The vehicle's secret column is not read.
_CARD_SELECT: Select[Any] = (
    select(
        *_CHAT.c,
        *(column for column in _VEHICLE.c if column.name != "kamereon_account_enc"),
        col(ChatLinkRow.role),
        col(AccountRow.share_location),
        # The stored position is not even read: the card shows none (a NULL in its place for `_state_of`).
        # Nor is the poller's memory: the card shows none of it, and decoding each chat's diff state would
        # cost this hot read CPU for nothing (it reads as an empty memory; only the poller saves memory).
        *(column for column in _STATE_COLUMNS if not any(column is skip for skip in _CARD_SKIPS)),
        null().label("location_enc"),
        null().label("memory"),
    )
    .select_from(_CHAT)
    .outerjoin(ChatLinkRow, col(ChatLinkRow.chat_id) == _CHAT.c.chat_id)
    .outerjoin(_VEHICLE, _VEHICLE.c.account_id == col(ChatLinkRow.account_id))
    .outerjoin(AccountRow, col(AccountRow.id) == _VEHICLE.c.account_id)
    .outerjoin(VehicleStateRow, col(VehicleStateRow.vehicle_id) == _VEHICLE.c.id)
    .where(_CHAT.c.chat_id == bindparam("chat_id"))
    .order_by(_VEHICLE.c.id)
)
# The card's read is the hot one: run on SQLite's own cursor (prepared.py says why).
_CARD = PreparedSelect(_CARD_SELECT)


async def _save_in(session: AsyncSession, states: Sequence[StoredVehicleState]) -> None:
    if not states:
        return
    # One executemany UPDATE by key: a vehicle deleted meanwhile (logout) matches no row, so its state
    # is not brought back; the rows are not read first (that cost a JSON decode per vehicle).
    # The Core table, not the ORM class: given several parameter sets, an ORM update switches to its
    # bulk-by-primary-key mode, which refuses this WHERE on bound parameters.
    table = _table()
    stored_is_newer = table.c.car_reported_at > bindparam("new_car_reported_at")
    statement = (
        update(table)
        .where(table.c.vehicle_id == bindparam("key"))
        .values(
            snapshot=case(
                (stored_is_newer, table.c.snapshot),
                else_=bindparam("new_snapshot", type_=table.c.snapshot.type),
            ),
            phase=case(
                (stored_is_newer, table.c.phase), else_=bindparam("new_phase", type_=table.c.phase.type)
            ),
            car_reported_at=case(
                (stored_is_newer, table.c.car_reported_at),
                else_=bindparam("new_car_reported_at", type_=table.c.car_reported_at.type),
            ),
            memory=bindparam("new_memory"),
            next_poll_at=bindparam("new_next_poll_at"),
            health=bindparam("new_health"),
            health_at=bindparam("new_health_at"),
            read_at=bindparam("new_read_at"),
        )
    )
    values = [
        {
            "key": state.vehicle_id,
            "new_snapshot": _stored_json(state.snapshot) if state.snapshot else None,
            "new_phase": state.phase,
            "new_car_reported_at": state.car_reported_at,
            "new_memory": state.memory.to_json(),
            "new_next_poll_at": state.next_poll_at,
            "new_health": state.health.value if state.health else None,
            "new_health_at": state.health_at,
            "new_read_at": state.read_at,
        }
        for state in states
    ]
    await session.execute(statement, values)


def _older(point: GeoPoint, stored: GeoPoint | None) -> bool:
    # By the car's report time, as readings are compared; a point without one never replaces one with it.
    if stored is None or stored.reported_at is None:
        return False
    return point.reported_at is None or point.reported_at < stored.reported_at


def _table() -> Table:
    return SQLModel.metadata.tables[VehicleStateRow.__tablename__]


async def _load_in(
    session: AsyncSession, vehicle_id: int, cipher: CredentialCipher | None
) -> StoredVehicleState:
    row = (
        await session.execute(select(*_STATE_COLUMNS).where(col(VehicleStateRow.vehicle_id) == vehicle_id))
    ).first()
    return StoredVehicleState(vehicle_id=vehicle_id) if row is None else _state_of(row, cipher)


def _stored_json(snapshot: VehicleSnapshot) -> dict[str, Any]:
    # The position never goes into the plain JSON: `record_location` keeps it, encrypted, in its own column.
    return snapshot_to_json(dataclasses.replace(snapshot, location=None))


def _position(sealed: str | None, cipher: CredentialCipher | None) -> GeoPoint | None:
    if sealed is None or cipher is None:
        return None
    try:
        return point_from_json(json.loads(cipher.decrypt(sealed)))
    except CredentialDecryptError:
        return None  # a key problem (logged and counted by the cipher): shown as no stored position


def _state_of(row: Row[Any], cipher: CredentialCipher | None) -> StoredVehicleState:
    snapshot = snapshot_from_json(row.snapshot) if row.snapshot else None
    if snapshot is not None:  # any position in the JSON (none is written there) is ignored
        snapshot = dataclasses.replace(snapshot, location=_position(row.location_enc, cipher))
    return StoredVehicleState(
        vehicle_id=row.vehicle_id,
        snapshot=snapshot,
        phase=row.phase,
        car_reported_at=row.car_reported_at,
        memory=PollMemory.from_json(row.memory),
        next_poll_at=row.next_poll_at,
        health=_health(row.health),
        health_at=row.health_at,
        read_at=row.read_at,
    )


def _health(raw: str | None) -> PollHealth | None:
    if raw is None:
        return None
    try:
        return PollHealth(raw)
    except ValueError:
        return PollHealth.FAILED  # written by a newer release during a rolling deploy


def _claimable() -> ColumnElement[bool]:
    """A vehicle a claim may take: its account is still logged in and an active chat follows it."""
    listened = exists().where(
        col(ChatLinkRow.account_id) == col(VehicleRow.account_id),
        col(ChatRow.chat_id) == col(ChatLinkRow.chat_id),
        col(ChatRow.active).is_(True),
    )
    return and_(col(AccountRow.needs_login).is_(False), listened)


def _claimable_due(when: ColumnElement[bool], now: datetime, count: int) -> Select[int]:
    """The first `count` free, claimable vehicles of one range of the due index, locked."""
    free = (col(VehicleStateRow.lease_owner).is_(None)) | (col(VehicleStateRow.lease_expires_at) <= now)
    return (
        select(col(VehicleStateRow.vehicle_id))
        .join(VehicleRow, col(VehicleRow.id) == col(VehicleStateRow.vehicle_id))
        .join(AccountRow, col(AccountRow.id) == col(VehicleRow.account_id))
        .where(when, free, _claimable())
        # The order of ix_vehicle_states_due: the index is walked from its start and the walk stops at `count`
        # matching rows, instead of the whole fleet being joined and sorted for every claim.
        .order_by(col(VehicleStateRow.next_poll_at), col(VehicleStateRow.vehicle_id))
        .limit(count)
        # PostgreSQL: skip rows another replica is claiming. SQLite ignores it: db.write() holds the file's
        # write lock from BEGIN IMMEDIATE, so another process cannot claim in between.
        .with_for_update(of=VehicleStateRow, skip_locked=True)
    )


def _unclaimable_at_head(when: ColumnElement[bool], now: datetime, head: int) -> Select[int]:
    """The free vehicles no claim may take among the first `head` rows of one range of the due index."""
    first = (
        select(col(VehicleStateRow.vehicle_id))
        .where(when)
        .order_by(col(VehicleStateRow.next_poll_at), col(VehicleStateRow.vehicle_id))
        .limit(head)
        .subquery()
    )
    free = (col(VehicleStateRow.lease_owner).is_(None)) | (col(VehicleStateRow.lease_expires_at) <= now)
    return (
        select(col(VehicleStateRow.vehicle_id))
        .join(first, first.c.vehicle_id == col(VehicleStateRow.vehicle_id))
        .join(VehicleRow, col(VehicleRow.id) == col(VehicleStateRow.vehicle_id))
        .join(AccountRow, col(AccountRow.id) == col(VehicleRow.account_id))
        .where(free, ~_claimable())
        .with_for_update(of=VehicleStateRow, skip_locked=True)
    )
