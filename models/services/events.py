"""Events: list, show, create, edit and cancel."""

from __future__ import annotations

import functools
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Insert, func, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.entities import Coalition, Event, EventKind, EventStatus, EventVisibility, Role
from models.errors import Invalid, NotFound
from models.freshness import content_written
from models.goals.entities import Source
from models.network.entities import SharedEvent
from models.services.base import Service, coalition_id_of, page_and_total
from models.services.event_views import RELATIONS as RELATIONS
from models.services.event_views import event_view as event_view
from models.services.goals.service import linkable_indicator
from models.services.network.service import shared_with, touch_partners
from models.services.reminder_planning import plan_cancellation, plan_event
from models.services.rsvp.notices import announce_change, announcement
from models.services.views import EventView, Page
from models.validation import clean_text, optional_text

TITLE_MAX = 200
LOCATION_MAX = 300
DESCRIPTION_MAX = 2000


@functools.cache
def new_event() -> Insert:
    """INSERT of an event giving back its id, built once (so compiled once)."""
    return insert(Event).returning(Event.id)


def refuse_changes(event: Event) -> None:
    """A cancelled event stays as it is; an imported one changes in its own feed only."""
    if event.status is EventStatus.CANCELLED:
        raise Invalid("event", "cancelled")
    if event.source is not None:
        raise Invalid("event", "imported", value=event.source)


def touch(event: Event, now: datetime) -> None:
    """Marks a change for calendars: a higher SEQUENCE and a new LAST-MODIFIED."""
    event.sequence = (event.sequence or 0) + 1
    event.updated_at = now


class EventService(Service):
    async def upcoming(
        self,
        coalition_slug: str,
        *,
        area: str | None = None,
        until: datetime | None = None,
        offset: int = 0,
        limit: int = 10,
    ) -> Page[EventView]:
        """Scheduled events from now on, soonest first.

        Without an area the coalition is found within the page's statement, by slug; only an
        empty page costs a second statement, to tell an unknown coalition from no events.
        """
        async with self._sessions() as session:
            conditions = [
                Event.status == EventStatus.SCHEDULED,
                Event.starts_at >= self._clock(),
            ]
            if area is not None or "\x00" in coalition_slug:
                coalition = await self._coalition(session, coalition_slug)
                conditions.append(Event.coalition_id == coalition.id)
                if area is not None:
                    found = await self._area(session, coalition.id, area)
                    conditions.append(Event.area_id == found.id)
            else:  # its own events, and those its linked coalitions share with it
                by_slug = select(Coalition.id).where(Coalition.slug == coalition_slug)
                own = by_slug.scalar_subquery()
                conditions.append(or_(Event.coalition_id == own, Event.id.in_(shared_with(own))))
            if until is not None:
                conditions.append(Event.starts_at < until)
            rows, total = await page_and_total(
                session,
                select(Event, Coalition.slug, Coalition.name)
                .join(Coalition, Coalition.id == Event.coalition_id)
                .options(*RELATIONS)
                .where(*conditions)
                .order_by(Event.starts_at, Event.id)
                .offset(offset)
                .limit(limit),
                select(func.count()).select_from(Event).where(*conditions),
                offset,
            )
            if not rows and area is None:
                await self._coalition(session, coalition_slug)
            views = (
                replace(event_view(row[0]), origin=row[2] if row[1] != coalition_slug else None)
                for row in rows
            )
            return Page(tuple(views), total, offset, limit)

    async def get(self, coalition_slug: str, event_id: int) -> EventView:
        """The coalition's event, or one a linked coalition shares with it (its `origin`)."""
        async with self._sessions() as session:
            own = coalition_id_of(coalition_slug)
            found = (
                await session.execute(
                    select(Event, Coalition.slug, Coalition.name)
                    .join(Coalition, Coalition.id == Event.coalition_id)
                    .options(*RELATIONS)
                    .where(
                        Event.id == event_id,
                        or_(Event.coalition_id == own, Event.id.in_(shared_with(own))),
                    )
                )
            ).first()
            if found is None:
                await self._require_coalition(session, coalition_slug)
                raise NotFound("event", event_id)
            event, slug, name = found
            return replace(event_view(event), origin=name if slug != coalition_slug else None)

    async def create(
        self,
        coalition_slug: str,
        actor: str,
        *,
        title: str,
        starts_at: datetime,
        ends_at: datetime | None = None,
        all_day: bool = False,
        location: str | None = None,
        area: str | None = None,
        kind: EventKind = EventKind.MEETING,
        description: str | None = None,
        announce: bool = False,
    ) -> EventView:
        """Adds an event and plans its reminders; with `announce`, it is also announced in
        the coalition's bound chats (a coordinator's /addevent, not an import)."""
        now = self._clock()
        async with self._sessions.begin() as session:
            coalition = await self._coalition_for(session, coalition_slug, actor, Role.COORDINATOR)
            found_area = await self._area(session, coalition.id, area) if area else None
            values: dict[str, Any] = {
                "coalition_id": coalition.id,
                "area_id": found_area.id if found_area else None,
                "organiser_id": None,
                "title": clean_text(title, "title", TITLE_MAX),
                "starts_at": starts_at,
                "ends_at": ends_at,
                "all_day": all_day,
                "location": optional_text(location, "location", LOCATION_MAX),
                "description": optional_text(description, "description", DESCRIPTION_MAX),
                "kind": kind,
                "status": EventStatus.SCHEDULED,
                "visibility": EventVisibility.INTERNAL,
                "sequence": 0,
                "created_by": actor,
                "updated_at": now,
            }
            # one prebuilt INSERT on the connection: no unit of work to flush for the busiest
            # write; the row counts for its coalition's remembered answers all the same
            connection = await session.connection()
            values["id"] = await connection.scalar(new_event(), values)
            content_written(session, coalition.id)
            event = Event(**values)  # never added to the session: what the view and plans read
            event.area, event.organiser = found_area, None
            details: dict[str, object] = {"title": event.title, "starts_at": starts_at.isoformat()}
            if ends_at is not None:
                details["ends_at"] = ends_at.isoformat()
            await self._audit_now(
                session, coalition.id, actor, "event.create", f"event:{event.id}", details
            )
            told = announcement(event, now) if announce else []
            due = await plan_event(session, event, coalition, self.policy, now, new=True, also=told)
            view = event_view(event)
        self._planned(due)
        return view

    async def edit(
        self,
        coalition_slug: str,
        actor: str,
        event_id: int,
        *,
        title: str | None = None,
        starts_at: datetime | None = None,
        ends_at: datetime | None = None,
        all_day: bool | None = None,
        location: str | None = None,
        area: str | None = None,
        description: str | None = None,
        indicator: int | None = None,
        public: bool | None = None,
    ) -> EventView:
        """Changes the given fields; an empty location, area or description clears it, and
        indicator 0 unlinks the event from its indicator.

        A new start without an end keeps the event's duration, or drops the end of an event
        that now lasts the whole day.
        """
        async with self._sessions.begin() as session:
            coalition = await self._coalition_for(session, coalition_slug, actor, Role.COORDINATOR)
            event = await self._event(session, coalition_slug, event_id, lock=True)
            refuse_changes(event)
            changed: dict[str, object] = {}
            previous_start = event.starts_at
            previous_all_day, previous_location = event.all_day, event.location
            if title is not None:
                event.title = changed["title"] = clean_text(title, "title", TITLE_MAX)
            if starts_at is not None:
                if ends_at is not None or all_day:
                    event.ends_at = ends_at
                elif event.ends_at is not None:  # keep the duration: never end before the start
                    event.ends_at = starts_at + (event.ends_at - event.starts_at)
                event.starts_at = starts_at
                event.all_day = bool(all_day)
                changed["starts_at"] = starts_at.isoformat()
                if event.ends_at is not None:
                    changed["ends_at"] = event.ends_at.isoformat()
            if location is not None:
                event.location = optional_text(location, "location", LOCATION_MAX)
                changed["location"] = event.location
            if description is not None:
                event.description = optional_text(description, "description", DESCRIPTION_MAX)
                changed["description"] = event.description
            if area is not None:
                event.area = await self._area(session, coalition.id, area) if area else None
                changed["area"] = area
            if indicator is not None:
                event.indicator_id = (
                    await linkable_indicator(session, coalition.id, indicator, Source.EVENTS)
                    if indicator
                    else None
                )
                changed["indicator"] = event.indicator_id
            if public is not None:
                event.visibility = EventVisibility.PUBLIC if public else EventVisibility.INTERNAL
                changed["visibility"] = event.visibility.value
            if not changed:
                raise Invalid("changes", "empty")
            touch(event, self._clock())
            self._audit(session, coalition.id, actor, "event.edit", f"event:{event.id}", changed)
            await session.flush()
            due: list[datetime] = []
            if "starts_at" in changed:
                due = await plan_event(
                    session,
                    event,
                    coalition,
                    self.policy,
                    self._clock(),
                    previous_start=previous_start,
                )
            if await session.get(SharedEvent, event.id) is not None:
                await touch_partners(session, coalition.id)
            if "starts_at" in changed or "location" in changed:
                due += await announce_change(
                    session,
                    event,
                    previous_start=previous_start,
                    previous_all_day=previous_all_day,
                    previous_location=previous_location,
                    now=self._clock(),
                )
            await session.refresh(event, ["area", "organiser"])
            view = event_view(event)
        self._planned(due)
        return view

    async def cancel(self, coalition_slug: str, actor: str, event_id: int) -> EventView:
        async with self._sessions.begin() as session:
            coalition = await self._coalition_for(session, coalition_slug, actor, Role.COORDINATOR)
            event = await self._event(session, coalition_slug, event_id, lock=True)
            refuse_changes(event)
            event.status = EventStatus.CANCELLED
            touch(event, self._clock())
            if await session.get(SharedEvent, event.id) is not None:
                await touch_partners(session, coalition.id)
            self._audit(session, coalition.id, actor, "event.cancel", f"event:{event.id}")
            due = await plan_cancellation(session, event, coalition, self._clock())
            view = event_view(event)
        self._planned(due)
        return view

    async def _event(
        self, session: AsyncSession, coalition_slug: str, event_id: int, *, lock: bool = False
    ) -> Event:
        """The coalition's event; with `lock`, its row stays locked until the transaction ends
        (on PostgreSQL), so an edit and a cancel of one event take turns and each sees what
        the other did."""
        coalition = await self._coalition(session, coalition_slug)
        query = (
            select(Event)
            .options(*RELATIONS)
            .where(Event.id == event_id, Event.coalition_id == coalition.id)
        )
        if lock:
            query = query.with_for_update(of=Event).execution_options(populate_existing=True)
        event = await session.scalar(query)
        if event is None:
            raise NotFound("event", event_id)
        return event
