"""Requests already handled, shared by every process on the database: Slack retries an event
it thinks was missed (possibly to another process), and a signed request can be replayed."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from models.entities import SlackSeenRequest
from models.services.base import Service

KEEP = timedelta(minutes=15)
"""Longer than Slack's retries (at once, after 1 and after 5 minutes) and the 5 minutes a
request signature is accepted for."""
KEY_MAX = 100


class SeenRequestService(Service):
    """`first_time(key)` is True for exactly one caller per key, across processes, until the
    key expires."""

    keep = KEEP
    _next_purge: datetime | None = None

    async def first_time(self, key: str) -> bool:
        """Records `key` as handled; False when it was recorded already and has not expired."""
        now = self._clock()
        async with self._sessions.begin() as session:
            dialect = session.get_bind().dialect.name
            upsert = (postgresql_insert if dialect == "postgresql" else sqlite_insert)(
                SlackSeenRequest
            ).values(key=key[:KEY_MAX], expires_at=now + self.keep)
            claimed = await session.scalar(
                upsert.on_conflict_do_update(
                    index_elements=[SlackSeenRequest.key],
                    set_={"expires_at": upsert.excluded.expires_at},
                    where=SlackSeenRequest.expires_at <= now,  # an expired key counts as new
                ).returning(SlackSeenRequest.key)
            )
            if self._next_purge is None or now >= self._next_purge:
                self._next_purge = now + self.keep
                await session.execute(
                    delete(SlackSeenRequest).where(SlackSeenRequest.expires_at <= now)
                )
        return claimed is not None
