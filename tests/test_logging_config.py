"""Log lines never carry secrets, in text or JSON format."""

from __future__ import annotations

import io
import json
import logging

import pytest

from bot.logging_config import JsonFormatter, RedactingFilter

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE3MDAwMDAwMDB9.c2lnbmF0dXJlLXZhbHVl"


def _logger(stream: io.StringIO, formatter: logging.Formatter) -> logging.Logger:
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter(secrets=["operator-secret"]))
    handler.setFormatter(formatter)
    logger = logging.getLogger(f"test-redaction-{id(stream)}")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    return logger


@pytest.mark.parametrize("formatter", [logging.Formatter("%(message)s"), JsonFormatter()])
def test_tokens_passwords_emails_and_jwts_are_redacted(formatter: logging.Formatter) -> None:
    stream = io.StringIO()
    log = _logger(stream, formatter)
    log.info("login for %s with password=%s got %s", "bob@example.org", "pa55word", JWT)
    log.warning("key operator-secret and token st2.s.AcbdEFGH12345678")
    try:
        raise RuntimeError(f"boom {JWT}")
    except RuntimeError:
        log.exception("failed")
    output = stream.getvalue()
    for secret in ("bob@example.org", "pa55word", JWT, "operator-secret", "st2.s.AcbdEFGH12345678"):
        assert secret not in output
    assert "failed" in output
    if isinstance(formatter, JsonFormatter):
        assert all(json.loads(line)["level"] for line in output.splitlines() if line.startswith("{"))
