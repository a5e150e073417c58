"""Secrets never survive redaction."""

from __future__ import annotations

import pytest

from bot.domain.redaction import mask_email, redact, secret_input

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE3MDAwMDAwMDB9.c2lnbmF0dXJlLXZhbHVl"


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (f"Kamereon rejected token {JWT}", JWT),
        ("login ok st2.s.AtLtAbCdEfGh123456.xyz-_~", "st2.s.AtLtAbCdEfGh123456.xyz-_~"),
        ("POST loginID=alice%40example.com&password=hunter22!", "hunter22!"),
        ('{"password": "correct horse"}', "correct"),
        ("user alice@example.com linked", "alice@example.com"),
        ("bot 123456789:AAH-abcdefghijklmnopqrstuvwxyz012345 failed", "AAH-abcdefghijklmnopqrstuvwxyz012345"),
        ("cipher gAAAAABlZ0123456789abcdefghijklmnopqrs= stored", "gAAAAABlZ0123456789abcdefghijklmnopqrs="),
        ("login_token=opaque-value-42&ApiKey=3_abc", "opaque-value-42"),
        ("code=123456 sent", "123456"),
        ('{"password": "correct horse"}', "horse"),
        ("{'password': 'correct horse', 'chat': 1}", "horse"),
        ("{'password': 'it\\'s me', 'chat': 1}", "s me"),
        ("Message(text='x', password='battery staple')", "staple"),
        ("{'url': 'https://h/hook', 'secret_token': 'hook-secret-1'}", "hook-secret-1"),
        ('{"WEBHOOK_SECRET_TOKEN": "hook secret 2"}', "secret 2"),
        ("CREDENTIALS_KEY=abc123def", "abc123def"),
        ("GET https://api.telegram.org/bot123456789:AAH-abcdefghijklmnopqrstuvwxyz012345/getMe", "AAH-abc"),
        ("engine postgresql+asyncpg://bot:db%40pass@postgres:5432/bot", "db%40pass"),
        ("POST loginID=alice%40example.com&password=x", "alice"),
    ],
)
def test_secret_patterns_are_removed(text: str, secret: str) -> None:
    assert secret not in redact(text)


def test_explicit_secrets_are_removed_even_without_a_pattern() -> None:
    assert "plainsecret" not in redact("value plainsecret here", secrets=["plainsecret"])


def test_ordinary_text_is_kept() -> None:
    assert redact("battery 80% range 240 km") == "battery 80% range 240 km"
    # `code` names a secret on its own only: a language code is not one.
    assert redact("User(language_code='en', id=5)") == "User(language_code='en', id=5)"


def test_a_redacted_value_keeps_the_shape_of_the_line() -> None:
    assert redact("{'password': 'a b', 'x': 1}") == "{'password': '<redacted>', 'x': 1}"
    assert redact('{"code": "123456"}') == '{"code": "<redacted>"}'


def test_text_typed_at_a_secret_step_is_redacted_while_that_step_is_handled() -> None:
    line = "Update(message=Message(text='531977'), secret hunter2hunter2)"
    with secret_input("531977", "hunter2hunter2"):
        inside = redact(line)
    assert "531977" not in inside
    assert "hunter2hunter2" not in inside
    assert redact(line) == line  # only while the step is handled


def test_mask_email_keeps_only_initials() -> None:
    assert mask_email("alice@example.com") == "a***@e***.com"
    assert "alice" not in mask_email("alice@example.com")
    assert mask_email("nonsense") == "***"
