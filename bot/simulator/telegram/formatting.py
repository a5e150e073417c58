"""Text rules Telegram enforces: parse modes, length limits, command entities and inline keyboards."""

from __future__ import annotations

import re
from collections.abc import Mapping
from html.parser import HTMLParser
from typing import Any

from bot.simulator.telegram.errors import (
    BUTTON_DATA_INVALID,
    CAPTION_TOO_LONG,
    TEXT_EMPTY,
    TEXT_TOO_LONG,
    bad_request,
)
from bot.simulator.telegram.model import Button, Entity

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA_BYTES = 64

_HTML_TAGS = frozenset(
    {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a", "code", "pre"}
    | {"blockquote", "tg-emoji"}
)
# MarkdownV2 characters that never start formatting, so an unescaped one is always an error.
_MD2_ALWAYS_RESERVED = frozenset("#+-={}.!")
_MD2_FORMATTING = frozenset("*_~|`")
_COMMAND = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's limits and entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def _cant_parse(detail: str) -> Exception:
    return bad_request(f"Bad Request: can't parse entities: {detail}")


class _TelegramHtml(HTMLParser):
    """Checks tags against Telegram's HTML subset and collects the visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _HTML_TAGS:
            raise _cant_parse(f'Unsupported start tag "{tag}" at byte offset {self._offset()}')
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            raise _cant_parse(f"Unexpected end tag at byte offset {self._offset()}")
        self.open.pop()

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def _offset(self) -> int:
        return self.getpos()[1]


def _html_plain(text: str) -> str:
    parser = _TelegramHtml()
    parser.feed(text)
    parser.close()
    if parser.open:
        raise _cant_parse(f'Can\'t find end tag corresponding to start tag "{parser.open[-1]}"')
    return "".join(parser.parts)


def _markdown_v2_plain(text: str) -> str:
    out: list[str] = []
    escaped = False
    in_code = False
    for index, char in enumerate(text):
        if escaped:
            out.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "`":
            in_code = not in_code
        elif in_code:
            out.append(char)
        elif char in _MD2_ALWAYS_RESERVED:
            raise _cant_parse(
                f"Character '{char}' is reserved and must be escaped with the preceding '\\' (offset {index})"
            )
        elif char not in _MD2_FORMATTING and char not in "[]":
            out.append(char)
    # Link targets "(url)" are not shown; drop them from the visible text.
    return re.sub(r"\([^)]*\)", "", "".join(out))


def visible_text(text: str, parse_mode: str | None) -> str:
    """The text a user sees once the parse mode is applied; bad markup fails like Telegram."""
    mode = (parse_mode or "").lower()
    if mode == "html":
        return _html_plain(text)
    if mode == "markdownv2":
        return _markdown_v2_plain(text)
    if mode == "markdown":
        return re.sub(r"[*_`]", "", text)
    return text


def check_text(text: str, parse_mode: str | None) -> str:
    """Validate a message text (empty, too long, markup) and return its visible form."""
    plain = visible_text(text, parse_mode)
    if not plain.strip():
        raise bad_request(TEXT_EMPTY)
    if utf16_len(plain) > MAX_TEXT:
        raise bad_request(TEXT_TOO_LONG)
    return plain


def check_caption(caption: str | None, parse_mode: str | None) -> str | None:
    """Validate a media caption and return its visible form."""
    if caption is None:
        return None
    plain = visible_text(caption, parse_mode)
    if utf16_len(plain) > MAX_CAPTION:
        raise bad_request(CAPTION_TOO_LONG)
    return plain


def command_entities(text: str) -> tuple[Entity, ...]:
    """bot_command entities for every /command in a user's text, as Telegram marks them."""
    entities: list[Entity] = []
    for match in _COMMAND.finditer(text):
        offset = utf16_len(text[: match.start()])
        entities.append(Entity("bot_command", offset, utf16_len(match.group())))
    return tuple(entities)


def parse_keyboard(markup: Mapping[str, Any] | None) -> tuple[tuple[Button, ...], ...]:
    """Inline keyboard rows of a reply_markup (empty for other markups), validated like Telegram."""
    if not markup or "inline_keyboard" not in markup:
        return ()
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list):
        raise bad_request(
            'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup should be an Array'
        )
    return tuple(tuple(_button(raw) for raw in row) for row in rows)


def _button(raw: Any) -> Button:
    if not isinstance(raw, Mapping) or not raw.get("text"):
        raise bad_request('Bad Request: can\'t find field "text"')
    data = raw.get("callback_data")
    url = raw.get("url")
    if data is not None and len(str(data).encode("utf-8")) > MAX_CALLBACK_DATA_BYTES:
        raise bad_request(BUTTON_DATA_INVALID)
    if data is None and url is None and not _has_other_action(raw):
        raise bad_request("Bad Request: text buttons are unallowed in the inline keyboard")
    return Button(str(raw["text"]), None if data is None else str(data), None if url is None else str(url))


def _has_other_action(raw: Mapping[str, Any]) -> bool:
    others = ("web_app", "login_url", "switch_inline_query", "switch_inline_query_current_chat", "pay")
    return any(key in raw for key in (*others, "callback_game", "copy_text"))
