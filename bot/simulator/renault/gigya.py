"""The Gigya half of the simulator: login, account info, JWT and the e-mail two-factor flow (§2)."""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qsl

import httpx

from bot.simulator.renault.accounts import AccountStore, JwtMinter, PendingTfa, SimAccount
from bot.simulator.renault.wire import gigya_body, gigya_error, gigya_response

REG_TOKEN_LIFETIME = timedelta(seconds=3600)
ASSERTION_LIFETIME = timedelta(minutes=5)
CODE_LIFETIME = timedelta(minutes=5)
_JWT_FIELDS = "data.personId,data.gigyaDataCenter"

GigyaHandler = Callable[[dict[str, str], dict[str, str], datetime], httpx.Response]


def request_params(request: httpx.Request, body: bytes) -> dict[str, str]:
    """Query and form fields together, with the API-key field normalised to `apikey`."""
    params = dict(request.url.params.multi_items())
    if body and request.method == "POST":
        params.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    for name in list(params):
        if name.lower() == "apikey" and name != "apikey":
            params["apikey"] = params.pop(name)
    return params


def request_cookies(request: httpx.Request) -> dict[str, str]:
    """Cookies sent with the request."""
    jar: SimpleCookie = SimpleCookie()
    for header in request.headers.get_list("cookie"):
        jar.load(header)
    return {name: morsel.value for name, morsel in jar.items()}


def _obfuscate(email: str) -> str:
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


class GigyaService:
    """Answers the Gigya methods exactly as the real service does (HTTP 200, errors in the body)."""

    def __init__(
        self,
        store: AccountStore,
        jwts: JwtMinter,
        api_keys: frozenset[str],
        seed: int | None,
        *,
        lockout_after: int | None = None,
        lockout_for: timedelta = timedelta(minutes=30),
    ) -> None:
        # Gigya locks an account after this many failed logins in a row (a site setting; None: never).
        self.lockout_after = lockout_after
        self.lockout_for = lockout_for
        self._store = store
        self._jwts = jwts
        self._api_keys = api_keys
        self._random = random.Random(seed)
        self.methods: dict[str, GigyaHandler] = {
            "accounts.login": self._login,
            "accounts.getAccountInfo": self._account_info,
            "accounts.getJWT": self._get_jwt,
            "accounts.webSdkBootstrap": self._bootstrap,
            "accounts.tfa.initTFA": self._init_tfa,
            "accounts.tfa.email.getEmails": self._get_emails,
            "accounts.tfa.email.sendVerificationCode": self._send_code,
            "accounts.tfa.email.completeVerification": self._complete,
            "accounts.tfa.finalizeTFA": self._finalize,
        }

    def handle(
        self, method: str, params: dict[str, str], cookies: dict[str, str], now: datetime
    ) -> httpx.Response:
        """Dispatch one Gigya method call."""
        handler = self.methods.get(method)
        if handler is None:
            details = f"Invalid namespace or method '{method}'"
            return gigya_response(gigya_error(now, 403007, "Permission denied", details))
        if params.get("apikey") not in self._api_keys:
            # An outdated/unknown key is reported as bad credentials (the May 2026 rotation symptom).
            return gigya_response(gigya_error(now, 403042, "Invalid LoginID", "invalid loginID or password"))
        return handler(params, cookies, now)

    # --- token calls ---

    def _login(self, params: dict[str, str], cookies: dict[str, str], now: datetime) -> httpx.Response:
        account = self._store.find(params.get("loginID", ""))
        if account is not None and account.locked_until is not None and account.locked_until > now:
            # Locked: refused whatever the password, so a guess learns nothing (§2.6).
            details = "Account temporarily locked out"
            return gigya_response(gigya_error(now, 403120, "Account temporarily locked out", details))
        if account is not None and account.captcha_required:
            details = "Captcha verification required"
            return gigya_response(gigya_error(now, 401020, "Login Failed Captcha Required", details))
        if account is None or not secrets.compare_digest(
            account.password.encode(), params.get("password", "").encode()
        ):
            if account is not None:
                self._failed(account, now)
            return gigya_response(gigya_error(now, 403042, "Invalid LoginID", "invalid loginID or password"))
        account.failed_logins = 0
        gmid = cookies.get("gmid")
        if account.two_factor and not self._device_trusted(account, gmid):
            return self._challenge(account, gmid, now)
        token = self._store.issue_login_token(account)
        session = {"cookieName": "gac_sim", "cookieValue": token}
        return gigya_response(
            gigya_body(now, UID=account.uid, profile={"email": account.email}, sessionInfo=session)
        )

    def _failed(self, account: SimAccount, now: datetime) -> None:
        account.failed_logins += 1
        if self.lockout_after is not None and account.failed_logins >= self.lockout_after:
            account.locked_until = now + self.lockout_for
            account.failed_logins = 0

    def _device_trusted(self, account: SimAccount, gmid: str | None) -> bool:
        if gmid is None:
            return False
        if gmid in account.one_time_gmids:
            account.one_time_gmids.discard(gmid)  # tempDevice=true: good for the replay only
            return True
        return gmid in account.trusted_gmids

    def _challenge(self, account: SimAccount, gmid: str | None, now: datetime) -> httpx.Response:
        reg_token = "reg-" + secrets.token_urlsafe(18)
        self._store.pending_by_reg[reg_token] = PendingTfa(account, reg_token, now + REG_TOKEN_LIFETIME, gmid)
        body = gigya_error(
            now,
            403101,
            "Account Pending TFA Verification",
            "Pending Two-Factor Authentication",
            UID=account.uid,
            regToken=reg_token,
            sessionInfo={"expires_in": "3600"},
        )
        return gigya_response(body)

    def _account_for_token(self, params: dict[str, str]) -> SimAccount | None:
        return self._store.login_tokens.get(params.get("login_token", ""))

    def _account_info(self, params: dict[str, str], cookies: dict[str, str], now: datetime) -> httpx.Response:
        account = self._account_for_token(params)
        if account is None:
            return gigya_response(gigya_error(now, 403005, "Unauthorized user", "Unauthorized user"))
        data = {"personId": account.person_id, "gigyaDataCenter": "eu1"}
        emails = {"verified": [account.email], "unverified": []}
        return gigya_response(gigya_body(now, UID=account.uid, data=data, emails=emails))

    def _get_jwt(self, params: dict[str, str], cookies: dict[str, str], now: datetime) -> httpx.Response:
        account = self._account_for_token(params)
        if account is None:
            return gigya_response(gigya_error(now, 403005, "Unauthorized user", "Unauthorized user"))
        try:
            lifetime = int(params.get("expiration", "300"))
        except ValueError:
            return gigya_response(gigya_error(now, 400006, "Invalid parameter value", "expiration"))
        claims: dict[str, Any] = {
            "iss": "https://fidm.gigya.com/jwt/sim/",
            "apiKey": params["apikey"],
            "iat": int(now.timestamp()),
            "exp": int(now.timestamp()) + lifetime,
            "sub": account.uid,
        }
        if set(params.get("fields", "").split(",")) >= set(_JWT_FIELDS.split(",")):
            # Kamereon needs these claims; without them it rejects the token (pyze#99).
            claims["data.personId"] = account.person_id
            claims["data.gigyaDataCenter"] = "eu1"
        return gigya_response(gigya_body(now, ignoredFields="", id_token=self._jwts.mint(claims)))

    # --- e-mail two-factor flow (§2.8) ---

    def _bootstrap(self, params: dict[str, str], cookies: dict[str, str], now: datetime) -> httpx.Response:
        gmid = cookies.get("gmid") or "gmid.ver4." + secrets.token_urlsafe(24)
        ucid = cookies.get("ucid") or secrets.token_urlsafe(16)
        key = params["apikey"]
        return gigya_response(
            gigya_body(now, hasGmid="ver4"),
            cookies={"gmid": gmid, "ucid": ucid, "hasGmid": "ver4", f"gig_bootstrap_{key}": "ver4"},
        )

    def _invalid(self, now: datetime, details: str) -> httpx.Response:
        return gigya_response(gigya_error(now, 400006, "Invalid parameter value", details))

    def _init_tfa(self, params: dict[str, str], cookies: dict[str, str], now: datetime) -> httpx.Response:
        pending = self._store.pending_by_reg.get(params.get("regToken", ""))
        if pending is None or pending.reg_expires <= now or pending.finalized:
            return self._invalid(now, "Invalid regToken")
        if params.get("provider") != "gigyaEmail":
            return self._invalid(now, "Invalid provider")
        pending.gmid = cookies.get("gmid") or params.get("gmid") or pending.gmid
        if pending.assertion is not None:
            self._store.pending_by_assertion.pop(pending.assertion, None)
        pending.assertion = "eyJ.sim-assertion." + secrets.token_urlsafe(18)
        pending.assertion_expires = now + ASSERTION_LIFETIME
        self._store.pending_by_assertion[pending.assertion] = pending
        return gigya_response(gigya_body(now, gigyaAssertion=pending.assertion))

    def _pending(self, params: dict[str, str], now: datetime) -> PendingTfa | None:
        pending = self._store.pending_by_assertion.get(params.get("gigyaAssertion", ""))
        if pending is None or pending.assertion_expires is None or pending.assertion_expires <= now:
            return None
        return pending

    def _get_emails(self, params: dict[str, str], cookies: dict[str, str], now: datetime) -> httpx.Response:
        pending = self._pending(params, now)
        if pending is None:
            return self._invalid(now, "Invalid jwt")
        email = pending.account.email
        entry = {
            "id": f"email-{pending.account.uid}",
            "obfuscated": _obfuscate(email),
            "lastVerification": None,
        }
        return gigya_response(gigya_body(now, emails=[entry]))

    def _send_code(self, params: dict[str, str], cookies: dict[str, str], now: datetime) -> httpx.Response:
        pending = self._pending(params, now)
        if pending is None:
            return self._invalid(now, "Invalid jwt")
        if params.get("emailID") != f"email-{pending.account.uid}":
            return self._invalid(now, "Invalid emailID")
        pending.code = f"{self._random.randrange(1_000_000):06d}"
        pending.code_expires = now + CODE_LIFETIME
        pending.phv_token = "phv-" + secrets.token_urlsafe(18)  # a new code supersedes the previous one
        pending.account.last_code = pending.code
        return gigya_response(gigya_body(now, phvToken=pending.phv_token))

    def _complete(self, params: dict[str, str], cookies: dict[str, str], now: datetime) -> httpx.Response:
        pending = self._pending(params, now)
        if pending is None:
            return self._invalid(now, "Invalid jwt")
        if pending.phv_token is None or params.get("phvToken") != pending.phv_token:
            return self._invalid(now, "Invalid phvToken")
        if pending.code_expires is None or pending.code_expires <= now:
            return self._invalid(now, "Expired verification code")
        if pending.code is None or not secrets.compare_digest(pending.code, params.get("code", "").strip()):
            return self._invalid(now, "Wrong verification code")
        pending.provider_assertion = "eyJ.sim-provider." + secrets.token_urlsafe(18)
        self._store.provider_assertions[pending.provider_assertion] = pending
        return gigya_response(gigya_body(now, providerAssertion=pending.provider_assertion))

    def _finalize(self, params: dict[str, str], cookies: dict[str, str], now: datetime) -> httpx.Response:
        pending = self._pending(params, now)
        if pending is None:
            return self._invalid(now, "Invalid jwt")
        provider = self._store.provider_assertions.get(params.get("providerAssertion", ""))
        if provider is not pending or params.get("regToken") != pending.reg_token:
            return self._invalid(now, "Invalid providerAssertion")
        if pending.reg_expires <= now:
            return self._invalid(now, "Invalid regToken")
        gmid = cookies.get("gmid") or pending.gmid
        if gmid is not None:
            if params.get("tempDevice", "false").lower() == "false":
                pending.account.trusted_gmids.add(gmid)
            else:
                pending.account.one_time_gmids.add(gmid)
        self._forget(pending)
        return gigya_response(gigya_body(now))

    def _forget(self, pending: PendingTfa) -> None:
        pending.finalized = True
        self._store.pending_by_reg.pop(pending.reg_token, None)
        if pending.assertion is not None:
            self._store.pending_by_assertion.pop(pending.assertion, None)
        if pending.provider_assertion is not None:
            self._store.provider_assertions.pop(pending.provider_assertion, None)
