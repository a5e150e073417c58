"""Chats, their settings and their notification preferences."""

from __future__ import annotations

from datetime import time
from typing import Any

from sqlalchemy import Row, select, update
from sqlmodel import col

from bot.domain.preferences import ChatSettings, NotificationPreferences, QuietHours, Units
from bot.persistence.codec import preferences_from_json, preferences_to_json
from bot.persistence.engine import Database
from bot.persistence.tables import ChatRow, PreferencesRow


def chat_from_row(row: ChatRow | Row[Any]) -> ChatSettings:
    """The domain settings of a chat row (an ORM row, or a result row with its columns' names)."""
    quiet = None
    if row.quiet_start and row.quiet_end:
        quiet = QuietHours(time.fromisoformat(row.quiet_start), time.fromisoformat(row.quiet_end))
    try:
        units = Units(row.units)
    except ValueError:
        units = Units.KM
    return ChatSettings(
        chat_id=row.chat_id,
        language=row.language,
        time_zone=row.time_zone,
        units=units,
        default_temperature_c=row.default_temperature_c,
        quiet_hours=quiet,
        active=row.active,
    )


def _apply(row: ChatRow, settings: ChatSettings) -> None:
    row.language = settings.language
    row.time_zone = settings.time_zone
    row.units = settings.units.value
    row.default_temperature_c = settings.default_temperature_c
    quiet = settings.quiet_hours
    row.quiet_start = quiet.start.strftime("%H:%M") if quiet else None
    row.quiet_end = quiet.end.strftime("%H:%M") if quiet else None
    row.active = settings.active


class SqlChatRepository:
    """ChatRepository on SQLAlchemy."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def ensure(self, chat_id: int, language: str) -> ChatSettings:
        """Return the chat's settings, creating or reactivating it."""
        # Every update reads its chat's settings: a read, and a write only the first time (or after /stop).
        async with self._db.read() as session:
            found = await session.get(ChatRow, chat_id)
            if found is not None and found.active:
                return chat_from_row(found)
        async with self._db.write() as session:
            row = await session.get(ChatRow, chat_id, with_for_update=True)
            if row is None:
                row = ChatRow(chat_id=chat_id, language=language)
                session.add(row)
            row.active = True
            await session.flush()
            return chat_from_row(row)

    async def get(self, chat_id: int) -> ChatSettings | None:
        """The chat's settings, or None."""
        async with self._db.read() as session:
            row = await session.get(ChatRow, chat_id)
            return chat_from_row(row) if row else None

    async def save(self, settings: ChatSettings) -> None:
        """Insert or update the chat's settings."""
        async with self._db.write() as session:
            row = await session.get(ChatRow, settings.chat_id, with_for_update=True)
            if row is None:
                row = ChatRow(chat_id=settings.chat_id, language=settings.language)
                session.add(row)
            _apply(row, settings)

    async def deactivate(self, chat_id: int) -> None:
        """Mark the chat inactive."""
        async with self._db.write() as session:
            await session.execute(update(ChatRow).where(col(ChatRow.chat_id) == chat_id).values(active=False))

    async def set_active_vehicle(self, chat_id: int, vehicle_id: int | None) -> None:
        """Remember the chat's active vehicle."""
        async with self._db.write() as session:
            await session.execute(
                update(ChatRow).where(col(ChatRow.chat_id) == chat_id).values(active_vehicle_id=vehicle_id)
            )

    async def active_vehicle(self, chat_id: int) -> int | None:
        """The chat's active vehicle id."""
        async with self._db.read() as session:
            return await session.scalar(
                select(col(ChatRow.active_vehicle_id)).where(col(ChatRow.chat_id) == chat_id)
            )


class SqlPreferencesRepository:
    """PreferencesRepository on SQLAlchemy."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, chat_id: int, vehicle_id: int) -> NotificationPreferences:
        """Stored preferences or defaults."""
        async with self._db.read() as session:
            row = await session.get(PreferencesRow, (chat_id, vehicle_id))
            return preferences_from_json(row.data if row else None)

    async def save(self, chat_id: int, vehicle_id: int, preferences: NotificationPreferences) -> None:
        """Insert or replace the preferences."""
        async with self._db.write() as session:
            row = await session.get(PreferencesRow, (chat_id, vehicle_id), with_for_update=True)
            if row is None:
                session.add(
                    PreferencesRow(
                        chat_id=chat_id, vehicle_id=vehicle_id, data=preferences_to_json(preferences)
                    )
                )
            else:
                row.data = preferences_to_json(preferences)
