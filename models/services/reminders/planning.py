"""Planning what is due: reminders missing for existing rows, the weekly digests, and the
goals' review, verdict and nudges."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from models.entities import Activity, ActivityStatus, Coalition, Event, EventStatus
from models.goals.entities import Indicator
from models.reminder_policy import ReminderPolicy, next_digest
from models.reminders import Reminder, ReminderKind, ReminderState
from models.services.base import Service
from models.services.goals.planning import plan_goal_posts, plan_nudges
from models.services.reminder_planning import insert_reminder, plan_activity, plan_event

PLAN_BATCH = 500


async def plan_digest(
    session: AsyncSession, coalition: Coalition, policy: ReminderPolicy, now: datetime
) -> list[datetime]:
    """Plans the coalition's next weekly digest unless one is already waiting."""
    if policy.digest_weekday is None:
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
    due = next_digest(now, policy.digest_weekday, policy.digest_time, ZoneInfo(coalition.timezone))
    await insert_reminder(
        session,
        coalition_id=coalition.id,
        kind=ReminderKind.DIGEST,
        subject=f"digest:{coalition.id}",
        offset_minutes=0,
        due_at=due,
    )
    return [due]  # written here or, at the same moment, by another process


class ReminderPlanning(Service):
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
                for event in await session.scalars(
                    select(Event).where(Event.id.in_(chosen)).order_by(Event.id)
                ):
                    coalition = coalitions[event.coalition_id]
                    planned += await plan_event(session, event, coalition, self.policy, now)
                chosen = activity_ids[start : start + batch]
                for activity in await session.scalars(
                    select(Activity).where(Activity.id.in_(chosen)).order_by(Activity.id)
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
                planned += await plan_digest(session, coalition, self.policy, self._clock())
            return planned

    async def ensure_goal_posts(self) -> list[datetime]:
        """Makes sure each coalition with indicators has its next review and verdict planned,
        and each indicator filled in by hand its nudge (as the configuration now says)."""
        now = self._clock()
        async with self._sessions.begin() as session:
            planned: list[datetime] = []
            has_indicators = select(Indicator.id).where(Indicator.coalition_id == Coalition.id)
            for coalition in await session.scalars(
                select(Coalition).where(has_indicators.exists()).order_by(Coalition.id)
            ):
                planned += await plan_goal_posts(session, coalition, self.policy, now)
            planned += await plan_nudges(session, self.policy, now)
            return planned
