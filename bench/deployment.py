"""The bench data set as a running deployment holds it, and bot processes served by a fake API.

A data set is bulk-loaded, so it has no reminder rows; the first `coalition-bot run` on it
would spend its start planning one for every future event and activity. A deployment copy
(`deployment-<key>.sqlite` next to the data set, or the PostgreSQL database
`bench_run_<key>` made from `bench_ds_<key>` as a template) is what a bot that has been
running holds: its reminders planned by the bot's own `plan_missing`, and what fell due
before now handed to a sender that posts nothing, so that a start has no backlog to send.
The copy is made once and kept (planning the 100,000-event set takes the bot over 20 minutes
on a small machine); each `Run` brings it up to the present the same way, in seconds.

`BotProcess` runs a bot process (`coalition-bot run`, or one of `bench.telegram_bots`)
against `FakeTelegram`; the benchmarks read its timings from the fake, its CPU time and
memory from /proc.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import shutil
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from sqlalchemy import create_engine, make_url, text

from bench.dataset import SEED, Dataset, Shape, generate, server_url
from bench.fake_telegram import TOKEN, FakeTelegram, Update, command_update
from bench.registry import Run
from bot.app import build_app
from bot.config import Config
from bot.scheduler import ReminderScheduler
from handlers.types import Reply

ROOT = Path(__file__).resolve().parents[1]
STOP_SECONDS = 15.0
PLAN_BATCH = 2_000
LANGUAGES = (None, "sl", "en")


@dataclass(frozen=True)
class Asker:
    """A Telegram group bound to a coalition of the data set, and a member who asks there."""

    chat_id: int
    user_id: int
    language: str | None


@dataclass(frozen=True)
class Deployment:
    backend: str
    events: int
    url: str
    askers: tuple[Asker, ...]
    prepare_seconds: float
    reminders_planned: int
    reminders_caught_up: int

    def updates(
        self, count: int, *, first_id: int, label: str, spread: bool = False
    ) -> list[Update]:
        """`count` /events updates from the bound groups, the same ones for the same label.

        Each update comes from a group drawn at random, or with `spread` from the groups in
        turn (in an order drawn at random), so that no group sends more than its share.
        """
        rng = random.Random(f"{SEED}:{label}")
        if spread:
            order = rng.sample(self.askers, len(self.askers))
            chosen = [order[index % len(order)] for index in range(count)]
        else:
            chosen = [rng.choice(self.askers) for _ in range(count)]
        return [
            command_update(
                first_id + index,
                "/events",
                chat_id=asker.chat_id,
                user_id=asker.user_id,
                language=asker.language,
            )
            for index, asker in enumerate(chosen)
        ]

    def config(self, path: Path, base_url: str) -> Path:
        """A `coalition-bot` configuration: this database and the fake Bot API, and no
        per-person command limit (the benchmarks replay thousands of commands from the same
        members of each group, faster than people type; the limit would drop them)."""
        path.write_text(
            f'[database]\nurl = "{self.url}"\n\n'
            f'[telegram]\ntoken = "{TOKEN}"\nbase_url = "{base_url}"\n\n'
            "[throttle]\nburst = 0\n\n"
            "[web]\nenabled = false\n",
            encoding="utf-8",
        )
        return path

    @property
    def groups(self) -> int:
        return len({asker.chat_id for asker in self.askers})


def askers(shape: Shape) -> tuple[Asker, ...]:
    """Active Telegram group bindings, each with a Telegram member of the same coalition."""
    rows = generate(shape, bulk=False).tables
    members: dict[int, list[int]] = {}
    for member in rows["members"]:
        identity = str(member["identity"])
        if identity.startswith("telegram:"):
            members.setdefault(int(member["coalition_id"]), []).append(int(identity.split(":")[1]))
    rng = random.Random(f"{SEED}:askers")
    found = []
    for binding in rows["chat_bindings"]:
        chat = str(binding["chat_id"])
        people = members.get(int(binding["coalition_id"]))
        if chat.startswith("telegram:") and binding["active"] and people:
            chat_id = int(chat.split(":")[1])
            found.append(Asker(chat_id, rng.choice(people), rng.choice(LANGUAGES)))
    if not found:
        raise RuntimeError("the data set has no active Telegram group")
    return tuple(found)


class QuietSender:
    """A sender that posts nothing: what was due before now counts as sent."""

    def __init__(self, name: str) -> None:
        self.name = name

    async def send(self, chat_id: str, reply: Reply) -> None:
        return None


async def bring_up_to_date(url: str) -> tuple[int, int]:
    """Plans missing reminders and hands what is due to quiet senders, with the bot's code.

    Returns (reminders planned, reminders handled as due).
    """
    app = build_app(Config(database_url=url))
    try:
        reminders = app.services.reminders
        planned = len(await reminders.ensure_digests())
        planned += len(await reminders.plan_missing(batch=PLAN_BATCH))
        senders = {name: QuietSender(name) for name in ("telegram", "slack")}
        scheduler = ReminderScheduler(app, senders, worker="bench:catch-up")
        caught_up = await scheduler.sweep()
    finally:
        await app.close()
    return planned, caught_up


_DEPLOYMENTS: dict[tuple[int, str, int], Deployment] = {}


def deployment(bench: Run, backend: str, size: int) -> Deployment:
    """The deployment copy of the data set of `size` events on `backend`, up to date."""
    key = (id(bench), backend, size)
    if key in _DEPLOYMENTS:
        return _DEPLOYMENTS[key]
    dataset = bench.dataset(backend, size)
    started = time.perf_counter()
    if backend == "sqlite":
        url = _sqlite_copy(dataset, keep_stale=bench.options.keep_stale)
    else:
        url = _postgres_copy(dataset, keep_stale=bench.options.keep_stale)
    bench.log(f"deployment: {size:,} events on {backend}: planning reminders, catching up ...")
    planned, caught_up = asyncio.run(bring_up_to_date(url))
    elapsed = time.perf_counter() - started
    bench.log(
        f"deployment: {size:,} events on {backend}: {planned:,} reminders planned, "
        f"{caught_up:,} due ones handled, in {elapsed:.1f} s"
    )
    prepared = Deployment(backend, size, url, askers(dataset.shape), elapsed, planned, caught_up)
    _DEPLOYMENTS[key] = prepared
    return prepared


def _sqlite_copy(dataset: Dataset, *, keep_stale: bool) -> str:
    source = Path(make_url(dataset.url).database or "")
    target = source.with_name(source.name.replace("dataset-", "deployment-", 1))
    size_prefix = f"deployment-{dataset.shape.events}-"
    for stale in source.parent.glob(f"{size_prefix}*.sqlite"):
        if stale != target and not keep_stale:
            _remove_sqlite(stale)
    if dataset.built or not target.exists() or target.stat().st_mtime < source.stat().st_mtime:
        _remove_sqlite(target)
        partial = target.with_name(f"copying-{target.name}")
        shutil.copyfile(source, partial)
        partial.replace(target)
    return f"sqlite:///{target}"


def _remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _postgres_copy(dataset: Dataset, *, keep_stale: bool) -> str:
    server = server_url(dataset.url)
    source = make_url(dataset.url).database or ""
    name = source.replace("bench_ds_", "bench_run_", 1)
    for database in (source, name):
        if not re.fullmatch(r"bench_[a-z0-9_]+", database):
            raise ValueError(f"refusing to use {database!r}: not a benchmark database")
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            existing = set(connection.execute(text("SELECT datname FROM pg_database")).scalars())
            for stale in existing:
                if (
                    stale.startswith(f"bench_run_{dataset.shape.events}_")
                    and stale != name
                    and not keep_stale
                ):
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{stale}" WITH (FORCE)'))
            if dataset.built or name not in existing:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{source}"'))
    finally:
        admin.dispose()
    return server.set(database=name).render_as_string(hide_password=False)


class BotProcess:
    """A bot process served by the fake: spawned, then stopped with SIGTERM (or killed)."""

    def __init__(self, command: list[str], log_path: Path) -> None:
        self.command = command
        self.log_path = log_path
        self.started_at = 0.0
        self._process: asyncio.subprocess.Process | None = None
        self._log: IO[bytes] | None = None

    async def start(self) -> None:
        self._log = self.log_path.open("wb")
        self.started_at = time.perf_counter()
        self._process = await asyncio.create_subprocess_exec(
            *self.command,
            cwd=ROOT,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=self._log,
        )

    @property
    def pid(self) -> int:
        assert self._process is not None
        return self._process.pid

    def cpu_seconds(self) -> float:
        """CPU time the process has used so far, all threads, user and system."""
        with open(f"/proc/{self.pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def exited(self) -> bool:
        return self._process is None or self._process.returncode is not None

    async def stop(self) -> None:
        process = self._process
        if process is not None and process.returncode is None:
            process.send_signal(signal.SIGTERM)
            try:
                async with asyncio.timeout(STOP_SECONDS):
                    await process.wait()
            except TimeoutError:
                process.kill()
                await process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None

    def log_tail(self, characters: int = 800) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-characters:]
        except OSError:
            return ""

    async def wait_answered(self, fake: FakeTelegram, seconds: float, what: str) -> None:
        """Waits for the fake to have every offered update answered, while the bot lives."""
        waiting = asyncio.ensure_future(fake.answered_all(seconds))
        try:
            while not waiting.done():
                await asyncio.wait({waiting}, timeout=0.2)
                if not waiting.done() and self.exited():
                    raise RuntimeError(f"{what}: the bot exited early: {self.log_tail()}")
            waiting.result()
        except TimeoutError:
            raise RuntimeError(
                f"{what}: {fake.pending} of the updates unanswered after {seconds:.0f} s: "
                f"{self.log_tail()}"
            ) from None
        finally:
            waiting.cancel()


def coalition_bot_run(config: Path) -> list[str]:
    return [sys.executable, "-m", "bot", "--config", str(config), "run"]


def describe(deployed: Deployment) -> dict[str, Any]:
    """What the measurements' `extra` says about the database they ran on."""
    return {
        "database": "deployment copy of the data set (reminders planned, none overdue)",
        "telegram_groups": deployed.groups,
        "reminders_planned_now": deployed.reminders_planned,
        "reminders_caught_up_now": deployed.reminders_caught_up,
        "prepare_seconds": round(deployed.prepare_seconds, 1),
    }
