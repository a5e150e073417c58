"""Settings come from the environment with clear errors that never echo a value."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, load_settings


def test_defaults_are_usable(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TELEGRAM_BOT_TOKEN", "DATABASE_URL", "RENAULT_MAX_CALLS_PER_HOUR", "ALLOWED_USER_IDS"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings(env_file=None)
    assert settings.telegram_bot_token is None
    assert settings.database_url == "sqlite:///data/bot.db"
    assert settings.renault_max_calls_per_hour == 60
    assert settings.low_battery_threshold == 20
    assert settings.poll_concurrency == 100
    assert settings.allowed_users == frozenset()
    assert settings.telegram_base_url == "https://api.telegram.org/bot"
    assert settings.telegram_base_file_url == "https://api.telegram.org/file/bot"


def test_values_are_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_API_URL", "http://127.0.0.1:8081/")
    monkeypatch.setenv("ALLOWED_USER_IDS", "12, 34")
    monkeypatch.setenv("RENAULT_LOCALE", "EN_gb")
    monkeypatch.setenv("POLL_INTERVAL_SECONDS", "120")
    monkeypatch.setenv("POLL_CONCURRENCY", "30")
    monkeypatch.setenv("LOG_LEVEL", "debug")
    monkeypatch.setenv("RENAULT_GIGYA_URL", "http://127.0.0.1:8080/gigya")
    settings = load_settings(env_file=None)
    assert settings.telegram_base_url == "http://127.0.0.1:8081/bot"
    assert settings.allowed_users == frozenset({12, 34})
    assert settings.renault_locale == "en_GB"
    assert settings.poll_interval_seconds == 120
    assert settings.poll_concurrency == 30
    assert settings.log_level == "DEBUG"
    assert settings.renault_gigya_url == "http://127.0.0.1:8080/gigya"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("RENAULT_MAX_CALLS_PER_HOUR", "lots"),
        ("RENAULT_MAX_CALLS_PER_HOUR", "-1"),
        ("LOW_BATTERY_THRESHOLD", "150"),
        ("ALLOWED_USER_IDS", "alice,bob"),
        ("TELEGRAM_API_URL", "ftp://example"),
        ("RENAULT_LOCALE", "france"),
        ("POLL_INTERVAL_SECONDS", "1"),
        ("POLL_CONCURRENCY", "0"),
    ],
)
def test_bad_values_name_the_variable_not_the_value(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as caught:
        load_settings(env_file=None)
    assert name in str(caught.value)
    assert value not in str(caught.value).replace(name, "")


def test_secrets_are_not_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:very-secret-token")
    settings = load_settings(env_file=None)
    assert "very-secret-token" not in repr(settings)
    assert settings.telegram_bot_token is not None
    assert settings.telegram_bot_token.get_secret_value() == "123:very-secret-token"


def test_webhook_without_a_secret_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEBHOOK_URL", "https://bot.example.org/telegram")
    monkeypatch.delenv("WEBHOOK_SECRET_TOKEN", raising=False)
    with pytest.raises(ConfigError) as caught:
        load_settings(env_file=None)
    assert "WEBHOOK_SECRET_TOKEN" in str(caught.value)


def test_webhook_with_a_secret_is_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEBHOOK_URL", "https://bot.example.org/telegram")
    monkeypatch.setenv("WEBHOOK_SECRET_TOKEN", "s3cr3t-token_value")
    settings = load_settings(env_file=None)
    assert settings.webhook_url == "https://bot.example.org/telegram"
    assert settings.port == 8443
