"""The database goes away under traffic: answers say so, the bot stays up, nothing is lost."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import make_url, text

from bot.app import App
from models.entities import Role
from models.services.directory import CoalitionSpec
from tests.conftest import FakeClock, make_app
from tests.reliability.tcp_proxy import CuttableProxy
from tests.reminder_support import RecordingSender, scheduler_for
from tests.support import ask

UNAVAILABLE = "začasno nedosegljivi"
GROUP = "telegram:-100900"
COORDINATOR = "telegram:900"


async def prepare(app: App) -> None:
    await app.services.directory.apply_config(
        [CoalitionSpec(slug="out", name="Izpad", admins=(COORDINATOR,), chats=(GROUP,))]
    )
    await app.services.directory.ensure_role("out", COORDINATOR, Role.COORDINATOR)


async def test_postgresql_away_for_ten_seconds(postgres_url: str, clock: FakeClock) -> None:
    server = make_url(postgres_url)
    proxy = CuttableProxy(server.host or "127.0.0.1", server.port or 5432)
    await proxy.start()
    through_proxy = server.set(host="127.0.0.1", port=proxy.port).render_as_string(
        hide_password=False
    )
    clock.now = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    app = await make_app(through_proxy, clock, demo=False)
    sender = RecordingSender()
    scheduler = scheduler_for(app, sender)
    try:
        await prepare(app)
        # quiet (`tiho`): the reminder alone is counted, not the event's announcement
        ok = await ask(
            app, "/addevent Sestanek | jutri ob 10h | tiho", user=COORDINATOR, coalition="out"
        )
        assert not ok.is_error, ok.plain_text()

        proxy.cut()
        clock.now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # the 1-day reminder falls due
        started = time.monotonic()
        answers = []
        while time.monotonic() - started < 10:
            reply = await asyncio.wait_for(ask(app, "/events", coalition="out"), timeout=15)
            answers.append(reply)
            assert await scheduler.sweep() == 0
            await asyncio.sleep(1)
        assert answers
        assert all(r.is_error and UNAVAILABLE in r.plain_text() for r in answers)
        assert sender.sent == []

        proxy.restore()
        clock.now += timedelta(seconds=10)
        back = await ask(app, "/events", coalition="out")
        assert not back.is_error, back.plain_text()
        assert "Sestanek" in back.plain_text()
        await scheduler.sweep()
        await scheduler.sweep()
        assert len(sender.texts(GROUP)) == 1, "the reminder due in the gap is sent once, late"
    finally:
        await app.close()
        await proxy.stop()


async def test_sqlite_locked_by_another_writer(tmp_path: Path, clock: FakeClock) -> None:
    url = f"sqlite:///{tmp_path}/locked.db"
    app = await make_app(url, clock, demo=False)
    try:
        await prepare(app)
        blocker = sqlite3.connect(tmp_path / "locked.db", isolation_level=None)
        blocker.execute("BEGIN EXCLUSIVE")
        try:
            reads = await ask(app, "/events", coalition="out")
            assert not reads.is_error, "readers go on in WAL mode"
            write = await ask(
                app, "/addevent Med zaklepom | jutri ob 10h", user=COORDINATOR, coalition="out"
            )
            assert write.is_error
            assert UNAVAILABLE in write.plain_text()
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        after = await ask(
            app, "/addevent Po zaklepu | jutri ob 10h", user=COORDINATOR, coalition="out"
        )
        assert not after.is_error, after.plain_text()
        listing = await ask(app, "/events", coalition="out")
        assert "Po zaklepu" in listing.plain_text()
        assert "Med zaklepom" not in listing.plain_text()
    finally:
        await app.close()


async def test_a_silent_postgresql_gets_an_answer_within_ten_seconds(
    postgres_url: str, clock: FakeClock
) -> None:
    server = make_url(postgres_url)
    proxy = CuttableProxy(server.host or "127.0.0.1", server.port or 5432)
    await proxy.start()
    through_proxy = server.set(host="127.0.0.1", port=proxy.port).render_as_string(
        hide_password=False
    )
    app = await make_app(through_proxy, clock, demo=False)
    try:
        await prepare(app)
        first = await ask(app, "/events", coalition="out", locale="en")
        assert not first.is_error, first.plain_text()

        proxy.hold()  # the server is up but says nothing, the connections stay open
        for line in ("/events page=2", "/addevent Tiho | jutri ob 10h", "/help"):
            started = time.monotonic()
            reply = await asyncio.wait_for(
                ask(app, line, user=COORDINATOR, coalition="out"), timeout=30
            )
            waited = time.monotonic() - started
            assert waited < 10, f"{line} waited {waited:.1f} s"
            assert reply.is_error
            assert UNAVAILABLE in reply.plain_text(), reply.plain_text()

        proxy.release()
        await asyncio.sleep(1)
        back = await asyncio.wait_for(ask(app, "/events", coalition="out"), timeout=30)
        assert not back.is_error, back.plain_text()
    finally:
        proxy.release()
        await app.close()
        await proxy.stop()


async def test_postgresql_statements_and_idle_transactions_have_a_limit(
    postgres_url: str, clock: FakeClock
) -> None:
    app = await make_app(postgres_url, clock, demo=False)
    try:
        async with app.database.sessions() as session:
            statement = await session.scalar(text("SHOW statement_timeout"))
            idle = await session.scalar(text("SHOW idle_in_transaction_session_timeout"))
        assert (statement, idle) == ("15s", "1min")
    finally:
        await app.close()
