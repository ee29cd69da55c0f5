"""Every command through the dispatcher on real databases, as a user would see it.

The demo data is loaded on the clock's day, 2026-11-23 (a Monday), 10:00 in Ljubljana: the
SAŠA coalition's first event (#1) is tomorrow at 10:00, its deadline event (#4) is on Dec 5.
Tests that need exact counts use a fresh coalition so the demo does not interfere.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.app import App
from handlers.dispatcher import find_command
from handlers.types import Reply
from models.entities import (
    Activity,
    AuditEntry,
    ChatBinding,
    Contact,
    Event,
    EventKind,
    EventStatus,
    Organisation,
    Role,
)
from models.services.directory import CoalitionSpec
from tests.conftest import FakeClock
from tests.support import as_role, ask

GROUP = "telegram:-1001"
WHERES = ("private", "group")
LOCALES = ("en", "sl")


# --- helpers ---------------------------------------------------------------------------------


async def bind_group(app: App, chat: str = GROUP, coalition: str = "sasa") -> None:
    """Binds a group the way an admin does it: /bind in that group."""
    admin = await as_role(app, f"binder-{coalition}", Role.ADMIN, coalition)
    reply = await ask(app, f"/bind {coalition}", user=admin, chat=chat, group=True, coalition=None)
    assert not reply.is_error, reply.plain_text()


async def ask_where(app: App, line: str, *, user: str, locale: str | None, where: str) -> Reply:
    """In a private chat (coalition from the adapter) or in the bound group (from the binding).

    In the group the group's language wins, so `locale` is set as the group's language first.
    """
    if where == "group":
        if locale is not None:
            await group_speaks(app, locale)
        return await ask(
            app, line, user=user, chat=GROUP, group=True, coalition=None, locale=locale
        )
    return await ask(app, line, user=user, locale=locale)


async def group_speaks(app: App, locale: str, chat: str = GROUP) -> None:
    """Sets the group's language as a coordinator would (/language), when it differs."""
    stored = await app.services.directory.context("console:binder-sasa", chat, is_group=True)
    if stored.chat_locale != locale:
        await app.services.directory.set_chat_locale("console:binder-sasa", chat, locale)


async def audit(app: App) -> list[tuple[str, str, str]]:
    """(actor, action, target) of every audit entry, oldest first."""
    async with app.database.sessions() as session:
        rows = await session.execute(
            select(AuditEntry.actor, AuditEntry.action, AuditEntry.target).order_by(AuditEntry.id)
        )
        return [(actor, action, target) for actor, action, target in rows]


async def stored_event(app: App, event_id: int) -> Event:
    async with app.database.sessions() as session:
        event = await session.get(Event, event_id)
    assert event is not None
    return event


async def count(app: App, table: type[object]) -> int:
    async with app.database.sessions() as session:
        return await session.scalar(select(func.count()).select_from(table)) or 0


def added_id(reply: Reply) -> int:
    """The number in `Event #12 added.` / `Aktivnost #3 je dodana.`."""
    found = re.search(r"#(\d+)", reply.title)
    assert found, reply.plain_text()
    return int(found.group(1))


def titles(reply: Reply) -> list[str]:
    return [item.title for item in reply.items]


async def fresh_coalition(app: App, slug: str, areas: dict[str, str] | None = None) -> str:
    """A coalition without demo data, with a coordinator; returns the coordinator's identity."""
    await app.services.directory.apply_config(
        [CoalitionSpec(slug=slug, name=f"Koalicija {slug}", areas=areas or {})]
    )
    return await as_role(app, f"coordinator-{slug}", Role.COORDINATOR, slug)


# --- every command, by both names, in both languages, in private and in a group --------------

READING = [
    (("help", "pomoc", "pomoč"), "", "What I can do for you", "Kaj lahko storim za vas"),
    (("start", "zacetek"), "", "What I can do for you", "Kaj lahko storim za vas"),
    (("events", "dogodki"), "", "8 upcoming events", "8 prihajajočih dogodkov"),
    (("event", "dogodek"), "1", "When: Tue 24 Nov 2026", "Kdaj: tor., 24. nov. 2026, 10:00"),
    (("activities", "aktivnosti"), "", "7 activities", "7 aktivnosti"),
    (("deadlines", "roki"), "", "7 upcoming deadlines", "7 prihajajočih rokov"),
    (("contacts", "kontakti"), "", "9 contacts", "9 kontaktov"),
    (("areas", "podrocja", "področja"), "", "6 project areas", "6 projektnih področij"),
]


@pytest.mark.parametrize(
    ("names", "args", "english", "slovenian"), READING, ids=[row[0][0] for row in READING]
)
async def test_reading_commands_answer_by_every_name_in_both_languages_and_chats(
    app: App, names: tuple[str, ...], args: str, english: str, slovenian: str
) -> None:
    await bind_group(app)
    member = await as_role(app, "reader", Role.MEMBER)
    for name in names:
        for locale in LOCALES:
            for where in WHERES:
                reply = await ask_where(
                    app, f"/{name} {args}", user=member, locale=locale, where=where
                )
                case = f"/{name} {args} [{locale}, {where}]"
                assert not reply.is_error, f"{case}: {reply.plain_text()}"
                assert reply.locale == locale, case
                expected, other = (english, slovenian) if locale == "en" else (slovenian, english)
                assert expected in reply.plain_text(), f"{case}: {reply.plain_text()}"
                assert other not in reply.plain_text(), case


WRITING = [
    (
        ("addevent", "dodajdogodek"),
        "Sestanek {n} | 15.12.2026 10:00 | Velenje",
        r"^Event #\d+ added\.$",
        r"^Dogodek #\d+ je dodan\.$",
    ),
    (
        ("editevent", "uredidogodek"),
        "1 where=Celje {n}",
        r"^Event #1 changed\.$",
        r"^Dogodek #1 je spremenjen\.$",
    ),
    (
        ("cancelevent", "preklicidogodek"),
        "{event}",
        r"^Event #\d+ cancelled: Preklic \d+$",
        r"^Dogodek #\d+ je preklican: Preklic \d+$",
    ),
    (
        ("addactivity", "dodajaktivnost"),
        "Naloga {n} | 1.3.2027 | indeks",
        r"^Activity #\d+ added\.$",
        r"^Aktivnost #\d+ je dodana\.$",
    ),
    (
        ("activity", "aktivnost"),
        "2 active",
        r"^Activity #2 is now active\.$",
        r"^Aktivnost #2 ima zdaj status »aktivna«\.$",
    ),
    (
        ("addcontact", "dodajkontakt"),
        "Oseba {n} | SAŠA inkubator | mentor",
        r"^Contact #\d+ added\.$",
        r"^Kontakt #\d+ je dodan\.$",
    ),
    (
        ("role", "vloga"),
        "console:person{n} coordinator",
        r"^console:person\d+ now has the role “coordinator” — Lokalna digitalna koalicija SAŠA"
        r" regije$",
        r"^console:person\d+ ima zdaj vlogo »koordinator« — Lokalna digitalna koalicija SAŠA",
    ),
]


@pytest.mark.parametrize(
    ("names", "args", "english", "slovenian"), WRITING, ids=[row[0][0] for row in WRITING]
)
async def test_changing_commands_answer_by_both_names_in_both_languages_and_chats(
    app: App, names: tuple[str, ...], args: str, english: str, slovenian: str
) -> None:
    await bind_group(app)
    admin = await as_role(app, "chief", Role.ADMIN)
    before = len(await audit(app))
    n = 0
    for name in names:
        for locale in LOCALES:
            for where in WHERES:
                n += 1
                event = await app.services.events.create(
                    "sasa", admin, title=f"Preklic {n}", starts_at=datetime(2027, 1, n, tzinfo=UTC)
                )
                line = f"/{name} " + args.format(n=n, event=event.id)
                reply = await ask_where(app, line, user=admin, locale=locale, where=where)
                case = f"{line} [{locale}, {where}]"
                assert not reply.is_error, f"{case}: {reply.plain_text()}"
                assert re.search(english if locale == "en" else slovenian, reply.title), (
                    f"{case}: {reply.plain_text()}"
                )
    # one audit entry for every change (and one for every event made above)
    changes = [entry for entry in await audit(app) if entry[1] != "chat.locale"]
    assert len(changes) == before + 2 * n


async def test_the_main_commands_on_both_databases(any_app: App) -> None:
    await bind_group(any_app)
    coordinator = await as_role(any_app, "ana", Role.COORDINATOR)
    for where, expected in (("private", 9), ("group", 10)):
        await main_commands(any_app, coordinator, where, expected)


async def main_commands(app: App, coordinator: str, where: str, expected: int) -> None:
    added = await ask_where(
        app,
        "/dodajdogodek Sestanek koalicije | 2. 12. 2026 ob 14h | Velenje | indeks",
        user=coordinator,
        locale="sl",
        where=where,
    )
    assert added.lines[1] == "Kdaj: sre., 2. dec. 2026, 14:00", added.plain_text()
    new = added_id(added)
    listing = await ask_where(app, "/events", user=coordinator, locale="en", where=where)
    assert listing.title == f"Lokalna digitalna koalicija SAŠA regije: {expected} upcoming events"
    assert "Wed 2 Dec 2026, 14:00 — Sestanek koalicije" in titles(listing)
    shown = await ask_where(app, f"/event {new}", user=coordinator, locale="en", where=where)
    assert shown.title == f"#{new} Sestanek koalicije"
    assert "Area: Indeks SAŠA regije (indeks)" in shown.lines
    activities = await ask_where(app, "/aktivnosti", user=coordinator, locale="sl", where=where)
    assert activities.title.endswith(": 7 aktivnosti")
    deadlines = await ask_where(app, "/roki", user=coordinator, locale="sl", where=where)
    assert deadlines.title.endswith(": 7 prihajajočih rokov")
    contacts = await ask_where(app, "/kontakti ipak", user=coordinator, locale="sl", where=where)
    assert titles(contacts) == ["Kontaktna točka LDK, kontaktna točka koalicije"]
    chamber = await ask_where(app, "/contacts chamber", user=coordinator, locale="en", where=where)
    assert chamber.title.endswith(": 1 contact")
    business = await ask_where(
        app, "/contacts business", user=coordinator, locale="en", where=where
    )
    assert business.title.endswith(": 3 contacts")
    areas = await ask_where(app, "/areas", user=coordinator, locale="en", where=where)
    assert titles(areas)[0] == "Pametno mesto"


# --- what the existing tests covered ----------------------------------------------------------


async def test_events_lists_the_demo_meetings_soonest_first(any_app: App) -> None:
    reply = await ask(any_app, "/events", locale="en")
    assert "upcoming events" in reply.title
    assert reply.items, reply.plain_text()
    assert "eAlijansa" in reply.items[0].title


async def test_coordinator_adds_an_event_with_a_slovenian_date(
    any_app: App, clock: FakeClock
) -> None:
    coordinator = await as_role(any_app, "ana", Role.COORDINATOR)
    reply = await ask(any_app, "/dodajdogodek Sestanek | jutri ob 10h | Velenje", user=coordinator)
    assert not reply.is_error, reply.plain_text()
    assert "Kdaj: tor., 24. nov. 2026, 10:00" in reply.lines
    listing = await ask(any_app, "/dogodki teden", user=coordinator)
    assert any("Sestanek" in item.title for item in listing.items)
    stored = await stored_event(any_app, added_id(reply))
    assert stored.starts_at == clock.now + timedelta(days=1)  # 10:00 CET is 09:00 UTC


async def test_member_may_not_add_events(any_app: App) -> None:
    member = await as_role(any_app, "bojan", Role.MEMBER)
    before = await count(any_app, Event)
    reply = await ask(any_app, "/addevent X | jutri ob 10h", user=member, locale="en")
    assert reply.is_error
    assert reply.lines == ("Only coordinators and admins may change the coalition's data.",)
    assert await count(any_app, Event) == before


# --- Slovenian plurals and Babel dates -------------------------------------------------------


async def test_slovenian_titles_use_the_four_plural_forms(app: App) -> None:
    coordinator = await fresh_coalition(app, "mnozina")
    expected = {
        1: "1 prihajajoči dogodek",
        2: "2 prihajajoča dogodka",
        3: "3 prihajajoči dogodki",
        4: "4 prihajajoči dogodki",
        5: "5 prihajajočih dogodkov",
    }
    empty = await ask(app, "/dogodki", user=coordinator, coalition="mnozina")
    assert empty.title == "Koalicija mnozina", "no `0 dogodkov` above `Ni prihajajočih dogodkov`"
    assert empty.lines == ("Ni prihajajočih dogodkov.",)
    for n in range(1, 6):
        added = await ask(
            app,
            f"/dodajdogodek Dogodek {n} | {n}. 12. 2026 ob 10h",
            user=coordinator,
            coalition="mnozina",
        )
        assert not added.is_error, added.plain_text()
        reply = await ask(app, "/dogodki", user=coordinator, coalition="mnozina")
        assert reply.title == f"Koalicija mnozina: {expected[n]}"
        english = await ask(app, "/events", user=coordinator, coalition="mnozina", locale="en")
        assert english.title == f"Koalicija mnozina: {n} upcoming event" + ("s" if n > 1 else "")


async def test_plural_forms_of_areas_and_activities_follow_slovenian_rules(app: App) -> None:
    areas = {f"podrocje-{n}": f"Področje {n}" for n in range(1, 4)}
    coordinator = await fresh_coalition(app, "podrocja", areas)
    reply = await ask(app, "/podrocja", user=coordinator, coalition="podrocja")
    assert reply.title == "Koalicija podrocja: 3 projektna področja"
    for n, form in ((1, "1 aktivnost"), (2, "2 aktivnosti")):
        await ask(
            app, f"/dodajaktivnost Naloga {n} | 1. 3. 2027", user=coordinator, coalition="podrocja"
        )
        reply = await ask(app, "/aktivnosti", user=coordinator, coalition="podrocja")
        assert reply.title == f"Koalicija podrocja: {form}"


async def test_events_in_separate_areas_count_with_the_right_plural(app: App) -> None:
    areas = {"ena": "Ena", "dve": "Dve", "tri": "Tri", "pet": "Pet"}
    coordinator = await fresh_coalition(app, "stetje", areas)
    sizes = {"ena": 1, "dve": 2, "tri": 3, "pet": 5}
    day = 0
    for area, size in sizes.items():
        for _ in range(size):
            day += 1
            reply = await ask(
                app,
                f"/addevent {area} {day} | {day}.12.2026 10:00 | | {area}",
                user=coordinator,
                coalition="stetje",
            )
            assert not reply.is_error, reply.plain_text()
    forms = {
        "ena": "1 prihajajoči dogodek",
        "dve": "2 prihajajoča dogodka",
        "tri": "3 prihajajoči dogodki",
        "pet": "5 prihajajočih dogodkov",
    }
    for area, form in forms.items():
        reply = await ask(app, f"/dogodki {area}", user=coordinator, coalition="stetje")
        assert reply.title == f"Koalicija stetje: {form}"
        assert len(reply.items) == sizes[area]
        assert all(item.title.split(" — ")[1].startswith(area) for item in reply.items)


async def test_dates_are_written_in_the_readers_language(app: App) -> None:
    slovenian = await ask(app, "/dogodek 1", locale="sl")
    english = await ask(app, "/event 1", locale="en")
    assert slovenian.lines[0] == "Kdaj: tor., 24. nov. 2026, 10:00"
    assert english.lines[0] == "When: Tue 24 Nov 2026, 10:00"
    assert slovenian.lines[1] == "Do: 12:00", "an end on the same day shows only the time"
    sl_list = await ask(app, "/dogodki", locale="sl")
    en_list = await ask(app, "/events", locale="en")
    assert sl_list.items[0].title.startswith("tor., 24. nov. 2026, 10:00 — ")
    assert en_list.items[0].title.startswith("Tue 24 Nov 2026, 10:00 — ")
    sl_deadlines = await ask(app, "/roki", locale="sl")
    assert [(i.title.split(" — ")[0], i.details[0].split(" · ")[1]) for i in sl_deadlines.items][
        :3
    ] == [
        ("tor., 24. nov. 2026", "jutri"),
        ("ned., 29. nov. 2026", "čez 6 dni"),
        ("sob., 5. dec. 2026", "čez 12 dni"),
    ]
    en_deadlines = await ask(app, "/deadlines", locale="en")
    assert [(i.title.split(" — ")[0], i.details[0].split(" · ")[1]) for i in en_deadlines.items][
        :3
    ] == [
        ("Tue 24 Nov 2026", "tomorrow"),
        ("Sun 29 Nov 2026", "in 6 days"),
        ("Sat 5 Dec 2026", "in 12 days"),
    ]


# --- /help shows what the asking user may use ------------------------------------------------

EVERYONE = ["help", "events", "event", "activities", "deadlines", "contacts", "areas", "language"]
COORDINATORS = ["addevent", "editevent", "cancelevent", "addactivity", "activity", "addcontact"]
ADMINS = ["bind", "role"]
SLOVENIAN = {
    "help": "pomoc",
    "events": "dogodki",
    "event": "dogodek",
    "activities": "aktivnosti",
    "deadlines": "roki",
    "contacts": "kontakti",
    "areas": "podrocja",
    "language": "jezik",
    "addevent": "dodajdogodek",
    "editevent": "uredidogodek",
    "cancelevent": "preklicidogodek",
    "addactivity": "dodajaktivnost",
    "activity": "aktivnost",
    "addcontact": "dodajkontakt",
    "bind": "povezi",
    "role": "vloga",
}


def listed_commands(reply: Reply) -> list[str]:
    return [line.split(" — ", 1)[0].lstrip("/") for line in reply.lines]


def in_order(wanted: list[str], listed: list[str]) -> bool:
    """Every wanted name appears in `listed`, in this order (other commands may come between)."""
    rest = iter(listed)
    return all(name in rest for name in wanted)


@pytest.mark.parametrize(
    ("role", "expected", "hidden"),
    [
        (Role.MEMBER, EVERYONE, COORDINATORS + ADMINS),
        (Role.COORDINATOR, EVERYONE + COORDINATORS, ADMINS),
        (Role.ADMIN, EVERYONE + COORDINATORS + ADMINS, []),
    ],
)
async def test_help_lists_only_what_the_user_may_use(
    app: App, role: Role, expected: list[str], hidden: list[str]
) -> None:
    user = await as_role(app, f"user-{role.value}", role)
    english = await ask(app, "/help", user=user, locale="en")
    assert english.title == "What I can do for you (Lokalna digitalna koalicija SAŠA regije)"
    listed = listed_commands(english)
    assert in_order(expected, listed), listed
    assert not set(hidden) & set(listed), listed
    for name in listed:  # whatever else is listed, this user may use it
        spec = find_command(name)
        assert spec is not None, name
        assert role.at_least(spec.role), name
    assert english.footer == "Example: /events week"
    assert "/events — list upcoming events [area] [week|month]" in english.lines
    slovenian = await ask(app, "/pomoč", user=user, locale="sl")
    assert slovenian.title == "Kaj lahko storim za vas (Lokalna digitalna koalicija SAŠA regije)"
    listed_sl = listed_commands(slovenian)
    assert in_order([SLOVENIAN[name] for name in expected], listed_sl), listed_sl
    assert not {SLOVENIAN[name] for name in hidden} & set(listed_sl), listed_sl
    assert [find_command(name) for name in listed_sl] == [find_command(name) for name in listed]
    assert slovenian.footer == "Primer: /dogodki teden"
    assert "/dogodki — prikaže prihajajoče dogodke [področje] [teden|mesec]" in slovenian.lines


async def test_help_for_a_coordinator_hides_role_and_an_admin_sees_it(app: App) -> None:
    coordinator = await as_role(app, "koordinatorka", Role.COORDINATOR)
    admin = await as_role(app, "skrbnica", Role.ADMIN)
    coordinator_help = (await ask(app, "/help", user=coordinator, locale="en")).plain_text()
    admin_help = (await ask(app, "/help", user=admin, locale="en")).plain_text()
    assert "/addevent" in coordinator_help
    assert "/role" not in coordinator_help
    assert "/role — give someone a role" in admin_help


# --- paging -----------------------------------------------------------------------------------


async def make_events(
    app: App, slug: str, actor: str, how_many: int, area: str | None = None
) -> None:
    """`how_many` events a day apart from Dec 1, 2026, titled `E01`, `E02`, ..."""
    start = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    for n in range(1, how_many + 1):
        await app.services.events.create(
            slug, actor, title=f"E{n:02d}", starts_at=start + timedelta(days=n - 1), area=area
        )


async def test_paging_walks_every_event_once_with_next_and_previous(any_app: App) -> None:
    coordinator = await fresh_coalition(any_app, "strani")
    await make_events(any_app, "strani", coordinator, 23)
    seen: list[str] = []
    reply = await ask(any_app, "/events", user=coordinator, coalition="strani", locale="en")
    pages = [reply]
    while True:
        assert reply.title == "Koalicija strani: 23 upcoming events"
        seen += [item.title.split(" — ")[1] for item in reply.items]
        following = [b for b in reply.buttons if b.label == "Next page ›"]
        if not following:
            break
        reply = await ask(
            any_app, following[0].command, user=coordinator, coalition="strani", locale="en"
        )
        pages.append(reply)
    assert seen == [f"E{n:02d}" for n in range(1, 24)]  # no overlap, no gap, in order
    assert [len(page.items) for page in pages] == [10, 10, 3]
    assert [page.footer for page in pages] == ["Page 1 of 3", "Page 2 of 3", "Page 3 of 3"]
    assert [b.label for b in pages[0].buttons] == ["Next page ›"]
    assert pages[0].buttons[0].command == "/events page=2"
    assert [(b.label, b.command) for b in pages[1].buttons] == [
        ("‹ Previous", "/events page=1"),
        ("Next page ›", "/events page=3"),
    ]
    assert [(b.label, b.command) for b in pages[2].buttons] == [("‹ Previous", "/events page=2")]
    back = await ask(
        any_app, pages[1].buttons[0].command, user=coordinator, coalition="strani", locale="en"
    )
    assert back == pages[0]
    beyond = await ask(any_app, "/events page=4", user=coordinator, coalition="strani", locale="en")
    assert beyond.is_error
    assert beyond.lines == ("There are only 3 pages.", "Example: /events week")


async def test_paging_in_slovenian_keeps_the_area_filter(app: App) -> None:
    coordinator = await fresh_coalition(app, "filter", {"mesto": "Mesto", "vas": "Vas"})
    await make_events(app, "filter", coordinator, 12, area="mesto")
    await make_events(app, "filter", coordinator, 3, area="vas")
    first = await ask(app, "/dogodki mesto", user=coordinator, coalition="filter")
    assert first.title == "Koalicija filter: 12 prihajajočih dogodkov"
    assert first.footer == "Stran 1 od 2"
    assert [(b.label, b.command) for b in first.buttons] == [
        ("Naslednja stran ›", "/events mesto page=2")
    ]
    second = await ask(app, first.buttons[0].command, user=coordinator, coalition="filter")
    assert second.footer == "Stran 2 od 2"
    assert [item.details[-1].split(" · ")[-1] for item in second.items] == ["Mesto", "Mesto"]
    assert [(b.label, b.command) for b in second.buttons] == [
        ("‹ Prejšnja", "/events mesto page=1")
    ]
    beyond = await ask(app, "/dogodki mesto page=3", user=coordinator, coalition="filter")
    assert beyond.is_error
    assert beyond.lines[0] == "Obstajata le 2 strani."
    one_page = await ask(app, "/dogodki vas", user=coordinator, coalition="filter")
    assert one_page.footer == ""
    assert one_page.buttons == ()


async def test_deadlines_page_through_activities_and_deadline_events_in_date_order(
    any_app: App,
) -> None:
    coordinator = await fresh_coalition(any_app, "roki")
    for n in range(1, 15):  # activities due Dec 1..14, deadline events Dec 3, 6, 9, 12 at noon
        await any_app.services.activities.create(
            "roki", coordinator, title=f"A{n:02d}", due_on=datetime(2026, 12, n).date()
        )
        if n % 3 == 0:
            await any_app.services.events.create(
                "roki",
                coordinator,
                title=f"D{n:02d}",
                starts_at=datetime(2026, 12, n, 11, 0, tzinfo=UTC),
                kind=EventKind.DEADLINE,
            )
    await any_app.services.events.create(
        "roki", coordinator, title="Meeting", starts_at=datetime(2026, 12, 2, tzinfo=UTC)
    )
    seen: list[str] = []
    line = "/deadlines"
    while line:
        reply = await ask(any_app, line, user=coordinator, coalition="roki", locale="en")
        assert reply.title == "Koalicija roki: 18 upcoming deadlines"
        seen += [item.title.split(" — ")[1] for item in reply.items]
        line = next((b.command for b in reply.buttons if b.label == "Next page ›"), "")
    expected = []
    for n in range(1, 15):
        expected.append(f"A{n:02d}")
        if n % 3 == 0:
            expected.append(f"D{n:02d}")
    assert seen == expected  # merged by date, activity before event on the same day


# --- events: add, edit, cancel ----------------------------------------------------------------


async def test_addevent_echoes_the_parsed_date_in_the_coalition_zone(app: App) -> None:
    coordinator = await as_role(app, "ana", Role.COORDINATOR)
    reply = await ask(
        app,
        "/addevent Workshop | next friday 5pm | Velenje | pametno-mesto",
        user=coordinator,
        locale="en",
    )
    assert not reply.is_error, reply.plain_text()
    assert reply.lines == (
        "Workshop",
        "When: Fri 27 Nov 2026, 17:00",
        "Where: Velenje",
        "Type: meeting",
        "Area: Pametno mesto (pametno-mesto)",
    )
    stored = await stored_event(app, added_id(reply))
    assert stored.starts_at == datetime(2026, 11, 27, 16, 0, tzinfo=UTC)
    assert stored.created_by == coordinator


async def test_editevent_changes_when_where_title_and_area(any_app: App) -> None:
    coordinator = await as_role(any_app, "ana", Role.COORDINATOR)
    reply = await ask(
        any_app,
        "/editevent 2 title=Nov naslov when=4.12.2026 15:30 where=Celje area=indeks",
        user=coordinator,
        locale="en",
    )
    assert not reply.is_error, reply.plain_text()
    assert reply.title == "Event #2 changed."
    listing = await ask(any_app, "/events", locale="en")
    item = next(item for item in listing.items if item.details[-1].startswith("#2 ·"))
    assert item.title == "Fri 4 Dec 2026, 15:30 — Nov naslov"
    assert item.details == ("Where: Celje", "#2 · meeting · Indeks SAŠA regije")
    assert [i.title.split(" — ")[1] for i in listing.items].index("Nov naslov") == 2  # re-sorted
    assert (await stored_event(any_app, 2)).ends_at == datetime(2026, 12, 4, 16, 30, tzinfo=UTC)
    assert ("console:ana", "event.edit", "event:2") in await audit(any_app)


async def test_editevent_understands_slovenian_field_names(app: App) -> None:
    coordinator = await as_role(app, "ana", Role.COORDINATOR)
    reply = await ask(
        app,
        "/uredidogodek 1 naslov=Predstavitev kdaj=pojutrišnjem ob 8:00 kje=Šoštanj "
        "podrocje=seniorji opis=Vstop: koda=ABC",
        user=coordinator,
    )
    assert not reply.is_error, reply.plain_text()
    assert reply.lines == (
        "Predstavitev",
        "Kdaj: sre., 25. nov. 2026, 08:00",
        "Do: 10:00",  # the two hours' duration moves with the start
        "Kje: Šoštanj",
        "Vrsta: sestanek",
        "Področje: Seniorji za razvoj regije (seniorji)",
        "Organizator: Šolski center Velenje",
        "Vstop: koda=ABC",  # only known field names start a field: `koda=` is description
    )
    shown = await ask(app, "/dogodek 1")
    assert shown.title == "#1 Predstavitev"
    assert shown.lines == (*reply.lines[1:], "Pridejo: 0 · Morda: 0 · Ne morejo: 0")


async def test_editevent_with_an_empty_area_clears_it(app: App) -> None:
    coordinator = await as_role(app, "ana", Role.COORDINATOR)
    reply = await ask(app, "/editevent 1 area=", user=coordinator, locale="en")
    assert not reply.is_error, reply.plain_text()
    assert not any(line.startswith("Area:") for line in reply.lines)
    assert (await stored_event(app, 1)).area_id is None


async def test_cancelevent_removes_it_from_the_list_and_marks_it(any_app: App) -> None:
    coordinator = await as_role(any_app, "ana", Role.COORDINATOR)
    reply = await ask(any_app, "/cancelevent 3", user=coordinator, locale="en")
    assert not reply.is_error, reply.plain_text()
    assert reply.title == "Event #3 cancelled: Delavnica Digitalne kompetence"
    listing = await ask(any_app, "/events", locale="en")
    assert listing.title.endswith(": 7 upcoming events")
    assert not any("Delavnica Digitalne kompetence" in title for title in titles(listing))
    english = await ask(any_app, "/event 3", locale="en")
    assert not english.is_error
    assert english.title == "#3 Delavnica Digitalne kompetence (cancelled)"
    slovenian = await ask(any_app, "/dogodek 3", locale="sl")
    assert slovenian.title == "#3 Delavnica Digitalne kompetence (preklican)"
    assert (await stored_event(any_app, 3)).status is EventStatus.CANCELLED
    assert ("console:ana", "event.cancel", "event:3") in await audit(any_app)


async def test_a_cancelled_event_cannot_be_edited_or_cancelled_again(app: App) -> None:
    coordinator = await as_role(app, "ana", Role.COORDINATOR)
    await ask(app, "/preklicidogodek 3", user=coordinator)
    entries = len(await audit(app))
    edit = await ask(app, "/editevent 3 title=Novo", user=coordinator, locale="en")
    assert edit.is_error
    assert edit.lines[0] == "This event is cancelled and cannot be changed."
    again = await ask(app, "/preklicidogodek 3", user=coordinator, locale="sl")
    assert again.is_error
    assert again.lines[0] == "Ta dogodek je preklican in ga ni mogoče spremeniti."
    assert (await stored_event(app, 3)).title == "Delavnica Digitalne kompetence"
    assert len(await audit(app)) == entries


# --- activities and deadlines -----------------------------------------------------------------


async def test_addactivity_with_due_date_area_and_organisation(app: App) -> None:
    coordinator = await as_role(app, "ana", Role.COORDINATOR)
    reply = await ask(
        app,
        "/addactivity Digital index report | 15.3.2027 | indeks | IPAK",
        user=coordinator,
        locale="en",
    )
    assert not reply.is_error, reply.plain_text()
    new = added_id(reply)
    assert reply.title == f"Activity #{new} added."
    assert reply.items[0].title == "Mon 15 Mar 2027 — Digital index report"
    assert reply.items[0].details == (f"#{new} · planned · Indeks SAŠA regije · IPAK inštitut",)
    plan = await ask(app, "/aktivnosti indeks", user=coordinator)
    assert [item.title for item in plan.items] == [
        "pon., 15. mar. 2027 — Digital index report",
        "sob., 22. maj 2027 — Razvoj Indeksa SAŠA regije",
    ]
    assert ("console:ana", "activity.create", f"activity:{new}") in await audit(app)


async def test_addactivity_without_a_due_date_is_listed_last(app: App) -> None:
    coordinator = await as_role(app, "ana", Role.COORDINATOR)
    reply = await ask(app, "/dodajaktivnost Brez roka", user=coordinator)
    assert not reply.is_error, reply.plain_text()
    assert reply.items[0].title == "brez roka — Brez roka"
    plan = await ask(app, "/aktivnosti", user=coordinator)
    assert plan.items[-1].title == "brez roka — Brez roka"


@pytest.mark.parametrize(
    ("line", "locale", "answer"),
    [
        ("/activity 1 done", "en", "Activity #1 is now done."),
        ("/aktivnost 1 zaključena", "sl", "Aktivnost #1 ima zdaj status »zaključena«."),
        ("/aktivnost 1 zakljucena", "sl", "Aktivnost #1 ima zdaj status »zaključena«."),
    ],
)
async def test_a_done_activity_leaves_the_open_plan(
    app: App, line: str, locale: str, answer: str
) -> None:
    coordinator = await as_role(app, "ana", Role.COORDINATOR)
    reply = await ask(app, line, user=coordinator, locale=locale)
    assert not reply.is_error, reply.plain_text()
    assert reply.title == answer
    open_plan = await ask(app, "/activities", locale="en")
    assert open_plan.title.endswith(": 6 activities")
    assert not any("Predstavitev grozda eAlijansa" in title for title in titles(open_plan))
    done = await ask(app, "/activities done", locale="en")
    assert done.title.endswith(": 1 activity")
    assert done.items[0].details == (
        "#1 · done · Premogovna regija in digitalizacija · Šolski center Velenje · Indicator: #2",
    )  # it counts toward the demo goal "Izvedba letnega načrta aktivnosti"
    slovenian = await ask(app, "/aktivnosti zaključene", locale="sl")
    assert titles(slovenian) == ["tor., 24. nov. 2026 — Predstavitev grozda eAlijansa"]
    assert ("console:ana", "activity.status", "activity:1") in await audit(app)


async def test_deadlines_merge_activity_due_dates_and_deadline_events(any_app: App) -> None:
    coordinator = await as_role(any_app, "ana", Role.COORDINATOR)
    added = await ask(any_app, "/addactivity Report | 1.12.2026", user=coordinator)
    report = added_id(added)
    call = await any_app.services.events.create(
        "sasa",
        coordinator,
        title="Call closes",
        starts_at=datetime(2027, 1, 10, 11, 0, tzinfo=UTC),
        kind=EventKind.DEADLINE,
    )
    reply = await ask(any_app, "/deadlines", locale="en")
    assert reply.title == "Lokalna digitalna koalicija SAŠA regije: 9 upcoming deadlines"
    assert [(item.title, item.details[0].split(" · ")[:2]) for item in reply.items] == [
        ("Tue 24 Nov 2026 — Predstavitev grozda eAlijansa", ["activity #1", "tomorrow"]),
        ("Sun 29 Nov 2026 — Delavnica Digitalne kompetence", ["activity #2", "in 6 days"]),
        ("Tue 1 Dec 2026 — Report", [f"activity #{report}", "in 8 days"]),
        ("Sat 5 Dec 2026 — Rok za oddajo prijave za sofinanciranje", ["event #4", "in 12 days"]),
        ("Thu 7 Jan 2027 — Industrija 4.0", ["activity #3", "in 45 days"]),
        ("Sun 10 Jan 2027 — Call closes", [f"event #{call.id}", "in 48 days"]),
        ("Sun 21 Feb 2027 — Umetna inteligenca in industrija 5.0", ["activity #4", "in 90 days"]),
        ("Mon 12 Apr 2027 — Družba ničelnih mejnih stroškov", ["activity #5", "in 140 days"]),
        ("Sat 22 May 2027 — Razvoj Indeksa SAŠA regije", ["activity #6", "in 180 days"]),
    ]


async def test_deadlines_drop_done_activities_and_passed_days(app: App, clock: FakeClock) -> None:
    coordinator = await as_role(app, "ana", Role.COORDINATOR)
    await ask(app, "/activity 3 done", user=coordinator)
    reply = await ask(app, "/deadlines", locale="en")
    assert "Industrija 4.0" not in reply.plain_text()
    clock.now += timedelta(days=13)  # Dec 6: the deadline event of Dec 5 has passed
    later = await ask(app, "/deadlines", locale="en")
    assert "Rok za oddajo prijave za sofinanciranje" not in later.plain_text()
    assert later.items[0].title == "Sun 21 Feb 2027 — Umetna inteligenca in industrija 5.0"


# --- contacts ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "locale", "expected"),
    [
        ("Kontaktna", "en", ["Kontaktna točka LDK, kontaktna točka koalicije"]),
        (
            "koordinator",
            "en",
            ["Koordinator področja Pametno mesto, koordinator področja Pametno mesto"],
        ),
        ("IPAK", "en", ["Kontaktna točka LDK, kontaktna točka koalicije"]),
        ("šolski", "sl", ["Šolski center Velenje (izobraževanje)"]),
        (
            "business",
            "en",
            [
                "Klub podjetnikov SAŠA regije (business)",
                "SAŠA inkubator (business)",
                "Savinjsko-šaleška gospodarska zbornica (business)",
            ],
        ),
        # a kind of organisation finds the same in either language
        ("chamber", "en", ["Savinjsko-šaleška gospodarska zbornica (business)"]),
        ("chamber", "sl", ["Savinjsko-šaleška gospodarska zbornica (gospodarstvo)"]),
        ("zbornica", "en", ["Savinjsko-šaleška gospodarska zbornica (business)"]),
        ("schools", "en", ["Šolski center Velenje (education)"]),
        ("municipality", "sl", ["Skupnost občin SAŠA subregije (javni sektor)"]),
        # sector names in the other language than the reader's
        (
            "gospodarstvo",
            "en",
            [
                "Klub podjetnikov SAŠA regije (business)",
                "SAŠA inkubator (business)",
                "Savinjsko-šaleška gospodarska zbornica (business)",
            ],
        ),
        ("civil society", "sl", ["Stičišče NVO Savinjske regije (civilna družba)"]),
        # diacritics do not matter, either way round
        ("solski", "sl", ["Šolski center Velenje (izobraževanje)"]),
        ("SKUPNOST OBCIN", "en", ["Skupnost občin SAŠA subregije (public sector)"]),
        ("tocka", "en", ["Kontaktna točka LDK, kontaktna točka koalicije"]),
        (
            "gospodarstvo",
            "sl",
            [
                "Klub podjetnikov SAŠA regije (gospodarstvo)",
                "SAŠA inkubator (gospodarstvo)",
                "Savinjsko-šaleška gospodarska zbornica (gospodarstvo)",
            ],
        ),
        ("ngo", "en", ["Stičišče NVO Savinjske regije (civil society)"]),
        ("nvo", "sl", ["Stičišče NVO Savinjske regije (civilna družba)"]),
        ("zbornica", "sl", ["Savinjsko-šaleška gospodarska zbornica (gospodarstvo)"]),
    ],
)
async def test_contacts_by_person_organisation_and_sector(
    app: App, query: str, locale: str, expected: list[str]
) -> None:
    reply = await ask(app, f"/contacts {query}", locale=locale)
    assert not reply.is_error, reply.plain_text()
    assert titles(reply) == expected


async def test_contacts_are_found_with_or_without_diacritics(any_app: App) -> None:
    coordinator = await as_role(any_app, "ana", Role.COORDINATOR)
    added = await ask(
        any_app, "/dodajkontakt Mojca Žagar | Občina Šoštanj | vodja oddelka", user=coordinator
    )
    assert not added.is_error, added.plain_text()
    for query in ("sostanj", "šoštanj", "ŠOŠTANJ", "Sostanj", "zagar", "obcina sos"):
        found = await ask(any_app, f"/kontakti {query}")
        assert titles(found) == ["Mojca Žagar, vodja oddelka"], query
    municipalities = await ask(any_app, "/contacts municipality", locale="en")
    assert "Mojca Žagar, vodja oddelka" in titles(municipalities)
    assert titles(await ask(any_app, "/kontakti 100%")) == []
    assert titles(await ask(any_app, "/kontakti s_stanj")) == []


async def test_contacts_without_a_match_say_so(app: App) -> None:
    english = await ask(app, "/contacts zzz", locale="en")
    assert not english.is_error
    assert english.title == "Lokalna digitalna koalicija SAŠA regije"
    assert english.lines == ("No contacts match “zzz”.",)
    slovenian = await ask(app, "/kontakti zzz", locale="sl")
    assert slovenian.title == "Lokalna digitalna koalicija SAŠA regije"
    assert slovenian.lines == ("Za »zzz« ni najdenega nobenega kontakta.",)


async def test_addcontact_with_a_new_organisation_adds_it(any_app: App) -> None:
    coordinator = await as_role(any_app, "ana", Role.COORDINATOR)
    organisations = await count(any_app, Organisation)
    reply = await ask(
        any_app,
        "/addcontact Ana Novak | Nova firma d.o.o. | mentor | ana@example.org | +386 40 123 456",
        user=coordinator,
        locale="en",
    )
    assert not reply.is_error, reply.plain_text()
    new = added_id(reply)
    assert reply.lines == ("“Nova firma d.o.o.” was not in the directory yet and has been added.",)
    assert reply.items[0].title == "Ana Novak, mentor"
    assert reply.items[0].details == ("Nova firma d.o.o.", "ana@example.org", "+386 40 123 456")
    assert await count(any_app, Organisation) == organisations + 1
    found = await ask(any_app, "/kontakti novak", locale="sl")
    assert titles(found) == ["Ana Novak, mentor"]
    assert ("console:ana", "contact.create", f"contact:{new}") in await audit(any_app)


async def test_addcontact_at_a_known_organisation_does_not_add_one(app: App) -> None:
    coordinator = await as_role(app, "ana", Role.COORDINATOR)
    organisations = await count(app, Organisation)
    reply = await ask(app, "/dodajkontakt Bojan Kralj | inkubator | mentor", user=coordinator)
    assert not reply.is_error, reply.plain_text()
    assert reply.lines == ()
    assert reply.items[0].details == ("SAŠA inkubator (gospodarstvo)",)
    assert await count(app, Organisation) == organisations


async def test_addcontact_refuses_a_bad_email_and_stores_nothing(app: App) -> None:
    coordinator = await as_role(app, "ana", Role.COORDINATOR)
    contacts, entries = await count(app, Contact), await count(app, AuditEntry)
    english = await ask(
        app,
        "/addcontact Ana | SAŠA inkubator | mentor | ana(at)example",
        user=coordinator,
        locale="en",
    )
    assert english.is_error
    assert english.lines[0] == "The e-mail address is not in a valid format."
    slovenian = await ask(
        app, "/dodajkontakt Ana | Nova firma | | ana@", user=coordinator, locale="sl"
    )
    assert slovenian.lines[0] == "E-poštni naslov ni v pravilni obliki."
    assert await count(app, Contact) == contacts
    assert await count(app, AuditEntry) == entries
    assert titles(await ask(app, "/contacts Nova firma")) == []


# --- areas, language, bind, role --------------------------------------------------------------


async def test_areas_list_names_and_short_names(app: App) -> None:
    reply = await ask(app, "/področja", locale="sl")
    assert reply.title == "Lokalna digitalna koalicija SAŠA regije: 6 projektnih področij"
    assert reply.items[0].title == "Pametno mesto"
    assert reply.items[0].details == ("pametno-mesto",)
    assert reply.footer == "Kratko ime uporabite za ukazom, npr. /dogodki pametno-mesto."
    other = await ask(app, "/areas", locale="en", coalition="ljubljana")
    assert titles(other) == [
        "Digitalno mesto in skupnost",
        "Živi laboratorij",
        "Prijave na projekte",
        "Povezovanje mest",
    ]


async def test_a_coalition_without_areas_says_so(app: App) -> None:
    coordinator = await fresh_coalition(app, "prazna")
    reply = await ask(app, "/areas", user=coordinator, coalition="prazna", locale="en")
    assert not reply.is_error
    assert reply.lines == ("This coalition has no areas yet.",)


async def test_language_in_private_switches_that_users_replies(any_app: App) -> None:
    member = await as_role(any_app, "mojca", Role.MEMBER)
    other = await as_role(any_app, "nejc", Role.MEMBER)
    switched = await ask(any_app, "/language en", user=member, locale="sl")
    assert not switched.is_error
    assert switched.title == "I will now answer you in English."
    assert switched.locale == "en"
    later = await ask(any_app, "/dogodki", user=member, locale="sl")
    assert later.locale == "en"
    assert later.title.endswith(": 8 upcoming events")
    untouched = await ask(any_app, "/dogodki", user=other, locale="sl")
    assert untouched.title.endswith(": 8 prihajajočih dogodkov")
    back = await ask(any_app, "/jezik sl", user=member, locale="en")
    assert back.title == "Odslej vam odgovarjam v slovenščini."
    again = await ask(any_app, "/events", user=member, locale="en")
    assert again.title.endswith(": 8 prihajajočih dogodkov")
    assert [(a, action) for a, action, _ in await audit(any_app)][-2:] == [
        (member, "user.locale"),
        (member, "user.locale"),
    ]


async def test_language_in_a_group_needs_a_coordinator_and_sets_the_chat(app: App) -> None:
    await bind_group(app)
    member = await as_role(app, "mojca", Role.MEMBER)
    coordinator = await as_role(app, "ana", Role.COORDINATOR)
    refused = await ask_where(app, "/jezik en", user=member, locale="sl", where="group")
    assert refused.is_error
    assert refused.lines[0] == "Jezik skupine lahko spremenijo le koordinatorji in skrbniki."
    still = await ask_where(app, "/dogodki", user=member, locale=None, where="group")
    assert still.locale == "sl"
    done = await ask_where(app, "/language en", user=coordinator, locale="sl", where="group")
    assert not done.is_error
    assert done.title == "I'll answer in English in this chat from now on."
    listing = await ask_where(app, "/dogodki", user=member, locale=None, where="group")
    assert listing.locale == "en"
    assert listing.title.endswith(": 8 upcoming events")
    private = await ask(app, "/dogodki", user=member, locale="sl")
    assert private.locale == "sl"
    assert (coordinator, "chat.locale", f"chat:{GROUP}") in await audit(app)


async def test_language_refuses_an_unknown_language(app: App) -> None:
    reply = await ask(app, "/language klingon", locale="en")
    assert reply.is_error
    assert reply.lines == ("Choose sl (slovenščina) or en (English).", "Example: /language en")


async def test_an_unbound_group_explains_how_to_bind_and_shows_no_data(app: App) -> None:
    """A group without a coalition speaks the deployment's language, whoever asks."""
    member = await as_role(app, "mojca", Role.MEMBER)
    for line, locale, expected in (
        (
            "/events",
            "en",
            (
                "Ta klepet še ni povezan s koalicijo.",
                "Skrbnik ga poveže z ukazom /povezi KOALICIJA, npr. /povezi sasa.",
            ),
        ),
        (
            "/dogodki",
            "sl",
            (
                "Ta klepet še ni povezan s koalicijo.",
                "Skrbnik ga poveže z ukazom /povezi KOALICIJA, npr. /povezi sasa.",
            ),
        ),
    ):
        reply = await ask(
            app, line, user=member, chat=GROUP, group=True, coalition=None, locale=locale
        )
        assert reply.is_error
        assert reply.lines == expected
        assert reply.items == ()
        assert "eAlijansa" not in reply.plain_text()


async def test_bind_by_an_admin_makes_the_group_answer_with_data(any_app: App) -> None:
    admin = await as_role(any_app, "skrbnica", Role.ADMIN)
    member = await as_role(any_app, "mojca", Role.MEMBER)
    bound = await ask(any_app, "/povezi sasa", user=admin, chat=GROUP, group=True, coalition=None)
    assert not bound.is_error, bound.plain_text()
    assert bound.title == (
        "Ta klepet je zdaj povezan s koalicijo — Lokalna digitalna koalicija SAŠA regije. "
        "Poskusite /dogodki."
    )
    reply = await ask(
        any_app, "/events", user=member, chat=GROUP, group=True, coalition=None, locale="en"
    )
    assert not reply.is_error
    # the coalition's language, not the asker's: the group has not chosen one
    assert reply.title == "Lokalna digitalna koalicija SAŠA regije: 8 prihajajočih dogodkov"
    assert (admin, "chat.bind", f"chat:{GROUP}") in await audit(any_app)
    assert await count(any_app, ChatBinding) == 1


async def test_bind_by_a_member_or_coordinator_is_refused(app: App) -> None:
    for name, role in (("mojca", Role.MEMBER), ("ana", Role.COORDINATOR)):
        user = await as_role(app, name, role)
        reply = await ask(
            app, "/bind sasa", user=user, chat=GROUP, group=True, coalition=None, locale="en"
        )
        assert reply.is_error
        assert reply.lines[0] == "To lahko stori le skrbnik koalicije."
    assert await count(app, ChatBinding) == 0
    still = await ask(app, "/events", chat=GROUP, group=True, coalition=None, locale="en")
    assert still.lines[0] == "Ta klepet še ni povezan s koalicijo."


async def test_bind_in_a_private_chat_explains(app: App) -> None:
    admin = await as_role(app, "skrbnica", Role.ADMIN)
    english = await ask(app, "/bind sasa", user=admin, locale="en")
    assert english.is_error
    assert english.lines == (
        "Only groups and channels are bound; add me to one and try there.",
        "Example: /bind sasa",
    )
    slovenian = await ask(app, "/povezi sasa", user=admin, locale="sl")
    assert slovenian.lines[0] == (
        "Povezati je mogoče le skupine in kanale; dodajte me v skupino in poskusite tam."
    )
    assert await count(app, ChatBinding) == 0


async def test_bind_without_a_slug_names_the_coalitions(app: App) -> None:
    admin = await as_role(app, "skrbnica", Role.ADMIN)
    reply = await ask(app, "/bind", user=admin, chat=GROUP, group=True, coalition=None, locale="en")
    assert reply.is_error
    assert reply.lines[0] == "Navedite koalicijo: sasa, ljubljana, digitalna-slovenija."


async def test_role_by_an_admin_lets_the_person_add_events(any_app: App) -> None:
    admin = await as_role(any_app, "skrbnica", Role.ADMIN)
    before = await ask(any_app, "/addevent Sestanek | jutri ob 10h", user="console:bojan")
    assert before.is_error
    granted = await ask(any_app, "/role bojan coordinator", user=admin, locale="en")
    assert not granted.is_error, granted.plain_text()
    assert granted.lines == ()
    assert granted.title == (
        "console:bojan now has the role “coordinator” — Lokalna digitalna koalicija SAŠA regije"
    )
    after = await ask(any_app, "/addevent Sestanek | jutri ob 10h", user="console:bojan")
    assert not after.is_error, after.plain_text()
    assert (admin, "member.role", "member:console:bojan") in await audit(any_app)
    help_now = await ask(any_app, "/help", user="console:bojan", locale="en")
    assert "/addevent" in help_now.plain_text()


async def test_role_by_a_coordinator_is_refused(app: App) -> None:
    coordinator = await as_role(app, "ana", Role.COORDINATOR)
    reply = await ask(app, "/vloga console:ana skrbnik", user=coordinator, locale="sl")
    assert reply.is_error
    assert reply.lines == ("To lahko stori le skrbnik koalicije.",)
    help_after = await ask(app, "/help", user=coordinator, locale="en")
    assert "/role" not in help_after.plain_text()


async def test_an_admin_cannot_demote_themselves(app: App) -> None:
    admin = await as_role(app, "skrbnica", Role.ADMIN)
    entries = len(await audit(app))
    for line, locale, expected in (
        ("/role skrbnica member", "en", "You cannot take the admin role from yourself."),
        ("/vloga console:skrbnica koordinator", "sl", "Sebi ne morete odvzeti vloge skrbnika."),
    ):
        reply = await ask(app, line, user=admin, locale=locale)
        assert reply.is_error
        assert reply.lines[0] == expected
    assert len(await audit(app)) == entries
    still_admin = await ask(app, "/help", user=admin, locale="en")
    assert "/role" in still_admin.plain_text()


# --- every change is audited ------------------------------------------------------------------


async def test_every_change_writes_an_audit_entry_with_actor_and_action(app: App) -> None:
    admin = await as_role(app, "skrbnica", Role.ADMIN)
    assert await audit(app) == []
    steps = [
        ("/addevent Sestanek | jutri ob 10h", False, "event.create", r"event:(\d+)"),
        ("/editevent {} where=Celje", False, "event.edit", "event:{}"),
        ("/cancelevent {}", False, "event.cancel", "event:{}"),
        ("/addactivity Naloga | 1.3.2027", False, "activity.create", r"activity:(\d+)"),
        ("/activity {} active", False, "activity.status", "activity:{}"),
        ("/addcontact Ana | SAŠA inkubator", False, "contact.create", r"contact:\d+"),
        ("/role bojan coordinator", False, "member.role", "member:console:bojan"),
        ("/bind sasa", True, "chat.bind", f"chat:{GROUP}"),
        ("/language en", True, "chat.locale", f"chat:{GROUP}"),
        ("/language en", False, "user.locale", f"user:{admin}"),
    ]
    last_id = ""
    for line, in_group, action, target in steps:
        line, target = line.format(last_id), target.format(last_id)
        if in_group:
            reply = await ask(app, line, user=admin, chat=GROUP, group=True, coalition=None)
        else:
            reply = await ask(app, line, user=admin)
        assert not reply.is_error, f"{line}: {reply.plain_text()}"
        actor, done, where = (await audit(app))[-1]
        assert (actor, done) == (admin, action), line
        matched = re.fullmatch(target, where)
        assert matched, f"{line}: {where}"
        last_id = matched.group(1) if matched.groups() else last_id
    assert len(await audit(app)) == len(steps)
    async with app.database.sessions() as session:
        entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "event.edit"))
    assert entry is not None
    assert entry.detail == {"location": "Celje"}
    assert entry.at == app.clock()


async def test_reading_writes_no_audit_entry(app: App) -> None:
    for line in (
        "/events",
        "/event 1",
        "/activities",
        "/deadlines",
        "/contacts",
        "/areas",
        "/help",
    ):
        await ask(app, line)
    assert await audit(app) == []
    assert await count(app, Activity) == 14
