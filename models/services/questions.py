"""Questions put to people in chats, kept in the database so that the answer may reach any
process (several share one PostgreSQL) and a restart in between loses nothing."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from models.questions import COMMAND_MAX, IDENTITY_MAX, OpenQuestion
from models.services.base import Service

KEEP = timedelta(minutes=15)
"""How long a question waits for its answer."""


class QuestionService(Service):
    async def ask(self, identity: str, chat_id: str, command: str) -> None:
        """The person's next message in this chat completes `command` (replacing an older
        question there); questions nobody answered in time are dropped meanwhile."""
        now = self._clock()
        async with self._sessions.begin() as session:
            dialect = session.get_bind().dialect.name
            upsert = (postgresql_insert if dialect == "postgresql" else sqlite_insert)(
                OpenQuestion
            ).values(
                identity=identity[:IDENTITY_MAX],
                chat_id=chat_id[:IDENTITY_MAX],
                command=command[:COMMAND_MAX],
                asked_at=now,
            )
            await session.execute(
                upsert.on_conflict_do_update(
                    index_elements=[OpenQuestion.identity, OpenQuestion.chat_id],
                    set_={"command": upsert.excluded.command, "asked_at": now},
                )
            )
            await session.execute(delete(OpenQuestion).where(OpenQuestion.asked_at < now - KEEP))

    async def open(self, identity: str, chat_id: str) -> str | None:
        """The command the person's answer in this chat completes, if asked within KEEP."""
        async with self._sessions() as session:
            return await session.scalar(
                select(OpenQuestion.command).where(
                    OpenQuestion.identity == identity[:IDENTITY_MAX],
                    OpenQuestion.chat_id == chat_id[:IDENTITY_MAX],
                    OpenQuestion.asked_at >= self._clock() - KEEP,
                )
            )

    async def settle(self, identity: str, chat_id: str) -> None:
        """The question was answered: the next message is not an answer any more."""
        async with self._sessions.begin() as session:
            await session.execute(
                delete(OpenQuestion).where(
                    OpenQuestion.identity == identity[:IDENTITY_MAX],
                    OpenQuestion.chat_id == chat_id[:IDENTITY_MAX],
                )
            )
