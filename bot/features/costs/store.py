"""CostStore on SQLAlchemy: cost settings per chat (home encrypted), priced sessions per chat, and the
stored sessions and readings a period holds (read in pages, so an export never loads a year at once)."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import or_, select, update
from sqlmodel import col

from bot.domain.codec import CodecError, decode, encode
from bot.domain.history import BatteryReading, ChargeSession
from bot.domain.pricing import EnergyMethod, Unpriced
from bot.features.costs.logic import AwaitedPrice, AwayPrice, CostSettings, Home, Place, SessionCost
from bot.persistence.crypto import CredentialCipher, CredentialDecryptError
from bot.persistence.engine import Database
from bot.persistence.history import readings_between, sessions_between
from bot.persistence.tables import ChatLinkRow, CostSettingsRow, SessionCostRow

log = logging.getLogger(__name__)

_AWAY_PRICE = "away_price"


def _dec(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


class SqlCostStore:
    """CostStore on SQLAlchemy; the home position is encrypted with the credentials key."""

    def __init__(self, db: Database, cipher: CredentialCipher) -> None:
        self._db = db
        self._cipher = cipher

    async def settings(self, chat_id: int) -> CostSettings:
        """The chat's cost settings (defaults when it never set any)."""
        async with self._db.read() as session:
            row = await session.get(CostSettingsRow, chat_id)
            return self._settings(chat_id, row)

    def _settings(self, chat_id: int, row: CostSettingsRow | None) -> CostSettings:
        if row is None:
            return CostSettings(chat_id)
        return CostSettings(chat_id, self._home(row.home_enc), Decimal(row.loss), row.monthly_summary)

    def _home(self, token: str | None) -> Home | None:
        if token is None:
            return None
        try:
            raw = json.loads(self._cipher.decrypt(token))
            return Home(float(raw["lat"]), float(raw["lon"]), int(raw["radius"]))
        except CredentialDecryptError:
            # A key problem: the row is left as it is and the home reads as unset until the key is back.
            log.warning("a home cannot be decrypted with the configured keys; it reads as unset")
            return None
        except (ValueError, KeyError, TypeError):
            return None  # a malformed home: sessions are priced as home until it is set again

    async def save_settings(self, settings: CostSettings) -> None:
        """Insert or replace the chat's cost settings."""
        home = settings.home
        token = (
            None
            if home is None
            else self._cipher.encrypt(
                json.dumps({"lat": home.latitude, "lon": home.longitude, "radius": home.radius_m})
            )
        )
        async with self._db.write() as session:
            row = await session.get(CostSettingsRow, settings.chat_id, with_for_update=True)
            if row is None:
                row = CostSettingsRow(chat_id=settings.chat_id)
                session.add(row)
            if token is None and row.home_enc is not None and not self._cipher.reads(row.home_enc):
                # The home read as unset only because no key reads it (a key problem): the chat could not
                # have cleared it, so it is kept for the right key rather than lost with an unrelated change.
                token = row.home_enc
            row.home_enc = token
            row.loss = str(settings.loss)
            row.monthly_summary = settings.monthly_summary

    async def awaiting(self, chat_id: int, now: datetime) -> AwaitedPrice | None:
        """The price the chat was asked to type, if it has not expired."""
        async with self._db.read() as session:
            row = await session.get(CostSettingsRow, chat_id)
            raw = row.awaiting if row is not None else None
        if raw is None:
            return None
        try:
            awaited: AwaitedPrice = decode(AwaitedPrice, raw)
        except CodecError:
            log.warning("chat %s: an unreadable price question is ignored", chat_id)
            return None
        return awaited if awaited.until > now else None

    async def set_awaiting(self, chat_id: int, value: AwaitedPrice | None) -> None:
        """Remember (or, with None, forget) the price the chat is asked to type."""
        # "what" names the question, as rows always did (the only question the cost screens ask).
        stored = None if value is None else {"what": _AWAY_PRICE, **encode(value)}
        async with self._db.write() as session:
            row = await session.get(CostSettingsRow, chat_id, with_for_update=True)
            if row is None:
                row = CostSettingsRow(chat_id=chat_id)
                session.add(row)
            row.awaiting = stored

    async def claim_monthly(self, chat_id: int, month: date) -> bool:
        """Mark the chat's summary of `month` sent; False when it (or a later one) already was."""
        # One conditional UPDATE (the row is created first if missing): two replicas never both win.
        label = f"{month:%Y-%m}"
        async with self._db.write() as session:
            if await session.get(CostSettingsRow, chat_id) is None:
                session.add(CostSettingsRow(chat_id=chat_id))
                await session.flush()
            sent = col(CostSettingsRow.monthly_sent)
            result = await session.execute(
                update(CostSettingsRow)
                .where(col(CostSettingsRow.chat_id) == chat_id, or_(sent.is_(None), sent < label))
                .values(monthly_sent=label)
            )
            return bool(getattr(result, "rowcount", 0))

    async def unsent_monthly(self, chat_id: int, month: date) -> bool:
        """Whether the chat's summary of `month` (or a later one) has not been sent yet."""
        async with self._db.read() as session:
            row = await session.get(CostSettingsRow, chat_id)
            return row is None or row.monthly_sent is None or row.monthly_sent < f"{month:%Y-%m}"

    async def home_chats(self) -> list[int]:
        """Chats that set a home."""
        async with self._db.read() as session:
            rows = await session.execute(
                select(col(CostSettingsRow.chat_id))
                .where(col(CostSettingsRow.home_enc).is_not(None))
                .order_by(col(CostSettingsRow.chat_id))
            )
            return [int(chat_id) for (chat_id,) in rows]

    async def summary_chats(self) -> list[int]:
        """Every linked chat that did not switch the monthly summary off."""
        async with self._db.read() as session:
            rows = await session.execute(
                select(col(ChatLinkRow.chat_id))
                .distinct()
                .outerjoin(CostSettingsRow, col(CostSettingsRow.chat_id) == col(ChatLinkRow.chat_id))
                .where(
                    or_(
                        col(CostSettingsRow.chat_id).is_(None), col(CostSettingsRow.monthly_summary).is_(True)
                    )
                )
                .order_by(col(ChatLinkRow.chat_id))
            )
            return [int(chat_id) for (chat_id,) in rows]

    async def costs(self, chat_id: int, since: datetime, until: datetime) -> list[SessionCost]:
        """The chat's priced (or unpriced) sessions started in [since, until), oldest first."""
        async with self._db.read() as session:
            rows = await session.scalars(
                select(SessionCostRow)
                .where(
                    col(SessionCostRow.chat_id) == chat_id,
                    col(SessionCostRow.started_at) >= since,
                    col(SessionCostRow.started_at) < until,
                )
                .order_by(col(SessionCostRow.started_at), col(SessionCostRow.vehicle_id))
            )
            return [_cost(row) for row in rows]

    async def save_cost(self, cost: SessionCost) -> None:
        """Insert or replace one session's cost for one chat."""
        async with self._db.write() as session:
            key = (cost.chat_id, cost.vehicle_id, cost.started_at)
            row = await session.get(SessionCostRow, key, with_for_update=True)
            if row is None:
                row = SessionCostRow(
                    chat_id=cost.chat_id, vehicle_id=cost.vehicle_id, started_at=cost.started_at, place="home"
                )
                session.add(row)
            row.ended_at = cost.ended_at
            row.place = cost.place.value
            row.battery_kwh = _text(cost.battery_kwh)
            row.grid_kwh = _text(cost.grid_kwh)
            row.method = None if cost.method is None else cost.method.value
            row.cost = _text(cost.cost)
            row.currency = cost.currency
            row.gaps = cost.gaps
            row.reason = None if cost.reason is None else cost.reason.value
            row.plugged_at = cost.plugged_at
            row.at_plug_in = _text(cost.at_plug_in)
            row.away = None if cost.away is None else _away_json(cost.away)

    async def sessions(self, vehicle_id: int, since: datetime, until: datetime) -> list[ChargeSession]:
        """The vehicle's sessions started in [since, until), oldest first."""
        return await sessions_between(self._db, vehicle_id, since, until)

    def readings(self, vehicle_id: int, since: datetime, until: datetime) -> AsyncIterator[BatteryReading]:
        """The vehicle's readings in [since, until), oldest first, fetched a page at a time."""
        return readings_between(self._db, vehicle_id, since, until)


def _away_json(away: AwayPrice) -> dict[str, str | None]:
    return {"per_kwh": _text(away.per_kwh), "total": _text(away.total)}


def _cost(row: SessionCostRow) -> SessionCost:
    away = row.away if isinstance(row.away, dict) else None
    return SessionCost(
        chat_id=row.chat_id,
        vehicle_id=row.vehicle_id,
        started_at=row.started_at,
        ended_at=row.ended_at,
        place=Place(row.place),
        battery_kwh=_dec(row.battery_kwh),
        grid_kwh=_dec(row.grid_kwh),
        method=None if row.method is None else EnergyMethod(row.method),
        cost=_dec(row.cost),
        currency=row.currency,
        gaps=row.gaps,
        reason=None if row.reason is None else Unpriced(row.reason),
        plugged_at=row.plugged_at,
        at_plug_in=_dec(row.at_plug_in),
        away=None if away is None else AwayPrice(_dec(away.get("per_kwh")), _dec(away.get("total"))),
    )
