"""The user's side of the emulator: people who write to the bot, tap its buttons and read its replies."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from bot.simulator.telegram.attachments import sample
from bot.simulator.telegram.formatting import command_entities
from bot.simulator.telegram.model import CallbackAnswer, ChatEvent, ChatMessage, Location
from bot.simulator.telegram.state import CallbackRecord, ChatRecord, EmulatorState, UserRecord
from bot.simulator.telegram.wire import bot_json, chat_json, message_json, user_json

DEFAULT_WAIT = 5.0


class Tap:
    """A button tap that became a callback query; `answer()` waits for answerCallbackQuery."""

    def __init__(self, state: EmulatorState, query_id: str, message: ChatMessage) -> None:
        self._state = state
        self.query_id = query_id
        self.message = message

    async def answer(self, timeout: float = DEFAULT_WAIT) -> CallbackAnswer:  # noqa: ASYNC109 - safety net
        """The bot's answer to this tap; TimeoutError if it never answers."""
        found = await self._state.signal.wait_for(lambda: self._state.answers.get(self.query_id), timeout)
        if found is None:
            raise TimeoutError(f"callback query {self.query_id} was not answered within {timeout}s")
        return found


class EmulatedUser:
    """One user in one chat (their private chat with the bot, or a group they joined)."""

    def __init__(self, state: EmulatorState, user: UserRecord, chat: ChatRecord) -> None:
        self._state = state
        self.user = user
        self._chat = chat
        self._event_cursor = len(chat.events)
        self._message_cursor = len(chat.events)

    @property
    def id(self) -> int:
        """The user's Telegram id."""
        return self.user.id

    @property
    def chat_id(self) -> int:
        """The id of the chat this view writes to."""
        return self._chat.id

    async def send(self, text: str, *, reply_to: ChatMessage | int | None = None) -> ChatMessage:
        """Write a message to the bot; /commands carry bot_command entities."""
        reply_id = reply_to.message_id if isinstance(reply_to, ChatMessage) else reply_to
        message = self._new_message(text=text, entities=command_entities(text), reply_to_message_id=reply_id)
        if self._delivered_in_chat(message):
            self._push_message(message)
        return message

    async def send_location(self, latitude: float, longitude: float) -> ChatMessage:
        """Share a location pin with the bot."""
        message = self._new_message(location=Location(latitude, longitude))
        if self._chat.type == "private":
            self._push_message(message)
        return message

    async def send_attachment(self, kind: str, caption: str | None = None) -> ChatMessage:
        """Send a photo, sticker, voice note, document, contact, poll... (`attachments.SAMPLES` kinds)."""
        message = self._new_message(attachment=(kind, sample(kind, self._chat.next_attachment())))
        if caption is not None:
            message = replace(message, caption=caption)
            self._chat.messages[message.message_id] = message
        if self._chat.type == "private":
            self._push_message(message)
        return message

    async def edit(self, message: ChatMessage | int, text: str) -> ChatMessage:
        """Edit one of the user's own text messages: the bot gets an `edited_message` update."""
        message_id = message.message_id if isinstance(message, ChatMessage) else message
        current = self._chat.messages.get(message_id)
        if current is None or current.from_bot:
            raise LookupError(f"message {message_id} is not the user's own message in the chat")
        edited = replace(current, text=text, entities=command_entities(text), edit_date=self._state.clock())
        self._chat.messages[message_id] = edited
        self._state.updates.push("edited_message", message_json(edited, self._chat, self._state.bot))
        return edited

    async def tap(self, message: ChatMessage | int, label: str) -> Tap:
        """Tap the inline button labelled `label` (its text or callback data) on a message as it is now."""
        message_id = message.message_id if isinstance(message, ChatMessage) else message
        current = self._chat.messages.get(message_id)
        if current is None:
            raise LookupError(f"message {message_id} is not in the chat any more")
        button = current.button(label)
        if button.callback_data is None:
            raise ValueError(f"button {button.text!r} does not send a callback")
        return self.tap_data(current, button.callback_data)

    def tap_data(self, message: ChatMessage | int, data: str) -> Tap:
        """A tap carrying chosen callback data on one of the chat's messages, as a modified client sends."""
        message_id = message.message_id if isinstance(message, ChatMessage) else message
        current = self._chat.messages.get(message_id)
        if current is None:
            raise LookupError(f"message {message_id} is not in the chat any more")
        query_id = self._state.new_query_id()
        self._state.callbacks[query_id] = CallbackRecord(
            query_id, self._chat.id, message_id, self.user.id, self._state.clock()
        )
        self._state.updates.push(
            "callback_query",
            {
                "id": query_id,
                "from": user_json(self.user),
                "message": message_json(current, self._chat, self._state.bot),
                "chat_instance": str(self._chat.id),
                "data": data,
            },
        )
        return Tap(self._state, query_id, current)

    def block_bot(self) -> None:
        """Block the bot: later sends fail with 403 and the bot gets a my_chat_member update."""
        self._chat.blocked = True
        self._push_member_change("member", "kicked")

    def unblock_bot(self) -> None:
        """Unblock the bot (the user pressed Restart)."""
        self._chat.blocked = False
        self._push_member_change("kicked", "member")

    @property
    def history(self) -> tuple[ChatMessage, ...]:
        """The chat as the user sees it now: current versions, deleted ones gone, oldest first."""
        return tuple(self._chat.messages[key] for key in sorted(self._chat.messages))

    @property
    def bot_messages(self) -> tuple[ChatMessage, ...]:
        """The bot's messages still visible in the chat."""
        return tuple(m for m in self.history if m.from_bot)

    @property
    def deleted_messages(self) -> tuple[ChatMessage, ...]:
        """Messages deleted from the chat (by the bot), last version of each."""
        return tuple(self._chat.deleted)

    @property
    def events(self) -> tuple[ChatEvent, ...]:
        """Everything the bot did in the chat, in order."""
        return tuple(self._chat.events)

    @property
    def chat_actions(self) -> tuple[str, ...]:
        """Chat actions (typing...) the bot sent."""
        return tuple(self._chat.actions)

    @property
    def reply_keyboard(self) -> dict[str, Any] | None:
        """The custom reply keyboard currently shown, if any."""
        return self._chat.reply_keyboard

    def message(self, message_id: int) -> ChatMessage | None:
        """The current version of a message, None once deleted."""
        return self._chat.messages.get(message_id)

    async def next_event(self, timeout: float = DEFAULT_WAIT) -> ChatEvent:  # noqa: ASYNC109 - safety net
        """The next thing the bot did in this chat (sent, edited or deleted a message)."""

        def probe() -> ChatEvent | None:
            if self._event_cursor < len(self._chat.events):
                self._event_cursor += 1
                return self._chat.events[self._event_cursor - 1]
            return None

        event = await self._state.signal.wait_for(probe, timeout)
        if event is None:
            raise TimeoutError(f"the bot did nothing in chat {self._chat.id} within {timeout}s")
        return event

    async def next_message(self, timeout: float = DEFAULT_WAIT) -> ChatMessage:  # noqa: ASYNC109 - safety net
        """The next message the bot sends to this chat, as it was sent."""

        def probe() -> ChatMessage | None:
            events = self._chat.events
            while self._message_cursor < len(events):
                event = events[self._message_cursor]
                self._message_cursor += 1
                if event.kind == "sent" and event.message.from_bot:
                    return event.message
            return None

        message = await self._state.signal.wait_for(probe, timeout)
        if message is None:
            raise TimeoutError(f"the bot sent nothing to chat {self._chat.id} within {timeout}s")
        return message

    async def wait_until(
        self,
        predicate: Callable[[EmulatedUser], bool],
        timeout: float = DEFAULT_WAIT,  # noqa: ASYNC109 - safety net
    ) -> None:
        """Wait until `predicate(self)` holds, re-checked whenever the bot calls a method."""
        if await self._state.signal.wait_for(lambda: True if predicate(self) else None, timeout) is None:
            raise TimeoutError(f"condition not met in chat {self._chat.id} within {timeout}s")

    def _new_message(self, **fields: Any) -> ChatMessage:
        message = ChatMessage(
            message_id=self._chat.new_message_id(),
            chat_id=self._chat.id,
            sender_id=self.user.id,
            from_bot=False,
            date=self._state.clock(),
            **fields,
        )
        # The user's own messages are part of the chat but not events of the bot.
        self._chat.messages[message.message_id] = message
        return message

    def _delivered_in_chat(self, message: ChatMessage) -> bool:
        """Group privacy mode: a bot sees only commands and replies to itself in groups."""
        if self._chat.type == "private":
            return True
        replied = self._chat.messages.get(message.reply_to_message_id or 0)
        return bool(message.entities) or (replied is not None and replied.from_bot)

    def _push_message(self, message: ChatMessage) -> None:
        self._state.updates.push("message", message_json(message, self._chat, self._state.bot))

    def _push_member_change(self, old: str, new: str) -> None:
        bot = bot_json(self._state.bot)
        self._state.updates.push(
            "my_chat_member",
            {
                "chat": chat_json(self._chat),
                "from": user_json(self.user),
                "date": int(self._state.clock().timestamp()),
                "old_chat_member": {"user": bot, "status": old},
                "new_chat_member": {"user": bot, "status": new, "until_date": 0}
                if new == "kicked"
                else {"user": bot, "status": new},
            },
        )


class EmulatedGroup:
    """A group chat the bot is in; users join it to get a view that writes there."""

    def __init__(self, state: EmulatorState, chat: ChatRecord) -> None:
        self._state = state
        self._chat = chat

    @property
    def chat_id(self) -> int:
        """The group's (negative) chat id."""
        return self._chat.id

    def join(self, user: EmulatedUser) -> EmulatedUser:
        """Add a user to the group; the returned view sends and reads in the group."""
        self._chat.members[user.id] = user.user
        return EmulatedUser(self._state, user.user, self._chat)

    def remove_bot(self) -> None:
        """Kick the bot: later sends fail with 403."""
        self._chat.bot_removed = True

    @property
    def history(self) -> tuple[ChatMessage, ...]:
        """The group's messages as members see them now."""
        return tuple(self._chat.messages[key] for key in sorted(self._chat.messages))
