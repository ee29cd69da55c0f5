"""Personal reminders in a private chat, and destinations the platform says are gone."""

from __future__ import annotations

from sqlalchemy import select, update

from models.entities import ChatBinding
from models.reminders import Subscription
from models.services.base import Service


class ReminderSubscriptions(Service):
    async def subscribe(
        self, coalition_slug: str, identity: str, chat_id: str, area: str | None
    ) -> str | None:
        """Personal reminders in this private chat; returns the area's name, if one."""
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
            self._audit(
                session,
                coalition.id,
                identity,
                "subscription.on",
                f"user:{identity}",
                {"area": area_row.slug if area_row else None},
            )
            return area_row.name if area_row else None

    async def unsubscribe(self, coalition_slug: str, identity: str) -> bool:
        """Stops personal reminders; False when there were none."""
        async with self._sessions.begin() as session:
            coalition = await self._coalition(session, coalition_slug)
            subscription = await session.scalar(
                select(Subscription).where(
                    Subscription.coalition_id == coalition.id,
                    Subscription.identity == identity,
                    Subscription.active.is_(True),
                )
            )
            if subscription is None:
                return False
            subscription.active = False
            self._audit(session, coalition.id, identity, "subscription.off", f"user:{identity}")
            return True

    async def deactivate_destination(self, chat_id: str) -> None:
        """The platform says we may not write there any more: stop trying."""
        async with self._sessions.begin() as session:
            await session.execute(
                update(ChatBinding).where(ChatBinding.chat_id == chat_id).values(active=False)
            )
            await session.execute(
                update(Subscription).where(Subscription.chat_id == chat_id).values(active=False)
            )
