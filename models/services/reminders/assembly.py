"""What a claimed reminder says and to whom: its subject, the week of a digest, its audience."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from dataclasses import replace as replace_view
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from models.entities import (
    Activity,
    ActivityStatus,
    ChatBinding,
    Coalition,
    Event,
    EventStatus,
    UserSetting,
)
from models.reminders import (
    TOLD_KINDS,
    Delivery,
    DeliveryState,
    Reminder,
    ReminderKind,
    Subscription,
)
from models.services.activities import activity_view
from models.services.base import Service, coalition_view
from models.services.events import RELATIONS as EVENT_RELATIONS
from models.services.events import event_view
from models.services.goals.posts import nudge_of
from models.services.goals.service import goals_overview
from models.services.goals.views import GoalsOverview, NudgeView
from models.services.network.requests import LinkRequestView, link_request
from models.services.network.service import shared_with
from models.services.rsvp.audience import change_of, going_chats, promoted_chat
from models.services.rsvp.views import ChangeView
from models.services.views import ActivityView, CoalitionView, EventView

TO_GOING = (ReminderKind.EVENT, ReminderKind.CANCELLATION, ReminderKind.CHANGE)
"""What people going hear in their private chat as well."""


def end_of_day(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day + timedelta(days=1), datetime.min.time()).replace(tzinfo=zone)


@dataclass(frozen=True)
class Destination:
    chat_id: str
    locale: str
    area_id: int | None = None
    """The only area this chat hears about (a digest shows only that area's part)."""


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
    refused: frozenset[str] = frozenset()
    """Chats that refused this reminder for good (a failure not worth retrying)."""
    change: ChangeView | None = None
    """What an announced change changed (a reminder of kind CHANGE)."""
    link: LinkRequestView | None = None
    """The coalition asking to link (a reminder of kind LINK_REQUEST)."""
    goals: GoalsOverview | None = None
    """The goals with their statuses: this year's (a review, a digest) or the year just
    ended (a verdict)."""
    nudge: NudgeView | None = None
    """The indicator long without a check-in (a reminder of kind NUDGE)."""

    @property
    def subject_moment(self) -> datetime | None:
        """When the event starts or the deadline falls (a whole day's event and an activity's
        deadline at the end of their day)."""
        zone = self.coalition.zone
        if self.event is not None and self.event.all_day:
            return end_of_day(self.event.starts_at.astimezone(zone).date(), zone)
        if self.event is not None:
            return self.event.starts_at
        if self.activity is not None and self.activity.due_on is not None:
            return end_of_day(self.activity.due_on, zone)
        return None


@dataclass
class Audience:
    """A coalition's active bound chats and personal subscriptions: (chat, locale, area)."""

    chats: list[tuple[str, str | None, int | None]] = field(default_factory=list)
    people: list[tuple[str, str | None, int | None]] = field(default_factory=list)

    def everyone(self, default_locale: str) -> list[Destination]:
        """Every chat and person once, each with its area filter (chats first)."""
        found: dict[str, Destination] = {}
        for chat, locale, area in (*self.chats, *self.people):
            found.setdefault(chat, Destination(chat, locale or default_locale, area))
        return list(found.values())

    def chats_of(self, area_id: int | None, default_locale: str) -> list[Destination]:
        """The bound chats that hear about this area (an announcement goes to chats only)."""
        return [
            Destination(chat, locale or default_locale)
            for chat, locale, area in self.chats
            if area is None or area == area_id
        ]

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


class ReminderAssembly(Service):
    async def jobs(self, reminder_ids: Sequence[int]) -> list[ReminderJob]:
        """The claimed reminders, ready to word and send, in a few queries for all of them
        (reminders since deleted are left out)."""
        async with self._sessions() as session:
            claimed = (
                await session.execute(
                    select(Reminder, Coalition)
                    .join(Coalition, Coalition.id == Reminder.coalition_id)
                    .where(Reminder.id.in_(reminder_ids))
                    .order_by(Reminder.id)
                )
            ).all()
            if not claimed:
                return []
            reminders = [reminder for reminder, _coalition in claimed]
            coalitions = {coalition.id: coalition for _reminder, coalition in claimed}
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
                    if r.kind
                    in (ReminderKind.EVENT, ReminderKind.DEADLINE, ReminderKind.ANNOUNCEMENT)
                },
                # an announcement goes to the bound chats only: nobody's subscription is read
                people=any(
                    r.kind in (ReminderKind.EVENT, ReminderKind.DEADLINE) for r in reminders
                ),
            )
            going = await going_chats(
                session, {r.event_id for r in reminders if r.event_id and r.kind in TO_GOING}
            )
            already_sent: dict[int, set[str]] = {r.id: set() for r in reminders}
            refused: dict[int, set[str]] = {r.id: set() for r in reminders}
            # only a claimer records sends: a reminder claimed the first time has none yet
            tried = [r.id for r in reminders if r.attempts > 1]
            recorded = (
                await session.execute(
                    select(
                        Delivery.reminder_id,
                        Delivery.destination,
                        Delivery.state,
                        Delivery.failure,
                    ).where(
                        Delivery.reminder_id.in_(tried),
                        Delivery.state.in_((DeliveryState.SENT, DeliveryState.FAILED)),
                    )
                )
                if tried
                else ()
            )
            for rid, destination, state, failure in recorded:
                if state is DeliveryState.SENT:
                    already_sent[rid].add(destination)
                elif failure is not None and not failure.retryable:
                    refused[rid].add(destination)
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
                change = None
                link = None
                goals = None
                nudge = None
                people = [
                    Destination(chat, locale or coalition.default_locale)
                    for chat, locale in going.get(reminder.event_id or 0, ())
                ]
                if reminder.kind in (ReminderKind.CANCELLATION, ReminderKind.CHANGE):
                    destinations = await self._previously_reminded(
                        session, reminder, coalition, people
                    )
                    if reminder.kind is ReminderKind.CHANGE:
                        change = await change_of(session, reminder)
                elif reminder.kind is ReminderKind.ANNOUNCEMENT:
                    destinations = audiences[coalition.id].chats_of(
                        area_id, coalition.default_locale
                    )
                elif reminder.kind is ReminderKind.LINK_REQUEST:
                    chats, link = await link_request(session, reminder)
                    destinations = [
                        Destination(chat, locale or coalition.default_locale)
                        for chat, locale in chats
                    ]
                elif reminder.kind is ReminderKind.PROMOTION:
                    found = await promoted_chat(session, reminder)
                    destinations = (
                        [Destination(found[0], found[1] or coalition.default_locale)]
                        if found
                        else []
                    )
                elif reminder.kind is ReminderKind.DIGEST:
                    audience = (await self._audiences(session, {coalition.id}))[coalition.id]
                    destinations = audience.everyone(coalition.default_locale)
                    digest_events, digest_activities = await self._week(session, coalition)
                    goals = await goals_overview(session, coalition, None, self._clock())
                elif reminder.kind in (ReminderKind.REVIEW, ReminderKind.VERDICT):
                    audience = (await self._audiences(session, {coalition.id}))[coalition.id]
                    destinations = [
                        Destination(chat, locale or coalition.default_locale, area)
                        for chat, locale, area in audience.chats
                    ]
                    year = None
                    if reminder.kind is ReminderKind.VERDICT:
                        year = reminder.due_at.astimezone(ZoneInfo(coalition.timezone)).year - 1
                    goals = await goals_overview(session, coalition, year, self._clock())
                elif reminder.kind is ReminderKind.NUDGE:
                    chats, nudge = await nudge_of(session, reminder, self.policy, self._clock())
                    destinations = [
                        Destination(chat, locale or coalition.default_locale)
                        for chat, locale in chats
                    ]
                else:
                    destinations = audiences[coalition.id].destinations(
                        area_id, coalition.default_locale
                    )
                    reached = {d.chat_id for d in destinations}
                    destinations += [d for d in people if d.chat_id not in reached]
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
                        refused=frozenset(refused[reminder.id]),
                        change=change,
                        link=link,
                        goals=goals,
                        nudge=nudge,
                    )
                )
            return jobs

    async def _audiences(
        self, session: AsyncSession, coalition_ids: set[int], *, people: bool = True
    ) -> dict[int, Audience]:
        """The active bound chats and (with `people`) the personal subscriptions of these
        coalitions, in one query each for all of them."""
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
                func.coalesce(UserSetting.locale, Subscription.locale),
                Subscription.area_id,
            )
            .outerjoin(UserSetting, UserSetting.identity == Subscription.identity)
            .where(
                Subscription.coalition_id.in_(coalition_ids),
                Subscription.active.is_(True),
                Subscription.reachable.is_(True),
            )
        )
        for coalition_id, chat, locale, area_id in subscriptions:
            audiences[coalition_id].people.append((chat, locale, area_id))
        return audiences

    async def _previously_reminded(
        self,
        session: AsyncSession,
        reminder: Reminder,
        coalition: Coalition,
        people: list[Destination],
    ) -> list[Destination]:
        """The chats that were told of this event (announced, changed or reminded) and are
        still its audience (bound and active, subscribed, or going), in their language now."""
        audience = (await self._audiences(session, {coalition.id}))[coalition.id]
        current = {d.chat_id: d for d in people}
        current.update({d.chat_id: d for d in audience.everyone(coalition.default_locale)})
        reminded = await session.scalars(
            select(Delivery.destination)
            .join(Reminder, Reminder.id == Delivery.reminder_id)
            .where(
                Reminder.event_id == reminder.event_id,
                Reminder.kind.in_(TOLD_KINDS),
                Delivery.state == DeliveryState.SENT,
            )
            .distinct()
        )
        return [current[chat] for chat in sorted(reminded) if chat in current]

    async def _week(
        self, session: AsyncSession, coalition: Coalition
    ) -> tuple[tuple[EventView, ...], tuple[ActivityView, ...]]:
        now = self._clock()
        week_end = now + timedelta(days=7)
        # its own events and those its linked coalitions share with it, marked with their origin
        events = await session.execute(
            select(Event, Coalition.name)
            .join(Coalition, Coalition.id == Event.coalition_id)
            .options(*EVENT_RELATIONS)
            .where(
                or_(Event.coalition_id == coalition.id, Event.id.in_(shared_with(coalition.id))),
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
            tuple(
                replace_view(event_view(e), origin=name if e.coalition_id != coalition.id else None)
                for e, name in events
            ),
            tuple(activity_view(a) for a in activities),
        )
