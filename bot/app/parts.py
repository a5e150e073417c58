"""The Telegram parts of every feature, in one list: the only place a feature's front-end is registered.

What the kernels need of the features is taken from them here: the event types the outbox reads back are
the kernel's and those the parts render (`TelegramPart.pings`: every ping a feature sends is rendered).
"""

from __future__ import annotations

from bot.domain.events import KERNEL_EVENT_TYPES, EventTypes
from bot.features.actions import telegram as actions
from bot.features.costs import telegram as costs
from bot.features.history import telegram as history
from bot.features.linking import telegram as linking
from bot.features.schedule import telegram as schedule
from bot.features.settings import telegram as settings
from bot.features.sharing import telegram as sharing
from bot.features.smart_charging import telegram as smart_charging
from bot.features.status import telegram as status
from bot.telegram_ui.handlers import part as core
from bot.telegram_ui.parts import TelegramPart, catalogs_of, pings_of

TELEGRAM_PARTS: tuple[TelegramPart, ...] = (
    core.PART,
    linking.PART,
    status.PART,
    actions.PART,
    schedule.PART,
    smart_charging.PART,
    history.PART,
    costs.PART,
    sharing.PART,
    settings.PART,
)

# Every message, the kernel's and every part's catalog: what the front-end's translators render.
CATALOGS = catalogs_of(TELEGRAM_PARTS)

# Every event type the outbox decodes, by class name (a stored row names its class).
EVENT_TYPES = EventTypes((*KERNEL_EVENT_TYPES, *pings_of(TELEGRAM_PARTS)))
