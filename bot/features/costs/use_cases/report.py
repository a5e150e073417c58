"""Use cases: the /costs figures (this month and the last 12), the /export rows, the monthly summary ping.

Months are the chat's local calendar months. Every figure is computed from the priced sessions, which are
refreshed first (see `bot.features.costs.use_cases.sessions.CostService.refresh`).
"""

from __future__ import annotations

import dataclasses
import logging
from bisect import bisect_right
from collections.abc import AsyncIterator
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.domain.preferences import ChatSettings
from bot.domain.vehicle import LinkedVehicle, Right
from bot.domain.zones import zone_or_utc
from bot.features.costs.events import MonthlyCostSummary
from bot.features.costs.logic import (
    MONTHS_SHOWN,
    AwaitedPrice,
    CostSettings,
    Home,
    MonthFigures,
    Place,
    SessionCost,
    month_figures,
    month_of,
    month_start,
    next_month,
    previous_month,
)
from bot.features.costs.ports import CostStore, CostsView, ExportRow
from bot.features.costs.use_cases.sessions import CostService
from bot.services.access import allows
from bot.services.chat_limits import ChatLimit, ChatLimiter
from bot.services.errors import NotLinked
from bot.services.fanout import FanOut, merged
from bot.services.outbox_ports import DeliveryReport, Outbox
from bot.services.ports import ChatRepository, Clock

log = logging.getLogger(__name__)

SUMMARY_DAY_TIME = time(9, 0)
"""The monthly summary goes out on the 1st once the chat's local clock passes this."""


class CostReport:
    """Figures, export and the monthly summary, on top of the priced sessions."""

    def __init__(
        self,
        costs: CostService,
        store: CostStore,
        chats: ChatRepository,
        notifications: Outbox,
        clock: Clock,
        limiter: ChatLimiter,
        fanout: FanOut | None = None,
    ) -> None:
        self._costs = costs
        self._store = store
        self._chats = chats
        self._notify = notifications
        self._clock = clock
        # /costs (figures and chart) and /export are counted per chat (SECURITY.md, "Limits").
        self._limiter = limiter
        self._fanout = fanout or FanOut()

    async def overview(self, chat_id: int) -> CostsView:
        """This month and the last 12 for the chat (NotLinked without a car), within the /costs limit."""
        vehicles = await self._costs.vehicles(chat_id)
        if not vehicles:
            raise NotLinked()
        await self._limiter.spend(chat_id, ChatLimit.COSTS)
        await self._costs.refresh(chat_id)
        zone_name = await self._zone_name(chat_id)
        zone = zone_or_utc(zone_name)
        current = month_of(self._clock().astimezone(zone).date())
        months = [current]
        for _ in range(MONTHS_SHOWN - 1):
            months.insert(0, previous_month(months[0]))
        # The 12 months are read at once (one costs query, one pass over each car's readings), then split.
        bounds = [month_start(month, zone) for month in (*months, next_month(months[-1]))]
        costs = await self._store.costs(chat_id, bounds[0], bounds[-1])
        miles: list[list[list[float]]] = [[[] for _ in months] for _ in vehicles]
        for per_month, vehicle in zip(miles, vehicles, strict=True):
            async for reading in self._store.readings(vehicle.vehicle_id, bounds[0], bounds[-1]):
                if reading.mileage_km is not None:
                    per_month[bisect_right(bounds, reading.reported_at) - 1].append(reading.mileage_km)
        figures = [
            month_figures(
                month,
                [c for c in costs if bounds[i] <= c.started_at < bounds[i + 1]],
                _distance([per_month[i] for per_month in miles]),
            )
            for i, month in enumerate(months)
        ]
        return CostsView(figures[-1], tuple(figures), zone_name)

    async def month(self, chat_id: int, month: date) -> MonthFigures:
        """One local month of the chat."""
        vehicles = await self._costs.vehicles(chat_id)
        zone = zone_or_utc(await self._zone_name(chat_id))
        return await self._month(chat_id, vehicles, month, zone)

    async def _month(
        self, chat_id: int, vehicles: list[LinkedVehicle], month: date, zone: ZoneInfo
    ) -> MonthFigures:
        since, until = month_start(month, zone), month_start(next_month(month), zone)
        costs = await self._store.costs(chat_id, since, until)
        km = await self._km(vehicles, since, until)
        return month_figures(month, costs, km)

    async def _km(self, vehicles: list[LinkedVehicle], since: datetime, until: datetime) -> float | None:
        miles = [
            [
                r.mileage_km
                async for r in self._store.readings(v.vehicle_id, since, until)
                if r.mileage_km is not None
            ]
            for v in vehicles
        ]
        return _distance(miles)

    async def session_costs(self, chat_id: int, since: datetime) -> list[SessionCost]:
        """The chat's priced sessions since `since` (refreshed first), for /history and /costs."""
        await self._costs.refresh(chat_id)
        vehicles = await self._costs.vehicles(chat_id)
        return visible_places(await self._store.costs(chat_id, since, self._clock()), vehicles)

    async def export(self, chat_id: int, since: datetime, until: datetime) -> AsyncIterator[ExportRow]:
        """Every stored session (with its cost for this chat) and reading in [since, until), per vehicle,
        within the /export limit."""
        vehicles = await self._costs.vehicles(chat_id)
        if not vehicles:
            raise NotLinked()
        await self._limiter.spend(chat_id, ChatLimit.EXPORT)
        await self._costs.refresh(chat_id)
        return self._rows(chat_id, vehicles, since, until)

    async def _rows(
        self, chat_id: int, vehicles: list[LinkedVehicle], since: datetime, until: datetime
    ) -> AsyncIterator[ExportRow]:
        stored = visible_places(await self._store.costs(chat_id, since, until), vehicles)
        costs = {(c.vehicle_id, c.started_at): c for c in stored}
        for vehicle in vehicles:
            name = vehicle.info.plate or vehicle.info.model_name
            for session in await self._store.sessions(vehicle.vehicle_id, since, until):
                cost = costs.get((vehicle.vehicle_id, session.started_at))
                yield ExportRow(name, charge=session, cost=cost)
            async for reading in self._store.readings(vehicle.vehicle_id, since, until):
                yield ExportRow(name, reading=reading)

    async def send_monthly_summaries(self) -> DeliveryReport:
        """On the 1st after 09:00 local, queue last month's summary once per chat (claimed in the store).

        Chats are summed up and sent side by side (`FanOut`): one chat's slow tariff feed delays no other.
        """
        now = self._clock()
        due: list[tuple[ChatSettings, date]] = []
        for chat_id in await self._store.summary_chats():
            settings = await self._chats.get(chat_id)
            if settings is None or not settings.active:
                continue
            local = now.astimezone(zone_or_utc(settings.time_zone))
            if local.day != 1 or local.time() < SUMMARY_DAY_TIME:
                continue
            due.append((settings, previous_month(month_of(local.date()))))
        return merged(await self._fanout.each(due, self._send_summary, "monthly cost summaries"))

    async def _send_summary(self, due: tuple[ChatSettings, date]) -> DeliveryReport:
        settings, month = due
        chat_id = settings.chat_id
        if not await self._store.unsent_monthly(chat_id, month):
            return DeliveryReport()
        try:
            await self._costs.refresh(chat_id)
        except NotLinked:
            return DeliveryReport()
        figures = await self.month(chat_id, month)
        # Reserved in the outbox first (its key is unique per chat and month), then claimed: a crash in
        # between re-computes the same key next time, which the outbox refuses; never two pings.
        entries = await self._notify.enqueue_for_chat(None, settings, [summary_event(chat_id, figures)])
        await self._store.claim_monthly(chat_id, month)
        return await self._notify.deliver(entries)

    async def _zone_name(self, chat_id: int) -> str:
        chat = await self._chats.get(chat_id)
        return chat.time_zone if chat is not None else "UTC"


def visible_places(costs: list[SessionCost], vehicles: list[LinkedVehicle]) -> list[SessionCost]:
    """The costs as the chat may see them: where a car charged is "unknown" without the location right
    on it (even a place noted while the chat had the right)."""
    hidden = {v.vehicle_id for v in vehicles if not allows(v, Right.LOCATE)}
    return [
        dataclasses.replace(c, place=Place.UNKNOWN)
        if c.vehicle_id in hidden and c.place is not Place.UNKNOWN
        else c
        for c in costs
    ]


def _distance(miles: list[list[float]]) -> float | None:
    """Km driven over a period: each car's highest minus lowest odometer (None when no car shows two)."""
    driven = [max(known) - min(known) for known in miles if len(known) >= 2]
    return sum(driven) if driven else None


def _text(value: Decimal | None, places: str = "0.01") -> str | None:
    return None if value is None else str(value.quantize(Decimal(places)))


def summary_event(chat_id: int, figures: MonthFigures) -> MonthlyCostSummary:
    """The ping of one month's figures."""
    priced = figures.priced_sessions > 0
    return MonthlyCostSummary(
        chat_id=chat_id,
        month=figures.month,
        sessions=figures.sessions,
        grid_kwh=str(figures.grid_kwh.quantize(Decimal("0.1"))),
        cost=_text(figures.cost) if priced else None,
        currency=figures.currency,
        price_per_kwh=_text(figures.price_per_kwh, "0.001"),
        saving=_text(figures.saving) if priced else None,
        unpriced=figures.sessions - figures.priced_sessions,
    )


class CostDesk(CostReport):
    """Everything the cost screens call, in one port: the report plus the settings and away-price steps."""

    async def settings(self, chat_id: int) -> CostSettings:
        """The chat's cost settings."""
        return await self._costs.settings(chat_id)

    async def save_settings(self, settings: CostSettings) -> None:
        """Store changed cost settings."""
        await self._costs.save_settings(settings)

    async def set_home(self, chat_id: int, latitude: float, longitude: float) -> Home:
        """Store the chat's home (InvalidInput outside the world)."""
        return await self._costs.set_home(chat_id, latitude, longitude)

    async def set_home_from_car(self, chat_id: int) -> Home:
        """Store the active car's position as home (only with the location right on it), within the chat's
        location limit (the same count as /where)."""
        await self._limiter.spend(chat_id, ChatLimit.WHERE)
        return await self._costs.set_home_from_car(chat_id, None)

    async def ask_away_price(self, chat_id: int, vehicle_id: int, started_at: datetime) -> None:
        """The chat's next text is this session's price."""
        await self._costs.ask_away_price(chat_id, vehicle_id, started_at)

    async def awaiting_price(self, chat_id: int) -> AwaitedPrice | None:
        """The session whose price the chat was asked for, or None."""
        return await self._costs.awaiting_price(chat_id)

    async def set_away_price(self, chat_id: int, text: str) -> SessionCost:
        """Price the awaited session from the typed text."""
        return await self._costs.set_away_price(chat_id, text)

    async def cancel_awaiting(self, chat_id: int) -> None:
        """Forget a pending price question."""
        await self._costs.cancel_awaiting(chat_id)

    async def mark_home(self, chat_id: int, vehicle_id: int, started_at: datetime) -> None:
        """An away session was at home after all."""
        await self._costs.mark_home(chat_id, vehicle_id, started_at)

    async def capture_places(self) -> int:
        """Note where still-charging sessions are (see CostService.capture_places)."""
        return await self._costs.capture_places()
