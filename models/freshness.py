"""How fresh remembered answers are: a count of commits that changed the coalitions' content.

Every commit that adds, changes or removes content (coalitions, areas, organisations,
contacts, events, activities, roles, chat bindings, language choices) adds one to a counter
stored in the database, `content_revision`. The process that commits knows at once; other
processes on the same database notice when they next read the counter, at most once per
`poll_seconds`. Reminder bookkeeping (reminders, deliveries, subscriptions) and the audit
do not count: no shared answer shows them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from itertools import chain
from typing import Any

from sqlalchemy import BigInteger, event, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column

from models.base import Base

CONTENT_TABLES = frozenset(
    {
        "coalitions",
        "areas",
        "organisations",
        "contacts",
        "events",
        "activities",
        "members",
        "user_settings",
        "chat_bindings",
    }
)
CHANGED = "content_changed"
COMMITTED = "content_revision"


class ContentRevision(Base):
    """One row: how many commits have changed the content so far."""

    __tablename__ = "content_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    revision: Mapped[int] = mapped_column(BigInteger, default=0)


def _is_content(instance: object) -> bool:
    return getattr(instance, "__tablename__", None) in CONTENT_TABLES


class ContentChanges:
    """The content's generation as this process knows it: it grows with every change."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        session_class: type[Session],
        *,
        poll_seconds: float = 1.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.generation = 0
        self._sessions = sessions
        self.poll_seconds = poll_seconds
        self._monotonic = monotonic
        self._stored: int | None = None
        self._polled_at = float("-inf")
        event.listen(session_class, "after_flush", self._after_flush)
        event.listen(session_class, "do_orm_execute", self._on_execute)
        event.listen(session_class, "before_commit", self._before_commit)
        event.listen(session_class, "after_commit", self._after_commit)
        event.listen(session_class, "after_rollback", self._after_rollback)

    async def refresh_if_due(self) -> None:
        """Reads the stored counter unless it was read within `poll_seconds`; a change made by
        another process starts a new generation."""
        now = self._monotonic()
        if now - self._polled_at < self.poll_seconds:
            return
        self._polled_at = now
        async with self._sessions() as session:
            stored = await session.scalar(select(ContentRevision.revision))
        if stored != self._stored:
            self._stored = stored
            self.generation += 1

    def _after_flush(self, session: Session, _context: Any) -> None:
        if any(_is_content(o) for o in chain(session.new, session.dirty, session.deleted)):
            session.info[CHANGED] = True

    def _on_execute(self, state: ORMExecuteState) -> None:
        if state.is_insert or state.is_update or state.is_delete:
            table = getattr(state.statement, "table", None)
            if getattr(table, "name", None) in CONTENT_TABLES:
                state.session.info[CHANGED] = True

    def _before_commit(self, session: Session) -> None:
        session.flush()
        if session.info.get(CHANGED):
            # last in the transaction, so concurrent writers wait on this row only briefly
            session.info[COMMITTED] = session.scalar(
                update(ContentRevision)
                .values(revision=ContentRevision.revision + 1)
                .returning(ContentRevision.revision)
            )

    def _after_commit(self, session: Session) -> None:
        if session.info.pop(CHANGED, False):
            committed = session.info.pop(COMMITTED, None)
            if self._stored is not None and committed == self._stored + 1:
                self._stored = committed  # nobody else committed in between
            self.generation += 1

    def _after_rollback(self, session: Session) -> None:
        session.info.pop(CHANGED, None)
        session.info.pop(COMMITTED, None)
