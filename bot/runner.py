"""`coalition-bot run`: starts every configured platform adapter on one event loop."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from bot.app import Adapter, App
from bot.count_edits import CountEdits
from bot.delivery import Editor, Sender
from bot.scheduler import ReminderScheduler
from bot.web.health import alive_check, database_check
from models.services.seen_requests import SeenRequestService

if TYPE_CHECKING:
    from bot.adapters.slack import SlackAdapter
    from bot.adapters.telegram import TelegramAdapter
    from bot.config import TelegramConfig
    from bot.feeds import FeedPoller
    from bot.web import HealthCheck, WebServer

log = logging.getLogger(__name__)

CHATTY = ("apscheduler", "telegram.ext.Application")
"""Libraries whose INFO lines say what the bot says itself, or that a timer fired (each sweep):
heard at DEBUG only."""


def quiet_chatty_libraries() -> None:
    """Unless the log is at DEBUG, the chatty libraries say only warnings and errors."""
    if logging.getLogger().getEffectiveLevel() <= logging.DEBUG:
        return
    for name in CHATTY:
        library = logging.getLogger(name)
        if library.level == logging.NOTSET:
            library.setLevel(logging.WARNING)


YOUNG_OBJECTS = 10_000
"""Objects allocated before the collector's youngest generation is scanned (Python's default
700 scans it dozens of times a second under a burst of presses)."""


def settle_collector() -> None:
    """After start-up: what it built lives as long as the process, so the collector need not
    scan it again, which keeps full collections short (feeds of thousands of events); and
    young objects are scanned in fewer, larger rounds."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_OBJECTS, *gc.get_threshold()[1:])


def telegram_adapter(
    app: App, settings: TelegramConfig | None = None, **options: Any
) -> TelegramAdapter:
    """The Telegram adapter with what it uses: the dispatcher, its settings and the command
    limits; it answers the dispatcher's "is this person in that chat?"."""
    from bot.adapters.telegram import TelegramAdapter

    adapter = TelegramAdapter(
        app.dispatcher, settings or app.config.telegram, limits=app.config.throttle, **options
    )
    app.probes["telegram"] = adapter
    return adapter


def slack_adapter(app: App, **options: Any) -> SlackAdapter:
    """The Slack adapter with what it uses: the dispatcher, its settings, the command limits,
    the clock and where handled requests are remembered; it answers the membership probe."""
    from bot.adapters.slack import SlackAdapter

    adapter = SlackAdapter(
        app.dispatcher,
        app.config.slack,
        seen_requests=SeenRequestService(app.database.sessions, app.clock),
        clock=app.clock,
        limits=app.config.throttle,
        **options,
    )
    app.probes["slack"] = adapter
    return adapter


def web_server(app: App, checks: dict[str, HealthCheck]) -> WebServer:
    """The public pages, feeds, /healthz and /metrics, with what they read: the public and
    calendar services, the translators, the metrics and the content revisions (for ETags)."""
    from bot.web import Site, WebServer, web_application
    from models.services.calendar import PublicService

    settings = app.config.web
    site = Site(
        PublicService(app.database.sessions, app.clock),
        app.services.calendar,
        app.translators,
        app.metrics,
        app.database.changes,
        base_url=settings.base_url,
        clock=app.clock,
        checks=checks,
    )
    application = web_application(site, settings.embed_origins)
    return WebServer(application, settings.listen, settings.port)


def feed_poller(app: App) -> FeedPoller:
    """Reads the partners' feeds into their coalitions (`[[coalitions.feeds]]`)."""
    from bot.feeds import FeedPoller

    zones = {spec.slug: spec.timezone for spec in app.config.coalitions}
    return FeedPoller(
        app.config.feeds, app.services.feeds, zones, app.clock, interval=app.config.feed_interval
    )


def configured_adapters(app: App) -> list[Adapter]:
    """The adapters whose tokens are configured (imported only when needed)."""
    adapters: list[Adapter] = []
    if app.config.telegram.token:
        adapters.append(telegram_adapter(app))
    if app.config.slack.bot_token:
        adapters.append(slack_adapter(app))
    return adapters


async def serve(app: App, adapters: list[Adapter] | None = None) -> int:
    """Runs the adapters (by default the configured ones) until SIGINT/SIGTERM.

    Returns the process exit code.
    """
    configured = adapters is None
    adapters = configured_adapters(app) if adapters is None else adapters
    checks: dict[str, HealthCheck] = {"database": database_check(app.database.sessions)}
    others: list[Adapter] = []
    if configured and app.config.web.enabled:
        others.append(web_server(app, checks))
    if configured and app.config.feeds:
        others.append(feed_poller(app))
    if not adapters and not others:
        log.error(
            "nothing to run: set [telegram] token (TELEGRAM_BOT_TOKEN) or [slack] bot_token "
            "(SLACK_BOT_TOKEN), or keep [web] enabled; `coalition-bot chat` works without either"
        )
        return 2
    if not adapters:
        log.warning(
            "no chat platform configured: serving the web pages and keeping the reminders' "
            "books only (set [telegram] token or [slack] bot_token to talk in chats)"
        )
    quiet_chatty_libraries()
    stop = asyncio.Event()
    received: list[str] = []

    hurry: list[ReminderScheduler] = []

    def on_signal(signum: signal.Signals) -> None:
        received.append(signum.name)
        if stop.is_set() and hurry:
            log.info("%s received again: stopping now", signum.name)
            hurry[0].hurry()
        stop.set()

    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, on_signal, signum)
    started: list[Adapter] = []
    checks["scheduler"] = alive_check(lambda: bool(hurry) and hurry[0].alive, "not running")
    try:
        for adapter in [*adapters, *others]:
            try:
                await adapter.start()
            except Exception as error:
                log.error("the %s adapter cannot start: %s", adapter.name, error)
                return 2
            started.append(adapter)
            log.info("%s adapter started", adapter.name)
        senders = {a.name: a for a in adapters if isinstance(a, Sender)}
        counts = CountEdits(
            app.services.rsvp,
            {a.name: a for a in adapters if isinstance(a, Editor)},
            app.translators,
            app.clock,
            default_locale=app.dispatcher.default_locale,
        )
        await counts.start()
        started.append(counts)
        reminders = app.config.reminders
        scheduler = ReminderScheduler(
            app,
            senders,
            sweep_seconds=reminders.sweep,
            lease=timedelta(seconds=reminders.lease),
        )
        scheduler.on_outcome.append(lambda state: app.metrics.reminders.labels(state).inc())
        scheduler.on_refused.append(
            lambda platform, reason: app.metrics.platform_errors.labels(platform, reason).inc()
        )
        await scheduler.start()
        started.append(scheduler)
        hurry.append(scheduler)
        log.info("reminder scheduler started as %s", scheduler.worker)
        settle_collector()
        await stop.wait()
        log.info("%s received: stopping after the sends in flight", received[0])
    finally:
        for adapter in reversed(started):
            try:
                await adapter.stop()
            except Exception:
                log.exception("stopping the %s adapter failed", adapter.name)
    return 0
