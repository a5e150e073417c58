"""Simulated MyRenault accounts, Gigya tokens and the JWTs Kamereon accepts."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.simulator.renault.car import SimCar

# Real keys of the reference (§1.2, §1.3) so an unmodified client locale table works with overridden URLs.
KAMEREON_API_KEY = "YjkKtHmGfaceeuExUDKGxrLZGGvtVS0J"
GIGYA_API_KEYS = frozenset(
    {
        "3_VgdkgtIRH3AdHvJm-cjV2ug2EFE0lxt0IJzMC4MFqZjFpn_GYFXVdNZ19L7wZX0N",
        "3_zt44Wl_wT9mnqn-BHrR19PvXj3wYRPQKLcPbGWawlatFR837KdxSZZStbBTDaqnb",
        "4_yTFqPSsGxVyRXPZUM7t1Iw",
        "4_GC9iGd3sH8sMJpz2x0q0CQ",
    }
)


@dataclass(slots=True, eq=False)
class SimAccount:
    """One MyRenault login: a Gigya identity, a Kamereon person and one MYRENAULT account."""

    email: str = field(repr=False)
    password: str = field(repr=False)
    two_factor: bool
    locale: str
    uid: str
    person_id: str
    account_id: str
    vehicles: list[SimCar] = field(default_factory=list)
    trusted_gmids: set[str] = field(default_factory=set, repr=False)
    one_time_gmids: set[str] = field(default_factory=set, repr=False)
    last_code: str | None = field(default=None, repr=False)
    # Gigya's own defences (§2.6): failed logins since the last success, a temporary lock, a captcha demand.
    failed_logins: int = 0
    locked_until: datetime | None = None
    captcha_required: bool = False

    @property
    def country(self) -> str:
        """Country code derived from the locale (last two letters)."""
        return self.locale[-2:].upper()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class JwtMinter:
    """Mints and verifies HS256 JWTs with an `exp` claim, like Gigya's getJWT."""

    def __init__(self, secret: bytes | None = None) -> None:
        self._secret = secret or secrets.token_bytes(32)

    def mint(self, claims: dict[str, Any]) -> str:
        """A signed token carrying `claims`."""
        header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
        signature = hmac.new(self._secret, f"{header}.{payload}".encode(), hashlib.sha256).digest()
        return f"{header}.{payload}.{_b64(signature)}"

    def verify(self, token: str, now: datetime) -> dict[str, Any] | None:
        """The claims of a token this minter signed and that has not expired; None otherwise."""
        parts = token.split(".")
        if len(parts) != 3:
            return None
        header, payload, signature = parts
        expected = hmac.new(self._secret, f"{header}.{payload}".encode(), hashlib.sha256).digest()
        try:
            if not hmac.compare_digest(_unb64(signature), expected):
                return None
            claims = json.loads(_unb64(payload))
        except (ValueError, json.JSONDecodeError):
            return None
        if not isinstance(claims, dict) or not isinstance(claims.get("exp"), int):
            return None
        if claims["exp"] <= now.timestamp():
            return None
        return claims


@dataclass(slots=True, eq=False)
class PendingTfa:
    """One open e-mail two-factor challenge, from 403101 to finalizeTFA."""

    account: SimAccount
    reg_token: str = field(repr=False)
    reg_expires: datetime
    gmid: str | None = field(default=None, repr=False)
    assertion: str | None = field(default=None, repr=False)
    assertion_expires: datetime | None = None
    phv_token: str | None = field(default=None, repr=False)
    code: str | None = field(default=None, repr=False)
    code_expires: datetime | None = None
    provider_assertion: str | None = field(default=None, repr=False)
    finalized: bool = False


class AccountStore:
    """Indexes of accounts, login tokens and TFA state; dictionaries so 10,000 accounts stay cheap."""

    def __init__(self) -> None:
        self.by_email: dict[str, SimAccount] = {}
        self.by_person: dict[str, SimAccount] = {}
        self.by_account_id: dict[str, SimAccount] = {}
        self.cars: dict[str, SimCar] = {}
        self.login_tokens: dict[str, SimAccount] = {}
        self.pending_by_reg: dict[str, PendingTfa] = {}
        self.pending_by_assertion: dict[str, PendingTfa] = {}
        self.provider_assertions: dict[str, PendingTfa] = {}

    def add(self, account: SimAccount) -> None:
        """Register an account under every index."""
        key = account.email.lower()
        if key in self.by_email:
            raise ValueError("an account with this e-mail already exists")
        self.by_email[key] = account
        self.by_person[account.person_id] = account
        self.by_account_id[account.account_id] = account

    def find(self, email: str) -> SimAccount | None:
        """The account of a login id (case-insensitive)."""
        return self.by_email.get(email.lower())

    def issue_login_token(self, account: SimAccount) -> str:
        """A new Gigya session token (`sessionInfo.cookieValue`)."""
        token = "st2.s.Sim" + secrets.token_urlsafe(24)
        self.login_tokens[token] = account
        return token

    def revoke_login_tokens(self, account: SimAccount) -> int:
        """Forget every login token of the account; returns how many were revoked."""
        revoked = [t for t, owner in self.login_tokens.items() if owner is account]
        for token in revoked:
            del self.login_tokens[token]
        return len(revoked)
