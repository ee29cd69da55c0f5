"""A chat's updates keep their order; its button presses take turns per presser only."""

from __future__ import annotations

import asyncio
from typing import Any

from telegram import Update

from bot.adapters.telegram.lanes import ChatLanes

CHAT = {"id": -100, "type": "supergroup", "title": "Koalicija"}


def press(update_id: int, user_id: int) -> Update:
    data: dict[str, Any] = {
        "update_id": update_id,
        "callback_query": {
            "id": str(update_id),
            "from": {"id": user_id, "is_bot": False, "first_name": "U"},
            "chat_instance": "1",
            "data": "/rsvp 1 yes",
            "message": {"message_id": 5, "date": 0, "chat": CHAT, "text": "x"},
        },
    }
    return Update.de_json(data, None)


def message(update_id: int, user_id: int) -> Update:
    data: dict[str, Any] = {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 0,
            "chat": CHAT,
            "from": {"id": user_id, "is_bot": False, "first_name": "U"},
            "text": "/events",
        },
    }
    return Update.de_json(data, None)


async def handled_together(first: Update, second: Update) -> bool:
    """Whether `second` starts while `first` is still being handled."""
    lanes = ChatLanes()
    release = asyncio.Event()
    started: list[int] = []

    async def work(update: Update, wait: bool) -> None:
        started.append(update.update_id)
        if wait:
            await release.wait()

    one = asyncio.create_task(lanes.do_process_update(first, work(first, True)))
    two = asyncio.create_task(lanes.do_process_update(second, work(second, False)))
    for _ in range(5):
        await asyncio.sleep(0)
    together = second.update_id in started
    release.set()
    await asyncio.gather(one, two)
    assert started[0] == first.update_id
    return together


async def test_presses_of_different_people_in_one_chat_are_handled_side_by_side() -> None:
    assert await handled_together(press(1, 11), press(2, 12))


async def test_one_persons_presses_take_turns() -> None:
    assert not await handled_together(press(1, 11), press(2, 11))


async def test_a_chats_messages_keep_their_order() -> None:
    assert not await handled_together(message(1, 11), message(2, 12))
