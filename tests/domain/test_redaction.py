"""Secrets never survive redaction."""

from __future__ import annotations

import pytest

from bot.domain.redaction import mask_email, redact

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
    ],
)
def test_secret_patterns_are_removed(text: str, secret: str) -> None:
    assert secret not in redact(text)


def test_explicit_secrets_are_removed_even_without_a_pattern() -> None:
    assert "plainsecret" not in redact("value plainsecret here", secrets=["plainsecret"])


def test_ordinary_text_is_kept() -> None:
    assert redact("battery 80% range 240 km") == "battery 80% range 240 km"


def test_mask_email_keeps_only_initials() -> None:
    assert mask_email("alice@example.com") == "a***@e***.com"
    assert "alice" not in mask_email("alice@example.com")
    assert mask_email("nonsense") == "***"
