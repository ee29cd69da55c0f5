"""What every service shares: sessions, the clock, permission checks and the audit."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row, ScalarSelect, Select, bindparam, insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.entities import Area, AuditEntry, Coalition, Member, Organisation, Role
from models.errors import Invalid, NotFound, PermissionDenied
from models.reminder_policy import ReminderPolicy
from models.services.views import AreaView, CoalitionView

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def coalition_view(coalition: Coalition) -> CoalitionView:
    return CoalitionView(
        coalition.id, coalition.slug, coalition.name, coalition.timezone, coalition.default_locale
    )


def storable_slug(slug: str) -> str:
    """The slug as a query parameter; NotFound for one no coalition can have (PostgreSQL
    refuses NUL in text parameters, and no slug holds one)."""
    if "\x00" in slug:
        raise NotFound("coalition", slug)
    return slug


def coalition_id_of(slug: str) -> ScalarSelect[int]:
    """The coalition's id inside a query by slug: no statement of its own."""
    storable_slug(slug)
    return select(Coalition.id).where(Coalition.slug == slug).scalar_subquery()


def area_view(area: Area | None) -> AreaView | None:
    return AreaView(area.id, area.slug, area.name) if area is not None else None


async def page_and_total(
    session: AsyncSession,
    page: Select[*tuple[Any, ...]],
    total: Select[int],
    offset: int,
) -> tuple[Sequence[Row[*tuple[Any, ...]]], int]:
    """A page of rows and the count of all matches, in one round trip when the page has rows.

    The count rides along as an uncorrelated scalar subquery (computed once per statement);
    its value is the last column of every row. Only a page past the end costs a second query.
    """
    # never correlated with the page's own tables: it counts every match, not this row
    count = total.correlate(None).scalar_subquery()
    rows = (await session.execute(page.add_columns(count))).all()
    if rows:
        return rows, int(rows[0][-1])
    if offset == 0:
        return rows, 0
    return rows, await session.scalar(total) or 0


@functools.cache
def coalition_and_role() -> Select[*tuple[Any, ...]]:
    """The coalition by `slug` and the role `actor` holds there: what every write checks
    first. Built once, like directory.bound_chat_contexts."""
    return select(
        Coalition,
        select(Member.role)
        .where(Member.coalition_id == Coalition.id, Member.identity == bindparam("actor"))
        .scalar_subquery(),
    ).where(Coalition.slug == bindparam("slug"))


class Service:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock = utc_now,
        *,
        policy: ReminderPolicy | None = None,
        on_planned: Callable[[list[datetime]], None] | None = None,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self.policy = policy or ReminderPolicy()
        self._on_planned = on_planned

    def _planned(self, due_times: list[datetime]) -> None:
        """Tells the scheduler (if any) about new due times, after the commit."""
        if due_times and self._on_planned is not None:
            self._on_planned(due_times)

    async def _coalition(self, session: AsyncSession, slug: str) -> Coalition:
        storable_slug(slug)
        coalition = await session.scalar(select(Coalition).where(Coalition.slug == slug))
        if coalition is None:
            raise NotFound("coalition", slug)
        return coalition

    async def _require_coalition(self, session: AsyncSession, slug: str) -> None:
        """NotFound unless the coalition exists: asked only when a query by slug found
        nothing, to tell an unknown coalition from an empty answer."""
        await self._coalition(session, slug)

    async def _coalition_for(
        self, session: AsyncSession, slug: str, actor: str, required: Role
    ) -> Coalition:
        """The coalition by slug when `actor` holds at least `required` there: one statement
        for what every write checks first."""
        storable_slug(slug)
        found = (
            await session.execute(coalition_and_role(), {"slug": slug, "actor": actor})
        ).first()
        if found is None:
            raise NotFound("coalition", slug)
        coalition: Coalition = found[0]
        held: Role | None = found[1]
        if not (held or Role.MEMBER).at_least(required):
            raise PermissionDenied(required)
        return coalition

    async def _role(self, session: AsyncSession, coalition_id: int, identity: str) -> Role:
        role = await session.scalar(
            select(Member.role).where(
                Member.coalition_id == coalition_id, Member.identity == identity
            )
        )
        return role or Role.MEMBER

    async def _require(
        self, session: AsyncSession, coalition_id: int, identity: str, required: Role
    ) -> None:
        if not (await self._role(session, coalition_id, identity)).at_least(required):
            raise PermissionDenied(required)

    async def _area(self, session: AsyncSession, coalition_id: int, slug: str) -> Area:
        """An area of this coalition by slug or name, case-insensitively."""
        wanted = slug.strip().casefold()
        areas = (await session.scalars(select(Area).where(Area.coalition_id == coalition_id))).all()
        for area in areas:
            if wanted in (area.slug.casefold(), area.name.casefold()):
                return area
        raise NotFound("area", slug)

    async def _organisation(
        self, session: AsyncSession, coalition_id: int, name: str
    ) -> Organisation:
        """An organisation by exact name, else the only one whose name contains the words."""
        wanted = name.strip().casefold()
        organisations = (
            await session.scalars(
                select(Organisation).where(Organisation.coalition_id == coalition_id)
            )
        ).all()
        exact = [o for o in organisations if o.name.casefold() == wanted]
        partial = [o for o in organisations if wanted in o.name.casefold()]
        if exact or len(partial) == 1:
            return (exact or partial)[0]
        if partial:
            names = tuple(sorted(o.name for o in partial))
            raise Invalid("organisation", "ambiguous", value=name.strip(), choices=names)
        raise NotFound("organisation", name)

    async def _audit_now(
        self,
        session: AsyncSession,
        coalition_id: int | None,
        actor: str,
        action: str,
        target: str,
        detail: dict[str, object] | None = None,
    ) -> None:
        """The audit entry written at once on the session's connection (one prebuilt
        statement, no unit of work to flush): for the busiest writes."""
        connection = await session.connection()
        await connection.execute(
            insert(AuditEntry),
            {
                "coalition_id": coalition_id,
                "actor": actor,
                "action": action,
                "target": target,
                "detail": detail,
                "at": self._clock(),
            },
        )

    def _audit(
        self,
        session: AsyncSession,
        coalition_id: int | None,
        actor: str,
        action: str,
        target: str,
        detail: dict[str, object] | None = None,
    ) -> None:
        session.add(
            AuditEntry(
                coalition_id=coalition_id,
                actor=actor,
                action=action,
                target=target,
                detail=detail,
                at=self._clock(),
            )
        )
