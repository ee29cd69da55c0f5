"""Answers to events through the dispatcher: going, maybe, can't, guests, capacity, the
waiting list, /mine and /attendees; the reader's own answer never reaches another reader."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.app import App
from models.entities import Role
from models.rsvp import Rsvp
from tests.support import as_role, ask


async def new_event(app: App, title: str = "Delavnica") -> int:
    coordinator = await as_role(app, "koordinatorka", Role.COORDINATOR)
    added = await ask(app, f"/addevent {title} | 20.12.2026 10:00", user=coordinator)
    assert not added.is_error, added.plain_text()
    page = await app.services.events.upcoming("sasa", limit=200)
    return next(e.id for e in page.items if e.title == title)


async def test_going_maybe_and_cant_are_counted_and_a_changed_answer_replaces(app: App) -> None:
    event_id = await new_event(app)
    going = await ask(app, f"/rsvp {event_id} yes +2", user="console:ana", locale="en")
    assert "Going: 1 (+2 guests)" in going.plain_text(), going.plain_text()
    assert going.notice == "Your answer: going (+2)"
    await ask(app, f"/udelezba {event_id} morda", user="console:bor", locale="sl")
    changed = await ask(app, f"/rsvp {event_id} no", user="console:ana", locale="en")
    assert "Going: 0 · Maybe: 1 · Can't: 1" in changed.plain_text(), changed.plain_text()
    assert [b.command for b in changed.buttons] == [
        f"/rsvp {event_id} yes",
        f"/rsvp {event_id} maybe",
        f"/rsvp {event_id} no",
    ]
    sl = await ask(app, f"/dogodek {event_id}", user="console:cene", locale="sl")
    assert "Pridejo: 0 · Morda: 1 · Ne morejo: 1" in sl.plain_text(), sl.plain_text()
    assert [b.label for b in sl.buttons] == ["Pridem", "Morda", "Ne morem"]


async def test_the_same_answer_twice_changes_nothing(app: App) -> None:
    event_id = await new_event(app)
    await ask(app, f"/rsvp {event_id} yes", user="console:ana", locale="en")
    before = app.database.changes.revision(1)
    again = await ask(app, f"/rsvp {event_id} yes", user="console:ana", locale="en")
    assert again.notice == "Your answer stays: going"
    assert "Going: 1 ·" in again.plain_text()
    async with app.database.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Rsvp)) == 1
    assert app.database.changes.revision(1) == before  # nothing written, nothing refreshed


async def test_capacity_waiting_list_and_promotion_in_order(app: App) -> None:
    event_id = await new_event(app)
    coordinator = await as_role(app, "koordinatorka", Role.COORDINATOR)
    set_places = await ask(app, f"/uredidogodek {event_id} mesta=2", user=coordinator)
    assert "Mesta: zasedenih 0 od 2" in set_places.plain_text(), set_places.plain_text()
    await ask(app, f"/rsvp {event_id} yes", user="console:ana", locale="en")
    await ask(app, f"/rsvp {event_id} yes", user="console:bor", locale="en")
    cene = await ask(app, f"/rsvp {event_id} yes", user="console:cene", locale="en")
    assert cene.notice == "The event is full: you are on the waiting list, number 1."
    dora = await ask(app, f"/rsvp {event_id} yes", user="console:dora", locale="en")
    assert dora.notice == "The event is full: you are on the waiting list, number 2."
    assert "Places: 2 of 2 · Waiting list: 2" in dora.plain_text()
    await ask(app, f"/rsvp {event_id} no", user="console:bor", locale="en")
    mine = await ask(app, "/mine", user="console:cene", locale="en")
    assert "going" in mine.plain_text(), mine.plain_text()
    assert "waiting" not in mine.plain_text(), mine.plain_text()
    dora_mine = await ask(app, "/moji", user="console:dora", locale="sl")
    assert "na čakalni vrsti, 1. po vrsti" in dora_mine.plain_text(), dora_mine.plain_text()
    listed = await ask(app, f"/attendees {event_id}", user=coordinator, locale="en")
    text = listed.plain_text()
    assert text.index("console:ana") < text.index("console:cene") < text.index("console:dora")
    assert "Waiting list: 1" in text, text
    assert "Can't: 1" in text, text
    more = await ask(app, f"/editevent {event_id} capacity=0", user=coordinator, locale="en")
    assert "Places: no limit." in more.plain_text(), more.plain_text()
    after = await ask(app, f"/event {event_id}", user="console:eva", locale="en")
    assert "Going: 3 ·" in after.plain_text(), after.plain_text()


async def test_attendees_is_for_coordinators(app: App) -> None:
    event_id = await new_event(app)
    refused = await ask(app, f"/attendees {event_id}", user="console:ana", locale="en")
    assert refused.is_error


async def test_bad_answers_are_explained_with_an_example(app: App) -> None:
    event_id = await new_event(app)
    coordinator = await as_role(app, "koordinatorka", Role.COORDINATOR)
    for line, expected in [
        ("/rsvp", "Give the event's number"),
        (f"/rsvp {event_id}", "Answer yes, maybe or no."),
        (f"/rsvp {event_id} perhaps", "Answer yes, maybe or no, not “perhaps”."),
        (f"/rsvp {event_id} yes +99", "at most +10"),
        (f"/rsvp {event_id} no +1", "Guests (+N) come only with yes."),
        ("/rsvp 99999 yes", "There is no event #99999"),
        (f"/editevent {event_id} capacity=lots", "capacity=30"),
    ]:
        reply = await ask(app, line, user=coordinator, locale="en")
        assert reply.is_error, line
        assert expected in reply.plain_text(), (line, reply.plain_text())
        assert "Example:" in reply.plain_text(), line


async def test_a_readers_own_answer_never_reaches_another_reader(app: App) -> None:
    """The shared /event answer is remembered for everyone in the group; the per-person
    part is made for each reader, so Bor never sees Ana's answer, in either order."""
    event_id = await new_event(app)
    await ask(app, f"/rsvp {event_id} maybe", user="console:ana", locale="en")
    group = "console:group"
    for first, second in (("console:ana", "console:bor"), ("console:bor", "console:ana")):
        replies = {}
        for user in (first, second):
            replies[user] = await ask(
                app, f"/event {event_id}", user=user, chat=group, group=True, locale="en"
            )
        assert replies["console:ana"].notice == "Vaš odgovor: morda"  # the group speaks Slovenian
        assert replies["console:bor"].notice == "Niste še odgovorili."
        assert "Vaš odgovor" not in replies["console:bor"].plain_text()
        assert replies["console:ana"].shared_part() == replies["console:bor"].shared_part()
