"""Use cases: price each chat's charge sessions, remember where they started, take an away price.

Sessions are priced when a chat looks (/history, /costs, /export, the monthly summary) and whenever a
reason may have gone away (still charging, no tariff yet, the tariff source down). Where a session started
is read once while it is still charging (the car stands still then), by `capture_places`.
"""

from __future__ import annotations

import dataclasses
import logging
from datetime import datetime, timedelta
from decimal import Decimal

from bot.domain.history import ChargeSession
from bot.domain.models import traits_for
from bot.domain.pricing import (
    COST_PLACES,
    EnergyEstimate,
    EnergyMethod,
    Priced,
    Unpriced,
    estimate_energy,
    grid_energy,
    price_session,
)
from bot.domain.tariff import TariffChoice, TariffError
from bot.domain.vehicle import LinkedVehicle, Right
from bot.features.costs.logic import (
    RETRYABLE,
    AwaitedPrice,
    AwayPrice,
    AwayPriceProblem,
    CostSettings,
    Home,
    Place,
    SessionCost,
    parse_away_price,
    place_of,
)
from bot.features.costs.ports import CostStore
from bot.features.costs.use_cases.prices import LookPrices, price_window
from bot.services.access import Located, allows
from bot.services.errors import InvalidInput, NotPermitted, ServiceError
from bot.services.gateway import RenaultGateway
from bot.services.ports import ChatRepository, Clock, LinkingPort, VehicleRepository
from bot.services.tariff_ports import TariffChoices, TariffFactory

log = logging.getLogger(__name__)

LOOKBACK = timedelta(days=400)
"""How far back sessions are (re)priced: more than the 12 months /costs shows."""
PLUG_LOOKBACK = timedelta(hours=24)
# Prices are fetched a little wider than the session, so a gap at its edge finds its nearest price.
PRICE_MARGIN = timedelta(hours=2)
AWAIT_FOR = timedelta(minutes=10)


class CostService:
    """Prices sessions per chat and keeps the chat's cost settings."""

    def __init__(
        self,
        store: CostStore,
        tariffs: TariffChoices,
        factory: TariffFactory,
        vehicles: VehicleRepository,
        chats: ChatRepository,
        gateway: RenaultGateway,
        clock: Clock,
        *,
        linking: LinkingPort,
    ) -> None:
        self._chats = chats
        # The one door to a position (`LinkingPort.locate`): home from the car, where a charge is.
        self._linking = linking
        self._store = store
        self._tariffs = tariffs
        self._factory = factory
        self._vehicles = vehicles
        self._gateway = gateway
        self._clock = clock

    async def settings(self, chat_id: int) -> CostSettings:
        """The chat's cost settings."""
        return await self._store.settings(chat_id)

    async def set_home(
        self, chat_id: int, latitude: float, longitude: float, radius_m: int | None = None
    ) -> Home:
        """Store the chat's home; a point outside the world is refused (InvalidInput)."""
        current = await self._store.settings(chat_id)
        radius = radius_m or (current.home.radius_m if current.home else None)
        try:
            home = Home(latitude, longitude, radius) if radius else Home(latitude, longitude)
        except ValueError:
            log.info("home refused for chat %s: outside the world or bad radius", chat_id)
            raise InvalidInput(["costs.error.home_outside"]) from None
        await self._store.save_settings(dataclasses.replace(current, home=home))
        return home

    async def set_home_from_car(self, chat_id: int, vehicle_id: int | None) -> Home:
        """Store the car's (the active one's) current position as home; only with the location right."""
        point = await self._gateway.read_location(await self._linking.locate(chat_id, vehicle_id))
        if point is None:
            raise InvalidInput(["costs.error.no_car_position"])
        return await self.set_home(chat_id, point.latitude, point.longitude)

    async def save_settings(self, settings: CostSettings) -> None:
        """Store changed cost settings (radius, loss, monthly summary switch)."""
        await self._store.save_settings(settings)

    async def vehicles(self, chat_id: int) -> list[LinkedVehicle]:
        """The vehicles the chat sees."""
        return await self._vehicles.vehicles_for_chat(chat_id)

    async def refresh(self, chat_id: int) -> None:
        """(Re)price every session of the chat's vehicles that has no final answer yet."""
        vehicles = await self.vehicles(chat_id)
        zone = await self._zone(chat_id)
        now = self._clock()
        since = now - LOOKBACK
        settings = await self._store.settings(chat_id)
        choice = await self._tariffs.tariff(chat_id)
        known = {(c.vehicle_id, c.started_at): c for c in await self._store.costs(chat_id, since, now)}
        stored = [(v, await self._store.sessions(v.vehicle_id, since, now)) for v in vehicles]
        # Every session still to price is priced from one fetch per run of nearby sessions, not one each.
        windows = [
            price_window(s, PLUG_LOOKBACK, PRICE_MARGIN)
            for v, sessions in stored
            for s in sessions
            if s.ended_at is not None and _stale(known.get((v.vehicle_id, s.started_at)))
        ]
        prices = LookPrices(self._factory, zone, windows)
        for vehicle, sessions in stored:
            # A charge the car paused and resumed (a slots plan) is several sessions of one plug-in: their
            # "at once from plug-in" charges follow each other instead of all starting at plug-in.
            chain: dict[datetime, datetime] = {}
            for session in sessions:
                existing = known.get((vehicle.vehicle_id, session.started_at))
                cost = existing
                if _stale(existing):
                    cost = await self._price(
                        chat_id, vehicle, session, existing, settings, choice, prices, chain
                    )
                    if cost != existing:
                        await self._store.save_cost(cost)
                if cost is not None and cost.plugged_at is not None and session.ended_at is not None:
                    chain[cost.plugged_at] = chain.get(cost.plugged_at, cost.plugged_at) + (
                        session.ended_at - session.started_at
                    )

    async def capture_places(self) -> int:
        """For every chat with a home, note where each still-charging session is; returns places noted.

        A chat without the location right on the car gets "unknown", and its turn reads no position.
        """
        now = self._clock()
        points: dict[int, tuple[float, float] | None] = {}
        noted = 0
        for chat_id in await self._store.home_chats():
            settings = await self._store.settings(chat_id)
            vehicles = await self.vehicles(chat_id)
            if settings.home is None:
                continue
            known = {
                (c.vehicle_id, c.started_at)
                for c in await self._store.costs(chat_id, now - PLUG_LOOKBACK, now)
            }
            for vehicle in vehicles:
                sessions = await self._store.sessions(vehicle.vehicle_id, now - PLUG_LOOKBACK, now)
                open_ = [
                    s
                    for s in sessions
                    if s.ended_at is None and (vehicle.vehicle_id, s.started_at) not in known
                ]
                if not open_:
                    continue
                place = await self._place(chat_id, vehicle, settings.home, points)
                for session in open_:
                    await self._store.save_cost(
                        SessionCost(
                            chat_id,
                            vehicle.vehicle_id,
                            session.started_at,
                            None,
                            place,
                            reason=Unpriced.ONGOING,
                        )
                    )
                    noted += 1
        return noted

    async def ask_away_price(self, chat_id: int, vehicle_id: int, started_at: datetime) -> None:
        """Remember that the chat's next text is the price of this session (for a few minutes).

        Where a car charged is location data: only a chat with the location right marks it away or home.
        """
        await self._linking.locate(chat_id, vehicle_id)
        until = self._clock() + AWAIT_FOR
        await self._store.set_awaiting(chat_id, AwaitedPrice(vehicle_id, started_at, until))

    async def awaiting_price(self, chat_id: int) -> AwaitedPrice | None:
        """The session whose price the chat was asked for, or None."""
        return await self._store.awaiting(chat_id, self._clock())

    async def cancel_awaiting(self, chat_id: int) -> None:
        """Forget a pending price question."""
        await self._store.set_awaiting(chat_id, None)

    async def set_away_price(self, chat_id: int, text: str) -> SessionCost:
        """Price the awaited session from the typed text; InvalidInput (nothing stored) when it is bad."""
        awaited = await self.awaiting_price(chat_id)
        if awaited is None:
            raise InvalidInput(["costs.error.not_awaiting"])
        parsed = parse_away_price(text)
        vehicles = await self.vehicles(chat_id)
        if isinstance(parsed, AwayPriceProblem):
            log.info("away price refused for chat %s: %s", chat_id, parsed.value)
            raise InvalidInput([f"costs.error.price_{parsed.value}"])
        vehicle = next((v for v in vehicles if v.vehicle_id == awaited.vehicle_id), None)
        started = awaited.started_at
        now = self._clock()
        costs = await self._store.costs(chat_id, started, started + timedelta(microseconds=1))
        sessions = [] if vehicle is None else await self._store.sessions(vehicle.vehicle_id, started, now)
        session = next((s for s in sessions if s.started_at == started), None)
        if vehicle is None or session is None:
            await self._store.set_awaiting(chat_id, None)
            raise InvalidInput(["costs.error.session_gone"])
        existing = next((c for c in costs if c.vehicle_id == vehicle.vehicle_id), None)
        base = existing or SessionCost(chat_id, vehicle.vehicle_id, started, session.ended_at, Place.AWAY)
        marked = dataclasses.replace(base, place=Place.AWAY, away=parsed)
        settings = await self._store.settings(chat_id)
        choice = await self._tariffs.tariff(chat_id)
        zone = await self._zone(chat_id)
        prices = LookPrices(self._factory, zone, [])
        cost = await self._price(chat_id, vehicle, session, marked, settings, choice, prices, {})
        await self._store.save_cost(cost)
        await self._store.set_awaiting(chat_id, None)
        return cost

    async def mark_home(self, chat_id: int, vehicle_id: int, started_at: datetime) -> None:
        """The owner says an away session was in fact at home: price it with the tariff (location right)."""
        await self._linking.locate(chat_id, vehicle_id)
        costs = await self._store.costs(chat_id, started_at, started_at + timedelta(microseconds=1))
        existing = next((c for c in costs if c.vehicle_id == vehicle_id), None)
        vehicles = await self.vehicles(chat_id)
        if existing is None or not any(v.vehicle_id == vehicle_id for v in vehicles):
            raise InvalidInput(["costs.error.session_gone"])
        await self._store.save_cost(
            dataclasses.replace(existing, place=Place.HOME, away=None, reason=Unpriced.NO_TARIFF)
        )
        await self.refresh(chat_id)

    async def _zone(self, chat_id: int) -> str:
        chat = await self._chats.get(chat_id)
        return chat.time_zone if chat is not None else "UTC"

    async def _place(
        self,
        chat_id: int,
        vehicle: LinkedVehicle,
        home: Home,
        points: dict[int, tuple[float, float] | None],
    ) -> Place:
        # Each chat passes the door itself; the position, once read, serves the other chats of the car.
        try:
            where = await self._linking.locate(chat_id, vehicle.vehicle_id)
        except NotPermitted:
            return Place.UNKNOWN
        if vehicle.vehicle_id not in points:
            points[vehicle.vehicle_id] = await self._position(where)
        point = points[vehicle.vehicle_id]
        return place_of(home, *(point if point else (None, None)))

    async def _position(self, where: Located) -> tuple[float, float] | None:
        vehicle = where.vehicle
        if not vehicle.capabilities.supports("location"):
            return None
        try:
            point = await self._gateway.read_location(where)
        except ServiceError as error:
            log.info("no position for vehicle %s: %s", vehicle.vehicle_id, type(error).__name__)
            return None
        return None if point is None else (point.latitude, point.longitude)

    async def _price(
        self,
        chat_id: int,
        vehicle: LinkedVehicle,
        session: ChargeSession,
        existing: SessionCost | None,
        settings: CostSettings,
        choice: TariffChoice | None,
        prices: LookPrices,
        chain: dict[datetime, datetime],
    ) -> SessionCost:
        if existing is not None:
            place = existing.place
        elif settings.home is None and allows(vehicle, Right.LOCATE):
            place = Place.HOME  # no home set: every charge is priced as home
        else:
            place = Place.UNKNOWN  # until capture_places saw where it charged (never without the right)
        away = existing.away if existing is not None else None
        base = SessionCost(
            chat_id, vehicle.vehicle_id, session.started_at, session.ended_at, place, away=away
        )
        if session.ended_at is None:
            return dataclasses.replace(base, reason=Unpriced.ONGOING)
        traits = traits_for(vehicle.info.model_code)
        # The car's figure only when the session found its counter plausible (older sessions: levels).
        reported = session.energy_kwh if session.energy_method is EnergyMethod.REPORTED else None
        energy = estimate_energy(reported, session.start_level, session.end_level, traits.usable_capacity_kwh)
        if energy is None:
            return dataclasses.replace(base, reason=Unpriced.NO_ENERGY)
        grid = grid_energy(energy.battery_kwh, settings.loss)
        if place is Place.AWAY:
            return _away(base, energy, grid, away, choice)
        if choice is None:
            return _unpriced(base, energy, Unpriced.NO_TARIFF)
        plugged_at = await self._plugged_at(vehicle.vehicle_id, session.started_at)
        start, end = session.started_at, session.ended_at
        try:
            slots = await prices.prices(
                choice, min(plugged_at or start, start) - PRICE_MARGIN, end + PRICE_MARGIN
            )
        except TariffError as error:
            log.info(
                "tariff down while pricing a session of vehicle %s: %s",
                vehicle.vehicle_id,
                type(error).__name__,
            )
            return _unpriced(base, energy, Unpriced.TARIFF_DOWN)
        priced = price_session(start, end, energy, slots, settings.loss)
        if isinstance(priced, Unpriced):
            return _unpriced(base, energy, priced)
        at_plug_in = priced.cost
        counter_start = None if plugged_at is None else chain.get(plugged_at, plugged_at)
        if counter_start is not None and counter_start < start:
            # The same energy, charged at once from plug-in (after this plug-in's earlier sessions), as long.
            counter = price_session(
                counter_start, counter_start + (end - start), energy, slots, settings.loss
            )
            if isinstance(counter, Priced) and counter.currency == priced.currency:
                at_plug_in = counter.cost
        return _with(base, priced, plugged_at, at_plug_in)

    async def _plugged_at(self, vehicle_id: int, started_at: datetime) -> datetime | None:
        """When the cable went in before this charge: the earliest of the unbroken run of plugged readings."""
        readings = [r async for r in self._store.readings(vehicle_id, started_at - PLUG_LOOKBACK, started_at)]
        plugged_at = None
        for reading in reversed(readings):
            if reading.plugged is not True:
                break
            plugged_at = reading.reported_at
        return plugged_at


def _stale(existing: SessionCost | None) -> bool:
    """Whether a session has no final price yet: never priced, a reason that may go away, or still open."""
    return existing is None or existing.reason in RETRYABLE or existing.ended_at is None


def _unpriced(base: SessionCost, energy: EnergyEstimate, reason: Unpriced) -> SessionCost:
    """A session whose energy is known but that has no cost, and why."""
    return dataclasses.replace(base, battery_kwh=energy.battery_kwh, method=energy.method, reason=reason)


def _with(
    base: SessionCost, priced: Priced, plugged_at: datetime | None, at_plug_in: Decimal | None
) -> SessionCost:
    return dataclasses.replace(
        base,
        battery_kwh=priced.battery_kwh,
        grid_kwh=priced.grid_kwh,
        method=priced.method,
        cost=priced.cost,
        currency=priced.currency,
        gaps=priced.gaps,
        reason=None,
        plugged_at=plugged_at,
        at_plug_in=at_plug_in,
    )


def _away(
    base: SessionCost,
    energy: EnergyEstimate,
    grid: Decimal,
    away: AwayPrice | None,
    choice: TariffChoice | None,
) -> SessionCost:
    if away is None:
        return _unpriced(base, energy, Unpriced.AWAY)
    # A public charger bills the metered (grid) kWh; a total is simply what was paid.
    cost = away.total if away.total is not None else grid * (away.per_kwh or Decimal(0))
    return dataclasses.replace(
        base,
        battery_kwh=energy.battery_kwh,
        grid_kwh=grid.quantize(COST_PLACES),
        method=energy.method,
        cost=cost.quantize(COST_PLACES),
        currency=choice.currency if choice is not None else "EUR",
        reason=None,
        at_plug_in=None,
    )
