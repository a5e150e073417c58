"""Bot API errors exactly as Telegram words them, raised by method handlers and turned into responses."""

from __future__ import annotations

from typing import Any

import httpx

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
CHAT_NOT_FOUND = "Bad Request: chat not found"
BLOCKED = "Forbidden: bot was blocked by the user"
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
DELETE_NOT_FOUND = "Bad Request: message to delete not found"
CANT_DELETE = "Bad Request: message can't be deleted for everyone"
EDIT_NOT_FOUND = "Bad Request: message to edit not found"
CANT_EDIT = "Bad Request: message can't be edited"
NO_TEXT_TO_EDIT = "Bad Request: there is no text in the message to edit"
TEXT_EMPTY = "Bad Request: message text is empty"
TEXT_TOO_LONG = "Bad Request: message is too long"
CAPTION_TOO_LONG = "Bad Request: message caption is too long"
BUTTON_DATA_INVALID = "Bad Request: BUTTON_DATA_INVALID"
BOT_COMMAND_INVALID = "Bad Request: BOT_COMMAND_INVALID"
UNAUTHORIZED = "Unauthorized"
NOT_FOUND = "Not Found"
CONFLICT_OTHER_POLL = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
)
CONFLICT_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)


class BotApiError(Exception):
    """An error answer of the Bot API: HTTP status, Telegram's description and optional parameters."""

    def __init__(self, status: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def to_json(self) -> dict[str, Any]:
        """The body Telegram sends: `{"ok": false, "error_code": ..., "description": ...}`."""
        body: dict[str, Any] = {"ok": False, "error_code": self.status, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body

    def to_response(self) -> httpx.Response:
        """The HTTP response carrying this error."""
        return httpx.Response(self.status, json=self.to_json())


def bad_request(description: str) -> BotApiError:
    """A 400 with a full Telegram description (pass one of the constants or `Bad Request: ...`)."""
    return BotApiError(400, description)


def flood(retry_after: int) -> BotApiError:
    """Telegram's flood-control answer: 429 with `parameters.retry_after`."""
    return BotApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after)


def missing(name: str) -> BotApiError:
    """The answer for a required parameter that was not sent."""
    return BotApiError(400, f"Bad Request: {name} is empty")
