"""Reading a vehicle's status for /status and /where, falling back to the last known data."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.domain.snapshot import VehicleSnapshot
from bot.domain.vehicle import Right
from bot.services.errors import FeatureUnavailable, NeedsLogin, RenaultBusy, RenaultDown, ServiceError
from bot.services.gateway import CARD_EXTRAS, RenaultGateway
from bot.services.linking import LinkingService
from bot.services.ports import Clock, VehicleStateRepository
from bot.services.views import LocationView, StatusView

# A reading the poller (or another chat) fetched this recently is shown as is, sparing Renault a call.
FRESH_FOR = timedelta(seconds=60)

_STALE_REASONS: tuple[tuple[type[ServiceError], str], ...] = (
    (RenaultDown, "renault_down"),
    (RenaultBusy, "quota"),
    (NeedsLogin, "needs_login"),
)


class StatusService:
    """Use cases of /status, its Refresh button and /where."""

    def __init__(
        self,
        linking: LinkingService,
        gateway: RenaultGateway,
        states: VehicleStateRepository,
        clock: Clock,
    ) -> None:
        self._linking = linking
        self._gateway = gateway
        self._states = states
        self._clock = clock
        self._recent: dict[int, tuple[VehicleSnapshot, datetime]] = {}

    async def status(
        self, chat_id: int, vehicle_id: int | None = None, *, refresh: bool = False
    ) -> StatusView:
        """The card's data: live (one concurrent round trip), or the last known data with the reason."""
        vehicle = await self._linking.resolve(chat_id, vehicle_id, Right.READ)
        stored = await self._gateway.stored(vehicle.vehicle_id)
        state = await self._states.load(vehicle.vehicle_id)
        now = self._clock()
        cached = self._recent.get(vehicle.vehicle_id)
        if not refresh and cached is not None and now - cached[1] < FRESH_FOR:
            return StatusView(vehicle, cached[0], fetched_at=cached[1])
        previous = cached[0] if cached else state.snapshot
        try:
            snapshot = await self._gateway.read_snapshot(stored, CARD_EXTRAS, previous=previous)
        except ServiceError as exc:
            reason = _stale_reason(exc)
            if reason is None or previous is None:
                raise
            return StatusView(vehicle, previous, fetched_at=now, stale_reason=reason)
        self._recent[vehicle.vehicle_id] = (snapshot, now)
        return StatusView(vehicle, snapshot, fetched_at=now)

    async def location(self, chat_id: int, vehicle_id: int | None = None) -> LocationView:
        """The car's last reported position (read live where the model supports it)."""
        vehicle = await self._linking.resolve(chat_id, vehicle_id, Right.LOCATE)
        stored = await self._gateway.stored(vehicle.vehicle_id)
        if not vehicle.capabilities.supports("location"):
            raise FeatureUnavailable("location")
        point = await self._gateway.read_location(stored)
        if point is None:
            raise FeatureUnavailable("location")
        return LocationView(vehicle, point)


def _stale_reason(exc: ServiceError) -> str | None:
    for kind, reason in _STALE_REASONS:
        if isinstance(exc, kind):
            return reason
    return None
