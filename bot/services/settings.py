"""Per-chat settings and per-vehicle notification preferences (what /settings changes)."""

from __future__ import annotations

from bot.domain.preferences import ChatSettings, NotificationPreferences
from bot.services.ports import ChatRepository, PreferencesRepository

SUPPORTED_LANGUAGES = ("en", "fr", "de")


def language_for(telegram_language: str | None) -> str:
    """Our catalog language for a Telegram language code ('fr-CA' -> 'fr'); English otherwise."""
    if not telegram_language:
        return "en"
    base = telegram_language.split("-")[0].split("_")[0].lower()
    return base if base in SUPPORTED_LANGUAGES else "en"


class SettingsService:
    """Reads and stores chat settings and notification preferences."""

    def __init__(
        self, chats: ChatRepository, preferences: PreferencesRepository, low_battery_default: int = 20
    ) -> None:
        self._chats = chats
        self._preferences = preferences
        self._low_battery_default = low_battery_default

    async def chat(self, chat_id: int, telegram_language: str | None) -> ChatSettings:
        """The chat's settings; the first contact creates them in the user's Telegram language."""
        return await self._chats.ensure(chat_id, language_for(telegram_language))

    async def save_chat(self, settings: ChatSettings) -> None:
        """Store changed chat settings."""
        await self._chats.save(settings)

    async def preferences(self, chat_id: int, vehicle_id: int) -> NotificationPreferences:
        """The chat's notification preferences for a vehicle."""
        return await self._preferences.get(chat_id, vehicle_id)

    async def save_preferences(self, chat_id: int, vehicle_id: int, prefs: NotificationPreferences) -> None:
        """Store changed notification preferences."""
        await self._preferences.save(chat_id, vehicle_id, prefs)
