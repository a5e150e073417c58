"""The poller's per-vehicle memory, and leases so that one replica polls a vehicle at a time."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, bindparam, exists, select, update
from sqlmodel import SQLModel, col

from bot.domain.account import StoredVehicleState
from bot.persistence.codec import snapshot_from_json, snapshot_to_json
from bot.persistence.engine import Database
from bot.persistence.tables import AccountRow, ChatLinkRow, ChatRow, VehicleRow, VehicleStateRow


class SqlVehicleStateRepository:
    """VehicleStateRepository on SQLAlchemy."""

    def __init__(self, db: Database) -> None:
        self._db = db

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
                found[row.vehicle_id] = _state_of(row)
        return found

    async def save(self, state: StoredVehicleState) -> None:
        """Store the state (the lease is left as it is)."""
        await self.save_many([state])

    async def save_many(self, states: Sequence[StoredVehicleState]) -> None:
        """Store several states in one transaction (leases are left as they are; deleted vehicles skipped)."""
        if not states:
            return
        # One executemany UPDATE by key: a vehicle deleted meanwhile (logout) matches no row, so its state
        # is not brought back; the rows are not read first (that cost a JSON decode per vehicle).
        # The Core table, not the ORM class: given several parameter sets, an ORM update switches to its
        # bulk-by-primary-key mode, which refuses this WHERE on bound parameters.
        table = SQLModel.metadata.tables[VehicleStateRow.__tablename__]
        statement = (
            update(table)
            .where(table.c.vehicle_id == bindparam("key"))
            .values(
                snapshot=bindparam("new_snapshot"),
                phase=bindparam("new_phase"),
                car_reported_at=bindparam("new_car_reported_at"),
                memory=bindparam("new_memory"),
                next_poll_at=bindparam("new_next_poll_at"),
            )
        )
        values = [
            {
                "key": state.vehicle_id,
                "new_snapshot": snapshot_to_json(state.snapshot) if state.snapshot else None,
                "new_phase": state.phase,
                "new_car_reported_at": state.car_reported_at,
                "new_memory": dict(state.memory),
                "new_next_poll_at": state.next_poll_at,
            }
            for state in states
        ]
        async with self._db.write() as session:
            await session.execute(statement, values)

    async def claim_due(self, now: datetime, limit: int, owner: str, lease_seconds: float) -> list[int]:
        """Lease due vehicles of accounts that still log in and have an active chat."""
        listened = exists().where(
            col(ChatLinkRow.account_id) == col(VehicleRow.account_id),
            col(ChatRow.chat_id) == col(ChatLinkRow.chat_id),
            col(ChatRow.active).is_(True),
        )
        due = (
            select(col(VehicleStateRow.vehicle_id))
            .join(VehicleRow, col(VehicleRow.id) == col(VehicleStateRow.vehicle_id))
            .join(AccountRow, col(AccountRow.id) == col(VehicleRow.account_id))
            .where(
                (col(VehicleStateRow.next_poll_at).is_(None)) | (col(VehicleStateRow.next_poll_at) <= now),
                (col(VehicleStateRow.lease_owner).is_(None)) | (col(VehicleStateRow.lease_expires_at) <= now),
                col(AccountRow.needs_login).is_(False),
                listened,
            )
            .order_by(col(VehicleStateRow.next_poll_at).asc().nulls_first(), col(VehicleStateRow.vehicle_id))
            .limit(limit)
            # PostgreSQL: skip rows another replica is claiming. SQLite ignores it: db.write() holds the
            # file's write lock from BEGIN IMMEDIATE, so another process cannot claim in between.
            .with_for_update(of=VehicleStateRow, skip_locked=True)
        )
        async with self._db.write() as session:
            ids = list(await session.scalars(due))
            if not ids:
                return []
            await session.execute(
                update(VehicleStateRow)
                .where(col(VehicleStateRow.vehicle_id).in_(ids))
                .values(lease_owner=owner, lease_expires_at=now + timedelta(seconds=lease_seconds))
            )
            return ids

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
        async with self._db.write() as session:
            # One UPDATE per distinct time: a sweep's vehicles mostly share a handful of next poll times.
            by_time: dict[datetime, list[int]] = {}
            for vehicle_id, at in next_poll_at.items():
                by_time.setdefault(at, []).append(vehicle_id)
            for at, ids in by_time.items():
                await session.execute(
                    update(VehicleStateRow)
                    .where(
                        col(VehicleStateRow.vehicle_id).in_(ids), col(VehicleStateRow.lease_owner) == owner
                    )
                    .values(lease_owner=None, lease_expires_at=None, next_poll_at=at)
                )

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
)


def _state_of(row: Row[Any]) -> StoredVehicleState:
    return StoredVehicleState(
        vehicle_id=row.vehicle_id,
        snapshot=snapshot_from_json(row.snapshot) if row.snapshot else None,
        phase=row.phase,
        car_reported_at=row.car_reported_at,
        memory=dict(row.memory or {}),
        next_poll_at=row.next_poll_at,
    )
