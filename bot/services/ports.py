"""Ports the use cases need from storage and the clock; adapters in `bot.persistence` implement them.

Every method returns domain values or the records declared here, never rows. All times are aware UTC. The
errors a store raises are part of its port, so they are declared here too: `bot.persistence` imports the
ports and never a use case, a view or `bot.services.errors` (the "Persistence imports no use case" contract).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum
from typing import Protocol

from bot.domain.actions import ActionKind
from bot.domain.attempts import AttemptPolicy
from bot.domain.charge_tracking import ChargeStep
from bot.domain.events import Event
from bot.domain.models import ModelTraits
from bot.domain.poll_memory import PollMemory
from bot.domain.preferences import ChatSettings, NotificationPreferences
from bot.domain.snapshot import GeoPoint, VehicleSnapshot
from bot.domain.vehicle import Capabilities, LinkedVehicle, Right, Role, VehicleInfo
from bot.services.access import Located
from bot.services.errors import ServiceError

# The records the stores take and hand back (plain frozen values, never rows), and the store errors.


class AccountStoreError(Exception):
    """Base of the errors the account store reports (never carries a secret)."""


class CredentialsUnreadable(AccountStoreError):
    """The stored credentials cannot be decrypted with the configured keys (a key problem, not a login)."""

    def __init__(self, account_id: int) -> None:
        super().__init__(f"credentials of account {account_id} cannot be decrypted")
        self.account_id = account_id


class AccountNotFound(AccountStoreError):
    """No stored account has this id."""

    def __init__(self, account_id: int) -> None:
        super().__init__(f"no account {account_id}")
        self.account_id = account_id


@dataclass(frozen=True, slots=True)
class AccountSecrets:
    """What is needed to talk to Renault again without the password; redacted in repr."""

    login_token: str = field(repr=False)
    person_id: str = field(repr=False)
    kamereon_account_ids: tuple[str, ...] = field(repr=False, default=())
    gmid: str | None = field(repr=False, default=None)
    ucid: str | None = field(repr=False, default=None)
    # The JWT last minted from the login token, when one is stored (a batch's bulk read brings it along, so
    # its sessions need not mint or read it again); not part of what a login stores.
    jwt: str | None = field(repr=False, default=None)
    jwt_expires_at: float | None = field(repr=False, default=None)


@dataclass(frozen=True, slots=True)
class NewVehicle:
    """A vehicle found at login, with the Kamereon account it belongs to."""

    info: VehicleInfo
    kamereon_account_id: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class StoredAccount:
    """A linked Renault account without its secrets; `needs_login` once its credentials stopped working."""

    account_id: int
    locale: str
    masked_email: str
    needs_login: bool = False
    needs_login_told: bool = False


@dataclass(frozen=True, slots=True)
class ChatLink:
    """One chat linked to an account, with its role."""

    chat_id: int
    role: Role


@dataclass(frozen=True, slots=True)
class StoredVehicle:
    """A vehicle as stored: identity, owning account, Kamereon account and learned capabilities."""

    vehicle_id: int
    account_id: int
    info: VehicleInfo
    kamereon_account_id: str = field(repr=False)
    capabilities: Capabilities = field(default_factory=Capabilities)
    unsupported: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class Subscriber:
    """A chat that hears about a vehicle: its settings, role and preferences for that vehicle."""

    settings: ChatSettings
    role: Role
    preferences: NotificationPreferences


class PollHealth(Enum):
    """How the last read of a car from Renault went (a poll or a Refresh): what the card warns about."""

    OK = "ok"
    RENAULT_DOWN = "renault_down"
    QUOTA = "quota"
    NEEDS_LOGIN = "needs_login"
    FAILED = "failed"  # any other failure (privacy mode, an unexpected answer...)


@dataclass(frozen=True, slots=True)
class StoredVehicleState:
    """The one stored truth of a vehicle: last snapshot, phase, car report time, diff memory, next poll,
    and how the last read went (`health`, at `health_at`; `read_at` is the last read that succeeded)."""

    vehicle_id: int
    snapshot: VehicleSnapshot | None = None
    phase: str | None = None
    car_reported_at: datetime | None = None
    memory: PollMemory = field(default_factory=PollMemory)
    next_poll_at: datetime | None = None
    health: PollHealth | None = None
    health_at: datetime | None = None
    read_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class OutboxPayload:
    """What a ping carries: its event, the car it is about (our id; an account's ping names none), and
    whether quiet hours deferred it (it then goes out only if it still holds).

    The outbox store keeps it as JSON without the VIN (the vehicle row has it) and reads the VIN back from
    the vehicle: the event it hands back names its car again."""

    event: Event
    vehicle_id: int | None = None
    deferred: bool = False


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    """A notification reserved once by its key, and who is sending it (a claim is a lease with its owner)."""

    dedup_key: str
    chat_id: int
    # None: the stored payload cannot be read (corrupt, or its car is gone); the ping is dropped when due.
    payload: OutboxPayload | None
    deliver_at: datetime
    claim_owner: str | None = None
    claim_expires_at: datetime | None = None


class BudgetLimit(Enum):
    """Which limit of an account's call budget refused a call."""

    ACCOUNT = "account"  # the account's calls per hour, or the cooldown after Renault's quota error
    MEMBER = "member"  # the member's own share of the account's hour
    MEMBERS = "members"  # what all members together may spend of it (the rest is the owner's and poller's)


@dataclass(frozen=True, slots=True)
class BudgetDecision:
    """Whether one more Renault call is allowed now, and if not, when to try again and which limit said no."""

    allowed: bool
    retry_at: datetime | None = None
    limit: BudgetLimit = BudgetLimit.ACCOUNT


@dataclass(frozen=True, slots=True)
class MemberShare:
    """A call spent for a chat: unless the chat owns the account, its share and the members' bound it."""

    chat_id: int
    member: AttemptPolicy
    members: AttemptPolicy


class StorageUnavailable(ServiceError):
    """The database cannot be read or written right now (disk full, read-only, server down or restarting).

    Any store method may raise it. The message names the cause without a secret (never a password of
    DATABASE_URL)."""


class AlreadyLinked(ServiceError):
    """This Renault account is already linked to a chat (raised by `AccountRepository.create_linked`)."""


class LimitReached(ServiceError):
    """A chat reached one of its limits: nothing was done, and it resets at `retry_at`.

    `limit` names which: a per-chat limit ('refresh', 'where', 'costs', 'export', see
    `bot.services.chat_limits`) or a member's share of the account's Renault calls ('member': their own,
    'members': all members together). `cap` is how many the limit allows per `window_minutes`.
    """

    def __init__(self, limit: str, retry_at: datetime, cap: int, window_minutes: int) -> None:
        super().__init__(f"limit reached: {limit}")
        self.limit = limit
        self.retry_at = retry_at
        self.cap = cap
        self.window_minutes = window_minutes


@dataclass(frozen=True, slots=True)
class ChatCard:
    """What a known chat's /status needs, read at once: its settings, the vehicles it sees (in a stable
    order), the one it chose as active and their stored states (without the position: the card shows none)."""

    settings: ChatSettings
    vehicles: tuple[LinkedVehicle, ...]
    chosen: int | None
    states: dict[int, StoredVehicleState]


class Clock(Protocol):
    """Returns the current time as an aware UTC datetime."""

    def __call__(self) -> datetime:
        """The current moment (aware, UTC)."""
        ...


class ActionWatcher(Protocol):
    """Told when Renault accepted an action, so polling watches for the car's confirmation."""

    async def expect_action(
        self, vehicle_id: int, chat_id: int, action: ActionKind, reference: str, sent_at: datetime
    ) -> None:
        """Watch for the car's confirmation of `action` and poll a few times soon."""
        ...


class ChatRepository(Protocol):
    """Telegram chats and their settings."""

    async def ensure(self, chat_id: int, language: str) -> ChatSettings:
        """Return the chat's settings, creating (or reactivating) the chat with `language` if needed."""
        ...

    async def get(self, chat_id: int) -> ChatSettings | None:
        """The chat's settings, or None when the chat is unknown."""
        ...

    async def save(self, settings: ChatSettings) -> None:
        """Store the chat's settings (insert or update)."""
        ...

    async def deactivate(self, chat_id: int) -> None:
        """Mark the chat inactive (the user blocked the bot): it gets no pings."""
        ...

    async def set_active_vehicle(self, chat_id: int, vehicle_id: int | None) -> None:
        """Remember which vehicle the chat's commands apply to."""
        ...

    async def active_vehicle(self, chat_id: int) -> int | None:
        """The chat's active vehicle id, or None."""
        ...


class AccountFlags(Protocol):
    """An account's needs-login flags and the chats linked to it: what polling needs of the accounts."""

    async def get(self, account_id: int) -> StoredAccount | None:
        """The account without its secrets, or None."""
        ...

    async def mark_needs_login(self, account_id: int) -> None:
        """Flag the account as needing a new login (its token was rejected)."""
        ...

    async def mark_needs_login_told(self, account_id: int) -> None:
        """Remember that the users were told the account needs a new login, so they are told once."""
        ...

    async def chats_for_account(self, account_id: int) -> list[ChatLink]:
        """Chats linked to the account, with their roles."""
        ...


class AccountRepository(AccountFlags, Protocol):
    """Linked Renault accounts, their encrypted credentials, and (as `AccountFlags`) their flags and chats."""

    async def create_linked(
        self,
        chat_id: int,
        locale: str,
        email: str,
        secrets: AccountSecrets,
        vehicles: Sequence[NewVehicle],
    ) -> tuple[int, list[int]]:
        """Store a new account linked to `chat_id` as owner; returns (account id, vehicle ids in order).

        Raises `AlreadyLinked` when the same Renault person id is already stored.
        """
        ...

    async def credentials(self, account_id: int) -> AccountSecrets:
        """Decrypt the secrets; raises `CredentialsUnreadable` (changing nothing) on failure."""
        ...

    async def update_credentials(self, account_id: int, secrets: AccountSecrets) -> None:
        """Replace the stored secrets (after a new login) and clear the needs-login flags."""
        ...

    async def accounts_for_chat(self, chat_id: int) -> list[StoredAccount]:
        """Accounts the chat is linked to (any role)."""
        ...

    async def link_chat(self, chat_id: int, account_id: int, role: Role) -> None:
        """Link another chat to the account with a role (idempotent: the role is updated)."""
        ...

    async def delete_account(self, account_id: int) -> list[int]:
        """Delete the account and everything stored for it; returns the other chats that were linked."""
        ...

    async def unlink_chat(self, chat_id: int, account_id: int) -> list[int]:
        """Unlink one chat; the last owner or last chat leaving deletes the account (returns the others)."""
        ...


class VehicleRepository(Protocol):
    """Vehicles, who sees them, and what they support."""

    async def vehicles_for_chat(self, chat_id: int) -> list[LinkedVehicle]:
        """Every vehicle the chat can see, with its role and account."""
        ...

    async def vehicles_and_choice(self, chat_id: int) -> tuple[list[LinkedVehicle], int | None]:
        """Every vehicle the chat can see, and the vehicle id it chose as active (None: none chosen)."""
        ...

    async def get(self, vehicle_id: int) -> StoredVehicle | None:
        """One stored vehicle, or None."""
        ...

    async def all_vehicle_ids(self) -> list[int]:
        """Ids of every stored vehicle."""
        ...

    async def chats_for_vehicle(self, vehicle_id: int) -> list[Subscriber]:
        """Active chats that hear about the vehicle, with settings, role and preferences."""
        ...

    async def mark_unsupported(self, vehicle_id: int, endpoint: str) -> None:
        """Remember that the car answered 'not supported' for an endpoint."""
        ...

    async def set_capabilities(self, vehicle_id: int, capabilities: Capabilities) -> None:
        """Store the endpoints the vehicle supports (learned from its model)."""
        ...

    async def capabilities(self, vehicle_id: int) -> Capabilities:
        """The supported endpoints minus those the car refused."""
        ...


class VehicleStateReader(Protocol):
    """Reads a vehicle's one stored state (the poller's and /status's common ground)."""

    async def load(self, vehicle_id: int) -> StoredVehicleState:
        """The stored state (empty state when nothing was saved yet)."""
        ...


class VehicleStateRepository(VehicleStateReader, Protocol):
    """The poller's per-vehicle memory and leases (one replica polls a vehicle at a time)."""

    async def save(self, state: StoredVehicleState) -> None:
        """Store snapshot, phase, car report time, memory and next poll time."""
        ...

    async def claim_due(
        self, now: datetime, limit: int, owner: str, lease_seconds: float, due_by: datetime | None = None
    ) -> list[int]:
        """Lease up to `limit` vehicles due by `due_by` (default `now`) whose lease is free or expired."""
        ...

    async def release(self, vehicle_id: int, owner: str, next_poll_at: datetime) -> None:
        """Give back a lease held by `owner` and set the next poll time."""
        ...

    async def release_all(self, owner: str) -> None:
        """Give back every lease held by `owner` (shutdown)."""
        ...


class CardStates(VehicleStateReader, Protocol):
    """The stored state as /status reads and refreshes it: the one truth every replica shows."""

    async def card_of(self, chat_id: int) -> ChatCard | None:
        """In one query, a chat's settings, vehicles, choice and their states; None for a chat without an
        active settings row (first contact, or back after /stop): that one goes the long way."""
        ...

    async def record_read(
        self, vehicle_id: int, snapshot: VehicleSnapshot, phase: str, at: datetime
    ) -> StoredVehicleState:
        """Store a Refresh's reading (unless a newer one is stored), health OK; returns the state."""
        ...

    async def record_failure(self, vehicle_id: int, health: PollHealth, at: datetime) -> StoredVehicleState:
        """Store that a Refresh could not read the car; returns the stored state."""
        ...

    async def record_location(self, vehicle_id: int, point: GeoPoint) -> StoredVehicleState:
        """Store a position read live (unless a newer one is stored, or no reading yet); returns the state."""
        ...


class PreferencesRepository(Protocol):
    """Notification preferences per chat and vehicle."""

    async def get(self, chat_id: int, vehicle_id: int) -> NotificationPreferences:
        """The stored preferences, or defaults."""
        ...

    async def save(self, chat_id: int, vehicle_id: int, preferences: NotificationPreferences) -> None:
        """Store the preferences."""
        ...


class NotificationLog(Protocol):
    """Outbox of pings across restarts and replicas: reserved once, claimed with a lease, sent."""

    async def reserve(
        self,
        dedup_key: str,
        chat_id: int,
        payload: OutboxPayload,
        deliver_at: datetime,
        *,
        vehicle_id: int | None = None,
        account_id: int | None = None,
    ) -> bool:
        """Record a ping to send, owned by its vehicle or account (deleted with it); False when this key was
        already reserved (nothing is recorded)."""
        ...

    async def pending(self, now: datetime, limit: int) -> list[OutboxEntry]:
        """Due entries not yet sent nor dropped (with their claim, if any), oldest first."""
        ...

    async def claim(self, entry: OutboxEntry, owner: str, now: datetime, lease: timedelta) -> bool:
        """Take the entry's claim for `lease` if it still has the claim it was read with; True when won."""
        ...

    async def mark_sent(self, dedup_key: str, sent_at: datetime) -> None:
        """The ping was delivered."""
        ...

    async def mark_dropped(self, dedup_key: str, reason: str) -> None:
        """The ping will never be delivered (chat gone, too old, refused by Telegram)."""
        ...

    async def reschedule(self, dedup_key: str, deliver_at: datetime, reason: str) -> None:
        """Give the claim back; the ping is due again at `deliver_at`."""
        ...

    async def pause(self, scope: str, until: datetime) -> None:
        """Hold the sends of `scope` (one chat, or every chat) on every replica until `until`."""
        ...

    async def pauses(self, now: datetime) -> dict[str, datetime]:
        """The pauses still running: scope -> until when."""
        ...


class CallBudgetStore(Protocol):
    """Per-account budget of Renault calls per hour and quota cooldown."""

    async def try_spend(
        self, account_id: int, now: datetime, limit_per_hour: int, share: MemberShare | None = None
    ) -> BudgetDecision:
        """Atomically spend one call if the budget and cooldown allow it (and, for a chat that is not the
        account's owner, its own share and the members' share: all counted, or none)."""
        ...

    async def start_cooldown(self, account_id: int, until: datetime) -> None:
        """Forbid calls for the account until `until` (Renault quota error)."""
        ...


class ReadingRecorder(Protocol):
    """Where the poller and /status store each battery reading (the history feature's use case records it
    and the charge sessions it makes; the composition root hands it in)."""

    async def record(
        self, vehicle_id: int, reading: VehicleSnapshot, step: ChargeStep | None, traits: ModelTraits
    ) -> None:
        """Store a reading and the charge session the vehicle's charge tracker's `step` opened, extended or
        closed (None: a reading the tracker did not follow, a /status Refresh's)."""
        ...


class LinkingPort(Protocol):
    """The chat's linked cars and the check of what it may do with one: what every use case and the
    front-end's glue ask (the linking feature's use case implements it, with the login on top)."""

    async def vehicles(self, chat_id: int) -> list[LinkedVehicle]:
        """Every vehicle the chat can see."""
        ...

    async def active(self, chat_id: int) -> LinkedVehicle:
        """The chat's active vehicle (the first one when none was chosen); NotLinked when none."""
        ...

    async def resolve(self, chat_id: int, vehicle_id: int | None, needs: Right) -> LinkedVehicle:
        """The vehicle a use case is about (the given one, else the active one), if the chat has `needs`."""
        ...

    async def locate(self, chat_id: int, vehicle_id: int | None) -> Located:
        """The proof that the chat may see where the vehicle (or its active one) is."""
        ...


class LogoutPort(Protocol):
    """Unlinking a chat from its account (the sharing feature's use case tells the others)."""

    async def logout(self, chat_id: int) -> None:
        """Unlink (an owner deletes the account, a member leaves); the others are told."""
        ...
