"""Settings from the environment and `.env`; read only by the composition root (`bot.app`) and `__main__`.

Every problem is reported as a `ConfigError` naming the variable and what is wrong with it, never its value
(some of these values are secrets).
"""

from __future__ import annotations

from typing import Literal
from urllib.parse import unquote, urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///data/bot.db"
DEFAULT_MAX_CALLS_PER_HOUR = 60
# A simulated Renault has no quota: a budget that a person exploring the demo never spends, while the
# budget machinery (and its message when the simulator's quota fault is injected) stays in the path.
SIMULATED_MAX_CALLS_PER_HOUR = 10_000


class ConfigError(Exception):
    """A setting is missing or malformed; the message names the variable, never its value."""


class Settings(BaseSettings):
    """Typed view of the environment (variable names are the field names in upper case)."""

    # An empty value (`HEALTH_PORT=` as in .env.example) means "not set": the default applies.
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True
    )

    telegram_bot_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org"
    database_url: str = DEFAULT_DATABASE_URL
    credentials_key: SecretStr | None = None
    renault_locale: str = "fr_FR"
    renault_gigya_url: str | None = None
    renault_gigya_api_key: SecretStr | None = None
    renault_kamereon_url: str | None = None
    renault_kamereon_api_key: SecretStr | None = None
    renault_backend: Literal["renault", "simulator"] = "renault"
    # Any whole number of seconds: test rigs and demos want a few; the call budget still caps the calls.
    poll_interval_seconds: int | None = Field(default=None, ge=1, le=86_400)
    poll_concurrency: int = Field(default=100, ge=1, le=1000)
    # How long a replica's claim on a vehicle lasts unrenewed: a live poller renews it while it works, so it
    # only bounds how long the cars of a replica that died mid-poll wait for another one.
    poll_lease_seconds: int = Field(default=30, ge=5, le=3600)
    # An update its dead replica did not renew for this long is handled by another replica.
    update_takeover_seconds: int = Field(default=15, ge=1, le=3600)
    renault_max_calls_per_hour: int = Field(
        default=DEFAULT_MAX_CALLS_PER_HOUR, ge=0, le=SIMULATED_MAX_CALLS_PER_HOUR
    )
    low_battery_threshold: int = Field(default=20, ge=1, le=99)
    history_retention_days: int = Field(default=180, ge=1, le=3650)
    allowed_user_ids: str = ""
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    log_format: Literal["text", "json"] = "text"
    # Telegram allows a bot about 30 messages a second in all: with N replicas, give each 30/N.
    telegram_messages_per_second: float = Field(default=30.0, gt=0, le=1000)
    webhook_url: str | None = None
    webhook_secret_token: SecretStr | None = None
    port: int = Field(default=8443, ge=1, le=65_535)
    health_port: int | None = Field(default=None, ge=1, le=65_535)
    # Loopback unless told otherwise: /metrics and /healthz are for the operator, not the whole network.
    # The image sets 0.0.0.0, because a container's own loopback is unreachable from its neighbours.
    health_host: str = "127.0.0.1"

    @field_validator("telegram_api_url", "renault_gigya_url", "renault_kamereon_url", "webhook_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value.rstrip("/")

    @field_validator("renault_locale")
    @classmethod
    def _locale(cls, value: str) -> str:
        parts = value.split("_")
        if len(parts) != 2 or len(parts[0]) != 2 or len(parts[1]) != 2:
            raise ValueError("must look like fr_FR or en_GB")
        return f"{parts[0].lower()}_{parts[1].upper()}"

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("allowed_user_ids")
    @classmethod
    def _user_ids(cls, value: str) -> str:
        for part in _split(value):
            if not part.lstrip("-").isdigit():
                raise ValueError("must be a comma-separated list of numeric Telegram user ids")
        return value

    @model_validator(mode="after")
    def _simulated_budget(self) -> Settings:
        # RENAULT_BACKEND=simulator: the real 60 calls per hour would end a demo after minutes of tapping.
        if self.renault_backend == "simulator" and not self._budget_set:
            self.renault_max_calls_per_hour = SIMULATED_MAX_CALLS_PER_HOUR
        return self

    @property
    def _budget_set(self) -> bool:
        return "renault_max_calls_per_hour" in self.model_fields_set

    def simulated(self) -> Settings:
        """A copy for a simulated Renault (the demo): a budget, unless set explicitly, that never runs out."""
        if self._budget_set:
            return self
        return self.model_copy(update={"renault_max_calls_per_hour": SIMULATED_MAX_CALLS_PER_HOUR})

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        # Several replicas share one webhook: they must all check the same secret, so it cannot be generated.
        if self.webhook_url and self.webhook_secret_token is None:
            raise ValueError("WEBHOOK_SECRET_TOKEN must be set when WEBHOOK_URL is set")
        if self.health_port is not None and self.webhook_url and self.health_port == self.port:
            raise ValueError("HEALTH_PORT and PORT must differ in webhook mode")
        return self

    def secret_values(self) -> list[str]:
        """Every secret value in these settings, for log redaction: tokens, keys, the database password."""
        secrets = [
            secret.get_secret_value()
            for secret in (
                self.telegram_bot_token,
                self.webhook_secret_token,
                self.credentials_key,
                self.renault_gigya_api_key,
                self.renault_kamereon_api_key,
            )
            if secret is not None
        ]
        if self.credentials_key is not None:
            # Each key of the list on its own too (the first encrypts, the others are old keys still read).
            secrets += [part.strip() for part in self.credentials_key.get_secret_value().split(",")]
        password = urlsplit(self.database_url).password
        if password:
            secrets += [password, unquote(password)]
        return [secret for secret in dict.fromkeys(secrets) if secret]

    @property
    def allowed_users(self) -> frozenset[int]:
        """The allow-list of Telegram user ids; empty means everyone is welcome."""
        return frozenset(int(part) for part in _split(self.allowed_user_ids))

    @property
    def telegram_base_url(self) -> str:
        """python-telegram-bot's base_url for the Bot API."""
        return f"{self.telegram_api_url}/bot"

    @property
    def telegram_base_file_url(self) -> str:
        """python-telegram-bot's base_file_url for file downloads."""
        return f"{self.telegram_api_url}/file/bot"


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def load_settings(env_file: str | None = ".env") -> Settings:
    """Read the settings, turning validation errors into a `ConfigError` that never echoes a value."""
    try:
        return Settings(_env_file=env_file)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            name = ".".join(str(part) for part in error["loc"]).upper() or "configuration"
            problems.append(f"{name}: {_describe(error['type'], error['msg'])}")
        raise ConfigError("Invalid configuration:\n  " + "\n  ".join(problems)) from None


def _describe(kind: str, message: str) -> str:
    # pydantic messages can quote the input; keep only its explanation of the rule.
    if kind.startswith(("int_", "greater", "less")):
        return message.split(", input")[0].lower()
    if kind == "literal_error":
        return message.lower()
    return message.removeprefix("Value error, ")
