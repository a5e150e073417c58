"""Scrub secrets out of text before it reaches a log line or a user: tokens, JWTs, e-mails, passwords.

Three layers: the operator's secret values (bot token, keys, passwords in URLs...) removed wherever they
appear; secret-looking shapes (JWTs, bot tokens, `password=...`, `"password": "..."`, `'password': '...'`,
credentials in URLs, e-mails); and the text a user typed at a step that asks for a secret (a password, a
two-factor code), registered with `secret_input` for as long as that step's handling runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar

# Shorter values would blank ordinary words and numbers out of every line; no real secret is that short.
_MIN_SECRET_LENGTH = 4

# A key that names a secret: the name itself or any name ending with it (`secret_token`, `x-gigya-id_token`,
# `regToken`, `WEBHOOK_SECRET_TOKEN`), and `code` only on its own (`language_code` is not a secret).
_SENSITIVE_KEY = (
    r"(?:[A-Za-z0-9_-]*(?:password|passwd|token|secret|apikey|api_key|cookieValue|credentials_key)"
    r"|code|pwd|gmid|ucid)"
)
# Its value: a double-quoted (JSON) or single-quoted (Python repr) string, escapes included, else a bare word.
_KEY_VALUE = re.compile(
    rf"""(?ix)
    (?<![A-Za-z0-9_-])
    (?P<key>["']?{_SENSITIVE_KEY}["']?\s*[:=]\s*)
    (?P<value>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[^\s"',;&}}\])]+)
    """
)

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # JSON Web Tokens: three base64url parts, the first two start with '{"' encoded as eyJ.
    (re.compile(r"eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*"), "<jwt>"),
    # Fernet tokens (our encrypted columns) and Gigya session/login tokens.
    (re.compile(r"gAAAAA[A-Za-z0-9_=-]{20,}"), "<fernet>"),
    (re.compile(r"\bst2\.[A-Za-z0-9._~-]{8,}"), "<login-token>"),
    # Telegram bot tokens: numeric id, colon, 35 url-safe characters (also inside /bot<token>/ URLs).
    (re.compile(r"(?<![0-9])\d{6,12}:[A-Za-z0-9_-]{30,}"), "<bot-token>"),
    # The password of credentials in a URL: scheme://user:password@host.
    (re.compile(r"(?<=://)([^/\s:@]*):[^/\s@]+@"), r"\1:<redacted>@"),
    # E-mails, also URL-encoded (Gigya's `loginID=alice%40example.com`).
    (re.compile(r"[A-Za-z0-9._%+-]+(?:@|%40)[A-Za-z0-9.-]+\.[A-Za-z]{2,}"), "<email>"),
)

_SECRET_INPUTS: ContextVar[tuple[str, ...]] = ContextVar("secret_inputs", default=())
# An exception that left a `secret_input` block keeps its values in this attribute (never printed in a
# traceback, unlike notes): the error handler logs it after the block. The values go when the exception does.
_CARRIED = "_redaction_secret_inputs"


@contextmanager
def secret_input(*values: str) -> Iterator[None]:
    """While the block runs (in this task and the tasks it starts), `values` are redacted like secrets;
    an exception raised out of the block has them redacted wherever it is logged."""
    token = _SECRET_INPUTS.set((*_SECRET_INPUTS.get(), *values))
    try:
        yield
    except BaseException as exc:
        # A frozen exception (a frozen dataclass) refuses the attribute: only the other layers redact it.
        with suppress(AttributeError, TypeError):
            setattr(exc, _CARRIED, (*_carried(exc), *values))
        raise
    finally:
        _SECRET_INPUTS.reset(token)


def _carried(error: BaseException) -> tuple[str, ...]:
    carried = getattr(error, _CARRIED, ())
    return carried if isinstance(carried, tuple) else ()


def secrets_of(error: BaseException | None) -> tuple[str, ...]:
    """The typed secrets an exception (or one it was raised from) carried out of a `secret_input` block."""
    found: list[str] = []
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        found += _carried(error)
        error = error.__cause__ or error.__context__
    return tuple(found)


def _redact_value(match: re.Match[str]) -> str:
    value = match.group("value")
    quote = value[0] if value[:1] in ("'", '"') else ""
    return f"{match.group('key')}{quote}<redacted>{quote}"


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """Return `text` with known secret values and secret-looking substrings replaced by placeholders."""
    # Longest first, so a secret that contains another (a key list and one of its keys) goes whole.
    known = sorted({*secrets, *_SECRET_INPUTS.get()}, key=len, reverse=True)
    for secret in known:
        if secret and len(secret) >= _MIN_SECRET_LENGTH:
            text = text.replace(secret, "<secret>")
    text = _KEY_VALUE.sub(_redact_value, text)
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
