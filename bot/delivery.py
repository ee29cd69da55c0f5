"""What the scheduler needs from a platform adapter: send a Reply to a chat, or say why not."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from handlers.types import Reply
from models.send_failure import SendFailure


class DeliveryFailed(Exception):
    """A message could not be delivered, and why (`failure`, one of `SendFailure`).

    Each adapter maps its platform's errors to a `SendFailure`: only `GONE` marks a chat
    inactive; `retryable` says whether trying again later can help. Without a `failure`,
    `permanent` picks `CONTENT` (not retried) or `UNAVAILABLE` (retried).
    """

    def __init__(
        self,
        chat_id: str,
        reason: str,
        *,
        failure: SendFailure | None = None,
        permanent: bool | None = None,
    ) -> None:
        if failure is None:
            failure = SendFailure.CONTENT if permanent else SendFailure.UNAVAILABLE
        super().__init__(f"cannot deliver to {chat_id} ({failure.value}): {reason}")
        self.chat_id = chat_id
        self.reason = reason
        self.failure = failure

    @property
    def permanent(self) -> bool:
        """Whether trying again cannot help."""
        return not self.failure.retryable


@runtime_checkable
class Sender(Protocol):
    """An adapter that can post on its own, outside an incoming update."""

    name: str

    async def send(self, chat_id: str, reply: Reply) -> str | None:
        """Posts the reply; the id of the message posted (the one with the buttons), when
        the platform gives one."""
        ...


@runtime_checkable
class Editor(Protocol):
    """An adapter that can replace a message it posted (edits go through its rate limits)."""

    name: str

    async def edit_message(self, chat_id: str, message_ref: str, reply: Reply) -> None: ...


def platform_of(chat_id: str) -> str:
    """`telegram:-100123` -> `telegram`."""
    return chat_id.split(":", 1)[0]


__all__ = ["DeliveryFailed", "Editor", "SendFailure", "Sender", "platform_of"]
