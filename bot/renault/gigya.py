"""Gigya calls: login (with e-mail two-factor), getAccountInfo and getJWT (protocol §2)."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any

import httpx

from bot.renault.credentials import DeviceIds, RenaultCredentials
from bot.renault.errors import (
    AccountLocked,
    AuthenticationError,
    CaptchaRequired,
    TwoFactorCodeExpired,
    TwoFactorCodeInvalid,
    TwoFactorUnavailable,
    UnexpectedResponse,
)
from bot.renault.locales import LocaleConfig
from bot.renault.wire import JsonObject, decode_gigya, send

JWT_LIFETIME_SECONDS = 900
JWT_FIELDS = "data.personId,data.gigyaDataCenter"
PENDING_TFA = 403101
INVALID_PARAMETER = 400006
# A pending login advertises expires_in 3600; assertions on Gigya sites live about 5 minutes.
CHALLENGE_LIFETIME_SECONDS = 3600.0


@dataclass(frozen=True)
class LoginResult:
    """A successful login: the credentials to store (no password)."""

    credentials: RenaultCredentials


@dataclass(frozen=True, slots=True)
class ChallengeState:
    """Everything a pending challenge holds, as plain values, so another process can finish it.

    It carries the password and Gigya's tokens: whoever stores it must encrypt it (the bot does, with
    CREDENTIALS_KEY). Never shown in its repr.
    """

    locale: str
    email: str = field(repr=False)
    password: str = field(repr=False)
    reg_token: str = field(repr=False)
    assertion: str = field(repr=False)
    phv_token: str = field(repr=False)
    gmid: str | None = field(repr=False)
    ucid: str | None = field(repr=False)
    created_at: float
    masked_emails: tuple[str, ...]
    used: bool = False

    def __repr__(self) -> str:
        return f"ChallengeState(locale={self.locale!r}, masked_emails={self.masked_emails!r})"


class TwoFactorChallenge:
    """A pending e-mail two-factor login; holds the password (never in its repr) until exported or used."""

    __slots__ = (
        "_assertion",
        "_email",
        "_password",
        "_phv_token",
        "_reg_token",
        "config",
        "created_at",
        "device",
        "masked_emails",
        "used",
    )

    def __init__(
        self,
        config: LocaleConfig,
        email: str,
        password: str,
        reg_token: str,
        device: DeviceIds | None,
        created_at: float,
    ) -> None:
        self.config = config
        self._email = email
        self._password = password
        self._reg_token = reg_token
        self.device = device
        self.created_at = created_at
        self._assertion = ""
        self._phv_token = ""
        self.masked_emails: list[str] = []
        self.used = False

    def __repr__(self) -> str:
        return f"TwoFactorChallenge(locale={self.config.locale!r}, masked_emails={self.masked_emails!r})"

    def export(self) -> ChallengeState:
        """The challenge as plain values (secrets included: encrypt before storing)."""
        device = self.device
        return ChallengeState(
            locale=self.config.locale,
            email=self._email,
            password=self._password,
            reg_token=self._reg_token,
            assertion=self._assertion,
            phv_token=self._phv_token,
            gmid=device.gmid if device else None,
            ucid=device.ucid if device else None,
            created_at=self.created_at,
            masked_emails=tuple(self.masked_emails),
            used=self.used,
        )

    @classmethod
    def restore(cls, config: LocaleConfig, state: ChallengeState) -> TwoFactorChallenge:
        """The challenge again from exported values (in this or another process)."""
        device = DeviceIds(state.gmid, state.ucid) if state.gmid and state.ucid else None
        challenge = cls(config, state.email, state.password, state.reg_token, device, state.created_at)
        challenge._assertion = state.assertion
        challenge._phv_token = state.phv_token
        challenge.masked_emails = list(state.masked_emails)
        challenge.used = state.used
        return challenge


def jwt_expiry(token: str) -> float | None:
    """The `exp` claim of a JWT, read without verifying the signature (as the reference client does)."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        exp = claims.get("exp") if isinstance(claims, dict) else None
        return float(exp) if isinstance(exp, int | float) else None
    except (IndexError, ValueError):
        return None


class Gigya:
    """Stateless Gigya calls on the shared client."""

    def __init__(self, http: httpx.AsyncClient, clock: Callable[[], float]) -> None:
        self._http = http
        self._clock = clock

    async def _post(
        self, config: LocaleConfig, method: str, form: dict[str, str], cookie: str | None = None
    ) -> httpx.Response:
        form = {"ApiKey": config.gigya_api_key, **form}
        return await send(self._http, "POST", f"{config.gigya_url}/{method}", data=form, cookie=cookie)

    async def _get(
        self, config: LocaleConfig, method: str, params: dict[str, str], device: DeviceIds | None
    ) -> JsonObject:
        query = {"APIKey": config.gigya_api_key, **params}
        cookie = device.cookie_header() if device else None
        response = await send(self._http, "GET", f"{config.gigya_url}/{method}", params=query, cookie=cookie)
        return decode_gigya(response, method)

    async def login(
        self, config: LocaleConfig, email: str, password: str, device: DeviceIds | None
    ) -> LoginResult | TwoFactorChallenge:
        """accounts.login; a 403101 answer starts the e-mail challenge and mails a code."""
        cookie = device.cookie_header() if device else None
        response = await self._post(
            config, "accounts.login", {"loginID": email, "password": password}, cookie
        )
        body = _json_or_none(response)
        if isinstance(body, dict) and body.get("errorCode") == PENDING_TFA and body.get("regToken"):
            challenge = TwoFactorChallenge(
                config, email, password, str(body["regToken"]), device, self._clock()
            )
            await self._start_challenge(challenge)
            return challenge
        body = decode_gigya(response, "accounts.login")
        token = (body.get("sessionInfo") or {}).get("cookieValue")
        if not isinstance(token, str) or not token:
            raise UnexpectedResponse("Gigya accounts.login: no login token in answer")
        return LoginResult(RenaultCredentials(config.locale, token, None, device))

    async def _bootstrap(self, config: LocaleConfig) -> DeviceIds | None:
        url = f"{config.gigya_url}/accounts.webSdkBootstrap"
        response = await send(self._http, "GET", url, params={"APIKey": config.gigya_api_key})
        if response.is_error:
            return None
        jar: SimpleCookie = SimpleCookie()
        for header in response.headers.get_list("set-cookie"):
            jar.load(header)
        # Device ids belong to one user: keep them out of the client's cookie jar (the bot's shared client,
        # bot.app.http, keeps none; a plain httpx client given here would).
        for name in ("gmid", "ucid", "hasGmid"):
            self._http.cookies.delete(name)
        if "gmid" in jar and "ucid" in jar:
            return DeviceIds(jar["gmid"].value, jar["ucid"].value)
        return None

    async def _start_challenge(self, ch: TwoFactorChallenge) -> None:
        if ch.device is None:
            ch.device = await self._bootstrap(ch.config)
        ids = {"gmid": ch.device.gmid, "ucid": ch.device.ucid} if ch.device else {}
        init = await self._get(
            ch.config,
            "accounts.tfa.initTFA",
            {"regToken": ch._reg_token, "provider": "gigyaEmail", "mode": "verify", **ids},
            ch.device,
        )
        ch._assertion = _required(init, "gigyaAssertion", "initTFA")
        emails = await self._get(
            ch.config, "accounts.tfa.email.getEmails", {"gigyaAssertion": ch._assertion}, ch.device
        )
        entries = [e for e in emails.get("emails") or [] if isinstance(e, dict) and e.get("id")]
        if not entries:
            raise TwoFactorUnavailable("no e-mail address is registered for two-factor authentication")
        ch.masked_emails = [str(e.get("obfuscated") or "") for e in entries]
        sent = await self._get(
            ch.config,
            "accounts.tfa.email.sendVerificationCode",
            {"gigyaAssertion": ch._assertion, "emailID": str(entries[0]["id"]), "lang": ch.config.locale[:2]},
            ch.device,
        )
        ch._phv_token = _required(sent, "phvToken", "sendVerificationCode")

    async def complete(self, ch: TwoFactorChallenge, code: str) -> LoginResult:
        """completeVerification, finalizeTFA (remember the device), then the login replay."""
        if ch.used or self._clock() - ch.created_at > CHALLENGE_LIFETIME_SECONDS:
            raise TwoFactorCodeExpired("the two-factor challenge has expired; log in again")
        response = await send(
            self._http,
            "GET",
            f"{ch.config.gigya_url}/accounts.tfa.email.completeVerification",
            params={
                "APIKey": ch.config.gigya_api_key,
                "gigyaAssertion": ch._assertion,
                "phvToken": ch._phv_token,
                "code": code.strip(),
            },
            cookie=ch.device.cookie_header() if ch.device else None,
        )
        body = _json_or_none(response)
        if isinstance(body, dict) and body.get("errorCode") == INVALID_PARAMETER:
            details = str(body.get("errorDetails") or "").lower()
            if "jwt" in details or "expired" in details:
                ch.used = True
                raise TwoFactorCodeExpired("the two-factor challenge has expired; log in again", "400006")
            raise TwoFactorCodeInvalid("wrong verification code", "400006")
        try:
            done = decode_gigya(response, "completeVerification")
            provider_assertion = _required(done, "providerAssertion", "completeVerification")
            await self._get(
                ch.config,
                "accounts.tfa.finalizeTFA",
                {
                    "gigyaAssertion": ch._assertion,
                    "providerAssertion": provider_assertion,
                    "regToken": ch._reg_token,
                    "tempDevice": "false",
                },
                ch.device,
            )
        except (AccountLocked, CaptchaRequired):
            ch.used = True
            raise  # the login must end with its own message, not as an expired code
        except AuthenticationError as exc:
            # Any other Gigya refusal here (stale assertion, regToken) cannot be fixed by retrying.
            ch.used = True
            raise TwoFactorCodeExpired("the two-factor challenge failed; log in again", exc.code) from exc
        ch.used = True
        result = await self.login(ch.config, ch._email, ch._password, ch.device)
        if isinstance(result, TwoFactorChallenge):
            raise TwoFactorCodeExpired("Gigya asked for a new two-factor challenge; log in again")
        return result

    async def account_info(self, config: LocaleConfig, login_token: str) -> str:
        """accounts.getAccountInfo -> person id."""
        response = await self._post(config, "accounts.getAccountInfo", {"login_token": login_token})
        body = decode_gigya(response, "accounts.getAccountInfo")
        person_id = (body.get("data") or {}).get("personId")
        if not isinstance(person_id, str) or not person_id:
            raise UnexpectedResponse("Gigya getAccountInfo: no personId")
        return person_id

    async def jwt(self, config: LocaleConfig, login_token: str) -> tuple[str, float]:
        """accounts.getJWT -> (JWT, expiry as POSIX seconds)."""
        form = {"login_token": login_token, "fields": JWT_FIELDS, "expiration": str(JWT_LIFETIME_SECONDS)}
        response = await self._post(config, "accounts.getJWT", form)
        body = decode_gigya(response, "accounts.getJWT")
        token = body.get("id_token")
        if not isinstance(token, str) or not token:
            raise UnexpectedResponse("Gigya getJWT: no id_token")
        return token, jwt_expiry(token) or self._clock() + JWT_LIFETIME_SECONDS


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _required(body: JsonObject, name: str, method: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value:
        raise UnexpectedResponse(f"Gigya {method}: no {name} in answer")
    return value
