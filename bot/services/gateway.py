"""From our vehicle ids to Renault proxies: credentials, the shared client, concurrent reads, error upkeep."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Protocol, TypeVar

from bot.domain.account import AccountSecrets, CredentialsUnreadable, StoredAccount, StoredVehicle
from bot.domain.snapshot import GeoPoint, VehicleSnapshot
from bot.renault import models as wire
from bot.renault.account import RenaultAccount
from bot.renault.client import RenaultClient
from bot.renault.errors import CredentialsExpired, NotSupported, RenaultError
from bot.renault.vehicle import RenaultVehicle
from bot.services import snapshot_mapping as mapping
from bot.services.access import Located
from bot.services.errors import NeedsLogin, NotLinked, SecretsUnreadable, ServiceError
from bot.services.linking import credentials_of
from bot.services.ports import AccountRepository, Clock, VehicleRepository
from bot.services.translate import translate

log = logging.getLogger(__name__)

T = TypeVar("T")

# Read alongside battery-status when a full card is wanted; each only where the model supports it.
CARD_EXTRAS = ("cockpit", "hvac-status")


class GatewayAccounts(AccountRepository, Protocol):
    """The account repository plus the bulk read the poller's batches use."""

    async def with_credentials(
        self, account_ids: Sequence[int]
    ) -> dict[int, tuple[StoredAccount, AccountSecrets]]:
        """Accounts and their secrets in one read; unknown or unreadable accounts are left out."""
        ...


class RenaultGateway:
    """Gives use cases a ready `RenaultVehicle` for a stored vehicle and runs calls with error upkeep."""

    def __init__(
        self,
        client: RenaultClient,
        accounts: GatewayAccounts,
        vehicles: VehicleRepository,
        clock: Clock,
    ) -> None:
        self._client = client
        self._accounts = accounts
        self._vehicles = vehicles
        self._clock = clock
        # Proxies resolved in bulk for the poller's current batch (fresh from the database at its start).
        self._preloaded: dict[int, RenaultAccount] = {}

    async def preload(self, account_ids: Iterable[int]) -> dict[int, StoredAccount]:
        """Resolve the proxies of several accounts in one read, for the batch about to be polled.

        Returns the accounts read. Accounts that need a login (or are gone or unreadable) get no proxy, so
        `account()` takes its usual per-account path for them. Call `forget_preloaded` when the batch ends,
        so nothing outlives the batch: a later re-link or logout is always read afresh.
        """
        found = await self._accounts.with_credentials(list(set(account_ids)))
        for account_id, (stored, secrets) in found.items():
            if not stored.needs_login:
                self._preloaded[account_id] = self._proxy(stored, secrets)
        return {account_id: stored for account_id, (stored, _) in found.items()}

    def forget_preloaded(self, account_ids: Iterable[int]) -> None:
        """Drop the proxies `preload` resolved (end of the batch)."""
        for account_id in account_ids:
            self._preloaded.pop(account_id, None)

    async def stored(self, vehicle_id: int) -> StoredVehicle:
        """The stored vehicle, or NotLinked when it is gone (SecretsUnreadable when no key reads it)."""
        try:
            stored = await self._vehicles.get(vehicle_id)
        except CredentialsUnreadable:
            raise SecretsUnreadable() from None
        if stored is None:
            raise NotLinked()
        return stored

    async def account(self, account_id: int) -> RenaultAccount:
        """The Renault account proxy (one per account, so its JWT cache is shared)."""
        preloaded = self._preloaded.get(account_id)
        if preloaded is not None:
            return preloaded
        stored = await self._accounts.get(account_id)
        if stored is None:
            raise NotLinked()
        if stored.needs_login:
            raise NeedsLogin()
        try:
            secrets = await self._accounts.credentials(account_id)
        except CredentialsUnreadable:
            raise SecretsUnreadable() from None
        return self._proxy(stored, secrets)

    def _proxy(self, stored: StoredAccount, secrets: AccountSecrets) -> RenaultAccount:
        credentials = credentials_of(stored.locale, secrets)
        return self._client.account(credentials, account_key=str(stored.account_id))

    async def vehicle(self, stored: StoredVehicle) -> RenaultVehicle:
        """The Renault vehicle proxy for a stored vehicle."""
        account = await self.account(stored.account_id)
        return account.vehicle(
            stored.kamereon_account_id,
            stored.info.vin,
            stored.info.model_code,
            unsupported=stored.unsupported,
        )

    async def call(
        self, stored: StoredVehicle, operation: Callable[[], Awaitable[T]], feature: str = ""
    ) -> T:
        """Run one Renault call; remember refused endpoints and dead credentials; raise service errors."""
        try:
            return await operation()
        except RenaultError as exc:
            await self._upkeep(stored, exc)
            raise translate(exc, self._clock(), feature) from None

    async def read_snapshot(
        self,
        stored: StoredVehicle,
        extras: Sequence[str] = (),
        previous: VehicleSnapshot | None = None,
    ) -> VehicleSnapshot:
        """battery-status plus the supported `extras`, all in one concurrent round trip."""
        proxy = await self.vehicle(stored)
        readers = _readers(proxy)
        wanted = [key for key in extras if proxy.supports(key)]
        battery = asyncio.ensure_future(self.call(stored, proxy.battery_status, "battery-status"))
        try:
            extras_read = await asyncio.gather(
                *(self._optional(stored, readers[key]) for key in wanted if key in readers)
            )
            snapshot = mapping.from_battery(stored.info.vin, await battery)
        finally:
            battery.cancel()  # no-op once done; stops the read if gathering was cancelled
        for extra in extras_read:
            snapshot = _add(snapshot, extra)
        return mapping.merge_known(snapshot, previous)

    async def read(self, stored: StoredVehicle, endpoint: str) -> VehicleSnapshot:
        """One endpoint as a snapshot (the poller's reader): battery-status, or an extra on its own."""
        if endpoint == "battery-status":
            return await self.read_snapshot(stored)
        readers = _readers(await self.vehicle(stored))
        if endpoint not in readers:
            raise ValueError(f"no reader for {endpoint}")
        extra = await self.call(stored, readers[endpoint], endpoint)
        return _add(VehicleSnapshot(vin=stored.info.vin), extra)

    async def stop_charge(self, stored: StoredVehicle) -> None:
        """Stop the car's charge (one request, within the account's call budget); raises service errors."""
        proxy = await self.vehicle(stored)
        await self.call(stored, proxy.stop_charge, "charge-stop")

    async def read_location(self, where: Located) -> GeoPoint | None:
        """The car's last GPS position (one request), or None when it sent no coordinates.

        Only with a `Located` (bot.services.access): the position is never read for a chat without the
        location right; no other path of the gateway reads it.
        """
        stored = await self.stored(where.vehicle.vehicle_id)
        proxy = await self.vehicle(stored)
        location = await self.call(stored, proxy.location, "location")
        return mapping.with_location(VehicleSnapshot(vin=stored.info.vin), location).location

    async def _optional(self, stored: StoredVehicle, read: Callable[[], Awaitable[object]]) -> object:
        # A failing extra read must not cost the user the battery figures: the card simply leaves it out.
        try:
            return await self.call(stored, read)
        except ServiceError as exc:
            log.info("optional read failed for vehicle %s: %s", stored.vehicle_id, type(exc).__name__)
            return None

    async def _upkeep(self, stored: StoredVehicle, exc: RenaultError) -> None:
        if isinstance(exc, NotSupported) and exc.endpoint:
            await self._vehicles.mark_unsupported(stored.vehicle_id, exc.endpoint)
        elif isinstance(exc, CredentialsExpired):
            self._preloaded.pop(stored.account_id, None)
            await self._accounts.mark_needs_login(stored.account_id)


def _readers(proxy: RenaultVehicle) -> dict[str, Callable[[], Awaitable[object]]]:
    # The extra reads a snapshot can hold, by endpoint key.
    return {
        "cockpit": proxy.cockpit,
        "hvac-status": proxy.hvac_status,
        "charge-mode": proxy.charge_mode,
    }


def _add(snapshot: VehicleSnapshot, extra: object) -> VehicleSnapshot:
    if isinstance(extra, wire.Cockpit):
        return mapping.with_cockpit(snapshot, extra)
    if isinstance(extra, wire.HvacStatus):
        return mapping.with_hvac(snapshot, extra)
    if isinstance(extra, wire.ChargeModeInfo):
        return mapping.with_charge_mode(snapshot, extra)
    return snapshot
