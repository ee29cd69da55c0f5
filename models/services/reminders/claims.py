"""Claiming due reminders once across processes, their leases, and what was sent where."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import ColumnElement, Table, and_, bindparam, func, or_, select, type_coerce, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import ReturningInsert

from models.base import UTCDateTime
from models.entities import Coalition
from models.reminders import Delivery, DeliveryState, Reminder, ReminderKind, ReminderState
from models.send_failure import SendFailure
from models.services.base import Service
from models.services.goals.planning import (
    nudged_indicator,
    plan_goal_posts,
    plan_nudges,
)
from models.services.reminders.planning import plan_digest

MAX_ATTEMPTS = 5
DELIVERIES = cast(Table, Delivery.__table__)

DeliveryKey = tuple[int, str]
"""(reminder id, destination chat)"""
Finished = tuple[DeliveryKey, SendFailure | None, str | None, str | None]
"""A send that is done: (its key, why it failed and the platform's words, None, None when
sent; the posted message's id, if the platform gave one)"""
END_DELIVERY = (
    update(DELIVERIES)
    .where(
        DELIVERIES.c.reminder_id == bindparam("key_reminder"),
        DELIVERIES.c.destination == bindparam("key_destination"),
    )
    .values(
        state=bindparam("new_state", type_=DELIVERIES.c.state.type),
        error=bindparam("new_error", type_=DELIVERIES.c.error.type),
        failure=bindparam("new_failure", type_=DELIVERIES.c.failure.type),
        at=bindparam("new_at", type_=DELIVERIES.c.at.type),
        message_ref=bindparam("new_ref", type_=DELIVERIES.c.message_ref.type),
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


def database_now(dialect: str, plus: timedelta = timedelta()) -> ColumnElement[datetime]:
    """The database's clock (plus `plus`): processes on hosts whose clocks differ agree on
    when a lease runs out. On SQLite it is the one host's clock, in the stored text form."""
    if dialect == "postgresql":
        return func.now() + plus
    modifier = f"{plus.total_seconds():+.3f} seconds"
    stored = func.strftime("%Y-%m-%d %H:%M:%f", "now", modifier).concat("000")
    return type_coerce(stored, UTCDateTime())


@dataclass(frozen=True)
class Outcome:
    """How a claimed reminder ended: sent, skipped or failed (to retry after `retry_in`)."""

    reminder_id: int
    state: ReminderState
    error: str | None = None
    retry_in: timedelta | None = None


class ReminderClaims(Service):
    async def claim_due(self, worker: str, lease: timedelta, limit: int = 50) -> list[int]:
        """Atomically takes up to `limit` due reminders (or ones whose lease ran out).

        Whether a reminder is due is read on this process's clock; a lease is given and
        judged on the database's, so a host whose clock runs ahead takes over no live claim.
        A pending reminder's `lease_until` is the time its retry waits for (this clock).
        """
        now = self._clock()
        async with self._sessions.begin() as session:
            dialect = session.get_bind().dialect.name
            due = or_(
                and_(
                    Reminder.state == ReminderState.PENDING,
                    Reminder.due_at <= now,
                    or_(Reminder.lease_until.is_(None), Reminder.lease_until <= now),
                ),
                and_(
                    Reminder.state == ReminderState.CLAIMED,
                    Reminder.lease_until < database_now(dialect),
                ),
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
                lease_until=database_now(dialect, lease),
                attempts=Reminder.attempts + 1,
            )
            if dialect == "postgresql":
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
                .values(lease_until=database_now(session.get_bind().dialect.name, lease))
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

    async def record_deliveries(
        self,
        starting: Sequence[DeliveryKey],
        finished: Sequence[Finished],
    ) -> set[DeliveryKey]:
        """Records, in one transaction, sends that are about to happen (as sending) and sends
        that are done (sent, or failed: why, in the platform's words); returns the starting
        ones not already sent."""
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
                            "new_state": DeliveryState.SENT
                            if failure is None
                            else DeliveryState.FAILED,
                            "new_error": error,
                            "new_failure": failure,
                            "new_at": now,
                            "new_ref": ref,
                        }
                        for (reminder_id, destination), failure, error, ref in finished
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

    async def finish_all(self, worker: str, outcomes: Sequence[Outcome]) -> list[datetime]:
        """Closes claimed reminders (or hands them back for a retry), in one transaction;
        returns the new due times."""
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
            failed_before = await self._failed_sends(
                session,
                [
                    o.reminder_id
                    for o in outcomes
                    if o.state is ReminderState.SENT
                    # a first try recorded no failure before this one
                    and (found := reminders.get(o.reminder_id)) is not None
                    and found.attempts > 1
                ],
            )
            for outcome in outcomes:
                reminder = reminders.get(outcome.reminder_id)
                if reminder is None or reminder.claimed_by != worker:
                    continue
                if outcome.reminder_id in failed_before:
                    # sent everywhere it could go now, but refused for good somewhere before
                    outcome = replace(
                        outcome,
                        state=ReminderState.FAILED,
                        error=failed_before[outcome.reminder_id],
                    )
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
                planned += await self._plan_next(session, reminder, now)
        return planned

    async def _plan_next(
        self, session: AsyncSession, reminder: Reminder, now: datetime
    ) -> list[datetime]:
        """What follows a finished digest, review, verdict or nudge: the next one."""
        if reminder.kind in (ReminderKind.DIGEST, ReminderKind.REVIEW, ReminderKind.VERDICT):
            coalition = await session.get_one(Coalition, reminder.coalition_id)
            if reminder.kind is ReminderKind.DIGEST:
                return await plan_digest(session, coalition, self.policy, now)
            return await plan_goal_posts(session, coalition, self.policy, now)
        indicator_id = nudged_indicator(reminder.subject)
        if reminder.kind is ReminderKind.NUDGE and indicator_id is not None:
            return await plan_nudges(session, self.policy, now, [indicator_id])
        return []

    @staticmethod
    async def _failed_sends(session: AsyncSession, reminder_ids: list[int]) -> dict[int, str]:
        """Of these reminders, those with a send recorded as failed: the first, in words."""
        if not reminder_ids:
            return {}
        found: dict[int, str] = {}
        for reminder_id, destination, error in await session.execute(
            select(Delivery.reminder_id, Delivery.destination, Delivery.error)
            .where(Delivery.reminder_id.in_(reminder_ids), Delivery.state == DeliveryState.FAILED)
            .order_by(Delivery.id)
        ):
            found.setdefault(reminder_id, f"{destination}: {error}")
        return found
