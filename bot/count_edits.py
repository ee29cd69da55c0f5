"""An announcement's counts kept current in every chat where it was posted, coalesced.

When answers to an event change its counts, every message that announced it is edited to
show them. Edits go through each adapter's own rate limits like sends, and they are
coalesced per event: the first change is shown at once, and the changes that come while an
edit is under way or within `interval` after it make one more edit, showing the counts as
they are then. A burst of a hundred answers so makes a handful of edits per chat, not a
hundred, and the last edit shows the final counts (they are read when the edit is made).

Where the messages are is in the database (each delivery keeps the posted message's id),
so any process that takes an answer can edit them, and a restart loses no message. An edit
still pending when the process stops is made then, within `flush_seconds`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from datetime import datetime

from bot.delivery import DeliveryFailed, Editor, platform_of
from handlers.i18n import Translator
from handlers.language import chat_locale
from handlers.rsvp.notices import announcement_with_counts
from handlers.types import Reply
from models.services.rsvp import RsvpService

log = logging.getLogger(__name__)

INTERVAL = 2.0
"""Seconds between two edits of one event's announcements."""
FLUSH_SECONDS = 3.0
"""How long a stopping process spends on the edits still pending."""


class CountEdits:
    """Edits announcements as their event's counts change: one per process."""

    name = "announcement counts"

    def __init__(
        self,
        rsvp: RsvpService,
        editors: Mapping[str, Editor],
        translators: Mapping[str, Translator],
        clock: Callable[[], datetime],
        *,
        default_locale: str = "sl",
        interval: float = INTERVAL,
        flush_seconds: float = FLUSH_SECONDS,
    ) -> None:
        self.rsvp = rsvp
        self.editors = dict(editors)
        self.translators = translators
        self.clock = clock
        self.default_locale = default_locale
        self.interval = interval
        self.flush_seconds = flush_seconds
        self.edits = 0
        """Messages edited so far (for tests and benchmarks)."""
        self._dirty: set[int] = set()
        self._running: dict[int, asyncio.Task[None]] = {}
        self._editing: set[int] = set()

    def listen(self) -> None:
        self.rsvp.on_counts.append(self.changed)

    async def start(self) -> None:
        self.listen()

    def changed(self, event_id: int) -> None:
        """The event's counts changed: its announcements are edited now, or after the edit
        under way and the interval, whichever comes later."""
        self._dirty.add(event_id)
        if event_id not in self._running:
            task = asyncio.get_running_loop().create_task(self._keep_current(event_id))
            self._running[event_id] = task
            task.add_done_callback(lambda _task: self._running.pop(event_id, None))

    async def settle(self) -> None:
        """Waits until no edit is pending or under way."""
        while self._running:
            await asyncio.gather(*self._running.values(), return_exceptions=True)

    async def stop(self) -> None:
        """Makes the edits still pending (waiting out the interval, or cut off under way)
        once, for at most `flush_seconds`, so the counts a burst left are shown; then gives
        up on what is left."""
        tasks = list(self._running.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        pending = sorted(self._dirty | self._editing)
        self._dirty.clear()
        self._editing.clear()
        if not pending:
            return
        try:
            async with asyncio.timeout(self.flush_seconds):
                await asyncio.gather(*(self._edit(event_id) for event_id in pending))
        except TimeoutError:
            log.warning("stopping: the counts of %d events were left as they were", len(pending))
        except Exception:
            log.exception("stopping: the announcements' counts could not be edited")

    async def _keep_current(self, event_id: int) -> None:
        while event_id in self._dirty:
            self._dirty.discard(event_id)
            self._editing.add(event_id)
            try:
                await self._edit(event_id)
            except Exception:
                log.exception("the announcements of event %d could not be edited", event_id)
            finally:
                this = asyncio.current_task()
                if this is None or not this.cancelling():  # cut off: stop() makes it
                    self._editing.discard(event_id)
            await asyncio.sleep(self.interval)

    async def _edit(self, event_id: int) -> None:
        found = await self.rsvp.announced(event_id)
        if found is None:
            return
        now = self.clock()
        replies: dict[str, Reply] = {}
        edits = []
        for posted in found.messages:
            editor = self.editors.get(platform_of(posted.chat_id))
            if editor is None:
                continue
            locale = chat_locale(
                posted.locale,
                found.coalition.default_locale,
                supported=self.translators,
                default=self.default_locale,
            )
            if locale not in replies:  # worded once per language
                replies[locale] = announcement_with_counts(found, self.translators[locale], now)
            edits.append(self._one(editor, posted.chat_id, posted.message_ref, replies[locale]))
        await asyncio.gather(*edits)

    async def _one(self, editor: Editor, chat_id: str, message_ref: str, reply: Reply) -> None:
        try:
            await editor.edit_message(chat_id, message_ref, reply)
            self.edits += 1
        except DeliveryFailed as error:
            log.info("announcement in %s not edited: %s", chat_id, error.reason)
