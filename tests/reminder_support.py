"""A recording sender and a scheduler helper for reminder tests."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field

from bot.app import App
from bot.delivery import DeliveryFailed, SendFailure
from bot.scheduler import ReminderScheduler
from handlers.types import Reply


@dataclass
class RecordingSender:
    """Stands in for a platform: keeps what it was asked to send, fails on demand."""

    name: str = "telegram"
    sent: list[tuple[str, Reply]] = field(default_factory=list)
    transient_failures: Counter[str] = field(default_factory=Counter)
    blocked: set[str] = field(default_factory=set)
    delay: float = 0.0

    async def send(self, chat_id: str, reply: Reply) -> None:
        if self.delay:
            await asyncio.sleep(self.delay)
        if chat_id in self.blocked:
            raise DeliveryFailed(chat_id, "bot was blocked by the user", failure=SendFailure.GONE)
        if self.transient_failures[chat_id] > 0:
            self.transient_failures[chat_id] -= 1
            raise DeliveryFailed(chat_id, "timed out", failure=SendFailure.UNAVAILABLE)
        self.sent.append((chat_id, reply))

    def texts(self, chat_id: str | None = None) -> list[str]:
        return [r.plain_text() for c, r in self.sent if chat_id is None or c == chat_id]


def scheduler_for(app: App, sender: RecordingSender, worker: str = "test") -> ReminderScheduler:
    """A scheduler whose sweeps the test calls itself (no timers started)."""
    return ReminderScheduler(app, {sender.name: sender}, worker=worker)
