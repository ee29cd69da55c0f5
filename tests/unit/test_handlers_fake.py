"""Handlers need no database: fake services in memory, real translators, a Context made by hand."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast

import pytest

from bot.i18n import load_translators
from handlers import activities, admin, contacts, events
from handlers.commands import show_help
from handlers.context import Context, Services
from handlers.errors import BadInput
from handlers.i18n import Translator
from handlers.types import ChatKind, IncomingCommand, Reply
from models.entities import ActivityStatus, EventKind, EventStatus, Role, Sector
from models.errors import NotFound
from models.services.rsvp import Counts
from models.services.views import (
    ActivityView,
    AreaView,
    CoalitionView,
    ContactView,
    Deadline,
    EventView,
    Page,
)

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # Monday 10:00 in Ljubljana
COALITION = CoalitionView(1, "test", "Testna koalicija", "Europe/Ljubljana", "sl")
AREA = AreaView(1, "mesto", "Pametno mesto")
TRANSLATORS: dict[str, Translator] = load_translators()


def event(number: int, **changes: Any) -> EventView:
    values: dict[str, Any] = {
        "id": number,
        "title": f"Dogodek {number}",
        "description": None,
        "starts_at": NOW + timedelta(days=number),
        "ends_at": None,
        "all_day": False,
        "location": None,
        "kind": EventKind.MEETING,
        "status": EventStatus.SCHEDULED,
        "area": None,
        "organiser": None,
    }
    values.update(changes)
    return EventView(**values)


@dataclass
class FakeEvents:
    """The EventService methods the handlers call, over a list in memory."""

    stored: list[EventView] = field(default_factory=list)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    async def upcoming(
        self,
        coalition_slug: str,
        *,
        area: str | None = None,
        until: datetime | None = None,
        offset: int = 0,
        limit: int = 10,
    ) -> Page[EventView]:
        self.calls.append(("upcoming", {"area": area, "until": until, "offset": offset}))
        found = [e for e in self.stored if area is None or (e.area and e.area.slug == area)]
        return Page(tuple(found[offset : offset + limit]), len(found), offset, limit)

    async def get(self, coalition_slug: str, event_id: int) -> EventView:
        for stored in self.stored:
            if stored.id == event_id:
                return stored
        raise NotFound("event", event_id)

    async def create(self, coalition_slug: str, actor: str, **values: Any) -> EventView:
        self.calls.append(("create", {"coalition": coalition_slug, "actor": actor, **values}))
        area = AREA if values.get("area") == AREA.slug else None
        made = event(
            len(self.stored) + 1,
            title=values["title"],
            starts_at=values["starts_at"],
            all_day=values["all_day"],
            location=values["location"],
            area=area,
        )
        self.stored.append(made)
        return made

    async def edit(
        self, coalition_slug: str, actor: str, event_id: int, **values: Any
    ) -> EventView:
        self.calls.append(("edit", {"event_id": event_id, **values}))
        return await self.get(coalition_slug, event_id)


@dataclass
class FakeActivities:
    stored: list[ActivityView] = field(default_factory=list)
    due: list[Deadline] = field(default_factory=list)

    async def plan(
        self,
        coalition_slug: str,
        *,
        area: str | None = None,
        status: ActivityStatus | None = None,
        offset: int = 0,
        limit: int = 10,
    ) -> Page[ActivityView]:
        found = [a for a in self.stored if status is None or a.status is status]
        return Page(tuple(found[offset : offset + limit]), len(found), offset, limit)

    async def set_status(
        self, coalition_slug: str, actor: str, activity_id: int, status: ActivityStatus
    ) -> ActivityView:
        for index, stored in enumerate(self.stored):
            if stored.id == activity_id:
                self.stored[index] = changed = ActivityView(
                    stored.id, stored.title, stored.due_on, status, stored.area, None, None
                )
                return changed
        raise NotFound("activity", activity_id)

    async def deadlines(
        self, coalition_slug: str, *, offset: int = 0, limit: int = 10
    ) -> Page[Deadline]:
        return Page(tuple(self.due[offset : offset + limit]), len(self.due), offset, limit)


@dataclass
class FakeContacts:
    people: list[ContactView] = field(default_factory=list)
    searched: list[tuple[str, tuple[str, ...], tuple[Sector, ...]]] = field(default_factory=list)

    async def search(
        self,
        coalition_slug: str,
        query: str = "",
        *,
        also: tuple[str, ...] = (),
        sectors: tuple[Sector, ...] = (),
        offset: int = 0,
        limit: int = 10,
    ) -> Page[ContactView]:
        self.searched.append((query, also, sectors))
        found = [c for c in self.people if c.sector in sectors or query in (c.name or "")]
        return Page(tuple(found[offset : offset + limit]), len(found), offset, limit)


@dataclass
class FakeRsvp:
    """No answers yet: every event's counts are zero, without a limit."""

    async def counts(self, coalition_slug: str, event_id: int) -> Counts:
        return Counts()


@dataclass
class FakeDirectory:
    user_locales: dict[str, str] = field(default_factory=dict)

    async def areas(self, coalition_slug: str) -> list[AreaView]:
        return [AREA, AreaView(2, "vas", "Pametno podeželje")]

    async def set_user_locale(self, identity: str, locale: str) -> None:
        self.user_locales[identity] = locale


@dataclass
class Fakes:
    events: FakeEvents = field(default_factory=FakeEvents)
    activities: FakeActivities = field(default_factory=FakeActivities)
    contacts: FakeContacts = field(default_factory=FakeContacts)
    directory: FakeDirectory = field(default_factory=FakeDirectory)
    rsvp: FakeRsvp = field(default_factory=FakeRsvp)

    def services(self) -> Services:
        return Services(
            directory=cast(Any, self.directory),
            events=cast(Any, self.events),
            activities=cast(Any, self.activities),
            contacts=cast(Any, self.contacts),
            reminders=cast(Any, None),  # no handler tested here uses it
            goals=cast(Any, None),
            imports=cast(Any, None),
            exports=cast(Any, None),
            held_imports=cast(Any, None),
            calendar=cast(Any, None),
            feeds=cast(Any, None),
            rsvp=cast(Any, self.rsvp),
            network=cast(Any, None),
            questions=cast(Any, None),
            personal=cast(Any, None),
        )


def context(
    fakes: Fakes,
    name: str,
    args: str = "",
    *,
    locale: str = "sl",
    role: Role = Role.MEMBER,
    private: bool = True,
) -> Context:
    return Context(
        command=IncomingCommand(
            user_id="console:ana",
            chat_id="console:ana" if private else "telegram:-1",
            chat_kind=ChatKind.PRIVATE if private else ChatKind.GROUP,
            name=name,
            args=args,
        ),
        services=fakes.services(),
        coalition_or_none=COALITION,
        role=role,
        chat_bound=not private,
        t=TRANSLATORS[locale],
        translators=TRANSLATORS,
        now=NOW,
    )


@pytest.fixture
def fakes() -> Fakes:
    return Fakes()


# --- /events ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "slovenian", "english"),
    [
        (1, "1 prihajajoči dogodek", "1 upcoming event"),
        (2, "2 prihajajoča dogodka", "2 upcoming events"),
        (3, "3 prihajajoči dogodki", "3 upcoming events"),
        (4, "4 prihajajoči dogodki", "4 upcoming events"),
        (5, "5 prihajajočih dogodkov", "5 upcoming events"),
        (101, "101 prihajajoči dogodek", "101 upcoming events"),
        (102, "102 prihajajoča dogodka", "102 upcoming events"),
        (111, "111 prihajajočih dogodkov", "111 upcoming events"),
    ],
)
async def test_list_events_counts_with_the_plural_of_the_language(
    fakes: Fakes, count: int, slovenian: str, english: str
) -> None:
    fakes.events.stored = [event(n) for n in range(1, count + 1)]
    reply = await events.list_events(context(fakes, "dogodki"))
    assert reply.title == f"Testna koalicija: {slovenian}"
    assert reply.locale == "sl"
    reply = await events.list_events(context(fakes, "events", locale="en"))
    assert reply.title == f"Testna koalicija: {english}"


async def test_list_events_renders_items_footer_and_buttons(fakes: Fakes) -> None:
    fakes.events.stored = [
        event(n, location="Velenje" if n == 11 else None, area=AREA if n == 11 else None)
        for n in range(1, 26)
    ]
    reply = await events.list_events(context(fakes, "events", "page=2", locale="en"))
    assert fakes.events.calls[-1] == ("upcoming", {"area": None, "until": None, "offset": 10})
    assert len(reply.items) == 10
    assert reply.items[0].title == "Fri 4 Dec 2026, 10:00 — Dogodek 11"
    assert reply.items[0].details == ("Where: Velenje", "#11 · meeting · Pametno mesto")
    assert reply.items[1].details == ("#12 · meeting",)
    assert reply.footer == "Page 2 of 3"
    assert [(b.label, b.command) for b in reply.buttons] == [
        ("‹ Previous", "/events page=1"),
        ("Next page ›", "/events page=3"),
    ]
    slovenian = await events.list_events(context(fakes, "dogodki", "page=3"))
    assert slovenian.footer == "Stran 3 od 3"
    assert [(b.label, b.command) for b in slovenian.buttons] == [("‹ Prejšnja", "/events page=2")]
    assert slovenian.items[0].title == "pon., 14. dec. 2026, 10:00 — Dogodek 21"


async def test_list_events_reads_the_period_and_area_words(fakes: Fakes) -> None:
    await events.list_events(context(fakes, "dogodki", "mesto teden"))
    assert fakes.events.calls[-1] == (
        "upcoming",
        {"area": "mesto", "until": NOW + timedelta(days=7), "offset": 0},
    )
    await events.list_events(context(fakes, "events", "Month", locale="en"))
    assert fakes.events.calls[-1][1]["until"] == NOW + timedelta(days=31)


async def test_list_events_without_events_says_so(fakes: Fakes) -> None:
    reply = await events.list_events(context(fakes, "dogodki"))
    assert reply.title == "Testna koalicija", "no `0 events` above `No upcoming events`"
    assert reply.lines == ("Ni prihajajočih dogodkov.",)
    assert reply.buttons == ()


async def test_a_page_past_the_end_is_bad_input(fakes: Fakes) -> None:
    fakes.events.stored = [event(1), event(2)]
    with pytest.raises(BadInput, match="There is only 1 page"):
        await events.list_events(context(fakes, "events", "page=2", locale="en"))
    with pytest.raises(BadInput, match="Stran mora biti pozitivno število"):
        await events.list_events(context(fakes, "dogodki", "stran=0"))


# --- /event ----------------------------------------------------------------------------------


async def test_show_event_renders_translated_labels(fakes: Fakes) -> None:
    fakes.events.stored = [
        event(
            1,
            title="Delavnica",
            starts_at=datetime(2026, 12, 2, 13, 0, tzinfo=UTC),
            ends_at=datetime(2026, 12, 2, 15, 0, tzinfo=UTC),
            location="Velenje",
            kind=EventKind.WORKSHOP,
            area=AREA,
            organiser="Šolski center Velenje",
            description="Za vse.",
        )
    ]
    slovenian = await events.show_event(context(fakes, "dogodek", "#1"))
    assert slovenian.title == "#1 Delavnica"
    assert slovenian.lines == (
        "Kdaj: sre., 2. dec. 2026, 14:00",
        "Do: 16:00",
        "Kje: Velenje",
        "Vrsta: delavnica",
        "Področje: Pametno mesto (mesto)",
        "Organizator: Šolski center Velenje",
        "Za vse.",
        "Pridejo: 0 · Morda: 0 · Ne morejo: 0",
    )
    assert [b.label for b in slovenian.buttons] == ["Pridem", "Morda", "Ne morem"]
    english = await events.show_event(context(fakes, "event", "1", locale="en"))
    assert english.lines[:5] == (
        "When: Wed 2 Dec 2026, 14:00",
        "Until: 16:00",
        "Where: Velenje",
        "Type: workshop",
        "Area: Pametno mesto (mesto)",
    )


async def test_show_event_marks_a_cancelled_one_and_shows_a_whole_day(fakes: Fakes) -> None:
    fakes.events.stored = [
        event(4, all_day=True, status=EventStatus.CANCELLED, kind=EventKind.DEADLINE)
    ]
    reply = await events.show_event(context(fakes, "event", "4", locale="en"))
    assert reply.title == "#4 Dogodek 4 (cancelled)"
    assert reply.lines == ("When: Fri 27 Nov 2026", "Type: deadline")


async def test_show_event_wants_a_number(fakes: Fakes) -> None:
    with pytest.raises(BadInput, match="Navedite številko dogodka"):
        await events.show_event(context(fakes, "dogodek", "prvi"))
    with pytest.raises(NotFound):
        await events.show_event(context(fakes, "dogodek", "9"))


# --- /addevent, /editevent -------------------------------------------------------------------


async def test_add_event_passes_the_parsed_time_in_utc(fakes: Fakes) -> None:
    reply = await events.add_event(
        context(fakes, "dodajdogodek", "Sestanek | jutri ob 10h | Velenje | mesto", role=Role.ADMIN)
    )
    name, call = fakes.events.calls[-1]
    assert name == "create"
    assert call == {
        "coalition": "test",
        "actor": "console:ana",
        "title": "Sestanek",
        "starts_at": datetime(2026, 11, 24, 9, 0, tzinfo=UTC),  # 10:00 CET
        "ends_at": None,
        "all_day": False,
        "location": "Velenje",
        "area": "mesto",
        "announce": True,
    }
    assert call["starts_at"].utcoffset() == timedelta(0)
    assert reply.title == "Dogodek #1 je dodan."
    assert reply.lines == (
        "Sestanek",
        "Kdaj: tor., 24. nov. 2026, 10:00",
        "Kje: Velenje",
        "Vrsta: sestanek",
        "Področje: Pametno mesto (mesto)",
    )


async def test_add_event_in_summer_time_and_as_a_whole_day(fakes: Fakes) -> None:
    await events.add_event(context(fakes, "addevent", "Summer | 1.7.2027 18:30", locale="en"))
    assert fakes.events.calls[-1][1]["starts_at"] == datetime(2027, 7, 1, 16, 30, tzinfo=UTC)
    await events.add_event(context(fakes, "addevent", "Day | 2.7.2027", locale="en"))
    call = fakes.events.calls[-1][1]
    assert call["starts_at"] == datetime(2027, 7, 1, 22, 0, tzinfo=UTC)  # local midnight
    assert call["all_day"] is True
    assert call["location"] is None
    assert call["area"] is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ("Sestanek", "Write the title and the date, separated by |."),
        ("a | b | c | d | e", "Write the title and the date, separated by |."),
        ("Sestanek | 31.2.", "“31.2.” is not a valid date."),
        ("Sestanek | 1.1.2020", "That is in the past"),
    ],
)
async def test_add_event_refuses_before_calling_the_service(
    fakes: Fakes, args: str, message: str
) -> None:
    with pytest.raises(BadInput, match=message):
        await events.add_event(context(fakes, "addevent", args, locale="en"))
    assert fakes.events.calls == []


async def test_edit_event_maps_slovenian_fields_and_parses_when(fakes: Fakes) -> None:
    fakes.events.stored = [event(1)]
    await events.edit_event(
        context(
            fakes, "uredidogodek", "1 naslov=Novo kdaj=pojutrišnjem ob 8:00 kje= opis=x javno=da"
        )
    )
    assert fakes.events.calls[-1] == (
        "edit",
        {
            "event_id": 1,
            "title": "Novo",
            "starts_at": datetime(2026, 11, 25, 7, 0, tzinfo=UTC),
            "ends_at": None,
            "all_day": False,
            "location": "",
            "area": None,
            "description": "x",
            "indicator": None,
            "public": True,
        },
    )


async def test_edit_event_refuses_an_unknown_field_in_the_readers_language(fakes: Fakes) -> None:
    with pytest.raises(BadInput) as refused:
        await events.edit_event(context(fakes, "uredidogodek", "1 barva=rdeča"))
    assert str(refused.value) == (
        "Neznano polje »barva«. Spremenite lahko: naslov, kdaj, kje, področje, opis, kazalnik, "
        "javno, mesta, deli."
    )
    assert fakes.events.calls == []


# --- activities, deadlines, contacts, areas, language, help ---------------------------------


async def test_activity_status_in_slovenian_words(fakes: Fakes) -> None:
    fakes.activities.stored = [
        ActivityView(7, "Indeks", date(2027, 3, 15), ActivityStatus.ACTIVE, AREA, None, None)
    ]
    reply = await activities.set_activity_status(context(fakes, "aktivnost", "7 zaključena"))
    assert reply.title == "Aktivnost #7 ima zdaj status »zaključena«."
    assert reply.items[0].title == "pon., 15. mar. 2027 — Indeks"
    assert fakes.activities.stored[0].status is ActivityStatus.DONE
    plan = await activities.list_activities(context(fakes, "activities", "done", locale="en"))
    assert plan.title == "Testna koalicija: 1 activity"
    assert plan.items[0].details == ("#7 · done · Pametno mesto",)


async def test_deadlines_say_how_many_days_are_left(fakes: Fakes) -> None:
    fakes.activities.due = [
        Deadline("Danes", date(2026, 11, 23), "activity", 1, None),
        Deadline("Jutri", date(2026, 11, 24), "event", 2, AREA),
        Deadline("Kmalu", date(2026, 11, 26), "activity", 3, None),
        Deadline("Pozneje", date(2026, 11, 28), "activity", 4, None),
    ]
    reply = await activities.list_deadlines(context(fakes, "roki"))
    assert reply.title == "Testna koalicija: 4 prihajajoči roki"
    assert [item.details[0] for item in reply.items] == [
        "aktivnost #1 · danes",
        "dogodek #2 · jutri · Pametno mesto",
        "aktivnost #3 · čez 3 dni",
        "aktivnost #4 · čez 5 dni",
    ]


async def test_contacts_pass_sector_words_to_the_search(fakes: Fakes) -> None:
    fakes.contacts.people = [
        ContactView(None, None, None, None, None, "Zbornica", Sector.BUSINESS, None),
        ContactView(1, "Ana", "mentorica", "ana@example.org", None, "Inkubator", None, None),
    ]
    reply = await contacts.list_contacts(context(fakes, "kontakti", "gospodarstvo"))
    assert fakes.contacts.searched[-1] == ("gospodarstvo", (), (Sector.BUSINESS,))
    assert reply.title == "Testna koalicija: 1 kontakt"
    assert reply.items[0].title == "Zbornica (gospodarstvo)"
    await contacts.list_contacts(context(fakes, "contacts", "business", locale="en"))
    assert fakes.contacts.searched[-1] == ("business", (), (Sector.BUSINESS,))
    # sector names in the other language, and kinds of organisation in either
    await contacts.list_contacts(context(fakes, "contacts", "civilna družba", locale="en"))
    assert fakes.contacts.searched[-1] == ("civilna družba", (), (Sector.CIVIL_SOCIETY,))
    await contacts.list_contacts(context(fakes, "contacts", "chamber", locale="en"))
    assert fakes.contacts.searched[-1] == ("chamber", ("zbornic", "chamber"), ())
    await contacts.list_contacts(context(fakes, "kontakti", "Občina"))
    assert fakes.contacts.searched[-1] == ("Občina", ("obcin", "municipal"), ())
    person = await contacts.list_contacts(context(fakes, "contacts", "Ana", locale="en"))
    assert person.items[0].title == "Ana, mentorica"
    assert person.items[0].details == ("Inkubator", "ana@example.org")


async def test_areas_list_with_the_slovenian_plural(fakes: Fakes) -> None:
    reply = await admin.list_areas(context(fakes, "podrocja"))
    assert reply.title == "Testna koalicija: 2 projektni področji"
    assert reply.footer == "Kratko ime uporabite za ukazom, npr. /dogodki mesto."


async def test_language_answers_in_the_new_language(fakes: Fakes) -> None:
    reply = await admin.set_language(context(fakes, "jezik", "English"))
    assert fakes.directory.user_locales == {"console:ana": "en"}
    assert reply == Reply(title="I will now answer you in English.", personal=True, locale="en")


@pytest.mark.parametrize(
    ("role", "present", "absent"),
    [
        (Role.MEMBER, "/dogodki", "/dodajdogodek"),
        (Role.COORDINATOR, "/dodajdogodek", "/vloga"),
        (Role.ADMIN, "/vloga", "/zacetek"),
    ],
)
async def test_help_depends_on_the_role(
    fakes: Fakes, role: Role, present: str, absent: str
) -> None:
    reply = await show_help(context(fakes, "pomoc", role=role))
    names = [line.split(" — ")[0] for line in reply.lines]
    assert present in names
    assert absent not in names
    assert reply.title == "Kaj lahko storim za vas (Testna koalicija)"
    assert reply.personal
