"""Bot API methods that change chats: send, edit, delete messages; locations, photos, actions, answers."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from bot.simulator.telegram.errors import (
    CANT_DELETE,
    CANT_EDIT,
    DELETE_NOT_FOUND,
    EDIT_NOT_FOUND,
    NO_TEXT_TO_EDIT,
    NOT_MODIFIED,
    QUERY_TOO_OLD,
    bad_request,
    missing,
)
from bot.simulator.telegram.formatting import check_caption, check_text, parse_keyboard
from bot.simulator.telegram.model import CallbackAnswer, ChatMessage, Document, Location, Photo
from bot.simulator.telegram.params import Params, UploadedFile
from bot.simulator.telegram.state import ChatRecord, EmulatorState
from bot.simulator.telegram.wire import message_json

# Bots may delete messages only while they are younger than this (Bot API, deleteMessage).
DELETE_WINDOW = timedelta(hours=48)
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)


def _markup(chat: ChatRecord, params: Params) -> Mapping[str, Any] | None:
    """The reply_markup of a send: inline keyboards stay on the message, reply keyboards on the chat."""
    markup = params.obj("reply_markup")
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("Bad Request: can't parse reply keyboard markup JSON object")
    if "keyboard" in markup:
        chat.reply_keyboard = markup
    elif markup.get("remove_keyboard"):
        chat.reply_keyboard = None
    return markup


def _reply_to(params: Params) -> int | None:
    reply = params.obj("reply_parameters")
    if isinstance(reply, dict) and "message_id" in reply:
        return int(reply["message_id"])
    return params.integer("reply_to_message_id") if params.has("reply_to_message_id") else None


def _bot_message(state: EmulatorState, chat: ChatRecord, params: Params, **fields: Any) -> Any:
    """Build, store and serialise a message the bot sends."""
    markup = _markup(chat, params)
    message = ChatMessage(
        message_id=chat.new_message_id(),
        chat_id=chat.id,
        sender_id=state.bot.id,
        from_bot=True,
        date=state.clock(),
        keyboard=parse_keyboard(markup),
        reply_markup=markup,
        reply_to_message_id=_reply_to(params),
        **fields,
    )
    state.record(chat, "sent", message)
    return message_json(message, chat, state.bot)


async def send_message(state: EmulatorState, params: Params) -> Any:
    """sendMessage."""
    chat = state.writable_chat(params)
    text = params.values.get("text")
    parse_mode = params.opt_text("parse_mode")
    plain = check_text("" if text is None else str(text), parse_mode)
    preview = params.obj("link_preview_options")
    if preview is None and params.flag("disable_web_page_preview"):
        preview = {"is_disabled": True}
    return _bot_message(
        state,
        chat,
        params,
        text=plain,
        source_text=str(text),
        parse_mode=parse_mode,
        link_preview_options=preview,
    )


async def send_location(state: EmulatorState, params: Params) -> Any:
    """sendLocation."""
    chat = state.writable_chat(params)
    latitude, longitude = params.number("latitude"), params.number("longitude")
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise bad_request("Bad Request: wrong coordinates")
    live = params.integer("live_period") if params.has("live_period") else None
    return _bot_message(state, chat, params, location=Location(latitude, longitude, live))


async def send_photo(state: EmulatorState, params: Params) -> Any:
    """sendPhoto: a multipart upload, an attach:// part, or a file_id sent before."""
    chat = state.writable_chat(params)
    return _captioned(state, chat, params, photo=_photo_input(state, params))


async def send_document(state: EmulatorState, params: Params) -> Any:
    """sendDocument: a multipart upload (a file_id or URL is not needed by the bot, so refused)."""
    chat = state.writable_chat(params)
    upload = _upload(params, "document")
    if upload is None:
        raise missing("document")
    stored = state.store_file(upload.data, upload.filename)
    document = Document(
        stored.file_id, stored.file_unique_id, upload.data, upload.filename, upload.content_type
    )
    return _captioned(state, chat, params, document=document)


def _captioned(state: EmulatorState, chat: ChatRecord, params: Params, **media: Any) -> Any:
    """A bot message carrying a photo or document, with its optional (checked) caption."""
    parse_mode = params.opt_text("parse_mode")
    caption = params.opt_text("caption")
    return _bot_message(
        state,
        chat,
        params,
        caption=check_caption(caption, parse_mode),
        source_text=caption,
        parse_mode=parse_mode,
        **media,
    )


def _upload(params: Params, field: str) -> UploadedFile | None:
    """The file uploaded as `field` (directly or as an attach:// part); an empty one is refused."""
    upload = params.files.get(field)
    reference = params.opt_text(field)
    if upload is None and reference and reference.startswith("attach://"):
        upload = params.files.get(reference.removeprefix("attach://"))
    if upload is not None and not upload.data:
        raise bad_request("Bad Request: file must be non-empty")
    return upload


def _photo_input(state: EmulatorState, params: Params) -> Photo:
    upload = _upload(params, "photo")
    reference = params.opt_text("photo")
    if upload is not None:
        return state.store_file(upload.data, upload.filename)
    if reference is None:
        raise missing("photo")
    if reference in state.files:
        return state.files[reference]
    if reference.startswith(("http://", "https://")):
        return state.store_file(b"", reference)
    raise bad_request("Bad Request: wrong file identifier/HTTP URL specified")


def _editable(state: EmulatorState, params: Params) -> tuple[ChatRecord, ChatMessage]:
    if params.has("inline_message_id"):
        raise bad_request(EDIT_NOT_FOUND)
    chat = state.writable_chat(params)
    message = chat.messages.get(params.integer("message_id"))
    if message is None:
        raise bad_request(EDIT_NOT_FOUND)
    if not message.from_bot:
        raise bad_request(CANT_EDIT)
    return chat, message


def _new_markup(params: Params) -> tuple[Mapping[str, Any] | None, Any]:
    markup = params.obj("reply_markup")
    if markup is not None and not isinstance(markup, dict):
        raise bad_request("Bad Request: can't parse inline keyboard markup JSON object")
    return markup, parse_keyboard(markup)


async def edit_message_text(state: EmulatorState, params: Params) -> Any:
    """editMessageText: leaving out reply_markup removes the inline keyboard, as on Telegram."""
    chat, current = _editable(state, params)
    if current.text is None:
        raise bad_request(NO_TEXT_TO_EDIT)
    text = str(params.values.get("text") or "")
    parse_mode = params.opt_text("parse_mode")
    plain = check_text(text, parse_mode)
    markup, keyboard = _new_markup(params)
    if (plain, text, keyboard) == (current.text, current.source_text, current.keyboard):
        raise bad_request(NOT_MODIFIED)
    new = state.edited(
        chat,
        current,
        text=plain,
        source_text=text,
        parse_mode=parse_mode,
        keyboard=keyboard,
        reply_markup=markup,
        link_preview_options=params.obj("link_preview_options") or current.link_preview_options,
    )
    return message_json(new, chat, state.bot)


async def edit_message_caption(state: EmulatorState, params: Params) -> Any:
    """editMessageCaption."""
    chat, current = _editable(state, params)
    if current.photo is None:
        raise bad_request("Bad Request: there is no caption in the message to edit")
    caption = params.opt_text("caption")
    parse_mode = params.opt_text("parse_mode")
    plain = check_caption(caption, parse_mode)
    markup, keyboard = _new_markup(params)
    if (plain, caption, keyboard) == (current.caption, current.source_text, current.keyboard):
        raise bad_request(NOT_MODIFIED)
    new = state.edited(
        chat, current, caption=plain, source_text=caption, keyboard=keyboard, reply_markup=markup
    )
    return message_json(new, chat, state.bot)


async def edit_message_reply_markup(state: EmulatorState, params: Params) -> Any:
    """editMessageReplyMarkup."""
    chat, current = _editable(state, params)
    markup, keyboard = _new_markup(params)
    if keyboard == current.keyboard:
        raise bad_request(NOT_MODIFIED)
    new = state.edited(chat, current, keyboard=keyboard, reply_markup=markup)
    return message_json(new, chat, state.bot)


def _delete_one(state: EmulatorState, chat: ChatRecord, message_id: int) -> None:
    message = chat.messages.get(message_id)
    if message is None:
        raise bad_request(DELETE_NOT_FOUND)
    if state.clock() - message.date > DELETE_WINDOW:
        raise bad_request(CANT_DELETE)
    state.record(chat, "deleted", message)


async def delete_message(state: EmulatorState, params: Params) -> Any:
    """deleteMessage: the bot may delete its own and (in private chats) the user's messages."""
    chat = state.chat_for(params)
    _delete_one(state, chat, params.integer("message_id"))
    return True


async def delete_messages(state: EmulatorState, params: Params) -> Any:
    """deleteMessages: unknown ids are skipped, as Telegram does."""
    chat = state.chat_for(params)
    ids = params.obj("message_ids") or []
    for message_id in ids:
        if int(message_id) in chat.messages:
            _delete_one(state, chat, int(message_id))
    return True


async def send_chat_action(state: EmulatorState, params: Params) -> Any:
    """sendChatAction."""
    chat = state.writable_chat(params)
    action = params.text("action")
    if action not in CHAT_ACTIONS:
        raise bad_request("Bad Request: wrong parameter action in request")
    chat.actions.append(action)
    state.signal.notify()
    return True


async def answer_callback_query(state: EmulatorState, params: Params) -> Any:
    """answerCallbackQuery: once per query and only while it is fresh."""
    query_id = params.text("callback_query_id")
    record = state.callbacks.get(query_id)
    if record is None or query_id in state.answers:
        raise bad_request(QUERY_TOO_OLD)
    if state.clock() - record.created_at > state.callback_ttl:
        raise bad_request(QUERY_TOO_OLD)
    text = params.opt_text("text")
    if text is not None and len(text) > 200:
        raise bad_request("Bad Request: MESSAGE_TOO_LONG")
    cache = params.integer("cache_time") if params.has("cache_time") else None
    state.answers[query_id] = CallbackAnswer(
        query_id, text, params.flag("show_alert"), params.opt_text("url"), cache
    )
    state.signal.notify()
    return True
