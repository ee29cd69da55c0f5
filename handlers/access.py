"""Who may see which coalition in a private chat.

A person sees, privately, only coalitions where they hold a role or sit in one of the
coalition's bound groups or channels. Presence in a bound chat is asked of the platform
(a `MembershipProbe` per platform, given by its adapter) and remembered for `REMEMBERED`;
a command in a bound chat records it too. Of several coalitions the person's last choice
(`/coalition SLUG`) wins, else the highest role; with none, the bot only greets.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Protocol

from models.entities import Role
from models.services.directory import DirectoryService, PrivateOptions
from models.services.views import ChatContext, CoalitionView

log = logging.getLogger(__name__)

REMEMBERED = timedelta(minutes=5)
"""How long a person's presence (or absence) in a bound chat is trusted without asking."""
PROBES_PER_COMMAND = 12
"""At most this many platform look-ups for one command; the next command goes on."""
RECORDED_KEPT = 8192


class MembershipProbe(Protocol):
    """Asks a platform whether a person is in a chat: True, False, or None when it cannot tell."""

    async def is_member(self, chat_id: str, user_id: str) -> bool | None: ...


def platform_of(identity: str) -> str:
    """`telegram:42` -> `telegram`; `slack:T1:U1` -> `slack`."""
    return identity.split(":", 1)[0]


class PrivateAccess:
    """Resolves a private chat's coalition for one person, asking the platform when needed."""

    def __init__(
        self,
        directory: DirectoryService,
        probes: Mapping[str, MembershipProbe],
        clock: Callable[[], datetime],
    ) -> None:
        self.directory = directory
        self.probes = probes
        self.clock = clock
        self._recorded: OrderedDict[tuple[str, str], datetime] = OrderedDict()

    async def context(self, user_id: str) -> ChatContext:
        """The coalition this person's private chat is about, and their role there."""
        options = await self.directory.private_options(user_id, self.clock() - REMEMBERED)
        choice = await self._choice(user_id, options)
        return ChatContext(
            coalition=choice[0] if choice else None,
            role=choice[1] if choice else Role.MEMBER,
            user_locale=options.user_locale,
            chat_locale=None,
            chat_bound=False,
        )

    async def coalitions(self, user_id: str) -> list[tuple[CoalitionView, Role]]:
        """Every coalition this person may see privately (checking bound chats as needed)."""
        since = self.clock() - REMEMBERED
        options = await self.directory.private_options(user_id, since, every=True)
        found = list(options.roles) + [(view, Role.MEMBER) for view in options.seen]
        found += [(view, Role.MEMBER) for view in await self._probe(user_id, options.unknown)]
        return sorted(found, key=lambda pair: pair[0].id)

    async def choose(self, user_id: str, slug: str) -> CoalitionView | None:
        """Makes `slug` this person's private coalition if they may see it; else None."""
        wanted = slug.strip().lower()
        for view, _role in await self.coalitions(user_id):
            if view.slug == wanted:
                await self.directory.choose_coalition(user_id, view.slug)
                return view
        return None

    async def seen(self, user_id: str, chat_id: str) -> None:
        """A person wrote in a bound chat: remember it (written at most every few minutes)."""
        if self.recorded_lately(user_id, chat_id):
            return
        try:
            await self.directory.record_presence(user_id, chat_id, True)
        except Exception as error:  # bookkeeping: the answer in the group goes out anyway
            log.warning("presence of %s in %s not recorded: %r", user_id, chat_id, error)
            return
        self.recorded(user_id, chat_id)

    def recorded_lately(self, user_id: str, chat_id: str) -> bool:
        """Whether this process wrote the person's presence in the chat a short while ago."""
        last = self._recorded.get((user_id, chat_id))
        return last is not None and self.clock() - last < REMEMBERED / 2

    def recorded(self, user_id: str, chat_id: str) -> None:
        """The person's presence in the chat was just written (here or with their context)."""
        key = (user_id, chat_id)
        self._recorded[key] = self.clock()
        self._recorded.move_to_end(key)
        if len(self._recorded) > RECORDED_KEPT:
            self._recorded.popitem(last=False)

    async def _choice(
        self, user_id: str, options: PrivateOptions
    ) -> tuple[CoalitionView, Role] | None:
        known = list(options.roles) + [(view, Role.MEMBER) for view in options.seen]
        chosen = next((pair for pair in known if pair[0].slug == options.chosen), None)
        if chosen is not None:
            return chosen
        pending = [entry for entry in options.unknown if entry[0].slug == options.chosen]
        if pending and await self._probe(user_id, tuple(pending)):
            return pending[0][0], Role.MEMBER
        if known:
            return max(known, key=lambda pair: list(Role).index(pair[1]))
        found = await self._probe(user_id, options.unknown, first_only=True)
        return (found[0], Role.MEMBER) if found else None

    async def _probe(
        self,
        user_id: str,
        unknown: tuple[tuple[CoalitionView, tuple[str, ...]], ...],
        *,
        first_only: bool = False,
    ) -> list[CoalitionView]:
        """The coalitions among `unknown` in one of whose chats the platform finds the person;
        each answer is remembered. At most PROBES_PER_COMMAND look-ups."""
        probe = self.probes.get(platform_of(user_id))
        if probe is None or not unknown:
            return []
        found: list[CoalitionView] = []
        budget = PROBES_PER_COMMAND
        for view, chats in unknown:
            asked = chats[:budget]
            budget -= len(asked)
            answers = await asyncio.gather(*(self._ask(probe, chat, user_id) for chat in asked))
            if any(answers):
                found.append(view)
                if first_only:
                    break
            if budget <= 0:
                break
        return found

    async def _ask(self, probe: MembershipProbe, chat_id: str, user_id: str) -> bool:
        try:
            answer = await probe.is_member(chat_id, user_id)
        except Exception as error:  # a platform hiccup must not break the command
            log.warning("membership of %s in %s unknown: %r", user_id, chat_id, error)
            return False
        if answer is None:
            return False
        await self.directory.record_presence(user_id, chat_id, answer)
        return answer
