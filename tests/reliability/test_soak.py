"""Soak: a minute of steady mixed traffic with reminders firing, on SQLite.

50 requests a second through the core dispatcher (reads: /events, /deadlines, /contacts;
coordinator writes: /addevent, /editevent) while a running ReminderScheduler, on the real
clock, sends the reminders of events that fall due during the run. Nothing may fail (no
error reply, nothing logged at ERROR), every reminder is sent exactly once, and the resident
memory after the first 10 seconds may grow by less than 10% to the end.

COALITION_BOT_SOAK_SECONDS shortens the run for local work (default and CI: 60).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app import App
from bot.scheduler import ReminderScheduler
from handlers.types import ChatKind, IncomingCommand, Reply
from models.database import SQLITE_BUSY_TIMEOUT
from models.entities import Role
from models.services.directory import CoalitionSpec
from tests.conftest import make_app
from tests.reminder_support import RecordingSender

SECONDS = float(os.environ.get("COALITION_BOT_SOAK_SECONDS", "60"))
RATE = 50
"""Requests a second."""
WARM_UP = min(10.0, SECONDS / 3)
"""Memory is compared from this moment on (10 s into the full run)."""
SAMPLE_EVERY = 2.0
SWEEP = 5.0
"""Seconds between the scheduler's sweeps; the timers of due reminders fire in between."""
LOCK_WAIT = SQLITE_BUSY_TIMEOUT
"""How long a SQLite writer may wait for the lock (the busy_timeout, 6 s)."""
MAX_GROWTH = 0.10
COORDINATOR = "console:soak-coordinator"
READERS = tuple(f"console:soak-reader-{n}" for n in range(7))
REMINDER_CHATS = tuple(f"telegram:-100700{n:03d}" for n in range(3))
REMINDER_OFFSET = timedelta(minutes=1)
APOLOGY = ("something went wrong", "gre nekaj narobe", "nekaj je šlo narobe")


def real_clock() -> datetime:
    return datetime.now(UTC)


@dataclass
class TimedSender(RecordingSender):
    """Records when each reminder went out, to see that the timers fire during the run."""

    sent_at: dict[str, datetime] = field(default_factory=dict)

    async def send(self, chat_id: str, reply: Reply) -> None:
        await super().send(chat_id, reply)
        self.sent_at.setdefault(reply.plain_text(), real_clock())


def resident_kb(*, collect: bool = True) -> int:
    """VmRSS of this process in kB, after a full garbage collection if `collect`.

    A full collection in a process that has run the whole suite can take seconds: it is made
    only for the two figures compared, not for every sample, or sampling would stall the run.
    """
    if collect:
        gc.collect()
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS in /proc/self/status")


def command(i: int, edit_ids: list[int]) -> tuple[str, str]:
    """The i-th request of the mix: 70% reads, 30% coordinator writes; (user, command line)."""
    reader = READERS[i % len(READERS)]
    kind = i % 10
    if kind < 3:
        return reader, ("/events", "/events week", "/dogodki pametno-mesto")[i % 3]
    if kind < 5:
        return reader, ("/deadlines", "/roki")[i % 2]
    if kind < 7:
        return reader, "/contacts " + ("zbornica", "šola", "ana", "x")[i % 4]
    if kind == 7:  # a bounded set of dates: the scheduler keeps one timer per due time
        return COORDINATOR, f"/addevent Soak {i} <b>&</b> | {1 + i % 20}.3.2027 10:00 | Velenje"
    event = edit_ids[i % len(edit_ids)]
    if kind == 8:
        return COORDINATOR, f"/editevent {event} where=Celje {i}"
    return COORDINATOR, f"/uredidogodek {event} naslov=Urejen dogodek {i} opis=Soak {i}"


async def ask(app: App, user: str, line: str, i: int) -> Reply:
    name, _, args = line.lstrip("/").partition(" ")
    return await app.dispatcher.handle(
        IncomingCommand(
            user_id=user,
            chat_id=user,
            chat_kind=ChatKind.PRIVATE,
            name=name,
            args=args.strip(),
            coalition="sasa",
            locale=("sl", "en")[i % 2],
        )
    )


async def prepare(app: App, start: datetime) -> tuple[list[int], dict[str, datetime]]:
    """The coordinator, events to edit, and events whose reminders fall due during the run."""
    directory, events = app.services.directory, app.services.events
    await directory.ensure_role("sasa", COORDINATOR, Role.COORDINATOR)
    await directory.apply_config(
        [
            CoalitionSpec(
                slug="soak",
                name="Soak",
                admins=(COORDINATOR,),
                chats=REMINDER_CHATS,
                event_offsets=(int(REMINDER_OFFSET.total_seconds() // 60),),
            )
        ]
    )
    edit_ids = []
    for n in range(20):
        created = await events.create(
            "sasa",
            COORDINATOR,
            title=f"Za urejanje {n}",
            starts_at=datetime(2027, 4, 1 + n, 8, 0, tzinfo=UTC),
        )
        edit_ids.append(created.id)
    # One reminder falling due every 2 s (about), the last a few seconds before the end.
    count = max(3, int(SECONDS // 2))
    due_at = {}
    for n in range(count):
        due = start + timedelta(seconds=1 + n * (SECONDS - 5) / count)
        title = f"Opomnik {n:03d} med obremenitvijo"
        await events.create("soak", COORDINATOR, title=title, starts_at=due + REMINDER_OFFSET)
        due_at[title] = due
    return edit_ids, due_at


async def test_a_minute_of_mixed_traffic_with_reminders(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    # what the suite left behind is collected now, and never traversed again during the run:
    # the collections made for the memory figures then take milliseconds, not the seconds
    # that would stall the event loop (and the reminders' timers with it)
    gc.collect()
    gc.freeze()
    app = await make_app(f"sqlite:///{tmp_path}/soak.db", real_clock)  # type: ignore[arg-type]
    sender = TimedSender(delay=0.005)
    scheduler = ReminderScheduler(app, {"telegram": sender}, worker="soak", sweep_seconds=SWEEP)
    try:
        await scheduler.start()
        started_at = real_clock()
        edit_ids, due_at = await prepare(app, started_at)

        outcomes: Counter[str] = Counter()
        problems: list[str] = []
        latencies: list[float] = []
        in_flight: set[asyncio.Task[None]] = set()
        most_in_flight = 0

        async def one(i: int) -> None:
            user, line = command(i, edit_ids)
            began = time.perf_counter()
            try:
                reply = await ask(app, user, line, i)
            except Exception as error:  # the dispatcher promises never to raise
                problems.append(f"{line}: raised {error!r}")
                return
            latencies.append(time.perf_counter() - began)
            text = reply.plain_text()
            if reply.is_error or any(word in text.lower() for word in APOLOGY):
                problems.append(f"{line}: {text[:200]}")
            outcomes[line.split()[0]] += 1

        samples: list[tuple[float, int]] = []
        loop = asyncio.get_running_loop()
        began = loop.time()
        total = int(RATE * SECONDS)
        for i in range(total):  # bounded: RATE a second for SECONDS, then it stops
            wait = began + i / RATE - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            now = loop.time() - began
            if not samples or now >= samples[-1][0] + SAMPLE_EVERY:
                first_warm = now >= WARM_UP and all(t < WARM_UP for t, _ in samples)
                samples.append((now, resident_kb(collect=first_warm)))
            task = asyncio.create_task(one(i))
            in_flight.add(task)
            task.add_done_callback(in_flight.discard)
            most_in_flight = max(most_in_flight, len(in_flight))
        await asyncio.gather(*in_flight)
        elapsed = loop.time() - began
        settled = max(due_at.values()) + timedelta(seconds=SWEEP + LOCK_WAIT)  # the last timers
        await asyncio.sleep(max(0.0, (settled - real_clock()).total_seconds()))
        final = resident_kb()
    finally:
        await scheduler.stop()
        await app.close()
        gc.unfreeze()

    at_warm = next(kb for t, kb in samples if t >= WARM_UP)
    growth = (final - at_warm) / at_warm
    sent = Counter((chat, reply.title) for chat, reply in sender.sent)
    late = {
        title: (at - due).total_seconds()
        for title, due in due_at.items()
        for text, at in sender.sent_at.items()
        if title in text
    }
    made = sum(outcomes.values())
    print(
        f"\nsoak: {made} requests in {elapsed:.1f} s ({made / elapsed:.1f}/s: "
        + ", ".join(f"{name} {count}" for name, count in sorted(outcomes.items()))
        + f"), errors {len(problems)}; latency p50 {statistics.median(latencies) * 1000:.1f} ms,"
        f" p99 {statistics.quantiles(latencies, n=100)[98] * 1000:.1f} ms,"
        f" max {max(latencies) * 1000:.0f} ms, most in flight {most_in_flight}; "
        f"{len(sender.sent)} reminders sent, at most {max(late.values(), default=0):.1f} s late; "
        f"RSS {at_warm} kB at {WARM_UP:.0f} s, {final} kB at the end ({growth:+.1%})"
    )
    assert problems == []
    assert made == total
    assert elapsed < SECONDS + 5, "the load kept its pace"
    errors = [f"{r.name}: {r.getMessage()}" for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == []
    assert max(sent.values()) == 1, "no reminder sent twice to the same chat"
    for title in due_at:
        for chat in REMINDER_CHATS:
            got = [n for (c, shown), n in sent.items() if c == chat and title in shown]
            assert got == [1], (title, chat, got)
    assert set(late) == set(due_at)
    # Under the load a reminder may wait for a sweep and for the SQLite write lock.
    assert max(late.values()) < SWEEP + LOCK_WAIT, f"reminders went out late: {late}"
    assert growth < MAX_GROWTH, samples
