"""Files held between a preview and its Confirm, on SQLite and PostgreSQL: taken once, by
their sender alone, within 15 minutes; a late Confirm finds them expired and drops the file;
two Confirms at once import once."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select

from bot.app import App
from models.entities import Role
from models.held.entities import HeldImport, HeldState
from models.imports.columns import Kind
from tests.conftest import FakeClock

COORDINATOR = "telegram:7301"


async def hold(app: App) -> int:
    await app.services.directory.ensure_role("sasa", COORDINATOR, Role.COORDINATOR)
    return await app.services.held_imports.hold(
        "sasa", COORDINATOR, Kind.EVENTS, "f.csv", b"title,when\n", app.clock()
    )


async def test_a_held_file_is_claimed_once_and_by_its_sender_alone(any_app: App) -> None:
    held_id = await hold(any_app)
    held = any_app.services.held_imports
    assert (await held.claim(held_id, "telegram:9999")).problem == "missing"
    first = await held.claim(held_id, COORDINATOR)
    assert first.held is not None
    assert first.held.content == b"title,when\n"
    assert first.held.kind is Kind.EVENTS
    assert (await held.claim(held_id, COORDINATOR)).problem == "finished"
    assert await held.cancel(held_id, COORDINATOR) == "finished"
    await held.release(first.held)
    assert (await held.claim(held_id, COORDINATOR)).held is not None, "released: pending again"


async def test_a_late_claim_finds_it_expired_and_the_file_dropped(
    any_app: App, clock: FakeClock
) -> None:
    held_id = await hold(any_app)
    clock.now += timedelta(minutes=15, seconds=1)
    assert (await any_app.services.held_imports.claim(held_id, COORDINATOR)).problem == "expired"
    async with any_app.database.sessions() as session:
        row = await session.get_one(HeldImport, held_id)
        assert row.state is HeldState.EXPIRED
        assert row.content == b""
    assert (await any_app.services.held_imports.claim(held_id, COORDINATOR)).problem == "finished"


async def test_two_confirms_at_once_take_it_once(any_app: App) -> None:
    held_id = await hold(any_app)
    claims = await asyncio.gather(
        *(any_app.services.held_imports.claim(held_id, COORDINATOR) for _ in range(4))
    )
    assert sum(claim.held is not None for claim in claims) == 1


async def test_rows_a_day_old_are_deleted_when_another_file_is_held(
    any_app: App, clock: FakeClock
) -> None:
    await hold(any_app)
    clock.now += timedelta(days=2)
    await hold(any_app)
    async with any_app.database.sessions() as session:
        expiries = list(await session.scalars(select(HeldImport.expires_at)))
    assert expiries == [clock.now + timedelta(minutes=15)], "only the new one is left"
