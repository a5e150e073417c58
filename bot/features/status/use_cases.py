"""Reading a vehicle's status for /status and /where: the stored state is the one truth every replica shows.

The card shows the vehicle's stored state (`vehicle_states`): what the last poll or Refresh of any replica
read, and how the last read went. When a read happened less than `FRESH_FOR` ago, the card is that state
as is (no Renault call); otherwise, and on Refresh, the car is read and the reading is written to the stored
state first (unless a newer one is stored meanwhile), so every reader then sees it. No process keeps its
own copy (docs/architecture.md, "Where state lives"). /where does the same with the stored position (its
own read time decides whether it is recent: the poller never reads it).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from bot.domain.models import traits_for
from bot.domain.phases import phase_of
from bot.domain.preferences import ChatSettings
from bot.domain.vehicle import LinkedVehicle, Right
from bot.features.status.ports import LocationView, StatusView
from bot.services.access import active_of, authorize
from bot.services.chat_limits import ChatLimit, ChatLimiter
from bot.services.errors import (
    FeatureUnavailable,
    NeedsLogin,
    RenaultBusy,
    RenaultDown,
    ServiceError,
)
from bot.services.gateway import CARD_EXTRAS, RenaultGateway
from bot.services.ports import (
    CardStates,
    Clock,
    LimitReached,
    LinkingPort,
    PollHealth,
    ReadingRecorder,
    StoredVehicleState,
)

# A car read (by the poller, a Refresh or another chat, on any replica) this recently is shown as stored,
# sparing Renault a call.
FRESH_FOR = timedelta(seconds=60)

_HEALTH_OF: tuple[tuple[type[ServiceError], PollHealth], ...] = (
    (RenaultDown, PollHealth.RENAULT_DOWN),
    (RenaultBusy, PollHealth.QUOTA),
    (NeedsLogin, PollHealth.NEEDS_LOGIN),
)


class StatusService:
    """Use cases of /status, its Refresh button and /where (the last two within their per-chat limits)."""

    def __init__(
        self,
        linking: LinkingPort,
        gateway: RenaultGateway,
        states: CardStates,
        history: ReadingRecorder,
        clock: Clock,
        limiter: ChatLimiter,
    ) -> None:
        self._linking = linking
        self._gateway = gateway
        self._states = states
        self._history = history
        self._clock = clock
        # Refresh and location are counted per chat before Renault is asked (SECURITY.md, "Limits").
        self._limiter = limiter

    async def status(
        self, chat_id: int, vehicle_id: int | None = None, *, refresh: bool = False
    ) -> StatusView:
        """The card's data: the stored state, read from the car first when it is not recent or on Refresh."""
        vehicle = await self._linking.resolve(chat_id, vehicle_id, Right.READ)
        if refresh:
            await self._limiter.spend(chat_id, ChatLimit.REFRESH)
        return await self._card(vehicle, await self._states.load(vehicle.vehicle_id), refresh=refresh)

    async def card(self, chat_id: int) -> tuple[ChatSettings, StatusView] | None:
        """/status of a known chat: its settings and its active car's card, the chat, its vehicles and their
        states read in one query; None for a chat without settings yet (first contact, or back after /stop):
        its caller takes the long way (the settings made, then `status`)."""
        found = await self._states.card_of(chat_id)
        if found is None:
            return None
        vehicle = authorize(active_of(found.vehicles, found.chosen), Right.READ)
        state = found.states.get(vehicle.vehicle_id) or StoredVehicleState(vehicle_id=vehicle.vehicle_id)
        return found.settings, await self._card(vehicle, state, refresh=False)

    async def _card(self, vehicle: LinkedVehicle, state: StoredVehicleState, *, refresh: bool) -> StatusView:
        """The card from the stored `state`, after reading the car when the state is not recent or on
        Refresh (the reading stored first, for every reader)."""
        now = self._clock()
        if not refresh and state.snapshot is not None and _recent(state, now):
            return _view(vehicle, state)
        # Only a read needs the stored vehicle (its decrypted Kamereon account): a recent state does not.
        stored = await self._gateway.stored(vehicle.vehicle_id)
        try:
            snapshot = await self._gateway.read_snapshot(stored, CARD_EXTRAS, previous=state.snapshot)
        except LimitReached:
            # A member whose share of the account's calls is spent: their card is the stored one (the car's
            # health is not theirs to mark); their Refresh is refused with the limit instead.
            if refresh or state.snapshot is None:
                raise
            return _view(vehicle, state)
        except ServiceError as exc:
            health = health_of(exc)
            if health is None:
                raise
            state = await self._states.record_failure(vehicle.vehicle_id, health, now)
            if state.snapshot is None:
                raise
            return _view(vehicle, state)
        traits = traits_for(stored.info.model_code)
        if _newer(snapshot.reported_at, state.car_reported_at):
            # The poller records each reading it stores; a Refresh that read a newer one does the same, so
            # /history has it too (the reading is unique per report time, whoever stores it first). Charge
            # sessions are the poll's: its charge tracker follows this reading at its next look.
            await self._history.record(vehicle.vehicle_id, snapshot, None, traits)
        phase = phase_of(snapshot, traits).value
        state = await self._states.record_read(vehicle.vehicle_id, snapshot, phase, now)
        return _view(vehicle, state)

    async def location(self, chat_id: int, vehicle_id: int | None = None) -> LocationView:
        """The car's position: the stored one when read recently, else read live and stored for all.

        When the live read fails (Renault down, its quota, a login needed), the last stored position is
        shown with the failure, as the card does; only when none is stored is the error raised.
        """
        where = await self._linking.locate(chat_id, vehicle_id)
        vehicle = where.vehicle
        if not vehicle.capabilities.supports("location"):
            raise FeatureUnavailable("location")
        await self._limiter.spend(chat_id, ChatLimit.WHERE)
        state = await self._states.load(vehicle.vehicle_id)
        stored = state.snapshot.location if state.snapshot is not None else None
        now = self._clock()
        if stored is not None and stored.read_at is not None and now - stored.read_at < FRESH_FOR:
            return LocationView(vehicle, stored, stale_reason=_stale_reason(state))
        try:
            point = await self._gateway.read_location(where)
        except ServiceError as exc:
            health = health_of(exc)
            if health is None:
                raise
            await self._states.record_failure(vehicle.vehicle_id, health, now)
            if stored is None:
                raise
            return LocationView(vehicle, stored, stale_reason=health.value)
        if point is None:
            raise FeatureUnavailable("location")
        point = replace(point, read_at=now)
        state = await self._states.record_location(vehicle.vehicle_id, point)
        # A newer position stored meanwhile by another replica wins, as readings do.
        kept = state.snapshot.location if state.snapshot is not None else None
        return LocationView(vehicle, kept or point)


def health_of(exc: ServiceError) -> PollHealth | None:
    """The health a failed read leaves in the stored state (None: an error the card does not absorb)."""
    for kind, health in _HEALTH_OF:
        if isinstance(exc, kind):
            return health
    return None


def _recent(state: StoredVehicleState, now: datetime) -> bool:
    return state.health_at is not None and now - state.health_at < FRESH_FOR


def _newer(reported: datetime | None, stored: datetime | None) -> bool:
    return reported is not None and (stored is None or reported > stored)


def _stale_reason(state: StoredVehicleState) -> str | None:
    health = state.health
    return None if health is None or health is PollHealth.OK else health.value


def _view(vehicle: LinkedVehicle, state: StoredVehicleState) -> StatusView:
    assert state.snapshot is not None
    stale = _stale_reason(state)
    fetched = state.read_at or state.health_at  # every path here has stored one of them
    assert fetched is not None
    return StatusView(vehicle, state.snapshot, fetched_at=fetched, stale_reason=stale)
