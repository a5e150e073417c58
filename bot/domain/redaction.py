"""Scrub secrets out of text before it reaches a log line or a user: tokens, JWTs, e-mails, passwords."""

from __future__ import annotations

import re
from collections.abc import Iterable

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # JSON Web Tokens: three base64url parts, the first two start with '{"' encoded as eyJ.
    (re.compile(r"eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*"), "<jwt>"),
    # Fernet tokens (our encrypted columns) and Gigya session/login tokens.
    (re.compile(r"gAAAAA[A-Za-z0-9_=-]{20,}"), "<fernet>"),
    (re.compile(r"\bst2\.[A-Za-z0-9._~-]{8,}"), "<login-token>"),
    # Telegram bot tokens: numeric id, colon, 35 url-safe characters.
    (re.compile(r"\b\d{6,12}:[A-Za-z0-9_-]{30,}"), "<bot-token>"),
    # key=value and "key": "value" pairs whose key names a secret.
    (
        re.compile(
            r"(?i)(\"?(?:password|passwd|login_token|id_token|x-gigya-id_token|regToken|code|apikey|api_key|"
            r"secret|token|cookieValue|gmid|ucid)\"?\s*[:=]\s*\"?)([^\"&,;\s}]+)"
        ),
        r"\1<redacted>",
    ),
    (re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"), "<email>"),
)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """Return `text` with known secret values and secret-looking substrings replaced by placeholders."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "<secret>")
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def mask_email(email: str) -> str:
    """Show enough of an e-mail for its owner to recognise it: 'j***@e***.com'."""
    local, _, domain = email.partition("@")
    if not domain:
        return "***"
    host, _, tld = domain.rpartition(".")
    return f"{local[:1]}***@{(host or tld)[:1]}***.{tld if host else ''}".rstrip(".")
