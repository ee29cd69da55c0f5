"""What a handler gets: the command, who and where, the services, and the reader's language."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from handlers.access import PrivateAccess
from handlers.i18n import Translator
from handlers.types import Attachment, Button, IncomingCommand, ListItem, Question, Reply
from models.entities import Role
from models.services import ActivityService, ContactService, DirectoryService, EventService
from models.services.calendar import CalendarService, FeedImportService
from models.services.goals import GoalService
from models.services.imports import ExportService, HeldImportService, ImportService
from models.services.network import NetworkService
from models.services.personal import PersonalDataService
from models.services.questions import QuestionService
from models.services.reminders import ReminderService
from models.services.rsvp import RsvpService
from models.services.views import CoalitionView


@dataclass(frozen=True)
class Services:
    directory: DirectoryService
    events: EventService
    activities: ActivityService
    contacts: ContactService
    reminders: ReminderService
    goals: GoalService
    imports: ImportService
    exports: ExportService
    held_imports: HeldImportService
    calendar: CalendarService
    feeds: FeedImportService
    rsvp: RsvpService
    network: NetworkService
    questions: QuestionService
    personal: PersonalDataService


class NoCoalition(Exception):
    """The command needs a coalition and this chat has none."""


@dataclass(frozen=True)
class Context:
    command: IncomingCommand
    services: Services
    coalition_or_none: CoalitionView | None
    role: Role
    chat_bound: bool
    t: Translator
    translators: Mapping[str, Translator]
    now: datetime
    access: PrivateAccess | None = None
    """Who may see which coalition in a private chat (the dispatcher's; None in unit tests)."""

    @property
    def locale(self) -> str:
        return self.t.locale

    @property
    def coalition(self) -> CoalitionView:
        if self.coalition_or_none is None:
            raise NoCoalition
        return self.coalition_or_none

    @property
    def zone(self) -> ZoneInfo:
        return self.coalition.zone

    @property
    def actor(self) -> str:
        return self.command.user_id

    def _(self, message: str) -> str:
        return self.t.gettext(message)

    def reply(
        self,
        title: str = "",
        lines: tuple[str, ...] = (),
        items: tuple[ListItem, ...] = (),
        footer: str = "",
        buttons: tuple[Button, ...] = (),
        *,
        personal: bool = False,
        attachment: Attachment | None = None,
        notice: str = "",
        question: Question | None = None,
    ) -> Reply:
        return Reply(
            title=title,
            lines=lines,
            items=items,
            footer=footer,
            buttons=buttons,
            personal=personal,
            locale=self.locale,
            attachment=attachment,
            notice=notice,
            question=question,
        )

    def error(self, *lines: str, field: str = "") -> Reply:
        """A refusal for the asker; `field` names what it is about, for a form to show it."""
        return Reply(
            lines=tuple(line for line in lines if line),
            is_error=True,
            personal=True,
            locale=self.locale,
            field=field,
        )
