"""The yearly plan: activities, their statuses, and the deadlines they make."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from models.entities import Activity, ActivityStatus, Event, EventKind, EventStatus, Role
from models.errors import Invalid, NotFound
from models.goals.entities import Source
from models.services.base import Service, area_view, coalition_id_of, page_and_total
from models.services.goals.service import linkable_indicator
from models.services.reminder_planning import plan_activity
from models.services.views import ActivityView, Deadline, Page
from models.validation import clean_text, optional_text

OPEN_STATUSES = (ActivityStatus.PLANNED, ActivityStatus.ACTIVE)


def activity_view(activity: Activity) -> ActivityView:
    return ActivityView(
        id=activity.id,
        title=activity.title,
        due_on=activity.due_on,
        status=activity.status,
        area=area_view(activity.area),
        organisation=activity.organisation.name if activity.organisation else None,
        notes=activity.notes,
        indicator_id=activity.indicator_id,
    )


# many-to-one: joined into the same query, no extra round trip per relation
RELATIONS = (joinedload(Activity.area), joinedload(Activity.organisation))


class ActivityService(Service):
    async def plan(
        self,
        coalition_slug: str,
        *,
        area: str | None = None,
        status: ActivityStatus | None = None,
        offset: int = 0,
        limit: int = 10,
    ) -> Page[ActivityView]:
        """Activities by due date (undated last); without a status, the open ones."""
        async with self._sessions() as session:
            if area is None:
                conditions = [Activity.coalition_id == coalition_id_of(coalition_slug)]
            else:
                coalition = await self._coalition(session, coalition_slug)
                conditions = [
                    Activity.coalition_id == coalition.id,
                    Activity.area_id == (await self._area(session, coalition.id, area)).id,
                ]
            if status is None:
                conditions.append(Activity.status.in_(OPEN_STATUSES))
            else:
                conditions.append(Activity.status == status)
            rows, total = await page_and_total(
                session,
                select(Activity)
                .options(*RELATIONS)
                .where(*conditions)
                .order_by(Activity.due_on.is_(None), Activity.due_on, Activity.id)
                .offset(offset)
                .limit(limit),
                select(func.count()).select_from(Activity).where(*conditions),
                offset,
            )
            if not rows and area is None:
                await self._require_coalition(session, coalition_slug)
            return Page(tuple(activity_view(row[0]) for row in rows), total, offset, limit)

    async def create(
        self,
        coalition_slug: str,
        actor: str,
        *,
        title: str,
        due_on: date | None,
        area: str | None = None,
        organisation: str | None = None,
        notes: str | None = None,
    ) -> ActivityView:
        async with self._sessions.begin() as session:
            coalition = await self._coalition_for(session, coalition_slug, actor, Role.COORDINATOR)
            activity = Activity(
                coalition_id=coalition.id,
                title=clean_text(title, "title", 200),
                due_on=due_on,
                notes=optional_text(notes, "notes", 2000),
                status=ActivityStatus.PLANNED,
            )
            # both relations set here, so the view needs no second look at the row
            activity.area = await self._area(session, coalition.id, area) if area else None
            activity.organisation = (
                await self._organisation(session, coalition.id, organisation)
                if organisation
                else None
            )
            session.add(activity)
            await session.flush()
            self._audit(
                session,
                coalition.id,
                actor,
                "activity.create",
                f"activity:{activity.id}",
                {"title": activity.title},
            )
            due = await plan_activity(
                session, activity, coalition, self.policy, self._clock(), new=True
            )
            view = activity_view(activity)
        self._planned(due)
        return view

    async def set_status(
        self, coalition_slug: str, actor: str, activity_id: int, status: ActivityStatus
    ) -> ActivityView:
        async with self._sessions.begin() as session:
            coalition = await self._coalition_for(session, coalition_slug, actor, Role.COORDINATOR)
            activity = await session.scalar(
                select(Activity)
                .options(*RELATIONS)
                .where(Activity.id == activity_id, Activity.coalition_id == coalition.id)
            )
            if activity is None:
                raise NotFound("activity", activity_id)
            previous = activity.status
            activity.status = status
            if status is not previous:
                activity.done_at = self._clock() if status is ActivityStatus.DONE else None
            self._audit(
                session,
                coalition.id,
                actor,
                "activity.status",
                f"activity:{activity.id}",
                {"from": previous.value, "to": status.value},
            )
            due = await plan_activity(session, activity, coalition, self.policy, self._clock())
            view = activity_view(activity)
        self._planned(due)
        return view

    async def edit(
        self,
        coalition_slug: str,
        actor: str,
        activity_id: int,
        *,
        title: str | None = None,
        due_on: date | None = None,
        clear_due: bool = False,
        area: str | None = None,
        organisation: str | None = None,
        notes: str | None = None,
        indicator: int | None = None,
    ) -> ActivityView:
        """Changes the given fields; an empty area, organisation or notes clears it,
        `clear_due` the due date, and indicator 0 unlinks the activity from its indicator."""
        async with self._sessions.begin() as session:
            coalition = await self._coalition_for(session, coalition_slug, actor, Role.COORDINATOR)
            activity = await session.scalar(
                select(Activity)
                .options(*RELATIONS)
                .where(Activity.id == activity_id, Activity.coalition_id == coalition.id)
                .with_for_update(of=Activity)
            )
            if activity is None:
                raise NotFound("activity", activity_id)
            changed: dict[str, object] = {}
            if title is not None:
                activity.title = changed["title"] = clean_text(title, "title", 200)
            if due_on is not None or clear_due:
                activity.due_on = due_on
                changed["due_on"] = due_on.isoformat() if due_on else None
            if area is not None:
                activity.area = await self._area(session, coalition.id, area) if area else None
                changed["area"] = area
            if organisation is not None:
                activity.organisation = (
                    await self._organisation(session, coalition.id, organisation)
                    if organisation
                    else None
                )
                changed["organisation"] = organisation
            if notes is not None:
                activity.notes = changed["notes"] = optional_text(notes, "notes", 2000)
            if indicator is not None:
                activity.indicator_id = (
                    await linkable_indicator(session, coalition.id, indicator, Source.ACTIVITIES)
                    if indicator
                    else None
                )
                changed["indicator"] = activity.indicator_id
            if not changed:
                raise Invalid("changes", "empty")
            self._audit(
                session, coalition.id, actor, "activity.edit", f"activity:{activity.id}", changed
            )
            await session.flush()
            due: list[datetime] = []
            if "due_on" in changed:
                due = await plan_activity(session, activity, coalition, self.policy, self._clock())
            await session.refresh(activity, ["area", "organisation"])
            view = activity_view(activity)
        self._planned(due)
        return view

    async def deadlines(
        self, coalition_slug: str, *, offset: int = 0, limit: int = 10
    ) -> Page[Deadline]:
        """Open activities' due dates and deadline events from today on, soonest first."""
        async with self._sessions() as session:
            coalition = await self._coalition(session, coalition_slug)
            zone = ZoneInfo(coalition.timezone)
            today = self._clock().astimezone(zone).date()
            day_start = datetime.combine(today, time(), tzinfo=zone)
            activity_where = (
                Activity.coalition_id == coalition.id,
                Activity.status.in_(OPEN_STATUSES),
                Activity.due_on >= today,
            )
            event_where = (
                Event.coalition_id == coalition.id,
                Event.kind == EventKind.DEADLINE,
                Event.status == EventStatus.SCHEDULED,
                Event.starts_at >= day_start,
            )
            # each count rides along with its list (a scalar subquery), and an empty list
            # means a count of 0: no offset is applied to these two queries
            window = offset + limit
            activities = (
                await session.execute(
                    select(Activity)
                    .options(*RELATIONS)
                    .where(*activity_where)
                    .order_by(Activity.due_on, Activity.id)
                    .limit(window)
                    .add_columns(
                        select(func.count())
                        .select_from(Activity)
                        .where(*activity_where)
                        .correlate(None)
                        .scalar_subquery()
                    )
                )
            ).all()
            events = (
                await session.execute(
                    select(Event)
                    .options(joinedload(Event.area))
                    .where(*event_where)
                    .order_by(Event.starts_at, Event.id)
                    .limit(window)
                    .add_columns(
                        select(func.count())
                        .select_from(Event)
                        .where(*event_where)
                        .correlate(None)
                        .scalar_subquery()
                    )
                )
            ).all()
            total = (activities[0][1] if activities else 0) + (events[0][1] if events else 0)
            merged = [
                Deadline(a.title, a.due_on, "activity", a.id, area_view(a.area))
                for a, _count in activities
                if a.due_on is not None
            ] + [
                Deadline(
                    e.title, e.starts_at.astimezone(zone).date(), "event", e.id, area_view(e.area)
                )
                for e, _count in events
            ]
            merged.sort(key=lambda d: (d.due, d.source, d.source_id))
            return Page(tuple(merged[offset:window]), total, offset, limit)
