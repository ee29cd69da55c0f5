"""What admins see of a coalition's reminders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select

from models.entities import Role
from models.reminders import Reminder, ReminderState
from models.services.base import Service


@dataclass(frozen=True)
class ReminderStatus:
    pending: int
    sent: int
    failed: int
    skipped: int


class ReminderStatusQueries(Service):
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
