"""What a claimed goals' post is about: the nudge's indicator and its coordinators (the review
and the verdict take the goals' overview, `goals_overview`)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.entities import Coalition, Member, Role, UserSetting
from models.goals.entities import CheckIn, Goal, Indicator
from models.reminder_policy import ReminderPolicy, nudge_due
from models.reminders import Reminder
from models.services.goals.planning import nudged_indicator
from models.services.goals.service import current_indicator
from models.services.goals.views import NudgeView
from models.services.rsvp.notices import personal_chat


async def nudge_of(
    session: AsyncSession, reminder: Reminder, policy: ReminderPolicy, now: datetime
) -> tuple[list[tuple[str, str | None]], NudgeView | None]:
    """The coordinators' and admins' private chats (with their language) and the indicator,
    while it is still silent; nothing once someone has recorded a value meanwhile, the
    indicator is no longer filled in by hand, or its period is over."""
    indicator_id = nudged_indicator(reminder.subject)
    indicator = await session.get(Indicator, indicator_id) if indicator_id else None
    if indicator is None or policy.nudge_days is None or not indicator.source.takes_check_ins:
        return [], None
    coalition = await session.get_one(Coalition, indicator.coalition_id)
    last = await session.scalar(
        select(func.max(CheckIn.at)).where(CheckIn.indicator_id == indicator.id)
    )
    silent_since = max(indicator.created_at, last or indicator.created_at)
    zone = ZoneInfo(coalition.timezone)
    if nudge_due(silent_since, policy.nudge_days, policy.review_time, zone) > reminder.due_at:
        return [], None
    view = await current_indicator(session, coalition, indicator.id, now)
    if view.over:
        return [], None
    goal = await session.get_one(Goal, indicator.goal_id)
    coordinators = await session.execute(
        select(Member.identity, UserSetting.locale)
        .outerjoin(UserSetting, UserSetting.identity == Member.identity)
        .where(
            Member.coalition_id == coalition.id,
            Member.role.in_((Role.COORDINATOR, Role.ADMIN)),
        )
        .order_by(Member.identity)
    )
    chats = [
        (chat, locale)
        for identity, locale in coordinators
        if (chat := personal_chat(identity, None)) is not None
    ]
    return chats, NudgeView(view, goal.title, last, silent_since)
