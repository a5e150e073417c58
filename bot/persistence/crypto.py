"""Credential encryption with CREDENTIALS_KEY (MultiFernet: write with the first key, read with all)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_SETTING = "CREDENTIALS_KEY"


class CredentialKeyError(ValueError):
    """CREDENTIALS_KEY is missing or malformed; the message names the variable, never its value."""


class KeyMismatch(CredentialKeyError):
    """No key of CREDENTIALS_KEY reads this database's check value: the bot must not start with it."""


class CredentialDecryptError(Exception):
    """A stored value cannot be decrypted with any configured key."""


def generate_key() -> str:
    """A new random key to put in CREDENTIALS_KEY (printed by `python -m bot keygen`)."""
    return Fernet.generate_key().decode("ascii")


class CredentialCipher:
    """Encrypts with the first key and decrypts with any key; never shows keys in its repr.

    It also gives keyed hashes (`keyed_digest`) for values the database must be able to match but must not
    hold in clear, such as the e-mail a login-attempt counter is about.
    """

    def __init__(self, keys: list[Fernet], primary_key: bytes) -> None:
        if not keys:
            raise CredentialKeyError(f"{KEY_SETTING} holds no key")
        self._primary = keys[0]
        # HMAC keys are derived from the first key, one per purpose, never the key itself (HKDF, RFC 5869).
        self._digest_seed = primary_key
        self._all = MultiFernet(keys)
        self.key_count = len(keys)
        # Called once per value no key reads (the metrics count them); reading one never changes stored state.
        self._unreadable_listeners: list[Callable[[], None]] = []

    def __repr__(self) -> str:
        return f"CredentialCipher(keys={self.key_count})"

    @classmethod
    def from_setting(cls, value: str | None) -> CredentialCipher:
        """Build from the CREDENTIALS_KEY value: one or more comma-separated Fernet keys, newest first."""
        parts = [part.strip() for part in (value or "").split(",")]
        if not any(parts):
            raise CredentialKeyError(
                f"{KEY_SETTING} is not set: the bot cannot store credentials without it. "
                f"Run `python -m bot keygen` and put the printed key in {KEY_SETTING}."
            )
        keys: list[Fernet] = []
        raw: list[bytes] = []
        for position, part in enumerate(parts, start=1):
            if not part:
                raise CredentialKeyError(f"{KEY_SETTING} is malformed: key {position} is empty")
            try:
                keys.append(Fernet(part.encode("ascii")))
                raw.append(base64.urlsafe_b64decode(part.encode("ascii")))
            except (ValueError, UnicodeEncodeError):
                raise CredentialKeyError(
                    f"{KEY_SETTING} is malformed: key {position} is not a Fernet key "
                    "(32 url-safe base64-encoded bytes, as printed by `python -m bot keygen`)"
                ) from None
        return cls(keys, raw[0])

    def keyed_digest(self, purpose: str, value: str) -> str:
        """A stable keyed hash of `value` (HMAC-SHA256, key derived for `purpose`), as 32 hex digits.

        It changes when the first key changes (after `rotate-key` counters keyed by it start afresh).
        """
        derive = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=f"digest:{purpose}".encode())
        key = derive.derive(self._digest_seed)
        return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()[:32]

    def encrypt(self, plaintext: str) -> str:
        """Encrypt with the first key."""
        return self._primary.encrypt(plaintext.encode("utf-8")).decode("ascii")

    def on_unreadable(self, listener: Callable[[], None]) -> None:
        """Call `listener` each time a stored value cannot be decrypted (counted by the metrics)."""
        self._unreadable_listeners.append(listener)

    def decrypt(self, token: str) -> str:
        """Decrypt with whichever key fits; raises `CredentialDecryptError` when none does."""
        try:
            return self._all.decrypt(token.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError):
            for listener in self._unreadable_listeners:
                listener()
            raise CredentialDecryptError(
                "stored value cannot be decrypted with the configured keys"
            ) from None

    def reads(self, token: str) -> bool:
        """Whether some configured key decrypts the value (a probe: not counted as unreadable)."""
        try:
            self._all.decrypt(token.encode("ascii"))
        except (InvalidToken, UnicodeError):
            return False
        return True

    def is_current(self, token: str) -> bool:
        """Whether the value is already encrypted with the first key (rotation skips it)."""
        try:
            self._primary.decrypt(token.encode("ascii"))
        except (InvalidToken, UnicodeError):
            return False
        return True

    def rotate(self, token: str) -> str:
        """Re-encrypt a value with the first key; raises `CredentialDecryptError` when no key reads it."""
        try:
            return self._all.rotate(token.encode("ascii")).decode("ascii")
        except (InvalidToken, UnicodeError):
            raise CredentialDecryptError(
                "stored value cannot be decrypted with the configured keys"
            ) from None
