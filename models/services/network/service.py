"""Asking, accepting, declining and ending links between coalitions; sharing events.

A link is agreed by both sides: one coalition's admin asks, the other's admins are told
privately (a reminder row of kind `link_request`, sent once to each admin's private chat)
and accept or decline. Either side may end it. Only events a coordinator marks shared cross
an active link; they are read-only on the other side.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, ScalarSelect, Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.entities import Coalition, Event, Role
from models.errors import Invalid, NotFound
from models.network.entities import CoalitionLink, LinkKind, LinkState, SharedEvent
from models.reminders import ReminderKind
from models.services.base import Service, coalition_id_of
from models.services.reminder_planning import insert_reminder


@dataclass(frozen=True)
class LinkView:
    partner_slug: str
    partner_name: str
    kind: LinkKind
    state: LinkState
    since: datetime | None


CoalitionId = int | ScalarSelect[int] | ColumnElement[int]


def partners_of(coalition_id: CoalitionId) -> Select[int]:
    """The coalitions actively linked with the given one (a subquery)."""
    return select(CoalitionLink.partner_id).where(
        CoalitionLink.coalition_id == coalition_id, CoalitionLink.state == LinkState.ACTIVE
    )


def shared_with(coalition_id: CoalitionId) -> Select[int]:
    """The events the coalition's active partners share with it (a subquery of ids)."""
    return select(SharedEvent.event_id).where(
        SharedEvent.coalition_id.in_(partners_of(coalition_id))
    )


async def touch_partners(session: AsyncSession, origin_id: int) -> None:
    """The origin's shared events changed: the partners' remembered answers, which show
    them, are refreshed (their sides of the links are written)."""
    for side in await session.scalars(
        select(CoalitionLink).where(
            CoalitionLink.partner_id == origin_id, CoalitionLink.state == LinkState.ACTIVE
        )
    ):
        side.partner_changes += 1


class NetworkService(Service):
    async def ask(
        self, coalition_slug: str, actor: str, partner_slug: str, kind: LinkKind
    ) -> LinkView:
        """Asks the partner to link; when the partner had already asked, this agrees."""
        now = self._clock()
        async with self._sessions.begin() as session:
            mine = await self._coalition_for(session, coalition_slug, actor, Role.ADMIN)
            partner = await self._coalition(session, partner_slug)
            if partner.id == mine.id:
                raise Invalid("link", "self")
            side, other = await self._sides(session, mine.id, partner.id)
            if side is not None and side.state is LinkState.INVITED and other is not None:
                side.state = other.state = LinkState.ACTIVE
                side.since = other.since = now
                return self._view(side, partner)
            if side is not None:
                return self._view(side, partner)  # asked already, or linked: nothing new
            side = CoalitionLink(
                coalition_id=mine.id,
                partner_id=partner.id,
                kind=kind,
                state=LinkState.ASKED,
                asked_by=actor,
                asked_at=now,
            )
            other = CoalitionLink(
                coalition_id=partner.id,
                partner_id=mine.id,
                kind=kind,
                state=LinkState.INVITED,
                asked_by=actor,
                asked_at=now,
            )
            session.add_all([side, other])
            await session.flush()
            self._audit(session, mine.id, actor, "link.ask", f"coalition:{partner.id}")
            written = await insert_reminder(
                session,
                coalition_id=partner.id,
                kind=ReminderKind.LINK_REQUEST,
                subject=f"link:{other.id}",
                offset_minutes=0,
                due_at=now,
            )
            view = self._view(side, partner)
        self._planned([now] if written else [])
        return view

    async def answer(
        self, coalition_slug: str, actor: str, partner_slug: str, *, accept: bool
    ) -> LinkView | None:
        """Accepts or declines the partner's request; the link, or None once declined."""
        async with self._sessions.begin() as session:
            mine = await self._coalition_for(session, coalition_slug, actor, Role.ADMIN)
            partner = await self._coalition(session, partner_slug)
            side, other = await self._sides(session, mine.id, partner.id)
            if side is None or other is None:
                raise NotFound("link", partner_slug)
            if side.state is not LinkState.INVITED:
                return self._view(side, partner)  # nothing asked of this side
            if not accept:
                await session.delete(side)
                await session.delete(other)
                self._audit(session, mine.id, actor, "link.decline", f"coalition:{partner.id}")
                return None
            side.state = other.state = LinkState.ACTIVE
            side.since = other.since = self._clock()
            self._audit(session, mine.id, actor, "link.accept", f"coalition:{partner.id}")
            return self._view(side, partner)

    async def end(self, coalition_slug: str, actor: str, partner_slug: str) -> None:
        """Ends a link (or withdraws a request) from either side."""
        async with self._sessions.begin() as session:
            mine = await self._coalition_for(session, coalition_slug, actor, Role.ADMIN)
            partner = await self._coalition(session, partner_slug)
            side, other = await self._sides(session, mine.id, partner.id)
            if side is None:
                raise NotFound("link", partner_slug)
            for row in (side, other):
                if row is not None:
                    await session.delete(row)
            self._audit(session, mine.id, actor, "link.end", f"coalition:{partner.id}")

    async def links(self, coalition_slug: str) -> list[LinkView]:
        """The coalition's links and requests, active ones first, by the partner's name."""
        async with self._sessions() as session:
            rows = await session.execute(
                select(CoalitionLink, Coalition)
                .join(Coalition, Coalition.id == CoalitionLink.partner_id)
                .where(CoalitionLink.coalition_id == coalition_id_of(coalition_slug))
            )
            views = [self._view(side, partner) for side, partner in rows]
        return sorted(views, key=lambda v: (v.state is not LinkState.ACTIVE, v.partner_name))

    async def share(self, coalition_slug: str, actor: str, event_id: int, shared: bool) -> bool:
        """Marks the coalition's event shared with its linked coalitions, or not; whether
        anything changed."""
        async with self._sessions.begin() as session:
            coalition = await self._coalition_for(session, coalition_slug, actor, Role.COORDINATOR)
            found = await session.scalar(
                select(Event.id).where(Event.id == event_id, Event.coalition_id == coalition.id)
            )
            if found is None:
                raise NotFound("event", event_id)
            row = await session.get(SharedEvent, event_id)
            if (row is not None) == shared:
                return False
            if shared:
                session.add(SharedEvent(event_id=event_id, coalition_id=coalition.id))
            elif row is not None:
                await session.delete(row)
            await touch_partners(session, coalition.id)
            self._audit(
                session,
                coalition.id,
                actor,
                "event.share",
                f"event:{event_id}",
                {"shared": shared},
            )
            return True

    async def origin(self, coalition_slug: str, event_id: int) -> str | None:
        """The name of the linked coalition whose shared event this is, as seen from this
        coalition (None: not an event shared with it)."""
        async with self._sessions() as session:
            return await session.scalar(
                select(Coalition.name)
                .join(Event, Event.coalition_id == Coalition.id)
                .where(
                    Event.id == event_id,
                    Event.id.in_(shared_with(coalition_id_of(coalition_slug))),
                )
            )

    async def _sides(
        self, session: AsyncSession, mine: int, partner: int
    ) -> tuple[CoalitionLink | None, CoalitionLink | None]:
        rows = {
            (row.coalition_id, row.partner_id): row
            for row in await session.scalars(
                select(CoalitionLink)
                .where(
                    or_(
                        (CoalitionLink.coalition_id == mine)
                        & (CoalitionLink.partner_id == partner),
                        (CoalitionLink.coalition_id == partner)
                        & (CoalitionLink.partner_id == mine),
                    )
                )
                .with_for_update()
            )
        }
        return rows.get((mine, partner)), rows.get((partner, mine))

    @staticmethod
    def _view(side: CoalitionLink, partner: Coalition) -> LinkView:
        return LinkView(partner.slug, partner.name, side.kind, side.state, side.since)
