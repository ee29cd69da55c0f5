"""Wording a person reads: help that reads as a list of actions, and names set apart."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import update

from bot.app import App
from handlers.reminders import reminder_reply
from models.entities import Event, Role
from models.reminders import ReminderKind
from models.services.reminders import ReminderJob
from tests.support import as_role, ask

GROUP = "telegram:-1004"
SL_VERBS = ("prikaže", "išče", "nastavi", "doda", "spremeni", "prekliče", "vklopi", "ustavi")
SL_VERBS += ("poveže", "dodeli", "našteje", "pošlje", "izbriše", "uvozi")
EN_VERBS = ("show", "list", "search", "set", "add", "change", "cancel", "get", "stop", "bind")
EN_VERBS += ("give", "send", "delete", "erase", "import")


def summaries(lines: tuple[str, ...]) -> list[str]:
    return [line.split(" — ", 1)[1] for line in lines]


async def test_every_help_summary_starts_with_a_verb_in_both_languages(app: App) -> None:
    admin = await as_role(app, "chief", Role.ADMIN)
    slovenian = await ask(app, "/pomoc", user=admin, locale="sl")
    english = await ask(app, "/help", user=admin, locale="en")
    assert [s for s in summaries(slovenian.lines) if not s.startswith(SL_VERBS)] == []
    assert [s for s in summaries(english.lines) if not s.startswith(EN_VERBS)] == []
    assert "/dogodek — prikaže en dogodek v celoti" in slovenian.lines
    assert "/event — show one event in full" in english.lines
    assert "/jezik — nastavi jezik odgovorov: sl ali en" in slovenian.lines
    assert "/language — set my language: sl or en" in english.lines
    assert "/vloga — dodeli vlogo: UPORABNIK član|koordinator|skrbnik" in slovenian.lines
    assert (
        "/aktivnost — nastavi status aktivnosti: ID načrtovana|aktivna|zaključena|preklicana"
        in slovenian.lines
    )
    assert (
        "/uredidogodek — spremeni dogodek: ID naslov=… kdaj=… kje=… področje=… opis=… javno=da|ne"
        in slovenian.lines
    )
    assert (
        "/stanje — prikaže opomnike zadnjih 7 dni: čakajoče, poslane, neuspešne, izpuščene"
        in slovenian.lines
    )
    assert "/status — show reminders of the last 7 days: pending, sent, failed, skipped" in (
        english.lines
    )


async def test_the_plain_forms_in_the_help_are_still_accepted(app: App) -> None:
    admin = await as_role(app, "chief", Role.ADMIN)
    granted = await ask(app, "/vloga console:nina clan", user=admin)
    assert granted.title == (
        "console:nina ima zdaj vlogo »član« — Lokalna digitalna koalicija SAŠA regije"
    )
    planned = await ask(app, "/aktivnost 1 nacrtovana", user=admin)
    assert planned.title == "Aktivnost #1 ima zdaj status »načrtovana«."
    moved = await ask(app, "/uredidogodek 1 podrocje=indeks", user=admin)
    assert "Področje: Indeks SAŠA regije (indeks)" in moved.lines


async def test_an_unbound_groups_help_names_no_coalition(app: App) -> None:
    member = await as_role(app, "mojca", Role.MEMBER)
    reply = await ask(app, "/pomoc", user=member, chat=GROUP, group=True)  # coalition: sasa
    assert reply.title == "Kaj lahko storim za vas"
    assert reply.lines[0] == "Ta klepet še ni povezan s koalicijo."


async def test_the_greeting_and_bind_set_the_coalitions_name_apart(app: App) -> None:
    admin = await as_role(app, "chief", Role.ADMIN)
    bound = await ask(app, "/bind sasa", user=admin, chat=GROUP, group=True, coalition=None)
    assert bound.title == (
        "Ta klepet je zdaj povezan s koalicijo — Lokalna digitalna koalicija SAŠA regije. "
        "Poskusite /dogodki."
    )
    greeting = await app.dispatcher.greet(admin, GROUP)
    assert greeting.lines == (
        "Ta klepet pripada koaliciji — Lokalna digitalna koalicija SAŠA regije. "
        "Poskusite /dogodki.",
    )


async def test_an_end_on_another_day_shows_its_date(app: App) -> None:
    coordinator = await as_role(app, "ana", Role.COORDINATOR)
    event = await app.services.events.create(
        "sasa",
        coordinator,
        title="Dvodnevna konferenca",
        starts_at=datetime(2026, 12, 10, 8, 0, tzinfo=UTC),
    )
    async with app.database.sessions.begin() as session:  # the commands set no end of their own
        await session.execute(
            update(Event)
            .where(Event.id == event.id)
            .values(ends_at=datetime(2026, 12, 11, 15, 0, tzinfo=UTC))
        )
    english = await ask(app, f"/event {event.id}", locale="en")
    assert english.lines[:2] == ("When: Thu 10 Dec 2026, 09:00", "Until: Fri 11 Dec 2026, 16:00")
    slovenian = await ask(app, f"/dogodek {event.id}", locale="sl")
    assert slovenian.lines[:2] == (
        "Kdaj: čet., 10. dec. 2026, 09:00",
        "Do: pet., 11. dec. 2026, 16:00",
    )


async def test_a_new_organisation_is_quoted_in_slovenian_too(app: App) -> None:
    coordinator = await as_role(app, "ana", Role.COORDINATOR)
    added = await ask(app, "/dodajkontakt Ana Novak | Nova firma d.o.o.", user=coordinator)
    assert added.lines == (
        "Organizacije »Nova firma d.o.o.« še ni bilo v imeniku, zato sem jo dodal.",
    )


async def test_a_quiet_week_says_there_are_neither_events_nor_deadlines(app: App) -> None:
    [sasa] = [c for c in await app.services.directory.coalitions() if c.slug == "sasa"]
    now = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
    job = ReminderJob(1, ReminderKind.DIGEST, sasa, now, 0, None, None, (), (), (), frozenset())
    slovenian = reminder_reply(job, app.translators["sl"], now)
    english = reminder_reply(job, app.translators["en"], now)
    assert slovenian is not None
    assert english is not None
    assert (slovenian.title, slovenian.lines) == (
        "Ta teden — Lokalna digitalna koalicija SAŠA regije",
        ("Ta teden ni ne dogodkov ne rokov.",),
    )
    assert english.lines == ("No events or deadlines this week.",)
