"""What a user can send besides text, as the Bot API objects Telegram puts in a Message.

The emulator does not keep these files: a test only needs the bot to see a sticker, a voice note, a
contact or a poll arrive, exactly as Telegram shapes them (`EmulatedUser.send_attachment`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any


def _file(kind: str, number: int, **fields: Any) -> dict[str, Any]:
    return {"file_id": f"{kind}-{number}", "file_unique_id": f"u-{kind}-{number}", **fields}


def _photo(n: int) -> Any:
    return [_file("photo-s", n, width=90, height=90), _file("photo", n, width=1280, height=960)]


def _sticker(n: int) -> Any:
    return _file(
        "sticker", n, type="regular", width=512, height=512, is_animated=False, is_video=False, emoji="👍"
    )


def _poll(n: int) -> Any:
    return {
        "id": f"poll-{n}",
        "question": "Charge tonight?",
        "options": [
            {"persistent_id": f"p{n}-1", "text": "Yes", "voter_count": 0},
            {"persistent_id": f"p{n}-2", "text": "No", "voter_count": 0},
        ],
        "total_voter_count": 0,
        "is_closed": False,
        "is_anonymous": True,
        "type": "regular",
        "allows_multiple_answers": False,
        "allows_revoting": True,
        "members_only": False,
    }


# Field name in the Message -> the object for the n-th attachment of that kind.
SAMPLES: Mapping[str, Callable[[int], Any]] = {
    "photo": _photo,
    "sticker": _sticker,
    "voice": lambda n: _file("voice", n, duration=3, mime_type="audio/ogg"),
    "audio": lambda n: _file("audio", n, duration=180, title="Song"),
    "video": lambda n: _file("video", n, width=640, height=360, duration=5),
    "video_note": lambda n: _file("video-note", n, length=240, duration=4),
    "animation": lambda n: _file("animation", n, width=320, height=240, duration=2),
    "document": lambda n: _file("document", n, file_name="invoice.pdf", mime_type="application/pdf"),
    "contact": lambda n: {"phone_number": "+33600000000", "first_name": "Bob"},
    "poll": _poll,
    "dice": lambda n: {"emoji": "🎲", "value": 1 + n % 6},
    # A forwarded story: a kind the bot has no use for at all.
    "story": lambda n: {"chat": {"id": -1001, "type": "channel", "title": "News"}, "id": n},
}


def sample(kind: str, number: int) -> Any:
    """The Bot API object of the `number`-th attachment of `kind` (KeyError for an unknown kind)."""
    return SAMPLES[kind](number)
