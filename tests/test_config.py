"""Settings come from the environment with clear errors that never echo a value."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import (
    DEFAULT_MAX_CALLS_PER_HOUR,
    SIMULATED_MAX_CALLS_PER_HOUR,
    ConfigError,
    load_settings,
)


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
        ("POLL_INTERVAL_SECONDS", "0"),
        ("POLL_INTERVAL_SECONDS", "2.5"),
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


@pytest.mark.parametrize("seconds", [1, 5, 29, 30, 86_400])
def test_any_whole_poll_interval_from_one_second_is_accepted(
    monkeypatch: pytest.MonkeyPatch, seconds: int
) -> None:
    monkeypatch.setenv("POLL_INTERVAL_SECONDS", str(seconds))
    assert load_settings(env_file=None).poll_interval_seconds == seconds


def test_empty_values_as_in_the_example_file_mean_unset(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in ("TELEGRAM_BOT_TOKEN", "POLL_INTERVAL_SECONDS", "HEALTH_PORT", "RENAULT_MAX_CALLS_PER_HOUR"):
        monkeypatch.delenv(name, raising=False)
    example = Path(__file__).resolve().parents[1] / ".env.example"
    env = tmp_path / ".env"
    env.write_text(example.read_text(encoding="utf-8"), encoding="utf-8")
    settings = load_settings(env_file=str(env))
    assert settings.telegram_bot_token is None
    assert settings.poll_interval_seconds is None
    assert settings.health_port is None
    assert settings.health_host == "127.0.0.1"
    assert settings.renault_max_calls_per_hour == DEFAULT_MAX_CALLS_PER_HOUR


def test_a_simulated_renault_gets_a_budget_nobody_exploring_spends(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RENAULT_MAX_CALLS_PER_HOUR", raising=False)
    monkeypatch.setenv("RENAULT_BACKEND", "simulator")
    assert load_settings(env_file=None).renault_max_calls_per_hour == SIMULATED_MAX_CALLS_PER_HOUR
    monkeypatch.setenv("RENAULT_BACKEND", "renault")
    real = load_settings(env_file=None)
    assert real.renault_max_calls_per_hour == DEFAULT_MAX_CALLS_PER_HOUR
    # The offline demo points the real client at the simulator: its copy gets the large budget too.
    assert real.simulated().renault_max_calls_per_hour == SIMULATED_MAX_CALLS_PER_HOUR
    assert real.renault_max_calls_per_hour == DEFAULT_MAX_CALLS_PER_HOUR


@pytest.mark.parametrize("backend", ["renault", "simulator"])
def test_an_explicit_budget_is_kept_even_when_simulated(
    monkeypatch: pytest.MonkeyPatch, backend: str
) -> None:
    monkeypatch.setenv("RENAULT_MAX_CALLS_PER_HOUR", "12")
    monkeypatch.setenv("RENAULT_BACKEND", backend)
    settings = load_settings(env_file=None)
    assert settings.renault_max_calls_per_hour == 12
    assert settings.simulated().renault_max_calls_per_hour == 12


def test_every_secret_setting_is_handed_to_the_log_redaction(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:bot-token-value")
    monkeypatch.setenv("WEBHOOK_URL", "https://bot.example.org/telegram-hook")
    monkeypatch.setenv("WEBHOOK_SECRET_TOKEN", "webhook-secret-value")
    monkeypatch.setenv("CREDENTIALS_KEY", "new-key-value, old-key-value")
    monkeypatch.setenv("DATABASE_URL", "postgresql://bot:db%40password@postgres:5432/bot")
    monkeypatch.setenv("RENAULT_GIGYA_API_KEY", "gigya-key-value")
    monkeypatch.setenv("RENAULT_KAMEREON_API_KEY", "kamereon-key-value")
    secrets = load_settings(env_file=None).secret_values()
    for value in (
        "123:bot-token-value",
        "webhook-secret-value",
        "new-key-value",
        "old-key-value",
        "new-key-value, old-key-value",
        "db%40password",
        "db@password",
        "gigya-key-value",
        "kamereon-key-value",
    ):
        assert value in secrets
