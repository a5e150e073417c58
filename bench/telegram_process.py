"""The Telegram Bot API emulator in a process of its own, driven over stdin/stdout by a benchmark.

A benchmark that measures the bot's CPU from /proc wants the emulator's work (answering getUpdates and
every send, queueing the users' messages) out of the bot's process and out of its own. This process serves
the emulator on loopback and prints `ready <url>`; then each line on stdin is a command, answered by one
JSON line on stdout:

- `burst`: every user sends /status at once; answered when every chat got a message from the bot:
  `{"updates": N, "seconds": first send to last reply, "p50_ms": ..., "p95_ms": ...}`.
- `one K`: user K alone sends /status; answered with `{"seconds": ...}` once the bot replied.
- `quit`: stop.

    python -m bench.telegram_process --chats 200 [--first-chat 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import datetime

from bench.status import percentile
from bot.simulator.http_server import LoopbackServer
from bot.simulator.telegram import EmulatedUser, TelegramEmulator

WAIT_S = 600.0
LOOK_EVERY_S = 0.005


class Driver:
    """The users of the chats and the replies the bot sent them since a mark."""

    def __init__(self, emu: TelegramEmulator, users: list[EmulatedUser]) -> None:
        self.emu = emu
        self.users = users

    async def burst(self) -> dict[str, float]:
        """Every user sends /status at once; the figures once every chat has its reply."""
        mark = len(self.emu.requests)
        sent: dict[int, datetime] = {}
        for user in self.users:
            message = await user.send("/status")
            sent[user.chat_id] = message.date
        first = await self._replies(mark, set(sent))
        latencies = [(first[chat] - at).total_seconds() for chat, at in sent.items()]
        return {
            "updates": len(sent),
            "seconds": (max(first.values()) - min(sent.values())).total_seconds(),
            "p50_ms": 1000 * percentile(latencies, 0.5),
            "p95_ms": 1000 * percentile(latencies, 0.95),
        }

    async def one(self, index: int) -> dict[str, float]:
        """One user's /status and the time until the bot's reply."""
        user = self.users[index]
        mark = len(self.emu.requests)
        message = await user.send("/status")
        first = await self._replies(mark, {user.chat_id})
        return {"seconds": (first[user.chat_id] - message.date).total_seconds()}

    async def _replies(self, mark: int, chats: set[int]) -> dict[int, datetime]:
        # Scanned incrementally every few ms: cheap, and the reply's own timestamp is what counts.
        first: dict[int, datetime] = {}
        loop = asyncio.get_running_loop()
        deadline = loop.time() + WAIT_S
        while len(first) < len(chats):
            calls = self.emu.requests
            for call in calls[mark:]:
                if call.method == "sendMessage" and call.status == 200:
                    chat = int(call.params.get("chat_id", 0))
                    if chat in chats:
                        first.setdefault(chat, call.at)
            mark = len(calls)
            if loop.time() > deadline:
                raise TimeoutError(f"{len(chats) - len(first)} chats got no reply within {WAIT_S:g} s")
            await asyncio.sleep(LOOK_EVERY_S)
        return first


async def serve(chats: int, first_chat: int) -> None:
    """Serve the emulator and answer the commands on stdin until `quit` or end of input."""
    emu = TelegramEmulator()
    users = [emu.user(first_chat + n, f"User{n}") for n in range(chats)]
    driver = Driver(emu, users)
    loop = asyncio.get_running_loop()
    async with LoopbackServer(emu.handle) as server:
        print(f"ready {server.url}", flush=True)
        try:
            while True:
                line = (await loop.run_in_executor(None, sys.stdin.readline)).split()
                if not line or line[0] == "quit":
                    return
                answer: dict[str, float | str]
                if line[0] == "burst":
                    answer = dict(await driver.burst())
                elif line[0] == "one":
                    answer = dict(await driver.one(int(line[1])))
                else:
                    answer = {"error": f"unknown command {line[0]!r}"}
                print(json.dumps(answer), flush=True)
        finally:
            emu.close()


def main() -> None:
    """Parse the arguments and serve."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--chats", type=int, default=200)
    parser.add_argument("--first-chat", type=int, default=10_000)
    args = parser.parse_args()
    asyncio.run(serve(args.chats, args.first_chat))


if __name__ == "__main__":
    main()
