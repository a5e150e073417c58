"""Logging set-up: human-readable or JSON lines, with every record passed through the redaction filter."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TextIO

from bot.domain.redaction import redact, secrets_of


class RedactingFilter(logging.Filter):
    """Rewrites each record's message (and exception text) with secrets removed."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._secrets = tuple(s for s in secrets if s)

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact in place; never drops a record."""
        message = record.getMessage()
        secrets = self._secrets + secrets_of(record.exc_info[1] if record.exc_info else None)
        if record.exc_info:
            formatter = logging.Formatter()
            message = f"{message}\n{formatter.formatException(record.exc_info)}"
            record.exc_info = None
            record.exc_text = None
        record.msg = redact(message, secrets)
        record.args = None
        if record.stack_info:
            record.stack_info = redact(record.stack_info, secrets)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log collectors."""

    def format(self, record: logging.LogRecord) -> str:
        """Serialise the (already redacted) record."""
        payload = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        return json.dumps(payload, ensure_ascii=False)


# The least a library logger is set to, whatever LOG_LEVEL says: below it these libraries write request
# and response bodies, headers, SQL parameters and updates (a password, a code, the webhook secret, tokens).
LIBRARY_FLOORS: dict[str, int] = {
    "telegram": logging.INFO,  # DEBUG: every update and every Bot API call with its parameters and answer
    "httpx": logging.WARNING,  # INFO: every request URL (the bot token is in Telegram's)
    "httpcore": logging.WARNING,  # DEBUG: headers and the request/response cycle
    "hpack": logging.WARNING,  # DEBUG: decoded HTTP/2 headers
    "h2": logging.WARNING,
    "aiohttp": logging.WARNING,
    "tornado": logging.INFO,  # DEBUG: request details
    "apscheduler": logging.WARNING,  # INFO: a line per job run
    "sqlalchemy": logging.WARNING,  # INFO/DEBUG: SQL with its parameters and rows
    "aiosqlite": logging.WARNING,  # DEBUG: every statement with its parameters
    "asyncpg": logging.WARNING,
    "alembic": logging.INFO,
}


def configure_logging(
    level: str, fmt: str, secrets: Iterable[str] = (), stream: TextIO | None = None
) -> None:
    """Install one handler with redaction on the root logger (stderr unless `stream`); cap library loggers."""
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter(secrets))
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name, floor in LIBRARY_FLOORS.items():
        logging.getLogger(name).setLevel(max(floor, root.level))
