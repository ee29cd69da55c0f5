"""A day's mixed traffic, paced, side by side with bare bots: Telegram and Slack, one run.

Round trips one at a time (the next command is sent when the previous one is answered), over
chats bound to all ten coalitions of the data set (`CHATS_PER_COALITION` each), in this mix:
`/events`, `/events week`, `/deadlines`, `/contacts velenje`, `/event ID` (an event of that
chat's coalition), `/activities`, `/areas`, `/dogodki mesec`, `/kontakti šola`, and every
tenth a coordinator's `/addevent TITLE | WHEN | WHERE`, always in one coalition (`sasa`):
writes in one coalition, reads in ten. Then a run of `/events` only, over the same chats.

- Telegram: ours is `coalition-bot run` as `bench.telegram_bots ours --unthrottled` runs it
  (no per-person command limit, the outgoing limiter's 30/s and 20/min per group off, its
  retries kept); bare is a python-telegram-bot 22 Application that answers every command with
  a fixed HTML text, quoting the message (`bench.telegram_bots bare --every-command`). Each
  polls its own `bench.fake_telegram` in this process; a round trip is from the update's offer
  to the sendMessage quoting it, both timed by the fake.
- Slack: ours is the Slack adapter in HTTP mode as `bench.slack_throughput serve ours` runs it
  (signed slash commands over loopback HTTP, its Web API at `bench.fake_slack`); bare is a Bolt
  app that acks every command with a fixed text. A round trip is from sending the request to
  the answer: in the ack, or at the fake's response_url when ours acks empty first. The bare
  app keeps Bolt's default: it runs the listener apart and looks for its ack every 10 ms, a
  floor of about 10 ms under every round trip. Ours runs its listeners before responding
  (`process_before_response`), so its round trips have no such floor; the CPU per command
  compares the two bots' own work.

Both bots of a platform stay up; their turns alternate in blocks of `BLOCK` round trips (ours,
bare; bare, ours; ...), so drift on a shared machine falls on both alike. Each process's CPU
time per command comes from /proc over its own blocks.

The database is a scratch copy of the data set's deployment copy (bench.deployment), made
anew for each platform so that the writes of one run do not pile up. The data set gives
Telegram groups to five coalitions and Slack channels (each coalition its own workspace) to
the other five, and one Slack adapter serves one workspace: the copy gets, through the bot's
own DirectoryService, the missing group bindings (Telegram) and six channels of the fake's
workspace for every coalition (Slack), and a coordinator role where the data set has none
for the writer.

Figures: p50 and p99 of ours and bare, ours/bare of the p50s (target ≤ 1.2), ours' p99
(≤ 12 ms), ours' median by command, /addevent's p50 (≤ 4 ms SQLite, ≤ 6 ms PostgreSQL), the
/events-only ours/bare (≤ 0.8), CPU ms per command of each (Slack: ours ≤ 1.2 × bare). The
table's targets read "below". `--profile` samples ours' process with pyinstrument over the
timed blocks (bench.profiling) and writes its call tree, flat list and HTML flame view to the
results directory; its figures are then slower than unprofiled ones.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import random
import re
import signal
import sqlite3
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import create_engine, make_url, select, text

from bench.dataset import ANCHOR, CONSOLE_ADMIN, SEED, Shape, generate, server_url
from bench.deployment import BotProcess, Deployment, deployment, describe
from bench.fake_slack import FakeSlack
from bench.fake_telegram import FakeTelegram, command_update
from bench.profiling import top_entries
from bench.registry import Benchmark, Measurement, Run, median, percentile
from bench.slack_throughput import Server, Slash, answer_in_ack, signed_headers

MIX_TRIPS = 2_000
EVENTS_TRIPS = 600
BLOCK = 100
QUICK_MIX_TRIPS = 60
QUICK_EVENTS_TRIPS = 20
QUICK_BLOCK = 20
CHATS_PER_COALITION = 6
WRITE_EVERY = 10
WRITE_COALITION = "sasa"
READS = (
    "/events",
    "/events week",
    "/deadlines",
    "/contacts velenje",
    "/event ID",
    "/activities",
    "/areas",
    "/dogodki mesec",
    "/kontakti šola",
)
WRITE = "/addevent"
EVENT_IDS = 5
"""Events of each coalition `/event ID` asks about (its next ones after the ANCHOR)."""
TRIP_SECONDS = 30.0
START_SECONDS = 120.0
SLACK_TEAM = "TBENCH"
"""The workspace the fake Slack's auth.test names: the adapter's own."""
NEW_TELEGRAM_GROUP = 9_000_000
TARGET_RATIO = 1.2
TARGET_P99_MS = 12.0
TARGET_EVENTS_RATIO = 0.8
TARGET_WRITE_MS = {"sqlite": 4.0, "postgres": 6.0}
TARGET_SLACK_CPU_RATIO = 1.2
PLATFORMS = ("telegram", "slack")
BOTS = ("ours", "bare")


@dataclass(frozen=True)
class Chat:
    """A bound chat, who reads there, and events of its coalition."""

    coalition: str
    chat_id: str
    reader: str
    language: str | None
    events: tuple[int, ...]


@dataclass(frozen=True)
class Ask:
    """One command of the workload: its label (the per-command key), its text, where, who."""

    label: str
    text: str
    chat: Chat
    user: str
    after_write: bool = False
    """A read that comes right after a write."""


@dataclass(frozen=True)
class Place:
    """The chats of a platform in the scratch copy, and the writer."""

    url: str
    chats: tuple[Chat, ...]
    writer: str
    writer_chats: tuple[Chat, ...]
    added_bindings: int
    added_roles: int


@dataclass
class Tally:
    """Round trips (ms) by bot and label, and CPU seconds by bot, of one phase."""

    trips: dict[str, list[tuple[str, float]]] = field(
        default_factory=lambda: {bot: [] for bot in BOTS}
    )
    cpu: dict[str, float] = field(default_factory=lambda: dict.fromkeys(BOTS, 0.0))
    after_write: dict[str, list[float]] = field(default_factory=lambda: {bot: [] for bot in BOTS})
    """Round trips (ms) of the reads that came right after a write."""
    samples: dict[str, str] = field(default_factory=dict)
    late: int = 0
    """Slack: answers of ours that came through response_url after an empty ack."""

    def ms(self, bot: str, label: str | None = None) -> list[float]:
        return [ms for lab, ms in self.trips[bot] if label is None or lab == label]

    def cpu_ms(self, bot: str) -> float:
        count = len(self.trips[bot])
        return 1000 * self.cpu[bot] / count if count else 0.0


# ------------------------------------------------------------------ the workload


def plan(place: Place, count: int, *, events_only: bool, label: str) -> list[Ask]:
    """`count` commands: the mix or `/events` only.

    The mix goes in tens: the nine reads and one write, in an order drawn anew for each ten,
    so that no command always comes right after a write (whose after-effects would then fall
    on it alone)."""
    rng = random.Random(f"{SEED}:mixed:{label}")
    asks: list[Ask] = []
    kinds: list[str] = []
    writes = 0
    previous = ""
    for _ in range(count):
        if events_only:
            chat = rng.choice(place.chats)
            asks.append(Ask("/events", "/events", chat, chat.reader))
            continue
        if not kinds:
            kinds = rng.sample([*READS, WRITE], len(READS) + 1)
        kind = kinds.pop()
        if kind == WRITE:
            chat = place.writer_chats[writes % len(place.writer_chats)]
            day, month = 1 + writes % 28, 1 + (writes // 28) % 12
            line = f"{WRITE} Mešana delavnica {label} {writes} | {day}.{month}.2027 10:00 | Velenje"
            asks.append(Ask(WRITE, line, chat, place.writer))
            writes += 1
        else:
            chat = rng.choice(place.chats)
            line = f"/event {rng.choice(chat.events)}" if kind == "/event ID" else kind
            asks.append(Ask(kind, line, chat, chat.reader, after_write=previous == WRITE))
        previous = kind
    return asks


def warmup_plan(place: Place) -> list[Ask]:
    """Every chat once and every kind of command once: caches and connections as in use."""
    asks = [Ask("warm-up", "/events", chat, chat.reader) for chat in place.chats]
    mix = plan(place, WRITE_EVERY, events_only=False, label="warm-up")
    return asks + mix


# ------------------------------------------------------------------ the database


def scratch_copy(deployed: Deployment, platform: str) -> str:
    """A fresh copy of the deployment copy for one platform's run; its URL."""
    if deployed.backend == "sqlite":
        source = Path(make_url(deployed.url).database or "")
        target = source.with_name(f"mixed-{platform}-{deployed.events}.sqlite")
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        with sqlite3.connect(source) as origin, sqlite3.connect(target) as copy:
            origin.backup(copy)
        return f"sqlite:///{target}"
    server = server_url(deployed.url)
    source_name = make_url(deployed.url).database or ""
    name = source_name.replace("bench_run_", f"bench_mixed_{platform}_", 1)
    for database in (source_name, name):
        if not re.fullmatch(r"bench_[a-z0-9_]+", database):
            raise ValueError(f"refusing to use {database!r}: not a benchmark database")
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{source_name}"'))
    finally:
        admin.dispose()
    return server.set(database=name).render_as_string(hide_password=False)


def next_events(url: str, coalition_ids: Sequence[int]) -> dict[int, tuple[int, ...]]:
    """The next EVENT_IDS events after the ANCHOR of each coalition."""
    from models.base import Base
    from models.database import Database

    events = Base.metadata.tables["events"]
    engine = Database.connect(url).sync_engine()
    try:
        with engine.connect() as connection:
            return {
                coalition: tuple(
                    connection.execute(
                        select(events.c.id)
                        .where(events.c.coalition_id == coalition, events.c.starts_at >= ANCHOR)
                        .order_by(events.c.starts_at)
                        .limit(EVENT_IDS)
                    ).scalars()
                )
                for coalition in coalition_ids
            }
    finally:
        engine.dispose()


async def prepare(url: str, platform: str, shape: Shape) -> Place:
    """Chats of every coalition on `platform` and a writer in WRITE_COALITION, bound and
    given roles through the bot's own services where the data set has none."""
    from bot.app import build_app
    from bot.config import Config
    from models.entities import Role

    rows = generate(shape, bulk=False).tables
    slugs = {int(c["id"]): str(c["slug"]) for c in rows["coalitions"]}
    rng = random.Random(f"{SEED}:mixed:{platform}:chats")
    members: dict[int, list[tuple[str, str]]] = {}
    for member in rows["members"]:
        identity = str(member["identity"])
        if identity.startswith("telegram:"):
            members.setdefault(int(member["coalition_id"]), []).append(
                (identity, str(member["role"]))
            )
    chats: dict[int, list[str]] = {c: [] for c in slugs}
    if platform == "telegram":
        for binding in rows["chat_bindings"]:
            chat = str(binding["chat_id"])
            coalition = int(binding["coalition_id"])
            if (
                chat.startswith("telegram:")
                and binding["active"]
                and len(chats[coalition]) < CHATS_PER_COALITION
            ):
                chats[coalition].append(chat)
    events = next_events(url, sorted(slugs))
    added_bindings = added_roles = 0
    app = build_app(Config(database_url=url), clock=lambda: ANCHOR)
    try:
        directory = app.services.directory
        for coalition, slug in slugs.items():
            missing = CHATS_PER_COALITION - len(chats[coalition])
            if missing <= 0:
                continue
            await directory.ensure_role(slug, CONSOLE_ADMIN, Role.ADMIN)
            for index in range(missing):
                chat = (
                    f"telegram:-100{NEW_TELEGRAM_GROUP + coalition * 100 + index}"
                    if platform == "telegram"
                    else f"slack:{SLACK_TEAM}:C{coalition:02d}MIX{index}"
                )
                await directory.bind_chat(CONSOLE_ADMIN, chat, slug)
                chats[coalition].append(chat)
                added_bindings += 1
        write_id = next(c for c, slug in slugs.items() if slug == WRITE_COALITION)
        if platform == "telegram":
            coordinators = [
                identity
                for identity, role in members.get(write_id, [])
                if Role(role).at_least(Role.COORDINATOR)
            ]
            writer = coordinators[0] if coordinators else "telegram:9990001"
        else:
            coordinators = []
            writer = f"slack:{SLACK_TEAM}:U{write_id:02d}MIXW"
        if not coordinators:
            await directory.ensure_role(WRITE_COALITION, writer, Role.COORDINATOR)
            added_roles += 1
    finally:
        await app.close()

    def reader(coalition: int, index: int) -> str:
        if platform == "slack":
            return f"slack:{SLACK_TEAM}:U{coalition:02d}MIXR{index}"
        return rng.choice(members[coalition])[0]

    found = [
        Chat(slugs[c], chat, reader(c, i), rng.choice((None, "sl", "en")), events[c])
        for c in sorted(chats)
        for i, chat in enumerate(chats[c])
    ]
    writer_chats = tuple(chat for chat in found if chat.coalition == WRITE_COALITION)
    return Place(url, tuple(found), writer, writer_chats, added_bindings, added_roles)


# ------------------------------------------------------------------ running the rounds


def proc_cpu_seconds(pid: int) -> float:
    """CPU time a process has used so far, all threads, user and system (from /proc)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


Trip = Callable[[str, Ask], Awaitable[tuple[float, str]]]


async def alternate(
    phases: Sequence[tuple[str, Sequence[Ask]]],
    block: int,
    trip: Trip,
    pids: dict[str, int],
) -> dict[str, Tally]:
    """Runs each phase's asks through both bots, alternating blocks (ours first, then bare
    first, ...); each bot answers the same asks in the same order."""
    tallies = {}
    for phase, asks in phases:
        tally = Tally()
        for number, start in enumerate(range(0, len(asks), block)):
            chunk = asks[start : start + block]
            for bot in BOTS if number % 2 == 0 else BOTS[::-1]:
                before = proc_cpu_seconds(pids[bot])
                for ask in chunk:
                    seconds, answer = await trip(bot, ask)
                    tally.trips[bot].append((ask.label, seconds * 1000))
                    if ask.after_write:
                        tally.after_write[bot].append(seconds * 1000)
                    if bot == "ours":
                        tally.samples.setdefault(ask.label, answer[:300])
                tally.cpu[bot] += proc_cpu_seconds(pids[bot]) - before
        tallies[phase] = tally
    return tallies


def profile_args(bench: Run, platform: str, deployed: Deployment) -> tuple[list[str], str]:
    name = f"profile-mixed-{platform}-{deployed.backend}-{deployed.events}"
    if not bench.options.profile:
        return [], name
    return ["--profile", str(bench.options.cache_dir), "--profile-name", name], name


async def telegram(
    bench: Run, deployed: Deployment, place: Place, phases: Sequence[tuple[str, Sequence[Ask]]]
) -> dict[str, Tally]:
    cache = bench.options.cache_dir
    fakes = {bot: FakeTelegram() for bot in BOTS}
    for fake in fakes.values():
        await fake.start()
    python = [sys.executable, "-m", "bench.telegram_bots"]
    config = dataclasses.replace(deployed, url=place.url).config(
        cache / f"mixed-telegram-{deployed.backend}-{deployed.events}.toml", fakes["ours"].base_url
    )
    profiling, _name = profile_args(bench, "telegram", deployed)
    processes = {
        "ours": BotProcess(
            [*python, "ours", str(config), "--unthrottled", *profiling],
            cache / "mixed-telegram-ours.log",
        ),
        "bare": BotProcess(
            [*python, "bare", fakes["bare"].base_url, "--every-command"],
            cache / "mixed-telegram-bare.log",
        ),
    }
    update_ids = dict.fromkeys(BOTS, 0)

    async def trip(bot: str, ask: Ask, seconds: float = TRIP_SECONDS) -> tuple[float, str]:
        update_ids[bot] += 1
        update = command_update(
            update_ids[bot],
            ask.text,
            chat_id=int(ask.chat.chat_id.split(":", 1)[1]),
            user_id=int(ask.user.split(":", 1)[1]),
            language=ask.chat.language,
        )
        try:
            taken = await fakes[bot].round_trip(update, seconds)
        except TimeoutError:
            process = processes[bot]
            state = "exited" if process.exited() else "still running"
            raise RuntimeError(
                f"telegram {bot}: {ask.text!r} unanswered after {seconds:.0f} s "
                f"({state}): {process.log_tail()}"
            ) from None
        return taken, fakes[bot].last_answer

    try:
        await asyncio.gather(*(p.start() for p in processes.values()))
        warmup = warmup_plan(place)
        for bot in BOTS:
            await trip(bot, warmup[0], START_SECONDS)
            for ask in warmup[1:]:
                await trip(bot, ask)
        if profiling:
            os.kill(processes["ours"].pid, signal.SIGUSR1)
        pids = {bot: p.pid for bot, p in processes.items()}
        return await alternate(phases, block_of(bench), trip, pids)
    finally:
        for process in processes.values():
            await process.stop()
        for fake in fakes.values():
            await fake.close()


async def slack(
    bench: Run, deployed: Deployment, place: Place, phases: Sequence[tuple[str, Sequence[Ask]]]
) -> dict[str, Tally]:
    cache = bench.options.cache_dir
    fake = FakeSlack()
    await fake.start()
    profiling, _name = profile_args(bench, "slack", deployed)
    servers: dict[str, Server] = {}
    keys = iter(range(10**9))
    late = {"count": 0}
    try:
        servers["ours"] = await Server.start(
            "ours", place.url, fake.api_url, cache / "mixed-slack-ours.log", profiling
        )
        servers["bare"] = await Server.start(
            "bare", "", fake.api_url, cache / "mixed-slack-bare.log"
        )
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=4)) as session:

            async def trip(bot: str, ask: Ask) -> tuple[float, str]:
                key = f"m{next(keys)}"
                command, _, args = ask.text.partition(" ")
                _platform, team, user = ask.user.split(":", 2)
                channel = ask.chat.chat_id.split(":", 2)[2]
                body = Slash(command, args, team, channel, user).form(
                    fake.response_url(key), f"{key}.trigger"
                )
                answer = fake.expect(key) if bot == "ours" else None
                sent = time.perf_counter()
                async with session.post(
                    servers[bot].url, data=body, headers=signed_headers(body)
                ) as response:
                    ack = await response.read()
                    status = response.status
                acked = time.perf_counter()
                if status != 200:
                    fake.forget(key)
                    raise RuntimeError(f"slack {bot}: {ask.text!r} got HTTP {status}")
                if answer is None:
                    return acked - sent, ack.decode(errors="replace")
                in_ack = answer_in_ack(ack)
                if in_ack is not None:
                    fake.forget(key)
                    return acked - sent, str(in_ack.get("text", ""))
                try:
                    got = await asyncio.wait_for(answer, TRIP_SECONDS)
                except TimeoutError:
                    fake.forget(key)
                    raise RuntimeError(
                        f"slack {bot}: {ask.text!r} unanswered: {servers[bot].errors()}"
                    ) from None
                late["count"] += 1
                return got.at - sent, got.text

            for bot in BOTS:
                for ask in warmup_plan(place):
                    await trip(bot, ask)
            if profiling:
                os.kill(servers["ours"].process.pid, signal.SIGUSR1)
            pids = {bot: server.process.pid for bot, server in servers.items()}
            late["count"] = 0
            tallies = await alternate(phases, block_of(bench), trip, pids)
            # answers of ours (both phases) that came through response_url after an empty ack
            tallies["mix"].late = late["count"]
            return tallies
    finally:
        for server in servers.values():
            await server.stop()
        await fake.stop()


def block_of(bench: Run) -> int:
    return QUICK_BLOCK if bench.options.quick else BLOCK


# ------------------------------------------------------------------ figures


def ratio(ours: float, bare: float) -> float:
    return ours / bare if bare else 0.0


def measurements_of(
    platform: str, deployed: Deployment, place: Place, tallies: dict[str, Tally]
) -> list[Measurement]:
    mix, only = tallies["mix"], tallies["events"]
    backend, events = deployed.backend, deployed.events
    ours, bare = mix.ms("ours"), mix.ms("bare")
    writes = mix.ms("ours", WRITE)
    by_command = {
        label: median(mix.ms("ours", label)) for label in (*READS, WRITE) if mix.ms("ours", label)
    }
    bare_by_command = {
        label: median(mix.ms("bare", label)) for label in (*READS, WRITE) if mix.ms("bare", label)
    }
    only_ours, only_bare = only.ms("ours"), only.ms("bare")
    cpu = {bot: mix.cpu_ms(bot) for bot in BOTS}
    context = {
        "platform": platform,
        "chats": len(place.chats),
        "coalitions": len({c.coalition for c in place.chats}),
        "write_coalition": WRITE_COALITION,
        "bindings_added_in_copy": place.added_bindings,
        "roles_added_in_copy": place.added_roles,
        "round_trips_each": len(ours),
        "events_only_round_trips_each": len(only_ours),
        **describe(deployed),
    }

    def figure(subject: str, unit: str, value: float, **more: Any) -> Measurement:
        return Measurement(
            benchmark="mixed",
            backend=backend,
            events=events,
            subject=f"{platform}: {subject}",
            unit=unit,
            median=value,
            **more,
        )

    found = [
        figure(
            "mix, ours",
            "ms",
            median(ours),
            p99=percentile(ours, 99),
            target=TARGET_P99_MS,
            samples=len(ours),
            extra={
                **context,
                "per_command_median_ms": by_command,
                "samples": mix.samples,
                "cpu_ms_per_command": cpu["ours"],
                "answered_after_an_empty_ack": mix.late if platform == "slack" else None,
                "reads_right_after_a_write": {
                    "count": len(mix.after_write["ours"]),
                    "ours_p50_ms": median(mix.after_write["ours"] or [0.0]),
                    "bare_p50_ms": median(mix.after_write["bare"] or [0.0]),
                },
                "all_reads_ours_p50_ms": median(
                    [ms for label, ms in mix.trips["ours"] if label != WRITE] or [0.0]
                ),
            },
        ),
        figure(
            "mix, bare",
            "ms",
            median(bare),
            p99=percentile(bare, 99),
            samples=len(bare),
            extra={"per_command_median_ms": bare_by_command, "cpu_ms_per_command": cpu["bare"]},
        ),
        figure(
            "mix, ours/bare p50",
            "×",
            ratio(median(ours), median(bare)),
            target=TARGET_RATIO,
            checks="median",
            samples=len(ours),
        ),
        figure(
            f"{WRITE}, ours",
            "ms",
            median(writes) if writes else 0.0,
            p99=percentile(writes, 99) if writes else None,
            target=TARGET_WRITE_MS[backend],
            checks="median",
            samples=len(writes),
        ),
        figure(
            "/events only, ours/bare p50",
            "×",
            ratio(median(only_ours), median(only_bare)),
            target=TARGET_EVENTS_RATIO,
            checks="median",
            samples=len(only_ours),
            extra={
                "ours_p50_ms": median(only_ours),
                "ours_p99_ms": percentile(only_ours, 99),
                "bare_p50_ms": median(only_bare),
                "bare_p99_ms": percentile(only_bare, 99),
                "cpu_ms_per_command": {bot: only.cpu_ms(bot) for bot in BOTS},
            },
        ),
        figure(
            "/events only, CPU ours/bare",
            "×",
            ratio(only.cpu_ms("ours"), only.cpu_ms("bare")),
            target=TARGET_SLACK_CPU_RATIO if platform == "slack" else None,
            checks="median",
        ),
        figure("CPU per command, ours", "ms", cpu["ours"], samples=len(ours)),
        figure("CPU per command, bare", "ms", cpu["bare"], samples=len(bare)),
        figure(
            "CPU per command, ours/bare",
            "×",
            ratio(cpu["ours"], cpu["bare"]),
            target=TARGET_SLACK_CPU_RATIO if platform == "slack" else None,
            checks="median",
        ),
    ]
    for label in (*READS, WRITE):
        trips = mix.ms("ours", label)
        if trips:
            found.append(
                figure(
                    f"ours {label}",
                    "ms",
                    median(trips),
                    p99=percentile(trips, 99),
                    samples=len(trips),
                )
            )
    return found


def verdict(value: float, target: float) -> str:
    return "met" if value <= target else "missed"


def log_figures(bench: Run, platform: str, deployed: Deployment, found: list[Measurement]) -> None:
    ours, bare, mix_ratio, write, only, only_cpu, cpu_ours, cpu_bare, cpu_ratio = found[:9]
    target_write = TARGET_WRITE_MS[deployed.backend]
    p99 = ours.p99 or 0.0
    cpu_target = (
        f" (target ≤ {TARGET_SLACK_CPU_RATIO}: {verdict(cpu_ratio.median, TARGET_SLACK_CPU_RATIO)})"
        if platform == "slack"
        else ""
    )
    bench.log(
        f"mixed: {platform}, {deployed.backend}, {deployed.events:,} events: "
        f"ours p50 {ours.median:.2f} ms, p99 {p99:.2f} ms "
        f"(target ≤ {TARGET_P99_MS:.0f}: {verdict(p99, TARGET_P99_MS)}); "
        f"bare p50 {bare.median:.2f} ms, p99 {bare.p99 or 0.0:.2f} ms; "
        f"ours/bare {mix_ratio.median:.2f} (target ≤ {TARGET_RATIO}: "
        f"{verdict(mix_ratio.median, TARGET_RATIO)}); {WRITE} p50 {write.median:.2f} ms "
        f"(target ≤ {target_write:.0f}: {verdict(write.median, target_write)}); "
        f"/events only ours/bare {only.median:.2f} (target ≤ {TARGET_EVENTS_RATIO}: "
        f"{verdict(only.median, TARGET_EVENTS_RATIO)}); CPU ms/command ours "
        f"{cpu_ours.median:.2f}, bare {cpu_bare.median:.2f}, ratio {cpu_ratio.median:.2f}"
        + cpu_target
        + f"; /events only CPU ours/bare {only_cpu.median:.2f}"
    )
    after = ours.extra["reads_right_after_a_write"]
    bench.log(
        f"mixed: {platform}, {deployed.backend}: reads right after a write ({after['count']}): "
        f"ours p50 {after['ours_p50_ms']:.2f} ms, bare {after['bare_p50_ms']:.2f} ms; all reads "
        f"ours p50 {ours.extra['all_reads_ours_p50_ms']:.2f} ms"
    )
    commands = ", ".join(f"{m.subject.split(' ours ', 1)[1]} {m.median:.2f}" for m in found[9:])
    bench.log(f"mixed: {platform}, {deployed.backend}: ours' medians (ms): {commands}")


def run(bench: Run) -> list[Measurement]:
    quick = bench.options.quick
    size = max(bench.options.sizes)
    measurements: list[Measurement] = []
    for backend in bench.backends():
        deployed = deployment(bench, backend, size)
        for platform in PLATFORMS:
            url = scratch_copy(deployed, platform)
            place = asyncio.run(prepare(url, platform, deployed_shape(bench, backend, size)))
            phases = (
                (
                    "mix",
                    plan(
                        place,
                        QUICK_MIX_TRIPS if quick else MIX_TRIPS,
                        events_only=False,
                        label=f"{platform}-mix",
                    ),
                ),
                (
                    "events",
                    plan(
                        place,
                        QUICK_EVENTS_TRIPS if quick else EVENTS_TRIPS,
                        events_only=True,
                        label=f"{platform}-events",
                    ),
                ),
            )
            bench.log(
                f"mixed: {platform}, {backend}, {size:,} events: {len(phases[0][1]):,} mixed and "
                f"{len(phases[1][1]):,} /events round trips each of ours and bare, over "
                f"{len(place.chats)} chats of {len({c.coalition for c in place.chats})} "
                f"coalitions, in blocks of {block_of(bench)} ..."
            )
            measure = telegram if platform == "telegram" else slack
            tallies = asyncio.run(measure(bench, deployed, place, phases))
            found = measurements_of(platform, deployed, place, tallies)
            log_figures(bench, platform, deployed, found)
            if bench.options.profile:
                _args, name = profile_args(bench, platform, deployed)
                cache = bench.options.cache_dir
                bench.log(
                    f"mixed: {platform}, {backend}: profile of ours in {cache / name}.html, "
                    f"{name}.txt and {name}-flat.txt; top entries by own time:"
                )
                for line in top_entries(cache, name):
                    bench.log(f"    {line}")
            measurements.extend(found)
    return measurements


def deployed_shape(bench: Run, backend: str, size: int) -> Shape:
    return bench.dataset(backend, size).shape


BENCHMARK = Benchmark(
    "mixed",
    "paced round trips of a day's mixed commands (reads in ten coalitions, every tenth an "
    "/addevent in one) and of /events alone, through ours and a bare bot side by side, "
    "Telegram and Slack: p50/p99, ours/bare, per-command medians, CPU per command",
    run,
)
