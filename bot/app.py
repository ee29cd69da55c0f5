"""The composition root: builds the database, services, translators and dispatcher once."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Protocol, TypeVar
from zoneinfo import ZoneInfo

from bot.config import Config
from bot.i18n import load_translators
from bot.web.metrics import Metrics
from handlers.access import MembershipProbe
from handlers.context import Services
from handlers.dispatcher import Dispatcher
from handlers.i18n import Translator
from models.database import Database, SchemaOutOfDate
from models.demo import load_demo
from models.reminder_policy import ReminderPolicy
from models.services import ActivityService, ContactService, DirectoryService, EventService
from models.services.base import Clock, Service, utc_now
from models.services.calendar import CalendarService, FeedImportService
from models.services.goals import GoalService
from models.services.imports import ExportService, HeldImportService, ImportService
from models.services.network import NetworkService
from models.services.personal import PersonalDataService
from models.services.questions import QuestionService
from models.services.reminders import ReminderService
from models.services.rsvp import RsvpService

ServiceT = TypeVar("ServiceT", bound=Service)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

log = logging.getLogger(__name__)


class Adapter(Protocol):
    """A platform front end the runner starts and stops."""

    name: str

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class PlannedTimes:
    """Where services announce new reminder due times; the scheduler listens when it runs."""

    def __init__(self) -> None:
        self._listeners: list[Callable[[list[datetime]], None]] = []

    def listen(self, listener: Callable[[list[datetime]], None]) -> None:
        self._listeners.append(listener)

    def notify(self, due_times: list[datetime]) -> None:
        for listener in self._listeners:
            listener(due_times)


@dataclass
class App:
    config: Config
    database: Database
    services: Services
    translators: dict[str, Translator]
    dispatcher: Dispatcher
    clock: Clock
    planned: PlannedTimes
    probes: dict[str, MembershipProbe]
    """Each platform adapter puts here how it asks whether a person is in a chat."""
    metrics: Metrics = field(default_factory=Metrics)
    """This process's Prometheus figures (served at /metrics)."""

    def today(self) -> date:
        """Today in the deployment's default time zone."""
        return self.clock().astimezone(ZoneInfo(self.config.timezone)).date()

    async def close(self) -> None:
        await self.database.dispose()


def reminder_policy(config: Config) -> ReminderPolicy:
    reminders = config.reminders
    digest_weekday, digest_time = None, time(8, 0)
    if reminders.digest:
        day, clock_time = reminders.digest.split()
        digest_weekday = WEEKDAYS.index(day)
        digest_time = time.fromisoformat(clock_time)
    goals = config.goals
    review_weekday, review_time = 0, time(9, 0)
    if goals.review:
        _months, day, clock_time = goals.review.split()
        review_weekday = WEEKDAYS.index(day)
        review_time = time.fromisoformat(clock_time)
    return ReminderPolicy(
        event_offsets=reminders.event_offsets,
        deadline_offsets=reminders.deadline_offsets,
        deadline_time=time.fromisoformat(reminders.deadline_time),
        digest_weekday=digest_weekday,
        digest_time=digest_time,
        grace=timedelta(minutes=reminders.grace),
        review_months=goals.review_months,
        review_weekday=review_weekday,
        review_time=review_time,
        verdict_time=time.fromisoformat(goals.verdict) if goals.verdict else None,
        nudge_days=goals.nudge,
    )


def build_app(config: Config, *, clock: Clock = utc_now) -> App:
    database = Database.connect(config.database_url)
    sessions = database.sessions
    planned = PlannedTimes()
    policy = reminder_policy(config)

    def wired(service: type[ServiceT]) -> ServiceT:
        return service(sessions, clock, policy=policy, on_planned=planned.notify)

    calendar = wired(CalendarService)
    calendar.public_url = config.web.base_url
    services = Services(
        directory=wired(DirectoryService),
        events=wired(EventService),
        activities=wired(ActivityService),
        contacts=wired(ContactService),
        reminders=wired(ReminderService),
        goals=wired(GoalService),
        imports=wired(ImportService),
        exports=wired(ExportService),
        held_imports=wired(HeldImportService),
        calendar=calendar,
        feeds=wired(FeedImportService),
        rsvp=wired(RsvpService),
        network=wired(NetworkService),
        questions=wired(QuestionService),
        personal=wired(PersonalDataService),
    )
    translators = load_translators()
    probes: dict[str, MembershipProbe] = {}
    dispatcher = Dispatcher(
        services,
        translators,
        clock,
        default_locale=config.default_locale,
        freshness=database.changes,
        probes=probes,
    )
    metrics = Metrics()
    dispatcher.observers.append(metrics.command)
    return App(config, database, services, translators, dispatcher, clock, planned, probes, metrics)


def prepare_schema(database: Database) -> bool:
    """Creates the schema in an empty SQLite file; else insists it is current.

    Returns True when the database was empty and has just been created.
    Raises SchemaOutOfDate when an existing database needs `coalition-bot db upgrade`.
    """
    if database.engine.dialect.name == "sqlite" and database.is_empty():
        database.upgrade()
        return True
    database.check_schema()
    return False


async def start_app(app: App, *, with_demo: bool = False) -> None:
    """Applies the configured coalitions, and the demo data when asked."""
    await app.services.directory.apply_config(list(app.config.coalitions), complete=True)
    if with_demo and await load_demo(app.database.sessions, app.today()):
        log.info("demo data loaded")


__all__ = ["Adapter", "App", "SchemaOutOfDate", "build_app", "prepare_schema", "start_app"]
