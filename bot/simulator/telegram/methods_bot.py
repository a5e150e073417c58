"""Bot API methods about the bot itself: identity, updates, webhook, command menus, files, shutdown."""

from __future__ import annotations

import json
import re
from typing import Any

from bot.simulator.telegram.errors import BOT_COMMAND_INVALID, CONFLICT_WEBHOOK, BotApiError, bad_request
from bot.simulator.telegram.model import BotCommand
from bot.simulator.telegram.params import Params
from bot.simulator.telegram.state import EmulatorState
from bot.simulator.telegram.wire import bot_json, chat_json

_COMMAND_NAME = re.compile(r"^[a-z0-9_]{1,32}$")
_MAX_COMMANDS = 100
DEFAULT_SCOPE: dict[str, Any] = {"type": "default"}


def scope_key(scope: Any) -> str:
    """A canonical key for a BotCommandScope, so equal scopes match whatever their key order."""
    return json.dumps(scope or DEFAULT_SCOPE, sort_keys=True)


async def get_me(state: EmulatorState, params: Params) -> Any:
    """getMe."""
    me = bot_json(state.bot)
    me.update(can_join_groups=True, can_read_all_group_messages=False, supports_inline_queries=False)
    return me


async def get_updates(state: EmulatorState, params: Params) -> Any:
    """getUpdates: long polling; refused while a webhook is set."""
    if state.webhook_url:
        raise BotApiError(409, CONFLICT_WEBHOOK)
    offset = params.integer("offset") if params.has("offset") else None
    allowed = params.obj("allowed_updates")
    return await state.updates.get(
        offset,
        params.integer("limit", 100),
        float(params.integer("timeout", 0)),
        [str(kind) for kind in allowed] if isinstance(allowed, list) else None,
    )


async def set_webhook(state: EmulatorState, params: Params) -> Any:
    """setWebhook: stored; a `WebhookPusher` (bot.simulator.telegram.webhook) then POSTs the updates."""
    state.webhook_url = params.opt_text("url") or ""
    state.webhook_secret = params.opt_text("secret_token") or ""
    allowed = params.obj("allowed_updates") if params.has("allowed_updates") else None
    state.updates.choose([str(kind) for kind in allowed] if isinstance(allowed, list) else None)
    if params.flag("drop_pending_updates"):
        state.updates.drop_all()
    return True


async def delete_webhook(state: EmulatorState, params: Params) -> Any:
    """deleteWebhook."""
    state.webhook_url = ""
    state.webhook_secret = ""
    if params.flag("drop_pending_updates"):
        state.updates.drop_all()
    return True


async def get_webhook_info(state: EmulatorState, params: Params) -> Any:
    """getWebhookInfo."""
    return {
        "url": state.webhook_url,
        "has_custom_certificate": False,
        "pending_update_count": len(state.updates.pending),
    }


def _commands(params: Params) -> tuple[BotCommand, ...]:
    raw = params.obj("commands")
    if not isinstance(raw, list) or len(raw) > _MAX_COMMANDS:
        raise bad_request(BOT_COMMAND_INVALID)
    commands: list[BotCommand] = []
    for item in raw:
        if not isinstance(item, dict):
            raise bad_request(BOT_COMMAND_INVALID)
        name, description = str(item.get("command", "")), str(item.get("description", ""))
        if not _COMMAND_NAME.match(name):
            raise bad_request(BOT_COMMAND_INVALID)
        if not 1 <= len(description) <= 256:
            raise bad_request("Bad Request: command description is empty")
        commands.append(BotCommand(name, description))
    return tuple(commands)


def _menu_key(state: EmulatorState, params: Params) -> tuple[str, str]:
    scope = params.obj("scope")
    if isinstance(scope, dict) and "chat_id" in scope and int(scope["chat_id"]) not in state.chats:
        raise bad_request("Bad Request: chat not found")
    language = params.opt_text("language_code") or ""
    if language and not re.fullmatch(r"[a-z]{2}", language):
        raise bad_request("Bad Request: invalid language code specified")
    return scope_key(scope), language


async def set_my_commands(state: EmulatorState, params: Params) -> Any:
    """setMyCommands: one menu per (scope, language_code); an empty list deletes it."""
    key = _menu_key(state, params)
    commands = _commands(params)
    if commands:
        state.commands[key] = commands
    else:
        state.commands.pop(key, None)
    return True


async def get_my_commands(state: EmulatorState, params: Params) -> Any:
    """getMyCommands: exactly the menu stored for that scope and language."""
    commands = state.commands.get(_menu_key(state, params), ())
    return [{"command": c.command, "description": c.description} for c in commands]


async def delete_my_commands(state: EmulatorState, params: Params) -> Any:
    """deleteMyCommands."""
    state.commands.pop(_menu_key(state, params), None)
    return True


async def get_chat(state: EmulatorState, params: Params) -> Any:
    """getChat (the basic fields)."""
    return chat_json(state.chat_for(params))


async def get_file(state: EmulatorState, params: Params) -> Any:
    """getFile: for files the bot uploaded earlier."""
    file_id = params.text("file_id")
    photo = state.files.get(file_id)
    if photo is None:
        raise bad_request("Bad Request: invalid file_id")
    return {
        "file_id": photo.file_id,
        "file_unique_id": photo.file_unique_id,
        "file_size": len(photo.data),
        "file_path": f"photos/{photo.file_id}.jpg",
    }


async def log_out_or_close(state: EmulatorState, params: Params) -> Any:
    """close / logOut: accepted; the emulator keeps serving."""
    return True
