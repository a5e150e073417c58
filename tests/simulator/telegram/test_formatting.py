"""Telegram's text rules: UTF-16 counting, command entities, visible text of parse modes."""

from __future__ import annotations

import pytest

from bot.simulator.telegram.errors import BotApiError
from bot.simulator.telegram.formatting import check_text, command_entities, utf16_len, visible_text
from bot.simulator.telegram.model import Entity


def test_lengths_count_utf16_code_units() -> None:
    assert utf16_len("🔋") == 2
    assert utf16_len("é") == 1


def test_command_entities_use_utf16_offsets_and_keep_the_bot_suffix() -> None:
    text = "🔋 /status@my_bot now"
    assert command_entities(text) == (Entity("bot_command", 3, 14),)
    assert command_entities("no command here / nope") == ()


def test_html_visible_text_unescapes_and_drops_tags() -> None:
    assert visible_text("<b>80&nbsp;%</b> &lt;ok&gt;", "HTML") == "80\xa0% <ok>"


def test_unclosed_html_tag_is_refused() -> None:
    with pytest.raises(BotApiError, match="Can't find end tag"):
        visible_text("<b>bold", "HTML")


def test_escaped_markdown_v2_is_accepted() -> None:
    assert visible_text(r"*Done\.* 80\%", "MarkdownV2") == "Done. 80%"


def test_text_of_only_markup_counts_as_empty() -> None:
    with pytest.raises(BotApiError, match="message text is empty"):
        check_text("<b> </b>", "HTML")
