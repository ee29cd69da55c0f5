"""Every command: its English and Slovenian names, who may use it, and its handler."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from handlers import activities, admin, calendar, contacts, events, personal, reminders
from handlers.context import Context
from handlers.goals import editing as goal_editing
from handlers.goals import listing as goal_listing
from handlers.goals import report as goal_report
from handlers.i18n import N_
from handlers.imports import chat as data_exchange
from handlers.imports import upload as uploads
from handlers.network import commands as network
from handlers.rsvp import commands as rsvp
from handlers.types import ChatKind, Reply
from models.entities import Role

Handler = Callable[[Context], Awaitable[Reply]]
PersonalPart = Callable[[Context, Reply], Awaitable[Reply]]


@dataclass(frozen=True)
class CommandSpec:
    name: str
    alias: str
    role: Role
    summary: str
    example: str
    handler: Handler
    needs_coalition: bool = True
    shared_answer: bool = False
    """The answer depends only on the coalition's content, the asker's role and language, the
    chat's kind and binding, the arguments and the minute: the dispatcher may remember it."""
    personal_part: PersonalPart | None = None
    """Adds what is the reader's own (their answer to an event) to the shared answer, for each
    reader anew: never part of what the dispatcher remembers."""
    picks_coalition: bool = False
    """In a private chat its argument names the coalition to talk about from now on."""
    slack_slash: bool = True
    """Registered as a Slack slash command in both languages. Slack takes at most 50, so a
    few commands are reached there by mentioning the bot or in its direct messages
    (`@coalition-bot dodajkazalnik …`), exactly as typed elsewhere."""


async def show_help(ctx: Context) -> Reply:
    """What this chat can do: only the commands the asking user may use."""
    if ctx.command.chat_kind is ChatKind.PRIVATE and ctx.coalition_or_none is None:
        return admin.greeting(ctx)
    slovenian = ctx.locale == "sl"
    lines = []
    for spec in COMMANDS:
        if ctx.role.at_least(spec.role) and spec.name != "start":
            name = spec.alias if slovenian else spec.name
            summary = ctx._(spec.summary)
            lines.append(f"/{name} — {summary}")
    unbound = ctx.command.chat_kind is ChatKind.GROUP and not ctx.chat_bound
    where = ctx.coalition_or_none.name if ctx.coalition_or_none and not unbound else ""
    title = ctx._("What I can do for you") + (f" ({where})" if where else "")
    footer = ctx._("Example: %(example)s") % {"example": ctx._(EVENTS_EXAMPLE)}
    if unbound:
        lines = [
            ctx._("This chat is not bound to a coalition yet."),
            ctx._("An admin binds it with /bind COALITION, e.g. /bind sasa."),
        ]
    return ctx.reply(title, lines=tuple(lines), footer=footer, personal=True)


EVENTS_EXAMPLE = N_("/events week")

COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec(
        "start",
        "zacetek",
        Role.MEMBER,
        N_("show what this chat can do"),
        N_("/help"),
        show_help,
        needs_coalition=False,
        shared_answer=True,
        picks_coalition=True,
        slack_slash=False,  # Telegram's greeting; Slack has /help and the App Home
    ),
    CommandSpec(
        "help",
        "pomoc",
        Role.MEMBER,
        N_("show what this chat can do"),
        N_("/help"),
        show_help,
        needs_coalition=False,
        shared_answer=True,
    ),
    CommandSpec(
        "events",
        "dogodki",
        Role.MEMBER,
        N_("list upcoming events [area] [week|month]"),
        N_("/events week"),
        events.list_events,
        shared_answer=True,
    ),
    CommandSpec(
        "event",
        "dogodek",
        Role.MEMBER,
        N_("show one event in full"),
        N_("/event 12"),
        events.show_event,
        shared_answer=True,
        personal_part=rsvp.with_my_answer,
    ),
    CommandSpec(
        "rsvp",
        "udelezba",
        Role.MEMBER,
        N_("set my answer to an event: ID yes|maybe|no [+N guests]"),
        N_("/rsvp 12 yes +1"),
        rsvp.rsvp,
        slack_slash=False,
    ),
    CommandSpec(
        "mine",
        "moji",
        Role.MEMBER,
        N_("list my upcoming events with my answers"),
        N_("/mine"),
        rsvp.my_events,
        needs_coalition=False,
        slack_slash=False,
    ),
    CommandSpec(
        "activities",
        "aktivnosti",
        Role.MEMBER,
        N_("show the yearly plan [area] [status]"),
        N_("/activities active"),
        activities.list_activities,
        shared_answer=True,
    ),
    CommandSpec(
        "deadlines",
        "roki",
        Role.MEMBER,
        N_("list upcoming deadlines"),
        N_("/deadlines"),
        activities.list_deadlines,
        shared_answer=True,
    ),
    CommandSpec(
        "contacts",
        "kontakti",
        Role.MEMBER,
        N_("search contacts by person, organisation or sector"),
        N_("/contacts chamber"),
        contacts.list_contacts,
        shared_answer=True,
    ),
    CommandSpec(
        "areas",
        "podrocja",
        Role.MEMBER,
        N_("list the coalition's project areas"),
        N_("/areas"),
        admin.list_areas,
        shared_answer=True,
    ),
    CommandSpec(
        "goals",
        "cilji",
        Role.MEMBER,
        N_("show the goals and their indicators' progress [YEAR]"),
        N_("/goals 2026"),
        goal_listing.list_goals,
        shared_answer=True,
    ),
    CommandSpec(
        "goal",
        "cilj",
        Role.MEMBER,
        N_("show one goal in full: ID [YEAR]"),
        N_("/goal 1"),
        goal_listing.show_goal,
        shared_answer=True,
    ),
    CommandSpec(
        "report",
        "porocilo",
        Role.MEMBER,
        N_("show a chart of the goals' indicators against their targets [YEAR]"),
        N_("/report 2026"),
        goal_report.report,
    ),
    CommandSpec(
        "language",
        "jezik",
        Role.MEMBER,
        N_("set my language: sl or en"),
        N_("/language en"),
        admin.set_language,
        needs_coalition=False,
    ),
    CommandSpec(
        "coalition",
        "koalicija",
        Role.MEMBER,
        N_("list your coalitions in a private chat, or switch to one by its short name"),
        N_("/coalition ljubljana"),
        admin.choose_coalition,
        needs_coalition=False,
        picks_coalition=True,
    ),
    CommandSpec(
        "addevent",
        "dodajdogodek",
        Role.COORDINATOR,
        N_("add an event: TITLE | WHEN [| WHERE] [| AREA]"),
        N_("/addevent Digital skills workshop | tomorrow 10:00 | Velenje | pametno-mesto"),
        events.add_event,
    ),
    CommandSpec(
        "editevent",
        "uredidogodek",
        Role.COORDINATOR,
        N_("change an event: ID title=… when=… where=… area=… description=… public=yes|no"),
        N_("/editevent 12 when=next friday 17:00 where=Velenje"),
        events.edit_event,
    ),
    CommandSpec(
        "cancelevent",
        "preklicidogodek",
        Role.COORDINATOR,
        N_("cancel an event"),
        N_("/cancelevent 12"),
        events.cancel_event,
    ),
    CommandSpec(
        "attendees",
        "udelezenci",
        Role.COORDINATOR,
        N_("list who comes to an event: names by answer, guests, the waiting list"),
        N_("/attendees 12"),
        rsvp.attendees,
        slack_slash=False,
    ),
    CommandSpec(
        "addactivity",
        "dodajaktivnost",
        Role.COORDINATOR,
        N_("add an activity: TITLE | DUE [| AREA] [| ORGANISATION]"),
        N_("/addactivity Industry 4.0 | 15.3.2027 | pametno-mesto"),
        activities.add_activity,
    ),
    CommandSpec(
        "activity",
        "aktivnost",
        Role.COORDINATOR,
        N_("set an activity's status: ID planned|active|done|cancelled"),
        N_("/activity 7 done"),
        activities.set_activity_status,
    ),
    CommandSpec(
        "editactivity",
        "urediaktivnost",
        Role.COORDINATOR,
        N_("change an activity: ID title=… due=… area=… organisation=… notes=… indicator=…"),
        N_("/editactivity 7 due=15.3.2027 indicator=3"),
        activities.edit_activity,
    ),
    CommandSpec(
        "addcontact",
        "dodajkontakt",
        Role.COORDINATOR,
        N_("add a contact: NAME | ORGANISATION [| ROLE] [| EMAIL] [| PHONE]"),
        N_("/addcontact Ana Novak | SAŠA inkubator | mentor | ana@example.org"),
        contacts.add_contact,
    ),
    CommandSpec(
        "deletecontact",
        "izbrisikontakt",
        Role.COORDINATOR,
        N_("delete a contact: ID"),
        N_("/deletecontact 12"),
        contacts.delete_contact,
        slack_slash=False,
    ),
    CommandSpec(
        "addgoal",
        "dodajcilj",
        Role.COORDINATOR,
        N_("add a goal: TITLE [| AREA] [| DESCRIPTION]"),
        N_("/addgoal Digital ecosystem | digitalno-mesto"),
        goal_editing.add_goal,
        slack_slash=False,
    ),
    CommandSpec(
        "addindicator",
        "dodajkazalnik",
        Role.COORDINATOR,
        N_("add an indicator: GOAL | TITLE | TARGET [UNIT] | PERIOD [| SOURCE]"),
        N_("/addindicator 1 | Project applications | 3 applications | yearly | activities"),
        goal_editing.add_indicator,
        slack_slash=False,
    ),
    CommandSpec(
        "editindicator",
        "uredikazalnik",
        Role.COORDINATOR,
        N_("change an indicator: ID title=… target=… unit=… period=… source=… goal=…"),
        N_("/editindicator 4 target=5 period=until 31. 12. 2027"),
        goal_editing.edit_indicator,
        slack_slash=False,
    ),
    CommandSpec(
        "record",
        "vpisi",
        Role.COORDINATOR,
        N_("add a value to an indicator filled in by hand: INDICATOR VALUE [| NOTE]"),
        N_("/record 4 1 | agreement signed"),
        goal_editing.record,
    ),
    CommandSpec(
        "export",
        "izvoz",
        Role.COORDINATOR,
        N_("send a file of events, activities, contacts or goals: KIND [csv|xlsx]"),
        N_("/export activities xlsx"),
        data_exchange.export,
        slack_slash=False,
    ),
    CommandSpec(
        "import",
        "uvoz",
        Role.COORDINATOR,
        N_("import a spreadsheet sent here as a file, after a preview: [KIND]"),
        N_("/import events"),
        uploads.import_command,
        slack_slash=False,
    ),
    CommandSpec(
        "subscribe",
        "narocisi",
        Role.MEMBER,
        N_("get personal reminders in this private chat [area]"),
        N_("/subscribe pametno-mesto"),
        reminders.subscribe,
    ),
    CommandSpec(
        "calendar",
        "koledar",
        Role.MEMBER,
        N_("get my private calendar link for a calendar app [new]"),
        N_("/calendar"),
        calendar.calendar_link,
        slack_slash=False,
    ),
    CommandSpec(
        "unsubscribe",
        "odjava",
        Role.MEMBER,
        N_("stop personal reminders"),
        N_("/unsubscribe"),
        reminders.unsubscribe,
        needs_coalition=False,
    ),
    CommandSpec(
        "mydata",
        "mojipodatki",
        Role.MEMBER,
        N_("send me a file of everything stored about me"),
        N_("/mydata"),
        personal.my_data,
        needs_coalition=False,
        slack_slash=False,
    ),
    CommandSpec(
        "forgetme",
        "pozabime",
        Role.MEMBER,
        N_("erase everything stored about me, after a confirmation"),
        N_("/forgetme"),
        personal.forget_me,
        needs_coalition=False,
        slack_slash=False,
    ),
    CommandSpec(
        "status",
        "stanje",
        Role.ADMIN,
        N_("show reminders of the last 7 days: pending, sent, failed, skipped"),
        N_("/status"),
        reminders.show_status,
    ),
    CommandSpec(
        "bind",
        "povezi",
        Role.ADMIN,
        N_("bind this group to a coalition (admins)"),
        N_("/bind sasa"),
        admin.bind_chat,
        needs_coalition=False,
    ),
    CommandSpec(
        "network",
        "mreza",
        Role.MEMBER,
        N_("list the coalition's links with other coalitions"),
        N_("/network"),
        network.network,
        shared_answer=True,
        slack_slash=False,
    ),
    CommandSpec(
        "link",
        "povezava",
        Role.ADMIN,
        N_("set up a link with another coalition: SLUG horizontal|vertical"),
        N_("/link ljubljana vertical"),
        network.link,
        slack_slash=False,
    ),
    CommandSpec(
        "unlink",
        "prekinipovezavo",
        Role.ADMIN,
        N_("stop a link with another coalition: SLUG"),
        N_("/unlink ljubljana"),
        network.unlink,
        slack_slash=False,
    ),
    CommandSpec(
        "role",
        "vloga",
        Role.ADMIN,
        N_("give someone a role: USER member|coordinator|admin"),
        N_("/role telegram:12345 coordinator"),
        admin.set_role,
    ),
)
