"""Updates of different chats at the same time, those of one chat in the order they came.

python-telegram-bot hands every update to an update processor. This one runs each chat's
updates one after another (a group's answers keep their order, a greeting comes before the
answers that follow it) while other chats go ahead: a busy group waiting on Telegram's
20 messages a minute no longer holds up a private answer. Button presses are the
exception: a press answers only its presser and the service orders concurrent answers
itself (the event's row lock), so a chat's presses take turns per person only, and a
hundred people pressing on one announcement are answered side by side. Before an update
joins its chat's lane, the gate decides whether it is handled, answered "slow down", or
dropped: what is dropped never waits anywhere.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Hashable
from typing import Any, Protocol

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from handlers.throttle import Verdict

MAX_CONCURRENT_UPDATES = 4096
"""Updates in hand at once, waiting in their chat's lane included."""


class Gate(Protocol):
    """What the lanes ask before an update joins its chat's lane."""

    def verdict(self, update: Update) -> Verdict: ...

    async def slow_down(self, update: Update) -> None: ...


def lane_of(update: object) -> Hashable | None:
    """The chat whose order the update keeps (a button press: its presser's in that chat);
    None for updates of no chat."""
    if not isinstance(update, Update) or update.effective_chat is None:
        return None
    query = update.callback_query
    if query is not None:
        return (update.effective_chat.id, query.from_user.id)
    return update.effective_chat.id


class ChatLanes(BaseUpdateProcessor):
    """An update processor with one lane per chat; the lanes run concurrently."""

    def __init__(
        self, gate: Gate | None = None, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES
    ) -> None:
        super().__init__(max_concurrent_updates)
        self.gate = gate
        self._tails: dict[Hashable, asyncio.Future[None]] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        if isinstance(update, Update) and self.gate is not None:
            verdict = self.gate.verdict(update)
            if verdict is not Verdict.PASS:
                if inspect.iscoroutine(coroutine):
                    coroutine.close()
                if verdict is Verdict.DROP:
                    return
                coroutine = self.gate.slow_down(update)
        lane = lane_of(update)
        if lane is None:
            await coroutine
            return
        before = self._tails.get(lane)
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._tails[lane] = done
        started = False
        try:
            if before is not None:
                await asyncio.wait({before})
            started = True
            await coroutine
        finally:
            if not started and inspect.iscoroutine(coroutine):
                coroutine.close()  # cancelled while waiting its turn (the bot stops)
            done.set_result(None)
            if self._tails.get(lane) is done:
                del self._tails[lane]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free: the Application waits for the updates in hand when it stops."""
