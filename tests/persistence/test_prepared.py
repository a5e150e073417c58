"""PreparedSelect: the card's SELECT on SQLite's own cursor reads exactly what SQLAlchemy's execution
reads (JSON, booleans and UTC datetimes decoded the same); a statement whose parameters need converting is
refused."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Connection, bindparam, select
from sqlmodel import col

from bot.domain.snapshot import VehicleSnapshot
from bot.persistence.chats import SqlChatRepository
from bot.persistence.crypto import CredentialCipher
from bot.persistence.engine import Database
from bot.persistence.prepared import PreparedSelect
from bot.persistence.state import _CARD, _CARD_SELECT, SqlVehicleStateRepository
from bot.persistence.tables import VehicleStateRow
from tests.persistence.factories import linked_zoe

WHEN = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


async def test_the_cards_rows_are_those_sqlalchemy_reads(db: Database, cipher: CredentialCipher) -> None:
    _, vehicle_id = await linked_zoe(db, cipher, chat_id=100)
    await SqlChatRepository(db).set_active_vehicle(100, vehicle_id)
    snapshot = VehicleSnapshot(vin="VF1AG000012345678", reported_at=WHEN, battery_level=71, range_km=230.0)
    await SqlVehicleStateRepository(db, cipher).record_read(vehicle_id, snapshot, "idle", WHEN)

    def both(conn: Connection) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
        prepared = [tuple(row) for row in _CARD.all(conn, {"chat_id": 100})]
        plain = [tuple(row) for row in conn.execute(_CARD_SELECT, {"chat_id": 100}).all()]
        return prepared, plain

    prepared, plain = await db.read_now(both)
    assert prepared == plain
    assert len(prepared) == 1
    row = list(_CARD_SELECT.selected_columns.keys())
    found = dict(zip(row, prepared[0], strict=True))
    assert found["active"] is True  # a boolean, not SQLite's 1
    assert found["car_reported_at"] == WHEN  # an aware datetime, not SQLite's text
    assert isinstance(found["snapshot"], dict)  # JSON decoded


def test_a_statement_whose_parameter_needs_converting_is_refused() -> None:
    since = select(col(VehicleStateRow.vehicle_id)).where(
        col(VehicleStateRow.read_at) > bindparam("since", type_=VehicleStateRow.__table__.c.read_at.type)  # type: ignore[attr-defined]
    )
    with pytest.raises(ValueError, match="since"):
        PreparedSelect(since)
