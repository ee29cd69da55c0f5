"""Files held between an import's preview and its Confirm: stored for the person who sent
them, confirmed once, within HOLD_MINUTES, by them alone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.entities import Coalition, Role
from models.held.entities import HOLD_MINUTES, HeldImport, HeldState
from models.imports.columns import Kind
from models.services.base import Service

KEPT = timedelta(days=1)
"""Rows of finished or expired imports are deleted after this."""

Problem = Literal["expired", "finished", "missing"]


@dataclass(frozen=True)
class Held:
    """A held file claimed for its import."""

    id: int
    coalition_slug: str
    kind: Kind
    filename: str
    content: bytes
    read_at: datetime


@dataclass(frozen=True)
class Claim:
    held: Held | None = None
    problem: Problem | None = None


class HeldImportService(Service):
    async def hold(
        self,
        coalition_slug: str,
        actor: str,
        kind: Kind,
        filename: str,
        content: bytes,
        read_at: datetime,
    ) -> int:
        """Keeps a previewed file for a coordinator's Confirm; its id. Old rows go."""
        now = self._clock()
        async with self._sessions.begin() as session:
            coalition = await self._coalition_for(session, coalition_slug, actor, Role.COORDINATOR)
            await session.execute(delete(HeldImport).where(HeldImport.expires_at < now - KEPT))
            held = HeldImport(
                coalition_id=coalition.id,
                identity=actor,
                kind=kind.value,
                filename=filename[:200],
                content=content,
                read_at=read_at,
                expires_at=now + timedelta(minutes=HOLD_MINUTES),
                state=HeldState.PENDING,
            )
            session.add(held)
            await session.flush()
            return held.id

    async def claim(self, held_id: int, actor: str) -> Claim:
        """The held file for its import, taken once: a second Confirm finds it finished, a
        late one expired (its file then dropped); another person's or an unknown id, missing."""
        now = self._clock()
        async with self._sessions.begin() as session:
            found = (
                await session.execute(
                    select(HeldImport, Coalition.slug)
                    .join(Coalition, Coalition.id == HeldImport.coalition_id)
                    .where(HeldImport.id == held_id, HeldImport.identity == actor)
                )
            ).first()
            if found is None:
                return Claim(problem="missing")
            row, slug = found
            if row.state is not HeldState.PENDING:
                return Claim(problem="finished")
            if row.expires_at <= now:
                await self._finish(session, held_id, HeldState.EXPIRED)
                return Claim(problem="expired")
            held = Held(row.id, slug, Kind(row.kind), row.filename, row.content, row.read_at)
            if not await self._finish(session, held_id, HeldState.DONE):
                return Claim(problem="finished")  # another Confirm took it meanwhile
            return Claim(held=held)

    async def release(self, held: Held) -> None:
        """An import that failed after its claim: pending again, to be confirmed again."""
        async with self._sessions.begin() as session:
            await session.execute(
                update(HeldImport)
                .where(HeldImport.id == held.id, HeldImport.state == HeldState.DONE)
                .values(state=HeldState.PENDING, content=held.content)
            )

    async def cancel(self, held_id: int, actor: str) -> Problem | None:
        """Drops a held file unimported; None when it was pending."""
        async with self._sessions.begin() as session:
            state = await session.scalar(
                select(HeldImport.state).where(
                    HeldImport.id == held_id, HeldImport.identity == actor
                )
            )
            if state is None:
                return "missing"
            if state is not HeldState.PENDING:
                return "finished"
            done = await self._finish(session, held_id, HeldState.CANCELLED)
            return None if done else "finished"

    @staticmethod
    async def _finish(session: AsyncSession, held_id: int, state: HeldState) -> bool:
        """Pending -> `state`, the file dropped; False when it was no longer pending."""
        result = await session.execute(
            update(HeldImport)
            .where(HeldImport.id == held_id, HeldImport.state == HeldState.PENDING)
            .values(state=state, content=b"")
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0))
