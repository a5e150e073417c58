"""What handlers get: the use cases (as ports), the UI options, and a typed PTB context to reach them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from telegram import Update
from telegram.ext import Application, CallbackContext, ExtBot

from bot.domain.preferences import ChatSettings, NotificationPreferences
from bot.services.conversation_ports import DraftStore, LoginConversationStore, UpdateJournal
from bot.services.features import Features
from bot.services.ports import LinkingPort, LogoutPort
from bot.services.secret_messages import SecretMessages
from bot.telegram_ui.i18n import Catalogs, Translator
from bot.telegram_ui.patience import Patience

if TYPE_CHECKING:  # the parts name the context: a cycle for the type checker only
    from bot.telegram_ui.parts import Front


class SettingsPort(Protocol):
    """Chat settings and notification preferences (bot.services.settings.SettingsService)."""

    async def chat(self, chat_id: int, telegram_language: str | None) -> ChatSettings:
        """The chat's settings, created on first contact."""
        ...

    async def save_chat(self, settings: ChatSettings) -> None:
        """Store the chat's settings."""
        ...

    async def preferences(self, chat_id: int, vehicle_id: int) -> NotificationPreferences:
        """What the chat wants to hear about a vehicle."""
        ...

    async def save_preferences(self, chat_id: int, vehicle_id: int, prefs: NotificationPreferences) -> None:
        """Store the chat's preferences for a vehicle."""
        ...


@dataclass(frozen=True, slots=True)
class Services:
    """The use cases the Telegram front-end calls, and the clock it reads; a feature left out is hidden."""

    linking: LinkingPort
    settings: SettingsPort
    clock: Callable[[], datetime]
    # Unlinking: an owner deletes the account and its members are told (family sharing's use case).
    logout: LogoutPort | None = None
    # The use cases of the features in `bot/features/`, each under its package's key (services/features.py).
    features: Features = field(default_factory=Features, kw_only=True)
    # Conversation state, in the database so every replica sees it (docs/architecture.md).
    logins: LoginConversationStore = field(kw_only=True)
    drafts: DraftStore = field(kw_only=True)
    journal: UpdateJournal = field(kw_only=True)
    # Deletes password and code messages, retrying through the database (None: a plain best effort).
    secrets: SecretMessages | None = field(default=None, kw_only=True)


@dataclass(frozen=True, slots=True)
class UiOptions:
    """Deployment options of the front-end."""

    default_locale: str = "fr_FR"
    allowed_user_ids: frozenset[int] | None = None
    # How many updates one process handles at once (different chats; one chat's run one at a time).
    concurrent_updates: int = 16
    # How long an owner waits for Renault without a word (2 s), and at all (30 s).
    patience: Patience = field(default_factory=Patience)


class BotData:
    """Application-wide state: set once by `build_application`, never domain data."""

    services: Services
    options: UiOptions
    front: Front  # every feature's commands, taps and states (bot/telegram_ui/parts.py)


@dataclass(slots=True)
class ChatView:
    """Per-update convenience: the chat's settings and a translator in its language."""

    settings: ChatSettings
    catalogs: Catalogs
    tr: Translator = field(init=False)

    def __post_init__(self) -> None:
        self.tr = self.catalogs.translator(self.settings.language)


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    """The typed context every handler receives."""

    @property
    def services(self) -> Services:
        """The use cases."""
        return self.bot_data.services

    @property
    def options(self) -> UiOptions:
        """The front-end's deployment options."""
        return self.bot_data.options

    def now(self) -> datetime:
        """The injected clock's current time."""
        return self.bot_data.services.clock()

    async def chat_view(self, update: Update) -> ChatView:
        """Load (or create) the chat's settings and build its translator."""
        chat = update.effective_chat
        user = update.effective_user
        if chat is None:
            raise ValueError("update without a chat")
        language = user.language_code if user is not None else None
        return ChatView(await self.services.settings.chat(chat.id, language), self.bot_data.front.catalogs)


BotApplication = Application[ExtBot[None], BotContext, dict[Any, Any], dict[Any, Any], BotData, Any]
