"""The port the cost screens call (implemented by `bot.services.cost_report.CostDesk`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Protocol

from bot.domain.costs import AwaitedPrice, Home, SessionCost
from bot.services.cost_ports import CostSettingsPort
from bot.services.cost_report import CostsView, ExportRow


class CostsPort(CostSettingsPort, Protocol):
    """Figures, export, cost settings and the away-price step."""

    async def overview(self, chat_id: int) -> CostsView:
        """This month and the last 12."""
        ...

    async def session_costs(self, chat_id: int, since: datetime) -> list[SessionCost]:
        """The chat's priced sessions since `since`."""
        ...

    async def export(self, chat_id: int, since: datetime, until: datetime) -> AsyncIterator[ExportRow]:
        """Every session and reading of the period, streamed."""
        ...

    async def set_home(self, chat_id: int, latitude: float, longitude: float) -> Home:
        """Store the chat's home."""
        ...

    async def set_home_from_car(self, chat_id: int) -> Home:
        """Store the active car's position as home."""
        ...

    async def ask_away_price(self, chat_id: int, vehicle_id: int, started_at: datetime) -> None:
        """The chat's next text is this session's price."""
        ...

    async def awaiting_price(self, chat_id: int) -> AwaitedPrice | None:
        """The session whose price the chat was asked for."""
        ...

    async def set_away_price(self, chat_id: int, text: str) -> SessionCost:
        """Price the awaited session from the typed text."""
        ...

    async def cancel_awaiting(self, chat_id: int) -> None:
        """Forget a pending price question."""
        ...

    async def mark_home(self, chat_id: int, vehicle_id: int, started_at: datetime) -> None:
        """An away session was at home after all."""
        ...
