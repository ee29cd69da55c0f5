"""What /healthz checks: the database answers, the reminder scheduler runs."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

CHECK_SECONDS = 3.0


def database_check(
    sessions: async_sessionmaker[AsyncSession],
) -> Callable[[], Awaitable[str | None]]:
    async def check() -> str | None:
        try:
            async with asyncio.timeout(CHECK_SECONDS), sessions() as session:
                await session.execute(text("SELECT 1"))
        except TimeoutError:
            return f"no answer within {CHECK_SECONDS:g} s"
        return None

    return check


def alive_check(alive: Callable[[], bool], problem: str) -> Callable[[], Awaitable[str | None]]:
    async def check() -> str | None:
        return None if alive() else problem

    return check
