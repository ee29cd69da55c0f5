"""Partners' calendars: their events copied into a coalition, by UID, read-only in chat.

The fetching and parsing are the web side's (bot/feeds); this stores what was parsed, in one
transaction per feed: new UIDs added, changed ones updated (their SEQUENCE raised and their
reminders planned again), those gone from the feed cancelled (their pending reminders
dropped; chats already reminded are told), and how the feed was read for /status.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.entities import (
    Coalition,
    Event,
    EventKind,
    EventStatus,
    EventVisibility,
    FeedState,
    Organisation,
)
from models.errors import NotFound
from models.services.base import Service
from models.services.events import DESCRIPTION_MAX, LOCATION_MAX, TITLE_MAX, touch
from models.services.reminder_planning import plan_cancellation, plan_event

ERROR_MAX = 500


@dataclass(frozen=True)
class ImportedEvent:
    """One occurrence read from a partner's feed (a recurrence's instances each have one)."""

    uid: str
    title: str
    starts_at: datetime
    ends_at: datetime | None = None
    all_day: bool = False
    location: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class ImportResult:
    added: int = 0
    changed: int = 0
    removed: int = 0


@dataclass(frozen=True)
class FeedStatus:
    url: str
    events: int
    checked_at: datetime | None
    imported_at: datetime | None
    last_error: str | None


@dataclass(frozen=True)
class Conditional:
    """What the last answer said, for the next conditional request."""

    etag: str | None
    last_modified: str | None


def _cut(text: str | None, limit: int) -> str | None:
    cleaned = "".join(c for c in text if c >= " " or c in "\n\t").strip() if text else ""
    return cleaned[:limit] or None


class FeedImportService(Service):
    async def conditional(self, slug: str, url: str) -> Conditional:
        async with self._sessions() as session:
            state = await self._state(session, slug, url)
            return Conditional(
                state.etag if state else None, state.last_modified if state else None
            )

    async def statuses(self, slug: str) -> list[FeedStatus]:
        async with self._sessions() as session:
            coalition = await self._coalition(session, slug)
            rows = await session.scalars(
                select(FeedState)
                .where(FeedState.coalition_id == coalition.id)
                .order_by(FeedState.url)
            )
            return [
                FeedStatus(s.url, s.events, s.checked_at, s.imported_at, s.last_error) for s in rows
            ]

    async def record(self, slug: str, url: str, *, error: str | None = None) -> None:
        """A read that changed no event: unchanged (304), or failed with `error`."""
        async with self._sessions.begin() as session:
            state = await self._state(session, slug, url, create=True)
            assert state is not None
            state.checked_at = self._clock()
            state.last_error = _cut(error, ERROR_MAX) if error else None

    async def apply(
        self,
        slug: str,
        url: str,
        events: list[ImportedEvent],
        *,
        organisation: str | None = None,
        area: str | None = None,
        public: bool = False,
        conditional: Conditional = Conditional(None, None),
    ) -> ImportResult:
        """Makes the coalition's copy of the feed at `url` what `events` say."""
        now = self._clock()
        due: list[datetime] = []
        added = changed = removed = 0
        async with self._sessions.begin() as session:
            coalition = await self._coalition(session, slug)
            organiser = await self._organiser(session, coalition.id, organisation)
            area_id = await self._area_id(session, coalition.id, area)
            existing = {
                e.source_uid: e
                for e in await session.scalars(
                    select(Event).where(Event.coalition_id == coalition.id, Event.source == url)
                )
            }
            visibility = EventVisibility.PUBLIC if public else EventVisibility.INTERNAL
            seen: set[str] = set()
            for item in events:
                uid = item.uid[:300]
                if uid in seen:
                    continue
                seen.add(uid)
                values = {
                    "title": _cut(item.title, TITLE_MAX) or "—",
                    "starts_at": item.starts_at,
                    "ends_at": item.ends_at,
                    "all_day": item.all_day,
                    "location": _cut(item.location, LOCATION_MAX),
                    "description": _cut(item.description, DESCRIPTION_MAX),
                    "visibility": visibility,
                    "area_id": area_id,
                    "organiser_id": organiser,
                    "status": EventStatus.SCHEDULED,
                }
                event = existing.get(uid)
                if event is None:
                    event = Event(
                        coalition_id=coalition.id,
                        source=url,
                        source_uid=uid,
                        kind=EventKind.MEETING,
                        created_by=f"feed:{url}"[:100],
                        updated_at=now,
                        sequence=0,
                        **values,
                    )
                    session.add(event)
                    await session.flush()
                    due += await plan_event(session, event, coalition, self.policy, now)
                    added += 1
                    continue
                if all(getattr(event, k) == v for k, v in values.items()):
                    continue
                previous = event.starts_at
                for key, value in values.items():
                    setattr(event, key, value)
                touch(event, now)
                await session.flush()
                due += await plan_event(
                    session, event, coalition, self.policy, now, previous_start=previous
                )
                changed += 1
            for known, event in existing.items():
                # gone from the feed: cancelled if still ahead; one that took place stays
                if known in seen or event.status is EventStatus.CANCELLED or event.starts_at < now:
                    continue
                event.status = EventStatus.CANCELLED
                touch(event, now)
                due += await plan_cancellation(session, event, coalition, now)
                removed += 1
            state = await self._state(session, slug, url, create=True, coalition=coalition)
            assert state is not None
            state.checked_at = state.imported_at = now
            state.events = len(seen)
            state.last_error = None
            state.etag, state.last_modified = conditional.etag, conditional.last_modified
        self._planned(due)
        return ImportResult(added, changed, removed)

    async def _state(
        self,
        session: AsyncSession,
        slug: str,
        url: str,
        *,
        create: bool = False,
        coalition: Coalition | None = None,
    ) -> FeedState | None:
        coalition = coalition or await self._coalition(session, slug)
        state = await session.scalar(
            select(FeedState).where(FeedState.coalition_id == coalition.id, FeedState.url == url)
        )
        if state is None and create:
            state = FeedState(coalition_id=coalition.id, url=url, events=0)
            session.add(state)
        return state

    async def _organiser(
        self, session: AsyncSession, coalition_id: int, name: str | None
    ) -> int | None:
        """The partner organisation by name, added to the coalition when it is not there."""
        if not name:
            return None
        found = await session.scalar(
            select(Organisation.id).where(
                Organisation.coalition_id == coalition_id, Organisation.name == name
            )
        )
        if found is not None:
            return found
        organisation = Organisation(coalition_id=coalition_id, name=name[:200])
        session.add(organisation)
        await session.flush()
        return organisation.id

    async def _area_id(
        self, session: AsyncSession, coalition_id: int, area: str | None
    ) -> int | None:
        if not area:
            return None
        try:
            return (await self._area(session, coalition_id, area)).id
        except NotFound:
            return None
