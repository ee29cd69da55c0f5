"""Announcements and RSVP on Telegram, through the real Application against the fake Bot API:
the announcement arrives once in the bound group with its buttons; pressing Going tells the
presser in a toast and the announcement, still itself, shows the new counts; a second press
changes nothing; a full event puts people in line and a freed place moves the first up, told
in their private chat; those going get the reminder privately too."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from bot.adapters.telegram import TelegramAdapter
from bot.app import App
from bot.count_edits import CountEdits
from bot.scheduler import ReminderScheduler
from models.entities import Role
from models.services.directory import CoalitionSpec
from tests.adapters.telegram.conftest import COALITION_GROUP, Chat
from tests.adapters.telegram.fake_bot_api import FakeBotApi, Sent, user
from tests.adapters.telegram.helpers import grant
from tests.conftest import FakeClock

COORDINATOR = user(7001, name="Koordinatorka")
ANA, BOR, CENE = user(7002, name="Ana"), user(7003, name="Bor"), user(7004, name="Cene")


async def announced(
    app: App, chat: Chat, fake_api: FakeBotApi, telegram: TelegramAdapter
) -> tuple[Sent, int, ReminderScheduler, CountEdits]:
    """A coordinator adds an event privately; the scheduler announces it in the group, and
    its counts are kept current as `coalition-bot run` keeps them (here with no pause
    between edits)."""
    await grant(app, COORDINATOR["id"], Role.COORDINATOR)
    [added] = await chat.ask("/dodajdogodek Delavnica | 20.12.2026 10:00", sender=COORDINATOR)
    event_id = int(added.text.split("#", 1)[1].split()[0].rstrip("."))
    scheduler = ReminderScheduler(app, {"telegram": telegram}, worker="rsvp-test")
    await scheduler.sweep()
    await scheduler.sweep()  # nothing twice
    [announcement] = fake_api.messages_to(COALITION_GROUP)
    edits = CountEdits(
        app.services.rsvp, {"telegram": telegram}, app.translators, app.clock, interval=0.0
    )
    edits.listen()
    return announcement, event_id, scheduler, edits


def button(message: Sent, label: str) -> str:
    """The data of the message's button with this label, as Telegram sends it back."""
    [data] = [data for shown, data in message.buttons if shown == label]
    return data


async def press(
    fake_api: FakeBotApi,
    message: Sent,
    data: str,
    who: dict[str, object],
    telegram: TelegramAdapter | None = None,
    edits: CountEdits | None = None,
) -> str:
    """Presses a button and waits for the bot's answer to the press (and, given the adapter,
    for the pressed message's edit; given the count edits, for theirs); its toast text."""
    query = fake_api.press(message, data, user=who)
    await fake_api.wait_for(lambda: any(a["callback_query_id"] == query for a in answers(fake_api)))
    if telegram is not None:
        await telegram.handlers.edits.settle()
    if edits is not None:
        await edits.settle()
    [answer] = [a for a in answers(fake_api) if a["callback_query_id"] == query]
    return str(answer.get("text") or "")


def texts_shown(fake_api: FakeBotApi, message: Sent) -> list[str]:
    """Every text the message was edited to show, in order."""
    return [
        str(call.params["text"])
        for call in fake_api.calls_of("editMessageText")
        if int(call.params["chat_id"]) == message.chat_id
        and int(call.params["message_id"]) == message.message_id
        and call.status == 200
    ]


def answers(fake_api: FakeBotApi) -> list[dict[str, object]]:
    return fake_api.callback_answers


async def test_the_announcement_arrives_once_and_going_edits_its_counts(
    app: App, chat: Chat, fake_api: FakeBotApi, telegram: TelegramAdapter
) -> None:
    announcement, _event_id, _scheduler, edits = await announced(app, chat, fake_api, telegram)
    assert announcement.text.startswith("Nov dogodek: Delavnica")
    assert [label for label, _data in announcement.buttons] == ["Pridem", "Morda", "Ne morem"]
    going = button(announcement, "Pridem")
    toast = await press(fake_api, announcement, going, ANA, telegram, edits)
    assert toast == "Vaš odgovor: pridem"
    assert announcement.edits == 1
    assert announcement.text.startswith("Nov dogodek: Delavnica"), "still the announcement"
    assert "Pridejo: 1 · Morda: 0 · Ne morejo: 0" in announcement.text
    assert "Vaš odgovor" not in announcement.text, "the group never sees one person's answer"
    assert [label for label, _data in announcement.buttons] == ["Pridem", "Morda", "Ne morem"]

    again = await press(fake_api, announcement, going, ANA, telegram, edits)
    assert again == "Vaš odgovor ostaja: pridem"
    assert announcement.edits == 1, "a second press changes nothing"
    assert "Pridejo: 1 ·" in announcement.text

    await press(fake_api, announcement, button(announcement, "Morda"), BOR, telegram, edits)
    assert "Pridejo: 1 · Morda: 1 · Ne morejo: 0" in announcement.text
    assert len(fake_api.messages_to(COALITION_GROUP)) == 1, "edited in place, nothing posted"
    shown = texts_shown(fake_api, announcement)
    assert len(shown) == 2, shown
    assert all(text.startswith("<b>Nov dogodek: Delavnica") for text in shown), (
        "a press never turns the announcement into another message, not even for a moment"
    )


async def test_an_older_announcement_without_the_mark_still_answers_its_buttons(
    app: App, chat: Chat, fake_api: FakeBotApi, telegram: TelegramAdapter
) -> None:
    announcement, event_id, _scheduler, edits = await announced(app, chat, fake_api, telegram)
    toast = await press(fake_api, announcement, f"/rsvp {event_id} yes", ANA, telegram, edits)
    assert toast == "Vaš odgovor: pridem"
    assert "Pridejo: 1 · Morda: 0 · Ne morejo: 0" in announcement.text
    assert [label for label, _data in announcement.buttons] == ["Pridem", "Morda", "Ne morem"]


async def test_a_full_event_puts_people_in_line_and_a_freed_place_is_told_privately(
    app: App, chat: Chat, fake_api: FakeBotApi, telegram: TelegramAdapter
) -> None:
    announcement, event_id, scheduler, edits = await announced(app, chat, fake_api, telegram)
    [capacity] = await chat.ask(f"/uredidogodek {event_id} mesta=1", sender=COORDINATOR)
    assert "Mesta: zasedenih 0 od 1" in capacity.text
    going, cannot = button(announcement, "Pridem"), button(announcement, "Ne morem")
    await press(fake_api, announcement, going, ANA, telegram, edits)
    toast = await press(fake_api, announcement, going, BOR, telegram, edits)
    assert toast == "Dogodek je poln: na čakalni vrsti ste 1. po vrsti."
    assert "Mesta: zasedenih 1 od 1 · Čakalna vrsta: 1" in announcement.text
    await press(fake_api, announcement, cannot, ANA, telegram, edits)
    assert "Pridejo: 1 · Morda: 0 · Ne morejo: 1 · Mesta: zasedenih 1 od 1" in announcement.text
    await scheduler.sweep()
    [note] = fake_api.messages_to(BOR["id"])
    assert note.text.startswith("Mesto je vaše: Delavnica")
    assert "s čakalne vrste ste prišli med udeležence" in note.text
    await scheduler.sweep()
    assert len(fake_api.messages_to(BOR["id"])) == 1, "told once"
    [listed] = await chat.ask(f"/udelezenci {event_id}", sender=COORDINATOR)
    assert "• Pridejo: 1\n    1. Bor\n• Ne morejo: 1\n    1. Ana" in listed.text, listed.text


async def test_people_going_get_the_reminder_privately_in_their_language(
    app: App, chat: Chat, fake_api: FakeBotApi, telegram: TelegramAdapter, clock: FakeClock
) -> None:
    _announcement, event_id, scheduler, _edits = await announced(app, chat, fake_api, telegram)
    english = user(7005, language="en", name="Eve")
    [answer] = await chat.ask(f"/rsvp {event_id} yes", sender=english)
    assert "Your answer: going" in answer.text
    before = len(fake_api.messages_to(english["id"]))
    clock.now = datetime(2026, 12, 19, 9, 5, tzinfo=UTC)  # a day before, 10:00 in Ljubljana
    await scheduler.sweep()
    [reminder] = fake_api.messages_to(english["id"])[before:]
    assert reminder.text.startswith("Reminder: Delavnica")
    assert [label for label, _data in reminder.buttons] == ["Going", "Maybe", "Can't"]
    group = fake_api.messages_to(COALITION_GROUP)
    assert group[-1].text.startswith("Opomnik: Delavnica"), "the group is reminded as before"


OTHER_GROUP = -100998


async def announced_in_two_groups(
    app: App, chat: Chat, fake_api: FakeBotApi, telegram: TelegramAdapter
) -> tuple[Sent, Sent, int, CountEdits]:
    """The event announced in SAŠA's two groups, its counts kept current by CountEdits."""
    [sasa] = [c for c in await app.services.directory.coalitions() if c.slug == "sasa"]
    spec = CoalitionSpec(slug="sasa", name=sasa.name, timezone=sasa.timezone)
    chats = (f"telegram:{COALITION_GROUP}", f"telegram:{OTHER_GROUP}")
    await app.services.directory.apply_config([replace(spec, chats=chats)])
    await grant(app, COORDINATOR["id"], Role.COORDINATOR)
    [added] = await chat.ask("/dodajdogodek Delavnica | 20.12.2026 10:00", sender=COORDINATOR)
    event_id = int(added.text.split("#", 1)[1].split()[0].rstrip("."))
    await ReminderScheduler(app, {"telegram": telegram}, worker="rsvp-test").sweep()
    [here] = fake_api.messages_to(COALITION_GROUP)
    [there] = fake_api.messages_to(OTHER_GROUP)
    edits = CountEdits(app.services.rsvp, {"telegram": telegram}, app.translators, app.clock)
    edits.listen()
    return here, there, event_id, edits


async def test_pressing_going_edits_the_counts_in_the_other_group_too(
    app: App, chat: Chat, fake_api: FakeBotApi, telegram: TelegramAdapter
) -> None:
    here, there, _event_id, edits = await announced_in_two_groups(app, chat, fake_api, telegram)
    assert there.text.startswith("Nov dogodek: Delavnica")
    await press(fake_api, here, button(here, "Pridem"), ANA, telegram)
    await fake_api.wait_for(lambda: "Pridejo: 1 · Morda: 0 · Ne morejo: 0" in there.text)
    assert there.text.startswith("Nov dogodek: Delavnica"), "still the announcement"
    assert len(there.buttons) == 3, "the buttons stay under it"
    await edits.settle()
    assert "Pridejo: 1 · Morda: 0 · Ne morejo: 0" in here.text
    assert len(fake_api.messages_to(OTHER_GROUP)) == 1, "edited in place, nothing posted"


async def test_a_hundred_presses_make_a_few_edits_with_the_exact_final_counts(
    app: App, chat: Chat, fake_api: FakeBotApi, telegram: TelegramAdapter
) -> None:
    here, there, _event_id, edits = await announced_in_two_groups(app, chat, fake_api, telegram)
    people = [user(8000 + n, name=f"Oseba {n}") for n in range(100)]
    going = button(here, "Pridem")
    queries = [fake_api.press(here, going, user=who) for who in people]
    await fake_api.wait_for(
        lambda: {a["callback_query_id"] for a in answers(fake_api)} >= set(queries), 60
    )
    await edits.settle()
    assert "Pridejo: 100 · Morda: 0 · Ne morejo: 0" in there.text
    assert "Pridejo: 100 · Morda: 0 · Ne morejo: 0" in here.text
    assert there.edits <= 8, f"{there.edits} edits for 100 presses"
    assert here.edits <= 8, f"{here.edits} edits for 100 presses on it"


async def test_counts_still_pending_at_the_stop_are_shown_before_it(
    app: App, chat: Chat, fake_api: FakeBotApi, telegram: TelegramAdapter
) -> None:
    here, there, _event_id, edits = await announced_in_two_groups(app, chat, fake_api, telegram)
    edits.interval = 3600.0  # the next edit would wait an hour
    going, maybe = button(here, "Pridem"), button(here, "Morda")
    await press(fake_api, here, going, ANA, telegram)
    await fake_api.wait_for(lambda: "Pridejo: 1 · Morda: 0 · Ne morejo: 0" in there.text)
    await press(fake_api, here, going, BOR, telegram)
    await press(fake_api, here, maybe, CENE, telegram)
    assert "Pridejo: 1 · Morda: 0" in there.text, "held by the interval"
    await edits.stop()
    assert "Pridejo: 2 · Morda: 1 · Ne morejo: 0" in there.text
