"""From our vehicle ids to Renault proxies: credentials, the shared client, concurrent reads, error upkeep.

The one error boundary between the Renault client and the use cases: every call to Renault made for a use
case (reads, actions, the login and its two-factor code) goes through here, and a `bot.renault` error leaves
only as a `bot.services` error (`translate`). No other service module catches Renault's errors.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from bot.domain.snapshot import GeoPoint, VehicleSnapshot
from bot.renault import models as wire
from bot.renault.account import RenaultAccount, VehicleDescription
from bot.renault.client import RenaultClient
from bot.renault.credentials import DeviceIds, RenaultCredentials
from bot.renault.errors import LoginTokenExpired, NotSupported, RenaultError
from bot.renault.gigya import ChallengeState, LoginResult, TwoFactorChallenge
from bot.renault.tokens import StoredJwt
from bot.renault.vehicle import RenaultVehicle
from bot.services import snapshot_mapping as mapping
from bot.services.access import Located
from bot.services.errors import NeedsLogin, NotLinked, SecretsUnreadable, ServiceError
from bot.services.ports import (
    AccountRepository,
    AccountSecrets,
    Clock,
    CredentialsUnreadable,
    StoredAccount,
    StoredVehicle,
    VehicleRepository,
)
from bot.services.translate import translate

log = logging.getLogger(__name__)

T = TypeVar("T")

# Read alongside battery-status when a full card is wanted; each only where the model supports it.
CARD_EXTRAS = ("cockpit", "hvac-status")


@dataclass(slots=True)
class ResolvedAccounts:
    """Accounts read in bulk for one batch, and the Renault proxies of those that can be called.

    Owned by one batch and dropped with it: two batches in flight never share (or clear) each other's.
    """

    accounts: dict[int, StoredAccount]
    proxies: dict[int, RenaultAccount]

    def needs_login(self, account_id: int) -> None:
        """Renault refused the account's login mid-batch: its other vehicles take the needs-login path."""
        self.proxies.pop(account_id, None)
        stored = self.accounts.get(account_id)
        if stored is not None:
            self.accounts[account_id] = dataclasses.replace(stored, needs_login=True)


class GatewayAccounts(AccountRepository, Protocol):
    """The account repository plus the bulk read the poller's batches use."""

    async def with_credentials(
        self, account_ids: Sequence[int]
    ) -> dict[int, tuple[StoredAccount, AccountSecrets]]:
        """Accounts and their secrets in one read; unknown or unreadable accounts are left out."""
        ...


@dataclass(frozen=True, slots=True)
class Discovered:
    """What a fresh login finds: the account's credentials as refreshed, its person id and its vehicles."""

    credentials: RenaultCredentials
    person_id: str
    vehicles: list[VehicleDescription]


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

    async def preload(self, account_ids: Iterable[int]) -> ResolvedAccounts:
        """Resolve the proxies of several accounts in one read, for the batch about to be polled.

        The result belongs to the caller's batch (the gateway keeps nothing of it), so batches in flight at
        once never see or drop each other's, and a re-link or logout after the batch is read afresh.
        Accounts that need a login (or are gone or unreadable) get no proxy: `account()` takes its usual
        per-account path for them.
        """
        found = await self._accounts.with_credentials(list(set(account_ids)))
        proxies = {
            account_id: self._proxy(stored, secrets)
            for account_id, (stored, secrets) in found.items()
            if not stored.needs_login
        }
        return ResolvedAccounts({account_id: stored for account_id, (stored, _) in found.items()}, proxies)

    async def stored(self, vehicle_id: int) -> StoredVehicle:
        """The stored vehicle, or NotLinked when it is gone (SecretsUnreadable when no key reads it)."""
        try:
            stored = await self._vehicles.get(vehicle_id)
        except CredentialsUnreadable:
            raise SecretsUnreadable() from None
        if stored is None:
            raise NotLinked()
        return stored

    async def account(self, account_id: int, resolved: ResolvedAccounts | None = None) -> RenaultAccount:
        """The Renault account proxy (one per account, so its JWT cache is shared); a batch's if resolved."""
        preloaded = resolved.proxies.get(account_id) if resolved is not None else None
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
        account = self._client.account(credentials, account_key=str(stored.account_id))
        if secrets.jwt is not None and secrets.jwt_expires_at is not None:
            # The batch's read brought the stored JWT: a session without a valid one need not read it again.
            account.offer_jwt(StoredJwt(secrets.jwt, secrets.jwt_expires_at))
        return account

    async def vehicle(
        self, stored: StoredVehicle, resolved: ResolvedAccounts | None = None
    ) -> RenaultVehicle:
        """The Renault vehicle proxy for a stored vehicle."""
        account = await self.account(stored.account_id, resolved)
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
        resolved: ResolvedAccounts | None = None,
    ) -> VehicleSnapshot:
        """battery-status plus the supported `extras`, all in one concurrent round trip."""
        proxy = await self.vehicle(stored, resolved)
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

    async def read(
        self, stored: StoredVehicle, endpoint: str, resolved: ResolvedAccounts | None = None
    ) -> VehicleSnapshot:
        """One endpoint as a snapshot (the poller's reader): battery-status, or an extra on its own."""
        if endpoint == "battery-status":
            return await self.read_snapshot(stored, resolved=resolved)
        readers = _readers(await self.vehicle(stored, resolved))
        if endpoint not in readers:
            raise ValueError(f"no reader for {endpoint}")
        extra = await self.call(stored, readers[endpoint], endpoint)
        return _add(VehicleSnapshot(vin=stored.info.vin), extra)

    async def stop_charge(self, stored: StoredVehicle, resolved: ResolvedAccounts | None = None) -> None:
        """Stop the car's charge (one request, within the account's call budget); raises service errors."""
        proxy = await self.vehicle(stored, resolved)
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
        elif isinstance(exc, LoginTokenExpired):
            await self._accounts.mark_needs_login(stored.account_id)

    async def login(
        self, locale: str, email: str, password: str, device: DeviceIds | None = None
    ) -> LoginResult | TwoFactorChallenge:
        """Log in to Renault (or start its e-mailed two-factor challenge); raises service errors."""
        return await self._translated(lambda: self._client.login(locale, email, password, device=device))

    def restore_challenge(self, state: ChallengeState) -> TwoFactorChallenge:
        """A stored two-factor challenge, ready to complete (no request)."""
        return self._client.restore_challenge(state)

    async def complete_two_factor(self, challenge: TwoFactorChallenge, code: str) -> LoginResult:
        """Finish a two-factor login with the e-mailed code; raises service errors."""
        return await self._translated(lambda: self._client.complete_two_factor(challenge, code))

    async def discover(self, outcome: LoginResult, account_key: str) -> Discovered:
        """After a login: the account's person id and vehicles (two requests); raises service errors."""
        account = self._client.account(outcome.credentials, account_key=account_key)
        person_id = await self._translated(account.person_id)
        found = await self._translated(account.vehicles)
        return Discovered(account.credentials, person_id, found)

    async def _translated(self, operation: Callable[[], Awaitable[T]]) -> T:
        try:
            return await operation()
        except RenaultError as exc:
            raise translate(exc, self._clock()) from None


def credentials_of(locale: str, account_secrets: AccountSecrets) -> RenaultCredentials:
    """Rebuild the Renault client's credentials from what the store keeps."""
    device = None
    if account_secrets.gmid and account_secrets.ucid:
        device = DeviceIds(account_secrets.gmid, account_secrets.ucid)
    return RenaultCredentials(locale, account_secrets.login_token, account_secrets.person_id, device)


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
