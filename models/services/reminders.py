"""Due reminders: claiming them once across processes, who gets them, what was sent."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import cast
from zoneinfo import ZoneInfo

from sqlalchemy import Table, and_, bindparam, func, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload
from sqlalchemy.sql.dml import ReturningInsert

from models.entities import (
    Activity,
    ActivityStatus,
    ChatBinding,
    Coalition,
    Event,
    EventKind,
    EventStatus,
    Role,
    UserSetting,
)
from models.reminder_policy import next_digest
from models.reminders import (
    Delivery,
    DeliveryState,
    Reminder,
    ReminderKind,
    ReminderState,
    Subscription,
)
from models.services.activities import activity_view
from models.services.base import Service, coalition_view
from models.services.events import RELATIONS as EVENT_RELATIONS
from models.services.events import event_view
from models.services.reminder_planning import plan_activity, plan_event
from models.services.views import ActivityView, CoalitionView, EventView

MAX_ATTEMPTS = 5
PLAN_BATCH = 500
DELIVERIES = cast(Table, Delivery.__table__)

DeliveryKey = tuple[int, str]
"""(reminder id, destination chat)"""
END_DELIVERY = (
    update(DELIVERIES)
    .where(
        DELIVERIES.c.reminder_id == bindparam("key_reminder"),
        DELIVERIES.c.destination == bindparam("key_destination"),
    )
    .values(
        state=bindparam("new_state", type_=DELIVERIES.c.state.type),
        error=bindparam("new_error", type_=DELIVERIES.c.error.type),
        at=bindparam("new_at", type_=DELIVERIES.c.at.type),
    )
)


@functools.cache
def begin_deliveries(dialect: str) -> ReturningInsert[int, str]:
    """An upsert of deliveries about to be sent, returning those not already sent: a row
    recorded as sent is left alone and not returned, so that send is not made again."""
    upsert = (postgresql_insert if dialect == "postgresql" else sqlite_insert)(DELIVERIES)
    return upsert.on_conflict_do_update(
        index_elements=[DELIVERIES.c.reminder_id, DELIVERIES.c.destination],
        set_={
            "state": upsert.excluded.state,
            "attempts": DELIVERIES.c.attempts + 1,
            "at": upsert.excluded.at,
        },
        where=DELIVERIES.c.state != DeliveryState.SENT,
    ).returning(DELIVERIES.c.reminder_id, DELIVERIES.c.destination)


@dataclass(frozen=True)
class Destination:
    chat_id: str
    locale: str


@dataclass(frozen=True)
class ReminderJob:
    """Everything needed to word and send one claimed reminder."""

    id: int
    kind: ReminderKind
    coalition: CoalitionView
    due_at: datetime
    attempts: int
    event: EventView | None
    activity: ActivityView | None
    digest_events: tuple[EventView, ...]
    digest_activities: tuple[ActivityView, ...]
    destinations: tuple[Destination, ...]
    already_sent: frozenset[str]

    @property
    def subject_moment(self) -> datetime | None:
        """When the event starts or the deadline falls (deadlines at the end of the day)."""
        if self.event is not None:
            return self.event.starts_at
        if self.activity is not None and self.activity.due_on is not None:
            end = datetime.combine(self.activity.due_on + timedelta(days=1), datetime.min.time())
            return end.replace(tzinfo=self.coalition.zone)
        return None


@dataclass(frozen=True)
class Outcome:
    """How a claimed reminder ended: sent, skipped or failed (to retry after `retry_in`)."""

    reminder_id: int
    state: ReminderState
    error: str | None = None
    retry_in: timedelta | None = None


@dataclass(frozen=True)
class ReminderStatus:
    pending: int
    sent: int
    failed: int
    skipped: int


@dataclass
class Audience:
    """A coalition's active bound chats and personal subscriptions: (chat, locale, area)."""

    chats: list[tuple[str, str | None, int | None]] = field(default_factory=list)
    people: list[tuple[str, str | None, int | None]] = field(default_factory=list)

    def destinations(self, area_id: int | None, default_locale: str) -> list[Destination]:
        """Who gets a reminder about this area (of no area: those not tied to one): the
        chats, then the people not already reached there."""
        found: list[Destination] = []
        seen: set[str] = set()
        for chat, locale, area in (*self.chats, *self.people):
            if (area is None or area == area_id) and chat not in seen:
                seen.add(chat)
                found.append(Destination(chat, locale or default_locale))
        return found


class ReminderService(Service):
    async def claim_due(self, worker: str, lease: timedelta, limit: int = 50) -> list[int]:
        """Atomically takes up to `limit` due reminders (or ones whose lease ran out)."""
        now = self._clock()
        async with self._sessions.begin() as session:
            due = or_(
                and_(
                    Reminder.state == ReminderState.PENDING,
                    Reminder.due_at <= now,
                    or_(Reminder.lease_until.is_(None), Reminder.lease_until <= now),
                ),
                and_(Reminder.state == ReminderState.CLAIMED, Reminder.lease_until < now),
            )
            candidates = (
                select(Reminder.id)
                .where(due)
                .where(Reminder.coalition_id.not_in(select(Coalition.id).where(Coalition.retired)))
                .order_by(Reminder.due_at)
                .limit(limit)
            )
            claim = update(Reminder).values(
                state=ReminderState.CLAIMED,
                claimed_by=worker,
                lease_until=now + lease,
                attempts=Reminder.attempts + 1,
            )
            if session.get_bind().dialect.name == "postgresql":
                # A CTE runs once; an IN (subquery) may be re-run per row and claim too many.
                locked = (
                    candidates.with_for_update(skip_locked=True)
                    .cte("due_reminders")
                    .prefix_with("MATERIALIZED")
                )
                claim = claim.where(Reminder.id == locked.c.id)
            else:
                claim = claim.where(Reminder.id.in_(candidates.scalar_subquery()), due)
            claimed = await session.scalars(
                claim.returning(Reminder.id).execution_options(synchronize_session=False)
            )
            return sorted(claimed)

    async def renew_leases(self, worker: str, reminder_ids: list[int], lease: timedelta) -> None:
        """Keeps a long fan-out's claims from expiring while this worker is alive."""
        async with self._sessions.begin() as session:
            await session.execute(
                update(Reminder)
                .where(
                    Reminder.id.in_(reminder_ids),
                    Reminder.claimed_by == worker,
                    Reminder.state == ReminderState.CLAIMED,
                )
                .values(lease_until=self._clock() + lease)
                .execution_options(synchronize_session=False)
            )

    async def next_due_times(self, limit: int = 1000) -> list[datetime]:
        async with self._sessions() as session:
            rows = await session.scalars(
                select(Reminder.due_at)
                .where(Reminder.state == ReminderState.PENDING)
                .order_by(Reminder.due_at)
                .limit(limit)
            )
            return list(rows)

    async def job(self, reminder_id: int) -> ReminderJob | None:
        jobs = await self.jobs([reminder_id])
        return jobs[0] if jobs else None

    async def jobs(self, reminder_ids: Sequence[int]) -> list[ReminderJob]:
        """The claimed reminders, ready to word and send, in a few queries for all of them
        (reminders since deleted are left out)."""
        async with self._sessions() as session:
            reminders = list(
                await session.scalars(
                    select(Reminder).where(Reminder.id.in_(reminder_ids)).order_by(Reminder.id)
                )
            )
            if not reminders:
                return []
            coalitions = {
                c.id: c
                for c in await session.scalars(
                    select(Coalition).where(Coalition.id.in_({r.coalition_id for r in reminders}))
                )
            }
            event_ids = {r.event_id for r in reminders if r.event_id}
            events = (
                {
                    e.id: e
                    for e in await session.scalars(
                        select(Event).options(*EVENT_RELATIONS).where(Event.id.in_(event_ids))
                    )
                }
                if event_ids
                else {}
            )
            activity_ids = {r.activity_id for r in reminders if r.activity_id}
            activities = (
                {
                    a.id: a
                    for a in await session.scalars(
                        select(Activity)
                        .options(selectinload(Activity.area), selectinload(Activity.organisation))
                        .where(Activity.id.in_(activity_ids))
                    )
                }
                if activity_ids
                else {}
            )
            audiences = await self._audiences(
                session,
                {
                    r.coalition_id
                    for r in reminders
                    if r.kind in (ReminderKind.EVENT, ReminderKind.DEADLINE)
                },
            )
            already_sent: dict[int, set[str]] = {r.id: set() for r in reminders}
            for rid, destination in await session.execute(
                select(Delivery.reminder_id, Delivery.destination).where(
                    Delivery.reminder_id.in_(already_sent), Delivery.state == DeliveryState.SENT
                )
            ):
                already_sent[rid].add(destination)
            jobs = []
            for reminder in reminders:
                coalition = coalitions[reminder.coalition_id]
                event = events.get(reminder.event_id) if reminder.event_id else None
                activity = activities.get(reminder.activity_id) if reminder.activity_id else None
                area_id = (event.area_id if event else None) or (
                    activity.area_id if activity else None
                )
                digest_events: tuple[EventView, ...] = ()
                digest_activities: tuple[ActivityView, ...] = ()
                if reminder.kind is ReminderKind.CANCELLATION:
                    destinations = await self._previously_reminded(session, reminder, coalition)
                elif reminder.kind is ReminderKind.DIGEST:
                    destinations = await self._destinations(
                        session, coalition, area_id, chats_only=True
                    )
                    digest_events, digest_activities = await self._week(session, coalition)
                else:
                    destinations = audiences[coalition.id].destinations(
                        area_id, coalition.default_locale
                    )
                jobs.append(
                    ReminderJob(
                        id=reminder.id,
                        kind=reminder.kind,
                        coalition=coalition_view(coalition),
                        due_at=reminder.due_at,
                        attempts=reminder.attempts,
                        event=event_view(event) if event else None,
                        activity=activity_view(activity) if activity else None,
                        digest_events=digest_events,
                        digest_activities=digest_activities,
                        destinations=tuple(destinations),
                        already_sent=frozenset(already_sent[reminder.id]),
                    )
                )
            return jobs

    async def begin_delivery(self, reminder_id: int, destination: str) -> bool:
        """Records that a send is about to happen; False when it was already sent."""
        async with self._sessions.begin() as session:
            delivery = await session.scalar(
                select(Delivery).where(
                    Delivery.reminder_id == reminder_id, Delivery.destination == destination
                )
            )
            if delivery is None:
                session.add(
                    Delivery(
                        reminder_id=reminder_id,
                        destination=destination,
                        state=DeliveryState.SENDING,
                        attempts=1,
                        at=self._clock(),
                    )
                )
                return True
            if delivery.state is DeliveryState.SENT:
                return False
            delivery.state = DeliveryState.SENDING
            delivery.attempts += 1
            delivery.at = self._clock()
            return True

    async def end_delivery(
        self, reminder_id: int, destination: str, *, error: str | None = None
    ) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                update(Delivery)
                .where(Delivery.reminder_id == reminder_id, Delivery.destination == destination)
                .values(
                    state=DeliveryState.FAILED if error else DeliveryState.SENT,
                    error=error,
                    at=self._clock(),
                )
            )

    async def record_deliveries(
        self,
        starting: Sequence[DeliveryKey],
        finished: Sequence[tuple[DeliveryKey, str | None]],
    ) -> set[DeliveryKey]:
        """Records, in one transaction, sends that are about to happen and sends that are done
        (with an error text when they failed); returns the starting ones not already sent.

        The same as `begin_delivery` and `end_delivery` for each, for many sends at once.
        """
        now = self._clock()
        fresh: set[DeliveryKey] = set()
        async with self._sessions.begin() as session:
            if finished:
                await session.execute(
                    END_DELIVERY,
                    [
                        {
                            "key_reminder": reminder_id,
                            "key_destination": destination,
                            "new_state": DeliveryState.FAILED if error else DeliveryState.SENT,
                            "new_error": error,
                            "new_at": now,
                        }
                        for (reminder_id, destination), error in finished
                    ],
                )
            if starting:
                rows = await session.execute(
                    begin_deliveries(session.get_bind().dialect.name),
                    [
                        {
                            "reminder_id": reminder_id,
                            "destination": destination,
                            "state": DeliveryState.SENDING,
                            "attempts": 1,
                            "at": now,
                        }
                        for reminder_id, destination in sorted(set(starting))
                    ],
                )
                fresh.update((reminder_id, destination) for reminder_id, destination in rows)
        return fresh

    async def finish(
        self,
        reminder_id: int,
        worker: str,
        state: ReminderState,
        *,
        error: str | None = None,
        retry_in: timedelta | None = None,
    ) -> list[datetime]:
        """Closes a claimed reminder (or hands it back for a retry); returns new due times."""
        return await self.finish_all(worker, [Outcome(reminder_id, state, error, retry_in)])

    async def finish_all(self, worker: str, outcomes: Sequence[Outcome]) -> list[datetime]:
        """`finish` for many reminders, in one transaction; returns the new due times."""
        now = self._clock()
        planned: list[datetime] = []
        if not outcomes:
            return planned
        async with self._sessions.begin() as session:
            reminders = {
                r.id: r
                for r in await session.scalars(
                    select(Reminder).where(Reminder.id.in_({o.reminder_id for o in outcomes}))
                )
            }
            for outcome in outcomes:
                reminder = reminders.get(outcome.reminder_id)
                if reminder is None or reminder.claimed_by != worker:
                    continue
                if outcome.retry_in is not None and reminder.attempts < MAX_ATTEMPTS:
                    reminder.state = ReminderState.PENDING
                    reminder.lease_until = now + outcome.retry_in
                    reminder.last_error = outcome.error
                    planned.append(now + outcome.retry_in)
                    continue
                reminder.state = (
                    ReminderState.FAILED if outcome.retry_in is not None else outcome.state
                )
                reminder.last_error = outcome.error
                reminder.lease_until = None
                reminder.finished_at = now
                if reminder.kind is ReminderKind.DIGEST:
                    coalition = await session.get(Coalition, reminder.coalition_id)
                    assert coalition is not None
                    planned += await self._plan_digest(session, coalition, now)
        return planned

    async def plan_missing(self, batch: int = PLAN_BATCH) -> list[datetime]:
        """Plans reminders for future events and open activities that have none yet
        (demo data, imports, rows written before reminders existed).

        `batch` events and activities to a transaction: a bulk-loaded database is planned step
        by step, each step kept if the process stops during the next one. On PostgreSQL the
        statistics are brought up to date between steps, else it plans its lookups in the
        growing reminders table as in the empty table its statistics still describe.
        """
        now = self._clock()
        async with self._sessions() as session:
            postgresql = session.get_bind().dialect.name == "postgresql"
            has_reminder = select(Reminder.id).where(Reminder.event_id == Event.id).exists()
            event_ids = list(
                await session.scalars(
                    select(Event.id)
                    .where(Event.status == EventStatus.SCHEDULED, Event.starts_at > now)
                    .where(~has_reminder)
                    .order_by(Event.id)
                )
            )
            has_reminder = select(Reminder.id).where(Reminder.activity_id == Activity.id).exists()
            activity_ids = list(
                await session.scalars(
                    select(Activity.id)
                    .where(
                        Activity.status.in_((ActivityStatus.PLANNED, ActivityStatus.ACTIVE)),
                        Activity.due_on >= now.date(),
                        ~has_reminder,
                    )
                    .order_by(Activity.id)
                )
            )
        planned: list[datetime] = []
        steps = range(0, max(len(event_ids), len(activity_ids)), batch)
        for start in steps:
            async with self._sessions.begin() as session:
                coalitions = {c.id: c for c in await session.scalars(select(Coalition))}
                chosen = event_ids[start : start + batch]
                for event in await session.scalars(select(Event).where(Event.id.in_(chosen))):
                    coalition = coalitions[event.coalition_id]
                    planned += await plan_event(session, event, coalition, self.policy, now)
                chosen = activity_ids[start : start + batch]
                for activity in await session.scalars(
                    select(Activity).where(Activity.id.in_(chosen))
                ):
                    coalition = coalitions[activity.coalition_id]
                    planned += await plan_activity(session, activity, coalition, self.policy, now)
            if len(steps) > 1 and postgresql:
                async with self._sessions.begin() as session:
                    await session.execute(text("ANALYZE reminders"))
        return planned

    async def ensure_digests(self) -> list[datetime]:
        """Makes sure each coalition has its next weekly digest planned."""
        async with self._sessions.begin() as session:
            planned: list[datetime] = []
            for coalition in await session.scalars(select(Coalition)):
                planned += await self._plan_digest(session, coalition, self._clock())
            return planned

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

    async def status(self, coalition_slug: str, actor: str) -> ReminderStatus:
        """Counts of the last 7 days (pending: all still due), for admins."""
        async with self._sessions() as session:
            coalition = await self._coalition(session, coalition_slug)
            await self._require(session, coalition.id, actor, Role.ADMIN)
            since = self._clock() - timedelta(days=7)
            counts: dict[ReminderState, int] = {}
            for state in ReminderState:
                window = (
                    Reminder.due_at >= since
                    if state is not ReminderState.PENDING
                    else Reminder.id.is_not(None)
                )
                counts[state] = (
                    await session.scalar(
                        select(func.count(Reminder.id)).where(
                            Reminder.coalition_id == coalition.id, Reminder.state == state, window
                        )
                    )
                    or 0
                )
            return ReminderStatus(
                pending=counts[ReminderState.PENDING] + counts[ReminderState.CLAIMED],
                sent=counts[ReminderState.SENT],
                failed=counts[ReminderState.FAILED],
                skipped=counts[ReminderState.SKIPPED],
            )

    async def _plan_digest(
        self, session: AsyncSession, coalition: Coalition, now: datetime
    ) -> list[datetime]:
        if self.policy.digest_weekday is None:
            return []
        pending = await session.scalar(
            select(Reminder.id).where(
                Reminder.coalition_id == coalition.id,
                Reminder.kind == ReminderKind.DIGEST,
                Reminder.state.in_((ReminderState.PENDING, ReminderState.CLAIMED)),
            )
        )
        if pending is not None:
            return []
        due = next_digest(
            now, self.policy.digest_weekday, self.policy.digest_time, ZoneInfo(coalition.timezone)
        )
        session.add(
            Reminder(
                coalition_id=coalition.id,
                kind=ReminderKind.DIGEST,
                subject=f"digest:{coalition.id}",
                offset_minutes=0,
                due_at=due,
                state=ReminderState.PENDING,
            )
        )
        return [due]

    async def _destinations(
        self, session: AsyncSession, coalition: Coalition, area_id: int | None, *, chats_only: bool
    ) -> list[Destination]:
        audiences = await self._audiences(session, {coalition.id}, people=not chats_only)
        return audiences[coalition.id].destinations(area_id, coalition.default_locale)

    async def _audiences(
        self, session: AsyncSession, coalition_ids: set[int], *, people: bool = True
    ) -> dict[int, Audience]:
        """The active bound chats (and, unless not wanted, personal subscriptions) of these
        coalitions, in two queries for all of them."""
        audiences = {coalition_id: Audience() for coalition_id in coalition_ids}
        if not coalition_ids:
            return audiences
        chats = await session.execute(
            select(
                ChatBinding.coalition_id,
                ChatBinding.chat_id,
                ChatBinding.locale,
                ChatBinding.area_id,
            ).where(ChatBinding.coalition_id.in_(coalition_ids), ChatBinding.active.is_(True))
        )
        for coalition_id, chat, locale, area_id in chats:
            audiences[coalition_id].chats.append((chat, locale, area_id))
        if not people:
            return audiences
        subscriptions = await session.execute(
            select(
                Subscription.coalition_id,
                Subscription.chat_id,
                UserSetting.locale,
                Subscription.area_id,
            )
            .outerjoin(UserSetting, UserSetting.identity == Subscription.identity)
            .where(Subscription.coalition_id.in_(coalition_ids), Subscription.active.is_(True))
        )
        for coalition_id, chat, locale, area_id in subscriptions:
            audiences[coalition_id].people.append((chat, locale, area_id))
        return audiences

    async def _previously_reminded(
        self, session: AsyncSession, reminder: Reminder, coalition: Coalition
    ) -> list[Destination]:
        """The chats that got any reminder of this subject, with their current language."""
        everyone = {
            d.chat_id: d
            for d in await self._destinations(session, coalition, None, chats_only=False)
        }
        reminded = await session.scalars(
            select(Delivery.destination)
            .join(Reminder, Reminder.id == Delivery.reminder_id)
            .where(
                Reminder.subject == reminder.subject,
                Reminder.kind != ReminderKind.CANCELLATION,
                Delivery.state == DeliveryState.SENT,
            )
            .distinct()
        )
        return [
            everyone.get(chat, Destination(chat, coalition.default_locale))
            for chat in sorted(reminded)
        ]

    async def _week(
        self, session: AsyncSession, coalition: Coalition
    ) -> tuple[tuple[EventView, ...], tuple[ActivityView, ...]]:
        now = self._clock()
        week_end = now + timedelta(days=7)
        events = await session.scalars(
            select(Event)
            .options(*EVENT_RELATIONS)
            .where(
                Event.coalition_id == coalition.id,
                Event.status == EventStatus.SCHEDULED,
                Event.starts_at >= now,
                Event.starts_at < week_end,
            )
            .order_by(Event.starts_at)
            .limit(30)
        )
        zone = ZoneInfo(coalition.timezone)
        activities = await session.scalars(
            select(Activity)
            .options(selectinload(Activity.area), selectinload(Activity.organisation))
            .where(
                Activity.coalition_id == coalition.id,
                Activity.status.in_((ActivityStatus.PLANNED, ActivityStatus.ACTIVE)),
                Activity.due_on >= now.astimezone(zone).date(),
                Activity.due_on < week_end.astimezone(zone).date(),
            )
            .order_by(Activity.due_on)
            .limit(30)
        )
        return (
            tuple(event_view(e) for e in events),
            tuple(activity_view(a) for a in activities),
        )


__all__ = [
    "MAX_ATTEMPTS",
    "DeliveryKey",
    "Destination",
    "EventKind",
    "Outcome",
    "ReminderJob",
    "ReminderService",
    "ReminderStatus",
]
