"""Posts due reminders: APScheduler times them, the database decides who sends what, once."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.app import App
from bot.delivery import DeliveryFailed, Sender, SendFailure, platform_of
from bot.redaction import Redactor
from handlers.language import chat_locale
from handlers.reminders import reminder_reply
from handlers.types import Reply
from models.reminders import ReminderKind, ReminderState
from models.services.reminders import (
    DeliveryKey,
    Destination,
    Outcome,
    ReminderJob,
    ReminderService,
)
from models.services.reminders.claims import Finished

log = logging.getLogger(__name__)

GOAL_POSTS = (ReminderKind.REVIEW, ReminderKind.VERDICT)
GOAL_POST_LATENESS = timedelta(days=7)
"""A review or verdict missed while the bot was down is still posted this late (a nudge,
however late, as long as nobody has recorded a value)."""
AFTER_ANSWER = timedelta(seconds=0.2)
"""How long a timer due now waits: what a command made due (an announcement) goes out
after the command's own answer, not in its way."""
BY_AREA = frozenset({ReminderKind.DIGEST, ReminderKind.REVIEW, ReminderKind.VERDICT})
"""Reminders worded for each chat's area: a chat bound to one area reads only its part."""
STOP_GRACE = 20.0
"""Seconds a stopping scheduler gives the sends in flight to finish and be recorded."""


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, 4 min … between tries of a reminder that could not be sent."""
    return timedelta(seconds=30 * 2 ** max(0, attempts - 1))


class DeliveryLog:
    """Writes a scheduler's delivery rows, many sends to one transaction.

    A send is recorded as begun before the platform call and as done after it; but what
    is asked for while a write is under way goes into the next write together. A fan-out
    so costs a few transactions rather than two per send, and on SQLite its sends do not
    queue one by one for the write lock.
    """

    def __init__(self, reminders: ReminderService) -> None:
        self._reminders = reminders
        self._begins: list[tuple[DeliveryKey, asyncio.Future[bool]]] = []
        self._ends: list[tuple[Finished, asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def begin(self, reminder_id: int, chat_id: str) -> bool:
        """Records that a send is about to happen; False when it was already sent."""
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._begins.append(((reminder_id, chat_id), future))
        self._wake()
        return await future

    async def end(
        self,
        reminder_id: int,
        chat_id: str,
        failed: DeliveryFailed | None = None,
        message_ref: str | None = None,
    ) -> None:
        """Records that a send is done (or `failed`, and why), and the message it posted."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        why = (failed.failure, failed.reason) if failed else (None, None)
        self._ends.append((((reminder_id, chat_id), *why, message_ref), future))
        self._wake()
        await future

    def _wake(self) -> None:
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write())

    async def _write(self) -> None:
        while self._begins or self._ends:
            begins, self._begins = self._begins, []
            ends, self._ends = self._ends, []
            try:
                fresh = await self._reminders.record_deliveries(
                    [key for key, _ in begins], [finished for finished, _ in ends]
                )
            except BaseException as error:
                waiting: list[asyncio.Future[Any]] = [f for _, f in begins]
                waiting += [f for _, f in ends]
                for future in waiting:
                    if future.done():
                        continue
                    if isinstance(error, Exception):
                        future.set_exception(error)
                    else:
                        future.cancel()
                if not isinstance(error, Exception):
                    raise
                continue
            for key, begun in begins:
                if not begun.done():
                    begun.set_result(key in fresh)
            for _, ended in ends:
                if not ended.done():
                    ended.set_result(None)


class ReminderScheduler:
    """One per process; any number of processes may share one PostgreSQL database."""

    name = "reminders"

    def __init__(
        self,
        app: App,
        senders: Mapping[str, Sender],
        *,
        worker: str | None = None,
        sweep_seconds: float = 30,
        lease: timedelta = timedelta(minutes=2),
        batch: int = 20,
        fan_out: int = 64,
        stop_grace: float = STOP_GRACE,
    ) -> None:
        self.app = app
        self.senders = dict(senders)
        self.worker = worker or worker_name()
        self.sweep_seconds = sweep_seconds
        self.lease = lease
        self.batch = batch
        self.stop_grace = stop_grace
        self._fan_out = asyncio.Semaphore(fan_out)
        self._deliveries = DeliveryLog(app.services.reminders)
        self._redact = Redactor.for_config(app.config)
        self._sweep_lock = asyncio.Lock()
        self._scheduler: AsyncIOScheduler | None = None
        self._in_hand: set[int] = set()
        self._planning: asyncio.Task[None] | None = None
        self._stopping = False
        self._hurry = asyncio.Event()
        self._alarmed: set[str] = set()
        """Platforms whose refusal of the bot was logged as an ERROR (once, until a success)."""
        self.on_outcome: list[Callable[[str], None]] = []
        """Told each finished reminder's state (sent, failed, skipped), e.g. for /metrics."""
        self.on_refused: list[Callable[[str, str], None]] = []
        """Told each send a platform refused: the platform and the kind of failure."""

    async def start(self) -> None:
        """Schedules every pending reminder, the periodic sweep and the weekly digests."""
        reminders = self.app.services.reminders
        scheduler = AsyncIOScheduler(timezone=UTC)
        scheduler.add_job(
            self._timed_sweep,
            IntervalTrigger(seconds=self.sweep_seconds, timezone=UTC),
            id="sweep",
            next_run_time=datetime.now(UTC),
            max_instances=1,
            coalesce=True,
        )
        scheduler.add_job(
            self._renew_leases,
            IntervalTrigger(seconds=max(1.0, self.lease.total_seconds() / 3), timezone=UTC),
            id="leases",
            max_instances=1,
            coalesce=True,
        )
        self._scheduler = scheduler
        scheduler.start()
        self.app.planned.listen(self.schedule)
        self._planning = asyncio.create_task(self._plan_at_start(reminders))

    async def _plan_at_start(self, reminders: ReminderService) -> None:
        """Times what is pending and plans what has none yet (the weekly digests, an import)
        step by step, while the bot already answers; the periodic sweep finds anything that
        falls due meanwhile. A step that fails is logged and the bot serves on."""
        for step in (
            reminders.ensure_digests,
            reminders.ensure_goal_posts,
            reminders.next_due_times,
            reminders.plan_missing,
        ):
            try:
                self.schedule(await step())
            except Exception as error:
                log.warning(
                    "start-up planning (%s) failed; the bot serves on: %r", step.__name__, error
                )

    async def stop(self) -> None:
        """Stops claiming, lets the sends in flight finish and be recorded (for up to
        `stop_grace` seconds), then stops the timers.

        What is cut off at the end of the grace stays as a crash leaves it: its sends are
        recorded as begun, and its reminders are taken over when their lease runs out.
        """
        self._stopping = True
        if self._planning is not None:
            self._planning.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._planning
            self._planning = None
        if self._sweep_lock.locked():
            log.info(
                "stopping: finishing the sends of %d reminders in hand (up to %.0f s)",
                len(self._in_hand),
                self.stop_grace,
            )
            if not await self._finished_in_grace():
                log.warning(
                    "stopping: reminders %s were still being sent %s; they are taken over "
                    "when their lease runs out",
                    sorted(self._in_hand),
                    "when asked to stop at once"
                    if self._hurry.is_set()
                    else f"after {self.stop_grace:.0f} s",
                )
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
            self._scheduler = None

    @property
    def alive(self) -> bool:
        """Started, not stopping, and its timer running (for /healthz)."""
        return self._scheduler is not None and self._scheduler.running and not self._stopping

    def hurry(self) -> None:
        """Cuts a stop's grace short (a second SIGTERM): what is in flight is left as a crash
        leaves it."""
        self._hurry.set()

    async def _finished_in_grace(self) -> bool:
        """Waits for the sweep in hand to end, for up to `stop_grace` seconds or until
        `hurry`; whether it ended."""

        async def finished() -> None:
            async with self._sweep_lock:
                pass

        ended = asyncio.ensure_future(finished())
        hurried = asyncio.ensure_future(self._hurry.wait())
        try:
            await asyncio.wait(
                (ended, hurried), timeout=self.stop_grace, return_when=asyncio.FIRST_COMPLETED
            )
            return ended.done() and not ended.cancelled()
        finally:
            for task in (ended, hurried):
                task.cancel()
            await asyncio.gather(ended, hurried, return_exceptions=True)

    def schedule(self, due_times: Iterable[datetime]) -> None:
        """A timer for each due time (the sweep catches anything a timer misses)."""
        if self._scheduler is None:
            return
        now = datetime.now(UTC)
        for due in sorted(set(due_times)):
            wall_due = now + max(AFTER_ANSWER, due - self.app.clock())
            self._scheduler.add_job(
                self._timed_sweep,
                DateTrigger(run_date=wall_due, timezone=UTC),
                id=f"due:{due.isoformat()}",
                replace_existing=True,
                misfire_grace_time=None,
            )

    async def _timed_sweep(self) -> None:
        """A sweep started by a timer; one cut off by a stop ends quietly (see `stop`)."""
        try:
            await self.sweep()
        except asyncio.CancelledError:
            log.info("a sweep was cut off by the stop")

    async def sweep(self) -> int:
        """Claims and sends everything due now; returns how many reminders it handled.

        The next batch is claimed and loaded while the one before is still sending, so the
        fan-out does not pause between batches: at most two batches are in hand at once.
        Once the scheduler is stopping, nothing more is claimed.
        """
        handled = 0
        async with self._sweep_lock:
            sending: list[asyncio.Task[None]] = []
            try:
                while not self._stopping:
                    try:
                        claimed = await self.app.services.reminders.claim_due(
                            self.worker, self.lease, self.batch
                        )
                    except Exception:
                        log.exception("claiming due reminders failed; the next sweep tries again")
                        break
                    if not claimed:
                        break
                    handled += len(claimed)
                    self._in_hand.update(claimed)
                    sending.append(asyncio.create_task(self._send_batch(claimed)))
                    if len(claimed) < self.batch:
                        break  # all that was due: no need to ask again
                    if len(sending) == 2:
                        await sending.pop(0)
                for batch in sending:
                    await batch
            except BaseException:
                for batch in sending:
                    batch.cancel()
                await asyncio.gather(*sending, return_exceptions=True)
                raise
        return handled

    async def _send_batch(self, claimed: list[int]) -> None:
        reminders = self.app.services.reminders
        try:
            jobs = await reminders.jobs(claimed)
            outcomes = await asyncio.gather(*(self._process(job) for job in jobs))
            for listener in self.on_outcome:
                for outcome in outcomes:
                    if outcome is not None:
                        listener(outcome.state.value)
            self.schedule(
                await reminders.finish_all(
                    self.worker, [outcome for outcome in outcomes if outcome]
                )
            )
        except Exception:
            log.exception("reminders %s could not be processed; their leases will expire", claimed)
        finally:
            self._in_hand.difference_update(claimed)

    async def _renew_leases(self) -> None:
        if self._in_hand:
            await self.app.services.reminders.renew_leases(
                self.worker, sorted(self._in_hand), self.lease
            )

    async def _process(self, job: ReminderJob) -> Outcome | None:
        """Sends one reminder everywhere it goes; how it ended (None: its lease will expire)."""
        try:
            skip = self._why_skip(job)
            if skip:
                log.info("reminder %d skipped: %s", job.id, skip)
                return Outcome(job.id, ReminderState.SKIPPED, error=skip)
            replies = self._replies(job)
            done = job.already_sent | job.refused
            due = [
                (d, reply)
                for d in job.destinations
                if d.chat_id not in done and (reply := replies[self._wording(job, d)]) is not None
            ]
            unserved = self._unserved([d.chat_id for d, _ in due])
            results: list[tuple[str, DeliveryFailed | None]] = list(
                await asyncio.gather(
                    *(self._deliver(job, d, reply) for d, reply in due if d.chat_id not in unserved)
                )
            )
            results += list(unserved.items())
        except Exception:
            log.exception("reminder %d could not be processed; its lease will expire", job.id)
            return None
        failures = [failed for _, failed in results if failed]
        if not failures:
            return Outcome(job.id, ReminderState.SENT)
        again = [failed for failed in failures if failed.failure.retryable]
        first = again[0] if again else failures[0]
        error = f"{first.chat_id}: {first.reason}"
        if not again:
            log.warning("reminder %d: %d sends failed for good: %s", job.id, len(failures), error)
            return Outcome(job.id, ReminderState.FAILED, error=error)
        retry = backoff(job.attempts)
        log.warning(
            "reminder %d: %d sends failed, %d to try again in %s: %s",
            job.id,
            len(failures),
            len(again),
            retry,
            error,
        )
        return Outcome(job.id, ReminderState.FAILED, error=error, retry_in=retry)

    def _unserved(self, chat_ids: list[str]) -> dict[str, DeliveryFailed]:
        """Chats of platforms no adapter runs for in this process, each with its failure
        (logged as an ERROR once per platform). Nothing is recorded per chat: a
        configuration missing a platform would otherwise cost a row and a write for each of
        its chats at every reminder."""
        unserved: dict[str, DeliveryFailed] = {}
        for chat_id in chat_ids:
            platform = platform_of(chat_id)
            if platform in self.senders:
                continue
            unserved[chat_id] = DeliveryFailed(
                chat_id, f"no adapter runs for {platform}: configure it", failure=SendFailure.SETUP
            )
            for listener in self.on_refused:
                listener(platform, SendFailure.SETUP.value)
            if platform not in self._alarmed:
                self._alarmed.add(platform)
                log.error(
                    "no adapter runs for %s: no reminder reaches a %s chat until an operator "
                    "configures it",
                    platform,
                    platform,
                )
        return unserved

    @staticmethod
    def _wording(job: ReminderJob, destination: Destination) -> tuple[str, int | None]:
        """What a chat's message depends on: its language, and for a digest or a goals' post
        its area."""
        area = destination.area_id if job.kind in BY_AREA else None
        return destination.locale, area

    def _replies(self, job: ReminderJob) -> dict[tuple[str, int | None], Reply | None]:
        """The reminder worded once for each language (and area, see BY_AREA) among its
        chats."""
        replies: dict[tuple[str, int | None], Reply | None] = {}
        now = self.app.clock()
        for d in job.destinations:
            key = self._wording(job, d)
            if key not in replies:
                translator = self.app.translators[
                    chat_locale(
                        d.locale,
                        job.coalition.default_locale,
                        supported=self.app.translators,
                        default=self.app.dispatcher.default_locale,
                    )
                ]
                replies[key] = reminder_reply(job, translator, now, key[1])
        return replies

    def _why_skip(self, job: ReminderJob) -> str | None:
        now = self.app.clock()
        if job.kind is ReminderKind.CANCELLATION:
            return None
        if job.event is not None and job.event.status == "cancelled":
            return "the event was cancelled"
        moment = job.subject_moment
        if moment is not None and moment <= now:
            return f"too late: it was due {job.due_at.isoformat()}, the subject is already past"
        late = now - job.due_at
        if job.kind is ReminderKind.DIGEST:
            if late > timedelta(days=1):
                return "the weekly digest is a day late; the next one is planned"
        elif job.kind in GOAL_POSTS:
            if late > GOAL_POST_LATENESS:
                return "the goals' post is a week late; the next one is planned"
        elif job.kind is not ReminderKind.NUDGE and late > self.app_grace:
            return f"too late: it was due {job.due_at.isoformat()}, more than the grace ago"
        return None

    @property
    def app_grace(self) -> timedelta:
        return self.app.services.reminders.policy.grace

    async def _deliver(
        self, job: ReminderJob, destination: Destination, reply: Reply
    ) -> tuple[str, DeliveryFailed | None]:
        """Sends to one chat; the chat, and how it failed if it did (recorded either way).

        A chat gone for the bot is marked inactive (a subscription there pauses); an error
        of the bot's own setup is logged as an ERROR once, until a send there succeeds again.
        """
        chat_id = destination.chat_id
        platform = platform_of(chat_id)
        sender = self.senders[platform]
        async with self._fan_out:
            if not await self._deliveries.begin(job.id, chat_id):
                return chat_id, None
            try:
                posted = await sender.send(chat_id, reply)
            except Exception as error:
                failed = (
                    error
                    if isinstance(error, DeliveryFailed)
                    else DeliveryFailed(chat_id, repr(error), failure=SendFailure.UNAVAILABLE)
                )
                failed.reason = self._redact(failed.reason) or type(error).__name__
                await self._deliveries.end(job.id, chat_id, failed)
                await self._refused(platform, failed)
                return chat_id, failed
            await self._deliveries.end(
                job.id, chat_id, message_ref=posted if isinstance(posted, str) else None
            )
            self._alarmed.discard(platform)
            return chat_id, None

    async def _refused(self, platform: str, failed: DeliveryFailed) -> None:
        """What a failed send means beyond itself: a chat gone, a bot that is refused."""
        for listener in self.on_refused:
            listener(platform, failed.failure.value)
        if failed.failure.deactivates:
            log.warning(
                "%s is gone for the bot; no more reminders go there: %s",
                failed.chat_id,
                failed.reason,
            )
            await self.app.services.reminders.deactivate_destination(failed.chat_id)
        elif failed.failure is SendFailure.SETUP and platform not in self._alarmed:
            self._alarmed.add(platform)
            log.error(
                "%s refuses the bot (%s): no reminder reaches a %s chat until an operator "
                "fixes the configuration (token, scopes, adapter)",
                platform,
                failed.reason,
                platform,
            )
