"""Writing reminder rows when events and activities are created, moved or cancelled.

These run inside the caller's transaction, so an event and its reminders change together.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, delete, or_, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.expression import Executable

from models.entities import Activity, ActivityStatus, Coalition, Event, EventKind, EventStatus
from models.reminder_policy import ReminderPolicy, before, deadline_due
from models.reminders import (
    TOLD_KINDS,
    Delivery,
    DeliveryState,
    Reminder,
    ReminderKind,
    ReminderState,
)


def event_subject(event_id: int) -> str:
    return f"event:{event_id}"


def activity_subject(activity_id: int) -> str:
    return f"activity:{activity_id}"


def _owned_by(subject: str) -> ColumnElement[bool]:
    """The reminders of an event or activity by its indexed id column, and by subject.

    The subject alone is not indexed: finding its rows would scan every pending (or sent)
    reminder, once per event planned.
    """
    kind, _, number = subject.partition(":")
    owner = Reminder.event_id if kind == "event" else Reminder.activity_id
    return and_(owner == int(number), Reminder.subject == subject)


async def _drop_pending(session: AsyncSession, subject: str) -> None:
    await session.execute(
        delete(Reminder).where(
            _owned_by(subject),
            Reminder.state == ReminderState.PENDING,
            Reminder.kind != ReminderKind.CANCELLATION,
        )
    )


async def _sent_offsets(session: AsyncSession, subject: str) -> set[int]:
    """The offsets reminded already: sent, being sent, or failed somewhere but sent elsewhere."""
    reached = (
        select(Delivery.id)
        .where(Delivery.reminder_id == Reminder.id, Delivery.state == DeliveryState.SENT)
        .exists()
    )
    rows = await session.scalars(
        select(Reminder.offset_minutes).where(
            _owned_by(subject),
            or_(
                Reminder.state.in_((ReminderState.SENT, ReminderState.CLAIMED)),
                and_(Reminder.state == ReminderState.FAILED, reached),
            ),
        )
    )
    return set(rows)


async def insert_reminder(session: AsyncSession, **values: Any) -> bool:
    """Writes a pending reminder unless the same one (`uq_reminders_once`) exists; True when
    written. Idempotent across transactions and processes: a concurrent identical insert
    waits for the other and is then skipped, never an error."""
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert(Reminder)
        .values(state=ReminderState.PENDING, attempts=0, **values)
        .on_conflict_do_nothing(index_elements=["kind", "subject", "offset_minutes", "due_at"])
        .returning(Reminder.id)
    )
    return (await session.scalar(statement)) is not None


def _row(
    coalition: Coalition,
    kind: ReminderKind,
    subject: str,
    offset: int,
    due: datetime,
    *,
    event_id: int | None = None,
    activity_id: int | None = None,
) -> dict[str, Any]:
    return {
        "coalition_id": coalition.id,
        "kind": kind,
        "subject": subject,
        "event_id": event_id,
        "activity_id": activity_id,
        "offset_minutes": offset,
        "due_at": due,
    }


@functools.cache
def _pending_insert(dialect: str) -> Executable:
    """INSERT of pending reminders that skips any existing already (`uq_reminders_once`, as
    `insert_reminder` does), giving back the due times written: built once per database, so
    it is compiled once whatever the number of rows, which go in batches (executemany); a
    multi-row VALUES of thousands of rows costs more to build than to run."""
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    return (
        insert(Reminder)
        .on_conflict_do_nothing(index_elements=["kind", "subject", "offset_minutes", "due_at"])
        .returning(Reminder.due_at)
    )


async def _add_all(session: AsyncSession, rows: list[dict[str, Any]]) -> list[datetime]:
    """Writes pending reminders in one statement; returns the due times written."""
    if not rows:
        return []
    statement = _pending_insert(session.get_bind().dialect.name)
    # on the connection: reminders are bookkeeping, and the ORM's bulk insert adds nothing here
    connection = await session.connection()
    pending = [{"state": ReminderState.PENDING, "attempts": 0, **row} for row in rows]
    return [_aware(due) for due in (await connection.scalars(statement, pending)).all()]


def _aware(due: datetime) -> datetime:
    """SQLite gives back naive times: they are UTC, as stored."""
    return due if due.tzinfo is not None else due.replace(tzinfo=UTC)


async def plan_event(
    session: AsyncSession,
    event: Event,
    coalition: Coalition,
    policy: ReminderPolicy,
    now: datetime,
    *,
    previous_start: datetime | None = None,
    new: bool = False,
    also: Sequence[dict[str, Any]] = (),
) -> list[datetime]:
    """(Re)writes the pending reminders of an event; returns the new due times. A `new`
    event has no reminders yet: nothing to drop or to look up. Rows `also` given (an
    announcement) are written in the same statement.

    An event with a time is reminded its offsets before it starts; a deadline or an event
    of a whole day (no time) at the deadline time (09:00) on the offset's day, so offsets
    shorter than a day remind on the day itself, once.

    An offset already reminded is reminded again only when the event moved so far that the
    new reminder falls after the old start: otherwise people would hear the same thing twice.
    """
    subject = event_subject(event.id)
    if not new:
        await _drop_pending(session, subject)
    if event.status is EventStatus.CANCELLED or event.starts_at <= now:
        return await _add_all(session, list(also))
    already = set() if new else await _sent_offsets(session, subject)
    return await _add_all(
        session, [*_event_rows(event, coalition, policy, now, already, previous_start), *also]
    )


def _event_rows(
    event: Event,
    coalition: Coalition,
    policy: ReminderPolicy,
    now: datetime,
    already: set[int],
    previous_start: datetime | None,
) -> list[dict[str, Any]]:
    """The reminders an open event wants (plan_event), but the offsets `already` reminded."""
    if event.status is EventStatus.CANCELLED or event.starts_at <= now:
        return []
    subject = event_subject(event.id)
    zone = ZoneInfo(coalition.timezone)
    deadline = event.kind is EventKind.DEADLINE
    offsets = (
        (coalition.deadline_offsets or policy.deadline_offsets)
        if deadline
        else (coalition.event_offsets or policy.event_offsets)
    )
    rows: list[dict[str, Any]] = []
    by_day = deadline or event.all_day
    seen: set[datetime] = set()
    for offset in offsets:
        if by_day:
            # a day's event or a deadline: at the deadline time, whole days before its day
            due = deadline_due(
                event.starts_at.astimezone(zone).date(), offset, policy.deadline_time, zone
            )
            if not event.all_day:
                due = min(due, event.starts_at)
        else:
            due = before(event.starts_at, offset, zone)
        if due <= now or due in seen:
            continue
        seen.add(due)
        if offset in already and (previous_start is None or due <= previous_start):
            continue
        kind = ReminderKind.DEADLINE if deadline else ReminderKind.EVENT
        rows.append(_row(coalition, kind, subject, offset, due, event_id=event.id))
    return rows


async def plan_activity(
    session: AsyncSession,
    activity: Activity,
    coalition: Coalition,
    policy: ReminderPolicy,
    now: datetime,
    *,
    new: bool = False,
) -> list[datetime]:
    """(Re)writes the deadline reminders of an open activity with a due date (a `new` one
    has none to drop or look up)."""
    subject = activity_subject(activity.id)
    if not new:
        await _drop_pending(session, subject)
    if activity.due_on is None or activity.status not in (
        ActivityStatus.PLANNED,
        ActivityStatus.ACTIVE,
    ):
        return []
    already = set() if new else await _sent_offsets(session, subject)
    return await _add_all(session, _activity_rows(activity, coalition, policy, now, already))


def _activity_rows(
    activity: Activity,
    coalition: Coalition,
    policy: ReminderPolicy,
    now: datetime,
    already: set[int],
) -> list[dict[str, Any]]:
    """The deadline reminders an open activity wants (plan_activity)."""
    if activity.due_on is None or activity.status not in (
        ActivityStatus.PLANNED,
        ActivityStatus.ACTIVE,
    ):
        return []
    subject = activity_subject(activity.id)
    zone = ZoneInfo(coalition.timezone)
    rows: list[dict[str, Any]] = []
    for offset in coalition.deadline_offsets or policy.deadline_offsets:
        due = deadline_due(activity.due_on, offset, policy.deadline_time, zone)
        if due <= now or offset in already:
            continue
        rows.append(
            _row(coalition, ReminderKind.DEADLINE, subject, offset, due, activity_id=activity.id)
        )
    return rows


async def plan_new(
    session: AsyncSession,
    coalition: Coalition,
    policy: ReminderPolicy,
    now: datetime,
    *,
    events: Sequence[Event] = (),
    activities: Sequence[Activity] = (),
) -> list[datetime]:
    """The reminders of many new (flushed) events and activities, in a few statements: as
    plan_event and plan_activity with `new=True` each would write them (an import)."""
    rows = [r for e in events for r in _event_rows(e, coalition, policy, now, set(), None)]
    rows += [r for a in activities for r in _activity_rows(a, coalition, policy, now, set())]
    return await _add_all(session, rows)


async def was_told(session: AsyncSession, event_id: int) -> bool:
    """Whether any chat has heard of the event: an announcement or a reminder went out."""
    told = await session.scalar(
        select(Delivery.id)
        .join(Reminder, Reminder.id == Delivery.reminder_id)
        .where(
            Reminder.event_id == event_id,
            Reminder.kind.in_(TOLD_KINDS),
            Delivery.state == DeliveryState.SENT,
        )
        .limit(1)
    )
    return told is not None


async def plan_cancellation(
    session: AsyncSession, event: Event, coalition: Coalition, now: datetime
) -> list[datetime]:
    """Drops an event's pending reminders; one notice goes to the chats already told of it
    (an announcement, a change or a reminder)."""
    subject = event_subject(event.id)
    await _drop_pending(session, subject)
    # and what was still to be announced of it (announcements keep subjects of their own)
    await session.execute(
        delete(Reminder).where(
            Reminder.event_id == event.id,
            Reminder.state == ReminderState.PENDING,
            Reminder.kind != ReminderKind.CANCELLATION,
        )
    )
    if not await was_told(session, event.id):
        return []
    notice = _row(coalition, ReminderKind.CANCELLATION, subject, 0, now, event_id=event.id)
    return await _add_all(session, [notice])
