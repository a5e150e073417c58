"""Linking a chat to a MyRenault account (with e-mail two-factor) and choosing a vehicle: `LoginPort`."""

from __future__ import annotations

import logging
import secrets

from bot.domain.vehicle import Capabilities, LinkedVehicle, Right, VehicleInfo
from bot.features.linking.ports import ChallengeStore, CodeNeeded, LinkResult, PendingChallenge
from bot.features.linking.use_cases.limits import Admission, AttemptKind, LoginLimiter
from bot.renault.capabilities import capabilities_for
from bot.renault.credentials import DeviceIds
from bot.renault.gigya import LoginResult, TwoFactorChallenge
from bot.services.access import Located, active_of, authorize, located
from bot.services.conversation_ports import LOGIN_TTL
from bot.services.errors import (
    CodeExpired,
    LoginLocked,
    LoginNeedsCaptcha,
    NotPermitted,
    ServiceError,
)
from bot.services.gateway import RenaultGateway
from bot.services.ports import (
    AccountRepository,
    AccountSecrets,
    AlreadyLinked,
    ChatRepository,
    Clock,
    CredentialsUnreadable,
    NewVehicle,
    VehicleRepository,
)

log = logging.getLogger(__name__)

# A pending challenge holds the password (encrypted, in the database): keep it no longer than a login.
CHALLENGE_TTL = LOGIN_TTL


class LinkingService:
    """Use cases of /login and /vehicles (/logout is sharing's: it decides who is told); the kernels and
    the other features see it as `bot.services.ports.LinkingPort`."""

    def __init__(
        self,
        gateway: RenaultGateway,
        chats: ChatRepository,
        accounts: AccountRepository,
        vehicles: VehicleRepository,
        clock: Clock,
        challenges: ChallengeStore,
        limiter: LoginLimiter,
    ) -> None:
        # Renault is reached only through the gateway, which turns its errors into service errors.
        self._gateway = gateway
        self._chats = chats
        self._accounts = accounts
        self._vehicles = vehicles
        self._clock = clock
        # Pending challenges live in the database, so the code may reach any replica, even after a restart.
        self._challenges = challenges
        # Every password and code attempt is counted before Renault is asked (use_cases/limits.py).
        self._limiter = limiter

    async def begin(self, chat_id: int, locale: str, email: str, password: str) -> LinkResult | CodeNeeded:
        """Log in to Renault; link at once, or hand back a `CodeNeeded` when Renault e-mailed a code.

        Raises `TooManyAttempts` without asking Renault when a login limit is reached.
        """
        admission = await self._limiter.admit(AttemptKind.PASSWORD, chat_id, email)
        device = await self._known_device(chat_id)
        try:
            outcome = await self._gateway.login(locale, email, password, device)
        except ServiceError as error:
            raise await self._settled(admission, error) from None
        await self._limiter.settle(admission, None)  # the right password: not a guess
        if isinstance(outcome, TwoFactorChallenge):
            challenge_id = secrets.token_urlsafe(12)
            expires = self._clock() + CHALLENGE_TTL
            await self._challenges.put_challenge(
                PendingChallenge(chat_id, challenge_id, outcome.export(), expires)
            )
            return CodeNeeded(challenge_id, tuple(outcome.masked_emails))
        return await self._link(chat_id, locale, email, outcome)

    async def submit_code(self, chat_id: int, pending: CodeNeeded, code: str) -> LinkResult:
        """Finish a two-factor login with the e-mailed code; a wrong code may be retried (within the limits).

        Only the chat that started the login can finish it: the challenge is looked up by this chat and
        must carry the id the chat was given; anything else (expired, another chat's) is `CodeExpired`.
        """
        entry = await self._challenges.challenge(chat_id)
        if entry is None or entry.challenge_id != pending.challenge_id:
            raise CodeExpired()
        if entry.expires_at <= self._clock():
            await self._challenges.drop_challenge(chat_id, entry.challenge_id)
            raise CodeExpired()
        admission = await self._limiter.admit(AttemptKind.CODE, chat_id, entry.state.email)
        challenge = self._gateway.restore_challenge(entry.state)
        try:
            outcome = await self._gateway.complete_two_factor(challenge, code.strip())
        except ServiceError as failure:
            error = await self._settled(admission, failure)
            if isinstance(error, CodeExpired | LoginLocked | LoginNeedsCaptcha):
                await self._challenges.drop_challenge(chat_id, entry.challenge_id)
            raise error from None
        await self._limiter.settle(admission, None)
        await self._challenges.drop_challenge(chat_id, entry.challenge_id)
        return await self._link(chat_id, entry.state.locale, entry.state.email, outcome)

    async def cancel(self, chat_id: int, pending: CodeNeeded) -> None:
        """Drop a pending challenge (and the password it holds) if it is still the chat's."""
        # One conditional write: no need to read (and decrypt the password of) the challenge to compare ids.
        await self._challenges.drop_challenge(chat_id, pending.challenge_id)

    async def vehicles(self, chat_id: int) -> list[LinkedVehicle]:
        """Every vehicle the chat can see."""
        return await self._vehicles.vehicles_for_chat(chat_id)

    async def select(self, chat_id: int, vehicle_id: int) -> LinkedVehicle:
        """Make a vehicle the chat's active one; only a vehicle linked to the chat can be chosen."""
        for vehicle in await self._vehicles.vehicles_for_chat(chat_id):
            if vehicle.vehicle_id == vehicle_id:
                await self._chats.set_active_vehicle(chat_id, vehicle_id)
                return vehicle
        raise NotPermitted()

    async def active(self, chat_id: int) -> LinkedVehicle:
        """The chat's active vehicle (the first one when none was chosen)."""
        return active_of(*await self._vehicles.vehicles_and_choice(chat_id))

    async def resolve(self, chat_id: int, vehicle_id: int | None, needs: Right) -> LinkedVehicle:
        """The vehicle a use case is about (the given one, else the active one), if the chat has `needs`."""
        if vehicle_id is None:
            return authorize(await self.active(chat_id), needs)
        for vehicle in await self._vehicles.vehicles_for_chat(chat_id):
            if vehicle.vehicle_id == vehicle_id:
                return authorize(vehicle, needs)
        raise NotPermitted()

    async def locate(self, chat_id: int, vehicle_id: int | None) -> Located:
        """The proof that the chat may see where the vehicle (or its active one) is: the one door to a
        position, for handlers and jobs alike (`resolve` with `Right.LOCATE`)."""
        return located(chat_id, await self.resolve(chat_id, vehicle_id, Right.LOCATE))

    async def forget_pending(self, chat_id: int) -> None:
        """Drop the chat's login in progress and its challenge (at logout nothing of it outlives the link)."""
        await self._challenges.forget_chat(chat_id)

    async def _settled(self, admission: Admission, error: ServiceError) -> ServiceError:
        await self._limiter.settle(admission, error)
        return error

    async def _link(self, chat_id: int, locale: str, email: str, outcome: LoginResult) -> LinkResult:
        discovered = await self._gateway.discover(outcome, account_key=f"login-{chat_id}")
        person_id, found = discovered.person_id, discovered.vehicles
        stored = discovered.credentials
        device = stored.device
        account_secrets = AccountSecrets(
            login_token=stored.login_token,
            person_id=person_id,
            kamereon_account_ids=tuple(sorted({v.account_id for v in found})),
            gmid=device.gmid if device else None,
            ucid=device.ucid if device else None,
        )
        new_vehicles = [
            NewVehicle(VehicleInfo(v.vin, v.model_code, v.model_name, v.brand, v.plate), v.account_id)
            for v in found
        ]
        account_id, vehicle_ids = await self._store(chat_id, locale, email, account_secrets, new_vehicles)
        # A new login to an account the chat already has refreshes its credentials and adds no vehicle.
        for vehicle_id, vehicle in zip(vehicle_ids, new_vehicles if vehicle_ids else [], strict=True):
            supported = capabilities_for(vehicle.info.model_code).supported
            await self._vehicles.set_capabilities(vehicle_id, Capabilities(frozenset(supported)))
        visible = [v for v in await self._vehicles.vehicles_for_chat(chat_id) if v.account_id == account_id]
        active = visible[0].vehicle_id if visible else None
        if active is not None:
            await self._chats.set_active_vehicle(chat_id, active)
        log.info("chat linked an account with %d vehicle(s)", len(visible))
        return LinkResult(account_id, tuple(visible), active)

    async def _store(
        self, chat_id: int, locale: str, email: str, account_secrets: AccountSecrets, found: list[NewVehicle]
    ) -> tuple[int, list[int]]:
        try:
            return await self._accounts.create_linked(chat_id, locale, email, account_secrets, found)
        except AlreadyLinked:
            # Logging in again to an account this chat already owns (token expired): refresh the credentials.
            for account in await self._accounts.accounts_for_chat(chat_id):
                person = account_secrets.person_id
                if await self._same_person(account.account_id, person, account.needs_login):
                    await self._accounts.update_credentials(account.account_id, account_secrets)
                    return account.account_id, []
            raise

    async def _same_person(self, account_id: int, person_id: str, needs_login: bool) -> bool:
        try:
            return (await self._accounts.credentials(account_id)).person_id == person_id
        except CredentialsUnreadable:  # the account waiting for a new login is the match
            return needs_login

    async def _known_device(self, chat_id: int) -> DeviceIds | None:
        # Reuse the device Gigya remembered for this chat, so a new login may skip the e-mailed code.
        for account in await self._accounts.accounts_for_chat(chat_id):
            try:
                stored = await self._accounts.credentials(account.account_id)
            except CredentialsUnreadable:
                stored = None  # unreadable secrets simply mean no remembered device
            if stored is not None and stored.gmid and stored.ucid:
                return DeviceIds(stored.gmid, stored.ucid)
        return None
