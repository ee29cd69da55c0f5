"""What admins see of a coalition's reminders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from models.entities import Area, ChatBinding, Role
from models.reminders import Delivery, DeliveryState, Reminder, ReminderState
from models.send_failure import SendFailure
from models.services.base import Service

FAILED_SENDS_SHOWN = 10


@dataclass(frozen=True)
class FailedSend:
    """The last failed send to one chat: why (`failure`, and in the platform's words)."""

    chat_id: str
    failure: SendFailure | None
    error: str
    at: datetime


@dataclass(frozen=True)
class ReminderStatus:
    pending: int
    sent: int
    failed: int
    skipped: int
    chat_bound: bool = False
    """The chat asked from is bound to the coalition (and active)."""
    chat_area: str | None = None
    """The area it gets reminders of; None: every area."""
    failed_sends: tuple[FailedSend, ...] = ()
    """The chats whose last send failed in the window, the latest first (at most 10)."""


class ReminderStatusQueries(Service):
    async def status(
        self, coalition_slug: str, actor: str, chat_id: str | None = None
    ) -> ReminderStatus:
        """Counts of the last 7 days (pending: all still due), what the chat `chat_id` gets,
        and the chats that could not be reached, with the reason; for admins."""
        async with self._sessions() as session:
            coalition = await self._coalition_for(session, coalition_slug, actor, Role.ADMIN)
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
            binding = (
                await session.execute(
                    select(ChatBinding.id, Area.name)
                    .outerjoin(Area, Area.id == ChatBinding.area_id)
                    .where(
                        ChatBinding.chat_id == chat_id,
                        ChatBinding.coalition_id == coalition.id,
                        ChatBinding.active.is_(True),
                    )
                )
            ).first()
            failed: dict[str, FailedSend] = {}
            for chat_id, failure, error, at in await session.execute(
                select(Delivery.destination, Delivery.failure, Delivery.error, Delivery.at)
                .join(Reminder, Reminder.id == Delivery.reminder_id)
                .where(
                    Reminder.coalition_id == coalition.id,
                    Delivery.state == DeliveryState.FAILED,
                    Delivery.at >= since,
                )
                .order_by(Delivery.at.desc(), Delivery.id.desc())
                .limit(FAILED_SENDS_SHOWN * 10)
            ):
                if chat_id not in failed and len(failed) < FAILED_SENDS_SHOWN:
                    failed[chat_id] = FailedSend(chat_id, failure, error or "", at)
            return ReminderStatus(
                pending=counts[ReminderState.PENDING] + counts[ReminderState.CLAIMED],
                sent=counts[ReminderState.SENT],
                failed=counts[ReminderState.FAILED],
                skipped=counts[ReminderState.SKIPPED],
                chat_bound=binding is not None,
                chat_area=binding[1] if binding is not None else None,
                failed_sends=tuple(failed.values()),
            )
