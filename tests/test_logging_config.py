"""Log lines never carry secrets, in text or JSON format."""

from __future__ import annotations

import io
import json
import logging

import pytest

from bot.domain.redaction import secret_input
from bot.logging_config import JsonFormatter, RedactingFilter, configure_logging

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


@pytest.mark.usefixtures("restored_logging")
def test_at_debug_library_loggers_stay_capped_and_ours_speak() -> None:
    stream = io.StringIO()
    configure_logging("DEBUG", "text", ["tok-123456"], stream=stream)
    update = "{'message': {'text': 'hunter2-password'}}"
    logging.getLogger("telegram.ext.ExtBot").debug("Call to Bot API `getUpdates` returned %s", update)
    logging.getLogger("httpx").info("HTTP Request: POST https://api.telegram.org/bottok-123456/getMe")
    logging.getLogger("httpcore.http11").debug("send_request_body.started request=<Request [b'POST']>")
    logging.getLogger("sqlalchemy.engine.Engine").info("[cached] ('hunter2-password',)")
    logging.getLogger("aiosqlite").debug("executing ('hunter2-password',)")
    logging.getLogger("bot.features.linking.use_cases.linking").debug("our own line with tok-123456")
    output = stream.getvalue()
    assert "hunter2-password" not in output
    assert "bottok" not in output
    assert "send_request_body" not in output
    assert "our own line with <secret>" in output  # the root really is at DEBUG, and redacts


@pytest.mark.usefixtures("restored_logging")
def test_a_quieter_log_level_quiets_the_libraries_too() -> None:
    configure_logging("ERROR", "text", stream=io.StringIO())
    assert not logging.getLogger("telegram.ext.Updater").isEnabledFor(logging.WARNING)
    assert not logging.getLogger("httpx").isEnabledFor(logging.WARNING)


def test_python_repr_dicts_and_exceptions_are_redacted() -> None:
    stream = io.StringIO()
    log = _logger(stream, logging.Formatter("%(message)s"))
    log.debug("params %r", {"secret_token": "hook secret value", "password": "two words"})
    try:
        raise ValueError({"password": "in the traceback"})
    except ValueError:
        log.exception("failed", stack_info=True)
    output = stream.getvalue()
    for secret in ("hook secret value", "two words", "in the traceback"):
        assert secret not in output


def test_an_error_raised_at_a_secret_step_is_redacted_when_logged_after_the_step() -> None:
    # PTB's error handler logs a handler's exception after the handler (and its secret_input block) ended.
    stream = io.StringIO()
    log = _logger(stream, logging.Formatter("%(message)s"))
    try:
        try:
            with secret_input("typed-password-77"):
                raise ValueError("refused typed-password-77")
        except ValueError as inner:
            raise RuntimeError("login failed") from inner
    except RuntimeError as exc:
        error = exc
    log.error("unhandled error: %s", error, exc_info=(type(error), error, error.__traceback__))
    output = stream.getvalue()
    assert "typed-password-77" not in output
    assert "login failed" in output
