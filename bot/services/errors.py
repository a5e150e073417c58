"""The services' exception tree: what went wrong, in terms a handler can turn into a message.

Three more of the tree are declared with the ports, since adapters raise them:
`bot.services.ports.StorageUnavailable` and `bot.services.ports.AlreadyLinked` (the stores) and
`bot.services.ports.LimitReached` (the budget gate, for a member's share, and the per-chat limits).
"""

from __future__ import annotations

from datetime import datetime


class ServiceError(Exception):
    """Base of every error a use case reports to the presentation layer."""


class NotLinked(ServiceError):
    """The chat has no linked Renault account (or no vehicle on it)."""


class NotPermitted(ServiceError):
    """The chat may not see or command this vehicle (not linked, or its role lacks the right)."""


class LoginRejected(ServiceError):
    """Renault refused the e-mail or password."""


class CodeRejected(ServiceError):
    """The two-factor code was wrong; the same challenge may be retried."""


class CodeExpired(ServiceError):
    """The two-factor challenge expired; the login must start again."""


class TooManyAttempts(ServiceError):
    """Too many login (`kind` 'password') or code ('code') attempts: refused without asking Renault.

    `scope` says whose limit: the user's ('user'), the target account's ('email') or the bot's ('all').
    """

    def __init__(self, kind: str, scope: str, retry_at: datetime) -> None:
        super().__init__(f"too many {kind} attempts ({scope})")
        self.kind = kind
        self.scope = scope
        self.retry_at = retry_at


class LoginLocked(ServiceError):
    """Renault temporarily locked the account after too many failed logins: the login ends."""


class LoginNeedsCaptcha(ServiceError):
    """Renault wants a captcha for this login, which a chat cannot show: the login ends."""


class NeedsLogin(ServiceError):
    """The stored credentials no longer work (expired or revoked): log in again."""


class SecretsUnreadable(ServiceError):
    """Stored secrets cannot be decrypted with the configured key (an operator problem); nothing changes."""


class RenaultBusy(ServiceError):
    """Renault's quota, or our per-account call budget, forbids a call until `retry_at`."""

    def __init__(self, retry_at: datetime | None = None) -> None:
        super().__init__("Renault is limiting requests")
        self.retry_at = retry_at


class FeatureUnavailable(ServiceError):
    """The car does not support this feature."""

    def __init__(self, feature: str) -> None:
        super().__init__(f"not supported: {feature}")
        self.feature = feature


class RenaultDown(ServiceError):
    """Renault's servers are unreachable or answered nonsense."""


class ActionBusy(ServiceError):
    """The car is still busy with a previous action."""


class PrivacyMode(ServiceError):
    """The car's privacy mode hides the data or blocks the command."""


class TooManyActions(ServiceError):
    """The chat sends actions faster than the per-chat limit."""

    def __init__(self, retry_in_seconds: float) -> None:
        super().__init__("too many actions")
        self.retry_in_seconds = retry_in_seconds


class InvalidInput(ServiceError):
    """The user's input cannot be used (malformed schedule, out-of-range value); `reasons` are i18n keys."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("invalid input")
        self.reasons = reasons


class OwnerCannotLeave(ServiceError):
    """The owner asked to /leave their own account: /logout is how the owner unlinks it."""
