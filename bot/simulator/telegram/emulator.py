"""The Telegram Bot API emulator: routes `/bot{token}/{method}` to method handlers and records every call."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from bot.simulator.telegram import methods_bot as mb
from bot.simulator.telegram import methods_messages as mm
from bot.simulator.telegram.client import EmulatedGroup, EmulatedUser
from bot.simulator.telegram.errors import NOT_FOUND, UNAUTHORIZED, BotApiError, flood
from bot.simulator.telegram.holds import Hold
from bot.simulator.telegram.model import ApiCall, BotCommand
from bot.simulator.telegram.params import Params, loggable, read_params
from bot.simulator.telegram.state import (
    BotIdentity,
    ChatRecord,
    Clock,
    EmulatorState,
    TelegramFault,
    UserRecord,
)
from bot.simulator.telegram.webhook import WebhookPusher

DEFAULT_TOKEN = "123456789:AAEmulatedTokenForTestsOnly_0123456789"  # noqa: S105 - a fake, not a secret
Method = Callable[[EmulatorState, Params], Awaitable[Any]]

# Method names are matched case-insensitively, as the Bot API does.
METHODS: dict[str, Method] = {
    name.lower(): handler
    for name, handler in {
        "getMe": mb.get_me,
        "getUpdates": mb.get_updates,
        "setWebhook": mb.set_webhook,
        "deleteWebhook": mb.delete_webhook,
        "getWebhookInfo": mb.get_webhook_info,
        "setMyCommands": mb.set_my_commands,
        "getMyCommands": mb.get_my_commands,
        "deleteMyCommands": mb.delete_my_commands,
        "getChat": mb.get_chat,
        "getFile": mb.get_file,
        "close": mb.log_out_or_close,
        "logOut": mb.log_out_or_close,
        "sendMessage": mm.send_message,
        "sendLocation": mm.send_location,
        "sendPhoto": mm.send_photo,
        "sendDocument": mm.send_document,
        "sendChatAction": mm.send_chat_action,
        "editMessageText": mm.edit_message_text,
        "editMessageCaption": mm.edit_message_caption,
        "editMessageReplyMarkup": mm.edit_message_reply_markup,
        "deleteMessage": mm.delete_message,
        "deleteMessages": mm.delete_messages,
        "answerCallbackQuery": mm.answer_callback_query,
    }.items()
}
# Long polls are never failed by injected faults unless a test names getUpdates explicitly.
_NOT_FAULTED_BY_DEFAULT = frozenset({"getupdates"})


def _wall_clock() -> datetime:
    return datetime.now(UTC)


def _chat_id(params: Params) -> int | None:
    if not params.has("chat_id"):
        return None
    try:
        return int(params.values["chat_id"])
    except (TypeError, ValueError):
        return None


class TelegramEmulator:
    """An in-memory Telegram: serve `handle` with LoopbackServer and point PTB's base_url at it."""

    def __init__(
        self,
        clock: Clock | None = None,
        *,
        token: str = DEFAULT_TOKEN,
        bot_username: str = "renault_emulated_bot",
        bot_name: str = "MyRenault (emulated)",
        callback_ttl: timedelta = timedelta(seconds=15),
    ) -> None:
        self._token = token
        bot_id = int(token.split(":", 1)[0])
        self._state = EmulatorState(
            clock or _wall_clock, BotIdentity(bot_id, bot_name, bot_username), callback_ttl
        )
        self._holds: list[Hold] = []

    def __repr__(self) -> str:
        return f"TelegramEmulator(bot=@{self._state.bot.username})"

    @property
    def token(self) -> str:
        """The one token this emulator accepts."""
        return self._token

    @property
    def bot_username(self) -> str:
        """The bot's @username."""
        return self._state.bot.username

    async def handle(self, request: httpx.Request) -> httpx.Response:
        """Answer one HTTP request the way api.telegram.org would."""
        parts = request.url.path.split("/")
        if len(parts) >= 4 and parts[1] == "file" and parts[2].startswith("bot"):
            return self._download(parts[2].removeprefix("bot"), "/".join(parts[3:]))
        if len(parts) != 3 or not parts[1].startswith("bot"):
            return BotApiError(404, NOT_FOUND).to_response()
        if parts[1].removeprefix("bot") != self._token:
            return BotApiError(401, UNAUTHORIZED).to_response()
        return await self._call(parts[2], request)

    async def _call(self, method: str, request: httpx.Request) -> httpx.Response:
        handler = METHODS.get(method.lower())
        params = Params({})
        try:
            params = await read_params(request)
            if handler is None:
                raise BotApiError(404, NOT_FOUND)
            await self._wait_if_held(method, params)
            self._raise_injected(method, params)
            result = await handler(self._state, params)
        except BotApiError as error:
            self._log(method, params, error.status, error.description)
            return error.to_response()
        self._log(method, params, 200, None)
        return httpx.Response(200, json={"ok": True, "result": result})

    def _raise_injected(self, method: str, params: Params) -> None:
        if method.lower() in _NOT_FAULTED_BY_DEFAULT and not any(
            (f.method or "").lower() == method.lower() for f in self._state.faults
        ):
            return
        error = self._state.take_fault(method, _chat_id(params))
        if error is not None:
            raise error

    async def _wait_if_held(self, method: str, params: Params) -> None:
        chat_id = _chat_id(params)
        hold = next((h for h in self._holds if h.matches(method, chat_id)), None)
        if hold is None:
            return
        self._holds.remove(hold)
        if not await hold.wait():
            raise BotApiError(502, "Bad Gateway")

    def _log(self, method: str, params: Params, status: int, error: str | None) -> None:
        files = tuple(sorted(params.files))
        self._state.log.append(ApiCall(method, loggable(params), files, status, self._state.clock(), error))
        self._state.signal.notify()

    def _download(self, token: str, path: str) -> httpx.Response:
        if token != self._token:
            return BotApiError(401, UNAUTHORIZED).to_response()
        file_id = path.rsplit("/", 1)[-1].removesuffix(".jpg")
        photo = self._state.files.get(file_id)
        if photo is None:
            return BotApiError(404, NOT_FOUND).to_response()
        return httpx.Response(200, content=photo.data, headers={"content-type": "image/jpeg"})

    # --- the test side -------------------------------------------------------------------------

    def user(
        self,
        user_id: int,
        first_name: str,
        language_code: str | None = "en",
        chat_type: str = "private",
        *,
        username: str | None = None,
    ) -> EmulatedUser:
        """A user in their private chat with the bot (or, with chat_type="group", in a new group)."""
        record = UserRecord(user_id, first_name, language_code, username)
        private = self._new_chat(user_id, "private", None)
        private.members[user_id] = record
        me = EmulatedUser(self._state, record, private)
        if chat_type == "private":
            return me
        return self.group(f"{first_name}'s group", chat_type=chat_type, chat_id=-user_id).join(me)

    def group(self, title: str, *, chat_type: str = "group", chat_id: int | None = None) -> EmulatedGroup:
        """A group (or supergroup) chat the bot is a member of."""
        if chat_type not in ("group", "supergroup"):
            raise ValueError(f"not a group chat type: {chat_type}")
        base = chat_id if chat_id is not None else -(4_000_000_000 + len(self._state.chats))
        if chat_type == "supergroup" and base > -1_000_000_000_000:
            base = -1_000_000_000_000 + base
        return EmulatedGroup(self._state, self._new_chat(base, chat_type, title))

    def _new_chat(self, chat_id: int, chat_type: str, title: str | None) -> ChatRecord:
        chat = self._state.chats.get(chat_id)
        if chat is None:
            chat = ChatRecord(chat_id, chat_type, title)
            self._state.chats[chat_id] = chat
        return chat

    @property
    def requests(self) -> tuple[ApiCall, ...]:
        """Every call the bot made, in order."""
        return tuple(self._state.log)

    def calls(self, method: str) -> tuple[ApiCall, ...]:
        """The calls of one method (case-insensitive)."""
        return tuple(call for call in self._state.log if call.method.lower() == method.lower())

    def commands(
        self, scope: dict[str, Any] | None = None, language_code: str = ""
    ) -> tuple[BotCommand, ...]:
        """The command menu stored for exactly this scope and language."""
        return self._state.commands.get((mb.scope_key(scope), language_code), ())

    @property
    def webhook_url(self) -> str:
        """The webhook URL the bot set ("" when polling)."""
        return self._state.webhook_url

    @property
    def pending_updates(self) -> int:
        """Updates the bot has not confirmed yet."""
        return len(self._state.updates.pending)

    def inject_flood(
        self, retry_after: int, *, method: str | None = None, chat_id: int | None = None, times: int = 1
    ) -> None:
        """Answer the next `times` matching calls with 429 and `parameters.retry_after`."""
        self.inject_error(flood(retry_after), method=method, chat_id=chat_id, times=times)

    def inject_error(
        self, error: BotApiError, *, method: str | None = None, chat_id: int | None = None, times: int = 1
    ) -> None:
        """Answer the next `times` matching calls with `error` (any status and description)."""
        self._state.faults.append(TelegramFault(error, method, chat_id, times))

    def hold(self, method: str, *, chat_id: int | None = None) -> Hold:
        """Hold the next matching call in the emulator until the returned hold is released or dropped."""
        hold = Hold(method, chat_id)
        self._holds.append(hold)
        return hold

    def webhook_pusher(self, *, max_connections: int = 40, retry_seconds: float = 0.2) -> WebhookPusher:
        """Deliver updates to the webhook the bot set while the returned context manager is open."""
        return WebhookPusher(self._state, max_connections=max_connections, retry_seconds=retry_seconds)

    def close(self) -> None:
        """Release every long poll and drop every hold (call before stopping the bot or the server)."""
        self._state.updates.close()
        for hold in self._holds:
            hold.drop()
