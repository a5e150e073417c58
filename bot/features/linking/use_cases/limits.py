"""Caps on login and two-factor code attempts, so the bot is no password-guessing oracle (SECURITY.md).

Every attempt is counted on three counters before Renault is asked: the Telegram user's (logins happen in
private chats only, so the chat id is the user id), the target e-mail's (stored as a keyed hash, never the
address) and the whole bot's. The attempt past any cap is refused without a Renault call and locks that
counter, each lock twice as long as the one before (`bot.domain.attempts`). An attempt that was not a guess
(the right password, Renault unreachable) is handed back. When Renault itself locks the account or asks for a
captcha, the e-mail's counters are locked too, so the bot stops knocking.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum

from bot.domain.attempts import AttemptPolicy
from bot.services import errors
from bot.services.limit_ports import AttemptStore
from bot.services.ports import Clock

log = logging.getLogger(__name__)


class AttemptKind(Enum):
    """What is being guessed."""

    PASSWORD = "password"  # noqa: S105 - the name of a counter, not a secret
    CODE = "code"


class AttemptScope(Enum):
    """Whose counter refused: the user's, the target e-mail's, or the whole bot's."""

    USER = "user"
    EMAIL = "email"
    EVERYONE = "all"


@dataclass(frozen=True, slots=True)
class ScopeLimits:
    """The policy of each counter of one kind of attempt."""

    user: AttemptPolicy
    email: AttemptPolicy
    everyone: AttemptPolicy


_HOUR = timedelta(hours=1)
# A person mistyping gets 5 tries an hour; the lock then grows 15 min, 30 min, 1 h ... up to a day.
_PERSONAL = AttemptPolicy(cap=5, window=_HOUR, lock=timedelta(minutes=15), max_lock=timedelta(hours=24))
# The whole bot: many strangers together must not get the bot's address and API key flagged by Gigya.
_EVERYONE = AttemptPolicy(cap=100, window=_HOUR, lock=timedelta(minutes=5), max_lock=_HOUR)


@dataclass(frozen=True, slots=True)
class LoginLimits:
    """Every login limit; the defaults are the documented ones (SECURITY.md, "Limits")."""

    password: ScopeLimits = ScopeLimits(_PERSONAL, _PERSONAL, _EVERYONE)
    code: ScopeLimits = ScopeLimits(_PERSONAL, _PERSONAL, _EVERYONE)
    # After Renault locked an account (or wanted a captcha) the bot tries nothing on that e-mail this long.
    renault_lock: timedelta = timedelta(minutes=30)


@dataclass(frozen=True, slots=True)
class Admission:
    """An attempt that was counted, with the counters it was counted on (to hand it back)."""

    kind: AttemptKind
    counters: tuple[tuple[str, AttemptPolicy], ...]
    email_keys: tuple[str, ...]


# Outcomes that were a guess: they keep their count. Everything else (success, Renault down) is handed back.
_GUESSES: tuple[type[errors.ServiceError], ...] = (
    errors.LoginRejected,
    errors.CodeRejected,
    errors.CodeExpired,
    errors.LoginLocked,
    errors.LoginNeedsCaptcha,
)


def normalized_email(email: str) -> str:
    """The e-mail as Gigya compares login ids: trimmed, case-folded."""
    return email.strip().casefold()


class LoginLimiter:
    """Admits login and code attempts against the counters, and settles them by their outcome."""

    def __init__(
        self,
        store: AttemptStore,
        clock: Clock,
        email_key: Callable[[str], str],
        limits: LoginLimits | None = None,
    ) -> None:
        self._store = store
        self._clock = clock
        # A keyed hash (bot.persistence.crypto): the database never holds the address a counter is about.
        self._email_key = email_key
        self._limits = limits or LoginLimits()

    async def admit(self, kind: AttemptKind, user_id: int, email: str) -> Admission:
        """Count an attempt, or raise `TooManyAttempts` (no Renault call may follow) with when to retry."""
        limits = self._limits.password if kind is AttemptKind.PASSWORD else self._limits.code
        hashed = self._email_key(normalized_email(email))
        counters = (
            (f"{kind.value}:{AttemptScope.USER.value}:{user_id}", limits.user),
            (f"{kind.value}:{AttemptScope.EMAIL.value}:{hashed}", limits.email),
            (f"{kind.value}:{AttemptScope.EVERYONE.value}", limits.everyone),
        )
        refused = await self._store.try_attempt(counters, self._clock())
        if refused:
            key, retry_at = max(refused.items(), key=lambda item: item[1])
            scope = AttemptScope(key.split(":")[1])
            log.info("a %s attempt was refused by the %s limit", kind.value, scope.value)
            raise errors.TooManyAttempts(kind.value, scope.value, retry_at)
        email_keys = tuple(f"{k.value}:{AttemptScope.EMAIL.value}:{hashed}" for k in AttemptKind)
        return Admission(kind, counters, email_keys)

    async def settle(self, admission: Admission, outcome: errors.ServiceError | None) -> None:
        """Keep a guess counted, hand anything else back; Renault's lock or captcha locks the e-mail too."""
        now = self._clock()
        if isinstance(outcome, errors.LoginLocked | errors.LoginNeedsCaptcha):
            log.warning("Renault answered %s; no attempt on that e-mail for a while", type(outcome).__name__)
            for key in admission.email_keys:
                await self._store.block(key, now + self._limits.renault_lock, now)
        if outcome is None or not isinstance(outcome, _GUESSES):
            await self._store.refund(admission.counters, now)
