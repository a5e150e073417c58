"""Per-account token state: login token -> person id and JWT, refreshed under one lock (protocol §2.5).

The JWT is kept in memory (the fast path) and, when a `TokenStore` is given, shared with every other process:
a session whose own copy is missing or expired first looks at the stored one, and a JWT it mints is saved.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from bot.renault.credentials import RenaultCredentials
from bot.renault.endpoints import KAMEREON_CONTENT_TYPE
from bot.renault.errors import LoginTokenExpired, QuotaExceeded, Unauthorized
from bot.renault.gate import RequestGate
from bot.renault.gigya import Gigya
from bot.renault.locales import LocaleConfig
from bot.renault.tokens import StoredJwt, TokenStore
from bot.renault.wire import decode_kamereon, send

log = logging.getLogger(__name__)

JWT_MARGIN_SECONDS = 60.0


class Session:
    """Tokens of one account and the Kamereon request path (headers, gate, 401 refresh-and-retry)."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        gigya: Gigya,
        config: LocaleConfig,
        credentials: RenaultCredentials,
        account_key: str,
        clock: Callable[[], float],
        gate: RequestGate | None,
        tokens: TokenStore | None = None,
    ) -> None:
        self._http = http
        self._gigya = gigya
        self.config = config
        self._credentials = credentials
        self.account_key = account_key
        self._clock = clock
        self._gate = gate
        self._jwt: str | None = None
        self._jwt_expiry = 0.0
        # The last JWT Kamereon refused: never taken back from the store or an offer, even before it expires.
        self._rejected: str | None = None
        self._tokens = tokens
        self._lock = asyncio.Lock()

    def __repr__(self) -> str:
        return f"Session(account_key={self.account_key!r}, locale={self.config.locale!r})"

    @property
    def credentials(self) -> RenaultCredentials:
        """Current credentials (the person id is filled in once known)."""
        return self._credentials

    async def _gate_before(self, endpoint: str) -> None:
        if self._gate is not None:
            await self._gate.before_request(self.account_key, endpoint)

    async def _quota_hit(self) -> None:
        if self._gate is not None:
            await self._gate.on_quota_exceeded(self.account_key)

    async def person_id(self) -> str:
        """The Kamereon person id, fetched once from getAccountInfo."""
        if self._credentials.person_id:
            return self._credentials.person_id
        async with self._lock:
            if not self._credentials.person_id:
                await self._gate_before("gigya/accounts.getAccountInfo")
                person_id = await self._gigya.account_info(self.config, self._credentials.login_token)
                c = self._credentials
                self._credentials = RenaultCredentials(c.locale, c.login_token, person_id, c.device)
            assert self._credentials.person_id is not None
            return self._credentials.person_id

    def _jwt_valid(self) -> bool:
        return (
            self._jwt is not None
            and self._jwt != self._rejected
            and self._jwt_expiry - JWT_MARGIN_SECONDS > self._clock()
        )

    def _usable(self, jwt: StoredJwt) -> bool:
        return jwt.token != self._rejected and jwt.expires_at - JWT_MARGIN_SECONDS > self._clock()

    def offer_jwt(self, jwt: StoredJwt) -> None:
        """Adopt a JWT read elsewhere (a batch's bulk read) when ours is missing or expired, if usable."""
        if not self._jwt_valid() and self._usable(jwt):
            self._jwt, self._jwt_expiry = jwt.token, jwt.expires_at

    async def jwt(self, rejected: str | None = None) -> str:
        """A valid JWT; `rejected` is a token Kamereon refused, replaced only if still cached."""
        if rejected is not None:
            self._rejected = rejected
        if self._jwt_valid() and self._jwt != rejected:
            assert self._jwt is not None
            return self._jwt
        async with self._lock:
            # Whoever held the lock before us may already have refreshed: fifty readers, one getJWT.
            if (not self._jwt_valid() or self._jwt == rejected) and not await self._adopt_stored():
                await self._gate_before("gigya/accounts.getJWT")
                try:
                    self._jwt, self._jwt_expiry = await self._gigya.jwt(
                        self.config, self._credentials.login_token
                    )
                except LoginTokenExpired:
                    self._jwt = None
                    raise
                await self._keep(StoredJwt(self._jwt, self._jwt_expiry))
            assert self._jwt is not None
            return self._jwt

    async def _adopt_stored(self) -> bool:
        """Take the stored JWT (another process's, or ours before a restart) when it is usable."""
        if self._tokens is None:
            return False
        try:
            stored = await self._tokens.load(self.account_key)
        except Exception as exc:  # the store only saves a mint: without it we mint, as before it existed
            log.warning(
                "stored JWT of account %s not read (%s); minting one", self.account_key, type(exc).__name__
            )
            return False
        if stored is None or not self._usable(stored):
            return False
        self._jwt, self._jwt_expiry = stored.token, stored.expires_at
        return True

    async def _keep(self, jwt: StoredJwt) -> None:
        if self._tokens is None:
            return
        try:
            await self._tokens.save(self.account_key, jwt)
        except Exception as exc:  # our copy is valid: the next process just mints its own
            log.warning("minted JWT of account %s not stored (%s)", self.account_key, type(exc).__name__)

    async def request(
        self,
        method: str,
        path: str,
        endpoint: str,
        *,
        params: Mapping[str, str] | None = None,
        json_body: Any = None,
    ) -> Any:
        """One Kamereon call (path from the Kamereon root); refreshes the JWT and retries once on 401."""
        query = {"country": self.config.country, **(params or {})}
        url = self.config.kamereon_url + path
        rejected: str | None = None
        for attempt in (1, 2):
            token = await self.jwt(rejected)
            await self._gate_before(endpoint)
            headers = {
                "apikey": self.config.kamereon_api_key,
                "x-gigya-id_token": token,
                "Content-Type": KAMEREON_CONTENT_TYPE,
            }
            response = await send(self._http, method, url, params=query, json_body=json_body, headers=headers)
            try:
                return decode_kamereon(response, endpoint)
            except Unauthorized:
                if attempt == 2:
                    raise
                log.info("Kamereon rejected the JWT on %s; refreshing once", endpoint)
                rejected = token
            except QuotaExceeded:
                await self._quota_hit()
                raise
        raise AssertionError("unreachable")
