"""What the scheduler needs from a platform adapter: send a Reply to a chat, or say why not."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from handlers.types import Reply


class DeliveryFailed(Exception):
    """A message could not be delivered; `permanent` says whether trying again can help."""

    def __init__(self, chat_id: str, reason: str, *, permanent: bool) -> None:
        kind = "permanently" if permanent else "for now"
        super().__init__(f"cannot deliver to {chat_id} {kind}: {reason}")
        self.chat_id = chat_id
        self.reason = reason
        self.permanent = permanent


@runtime_checkable
class Sender(Protocol):
    """An adapter that can post on its own, outside an incoming update."""

    name: str

    async def send(self, chat_id: str, reply: Reply) -> None: ...


def platform_of(chat_id: str) -> str:
    """`telegram:-100123` -> `telegram`."""
    return chat_id.split(":", 1)[0]
