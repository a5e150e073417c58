"""Vehicles: who sees them, with which role, and what they support."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, func, select
from sqlmodel import col

from bot.domain.vehicle import Capabilities, LinkedVehicle, Role, VehicleInfo
from bot.persistence.chats import chat_from_row
from bot.persistence.codec import preferences_from_json
from bot.persistence.crypto import CredentialCipher, CredentialDecryptError
from bot.persistence.engine import Database
from bot.persistence.tables import AccountRow, ChatLinkRow, ChatRow, PreferencesRow, VehicleRow
from bot.services.ports import CredentialsUnreadable, StoredVehicle, Subscriber


def _names(raw: Any) -> frozenset[str]:
    return frozenset(str(item) for item in raw) if isinstance(raw, list) else frozenset()


def info_from_row(row: VehicleRow | Row[Any]) -> VehicleInfo:
    """The domain identity of a vehicle row."""
    return VehicleInfo(
        vin=row.vin, model_code=row.model_code, model_name=row.model_name, brand=row.brand, plate=row.plate
    )


def capabilities_from_row(row: VehicleRow | Row[Any]) -> Capabilities:
    """Learned capabilities minus the endpoints the car refused."""
    return Capabilities(_names(row.capabilities) - _names(row.unsupported))


def linked_from_row(vehicle: VehicleRow | Row[Any], role: str, location_shared: bool | None) -> LinkedVehicle:
    """A vehicle row (ORM, or a result row with its columns' names) as one chat sees it, given the chat's
    role and the account's location sharing."""
    return LinkedVehicle(
        vehicle_id=_id(vehicle),
        account_id=vehicle.account_id,
        info=info_from_row(vehicle),
        role=Role(role),
        capabilities=capabilities_from_row(vehicle),
        location_shared=bool(location_shared),
    )


class SqlVehicleRepository:
    """VehicleRepository on SQLAlchemy."""

    def __init__(self, db: Database, cipher: CredentialCipher) -> None:
        self._db = db
        self._cipher = cipher

    async def vehicles_for_chat(self, chat_id: int) -> list[LinkedVehicle]:
        """Every vehicle the chat can see, in a stable order."""
        return (await self.vehicles_and_choice(chat_id))[0]

    async def vehicles_and_choice(self, chat_id: int) -> tuple[list[LinkedVehicle], int | None]:
        """Every vehicle the chat can see, in a stable order, and the one it chose as active: one query."""
        chosen = (
            select(col(ChatRow.active_vehicle_id)).where(col(ChatRow.chat_id) == chat_id).scalar_subquery()
        )
        async with self._db.read() as session:
            rows = (
                await session.execute(
                    select(VehicleRow, col(ChatLinkRow.role), col(AccountRow.share_location), chosen)
                    .join(ChatLinkRow, col(ChatLinkRow.account_id) == col(VehicleRow.account_id))
                    .join(AccountRow, col(AccountRow.id) == col(VehicleRow.account_id))
                    .where(col(ChatLinkRow.chat_id) == chat_id)
                    .order_by(col(VehicleRow.id))
                )
            ).all()
        visible = [linked_from_row(vehicle, role, shared) for vehicle, role, shared, _ in rows]
        return visible, (rows[0][3] if rows else None)

    async def get(self, vehicle_id: int) -> StoredVehicle | None:
        """One vehicle with its decrypted Kamereon account id; raises CredentialsUnreadable."""
        async with self._db.read() as session:
            row = await session.get(VehicleRow, vehicle_id)
        return None if row is None else self._stored(row)

    async def vin(self, vehicle_id: int) -> str | None:
        """The vehicle's VIN alone (no secret decrypted), or None when the vehicle is gone."""
        async with self._db.read() as session:
            return await session.scalar(select(col(VehicleRow.vin)).where(col(VehicleRow.id) == vehicle_id))

    async def get_many(self, vehicle_ids: Sequence[int]) -> dict[int, StoredVehicle]:
        """Several vehicles in one query; unknown or undecryptable ones are left out."""
        if not vehicle_ids:
            return {}
        async with self._db.read() as session:
            rows = (
                await session.scalars(select(VehicleRow).where(col(VehicleRow.id).in_(set(vehicle_ids))))
            ).all()
        found: dict[int, StoredVehicle] = {}
        for row in rows:
            try:
                found[_id(row)] = self._stored(row)
            except CredentialsUnreadable:
                continue  # `get` raises it for this vehicle alone when it is polled
        return found

    def _stored(self, row: VehicleRow) -> StoredVehicle:
        try:
            kamereon_account_id = self._cipher.decrypt(row.kamereon_account_enc)
        except CredentialDecryptError:
            raise CredentialsUnreadable(row.account_id) from None
        return StoredVehicle(
            vehicle_id=_id(row),
            account_id=row.account_id,
            info=info_from_row(row),
            kamereon_account_id=kamereon_account_id,
            capabilities=capabilities_from_row(row),
            unsupported=_names(row.unsupported),
        )

    async def all_vehicle_ids(self) -> list[int]:
        """Ids of every stored vehicle."""
        async with self._db.read() as session:
            return list(await session.scalars(select(col(VehicleRow.id)).order_by(col(VehicleRow.id))))

    async def chats_for_vehicle(self, vehicle_id: int) -> list[Subscriber]:
        """Active chats linked to the vehicle's account, with settings, role and preferences."""
        return (await self.chats_for_vehicles([vehicle_id])).get(vehicle_id, [])

    async def chats_for_vehicles(self, vehicle_ids: Sequence[int]) -> dict[int, list[Subscriber]]:
        """`chats_for_vehicle` for several vehicles in one query (vehicles without chats are left out)."""
        if not vehicle_ids:
            return {}
        async with self._db.read() as session:
            rows = await session.execute(
                select(col(VehicleRow.id), ChatRow, col(ChatLinkRow.role), col(PreferencesRow.data))
                .join(ChatLinkRow, col(ChatLinkRow.chat_id) == col(ChatRow.chat_id))
                .join(VehicleRow, col(VehicleRow.account_id) == col(ChatLinkRow.account_id))
                .join(AccountRow, col(AccountRow.id) == col(VehicleRow.account_id))
                .outerjoin(
                    PreferencesRow,
                    (col(PreferencesRow.chat_id) == col(ChatRow.chat_id))
                    & (col(PreferencesRow.vehicle_id) == col(VehicleRow.id)),
                )
                .where(col(VehicleRow.id).in_(set(vehicle_ids)), col(ChatRow.active).is_(True))
                .order_by(col(VehicleRow.id), col(ChatRow.chat_id))
            )
            found: dict[int, list[Subscriber]] = {}
            for vehicle_id, chat, role, data in rows:
                subscriber = Subscriber(chat_from_row(chat), Role(role), preferences_from_json(data))
                found.setdefault(vehicle_id, []).append(subscriber)
            return found

    async def account_sizes(self, account_ids: Sequence[int]) -> dict[int, int]:
        """How many vehicles each account has, in one query (accounts without vehicles are left out)."""
        if not account_ids:
            return {}
        async with self._db.read() as session:
            rows = await session.execute(
                select(col(VehicleRow.account_id), func.count())
                .where(col(VehicleRow.account_id).in_(set(account_ids)))
                .group_by(col(VehicleRow.account_id))
            )
            return {int(account_id): int(count) for account_id, count in rows}

    async def mark_unsupported(self, vehicle_id: int, endpoint: str) -> None:
        """Remember that the car refused an endpoint."""
        async with self._db.write() as session:
            row = await session.get(VehicleRow, vehicle_id, with_for_update=True)
            if row is not None and endpoint not in _names(row.unsupported):
                row.unsupported = sorted(_names(row.unsupported) | {endpoint})

    async def set_capabilities(self, vehicle_id: int, capabilities: Capabilities) -> None:
        """Store the endpoints the model supports."""
        async with self._db.write() as session:
            row = await session.get(VehicleRow, vehicle_id, with_for_update=True)
            if row is not None:
                row.capabilities = sorted(capabilities.supported)

    async def capabilities(self, vehicle_id: int) -> Capabilities:
        """Supported endpoints minus refused ones (empty for an unknown vehicle)."""
        async with self._db.read() as session:
            row = await session.get(VehicleRow, vehicle_id)
            return capabilities_from_row(row) if row else Capabilities()


def _id(row: VehicleRow | Row[Any]) -> int:
    assert row.id is not None
    return row.id
