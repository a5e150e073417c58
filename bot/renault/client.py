"""Entry point of the library: log in (with e-mail 2FA) and get account proxies on one shared client."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx

from bot.renault.account import RenaultAccount
from bot.renault.credentials import DeviceIds, RenaultCredentials
from bot.renault.gate import RequestGate
from bot.renault.gigya import ChallengeState, Gigya, LoginResult, TwoFactorChallenge
from bot.renault.locales import LocaleOverrides, resolve_locale
from bot.renault.session import Session
from bot.renault.tokens import TokenStore


class RenaultClient:
    """Gigya + Kamereon client over one shared httpx.AsyncClient."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        overrides: LocaleOverrides | None = None,
        clock: Callable[[], float] = time.time,
        gate: RequestGate | None = None,
        tokens: TokenStore | None = None,
    ) -> None:
        self._http = http
        self._overrides = overrides
        self._clock = clock
        self._gate = gate
        self._tokens = tokens
        self._gigya = Gigya(http, clock)
        self._accounts: dict[str, RenaultAccount] = {}

    async def login(
        self, locale: str, email: str, password: str, device: DeviceIds | None = None
    ) -> LoginResult | TwoFactorChallenge:
        """Exchange e-mail/password for a login token, or start the e-mail two-factor challenge."""
        config = resolve_locale(locale, self._overrides)
        return await self._gigya.login(config, email, password, device)

    async def complete_two_factor(self, challenge: TwoFactorChallenge, code: str) -> LoginResult:
        """Finish a challenge with the e-mailed code; a wrong code leaves the challenge usable."""
        return await self._gigya.complete(challenge, code)

    def restore_challenge(self, state: ChallengeState) -> TwoFactorChallenge:
        """A challenge exported by `TwoFactorChallenge.export` (maybe by another process), to complete."""
        return TwoFactorChallenge.restore(resolve_locale(state.locale, self._overrides), state)

    def account(self, credentials: RenaultCredentials, account_key: str) -> RenaultAccount:
        """The account proxy for a key; the same object (and token cache) for the same key and token."""
        existing = self._accounts.get(account_key)
        if existing is not None and existing.credentials.login_token == credentials.login_token:
            return existing
        config = resolve_locale(credentials.locale, self._overrides)
        session = Session(
            self._http, self._gigya, config, credentials, account_key, self._clock, self._gate, self._tokens
        )
        account = RenaultAccount(session)
        self._accounts[account_key] = account
        return account

    def forget(self, account_key: str) -> None:
        """Drop the cached proxy of an account (logout)."""
        self._accounts.pop(account_key, None)
