"""Personal reminders in a private chat, and destinations the platform says are gone."""

from __future__ import annotations

import logging
import time
from typing import Any

from sqlalchemy import or_, select, update

from models.entities import ChatBinding
from models.reminders import Subscription
from models.services.base import Service

log = logging.getLogger(__name__)


LOCALE_RECHECK = 300.0
"""Seconds a process trusts the language it last noted for a person before looking again."""
LOCALES_KEPT = 10_000


class ReminderSubscriptions(Service):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._noted: dict[str, tuple[frozenset[str | None], float]] = {}
        """Per person: the languages of their subscriptions when last looked up, and when."""

    async def subscribe(
        self,
        coalition_slug: str,
        identity: str,
        chat_id: str,
        area: str | None,
        locale: str | None = None,
    ) -> str | None:
        """Personal reminders in this private chat, in `locale` (the language the person is
        answered in); returns the area's name, if one."""
        async with self._sessions.begin() as session:
            coalition = await self._coalition(session, coalition_slug)
            area_row = await self._area(session, coalition.id, area) if area else None
            subscription = await session.scalar(
                select(Subscription).where(
                    Subscription.coalition_id == coalition.id, Subscription.identity == identity
                )
            )
            if subscription is None:
                subscription = Subscription(
                    coalition_id=coalition.id, identity=identity, created_at=self._clock()
                )
                session.add(subscription)
            subscription.chat_id = chat_id
            subscription.area_id = area_row.id if area_row else None
            subscription.active = True
            subscription.reachable = True
            subscription.locale = locale or subscription.locale
            self._audit(
                session,
                coalition.id,
                identity,
                "subscription.on",
                f"user:{identity}",
                {"area": area_row.slug if area_row else None},
            )
        self._noted.pop(identity, None)  # the next answer in another language looks again
        return area_row.name if area_row else None

    async def unsubscribe(self, identity: str, chat_id: str) -> bool:
        """Stops every personal reminder of this private chat, and the person's own elsewhere,
        whichever coalition they came from; False when there were none."""
        async with self._sessions.begin() as session:
            subscriptions = await session.scalars(
                select(Subscription).where(
                    or_(Subscription.chat_id == chat_id, Subscription.identity == identity),
                    Subscription.active.is_(True),
                )
            )
            stopped = False
            for subscription in subscriptions:
                subscription.active = False
                stopped = True
                self._audit(
                    session,
                    subscription.coalition_id,
                    identity,
                    "subscription.off",
                    f"user:{subscription.identity}",
                )
            return stopped

    async def note_locale(self, identity: str, locale: str) -> None:
        """The person was answered in `locale` in a private chat: their personal reminders
        follow. Looked up at most every few minutes per person, written only on a change; a
        person without subscriptions is not looked up again whatever language they read."""
        noted = self._noted.get(identity)
        if (
            noted is not None
            and noted[0] <= {locale}
            and time.monotonic() - noted[1] < LOCALE_RECHECK
        ):
            return
        try:
            async with self._sessions() as session:
                kept = frozenset(
                    await session.scalars(
                        select(Subscription.locale)
                        .where(Subscription.identity == identity)
                        .distinct()
                    )
                )
            if kept - {locale}:
                async with self._sessions.begin() as session:
                    await session.execute(
                        update(Subscription)
                        .where(Subscription.identity == identity)
                        .values(locale=locale)
                    )
        except Exception as error:  # the answer matters more; the next private use retries
            log.warning("could not note the language of %s: %r", identity, error)
            return
        if len(self._noted) >= LOCALES_KEPT:
            self._noted.clear()
        self._noted[identity] = (frozenset({locale}) if kept else kept, time.monotonic())

    async def deactivate_destination(self, chat_id: str) -> None:
        """The platform says the chat is gone for the bot: stop trying (a subscription there
        pauses: the person's wish stands)."""
        async with self._sessions.begin() as session:
            await session.execute(
                update(ChatBinding).where(ChatBinding.chat_id == chat_id).values(active=False)
            )
            await session.execute(
                update(Subscription).where(Subscription.chat_id == chat_id).values(reachable=False)
            )

    async def reactivate(self, chat_id: str) -> bool:
        """The bot can write to this chat again (it was added back, unblocked, or the chat
        wrote to it): its binding and the subscriptions there get reminders again.
        True when something was inactive (only then is anything written)."""
        off_binding = ChatBinding.chat_id == chat_id, ChatBinding.active.is_(False)
        paused = Subscription.chat_id == chat_id, Subscription.reachable.is_(False)
        async with self._sessions() as session:
            found = await session.execute(
                select(
                    select(ChatBinding.id).where(*off_binding).exists(),
                    select(Subscription.id).where(*paused).exists(),
                )
            )
            binding_off, subscription_paused = found.one()
        if not (binding_off or subscription_paused):
            return False
        async with self._sessions.begin() as session:
            if binding_off:
                await session.execute(update(ChatBinding).where(*off_binding).values(active=True))
            if subscription_paused:
                await session.execute(update(Subscription).where(*paused).values(reachable=True))
        return True
