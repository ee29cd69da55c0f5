"""Calendar feeds: the public one, and a member's private one behind a revocable token."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, or_, select

from models.entities import CalendarToken, Coalition, Event, EventStatus, EventVisibility
from models.errors import NotFound
from models.services.base import Service, coalition_view
from models.services.calendar.public import FeedEvent, feed_event, public_coalition
from models.services.events import RELATIONS
from models.services.views import CoalitionView

PAST_DAYS = 30
"""A feed keeps events that started within these days, and cancellations made within them."""
FEED_LIMIT = 5000
"""At most this many events in one feed, soonest first."""


@dataclass(frozen=True)
class FeedView:
    coalition: CoalitionView
    events: tuple[FeedEvent, ...]
    private: bool


class CalendarService(Service):
    public_url = ""
    """Where the web server is reached from outside (`[web] public_url`), for feed links."""

    def feed_url(self, slug: str, token: str | None = None) -> str:
        """The address of the coalition's feed: public, or a member's private one."""
        query = f"?token={token}" if token else ""
        return f"{self.public_url.rstrip('/')}/{slug}/calendar.ics{query}"

    async def token(self, slug: str, identity: str, *, renew: bool = False) -> str:
        """The person's private feed token for the coalition; `renew` replaces the old one."""
        async with self._sessions.begin() as session:
            coalition = await self._coalition(session, slug)
            found = await session.scalar(
                select(CalendarToken).where(
                    CalendarToken.coalition_id == coalition.id, CalendarToken.identity == identity
                )
            )
            if found is not None and not renew:
                return found.token
            if found is not None:
                await session.execute(delete(CalendarToken).where(CalendarToken.id == found.id))
                self._audit(session, coalition.id, identity, "calendar.renew", "calendar_token")
            token = secrets.token_urlsafe(24)
            session.add(
                CalendarToken(
                    coalition_id=coalition.id,
                    identity=identity,
                    token=token,
                    created_at=self._clock(),
                )
            )
            return token

    async def feed(self, slug: str, token: str | None = None) -> FeedView:
        """The public feed (no token) or a member's private one (internal events too).

        A wrong token is NotFound("token"); the public feed of a coalition without public
        events is NotFound("coalition")."""
        async with self._sessions() as session:
            if token is None:
                coalition = await public_coalition(session, slug)
            else:
                coalition = await self._coalition(session, slug)
                owner = await session.scalar(
                    select(CalendarToken.id).where(
                        CalendarToken.coalition_id == coalition.id, CalendarToken.token == token
                    )
                )
                if owner is None or coalition.retired:
                    raise NotFound("token", "")
            since = self._clock() - timedelta(days=PAST_DAYS)
            conditions = [
                Event.coalition_id == coalition.id,
                or_(
                    (Event.status == EventStatus.SCHEDULED) & (Event.starts_at >= since),
                    (Event.status == EventStatus.CANCELLED)
                    & (Event.updated_at >= since)
                    & (Event.starts_at >= since),
                ),
            ]
            if token is None:
                conditions.append(Event.visibility == EventVisibility.PUBLIC)
            rows = await session.scalars(
                select(Event)
                .options(*RELATIONS)
                .where(*conditions)
                .order_by(Event.starts_at, Event.id)
                .limit(FEED_LIMIT)
            )
            events = tuple(feed_event(e) for e in rows)
            return FeedView(coalition_view(coalition), events, private=token is not None)

    async def check_token(self, slug: str, token: str) -> None:
        """NotFound("token") unless the token opens the coalition's private feed."""
        async with self._sessions() as session:
            found = await session.scalar(
                select(CalendarToken.id)
                .join(Coalition, Coalition.id == CalendarToken.coalition_id)
                .where(Coalition.slug == slug, CalendarToken.token == token)
            )
            if found is None:
                raise NotFound("token", "")

    async def coalition_id(self, slug: str) -> int:
        """The coalition's id (for a feed's ETag), NotFound when there is none."""
        async with self._sessions() as session:
            return (await self._coalition(session, slug)).id
