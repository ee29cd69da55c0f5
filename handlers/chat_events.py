"""What happens to a chat outside commands, said by a platform in neutral words: the bot was
removed from it or came back, it moved to a new id, it cannot be written to, or it wrote to
the bot again; the context a form (the Slack /addevent modal) is shown in; and a question
put to a person, whose answer is their next message.

Adapters tell these to the dispatcher (`dispatcher.chats`) instead of reaching for services,
so what each event changes, and in which language a form speaks, is decided here once.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from handlers.context import Services
from handlers.i18n import Translator
from handlers.types import ChatKind
from models.entities import Role
from models.services.views import AreaView, ChatContext

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FormContext:
    """A person's chat as a form sees it: the stored context (None when the database could
    not say), the language the form speaks, and whether adding events may succeed there."""

    stored: ChatContext | None
    translator: Translator
    may_add_events: bool


class ChatEvents:
    """The dispatcher's answers to events that are not commands."""

    def __init__(
        self,
        services: Services,
        context_of: Callable[[str, str, ChatKind], Awaitable[ChatContext]],
        reader: Callable[..., Translator],
    ) -> None:
        self._services = services
        self._context_of = context_of
        self._reader = reader

    async def left(self, chat_id: str) -> bool:
        """The bot was removed from a group or channel (or it was archived): its binding rests,
        no reminder is tried there. True when something changed."""
        return await self._services.directory.set_chat_active(chat_id, False)

    async def back(self, chat_id: str) -> bool:
        """The bot is in the channel again: its binding is active again."""
        return await self._services.directory.set_chat_active(chat_id, True)

    async def gone(self, chat_id: str) -> None:
        """The platform says the chat cannot be written to (a person blocked the bot, their
        direct messages are gone): its binding rests and its subscriptions pause."""
        await self._services.reminders.deactivate_destination(chat_id)

    async def reachable(self, chat_id: str) -> bool:
        """The chat wrote to the bot, or let it in again: what was paused there resumes.
        True when something was paused."""
        return await self._services.reminders.reactivate(chat_id)

    async def moved(self, old_chat_id: str, new_chat_id: str) -> bool:
        """The platform gave a chat a new id (a group became a supergroup): its binding and
        language go along. False when there was nothing to move."""
        return await self._services.directory.move_chat(old_chat_id, new_chat_id)

    async def form(
        self, user_id: str, chat_id: str, chat_kind: ChatKind, *, platform: str | None
    ) -> FormContext:
        """The context a form is shown in, by the same rules as a command's; never raises."""
        stored: ChatContext | None
        try:
            stored = await self._context_of(user_id, chat_id, chat_kind)
        except Exception as error:
            log.warning("no chat context for %s: %r", chat_id, error)
            stored = None
        t = self._reader(stored, is_group=chat_kind is ChatKind.GROUP, platform=platform)
        may_add = (
            stored is not None
            and stored.coalition is not None
            and stored.role.at_least(Role.COORDINATOR)
            and (stored.chat_bound or chat_kind is ChatKind.PRIVATE)
        )
        return FormContext(stored, t, may_add)

    async def asked(self, user_id: str, chat_id: str, command: str) -> None:
        """A reply's question was put to the person in this chat as a message (not a form):
        their next message there answers it (Dispatcher.answer)."""
        await self._services.questions.ask(user_id, chat_id, command)

    async def areas(self, coalition_slug: str) -> list[AreaView]:
        """The areas a form offers for a coalition."""
        return await self._services.directory.areas(coalition_slug)
