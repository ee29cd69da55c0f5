"""Posts due reminders: APScheduler times them, the database decides who sends what, once."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.app import App
from bot.delivery import Sender, platform_of
from handlers.reminders import reminder_reply
from models.reminders import ReminderKind, ReminderState
from models.services.reminders import Destination, ReminderJob

log = logging.getLogger(__name__)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, 4 min … between tries of a reminder that could not be sent."""
    return timedelta(seconds=30 * 2 ** max(0, attempts - 1))


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
        fan_out: int = 16,
    ) -> None:
        self.app = app
        self.senders = dict(senders)
        self.worker = worker or worker_name()
        self.sweep_seconds = sweep_seconds
        self.lease = lease
        self.batch = batch
        self._fan_out = asyncio.Semaphore(fan_out)
        self._sweep_lock = asyncio.Lock()
        self._scheduler: AsyncIOScheduler | None = None
        self._in_hand: set[int] = set()

    async def start(self) -> None:
        """Schedules every pending reminder, the periodic sweep and the weekly digests."""
        reminders = self.app.services.reminders
        scheduler = AsyncIOScheduler(timezone=UTC)
        scheduler.add_job(
            self.sweep,
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
        self.schedule(await reminders.ensure_digests())
        self.schedule(await reminders.plan_missing())
        self.schedule(await reminders.next_due_times())
        self.app.planned.listen(self.schedule)

    async def stop(self) -> None:
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
            self._scheduler = None

    def schedule(self, due_times: Iterable[datetime]) -> None:
        """A timer for each due time (the sweep catches anything a timer misses)."""
        if self._scheduler is None:
            return
        now = datetime.now(UTC)
        for due in sorted(set(due_times)):
            wall_due = now + max(timedelta(), due - self.app.clock())
            self._scheduler.add_job(
                self.sweep,
                DateTrigger(run_date=wall_due, timezone=UTC),
                id=f"due:{due.isoformat()}",
                replace_existing=True,
                misfire_grace_time=None,
            )

    async def sweep(self) -> int:
        """Claims and sends everything due now; returns how many reminders it handled."""
        handled = 0
        async with self._sweep_lock:
            while True:
                try:
                    claimed = await self.app.services.reminders.claim_due(
                        self.worker, self.lease, self.batch
                    )
                except Exception:
                    log.exception("claiming due reminders failed; the next sweep tries again")
                    return handled
                if not claimed:
                    return handled
                self._in_hand.update(claimed)
                try:
                    await asyncio.gather(*(self._process(rid) for rid in claimed))
                finally:
                    self._in_hand.difference_update(claimed)
                handled += len(claimed)

    async def _renew_leases(self) -> None:
        if self._in_hand:
            await self.app.services.reminders.renew_leases(
                self.worker, sorted(self._in_hand), self.lease
            )

    async def _process(self, reminder_id: int) -> None:
        reminders = self.app.services.reminders
        try:
            job = await reminders.job(reminder_id)
            if job is None:
                return
            skip = self._why_skip(job)
            if skip:
                log.info("reminder %d skipped: %s", job.id, skip)
                await reminders.finish(job.id, self.worker, ReminderState.SKIPPED, error=skip)
                return
            results = await asyncio.gather(
                *(
                    self._deliver(job, d)
                    for d in job.destinations
                    if d.chat_id not in job.already_sent
                )
            )
            errors = [error for error in results if error]
            if errors:
                retry = backoff(job.attempts)
                log.warning(
                    "reminder %d: %d sends failed, retry in %s: %s",
                    job.id,
                    len(errors),
                    retry,
                    errors[0],
                )
                self.schedule(
                    await reminders.finish(
                        job.id, self.worker, ReminderState.FAILED, error=errors[0], retry_in=retry
                    )
                )
            else:
                self.schedule(await reminders.finish(job.id, self.worker, ReminderState.SENT))
        except Exception:
            log.exception("reminder %d could not be processed; its lease will expire", reminder_id)

    def _why_skip(self, job: ReminderJob) -> str | None:
        now = self.app.clock()
        if job.kind is ReminderKind.CANCELLATION:
            return None
        if job.event is not None and job.event.status == "cancelled":
            return "the event was cancelled"
        moment = job.subject_moment
        if moment is not None and moment <= now:
            return f"too late: it was due {job.due_at.isoformat()}, the subject is already past"
        if job.kind is not ReminderKind.DIGEST and now - job.due_at > self.app_grace:
            return f"too late: it was due {job.due_at.isoformat()}, more than the grace ago"
        if job.kind is ReminderKind.DIGEST and now - job.due_at > timedelta(days=1):
            return "the weekly digest is a day late; the next one is planned"
        return None

    @property
    def app_grace(self) -> timedelta:
        return self.app.services.reminders.policy.grace

    async def _deliver(self, job: ReminderJob, destination: Destination) -> str | None:
        """Sends to one chat; returns an error text when it should be tried again later."""
        reminders = self.app.services.reminders
        translator = self.app.translators.get(destination.locale) or self.app.translators["sl"]
        reply = reminder_reply(job, translator, self.app.clock())
        if reply is None:
            return None
        sender = self.senders.get(platform_of(destination.chat_id))
        if sender is None:
            log.warning("reminder %d: no adapter runs for %s", job.id, destination.chat_id)
            if await reminders.begin_delivery(job.id, destination.chat_id):
                await reminders.end_delivery(
                    job.id, destination.chat_id, error="no adapter runs for this platform"
                )
            return None
        async with self._fan_out:
            if not await reminders.begin_delivery(job.id, destination.chat_id):
                return None
            try:
                await sender.send(destination.chat_id, reply)
            except Exception as error:
                await reminders.end_delivery(job.id, destination.chat_id, error=str(error))
                if getattr(error, "permanent", False):
                    log.warning(
                        "%s refuses messages; no more reminders go there: %s",
                        destination.chat_id,
                        error,
                    )
                    await reminders.deactivate_destination(destination.chat_id)
                    return None
                return str(error) or type(error).__name__
            await reminders.end_delivery(job.id, destination.chat_id)
            return None
