"""The goals' automatic posts as reminder rows, planned in the caller's transaction.

- The progress review (`goal_review:COALITION`) and the year's verdict
  (`goal_verdict:COALITION`): the next of each, to the coalition's bound chats, planned at
  start, when a coalition gets its first indicator, and when the one before is done.
- The nudge (`goal_nudge:INDICATOR`): when an indicator filled in by hand has gone
  `nudge_days` calendar days without a check-in (counted from its last check-in, or from when
  it was made), at the review's time of day; again every `nudge_days` while nobody records.
  A check-in, a change of the indicator and start-up plan it anew.

They go out through the reminders' machinery (models/services/reminders): claimed once
across processes, a delivery row per destination, kept across restarts. The due time of a
nudge follows from the data alone, so planning it again (another process, a restart) finds
the same row (`uq_reminders_once`) and writes nothing.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.entities import Coalition
from models.goals.entities import CheckIn, Indicator, Source
from models.reminder_policy import ReminderPolicy, next_review, next_verdict, nudge_due
from models.reminders import Reminder, ReminderKind, ReminderState
from models.services.reminder_planning import insert_reminder

CHECK_IN_SOURCES = tuple(source for source in Source if source.takes_check_ins)
FINISHED = (ReminderState.SENT, ReminderState.FAILED, ReminderState.SKIPPED)
WAITING = (ReminderState.PENDING, ReminderState.CLAIMED)


def post_subject(kind: ReminderKind, owner_id: int) -> str:
    return f"{kind.value}:{owner_id}"


def nudged_indicator(subject: str) -> int | None:
    """The indicator a nudge's subject names."""
    kind, _, number = subject.partition(":")
    return int(number) if kind == ReminderKind.NUDGE.value and number.isdigit() else None


def next_posts(
    coalition: Coalition, policy: ReminderPolicy, now: datetime
) -> tuple[tuple[ReminderKind, datetime | None], ...]:
    """When the coalition's next review and verdict fall due (None: turned off)."""
    zone = ZoneInfo(coalition.timezone)
    review = next_review(now, policy.review_months, policy.review_weekday, policy.review_time, zone)
    verdict = next_verdict(now, policy.verdict_time, zone) if policy.verdict_time else None
    return (ReminderKind.REVIEW, review), (ReminderKind.VERDICT, verdict)


async def plan_goal_posts(
    session: AsyncSession, coalition: Coalition, policy: ReminderPolicy, now: datetime
) -> list[datetime]:
    """Plans the coalition's next review and verdict unless one is waiting. A future one
    planned for another time (the configuration changed) is replaced, and an overdue one stays
    to be sent late; one turned off goes, overdue or not."""
    planned: list[datetime] = []
    for kind, due in next_posts(coalition, policy, now):
        ours = (Reminder.coalition_id == coalition.id, Reminder.kind == kind)
        waiting_here = (*ours, Reminder.state == ReminderState.PENDING)
        if due is None:
            await session.execute(delete(Reminder).where(*waiting_here))
            continue
        await session.execute(
            delete(Reminder).where(*waiting_here, Reminder.due_at > now, Reminder.due_at != due)
        )
        waiting = await session.scalar(
            select(Reminder.id).where(*ours, Reminder.state.in_(WAITING)).limit(1)
        )
        if waiting is not None:
            continue
        await insert_reminder(
            session,
            coalition_id=coalition.id,
            kind=kind,
            subject=post_subject(kind, coalition.id),
            offset_minutes=0,
            due_at=due,
        )
        planned.append(due)  # written here or, at the same moment, by another process
    return planned


async def plan_nudges(
    session: AsyncSession,
    policy: ReminderPolicy,
    now: datetime,
    indicator_ids: Collection[int] | None = None,
) -> list[datetime]:
    """(Re)plans the nudge of each indicator filled in by hand (of `indicator_ids`, or all):
    a few queries for all of them. Returns the due times written."""
    last_check_in = (
        select(func.max(CheckIn.at))
        .where(CheckIn.indicator_id == Indicator.id)
        .correlate(Indicator)
        .scalar_subquery()
    )
    query = select(
        Indicator.id,
        Indicator.coalition_id,
        Indicator.created_at,
        Indicator.until_end,
        Indicator.source,
        Coalition.timezone,
        last_check_in.label("last_check_in"),
    ).join(Coalition, Coalition.id == Indicator.coalition_id)
    if indicator_ids is not None:
        query = query.where(Indicator.id.in_(indicator_ids))
    rows = (await session.execute(query)).all()
    subjects = {post_subject(ReminderKind.NUDGE, row.id): row for row in rows}
    if not subjects:
        return []
    nudged = dict(
        (
            await session.execute(
                select(Reminder.subject, func.max(Reminder.finished_at))
                .where(
                    Reminder.kind == ReminderKind.NUDGE,
                    Reminder.subject.in_(subjects),
                    Reminder.state.in_(FINISHED),
                )
                .group_by(Reminder.subject)
            )
        ).all()
    )
    wanted: dict[str, datetime | None] = {}
    for subject, row in subjects.items():
        silent_since = max(row.created_at, row.last_check_in or row.created_at)
        due = (
            next_nudge(silent_since, nudged.get(subject), policy, ZoneInfo(row.timezone))
            if row.source in CHECK_IN_SOURCES
            else None
        )
        if due is not None and row.until_end is not None and due >= row.until_end:
            due = None  # the period ends first: nothing left to record
        wanted[subject] = due
    waiting = await session.execute(
        select(Reminder.id, Reminder.subject, Reminder.due_at).where(
            Reminder.kind == ReminderKind.NUDGE,
            Reminder.subject.in_(subjects),
            Reminder.state == ReminderState.PENDING,
        )
    )
    outdated = [rid for rid, subject, due in waiting if due != wanted[subject]]
    if outdated:
        await session.execute(delete(Reminder).where(Reminder.id.in_(outdated)))
    planned: list[datetime] = []
    for subject, due in wanted.items():
        if due is not None and await insert_reminder(
            session,
            coalition_id=subjects[subject].coalition_id,
            kind=ReminderKind.NUDGE,
            subject=subject,
            offset_minutes=0,
            due_at=due,
        ):
            planned.append(due)
    return planned


def next_nudge(
    silent_since: datetime,
    last_nudged: datetime | None,
    policy: ReminderPolicy,
    zone: ZoneInfo,
) -> datetime | None:
    """The first `nudge_days` mark of the silence since `silent_since` that comes after the
    last nudge of that silence (None: nudges are off)."""
    if policy.nudge_days is None:
        return None
    step = policy.nudge_days
    marks = 1
    due = nudge_due(silent_since, step, policy.review_time, zone)
    if last_nudged is not None and last_nudged >= silent_since:
        marks = max(1, (last_nudged - silent_since).days // step)
        due = nudge_due(silent_since, step * marks, policy.review_time, zone)
        while due <= last_nudged:
            marks += 1
            due = nudge_due(silent_since, step * marks, policy.review_time, zone)
    return due
